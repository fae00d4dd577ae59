"""`backprop-course`: build and check the student releases (and, later, grade submissions)."""
import argparse
import sys

from autograder.course_dir import CourseError, assignments, find_root


def _release(args, write):
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


def _autograde(args):
    from autograder.autograde import autograde
    root = find_root(args.course_dir)
    assignments(root, [args.assignment])
    try:
        graded, skipped, protections = autograde(root, args.assignment, args.student, args.workers,
                                                 args.force)
    except ValueError as error:
        raise CourseError(str(error)) from None
    if protections:
        print("sandbox: " + "; ".join(f"{name} {'on' if on else 'OFF'}"
                                      for name, (on, _) in protections.items()))
        for name, (on, how) in protections.items():
            if not on:
                print(f"  {name} is off: {how}")
    if graded:
        print(f"\n{'student':<24} {'score':>11}  needs a person")
        for result in graded:
            print(f"{result.student:<24} {result.score:>5g} / {result.max_score:<3g}  "
                  f"{', '.join(result.needs_a_person) or '-'}")
    print(f"\n{len(graded)} submission(s) graded"
          + (f", {len(skipped)} already up to date (use --force to grade them again)" if skipped else "")
          + ". Scores are in the gradebook; next: backprop-course feedback / export / report.")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="backprop-course", description=__doc__)
    parser.add_argument("--course-dir", help="the course directory (default: the current one)")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("release", "regenerate release/ from source/ and check it"),
                       ("validate", "check every assignment as release does, writing nothing")):
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                             help="assignment folders under source/ (default: all)")
        command.add_argument("--jobs", type=int, default=2,
                             help="assignments checked at once (default: 2)")
    grade = commands.add_parser("autograde", help="grade every submission of an assignment",
                                description="grade submitted/<student>/ASSIGNMENT/ in sandboxes")
    grade.add_argument("assignment", metavar="ASSIGNMENT")
    grade.add_argument("--student", action="append", default=[], metavar="ID",
                       help="grade only this student (repeatable)")
    grade.add_argument("--workers", type=int, default=2, help="sandboxes at once (default: 2)")
    grade.add_argument("--force", action="store_true", help="grade again what is up to date")
    args = parser.parse_args(argv)
    try:
        if args.command == "autograde":
            return _autograde(args)
        return _release(args, write=args.command == "release")
    except CourseError as error:
        print(f"backprop-course: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
