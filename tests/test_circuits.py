"""Circuits: the worked numbers of seeds/NOTES.md, gradients on wires and at forks, and pictures."""
import itertools
import subprocess
import sys

from IPython.core.formatters import PNGFormatter
from matplotlib.figure import Figure
import numpy as np
import pytest

from course.assignments.chain_rule.forward import ADD_MUL
from course.assignments.gates.forward import FLOW_PATTERNS
from course.assignments.sigmoid_neuron.forward import NEURON, NEURON_SIGMOID
from course.assignments.staged_backprop.forward import STAGED
from course.circuit_pictures import GATE_RADIUS, CircuitExplorer
from course.circuits import OPS, Circuit, Gate
from course.figures import GRADIENT_COLOR, VALUE_COLOR

ADD_MUL_AT = dict(x=-2, y=5, z=-4)
FLOW_AT = dict(x=3, y=-4, z=2, w=-1)
NEURON_AT = dict(w0=2, x0=-1, w1=-3, x1=-2, w2=-3)
STAGED_AT = dict(x=3, y=-4)
READY_MADE = {
    "add_mul": (ADD_MUL, ADD_MUL_AT),
    "flow_patterns": (FLOW_PATTERNS, FLOW_AT),
    "neuron": (NEURON, NEURON_AT),
    "neuron_sigmoid": (NEURON_SIGMOID, NEURON_AT),
    "staged": (STAGED, STAGED_AT),
}
# a 12-gate circuit: the neuron followed by the loss (f - y)^2 / 2
NEURON_LOSS = Circuit(NEURON.inputs + ("y",), NEURON.gates + (
    Gate("negy", "scale", ("y",), const=-1),
    Gate("diff", "add", ("f", "negy")),
    Gate("sq", "square", ("diff",)),
    Gate("L", "scale", ("sq",), const=0.5),
))


def texts(fig):
    """Every text drawn in the circuit's axes."""
    return fig.axes[0].texts


def clashes(fig, circuit):
    """Descriptions of overlapping texts, wire labels covering a gate, texts outside the figure."""
    renderer = fig.canvas.get_renderer()
    boxes = {text: text.get_window_extent(renderer) for text in texts(fig)}
    found = [f"{a.get_text()!r} overlaps {b.get_text()!r}"
             for a, b in itertools.combinations(boxes, 2) if boxes[a].overlaps(boxes[b])]
    nodes, _ = circuit.layout()
    centres = fig.axes[0].transData.transform([nodes[gate.name] for gate in circuit.gates])
    radius = GATE_RADIUS * fig.dpi / 72
    for text, box in boxes.items():
        if text.get_color() in (VALUE_COLOR, GRADIENT_COLOR):
            nearest = np.clip(centres, (box.x0, box.y0), (box.x1, box.y1))
            if np.any(np.hypot(*(nearest - centres).T) < radius):
                found.append(f"{text.get_text()!r} covers a gate")
        if not fig.bbox.contains(box.x0, box.y0) or not fig.bbox.contains(box.x1, box.y1):
            found.append(f"{text.get_text()!r} is cut off")
    return found


@pytest.mark.parametrize("circuit, at", READY_MADE.values(), ids=READY_MADE)
def test_do_gradients_at_a_fork_add_up(circuit, at):
    nodes = circuit.node_gradients(at)
    wires = circuit.wire_gradients(at)
    for name, gradient in nodes.items():
        outgoing = [g for (src, _, _), g in wires.items() if src == name]
        assert gradient == pytest.approx(sum(outgoing) if outgoing else 1.0, abs=1e-6), name


def test_does_each_wire_of_a_fork_carry_only_its_own_share():
    wires = STAGED.wire_gradients(STAGED_AT)
    nodes = STAGED.node_gradients(STAGED_AT)
    shares = [wires[("x", gate, 0)] for gate in ("num", "sigx", "xpy")]
    assert len({round(share, 4) for share in shares}) == 3
    # an add gate passes its gradient unchanged, so each share is that of the gate it feeds
    assert wires[("x", "num", 0)] == pytest.approx(nodes["num"], abs=1e-6)
    assert wires[("x", "xpy", 0)] == pytest.approx(nodes["xpy"], abs=1e-6)
    assert sum(shares) == pytest.approx(nodes["x"], abs=1e-6)


@pytest.mark.parametrize("op, args, const, value, label", [
    ("add", (2, 3), None, 5, "+"),
    ("mul", (2, 3), None, 6, "×"),
    ("max", (2, 3), None, 3, "max"),
    ("exp", (0,), None, 1, "exp"),
    ("inv", (4,), None, 0.25, "1/x"),
    ("addc", (2,), 1, 3, "+1"),
    ("scale", (2,), -1, -2, "×-1"),
    ("square", (-3,), None, 9, "x²"),
    ("sigmoid", (0,), None, 0.5, "σ"),
])
def test_does_each_op_compute_its_value_and_show_its_label(op, args, const, value, label):
    gate = Gate("g", op, tuple(f"a{i}" for i in range(len(args))), const)
    assert gate(*args) == pytest.approx(value)
    assert gate.label == label
    assert op in OPS


def test_does_an_unknown_op_fail_when_the_gate_is_made():
    with pytest.raises(ValueError, match="unknown op"):
        Gate("g", "pow", ("x",))


@pytest.mark.parametrize("circuit, at", READY_MADE.values(), ids=READY_MADE)
def test_does_the_layout_put_inputs_left_and_each_gate_right_of_its_inputs(circuit, at):
    nodes, paths = circuit.layout()
    assert {nodes[name][0] for name in circuit.inputs} == {0}
    for gate in circuit.gates:
        assert all(nodes[gate.name][0] > nodes[src][0] for src in gate.inputs)
    assert set(paths) == set(circuit.wires)


