"""Bad and hostile submissions: does one `autograde` batch give each the score it deserves, a status
and a message a person can act on, keep the others' grades right, and always finish?

Every case is a student of one throwaway course (built by tests/support/hostile.py from the course's own
03_gates notebooks). The batch is graded once for the whole module: first a run that "was killed"
after a few students, then the run that finishes the class, then a rerun that has nothing to do;
last, two runs at once grade a few students again.
"""
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
import re
from types import SimpleNamespace

from nbgrader.api import Gradebook
import pytest

from autograder import results
from autograder.autograde import autograde, submitted_students
from autograder.gradebook import ensure_assignment
from autograder.sandbox import Limits
from support import hostile

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own

A = hostile.ASSIGNMENT
LIMITS = Limits(cell_seconds=3, case_seconds=2, job_seconds=20)
FIRST = ["corrupt-json", "fork-bomb", "honest"]   # graded before the "kill"
HALF_SAVED = "lists"                              # the kill left its result half written
# graded again by one worker, in this order: each forger's next submission runs in the same worker
SEQUEL = ["forges-end", "honest", "forges-shapes", "lists", "forges-nesting", "magics"]
BESIDE = ["loop-in-solution", "renamed", "os-exit", "nbformat-v3", "segfault"]  # at the same time


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    marker = tmp_path_factory.mktemp("shell") / "shell-escape-ran"
    root = hostile.course(tmp_path_factory.mktemp("hostile") / "course", marker)
    grade = dict(workers=2, limits=LIMITS, progress=False)
    watch = hostile.SandboxWatch()
    watch.start()
    try:
        first = autograde(root, [A], students=FIRST, **grade)
        half = results.path_for(root, A, HALF_SAVED).with_suffix(".tmp")
        half.parent.mkdir(parents=True)
        half.write_text('{"student": "lists", "exercises": [')
        rest = autograde(root, [A], **grade)
    finally:
        watch.stop()
    again = autograde(root, [A], **grade)
    one = {**grade, "workers": 1, "force": True}
    ensure_assignment(root, A, url := f"sqlite:///{root / 'beside.db'}")
    with ThreadPoolExecutor(1) as other:
        beside = other.submit(autograde, root, [A], students=BESIDE, url=url, **one)
        sequel = autograde(root, [A], students=SEQUEL, **one)
    return SimpleNamespace(
        root=root, marker=marker, watch=watch, everyone=submitted_students(root, A),
        first=first, rest=rest, again=again, results={r.student: r for r in first[0] + rest[0]},
        sequel={r.student: r for r in sequel[0]}, beside={r.student: r for r in beside.result()[0]})


def expect(batch, student, score, every=None, **statuses):
    """The student's result, once its total score is right and each exercise has the status given
    (by name, or `every` for all; default passed), its own points as maximum, and a message exactly
    when it did not simply pass."""
    result = batch.results[student]
    assert result.score == score, _show(result)
    wanted = {name: statuses.get(name, every or "passed") for name in hostile.POINTS}
    assert {e.exercise: e.status for e in result.exercises} == wanted, _show(result)
    for e in result.exercises:
        assert (e.notebook, e.max_score) == (hostile.NOTEBOOK, hostile.POINTS[e.exercise])
        assert bool(e.message) == (e.status != "passed"), _show(result)
    return result


def message(result, exercise):
    return next(e.message for e in result.exercises if e.exercise == exercise)


def says(result, pattern, exercises=tuple(hostile.POINTS)):
    """Does the message of each of these exercises match the pattern?"""
    return all(re.search(pattern, message(result, name)) for name in exercises)


def _show(result):
    return "\n".join([f"{result.student}: {result.score}/{result.max_score} notes={result.notes}"] +
                     [f"  {e.exercise}: {e.score} {e.status} {e.message!r}" for e in result.exercises])


# --- the batch as a whole ---------------------------------------------------------------------

