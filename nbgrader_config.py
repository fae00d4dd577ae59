"""nbgrader settings: the repository root is the course directory (source/, release/, submitted/ ...)."""
c = get_config()  # noqa: F821 (nbgrader provides get_config)

c.CourseDirectory.course_id = "backprop-course"

# The stub students see in place of a solution: it names the function still to be written.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError(todo())"}

# Students and graders never see the instructor's solution or hidden tests in a release.
c.ClearSolutions.enforce_metadata = True
c.ClearHiddenTests.enforce_metadata = True
