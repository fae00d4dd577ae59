"""`backprop-course export`: the grading results as CSV, one row per student, notebook and exercise."""
import csv
import sys

from autograder import results

COLUMNS = ["student_id", "assignment", "notebook", "exercise", "score", "max_score", "status",
           "message", "mistake"]


def write_csv(root, assignment, out):
    """Write the rows for one assignment (or all, with None) to the open text file out; returns
    the number of rows."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for result in results.load_all(root, assignment):
        for e in result.exercises:
            writer.writerow([result.student, result.assignment, e.notebook, e.exercise,
                             f"{e.score:g}", f"{e.max_score:g}", e.status, e.message, e.mistake])
            count += 1
    return count


def export(root, assignment, path):
    """Write the CSV to path ("-" for standard output); returns the number of rows."""
    if path == "-":
        return write_csv(root, assignment, sys.stdout)
    with open(path, "w", newline="") as out:
        return write_csv(root, assignment, out)
