"""A real JupyterLab 4 server and Debian's Chromium driving it with Playwright: for the browser
tests (tests/browser/) and the slider benchmark (benchmarks/slider_latency.py).

    with JupyterLab(course_root) as lab, chromium() as browser:
        with lab.run(browser, "source/02_chain_rule/chain_rule.ipynb") as notebook:
            notebook.explorers()[0].press("z")

The server listens on 127.0.0.1 with a token, from fresh settings, workspace, config and runtime
folders (nothing of the machine's own Jupyter set-up leaks in), its news pop-up off.
"""
import contextlib
import json
import os
from pathlib import Path
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WINDOW = {"width": 1280, "height": 900}  # CSS pixels: a laptop's browser window
SETTINGS = {  # JupyterLab settings (plugin id -> values) the tests start from
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
    # every cell stays in the page, so a test can read all outputs of a long notebook
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}


def explorer_calls(path):
    """The last line of each code cell of the notebook at path that ends by showing an
    explorer (such as "CircuitExplorer(ADD_MUL, values)"), top to bottom."""
    cells = json.loads(Path(path).read_text())["cells"]
    lasts = ["".join(cell["source"]).strip().splitlines()[-1:] for cell in cells
             if cell["cell_type"] == "code"]
    return [last[0] for last in lasts if last and re.match(r"\w*Explorer\(", last[0])]


class JupyterLabError(RuntimeError):
    """JupyterLab, or the browser to drive it, cannot be started here."""


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    """`jupyter lab` serving root (a course directory: nbgrader's Validate reads its
    nbgrader_config.py), started on entering, stopped with its kernels on leaving.

    .url: base URL with no token; .token; .log: path of the server's output.
    """

    def __init__(self, root, start_timeout=60):
        self.root, self.start_timeout = Path(root), start_timeout
        self.token, self.port = secrets.token_hex(16), free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self._scratch = tempfile.TemporaryDirectory(prefix="jupyterlab-")
        home = Path(self._scratch.name)
        settings = home / "settings"
        for plugin, values in SETTINGS.items():
            package, name = plugin.split(":")
            path = settings / package / f"{name}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"),
                   JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"))
        command = [sys.executable, "-m", "jupyter", "lab", "--no-browser",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                   "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                   f"--ServerApp.root_dir={self.root}", f"--LabApp.user_settings_dir={settings}",
                   f"--LabApp.workspaces_dir={home / 'workspaces'}",
                   "--LabApp.expose_app_in_browser=True"]
        if os.geteuid() == 0:
            command.append("--allow-root")
        self.log = home / "server.log"
        self._log_file = open(self.log, "wb")
        self.process = subprocess.Popen(command, cwd=self.root, env=env, stdout=self._log_file,
                                        stderr=subprocess.STDOUT)
        try:
            self._wait_until_up()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_until_up(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise JupyterLabError(f"jupyter lab exited with {self.process.returncode}:\n"
                                      + self.log.read_text(errors="replace")[-3000:])
            with contextlib.suppress(OSError):
                return self._api("status")
            time.sleep(0.2)
        raise JupyterLabError(f"jupyter lab did not answer within {self.start_timeout} s:\n"
                              + self.log.read_text(errors="replace")[-3000:])

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log_file.close()
        self._scratch.cleanup()

    def _api(self, path, method="GET"):
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or "null")

    def shut_down_kernels(self):
        """Stop every kernel the server runs."""
        for kernel in self._api("kernels"):
            self._api(f"kernels/{kernel['id']}", method="DELETE")

    @contextlib.contextmanager
    def run(self, browser, path):
        """The notebook at path opened and run with Run All (a Notebook); on leaving, its tab is
        closed and the server's kernels stopped. The page, with JupyterLab loaded in it, is kept
        for the next run with the same browser: loading JupyterLab takes seconds."""
        page = getattr(self, "_page", None)
        if page is None or page.is_closed() or page.context.browser is not browser:
            notebook = self.open(browser, path)
            self._page = notebook.page
        else:
            notebook = Notebook(page, path)
            notebook.command("docmanager:open", {"path": path})
            page.wait_for_function(_OPENED_AND_IDLE, arg=path)
            notebook.wait_until_idle()
        try:
            notebook.run_all()
            yield notebook
        finally:
            if not notebook.page.is_closed():
                notebook.page.evaluate(_CLOSE_ALL)
            self.shut_down_kernels()

    def open(self, browser, path, timeout=60):
        """A Notebook page showing the notebook at path (relative to root), its kernel idle."""
        page = browser.new_page(viewport=WINDOW)
        page.set_default_timeout(timeout * 1000)
        page.goto(f"{self.url}/lab/tree/{path}?reset&token={self.token}")
        notebook = Notebook(page, path)
        notebook.wait_until_idle()
        return notebook


