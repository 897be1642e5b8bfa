import warnings

import pytest

import dlkit as mx

from _nets import build
from dlkit.widgets import GraphExplorer

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def test_selecting_a_node_shows_its_op_inputs_shapes_and_parameter_count():
    explorer = GraphExplorer(build("lenet"), shape={"data": (64, 1, 28, 28)})
    explorer.select("conv1")
    info = explorer.node_info()
    assert info["op"] == "Convolution"
    assert info["inputs"] == ["data", "conv1_weight", "conv1_bias"]
    assert info["output_shapes"] == [("conv1_output", (64, 20, 24, 24))]
    assert info["params"] == 20 * 1 * 5 * 5 + 20
    assert 'color=blue' in explorer.graph().source  # the selection is outlined


def test_showing_weights_adds_parameter_edges_and_internal_outputs_cut_the_graph():
    explorer = GraphExplorer(build("mlp"))
    hidden = len(explorer.spec.edges)
    explorer.show_weights(True)
    assert len(explorer.spec.edges) == hidden + 6  # weight and bias of fc1..fc3
    explorer.show_internal("relu1_output")
    assert list(explorer.spec.details) == ["data", "fc1", "relu1"]
    with pytest.raises(KeyError, match="no internal output"):
        explorer.show_internal("nope")


def test_the_dropdown_drives_the_selection_and_static_form_has_text_and_html():
    explorer = GraphExplorer(build("mlp"), shape={"data": (8, 784)})
    if explorer.ui is not None:
        explorer._node_box.value = "fc2"
        assert explorer.selected == "fc2"
        assert "FullyConnected" in explorer._info.value
    else:
        explorer.select("fc2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bundle = explorer._repr_mimebundle_()
    assert "fc2" in bundle["text/plain"] and "<svg" in bundle["text/html"]


def gluon_mlp():
    import dlkit as mx
    net = mx.gluon.nn.HybridSequential(prefix="mlp_")
    with net.name_scope():
        net.add(mx.gluon.nn.Dense(16, activation="relu"), mx.gluon.nn.Dense(4))
    net.initialize()
    net.hybridize()
    net(mx.nd.ones((2, 10)))
    return net


def test_a_hybridized_gluon_block_is_explored_with_its_traced_shapes():
    explorer = GraphExplorer(gluon_mlp(), shape={"data": (2, 10)})
    info = explorer.node_info("mlp_dense0_fwd")
    assert info["op"] == "FullyConnected" and info["params"] == (10 + 1) * 16
    assert ("mlp_dense0_fwd_output", (2, 16)) in info["output_shapes"]


def test_the_node_map_lays_nodes_out_by_depth_and_a_click_selects_one():
    pytest.importorskip("ipywidgets")
    data = mx.sym.var("data")
    hidden = mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=3, name="fc1"),
                               act_type="relu", name="relu1")
    net = mx.sym.SoftmaxOutput(hidden, name="softmax")
    explorer = GraphExplorer(net, shape={"data": (2, 4)})
    assert explorer.node_levels() == [["data", "softmax_label"], ["fc1"], ["relu1"],
                                      ["softmax"]]
    explorer._node_buttons["relu1"].click()      # what a click in the browser does
    assert explorer.selected == "relu1"
    assert explorer._node_buttons["relu1"].icon == "check"
    assert explorer.node_info()["op"] == "Activation"
    explorer.show_weights(True)                   # weights join the map at depth 0
    assert "fc1_weight" in explorer.node_levels()[0]
