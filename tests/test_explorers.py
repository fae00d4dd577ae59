"""Explorers: they build headless, sliders redraw the picture, the numbers follow the maths."""
import io

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from course.figures import png
from course.assignments.chain_rule.forward import ADD_MUL
from course.assignments.conv_pool.explorers import ConvExplorer, PoolExplorer
from course.assignments.derivative.explorers import DerivativeExplorer
from course.assignments.gates.explorers import InputScaleExplorer
from course.assignments.input_gradients.explorers import AdversarialExplorer, AscentExplorer
from course.assignments.layers.explorers import PointwiseExplorer
from course.assignments.sigmoid_neuron.explorers import SigmoidExplorer
from course.assignments.sigmoid_neuron.forward import NEURON
from course.assignments.sigmoid_network.explorers import SigmoidFitExplorer
from course.assignments.sigmoid_network.forward import initial_parameters, wave
from course.assignments.staged_backprop.forward import STAGED
from course.assignments.two_layer_network.explorers import TrainingExplorer, TwoLayerExplorer
from course.assignments.two_layer_network.forward import initial_weights, labelled_moons
from course.assignments.vectorized.explorers import ShapeExplorer
from course.circuits import CircuitExplorer

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
    "sigmoid_fit": lambda: SigmoidFitExplorer(snapshots(), *wave(12)),
    "adversarial": AdversarialExplorer,
    "ascent": lambda: AscentExplorer(steps=20),
    "conv": ConvExplorer,
    "pool": PoolExplorer,
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


def test_does_the_circuit_explorer_start_at_the_worked_numbers():
    numbers = CircuitExplorer(NEURON, NEURON_AT).numbers
    assert [round(numbers[k], 4) for k in ("f", "df/dx0", "df/dx1")] == [0.7311, 0.3932, -0.5898]
    dw = [round(numbers[k], 4) for k in ("df/dw0", "df/dw1", "df/dw2")]
    assert dw == [-0.1966, -0.3932, 0.1966]


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


def test_does_the_centered_difference_beat_the_forward_difference_at_moderate_steps():
    explorer = DerivativeExplorer()  # f = x**3 at x = 1.5, f' = 6.75
    explorer.controls["log10_h"].value = -4.0
    numbers = explorer.numbers
    assert numbers["true f'(x)"] == pytest.approx(6.75, abs=1e-9)
    assert numbers["forward error"] == pytest.approx(3 * 1.5 * 1e-4, rel=0.01)  # about 3 x h
    assert numbers["centered error"] == pytest.approx(1e-8, rel=0.01)  # h**2 for a cubic
    assert numbers["h"] == pytest.approx(1e-4)


def test_does_a_tiny_step_ruin_both_estimates():
    explorer = DerivativeExplorer()
    explorer.controls["log10_h"].value = -15.0
    assert explorer.numbers["forward error"] > 1e-3
    assert explorer.numbers["centered error"] > 1e-3


def test_does_a_given_derivative_serve_as_the_truth():
    explorer = DerivativeExplorer(f=np.sin, x=0.5, df=np.cos(0.5))
    assert explorer.numbers["true f'(x)"] == np.cos(0.5)
    assert explorer.numbers["centered error"] < 1e-7


@pytest.mark.parametrize("log10_scale", [0.0, 3.0])
def test_does_the_input_scale_grow_the_weight_gradients_only(log10_scale):
    explorer = InputScaleExplorer(w=(2.0, -3.0, 0.5), x=(-1.0, -2.0, 4.0))
    explorer.controls["log10_scale"].value = log10_scale
    numbers, scale = explorer.numbers, 10**log10_scale
    assert numbers["scale"] == pytest.approx(scale)
    dw = [numbers[f"df/dw{i}"] for i in range(3)]
    dx = [numbers[f"df/dx{i}"] for i in range(3)]
    assert dw == pytest.approx([-1.0 * scale, -2.0 * scale, 4.0 * scale], rel=1e-6)
    assert dx == pytest.approx([2.0, -3.0, 0.5], abs=1e-6)


@pytest.mark.parametrize("x", [0.0, 3.0, -6.5])
def test_does_the_sigmoid_explorer_show_the_slope_sigma_times_one_minus_sigma(x):
    explorer = SigmoidExplorer()
    explorer.controls["x"].value = x
    sigma = 1 / (1 + np.exp(-x))
    assert explorer.numbers["σ(x)"] == pytest.approx(sigma)
    assert explorer.numbers["slope"] == pytest.approx(sigma * (1 - sigma), abs=1e-9)
    assert explorer.numbers["slope"] <= 0.25


def test_does_the_input_scale_axis_end_at_a_round_number_above_the_tallest_bar():
    explorer = InputScaleExplorer()
    limits = []
    for log10_scale in (0.0, 0.05, 2.0):
        explorer.controls["log10_scale"].value = log10_scale
        top = explorer.axes[0].get_ylim()[1]
        tallest = max(abs(v) for k, v in explorer.numbers.items() if k.startswith("df/d"))
        assert 1.3 * tallest <= top < 1.3 * 1.7 * tallest
        limits.append(top)
    assert limits[0] == limits[1] == 7.0 and limits[2] == 700.0  # 1.3 * 4.488 -> 7
