import pytest

from _nets import build
from dlkit.widgets import ShapeInspector
from dlkit.widgets.shape_inspector import failing_node, parse_shape

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def test_one_box_per_data_argument_and_typing_a_shape_fills_every_table():
    inspector = ShapeInspector(build("lenet"))
    assert inspector.data_names == ["data", "softmax_label"]
    inspector.set_shape("data", "64, 1, 28, 28")
    tables = inspector.tables()
    assert dict(tables["arguments"])["conv2_weight"] == (50, 20, 5, 5)
    assert tables["outputs"] == [("softmax_output", (64, 10))]
    assert inspector.complete and inspector.error is None
    labels = [edge["label"] for edge in inspector.spec.edges]
    assert "20x24x24" in labels and "800" in labels


def test_an_impossible_shape_paints_the_failing_node_red_and_explains_it():
    inspector = ShapeInspector(build("lenet"))
    inspector.set_shape("data", (64, 1, 3, 3))
    assert inspector.failing_node == "conv1"
    assert "larger than the padded input" in inspector.error
    node = next(n for n in inspector.spec.nodes if n["name"] == "conv1")
    assert node["attrs"]["color"] == "red"
    assert "conv1" in inspector._repr_mimebundle_()["text/html"]


def test_the_text_box_runs_inference_as_the_learner_types():
    inspector = ShapeInspector(build("batchnorm_net"))
    if inspector.ui is None:
        pytest.skip("ipywidgets not installed")
    inspector._boxes["data"].value = "(2, 3, 8, 8)"
    assert dict(inspector.aux_rows)["bn_moving_mean"] == (8,)


def test_helpers_parse_shapes_and_find_the_blamed_node():
    assert parse_shape("(64,1, 28 ,28)") == (64, 1, 28, 28)
    assert parse_shape("") is None
    assert failing_node("infer_shape error in node fc1 (FullyConnected): ...") == "fc1"
    assert failing_node("Error in operator conv1: Shape inconsistent") == "conv1"


def test_a_gluon_block_gets_one_box_per_input_and_its_shapes_follow():
    import dlkit as mx
    net = mx.gluon.nn.HybridSequential(prefix="mlp_")
    with net.name_scope():
        net.add(mx.gluon.nn.Dense(16, activation="relu"), mx.gluon.nn.Dense(4))
    net.hybridize()  # not even initialized: tracing needs no parameter values
    inspector = ShapeInspector(net)
    assert inspector.data_names == ["data"]
    inspector.set_shape("data", "8, 10")
    assert inspector.output_rows == [("mlp_dense1_fwd_output", (8, 4))]
    assert ("mlp_dense0_weight", (16, 10)) in inspector.argument_rows
