"""Tests for dlkit/module/python_module.py: PythonLossModule at the end of a
SequentialModule matches MXNet 1.9.1 (tests/golden/gen_rnn_legacy.py), and the
errors MXNet raises."""
import numpy as np
import pytest

import dlkit as mx
from golden_replay import load_topic

CASES, ARRAYS = load_topic("rnn_legacy")
PYLOSS = next(case for case in CASES if case["id"] == "pyloss")


def test_python_loss_module_trains_a_sequential_module_like_mxnet():
    def grad(scores, labels):
        return mx.nd.softmax(scores) - mx.nd.one_hot(labels, 3)

    net = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=3, name="fc")
    seq = mx.mod.SequentialModule()
    seq.add(mx.mod.Module(net, label_names=None))
    seq.add(mx.mod.PythonLossModule(grad_func=grad), take_labels=True,
            auto_wiring=True)
    seq.bind([("data", (6, 4))], [("softmax_label", (6,))])
    seq.init_params(arg_params={"fc_weight": mx.nd.array(ARRAYS["pyloss/weight"]),
                                "fc_bias": mx.nd.zeros(3)})
    seq.init_optimizer(optimizer_params={"learning_rate": 0.5})
    batch = mx.io.DataBatch([mx.nd.array(ARRAYS["pyloss/X"])],
                            [mx.nd.array(ARRAYS["pyloss/y"])])
    for _ in range(3):
        seq.forward(batch, is_train=True)
        seq.backward()
        seq.update()
    metric = mx.metric.create("acc")
    seq.update_metric(metric, batch.label)
    assert metric.get()[1] == pytest.approx(PYLOSS["accuracy"])
    assert [[n, list(s)] for n, s in seq.output_shapes] == PYLOSS["output_shapes"]
    np.testing.assert_allclose(seq.get_params()[0]["fc_weight"].asnumpy(),
                               ARRAYS["pyloss/fc_weight"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(seq.get_outputs()[0].asnumpy(),
                               ARRAYS["pyloss/output"], rtol=1e-5, atol=1e-6)


def test_python_loss_module_passes_scores_and_converts_the_gradient():
    module = mx.mod.PythonLossModule(grad_func=lambda s, l: [[1, 2, 3], [4, 5, 6]])
    assert module.output_names == ["pyloss_output"]
    assert module.get_params() == ({}, {})
    module.bind([("data", (2, 3))], [("softmax_label", (2,))])
    assert module.output_shapes == [("pyloss_output", (2, 3))]
    scores = mx.nd.ones((2, 3))
    module.forward(mx.io.DataBatch([scores], [mx.nd.array([0, 1])]))
    assert module.get_outputs()[0] is scores
    module.backward()
    grad = module.get_input_grads()[0]
    assert isinstance(grad, mx.nd.NDArray)
    np.testing.assert_array_equal(grad.asnumpy(), [[1, 2, 3], [4, 5, 6]])


def test_python_module_errors_match_mxnet():
    module = mx.mod.PythonLossModule()
    with pytest.raises(AssertionError, match="only support write gradient"):
        module.bind([("data", (2, 3))], grad_req="add")
    with pytest.raises(AssertionError):
        module.bind([("x", (2, 3))])
    with pytest.raises(AssertionError):
        mx.mod.PythonLossModule(data_names=("a", "b"))
    module.bind([("data", (2, 3))], [("softmax_label", (2,))])
    module.forward(mx.io.DataBatch([mx.nd.ones((2, 3))], [mx.nd.zeros(2)]))
    with pytest.raises(NotImplementedError):
        module.backward()
    with pytest.raises(AssertionError, match="out_grads should be None"):
        module.backward(out_grads=[mx.nd.ones((2, 3))])
    with pytest.raises(NotImplementedError):
        mx.mod.PythonModule(["data"], None, ["out"]).bind([("data", (1,))])


def test_update_metric_is_skipped_without_labels():
    module = mx.mod.PythonLossModule()
    module.bind([("data", (2, 3))], None, for_training=False)
    metric = mx.metric.create("acc")
    module.update_metric(metric, [mx.nd.zeros(2)])
    assert metric.num_inst == 0
