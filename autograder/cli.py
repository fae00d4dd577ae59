"""`backprop-course`: build and check the student releases; grade submissions, and write feedback,
a CSV and a class report."""
from __future__ import annotations

import argparse
import atexit
import os
from pathlib import Path
import shutil
import sys
from typing import TYPE_CHECKING

from autograder.course_dir import CourseError, assignments, find_root
from autograder.environment import BLAS_THREADS, own_scripts_first
from autograder.safe_text import terminal, visible

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import NoReturn

    from autograder.results import SubmissionResult


def release_command(args: argparse.Namespace, write: bool = True) -> int:
    from autograder.release import release
    root = find_root(args.course_dir)
    checks = release(root, assignments(root, args.assignments), write=write, jobs=args.jobs)
    for check in checks:
        print(check.summary())
        for problem in check.problems:
            print("   -", problem.replace("\n", "\n     "))
    failed = [c.name for c in checks if not c.ok]
    if failed:
        print(f"\n{len(failed)} assignment(s) need fixing in source/: {', '.join(failed)}"
              + ("; their release/ was left as it was." if write else "."))
        return 1
    if write:
        print(f"\nAll {len(checks)} releases are built in {root / 'release'} and checked.\n"
              f"Students open them with:  jupyter lab {root / 'release'}\n"
              f"Instructors see the solutions with:  jupyter lab {root / 'source'}")
    else:
        print(f"\nAll {len(checks)} assignments check out; nothing was written.")
    return 0


def validate_command(args: argparse.Namespace) -> int:
    return release_command(args, write=False)


def autograde_command(args: argparse.Namespace, root: Path | None = None) -> int:
    for name in BLAS_THREADS:   # the grader's numpy work is small: no BLAS thread of its own
        os.environ.setdefault(name, "1")   # spinning on a core the grading workers need
    from autograder.autograde import autograde
    from autograder.versions import stale_release_notes
    root = root or find_root(args.course_dir)
    names = assignments(root, args.assignments)
    for note in stale_release_notes(root, names):
        print(f"WARNING: {note}")
    try:
        graded, skipped, protections = autograde(root, names, args.student, args.workers,
                                                 args.force, scheduler=args.scheduler,
                                                 no_isolation=args.no_isolation)
    except ValueError as error:
        raise CourseError(str(error)) from None
    if protections:
        where = f" of the Dask workers at {args.scheduler}" if args.scheduler else ""
        print(f"sandbox{where}: " + "; ".join(f"{name} {'on' if on else 'OFF'}"
                                            for name, (on, _) in protections.items()))
        for name, (on, how) in protections.items():
            if not on:
                print(f"  {name} is off: {how}")
    if args.no_isolation:
        print("WARNING: --no-isolation: student code ran as you, with your files; every result "
              "records it (the CSV's isolation column, the class report).")
    if graded:
        print("\n" + summary_table(graded))
    print(f"\n{len(graded)} submission(s) graded"
          + (f", {len(skipped)} already up to date (--force grades them again)" if skipped else "")
          + ". Scores are in the gradebook"
          + (" (the table shows automatic scores; a score a person set in formgrader wins in "
             "export, report and feedback)." if graded else "."))
    return 0


def summary_table(graded: Iterable[SubmissionResult]) -> str:
    """The graded submissions' scores and what needs a person, one line each; names and status
    words come from submitted files, so their control characters are shown, not sent."""
    lines = [f"{'assignment':<20} {'student':<28} {'score':>11}  needs a person"]
    for result in sorted(graded, key=lambda r: (r.assignment, r.student)):
        lines.append(f"{visible(result.assignment):<20} {visible(result.student):<28} "
                     f"{result.score:>5g} / {result.max_score:<3g}  "
                     f"{visible(', '.join(result.needs_a_person)) or '-'}")
    return "\n".join(lines)


def feedback_command(args: argparse.Namespace, root: Path | None = None) -> int:
    from autograder.feedback import write_feedback
    root = root or find_root(args.course_dir)
    written = write_feedback(root, args.assignment)
    print(f"{len(written)} feedback page(s) written under {root / 'feedback'}")
    return 0


def export_command(args: argparse.Namespace, root: Path | None = None) -> int:
    from autograder.export import export
    root = root or find_root(args.course_dir)
    if args.assignment:
        assignments(root, [args.assignment])
    if args.format != "csv":
        return _export_to_lms(root, args)
    rows = export(root, args.assignment, args.output)
    if args.output != "-":
        print(f"{rows} row(s) written to {args.output}")
    return 0


def _export_to_lms(root: Path, args: argparse.Namespace) -> int:
    """The LMS's import CSV of one assignment; every student it cannot match is named, and the
    command then fails (the file has all the others)."""
    from autograder.lms_export import export_lms
    if not args.assignment:
        raise CourseError(f"--format {args.format} exports one assignment: name it, e.g. "
                          f"backprop-course export 03_gates --format {args.format}")
    rows, unmatched = export_lms(root, args.assignment, args.format, args.output, args.canvas_column)
    if args.output != "-":
        print(f"{rows} student(s) written to {args.output} for {args.format}'s grade import")
    if unmatched:
        print(f"{len(unmatched)} student(s) NOT in the file: their ids are not {args.format} ids "
              f"(collect files {args.format} uploads under them): {visible(', '.join(unmatched))}; "
              "enter their grades by hand (backprop-course export has them)", file=sys.stderr)
        return 1
    return 0