# JavaScript: whether the notebook at path is the current tab, loaded, and its kernel idle.
_OPENED_AND_IDLE = """path => {
    const widget = window.jupyterapp.shell.currentWidget;
    return Boolean(widget && widget.context && widget.context.path === path
                   && widget.context.isReady && widget.sessionContext
                   && widget.sessionContext.kernelDisplayStatus === "idle");
}"""

# JavaScript: close every tab of the main area without asking to save (the run's outputs are
# not kept: the file on disk stays as it was).
_CLOSE_ALL = """() => {
    for (const widget of [...window.jupyterapp.shell.widgets("main")]) {
        if (widget.context) widget.context.model.dirty = false;
        widget.dispose();
    }
}"""


@contextlib.contextmanager
def chromium():
    """Debian's headless Chromium under Playwright, with a fresh profile and no background
    networking (this machine's network is closed)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise JupyterLabError("Playwright for Python is missing: pip install -e '.[test]' "
                              "installs it") from error
    if not Path(CHROMIUM).exists():
        raise JupyterLabError(f"{CHROMIUM} is missing: install Debian's chromium package "
                              "(apt-get install -y chromium), as .ci/run does")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# JavaScript: a fingerprint of an <img>'s pixels: [width, height, distinct colours (up to 64),
# a hash of every pixel]. A blank picture has one colour; a changed one, another hash.
_FINGERPRINT = """img => {
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [img.naturalWidth, img.naturalHeight];
    const context = canvas.getContext("2d");
    context.drawImage(img, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set();
    let hash = 0;
    for (let i = 0; i < pixels.length; i += 4) {
        const colour = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
        if (colours.size < 64) colours.add(colour);
        hash = (Math.imul(hash, 31) + colour) | 0;
    }
    return [canvas.width, canvas.height, colours.size, hash];
}"""

# JavaScript: arm a stopwatch from the next key press on (or input to) a control to the
# explorer's next picture, loaded and painted; window.pictureTiming resolves with the ms.
_ARM_STOPWATCH = """([control, picture, timeout]) => {
    window.pictureTiming = new Promise((resolve, reject) => {
        let started = null;
        const start = event => { started = started ?? event.timeStamp; };
        control.addEventListener("keydown", start, {once: true, capture: true});
        control.addEventListener("input", start, {once: true, capture: true});
        picture.addEventListener("load", () => requestAnimationFrame(
            () => resolve(performance.now() - started)), {once: true});
        setTimeout(() => reject(new Error(`no new picture within ${timeout} ms`)), timeout);
    });
}"""


class Notebook:
    """One notebook open in JupyterLab, in its own browser page (.page)."""

    def __init__(self, page, path):
        self.page, self.path = page, path

    def command(self, name, args=None):
        """Run a JupyterLab command (e.g. "runmenu:run-all") and wait for it to return."""
        self.page.evaluate("([name, args]) => window.jupyterapp.commands.execute(name, args)",
                           [name, args or {}])

    def wait_until_idle(self, timeout=120):
        """Wait until the status bar says the kernel is Idle (the toolbar's indicator reads idle
        before the kernel exists, so it is no guide)."""
        self.page.locator("#jp-main-statusbar").get_by_text("Idle", exact=False).first.wait_for(
            timeout=timeout * 1000)

    def run_all(self, timeout=300):
        """Run every cell (the Run menu's Run All) and wait until the kernel has finished."""
        self.command("runmenu:run-all")
        self.page.wait_for_function(
            """() => ![...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                     .some(prompt => prompt.textContent.includes('*'))""",
            timeout=timeout * 1000)
        self.wait_until_idle()

    def unrun_cells(self):
        """Indices (among code cells) of the code cells that have not run."""
        prompts = self.page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        return [i for i, prompt in enumerate(prompts) if not prompt.strip("[]: ").isdigit()]

    def errors(self):
        """Texts of every error or warning shown (JupyterLab shows both as stderr)."""
        return self.page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        ).all_inner_texts()

    def broken_widgets(self):
        """Texts of widget outputs that did not render ("Error displaying widget" and such)."""
        outputs = self.page.locator(".jp-OutputArea-output").all_inner_texts()
        return [text for text in outputs
                if "Error displaying widget" in text or "Loading widget" in text
                or "Model not found" in text]

    def explorers(self):
        """Every explorer shown, as Explorer views, top to bottom."""
        return [Explorer(self.page, locator)
                for locator in self.page.locator(".course-explorer").all()]

    def cell(self, index):
        """The locator of the index-th cell (all kinds counted, as in the .ipynb file)."""
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def source(self, index):
        """The text of the index-th cell as JupyterLab holds it."""
        return self.page.evaluate(
            "i => window.jupyterapp.shell.currentWidget.content.widgets[i].model.sharedModel"
            ".getSource()", index)

    def type_into(self, index, text):
        """Replace the index-th cell's text by typing: click into its editor, select all,
        type text, leave the editor."""
        self.cell(index).locator(".cm-content").click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.insert_text(text)
        self.page.keyboard.press("Escape")

    def validate(self, timeout=180):
        """Click nbgrader's Validate button and return the message it shows (a locator; its
        class says validation-success, validation-failed ...)."""
        self.page.locator("jp-button.validate-button").click()
        message = self.page.locator("#validation-message")
        message.wait_for(timeout=timeout * 1000)
        return message

    def close_dialog(self):
        """Press the OK of the dialog shown."""
        dialog = self.page.locator(".jp-Dialog")
        dialog.locator(".jp-mod-accept").click()
        dialog.wait_for(state="detached")

    def screenshot(self, path):
        """Save a PNG of the window as the student sees it now."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=path)


class Explorer:
    """One course explorer (course.explorers.Explorer) as the browser shows it."""

    def __init__(self, page, locator):
        self.page, self.locator = page, locator
        self.picture = locator.locator(".course-picture")

    def sliders(self):
        """Slider labels, top to bottom."""
        return self.locator.locator(".widget-slider .widget-label").all_inner_texts()

    def values(self):
        """What each slider and menu shows: dict label -> text ("−" printed as "-")."""
        shown = {}
        for control in self.locator.locator(".widget-slider, .widget-dropdown").all():
            label = control.locator(".widget-label").inner_text()
            if control.locator("select").count():
                shown[label] = control.locator("select").input_value()
            else:
                shown[label] = control.locator(".widget-readout").inner_text()
        return {label: text.replace("\u2212", "-") for label, text in shown.items()}

    def numbers(self):
        """The readout table: dict label -> float."""
        rows = self.locator.locator(".course-readout tr").all()
        labels, texts = (row.locator("td").all_inner_texts() for row in rows)
        return {label: float(text.replace("\u2212", "-")) for label, text in zip(labels, texts)}

    def fingerprint(self):
        """[width, height, distinct colours up to 64, hash of the pixels] of the picture."""
        return self.picture.evaluate(_FINGERPRINT)

    def _handle(self, label):
        slider = self.locator.locator(".widget-slider").filter(
            has=self.page.locator(".widget-label", has_text=label))
        return slider.locator(".noUi-handle").first

    def key_towards_middle(self, label):
        """ArrowRight, or ArrowLeft when the slider is in its upper half: a press always
        moves it."""
        handle = self._handle(label)
        low, high, now = (float(handle.get_attribute(f"aria-value{end}"))
                          for end in ("min", "max", "now"))
        return "ArrowLeft" if now > (low + high) / 2 else "ArrowRight"

    def press(self, label, key=None, timeout=30):
        """Press a key on a slider's handle (default: towards the middle) and wait for the new
        picture; returns the milliseconds from the key press to the new picture painted."""
        handle = self._handle(label)
        return self._timed(handle, lambda: handle.press(key or self.key_towards_middle(label)),
                           timeout)

    def choose(self, label, option, timeout=30):
        """Pick an option (its text) in a menu and wait for the new picture; returns the
        milliseconds from the choice to the new picture painted."""
        menu = self.locator.locator(".widget-dropdown").filter(
            has=self.page.locator(".widget-label", has_text=label)).locator("select")
        return self._timed(menu, lambda: menu.select_option(label=option), timeout)

    def _timed(self, control, act, timeout):
        self.page.evaluate(_ARM_STOPWATCH, [control.element_handle(),
                                            self.picture.element_handle(), timeout * 1000])
        act()
        return self.page.evaluate("window.pictureTiming")
