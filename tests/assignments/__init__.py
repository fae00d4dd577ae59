"""One package per assignment (course/assignments/<name>/): its tests, mutations.py (the edits
that make its reference solutions commit each catalogued mistake) and explorer_maths.py (what its
explorers must show, worked out independently, for the browser tests)."""
