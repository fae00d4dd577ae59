"""Does every notebook of the course work for a student in a real JupyterLab, in a real browser?

Each source notebook (exercises solved) is opened in JupyterLab 4 in headless Chromium and run
with Run All; then every explorer is checked and every slider moved by a key press, the new
readout compared with the maths of tests/assignments/<name>/explorer_maths.py. Screenshots of every
explorer and picture, at a normal window size, go to test-artifacts/ to be looked at.
"""
import math

import pytest

from support import ARTIFACTS, ROOT
from tools.jupyterlab import explorer_calls

from .explorer_maths import EXPECTED, MENUS, expected_numbers


@pytest.fixture(scope="module", params=list(EXPECTED))
def notebook(request, lab, browser):
    """The source notebook, opened and run in JupyterLab; its kernel stopped afterwards."""
    with lab.run(browser, f"source/{request.param}") as notebook:
        yield notebook


def test_every_cell_runs_without_an_error_or_a_warning(notebook):
    assert notebook.errors() == []
    assert notebook.unrun_cells() == []


def test_every_explorer_renders_with_a_picture_and_a_readout(notebook):
    assert notebook.broken_widgets() == []
    explorers = notebook.explorers()
    assert len(explorers) == len(explorer_calls(ROOT / notebook.path))
    for explorer in explorers:
        width, height, colours, _ = explorer.fingerprint()
        assert width > 300 and height > 150 and colours > 8, "a blank or tiny picture"
        assert explorer.numbers(), "an empty readout"


def test_pictures_are_shown_at_full_size_and_screenshots_are_saved(notebook):
    name = notebook.path.split("/")[1]
    pictures = notebook.page.locator(".jp-OutputArea-output img").all()
    assert pictures, "no picture at all"
    shrunk = []
    for k, picture in enumerate(pictures):
        picture.evaluate("img => img.closest('.jp-Cell').scrollIntoView({block: 'start'})")
        notebook.screenshot(ARTIFACTS / f"{name}-{k:02d}.png")
        shown, natural = picture.evaluate("img => [img.width, img.naturalWidth]")
        if shown < natural:
            shrunk.append(f"picture {k} is shrunk to {shown} of its {natural} pixels")
    assert shrunk == []


def test_moving_each_slider_and_menu_updates_readout_and_picture_as_the_maths_says(notebook):
    path = notebook.path.removeprefix("source/")
    rules, explorers = EXPECTED[path], notebook.explorers()
    assert len(rules) == len(explorers), "explorer_maths.EXPECTED must cover every explorer"
    wrong = []
    for k, (explorer, rule) in enumerate(zip(explorers, rules)):
        for label in explorer.sliders():
            before = explorer.fingerprint(), explorer.values()
            explorer.press(label)
            after = explorer.fingerprint(), explorer.values()
            assert after[1][label] != before[1][label], f"explorer {k}: {label} did not move"
            assert after[0] != before[0], f"explorer {k}: moving {label} left the picture as it was"
            wrong += mismatches(f"explorer {k} after moving {label}", rule, explorer)
        label, options = MENUS.get((path, k), (None, []))
        for option in options:
            before = explorer.fingerprint()
            explorer.choose(label, option)
            assert explorer.fingerprint() != before, f"explorer {k}: {option} left the picture"
            wrong += mismatches(f"explorer {k} after choosing {option}", rule, explorer)
    assert wrong == []


def mismatches(when, rule, explorer):
    """Lines naming each readout number that differs from what rule says it must be."""
    values, numbers = explorer.values(), explorer.numbers()
    lines = []
    for label, expected in expected_numbers(rule, values, numbers).items():
        got = numbers.get(label)
        if got is None or not math.isclose(got, expected, rel_tol=1e-3, abs_tol=1e-4):
            lines.append(f"{when} ({values}): {label} shows {got}, the maths says {expected:.6g}")
    return lines
