"""Where the course lives: its root folder, its assignments and its nbgrader configuration."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from traitlets.config import Config


class CourseError(Exception):
    """A problem with the course directory or the command's arguments, said plainly."""


def find_root(start: Path | str | None = None) -> Path:
    """The course directory: `start` (default: the current folder) or one above it that holds
    nbgrader_config.py and source/."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "nbgrader_config.py").is_file() and (folder / "source").is_dir():
            return folder
    raise CourseError(f"{start} is not inside a course directory (a folder with "
                      "nbgrader_config.py and source/): cd into the course, or pass --course-dir.")


def assignments(root: Path | str, wanted: Sequence[str] = ()) -> list[str]:
    """The assignment names under source/, sorted; `wanted` picks some, and must all exist."""
    available = sorted(p.name for p in (Path(root) / "source").iterdir()
                       if p.is_dir() and not p.name.startswith((".", "_")))
    missing = [name for name in wanted if name not in available]
    if missing:
        raise CourseError(f"no assignment {', '.join(missing)} under source/; "
                          f"the course has: {', '.join(available)}")
    return list(wanted) or available


def nbgrader_config(root: Path | str, workdir: Path | str | None = None) -> Config:
    """The course's nbgrader_config.py as a traitlets Config, optionally pointed at another
    working course directory (its own root and sqlite gradebook)."""
    from traitlets.config.loader import PyFileConfigLoader
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    if workdir is not None:
        config.CourseDirectory.root = str(workdir)
        config.CourseDirectory.db_url = f"sqlite:///{Path(workdir) / 'gradebook.db'}"
    return config
