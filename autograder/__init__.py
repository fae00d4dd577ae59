"""The course's command line: release building and checking, and (later) grading."""
