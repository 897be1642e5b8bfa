"""The lessons' pictures and widgets render in a real JupyterLab, in a real browser.

What happens, per lesson::

    copy lessons/NN-*.ipynb to a temporary folder, outputs cleared
      -> start ``jupyter lab`` there (free port, random token, no browser)
      -> headless Chromium (Playwright) opens the notebook and runs every cell
      -> assert on the page: no error output, the graph SVG / the dashboard are there

Lesson 05 must show ``plot_network``'s graph (an SVG with the FullyConnected boxes);
lesson 09 must show the TrainingDashboard (its status line with samples/s, a PNG
frame per metric and the Stop button, which needs the ipywidgets front end).

Slow (about a minute per lesson) and it needs a browser, so it runs only when asked::

    DLKIT_BROWSER_TEST=1 python3 -m pytest tests/browser -p no:cacheprovider

See tests/browser/README.md for the installation commands.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
RUN_ALL_TIMEOUT_MS = 300_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("DLKIT_BROWSER_TEST") != "1",
                       reason="browser test: set DLKIT_BROWSER_TEST=1 to run it "
                              "(see tests/browser/README.md)"),
]


def chromium_path():
    """A Chromium executable: $DLKIT_CHROMIUM, Debian's ``chromium``, or None (Playwright's own)."""
    for candidate in (os.environ.get("DLKIT_CHROMIUM"), "chromium", "chromium-browser",
                      "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def copy_without_outputs(lesson, folder):
    """The lesson with every output removed, so whatever the page shows was made now."""
    notebook = json.loads((LESSONS / lesson).read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    (folder / lesson).write_text(json.dumps(notebook))


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """A running JupyterLab serving a temporary folder; yields (url, token, folder)."""
    pytest.importorskip("jupyterlab", reason="browser test: pip install jupyterlab")
    folder = tmp_path_factory.mktemp("lab")
    # Render every cell (no virtual scrolling), so the page holds all outputs at once.
    settings = folder / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    notebooks = folder / "notebooks"
    notebooks.mkdir()
    port, token = free_port(), uuid.uuid4().hex
    environment = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(folder / "settings"),
                       JUPYTERLAB_WORKSPACES_DIR=str(folder / "workspaces"),
                       JUPYTER_RUNTIME_DIR=str(folder / "runtime"))
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={notebooks}", "--LabApp.expose_app_in_browser=True",
               "--allow-root"]
    log = open(folder / "jupyterlab.log", "w")
    server = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(url, token, server, folder / "jupyterlab.log")
        yield url, token, notebooks
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def wait_for_server(url, token, server, log_path, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail("jupyter lab exited:\n" + log_path.read_text()[-3000:])
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5)
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail("jupyter lab did not answer within {timeout} s:\n"
                + log_path.read_text()[-3000:])


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Playwright (the system Chromium when there is one)."""
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="browser test: pip install playwright")
    executable = chromium_path()
    with sync_api.sync_playwright() as playwright:
        try:
            # --no-sandbox: Chromium's sandbox refuses to start as root (containers, CI)
            chromium = playwright.chromium.launch(executable_path=executable, headless=True,
                                                  args=["--no-sandbox"])
        except Exception as error:  # no system Chromium and no Playwright download
            pytest.skip(f"browser test: no usable Chromium ({error}); "
                        "apt-get install chromium, or set DLKIT_CHROMIUM")
        yield chromium
        chromium.close()


RUN_ALL = """async () => {
    const app = window.jupyterapp;
    const panel = app.shell.currentWidget;
    await panel.context.ready;
    await panel.sessionContext.ready;
    await app.commands.execute('notebook:run-all-cells');
    const outputs = [];
    for (const cell of panel.content.model.cells) {
        if (cell.type === 'code') { outputs.push(...cell.toJSON().outputs); }
    }
    return outputs;
}"""

PAGE_FACTS = """() => {
    const area = window.jupyterapp.shell.currentWidget.node;  // the lesson's panel
    const outputs = [...area.querySelectorAll('.jp-OutputArea-output')];
    const images = [...area.querySelectorAll('.jp-OutputArea-output img')]
        .map(i => ({src: i.src, width: i.naturalWidth, height: i.naturalHeight}));
    const svgs = [...area.querySelectorAll('.jp-OutputArea-output svg')].map(s => s.outerHTML);
    const buttons = [...area.querySelectorAll('.jp-OutputArea-output button')]
        .map(b => b.innerText.trim());
    return {images, svgs, buttons, text: outputs.map(o => o.innerText)};
}"""


def run_lesson(jupyterlab, browser, lesson, shown):
    """Open ``lesson`` in JupyterLab, run all cells, wait until the JavaScript predicate
    ``shown`` holds (outputs reach the page a little after the kernel is done); return
    (the cells' outputs, facts about the page)."""
    url, token, notebooks = jupyterlab
    copy_without_outputs(lesson, notebooks)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(RUN_ALL_TIMEOUT_MS)
    try:
        page.goto(f"{url}/lab/tree/{urllib.parse.quote(lesson)}?reset&token={token}")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell"
                               " && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.sessionContext")
        outputs = page.evaluate(RUN_ALL)
        try:
            page.wait_for_function(shown, timeout=30_000)
        except Exception:  # the assertions below say what is missing
            pass
        facts = page.evaluate(PAGE_FACTS)
    finally:
        page.close()
    errors = [f"{o['ename']}: {o['evalue']}" for o in outputs if o["output_type"] == "error"]
    assert not errors, f"{lesson} raised in the browser: {errors}"
    return outputs, facts


