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
    args = parser.parse_args(argv)
    try:
        return _release(args, write=args.command == "release")
    except CourseError as error:
        print(f"backprop-course: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
