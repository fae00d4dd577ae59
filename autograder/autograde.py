"""`backprop-course autograde`: grade every submission of one or more assignments, in parallel
sandboxes, into nbgrader's gradebook and per-student result files."""
from __future__ import annotations

import gc
from pathlib import Path
import queue
import threading
from typing import TYPE_CHECKING

from autograder import results
from autograder.assignment import notebook_paths, read_assignment
from autograder.batching import gathered
from autograder.course_dir import CourseError
from autograder.pool import Worker, launch
from autograder.results import ExerciseResult, Status, SubmissionResult
from autograder.safe_text import visible
from autograder.sandbox import Limits, choose_mode
from autograder.submission import fingerprint

if TYPE_CHECKING:
    from collections.abc import Sequence

BATCH = 100   # results recorded in one gradebook transaction, at most
GATHER = 0.2   # seconds a batch waits for more results after its first


def submitted_students(root: Path | str, assignment: str) -> list[str]:
    """Students with a folder submitted/<student>/<assignment>/, sorted."""
    return sorted(p.parent.name for p in Path(root, "submitted").glob(f"*/{assignment}") if p.is_dir())


def autograde(root: Path | str, names: Sequence[str], students: Sequence[str] = (), workers: int = 2,
              force: bool = False, limits: Limits = Limits(), progress: bool = True,
              url: str | None = None, scheduler: str | None = None, no_isolation: bool = False
              ) -> tuple[list[SubmissionResult], list[tuple[str, str]], dict[str, Sequence]]:
    """Grade the submissions of the named assignments and record them.

    students: only these, in this order (each must have submitted one of them); force: grade again
    what is up to date; scheduler: a Dask scheduler's address, to run the submissions' code on its
    cluster instead of in `workers` local worker processes; no_isolation: where the machine gives
    no isolation, run student code without it instead of raising IsolationUnavailable (every
    result records the mode it was graded in). Returns (graded, skipped, protections):
    the new SubmissionResults, the (assignment, student) pairs left alone because their result is
    up to date, and the sandbox protections the workers reported.

    Only what is needed to start the workers is done before they start: they warm up (most of a
    second) while the notebooks are read, the rest of the grader is imported and the gradebook is
    opened.
    """
    root = Path(root)
    notebooks = {name: [path.name for path in notebook_paths(root, name)] for name in names}
    everyone = {name: submitted_students(root, name) for name in names}
    unknown = sorted(set(students) - set().union(*everyone.values()))
    if unknown:
        raise ValueError(f"no submission of {', '.join(names)} from {', '.join(unknown)} "
                         f"under submitted/")
    chosen = [(name, s) for name in names for s in (students or everyone[name]) if s in everyone[name]]
    todo = [pair for pair in chosen if force or not _up_to_date(root, *pair, notebooks[pair[0]])]
    to_grade = set(todo)
    skipped = [pair for pair in chosen if pair not in to_grade]
    if not todo:
        return [], skipped, {}
    if scheduler:
        from autograder.dask_pool import DaskCluster
        from autograder.reference import instructor_sources
        specs = {name: read_assignment(root, name) for name in names}
        sources = {g.exercise: instructor_sources(root, name)
                   for name in names for spec in specs[name] for g in spec.graded}
        with DaskCluster(scheduler, limits, "none" if no_isolation else "auto") as cluster:
            graded = _grade(root, names, specs, todo, cluster.workers(len(todo), sources), url,
                            progress)
        return graded, skipped, cluster.protections
    mode = choose_mode(no_isolation)
    pool = launch([Worker(slot, limits, mode) for slot in range(max(1, min(workers, len(todo))))])
    try:
        specs = {name: read_assignment(root, name) for name in names}
    except BaseException:
        for worker in pool:
            worker.stop()
        raise
    graded = _grade(root, names, specs, todo, pool, url, progress)
    return graded, skipped, pool[0].protections or {}


