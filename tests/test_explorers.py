"""Explorers: they build headless, sliders redraw the picture, the numbers follow the maths."""
import io

import ipywidgets as widgets
import numpy as np
from PIL import Image
import pytest

from course.assignments.chain_rule.forward import ADD_MUL
from course.assignments.conv_pool.explorers import ConvExplorer, PoolExplorer
from course.assignments.depth.explorers import DepthExplorer
from course.assignments.derivative.explorers import DerivativeExplorer
from course.assignments.gates.explorers import InputScaleExplorer
from course.assignments.input_gradients.explorers import AdversarialExplorer, AscentExplorer
from course.assignments.layers.explorers import PointwiseExplorer
from course.assignments.sigmoid_network.explorers import OutputSlopeExplorer, SigmoidFitExplorer
from course.assignments.sigmoid_network.forward import initial_parameters, wave
from course.assignments.sigmoid_neuron.explorers import SigmoidExplorer
from course.assignments.sigmoid_neuron.forward import NEURON
from course.assignments.softmax_cross_entropy.explorers import SoftmaxExplorer
from course.assignments.staged_backprop.forward import STAGED
from course.assignments.two_layer_network.explorers import TrainingExplorer, TwoLayerExplorer
from course.assignments.two_layer_network.forward import initial_weights, labelled_moons
from course.assignments.vectorized.explorers import ShapeExplorer
from course.circuits import CircuitExplorer
from course.figures import png
from support import instructor_namespace

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ADD_MUL_AT = dict(x=-2, y=5, z=-4)
NEURON_AT = dict(w0=2, x0=-1, w1=-3, x1=-2, w2=-3)
EXPLORERS = {
    "derivative": DerivativeExplorer,
    "circuit": lambda: CircuitExplorer(ADD_MUL, ADD_MUL_AT),
    "input_scale": InputScaleExplorer,
    "sigmoid": SigmoidExplorer,
}


@pytest.fixture(params=EXPLORERS)
def explorer(request):
    return EXPLORERS[request.param]()


def move(slider, fraction):
    """Set a slider to the given fraction of its range."""
    slider.value = slider.min + fraction * (slider.max - slider.min)


def move_any(control, fraction):
    """Set a slider, selection slider or menu to the given fraction of its range or options."""
    if hasattr(control, "options"):
        control.index = round(fraction * (len(control.options) - 1))
    else:
        move(control, fraction)


def pixels(picture):
    """RGB pixels of PNG bytes: array (height, width, 3)."""
    return np.asarray(Image.open(io.BytesIO(bytes(picture))).convert("RGB"))


def fixed_training(learning_rate, batch_size):
    """A stand-in training run: weights that depend on the settings, and a falling loss."""
    W0, W1 = initial_weights(hidden=3, inputs=3, seed=int(100 * learning_rate) + batch_size)
    return W0, W1, [1.0, learning_rate, learning_rate / 2]


def snapshots():
    """A SigmoidFitExplorer's history without training: three random starts."""
    return [(step, initial_parameters(hidden=3, seed=step)) for step in (0, 10, 20)]


EVERY_EXPLORER = {
    **EXPLORERS,
    "staged_circuit": lambda: CircuitExplorer(STAGED, dict(x=3.0, y=-4.0)),
    "pointwise": PointwiseExplorer,
    "shape": ShapeExplorer,
    "two_layer": TwoLayerExplorer,
    "training": lambda: TrainingExplorer(fixed_training, *labelled_moons(40), batch_size=8),
    "output_slope": OutputSlopeExplorer,
    "sigmoid_fit": lambda: SigmoidFitExplorer(snapshots(), *wave(12)),
    "adversarial": AdversarialExplorer,
    "ascent": lambda: AscentExplorer(steps=20),
    "conv": ConvExplorer,
    "pool": PoolExplorer,
    "softmax": lambda: SoftmaxExplorer(*(instructor_namespace("13_softmax_cross_entropy")[name]
                                         for name in ("softmax", "cross_entropy"))),
    "depth": DepthExplorer,
}


@pytest.mark.parametrize("name", EVERY_EXPLORER)
def test_is_the_picture_after_moves_a_full_drawing_of_the_figure(name):
    explorer = EVERY_EXPLORER[name]()
    for fraction in (0.9, 0.15, 0.6, 0.65, 0.15):
        for control in explorer.controls.values():
            move_any(control, fraction)
            figure, _ = explorer.render({k: c.value for k, c in explorer.controls.items()})
            assert np.array_equal(pixels(explorer.picture.value), pixels(png(figure))), control


def test_does_each_explorer_build_headless_with_a_picture_and_a_readout(explorer):
    assert isinstance(explorer, widgets.VBox)
    assert bytes(explorer.picture.value).startswith(PNG_MAGIC)
    assert "<table>" in explorer.readout.value
    assert explorer.numbers
    parts = {*explorer.controls.values(), explorer.picture, explorer.readout}
    assert set(explorer.children) == parts


def test_are_the_controls_float_sliders_that_report_every_move(explorer):
    for slider in explorer.controls.values():
        assert type(slider) is widgets.FloatSlider
        assert slider.continuous_update
        assert slider.description


def test_does_moving_a_slider_redraw_the_picture(explorer):
    picture, readout = bytes(explorer.picture.value), explorer.readout.value
    move(next(iter(explorer.controls.values())), 0.9)
    assert bytes(explorer.picture.value).startswith(PNG_MAGIC)
    assert bytes(explorer.picture.value) != picture
    assert explorer.readout.value != readout


def test_does_moving_z_make_the_gradient_on_x_equal_the_new_z():
    explorer = CircuitExplorer(ADD_MUL, ADD_MUL_AT)
    explorer.controls["z"].value = -1.5
    numbers = explorer.numbers
    assert numbers["df/dx"] == pytest.approx(-1.5) and numbers["df/dy"] == pytest.approx(-1.5)
    assert numbers["df/dz"] == pytest.approx(3.0)  # x + y, unchanged
    assert numbers["f"] == pytest.approx(-4.5)
    assert ">-1.5000<" in explorer.readout.value
    assert ">-4.5000<" in explorer.readout.value


def test_does_a_circuit_slider_span_its_range():
    explorer = CircuitExplorer(ADD_MUL, ADD_MUL_AT, ranges={"x": (-3.0, 3.0)})
    assert (explorer.controls["x"].min, explorer.controls["x"].max) == (-3.0, 3.0)
    assert (explorer.controls["y"].min, explorer.controls["y"].max) == (0.0, 10.0)  # 5 +- 5
    assert explorer.controls["z"].value == -4.0


def test_does_the_readout_drop_the_minus_of_a_number_that_rounds_to_zero():
    explorer = CircuitExplorer(NEURON, dict(NEURON_AT, x1=2.9, w2=-7.9))  # saturated: f ~ 1e-8
    assert -1e-4 < explorer.numbers["df/dw0"] < 0
    assert "-0.0000" not in explorer.readout.value

