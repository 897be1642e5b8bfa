"""mx.viz against MXNet 1.9.1 goldens, and the pictures without the ``dot`` program."""
import contextlib
import io
import os
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pytest

import dlkit as mx
from dlkit.visualization import graph_spec
from dlkit.visualization.fallback import FallbackGraph
from golden_replay import GOLDEN, load_topic

sys.path.insert(0, GOLDEN)
import viz_cases  # noqa: E402

CASES, _ = load_topic("viz")


def build(net):
    make, shapes, dtypes = viz_cases.CASES[net]
    with mx.name.NameManager():
        return make(mx), shapes, dtypes


@pytest.fixture
def no_dot(monkeypatch):
    """Simulate a machine without Graphviz's ``dot`` program (and reset the warn-once)."""
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    monkeypatch.setattr(graph_spec, "_warned", [False])


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "plot"],
                         ids=lambda c: f"{c['net']}-{c['variant']}")
def test_plot_network_source_matches_mxnet(case):
    symbol, shapes, dtypes = build(case["net"])
    kwargs, with_shape = viz_cases.PLOT_VARIANTS[case["variant"]]
    kwargs = dict(kwargs)
    if with_shape:
        kwargs["shape"] = shapes
        if dtypes:
            kwargs["dtype"] = dtypes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 'mixed' repeats a variable name
        source = mx.viz.plot_network(symbol, **kwargs).source
    # graphviz 0.8.4 (MXNet's venv) ends the source without a newline, newer ones with one
    assert source.rstrip("\n") == case["source"].rstrip("\n")


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "summary"],
                         ids=lambda c: f"{c['net']}-{c['variant']}")
def test_print_summary_text_matches_mxnet(case):
    symbol, shapes, _ = build(case["net"])
    kwargs, with_shape = viz_cases.SUMMARY_VARIANTS[case["variant"]]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        mx.viz.print_summary(symbol, shape=shapes if with_shape else None, **kwargs)
    assert printed.getvalue() == case["text"]


def test_plot_network_returns_a_graphviz_digraph():
    graphviz = pytest.importorskip("graphviz")
    symbol, shapes, _ = build("lenet")
    graph = mx.viz.plot_network(symbol, shape=shapes)
    assert isinstance(graph, graphviz.Digraph)
    assert 'label="Convolution\n5x5/1, 20"' in graph.source
    assert 'label="Pooling\nmax, 2x2/2x2"' in graph.source


def test_plot_network_rejects_a_shape_that_is_not_a_dict():
    symbol, _, _ = build("mlp")
    with pytest.raises(TypeError, match="shape must be a dict"):
        mx.viz.plot_network(symbol, shape=[1, 2])


def test_plot_network_and_print_summary_accept_a_gluon_block():
    net = mx.gluon.nn.HybridSequential()
    net.add(mx.gluon.nn.Dense(8, activation="relu"), mx.gluon.nn.Dense(3))
    net.initialize()
    source = mx.viz.plot_network(net, shape={"data": (2, 5)}).source
    assert "FullyConnected\n8" in source and "Activation\nrelu" in source
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        mx.viz.print_summary(net, shape={"data": (2, 5)})
    assert "Total params: 75" in printed.getvalue()  # (5+1)*8 + (8+1)*3


def test_display_without_dot_uses_dlkit_svg_with_one_box_per_node(no_dot):
    symbol, shapes, _ = build("lenet")
    graph = mx.viz.plot_network(symbol, shape=shapes)
    with pytest.warns(graph_spec.GraphvizMissingWarning, match="apt-get install graphviz"):
        bundle = graph._repr_mimebundle_()
    svg = bundle["image/svg+xml"]
    assert "text/plain" in bundle and "<script" not in svg
    assert svg.count('class="node"') == 13  # data, 11 layers, softmax_label
    assert "20x24x24" in svg and "#fb8072" in svg
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the hint is given once only
        graph._repr_image_svg_xml()


