import numpy as np
import pytest

import dlkit as mx
from _nets import build
from dlkit.widgets import ExecutorView


def test_filling_running_and_reading_gradients_of_the_mlp():
    view = ExecutorView(build("mlp"), data=(4, 784), softmax_label=(4,))
    view.fill_all("random")
    view.fill("softmax_label", np.array([0, 1, 2, 3]))
    view.forward(is_train=True)
    view.backward()
    outputs = dict((name, shape) for name, shape, _ in view.output_rows())
    assert outputs == {"softmax_output": (4, 10)}
    grads = {name: shape for name, shape, _ in view.grad_rows()}
    assert grads["fc1_weight"] == (128, 784)
    assert np.abs(view.array("grad:fc3_bias").asnumpy()).sum() > 0
    assert [row[1] for row in view.plan_rows()][:2] == ["FullyConnected", "Activation"]
    assert "gradients" in view.static_html()


def test_group_outputs_get_head_gradients_of_ones():
    data = mx.sym.var("data")
    group = mx.sym.Group([mx.sym.FullyConnected(data, num_hidden=3, name="fc"),
                          mx.sym.relu(data, name="r")])
    view = ExecutorView(group, data=(2, 4))
    view.fill_all("ones")
    view.forward(is_train=True)
    view.backward()
    # d/d data of sum(fc) + sum(relu(data)) = column sums of W + 1
    weight = view.array("fc_weight").asnumpy()
    expected = np.tile(weight.sum(axis=0) + 1, (2, 1))
    np.testing.assert_allclose(view.array("grad:data").asnumpy(), expected, rtol=1e-6)


def test_heat_map_and_histogram_are_png_images():
    pytest.importorskip("matplotlib")
    view = ExecutorView(build("mlp"), data=(2, 784), softmax_label=(2,))
    view.fill("fc1_weight", "random")
    assert view.heatmap("fc1_weight")[:4] == b"\x89PNG"
    assert view.histogram("fc1_weight")[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="how must be"):
        view.fill("data", "twos")


def test_a_gluon_block_is_traced_and_bound_with_the_given_input_shape():
    net = mx.gluon.nn.HybridSequential(prefix="mlp_")
    with net.name_scope():
        net.add(mx.gluon.nn.Dense(16, activation="relu"), mx.gluon.nn.Dense(4))
    net.hybridize()
    view = ExecutorView(net, data=(3, 10))
    view.fill_all("ones")
    view.forward()
    assert view.executor.outputs[0].shape == (3, 4)
    assert view.executor.arg_dict["mlp_dense0_weight"].shape == (16, 10)
