"""Slider responsiveness in a real JupyterLab: milliseconds from a key press on a slider to the
explorer's new picture, loaded and painted in the browser, for every explorer of the course.

Starts JupyterLab on a throwaway copy of the course and drives it with headless Chromium
(tools/jupyterlab.py), runs each source notebook, then presses ArrowRight/ArrowLeft on every
slider of every explorer (one warm-up press, then --presses timed ones per slider) and prints
the median and 90th percentile per explorer against the 100 ms target.

    python benchmarks/slider_latency.py [--presses 10] [--notebook 02_chain_rule ...]
"""
import argparse
import json
from pathlib import Path
import statistics
import sys
import tempfile

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.sample_class import copy_course  # noqa: E402
from tools.jupyterlab import JupyterLab, chromium, explorer_calls  # noqa: E402

TARGET_MS = 100

# A notebook with an explorer that does next to nothing: its latency is the fixed cost of a
# round trip (browser, comm, kernel, a tiny PNG), which no explorer can go below.
BASELINE = """from matplotlib.figure import Figure
from course.controls import slider
from course.explorers import Explorer

class BaselineExplorer(Explorer):
    def __init__(self):
        self.figure = Figure(figsize=(1, 0.5), dpi=90)
        self.text = self.figure.text(0.5, 0.5, "", ha="center")
        super().__init__({"x": slider("x", 0.0, -5.0, 5.0, 0.1)})

    def render(self, values):
        self.text.set_text(f"{values['x']:.1f}")
        return self.figure, {"x": values["x"]}

BaselineExplorer()"""


def write_baseline(course):
    """baseline.ipynb in the course folder; returns its path relative to the course."""
    cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
            "source": BASELINE}
    kernel = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    notebook = {"cells": [cell], "metadata": {"kernelspec": kernel}, "nbformat": 4,
                "nbformat_minor": 5}
    (course / "baseline.ipynb").write_text(json.dumps(notebook))
    return "baseline.ipynb"


def notebooks(names):
    """Source notebooks (paths relative to the course) with at least one explorer."""
    paths = sorted((ROOT / "source").glob("*/*.ipynb"))
    return [p.relative_to(ROOT).as_posix() for p in paths
            if explorer_calls(p) and (not names or p.parent.name in names)]


def latencies(explorer, presses):
    """Milliseconds of each timed press, over all sliders of the explorer."""
    timed = []
    for label in explorer.sliders():
        explorer.press(label)  # warm-up: the first move may fill caches
        timed += [explorer.press(label) for _ in range(presses)]
    return timed


def measured(lab, browser, path, presses):
    """[(explorer's cell line, latencies)] for each explorer of the notebook at path."""
    with lab.run(browser, path) as notebook:
        return [(call, latencies(explorer, presses))
                for call, explorer in zip(explorer_calls(lab.root / path), notebook.explorers())]


def report(name, timed):
    """Print one line for an explorer; returns its median in ms."""
    median, p90 = statistics.median(timed), statistics.quantiles(timed, n=10)[-1]
    flag = "" if median < TARGET_MS else f"  over {TARGET_MS} ms"
    print(f"{name[:62]:<62} {len(timed):>7} {median:>6.0f} ms {p90:>5.0f} ms{flag}", flush=True)
    return median


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=10, help="timed presses per slider")
    parser.add_argument("--notebook", nargs="*", default=[],
                        help="assignment folders to measure (default: all with explorers)")
    args = parser.parse_args()
    print(f"{'explorer':<62} {'presses':>7} {'median':>8} {'p90':>8}")
    with tempfile.TemporaryDirectory() as scratch, \
            JupyterLab(copy_course(ROOT, Path(scratch) / "course")) as lab, chromium() as browser:
        (_, timed), = measured(lab, browser, write_baseline(lab.root), args.presses)
        report("baseline: an explorer with a 90x45-pixel picture", timed)
        medians = [report(f"{path.split('/')[1]}: {call}", timed)
                   for path in notebooks(args.notebook)
                   for call, timed in measured(lab, browser, path, args.presses)]
    under = sum(m < TARGET_MS for m in medians)
    print(f"{under} of {len(medians)} explorers answer a key press in under {TARGET_MS} ms "
          f"(median)")


if __name__ == "__main__":
    main()
