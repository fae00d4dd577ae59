"""One package per assignment, named as its folder in source/ without the number
(source/03_gates -> course.assignments.gates). Each holds what belongs to that assignment alone:

    forward.py     its forward functions and data (and circuits)
    pictures.py    its pictures (matplotlib Figures that show themselves)
    explorers.py   its explorers (ipywidgets)
    exercises.py   its exercise definitions and mistake catalogue (gathered by course.exercises)

What several assignments use is in the shared toolkit beside them (course.numgrad, course.checks,
course.exercises, course.figures, course.numbers, course.controls, course.blitting,
course.explorers, course.circuits, course.functions).
"""
