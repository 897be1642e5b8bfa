import warnings

import dlkit as mx
from dlkit.widgets import display


def test_ndarray_bundle_keeps_mxnet_text_and_adds_a_heat_map_for_2d():
    array = mx.nd.arange(12).reshape((3, 4))
    bundle = display.ndarray_mimebundle(array)
    assert bundle["text/plain"] == repr(array)
    assert "&lt;NDArray 3x4 @cpu(0)&gt;" in bundle["text/html"]
    assert bundle["text/html"].count("<rect") == 12
    assert "<svg" not in display.ndarray_mimebundle(mx.nd.ones((3,)))["text/html"]


def test_symbol_bundle_is_its_graph():
    symbol = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=3, name="fc")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bundle = display.symbol_mimebundle(symbol)
    assert bundle["text/plain"] == repr(symbol) and "FullyConnected" in bundle["image/svg+xml"]


def test_executor_and_block_bundles_are_tables():
    symbol = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=3, name="fc")
    executor = symbol.simple_bind(mx.cpu(), data=(2, 4))
    html = display.executor_mimebundle(executor)["text/html"]
    assert "fc_weight" in html and "(3, 4)" in html and "float32" in html
    net = mx.gluon.nn.Dense(3, in_units=4)
    net.initialize()
    assert "Total parameters: 15" in display.block_mimebundle(net)["text/html"]
    assert "<script" not in html