def test_pipe_and_render_without_dot_write_pictures(no_dot, tmp_path):
    symbol, shapes, _ = build("mlp")
    graph = mx.viz.plot_network(symbol, shape=shapes, save_format="png")
    with pytest.warns(graph_spec.GraphvizMissingWarning):
        path = graph.render(str(tmp_path / "mlp"))
    assert path.endswith(".png") and os.path.getsize(path) > 1000
    assert graph.pipe(format="svg").startswith(b"<svg")


def test_a_broken_dot_program_falls_back_instead_of_raising(monkeypatch):
    pytest.importorskip("graphviz")
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: "/nonexistent/dot")
    monkeypatch.setattr(graph_spec, "_warned", [True])
    monkeypatch.setenv("PATH", "/nonexistent")
    symbol, _, _ = build("mlp")
    svg = mx.viz.plot_network(symbol)._repr_image_svg_xml()
    assert svg.count('class="node"') == 8


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_display_with_dot_uses_graphviz_svg():
    symbol, shapes, _ = build("mlp")
    svg = mx.viz.plot_network(symbol, shape=shapes)._repr_image_svg_xml()
    assert "Generated by graphviz" in svg


def test_fallback_graph_writes_the_same_source_as_graphviz():
    pytest.importorskip("graphviz")
    symbol, shapes, _ = build("batchnorm_net")
    graph = mx.viz.plot_network(symbol, shape=shapes)
    assert FallbackGraph(graph.spec).source == graph.source


def test_lenet_picture_is_a_nontrivial_png(no_dot):
    pytest.importorskip("matplotlib")
    image_module = pytest.importorskip("PIL.Image")
    symbol, shapes, _ = build("lenet")
    png = mx.viz.plot_network(symbol, shape=shapes).pipe(format="png")
    image = image_module.open(io.BytesIO(png)).convert("RGB")
    assert image.width > 100 and image.height > 500  # 12 layers stacked vertically
    assert len(image.getcolors(maxcolors=1 << 20)) > 20  # node colours, text, edges


def test_plot_autograd_draws_the_tape_and_leaf_gradients():
    x = mx.nd.array([[1, 2], [3, 4]])
    w = mx.nd.ones((2, 2))
    x.attach_grad()
    w.attach_grad()
    with mx.autograd.record():
        y = (mx.nd.dot(x, w) * 2).sum()
    before = mx.viz.plot_autograd(y, names={"x": x, "w": w})
    labels = {node["name"]: node["label"] for node in before.spec.nodes}
    assert labels["x"] == "x\n[1 2 3 4]"
    assert [e["head"] for e in before.spec.edges if e["tail"].startswith("dot")] == ["x", "w"]
    y.backward(retain_graph=True)
    after = mx.viz.plot_autograd(y, names={"x": x, "w": w}, grads=True)
    labels = {node["name"]: node["label"] for node in after.spec.nodes}
    assert labels["x"].endswith("grad [4 4 4 4]")  # 2 * row sums of w
    assert labels["w"].endswith("grad [8 8 12 12]")  # 2 * column sums of x


def test_plot_autograd_explains_an_unrecorded_array():
    with pytest.raises(mx.MXNetError, match="autograd.record"):
        mx.viz.plot_autograd(mx.nd.ones((2,)))