def _grade(root, names, specs, todo, pool, url, progress):
    """Grade the (assignment, student) pairs of todo, one grading thread per worker of the pool,
    and record each result as it comes, with its late penalty by the course's LatePolicy; returns
    the SubmissionResults. The threads grade while the late policy is loaded and the gradebook
    prepared; only this thread writes, once both are done, so that a plugin that cannot be loaded
    stops the run with nothing written."""
    from tqdm import tqdm

    from autograder.grading import grade_submission, write_for_formgrader
    from autograder.submission import stamp_time
    jobs, done = queue.Queue(), queue.Queue()
    for pair in todo:
        jobs.put(pair)
    threads = [threading.Thread(target=_serve, args=(grade_submission, root, specs, w, jobs, done),
                                daemon=True)
               for w in pool]
    for thread in threads:   # workers warm up and grade while the gradebook is prepared
        thread.start()
    graded = []
    try:
        writer = _writer(root, names, url)
        gc.freeze()   # what the run set up, out of the collector's full passes until it ends
        try:
            with tqdm(total=len(todo), desc="autograde", unit="submission",
                      disable=not progress) as bar:
                for batch in _batches(done, len(todo)):
                    refused = [r for r in batch if isinstance(r, CourseError)]
                    if refused:
                        raise refused[0]
                    for result, matched in batch:
                        write_for_formgrader(root, result, matched)
                    stamps = [_stamps(root, result) for result, _ in batch]
                    penalties = writer.record([(result, stamp_time(each["timestamp.txt"]))
                                               for (result, _), each in zip(batch, stamps)])
                    for (result, _), each, penalty in zip(batch, stamps, penalties):
                        result.penalty = penalty
                        _save(root, result, each)   # after the gradebook: the mark of a finished one
                        graded.append(result)
                    bar.set_postfix_str(visible(f"{result.assignment} {result.student}"))
                    bar.update(len(batch))
        finally:
            gc.unfreeze()
            writer.close()
    finally:
        _drain(jobs)
        for _ in pool:
            jobs.put(None)
        for thread in threads:
            thread.join(timeout=30)
    return graded


def _writer(root, names, url):
    """The run's GradebookWriter, with the course's LatePolicy (a plugin that cannot be loaded
    raises CourseError), the assignments in the gradebook."""
    from autograder.gradebook import GradebookWriter, db_url, ensure_assignment
    from autograder.late_policy import LatePolicy
    late = LatePolicy(root)
    url = url or db_url(root)
    for name in names:
        ensure_assignment(root, name, url)
    return GradebookWriter(url, late)


def _batches(done, count):
    """The count results put on done, in lists: each holds the first result to come and those
    that come within GATHER seconds after it, BATCH at most, so that the gradebook is written in
    one transaction for many results instead of one per result."""
    while count:
        batch = gathered(done, done.get(), min(BATCH, count), GATHER)
        count -= len(batch)
        yield batch


def _stamps(root, result):
    """The stamps (results.STAMPS, name -> bytes or None) of the submission a result graded."""
    from autograder.submission import read_stamps
    return read_stamps(root / "submitted" / result.student / result.assignment, results.STAMPS)


def _save(root, result, stamps):
    """The result's file, with the stamps of the files it graded beside it."""
    results.write_stamps(stamps, results.path_for(root, result.assignment, result.student).parent)
    results.save(root, result)


def _drain(jobs):
    """Take back the students no thread has started on (after an error or at the end)."""
    try:
        while True:
            jobs.get_nowait()
    except queue.Empty:
        pass


def _serve(grade_submission, root, specs, worker, jobs, done):
    """A grading thread: take (assignment, student) pairs from jobs until None, put what
    grade_submission makes of each (its result and matched notebooks) on done, or, when its worker
    cannot grade here at all (a CourseError saying why), that error instead. specs: assignment ->
    its NotebookSpecs."""
    try:
        worker.start()
        broken = None
    except CourseError as error:   # no worker here can grade (the message says why): stop the run
        done.put(error)
        return
    except Exception as error:
        broken = error
    while (job := jobs.get()) is not None:
        assignment, student = job
        try:
            if broken:
                raise broken
            done.put(grade_submission(root, assignment, student, specs[assignment], worker))
        except Exception as error:  # a grader bug must not lose the rest of the class
            done.put((_grader_failed(assignment, student, specs[assignment], error), []))
    worker.stop()


def _grader_failed(assignment, student, specs, error):
    result = SubmissionResult(student, assignment, "")
    message = f"The grader itself failed on this submission ({type(error).__name__}: {error})."
    result.exercises = [ExerciseResult(spec.name, g.exercise, 0.0, g.points, Status.CRASHED, message,
                                       grade_id=g.grade_id) for spec in specs for g in spec.graded]
    return result


def _up_to_date(root, assignment, student, notebooks):
    """Whether the submission's saved result is of the files there now, and formgrader has its
    autograded notebooks (a result saved before they were written is graded again).
    notebooks: the assignment's notebook file names. A result file that is not one (half-written,
    edited) is not up to date: grading again rewrites it."""
    try:
        saved = results.load(root, assignment, student)
    except CourseError:
        return False
    folder = Path(root) / "submitted" / student / assignment
    graded = results.path_for(root, assignment, student).parent
    return (saved is not None and saved.fingerprint == fingerprint(folder)
            and all((graded / name).is_file() for name in notebooks))