def gradescope_command(args: argparse.Namespace) -> int:
    from autograder.gradescope import build
    root = find_root(args.course_dir)
    assignments(root, [args.assignment])
    path = build(root, args.assignment, args.output)
    print(f"Gradescope autograder for {args.assignment} written to {path}: upload it as the "
          "assignment's autograder (configuration: zip file upload); it grades the uploaded "
          "notebooks in the same sandboxes as autograde")
    return 0


def report_command(args: argparse.Namespace, root: Path | None = None) -> int:
    from autograder.report import write_report
    root = root or find_root(args.course_dir)
    try:
        path = write_report(root, args.assignment)
    except ValueError as error:
        raise CourseError(str(error)) from None
    print(f"class report written to {path}")
    return 0


def collect_command(args: argparse.Namespace, root: Path | None = None) -> int:
    from autograder.collect import collect
    root = root or find_root(args.course_dir)
    assignments(root, [args.assignment])
    report = collect(root, args.zip, args.assignment, args.pattern, args.force, args.timezone)
    print(terminal(report.summary()))
    return 0


def new_command(args: argparse.Namespace) -> int:
    """Write a new assignment with a worked example exercise, and say what to do next."""
    from autograder.scaffold import new_assignment
    root = find_root(args.course_dir)
    written = new_assignment(root, args.name)
    print("written:\n" + "\n".join(f"  {path.relative_to(root)}" for path in written))
    folder = written[0].parent.name
    print(f"\nnext: edit the notebook and {written[2].relative_to(root)}, then\n"
          f"  backprop-course release {folder}\n"
          f"  python3 -m pytest tests/assignments/{args.name} tests/test_checks.py "
          "tests/test_mistake_catalogue.py\n"
          f"and add exercises with  backprop-course new-exercise {folder} FUNCTION")
    return 0


def new_exercise_command(args: argparse.Namespace) -> int:
    """Scaffold an exercise into an existing assignment, and say what to fill in and run next."""
    from autograder.exercise_scaffold import new_exercise, plan
    root = find_root(args.course_dir)
    planned = plan(root, args.assignment, args.function, args.arguments, args.outputs,
                   args.upstream, args.forward, args.points)
    written = new_exercise(root, planned)
    print("changed:\n" + "\n".join(f"  {path.relative_to(root)}" for path in written))
    print(f"\nnext (README.md, For instructors, Add an exercise): fill in every TODO(new-exercise) in "
          f"them (backprop-course validate {planned.assignment} lists those left); raise VERSION in "
          "course/version.py (tests/test_course_version.py gives its CATALOGUE_DIGEST); then\n"
          f"  backprop-course release {planned.assignment}\n"
          f"  BACKPROP_ASSIGNMENTS={planned.assignment} python3 -m pytest -q "
          f"tests/assignments/{planned.package} tests/test_release.py tests/test_mistake_catalogue.py "
          "tests/test_course_version.py\n"
          f"  python3 -m tools.mutation_sweep --assignment {planned.assignment}")
    return 0


def demo_command(args: argparse.Namespace) -> int:
    """Grade the sample class in its own course directory, then write feedback, CSV and report."""
    from autograder.sample_class import copy_course, gates_class, write_class
    root = find_root(args.course_dir)
    demo = Path(args.dir).resolve()
    if demo.exists():
        shutil.rmtree(demo)
    copy_course(root, demo, ["03_gates"])
    write_class(demo, "03_gates", "gates.ipynb", gates_class(root))
    print(f"sample class of 12 submissions written to {demo / 'submitted'}")
    step = argparse.Namespace(assignment="03_gates", assignments=["03_gates"], student=[],
                              workers=args.workers, force=False, output=str(demo / "grades.csv"),
                              scheduler=None, no_isolation=False, format="csv")
    for command in (autograde_command, feedback_command, export_command, report_command):
        command(step, demo)
    print(f"\nOpen {demo / 'reports' / '03_gates.html'} for the class report and "
          f"{demo / 'feedback'} for what each student sees.")
    return 0


