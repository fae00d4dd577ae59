"""The command works however it is started: from an activated virtual environment or not (cron,
pipx, a systemd unit, `~/venv/bin/backprop-course`)."""
from __future__ import annotations

import os
from pathlib import Path
import sys
import sysconfig

# what numpy reads, when a process imports it, for the number of its BLAS threads
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def own_scripts_first() -> None:
    """Put the folder of the alembic program this Python's packages installed, and this
    interpreter's scripts folder, first on PATH, so that the programs nbgrader starts by name
    (alembic, for a new gradebook) are those installed beside it, wherever pip put them (a
    virtual environment, pip --user's ~/.local/bin). Idempotent. An alembic beside this
    interpreter is the one; only when there is none there is the distribution's record of its
    files read (importlib.metadata: about 0.045 s, before autograde can launch its workers)."""
    beside = [sysconfig.get_path("scripts"), os.path.dirname(sys.executable)]
    alembic = next((folder for folder in beside if os.path.isfile(os.path.join(folder, "alembic"))), None)
    scripts = [alembic or _script_folder("alembic"), *beside]
    path = os.environ.get("PATH", os.defpath).split(os.pathsep)
    wanted = [folder for folder in dict.fromkeys(scripts) if folder and folder not in path[:len(scripts)]]
    if wanted:
        os.environ["PATH"] = os.pathsep.join(wanted + [p for p in path if p not in wanted])


def _script_folder(distribution: str) -> str | None:
    """The folder of the console script of the same name that the installed distribution put
    on disk, or None."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import distribution as installed
    try:
        found = installed(distribution)
    except PackageNotFoundError:
        return None
    for file in found.files or ():
        if file.name == distribution and file.parent.name in ("bin", "Scripts"):
            path = Path(found.locate_file(file)).resolve()
            if path.is_file():
                return str(path.parent)
    return None