def svg_texts(facts):
    """Every SVG the page shows as text: inline ``<svg>`` and ``<img>`` with SVG data that
    the browser decoded (``naturalWidth > 0``)."""
    texts = list(facts["svgs"])
    for image in facts["images"]:
        if image["src"].startswith("data:image/svg+xml") and image["width"] > 0:
            texts.append(urllib.parse.unquote(image["src"].split(",", 1)[1]))
    return texts


def test_lesson_05_shows_the_network_graph_as_svg(jupyterlab, browser):
    shown = ("() => [...window.jupyterapp.shell.currentWidget.node"
             ".querySelectorAll('.jp-OutputArea-output img')]"
             ".some(i => i.src.startsWith('data:image/svg+xml') && i.naturalWidth > 0)")
    outputs, facts = run_lesson(jupyterlab, browser, "05-symbols.ipynb", shown)
    assert any("image/svg+xml" in o.get("data", {}) for o in outputs)
    graphs = [svg for svg in svg_texts(facts) if "FullyConnected" in svg]
    assert graphs, "no rendered graph SVG with FullyConnected nodes on the page"
    # the lesson's net: data, fc1, relu1, bn1, fc2, softmax_label, softmax
    assert max(svg.count('class="node"') for svg in graphs) >= 7


DASHBOARD_LINE = re.compile(r"epoch \d+\s+\[[#.]{20}\]\s+\d+ samples/s\s+elapsed")


def test_lesson_09_shows_the_training_dashboard(jupyterlab, browser):
    shown = ("() => window.jupyterapp.shell.currentWidget.node.innerText"
             ".includes(' samples/s  elapsed') && [...window.jupyterapp.shell.currentWidget"
             ".node.querySelectorAll('.jp-OutputArea-output button')]"
             ".some(b => b.innerText.trim() === 'Stop')")
    _, facts = run_lesson(jupyterlab, browser, "09-module-fit.ipynb", shown)
    lines = [text for text in facts["text"] if DASHBOARD_LINE.search(text)]
    assert lines, "no dashboard status line (epoch, progress bar, samples/s) on the page"
    frames = [image for image in facts["images"]
              if image["src"].startswith("data:image/png") and image["width"] > 100]
    assert frames, "no rendered dashboard PNG frame on the page"
    assert "Stop" in facts["buttons"], "the dashboard's Stop button (ipywidgets) is missing"


STOP_NOTEBOOK_CELLS = [
    """import numpy as np
import dlkit as mx
from dlkit.widgets import TrainingDashboard
X = np.random.RandomState(0).randn(2000, 20).astype("float32")
y = (X[:, 0] > 0).astype("float32")
train_iter = mx.io.NDArrayIter(X, y, batch_size=50)
net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=2),
                           name="softmax")
mod = mx.mod.Module(net)""",
    """dash = TrainingDashboard(redraw_interval=0.2)
await dash.fit_async(mod, train_iter, num_epoch=100000)   # hours, unless Stop works
print("stopped by the button:", dash.stopped, "in epoch", dash.epoch)""",
]

START_RUN_ALL = """() => {
    const app = window.jupyterapp;
    app.shell.currentWidget.sessionContext.ready.then(
        () => app.commands.execute('notebook:run-all-cells'));
}"""


def open_new_notebook(jupyterlab, browser, name, sources):
    """Write a notebook of code cells ``sources``, open it, start running all cells
    (without waiting for them) and return the page."""
    url, token, notebooks = jupyterlab
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None,
              "outputs": [], "source": source} for source in sources]
    notebook = {"cells": cells, "metadata": {"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5}
    (notebooks / name).write_text(json.dumps(notebook))
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(120_000)
    page.goto(f"{url}/lab/tree/{name}?reset&token={token}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell"
                           " && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext")
    page.evaluate(START_RUN_ALL)
    return page


PAGE_TEXT_HAS = ("text => window.jupyterapp.shell.currentWidget.node.innerText"
                 ".includes(text)")


def test_the_stop_button_ends_a_running_fit(jupyterlab, browser):
    # A click reaches the kernel while the fit cell is still running because the cell
    # awaits fit_async (training runs in a worker thread).
    page = open_new_notebook(jupyterlab, browser, "stop.ipynb", STOP_NOTEBOOK_CELLS)
    try:
        stop = page.locator(".jp-OutputArea-output button", has_text="Stop")
        stop.wait_for(state="visible")
        page.wait_for_function(PAGE_TEXT_HAS, arg=" samples/s  elapsed")
        stop.click()
        page.wait_for_function(PAGE_TEXT_HAS, arg="stopped by the button: True",
                               timeout=60_000)
    finally:
        page.close()


EXPLORER_CELLS = ["""import dlkit as mx
from dlkit.widgets import GraphExplorer
data = mx.sym.var("data")
net = mx.sym.FullyConnected(data, num_hidden=3, name="fc1")
net = mx.sym.SoftmaxOutput(mx.sym.Activation(net, act_type="relu", name="relu1"),
                           name="softmax")
explorer = GraphExplorer(net, shape={"data": (2, 4)})
explorer.ui"""]


def test_clicking_a_node_in_the_graph_explorer_shows_its_details(jupyterlab, browser):
    page = open_new_notebook(jupyterlab, browser, "explorer.ipynb", EXPLORER_CELLS)
    try:
        node = page.locator(".jp-OutputArea-output button", has_text="fc1")
        node.wait_for(state="visible")
        page_text = "() => window.jupyterapp.shell.currentWidget.node.innerText"
        assert "attr num_hidden" not in page.evaluate(page_text)   # nothing selected
        node.click()
        # the details table of the clicked node: its op and its attribute
        page.wait_for_function(PAGE_TEXT_HAS, arg="attr num_hidden", timeout=30_000)
        page.wait_for_function(PAGE_TEXT_HAS, arg="FullyConnected", timeout=30_000)
    finally:
        page.close()
