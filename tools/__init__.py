"""Developer tools of the course: scripts that check the checks."""