def test_does_the_batch_finish_with_a_result_for_every_submission(batch):
    assert sorted(batch.results) == batch.everyone
    assert len(batch.everyone) == len(hostile.cases(batch.root, batch.marker))
    for student, result in batch.results.items():
        assert _grades(results.load(batch.root, A, student)) == _grades(result)


def test_does_an_honest_submission_in_the_same_batch_earn_full_marks(batch):
    result = expect(batch, "honest", 6)
    assert result.notes == []
    with Gradebook(f"sqlite:///{batch.root / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(A, "honest")
        assert (submission.score, submission.max_score, submission.needs_manual_grade) == (6, 6, False)


def test_does_a_rerun_without_force_skip_everything(batch):
    graded, skipped, _ = batch.again
    assert graded == [] and skipped == [(A, s) for s in batch.everyone]


def test_does_a_run_after_one_killed_midway_grade_only_the_rest(batch):
    assert sorted(r.student for r in batch.first[0]) == FIRST
    graded, skipped, _ = batch.rest
    assert sorted(r.student for r in graded) == sorted(set(batch.everyone) - set(FIRST))
    assert skipped == [(A, s) for s in FIRST]
    assert HALF_SAVED in [r.student for r in graded]


def test_does_the_untouched_release_earn_zero_with_a_reason(batch):
    result = expect(batch, "untouched", 0, every="failed")
    assert says(result, r"is not written yet \(it raises NotImplementedError\)")


# --- files that are not the notebook asked for ------------------------------------------------

def test_is_corrupted_json_ungradable_with_the_parse_error(batch):
    result = expect(batch, "corrupt-json", 0, every="ungradable")
    assert says(result, r"gates\.ipynb is not valid notebook JSON \(.*line \d+")


def test_is_an_empty_file_ungradable(batch):
    assert says(expect(batch, "empty-file", 0, every="ungradable"), r"gates\.ipynb is an empty file")


def test_does_an_old_nbformat_v3_notebook_still_earn_full_marks(batch):
    assert expect(batch, "nbformat-v3", 6).notes == []


def test_is_a_renamed_notebook_graded_with_a_note(batch):
    result = expect(batch, "renamed", 6)
    assert result.notes == ["gates.ipynb was submitted as gates-Copy1.ipynb"]


def test_is_a_missing_notebook_marked_missing(batch):
    assert says(expect(batch, "missing-notebook", 0, every="missing"), r"gates\.ipynb was not submitted")


def test_is_an_extra_notebook_ignored_with_a_note(batch):
    result = expect(batch, "extra-notebook", 6)
    assert result.notes == ["the extra notebook scratch.ipynb was not graded"]


def test_is_a_changed_kernelspec_run_as_python_with_a_note(batch):
    result = expect(batch, "kernelspec-changed", 6)
    assert result.notes == ["gates.ipynb asks for a R kernel; it was run as Python"]


# --- test cells and nbgrader metadata ----------------------------------------------------------

@pytest.mark.parametrize("student, change", [
    ("tests-deleted", "was deleted or lost its nbgrader metadata"),
    ("tests-edited", "was edited"),
    ("tests-to-markdown", "was turned into markdown"),
    ("metadata-stripped", "was deleted or lost its nbgrader metadata"),
])
def test_are_spoiled_test_cells_graded_by_the_course_and_flagged(batch, student, change):
    result = expect(batch, student, 6, every="tampered")
    for name in hostile.POINTS:
        assert message(result, name) == ("Graded with the course's own checks; a person should "
                                         f"look: the test cell check_{name} {change}.")


def test_do_changed_points_count_the_source_points_and_get_flagged(batch):
    result = expect(batch, "points-changed", 6, every="tampered")
    assert says(result, r"the nbgrader metadata of check_\w+ was changed")
    with Gradebook(f"sqlite:///{batch.root / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission(A, "points-changed").max_score == 6


# --- notebook features that have no place in grading -------------------------------------------

def test_does_input_get_end_of_file_instead_of_hanging(batch):
    result = expect(batch, "input-call", 3, mul_backward="failed", flow_backward="failed")
    assert says(result, r"raised EOFError: .*input\(\) gets nothing", ["mul_backward", "flow_backward"])
    assert result.seconds < 5


def test_do_magics_and_a_capture_cell_holding_the_solution_still_earn_full_marks(batch):
    assert expect(batch, "magics", 6).notes == []


def test_do_shell_escapes_not_run(batch):
    expect(batch, "shell-escape", 6)
    assert not batch.marker.exists()


# --- code that hangs, hoards, forks or ends the process ----------------------------------------

def test_does_an_infinite_loop_in_a_solution_cost_only_its_exercise(batch):
    result = expect(batch, "loop-in-solution", 4, flow_backward="timeout")
    assert says(result, r"flow_backward ran out of time while it was being checked", ["flow_backward"])
    assert result.seconds < 10


def test_is_an_infinite_loop_at_top_level_skipped_with_a_note(batch):
    result = expect(batch, "loop-at-top-level", 6)
    assert result.notes == ["gates.ipynb: cell 2 ran out of time; it was skipped"]


def test_does_a_memory_bomb_cost_only_its_exercise(batch):
    result = expect(batch, "memory-bomb", 4, flow_backward="memory")
    assert says(result, r"flow_backward ran out of memory", ["flow_backward"])


def test_does_a_fork_bomb_cost_only_its_exercise(batch):
    result = expect(batch, "fork-bomb", 4, flow_backward="timeout")
    assert says(result, r"flow_backward ran out of time", ["flow_backward"])


def test_is_a_fork_bomb_contained_and_are_its_processes_gone_afterwards(batch):
    assert 2 <= batch.watch.peak <= LIMITS.processes, "the fork bomb was not seen, or not capped"
    assert batch.watch.left() == []


def test_does_sys_exit_in_a_solution_count_as_an_error_of_its_exercise(batch):
    result = expect(batch, "sys-exit", 4, flow_backward="failed")   # and sys.exit(0) at top level is harmless
    assert says(result, r"flow_backward\(x=3, y=-4, z=2, w=-1\) raised SystemExit: done", ["flow_backward"])


def test_does_os_exit_cost_only_its_exercise(batch):
    result = expect(batch, "os-exit", 4, flow_backward="crashed")
    assert says(result, r"flow_backward ended the process while it was being checked", ["flow_backward"])


def test_does_raising_base_exception_cost_only_its_exercise(batch):
    result = expect(batch, "base-exception", 4, flow_backward="failed")
    assert says(result, r"raised BaseException: nope", ["flow_backward"])


def test_does_a_segfault_cost_only_its_exercise(batch):
    result = expect(batch, "segfault", 4, flow_backward="crashed")
    assert says(result, r"flow_backward crashed the process", ["flow_backward"])


def test_does_ignoring_sigterm_not_outlast_the_time_limit(batch):
    result = expect(batch, "ignores-sigterm", 4, flow_backward="timeout")
    assert says(result, r"ran out of time", ["flow_backward"])
    assert result.seconds < 10


def test_is_gigabytes_of_printed_output_cut_off(batch):
    result = expect(batch, "floods-output", 6)
    assert result.notes == ["gates.ipynb: cell 2 ran out of time; it was skipped"]


# --- lies: fake results, patched checks, objects that pretend ----------------------------------

def test_do_fake_pass_lines_and_result_files_change_nothing(batch):
    expect(batch, "fake-results", 0, every="failed")
    root = batch.root
    assert results.load(root, A, "fake-results").score == 0
    for fake in (root / "grading.json", root.parent / "grading.json", Path.cwd() / "grading.json",
                 root / "submitted" / "fake-results" / A / "grading.json"):
        assert not fake.exists(), fake


def test_does_patching_numpy_testing_leave_wrong_answers_wrong_and_flagged(batch):
    result = expect(batch, "numpy-patched", 0, every="tampered")
    assert says(result, r"returned a wrong dx: expected .*, got 0", hostile.GRADIENTS)
    assert says(result, r"a person should look: it replaced numpy\.allclose; it replaced numpy\.isclose")


def test_is_patching_builtins_undone_and_flagged(batch):
    result = expect(batch, "builtins-patched", 6, every="tampered")
    assert says(result, r"it replaced builtins\.abs; it replaced builtins\.isinstance; "
                        r"it replaced builtins\.print\.")


def test_does_patching_the_course_checks_pass_nothing(batch):
    result = expect(batch, "course-patched", 0, every="tampered")
    assert says(result, r"is not written yet")
    assert says(result, r"it replaced course\.check; it replaced course\.checks\.Exercise\.run; "
                        r"it replaced course\.checks\.check; it replaced course\.checks\.judge")


def test_does_patching_ipython_hide_nothing(batch):
    result = expect(batch, "ipython-patched", 0, every="tampered")
    assert says(result, r"returned a wrong dx", hostile.GRADIENTS)
    assert says(result, r"TransformerManager\.transform_cell; .*InteractiveShell\.showtraceback")


def test_do_values_whose_eq_is_always_true_fail(batch):
    result = expect(batch, "always-equal", 4, flow_backward="failed")
    assert says(result, r"expected a number or a numpy array of numbers.*, got a AlwaysEqual",
                ["flow_backward"])
    result = expect(batch, "always-equal-single", 4, flow_backward="failed")
    assert says(result, r"returned an AlwaysEqual; it should return a tuple of 4 values", ["flow_backward"])


def test_does_a_lying_ndarray_subclass_fail(batch):
    result = expect(batch, "ndarray-subclass", 4, flow_backward="failed")
    assert says(result, r"returned a wrong dx: expected -8, got 0", ["flow_backward"])


def test_are_lists_where_tuples_are_promised_named_and_failed(batch):
    result = expect(batch, "lists", 1, every="failed", gates_question_1="passed")
    assert says(result, r"returned a list of \d values; it should return a tuple of \d values: "
                        r"\(dx, .*\): write return dx, .*, without brackets\.", hostile.GRADIENTS)


def test_does_mutating_the_inputs_not_change_what_is_expected(batch):
    result = expect(batch, "mutates-inputs", 4, flow_backward="failed")
    assert says(result, r"flow_backward\(x=3, y=-4, z=2, w=-1\) returned a wrong dx: expected -8, got 2",
                ["flow_backward"])


def test_does_reading_the_source_or_the_gradebook_fail_in_the_sandbox(batch):
    result = expect(batch, "reads-files", 4, flow_backward="failed")
    assert says(result, r"raised (FileNotFoundError|PermissionError)", ["flow_backward"])


def test_do_writes_to_the_gradebook_and_the_instructors_notebook_fail_and_change_nothing(batch, root):
    expect(batch, "writes-files", 4, flow_backward="failed")
    source = Path(root, "source", A, hostile.NOTEBOOK).read_bytes()
    assert Path(batch.root, "source", A, hostile.NOTEBOOK).read_bytes() == source
    with Gradebook(f"sqlite:///{batch.root / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission(A, "honest").score == 6


def test_do_startup_files_planted_for_later_graders_land_nowhere(batch):
    expect(batch, "plants-startup-files", 6)
    planted = [Path(folder, name) for folder in hostile.planted_places(batch.root)
               for name in hostile.PLANTED]
    assert [p for p in planted if p.exists()] == []
    assert not batch.marker.exists()


@pytest.mark.parametrize("student", [*hostile.MACHINERY, "machinery-stack"])
def test_does_an_answer_from_the_course_machinery_earn_nothing_and_get_flagged(batch, student):
    result = expect(batch, student, 4, flow_backward="tampered")
    assert says(result, r"used the course's answer machinery", ["flow_backward"])


def test_are_answers_by_copied_centered_differences_worth_nothing_and_flagged(batch):
    result = expect(batch, "centered-differences", 4, flow_backward="tampered")
    assert says(result, r"answers are centered differences \(step 1e-05\)", ["flow_backward"])


def test_is_an_answer_in_single_precision_honest(batch):
    expect(batch, "single-precision", 6)


def test_does_a_cell_that_closes_its_channel_and_sleeps_cost_only_itself(batch):
    result = expect(batch, "closes-channel", 6)
    assert any("cell 2" in note and "it was skipped" in note for note in result.notes)
    assert result.seconds < LIMITS.job_seconds


def test_is_what_a_submission_writes_capped_and_kept_off_the_grader_s_disk(batch):
    expect(batch, "fills-disk", 6)   # it wrote at most its scratch folder's 64 MiB
    for folder in hostile.planted_places(batch.root):
        assert list(Path(folder).glob("filler-*")) == []


def test_is_the_instructors_source_notebook_graded_and_flagged(batch):
    result = expect(batch, "source-notebook", 6, every="tampered")
    assert says(result, r"instructor's ### BEGIN HIDDEN TESTS and ### BEGIN SOLUTION markers")


def test_do_notices_sent_in_a_loop_extend_no_deadline(batch):
    result = expect(batch, "chatty-loop", 6, every="tampered")
    assert result.seconds < LIMITS.job_seconds
    assert any("cell 2" in note for note in result.notes)


@pytest.mark.parametrize("student", ["huge-timestamp", "linked-timestamp", "fifo-timestamp"])
def test_does_a_bad_timestamp_cost_nothing_and_is_never_followed(batch, student):
    expect(batch, student, 6)
    copied = results.path_for(batch.root, A, student).parent / "timestamp.txt"
    assert copied.exists() == (student == "huge-timestamp")   # a link or a pipe is not copied


def test_do_hard_coded_visible_answers_fail_the_visible_checks(batch):
    result = expect(batch, "hard-coded", 0, every="failed")
    assert says(result, r"^\w+\(x=.*\) returned a wrong d\w: expected .*, got .*\n", hostile.GRADIENTS)


# --- writing to the grader's own channel --------------------------------------------------------

@pytest.mark.parametrize("student", ["forges-end", "forges-shapes", "forges-nesting"])
def test_do_forged_report_lines_flag_the_notebook(batch, student):
    result = expect(batch, student, 0, every="tampered")
    assert says(result, r"is not written yet")
    assert says(result, r"a person should look: cell 2 wrote garbage into the grader's channel\.")
    assert result.notes == ["gates.ipynb: cell 2 wrote garbage into the grader's channel; it was skipped"]


def test_do_forged_report_lines_leave_the_next_submission_in_the_same_worker_alone(batch):
    # a forged end of run used to leave the child's later lines to the worker's next job
    assert list(batch.sequel) == SEQUEL
    for student in SEQUEL:
        assert _grades(batch.sequel[student]) == _grades(batch.results[student]), student


def test_do_two_grading_runs_at_once_leave_each_other_alone(batch):
    # the sandbox users were per worker slot, so one run's clean-up killed the other's children
    assert sorted(batch.beside) == sorted(BESIDE)
    for student in BESIDE:
        assert _grades(batch.beside[student]) == _grades(batch.results[student]), student


def _grades(result):
    return [(e.exercise, e.score, e.status) for e in result.exercises]


def test_is_flooding_the_grader_channel_cut_off_and_flagged(batch):
    result = expect(batch, "floods-channel", 6, every="tampered")
    assert says(result, r"a person should look: cell 2 (flooded the grader with output|wrote garbage "
                        r"into the grader's channel)\.")