def test_import_dlkit_does_not_import_graphviz_matplotlib_or_ipywidgets():
    code = ("import sys, dlkit; print(sorted(m for m in ('graphviz', 'matplotlib', "
            "'ipywidgets', 'dlkit.widgets', 'dlkit.visualization.ndarray_display') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


# ---- NDArray rich display (dlkit/visualization/ndarray_display.py) ----
def test_ndarray_display_keeps_mxnet_repr_as_plain_text_and_adds_html_with_the_footer():
    array = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    bundle = array._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert bundle["text/plain"] == repr(array)
    assert repr(array).endswith("<NDArray 2x3 @cpu(0)>")
    html = bundle["text/html"]
    assert "&lt;NDArray 2x3 @cpu(0)&gt;" in html and "[[1. 2. 3.]" in html
    assert "<script" not in html


def test_a_2d_array_gets_one_heat_map_square_per_value_from_dark_to_yellow():
    html = mx.nd.array([[1, 2, 3], [4, 5, 6]])._repr_mimebundle_()["text/html"]
    assert html.count("<svg") == 1 and html.count("<rect") == 6
    assert 'fill="#440154"><title>[0, 0] 1</title>' in html   # the smallest value
    assert 'fill="#fde725"><title>[1, 2] 6</title>' in html   # the largest value
    assert "<title>min 1, max 6</title>" in html


def test_only_2d_arrays_get_a_heat_map():
    for shape in [(4,), (2, 2, 2), ()]:
        assert "<svg" not in mx.nd.ones(shape)._repr_mimebundle_()["text/html"]


def test_a_large_heat_map_is_subsampled_and_marks_nan_grey():
    from dlkit.visualization.ndarray_display import MAX_HEATMAP_CELLS, heatmap_svg
    values = np.arange(100 * 7, dtype="float64").reshape(100, 7)
    values[0, 0] = np.nan
    svg = heatmap_svg(values)
    assert svg.count("<rect") == (-(-100 // 5)) * 7 and 100 // 5 <= MAX_HEATMAP_CELLS
    assert 'fill="#bbbbbb"><title>[0, 0] nan</title>' in svg
    constant = heatmap_svg(np.full((2, 2), 3.0))
    assert constant.count('fill="#21918c"') == 4  # a constant array: the middle colour


def test_ndarray_display_is_what_ipython_shows():
    pytest.importorskip("IPython")
    from IPython.core.formatters import DisplayFormatter
    data, _ = DisplayFormatter().format(mx.nd.ones((2, 2)))
    assert data["text/plain"] == repr(mx.nd.ones((2, 2)))
    assert "<svg" in data["text/html"]


# ---- Gluon blocks, hybridized or not, traced with given input shapes ----
def small_gluon_net(hybridize, run_first):
    net = mx.gluon.nn.HybridSequential()
    net.add(mx.gluon.nn.Dense(8, activation="relu"), mx.gluon.nn.Dense(3))
    net.initialize()
    if hybridize:
        net.hybridize()
    if run_first:  # a hybridized block that ran has its cached graph
        net(mx.nd.ones((2, 5)))
    return net


@pytest.mark.parametrize("hybridize,run_first", [(True, False), (True, True), (False, True)])
def test_plot_network_and_print_summary_accept_a_hybridized_or_used_block(hybridize,
                                                                          run_first):
    net = small_gluon_net(hybridize, run_first)
    source = mx.viz.plot_network(net, shape={"data": (2, 5)}).source
    assert source.count("FullyConnected") == 2 and "FullyConnected\n8" in source
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        mx.viz.print_summary(net, shape={"data": (2, 5)})
    assert "Total params: 75" in printed.getvalue()
    output = net(mx.nd.ones((4, 5)))  # tracing left the block usable
    assert output.shape == (4, 3)


class TwoInputs(mx.gluon.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.dense = mx.gluon.nn.Dense(4)

    def hybrid_forward(self, F, x, y):
        return self.dense(F.concat(x, y, dim=1))


def test_a_block_is_traced_on_the_input_names_of_the_shape_dict():
    net = TwoInputs()
    net.initialize()
    shape = {"image": (2, 3), "extra": (2, 5)}
    source = mx.viz.plot_network(net, shape=shape).source
    assert "\timage [label=image" in source and "\textra [label=extra" in source
    assert "-> image [label=3 " in source and "-> extra [label=5 " in source
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        mx.viz.print_summary(net, shape=shape)
    assert "Total params: 36" in printed.getvalue()  # (3 + 5 + 1) * 4


def test_a_multi_input_block_without_shapes_says_how_to_name_its_inputs():
    net = TwoInputs()
    net.initialize()
    with pytest.raises(TypeError, match="one shape per input"):
        mx.viz.plot_network(net)
