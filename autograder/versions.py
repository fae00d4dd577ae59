"""Which course version a release was built with, and whether an install is older: releases
record course.version.VERSION in their notebooks' metadata; the grader compares it, and the
versions of its Dask workers, with the package it imports."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from course.version import VERSION, as_numbers

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

KEY = "backprop_course"   # the notebook metadata entry: {"version": "0.2.0"}
UPDATE = "update it (pip install -U backprop-course, or pip install -e . in the course folder)"


def stamp(folder: Path | str) -> None:
    """Record this course version in the metadata of every notebook in folder."""
    import nbformat

    from autograder import notebooks
    for path in Path(folder).glob("*.ipynb"):
        nb = notebooks.read(path)
        nb.metadata[KEY] = {"version": VERSION}
        path.write_text(nbformat.writes(nb) + "\n")


def recorded(path: Path | str) -> str | None:
    """The course version a notebook's release was built with, or None for an older release."""
    metadata = json.loads(Path(path).read_text(encoding="utf-8")).get("metadata", {})
    return metadata.get(KEY, {}).get("version")


def stale_release_notes(root: Path | str, names: Iterable[str]) -> list[str]:
    """For each assignment whose release/ was built with a newer course than this one: what to do."""
    notes = []
    for name in names:
        versions = {recorded(path) for path in sorted((Path(root) / "release" / name).glob("*.ipynb"))}
        newest = max((v for v in versions if v), key=as_numbers, default=None)
        if newest and as_numbers(newest) > as_numbers(VERSION):
            notes.append(f"release/{name} was built with course {newest}, but this grader's course "
                         f"package is {VERSION}: its exercises may differ; {UPDATE} before grading.")
    return notes


def stale_workers(versions: Mapping[str, object]) -> str | None:
    """What to do when a Dask worker's course version (address -> version, or the error it raised
    for a package too old to say) differs from this machine's; None when all agree."""
    stale = {address: version if isinstance(version, str) else f"older than {VERSION}"
             for address, version in versions.items() if version != VERSION}
    if not stale:
        return None
    listed = ", ".join(f"{address} has {version}" for address, version in sorted(stale.items()))
    return (f"the Dask workers' course package differs from this machine's ({VERSION}): {listed}; "
            f"{UPDATE} on every worker and restart them (`dask worker ...`).")
