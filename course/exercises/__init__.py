"""Every graded exercise of the course, by name (the function students write)."""
from course.exercises import chain_rule, derivative, gates, sigmoid_neuron, staged_backprop

EXERCISES = {exercise.name: exercise
             for module in (derivative, gates, chain_rule, sigmoid_neuron, staged_backprop)
             for exercise in module.EXERCISES}
