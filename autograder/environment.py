"""The command works however it is started: from an activated virtual environment or not (cron,
pipx, a systemd unit, `~/venv/bin/backprop-course`)."""
from __future__ import annotations

import os
import sys
import sysconfig


def own_scripts_first() -> None:
    """Put this interpreter's scripts folder first on PATH, so that the programs nbgrader starts
    by name (alembic, for a new gradebook) are those installed beside it. Idempotent."""
    scripts = [sysconfig.get_path("scripts"), os.path.dirname(sys.executable)]
    path = os.environ.get("PATH", os.defpath).split(os.pathsep)
    wanted = [folder for folder in dict.fromkeys(scripts) if folder and folder not in path[:len(scripts)]]
    if wanted:
        os.environ["PATH"] = os.pathsep.join(wanted + [p for p in path if p not in wanted])