def test_does_draw_write_values_gradients_and_names():
    fig = ADD_MUL.draw(ADD_MUL_AT, title="add then multiply")
    assert isinstance(fig, Figure)
    drawn = [text.get_text() for text in texts(fig)]
    values = [t.get_text() for t in texts(fig) if t.get_color() == VALUE_COLOR]
    gradients = [t.get_text() for t in texts(fig) if t.get_color() == GRADIENT_COLOR]
    assert sorted(values) == sorted(["-2.00", "5.00", "3.00", "-4.00", "-12.00"])
    assert sorted(gradients) == sorted(["-4.00", "-4.00", "-4.00", "3.00", "1.00"])
    assert {"x", "y", "z", "f", "+", "×"} <= set(drawn)
    assert "add then multiply" in [text.get_text() for text in fig.texts]


def test_does_a_drawn_circuit_show_itself_in_a_notebook():
    fig = ADD_MUL.draw(ADD_MUL_AT)
    assert PNGFormatter()(fig).startswith(b"\x89PNG")  # what IPython shows for a cell's value


def test_does_draw_without_gradients_write_values_only():
    fig = ADD_MUL.draw(ADD_MUL_AT, show_gradients=False)
    assert not [t for t in texts(fig) if t.get_color() == GRADIENT_COLOR]
    assert "-12.00" in [t.get_text() for t in texts(fig)]


@pytest.mark.parametrize("shift", [0.0, 1.3, -2.7])
@pytest.mark.parametrize("circuit, at", READY_MADE.values(), ids=READY_MADE)
def test_are_the_labels_of_each_ready_made_circuit_clear_of_each_other(circuit, at, shift):
    fig = circuit.draw({name: value + shift for name, value in at.items()})
    assert tuple(fig.get_size_inches()) == (7.5, 3.5)
    assert clashes(fig, circuit) == []


def test_does_a_twelve_gate_circuit_stay_legible():
    fig = NEURON_LOSS.draw(dict(NEURON_AT, y=1.0))
    assert len(NEURON_LOSS.gates) == 12
    assert clashes(fig, NEURON_LOSS) == []


def test_does_a_circuit_squeezed_into_a_narrow_figure_keep_every_text_inside_it():
    fig = NEURON_LOSS.draw(dict(NEURON_AT, y=1.0), figsize=(6.0, 3.5))
    fig.canvas.draw()
    assert [clash for clash in clashes(fig, NEURON_LOSS) if "cut off" in clash] == []


def test_does_a_huge_value_stay_short_on_its_wire():
    saturated = dict(NEURON_AT, x1=2.9, w2=-7.9)  # e^18.6 on the exp gate's outgoing wire
    fig = NEURON.draw(saturated)
    assert "1.2e8" in [text.get_text() for text in texts(fig)]
    assert clashes(fig, NEURON) == []


def labels(fig):
    """The wire labels' texts, values and gradients apart."""
    return {color: sorted(t.get_text() for t in texts(fig) if t.get_color() == color)
            for color in (VALUE_COLOR, GRADIENT_COLOR)}


def test_moving_a_slider_updates_circuit_labels_without_rebuilding_the_figure():
    explorer = CircuitExplorer(STAGED, STAGED_AT)
    figure, drawn = explorer.drawing.figure, list(texts(explorer.drawing.figure))
    explorer.controls["x"].value = 1.3
    assert explorer.drawing.figure is figure and list(texts(figure)) == drawn
    assert labels(figure) == labels(STAGED.draw(dict(STAGED_AT, x=1.3)))


@pytest.mark.parametrize("circuit, at", READY_MADE.values(), ids=READY_MADE)
def test_do_circuit_labels_stay_clear_as_numbers_grow_wider(circuit, at):
    explorer = CircuitExplorer(circuit, at)
    for name, slider in explorer.controls.items():
        slider.value = slider.min  # signs flip and numbers gain digits
        assert clashes(explorer.drawing.figure, circuit) == [], name


def places(fig):
    """Text, anchor, offset and alignment of every wire label."""
    return [(t.get_text(), t.xy, t.xyann, t.get_ha(), t.get_va()) for t in texts(fig)
            if t.get_color() in (VALUE_COLOR, GRADIENT_COLOR)]


def test_are_circuit_labels_placed_again_only_when_a_text_grows_wider():
    explorer = CircuitExplorer(ADD_MUL, ADD_MUL_AT)
    before = [place[1:] for place in places(explorer.drawing.figure)]
    explorer.controls["z"].value = -3.0  # f: -12.00 -> -9.00 and so on: no text grows
    assert [place[1:] for place in places(explorer.drawing.figure)] == before
    explorer.controls["x"].value = -7.0  # q: 3.00 -> -2.00 grows: placed as a fresh drawing
    assert places(explorer.drawing.figure) == places(ADD_MUL.draw(dict(ADD_MUL_AT, x=-7, z=-3)))


def test_does_drawing_need_no_pyplot():
    script = ("import sys; from course.assignments.sigmoid_neuron.forward import NEURON; "
              "from course.assignments.sigmoid_neuron.explorers import SigmoidExplorer; "
              "NEURON.draw(dict(w0=2, x0=-1, w1=-3, x1=-2, w2=-3)); SigmoidExplorer(); "
              "assert 'matplotlib.pyplot' not in sys.modules")
    subprocess.run([sys.executable, "-c", script], check=True)