def _parser():
    parser = argparse.ArgumentParser(prog="backprop-course", description=__doc__)
    parser.add_argument("--course-dir", help="the course directory (default: the current one)")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name, handler, text):
        sub = commands.add_parser(name, help=text, description=text)
        sub.set_defaults(handler=handler)
        return sub

    for name, handler, text in (
            ("release", release_command, "regenerate release/ from source/ and check it"),
            ("validate", validate_command, "check every assignment as release does, writing nothing")):
        sub = command(name, handler, text)
        sub.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                         help="assignment folders under source/ (default: all)")
        sub.add_argument("--jobs", type=int, default=2, help="assignments checked at once (default: 2)")
    grade = command("autograde", autograde_command,
                    "grade every submitted/<student>/ASSIGNMENT/ in sandboxes, into the gradebook")
    grade.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                       help="assignment folders under source/ (default: all)")
    grade.add_argument("--student", action="append", default=[], metavar="ID",
                       help="grade only this student (repeatable)")
    grade.add_argument("--workers", type=int, default=2, help="sandboxes at once (default: 2)")
    grade.add_argument("--force", action="store_true", help="grade again what is up to date")
    grade.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="run the submissions' code on this Dask cluster instead of --workers "
                            "local sandboxes (each Dask worker sandboxes it the same way)")
    grade.add_argument("--no-isolation", action="store_true",
                       help="where this machine gives no isolation (neither root nor user "
                            "namespaces), run student code anyway, as you: it can then read and "
                            "change your files; every result records it")
    feedback = command("feedback", feedback_command, "write feedback/<student>/ASSIGNMENT/<notebook>.html")
    feedback.add_argument("assignment", metavar="ASSIGNMENT")
    export = command("export", export_command, "write the grades as CSV, one row per exercise")
    export.add_argument("assignment", nargs="?", metavar="ASSIGNMENT", help="default: all")
    export.add_argument("-o", "--output", default="grades.csv",
                        help="file, or - for stdout (default: grades.csv)")
    export.add_argument("--format", choices=("csv", "canvas", "moodle"), default="csv",
                        help="csv: one row per exercise (default); canvas: Canvas's gradebook "
                             "import; moodle: Moodle's assignment grading worksheet")
    export.add_argument("--canvas-column", metavar="'NAME (ID)'",
                        help="with --format canvas: the assignment's column in Canvas's gradebook, "
                             "as its export heads it, e.g. 'Gates (123456)'")
    scope = command("gradescope", gradescope_command,
                    "build a Gradescope autograder zip that grades ASSIGNMENT's uploads")
    scope.add_argument("assignment", metavar="ASSIGNMENT")
    scope.add_argument("-o", "--output", default="autograder.zip", help="default: autograder.zip")
    report = command("report", report_command, "write reports/ASSIGNMENT.html, the class report")
    report.add_argument("assignment", metavar="ASSIGNMENT")
    collect = command("collect", collect_command,
                      "unpack an LMS's zip of uploads into submitted/<student>/ASSIGNMENT/")
    collect.add_argument("zip", metavar="ZIP")
    collect.add_argument("assignment", metavar="ASSIGNMENT")
    collect.add_argument("--pattern", default="auto",
                         help="canvas, moodle, blackboard, plain, or a regular expression with the "
                              "groups (?P<student_id>...) and (?P<file_id>...), optionally "
                              "(?P<timestamp>...), (?P<attempt>...); default: auto, the LMS pattern "
                              "that matches the most entries, else plain")
    collect.add_argument("--force", action="store_true",
                         help="replace existing submissions even when the zip's are not newer")
    collect.add_argument("--timezone", default="UTC",
                         help="time zone of times in entry names that carry none (default: UTC)")
    new = command("new", new_command, "start a new assignment: its source notebook with a worked "
                  "example exercise, its folder in course/assignments/ and its tests")
    new.add_argument("name", metavar="NAME", help="lowercase, e.g. softmax (the folder becomes "
                     "source/NN_softmax)")
    exercise = command("new-exercise", new_exercise_command, "add a gradient exercise to an assignment: "
                       "its cells, its registered definition with TODO mistakes, its mutation entries")
    exercise.add_argument("assignment", metavar="ASSIGNMENT",
                          help="a folder under source/, e.g. 04_sigmoid_neuron")
    exercise.add_argument("function", metavar="FUNCTION", help="the function students write")
    exercise.add_argument("--arguments", default="x,dout", help="its parameters (default: x,dout)")
    exercise.add_argument("--outputs", default="", help="the gradients it returns, each d<argument> "
                          "(default: d<first argument>)")
    exercise.add_argument("--upstream", help="the argument carrying the gradient from above "
                          "(default: dout if an argument; '' for none)")
    exercise.add_argument("--forward", default="", help="the given forward function in the assignment's "
                          "forward.py (default: FUNCTION without _backward, written as a skeleton if new)")
    exercise.add_argument("--points", type=float, default=1, help="the test cell's points (default: 1)")
    demo = command("demo", demo_command, "grade the shipped sample class and write its feedback and report")
    demo.add_argument("--dir", default="demo-class", help="where to build it (default: ./demo-class)")
    demo.add_argument("--workers", type=int, default=2)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    own_scripts_first()   # nbgrader starts programs by name: use those beside this Python
    args = _parser().parse_args(argv)
    try:
        return args.handler(args)
    except CourseError as error:
        print(f"backprop-course: {terminal(error)}", file=sys.stderr)
        return 2


def command() -> NoReturn:
    """The `backprop-course` program: main(), then leave without tearing the interpreter down
    (a fifth of a second spent freeing modules once every file is written and closed); exit
    handlers still run and the standard streams are flushed. An exception leaves as usual."""
    code = main()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    command()
