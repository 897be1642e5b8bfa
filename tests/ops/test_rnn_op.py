"""Hand-written tests for dlkit/ops/rnn.py: what the registry sweep and the MXNet
goldens (tests/golden/ops_rnn.json) miss: names, parameter sizes, errors, dropout,
contexts."""
import numpy as np
import pytest

import dlkit as mx
from dlkit import nd
from dlkit.base import MXNetError
from dlkit.ops.registry import get_op
from dlkit.ops.rnn import rnn_param_size
from golden_replay import load_topic, replay_op_case


@pytest.mark.parametrize("mode, layers, bidirectional, size", [
    ("rnn_tanh", 1, False, 4 * (3 + 4 + 2)),
    ("lstm", 2, True, 2 * 16 * (3 + 4 + 2) + 2 * 16 * (8 + 4 + 2)),
    ("gru", 2, False, 12 * (3 + 4 + 2) + 12 * (4 + 4 + 2))])
def test_parameter_size_counts_every_layer_and_direction(mode, layers, bidirectional,
                                                          size):
    assert rnn_param_size(mode, layers, bidirectional, 3, 4) == size
    data = mx.sym.var("data")
    graph = mx.sym.RNN(data, mx.sym.var("parameters"), mx.sym.var("state"),
                       state_size=4, num_layers=layers, mode=mode,
                       bidirectional=bidirectional)
    arg_shapes, _, _ = graph.infer_shape(data=(5, 2, 3))
    assert arg_shapes[1] == (size,)


def test_inputs_and_outputs_are_named_like_mxnet():
    op = get_op("RNN")
    lstm = op.parse_attrs({"state_size": 2, "num_layers": 1, "mode": "lstm",
                           "state_outputs": True})
    gru = op.parse_attrs({"state_size": 2, "num_layers": 1, "mode": "gru"})
    assert op.list_inputs(lstm) == ["data", "parameters", "state", "state_cell"]
    assert op.list_inputs(gru) == ["data", "parameters", "state"]
    assert op.list_outputs(lstm) == ["output", "state_output", "statecell_output"]
    assert op.list_outputs(gru) == ["output"]


def test_wrong_parameter_size_names_the_expected_size():
    expected = r"'parameters' should have shape \(24,\).*got \(30,\)"
    with pytest.raises(MXNetError, match=expected):
        nd.RNN(nd.ones((2, 1, 3)), nd.ones((30,)), nd.zeros((1, 1, 3)), state_size=3,
               num_layers=1, mode="rnn_relu")


def test_wrong_state_shape_is_rejected_before_computing():
    with pytest.raises(MXNetError, match=r"'state' should have shape \(2, 1, 3\)"):
        nd.RNN(nd.ones((2, 1, 3)), nd.ones((48,)), nd.zeros((1, 1, 3)), state_size=3,
               num_layers=1, bidirectional=True, mode="rnn_relu")


def test_data_must_be_three_dimensional():
    with pytest.raises(MXNetError, match="3-D"):
        nd.RNN(nd.ones((2, 3)), nd.ones((24,)), nd.zeros((1, 1, 3)), state_size=3,
               num_layers=1, mode="rnn_relu")


def test_unsupported_attributes_say_so():
    with pytest.raises(MXNetError, match="projection_size"):
        nd.RNN(nd.ones((2, 1, 3)), nd.ones((64,)), nd.zeros((1, 1, 3)),
               nd.zeros((1, 1, 3)), state_size=3, num_layers=1, mode="lstm",
               projection_size=2)


def test_dropout_between_layers_only_while_training():
    size = rnn_param_size("rnn_tanh", 2, False, 3, 5)
    args = [nd.ones((4, 2, 3)), nd.ones((size,)) * 0.1, nd.zeros((2, 2, 5))]
    attrs = dict(state_size=5, num_layers=2, mode="rnn_tanh", p=0.9)
    predicted = nd.RNN(*args, **attrs).asnumpy()
    no_dropout = nd.RNN(*args, **{**attrs, "p": 0.0}).asnumpy()
    np.testing.assert_allclose(no_dropout, predicted)
    with mx.autograd.record():
        trained = nd.RNN(*args, **attrs)
    assert not np.allclose(trained.asnumpy(), predicted)


def test_golden_cases_match_mxnet_on_every_context(ctx):
    cases, arrays = load_topic("ops_rnn")
    for case in cases:
        outputs, grads = replay_op_case(case, arrays, ctx)
        for output, key in zip(outputs, case["outputs"]):
            np.testing.assert_allclose(output, arrays[key], rtol=1e-4, atol=1e-5)
        for name, key in case["grads"].items():
            np.testing.assert_allclose(grads[name], arrays[key], rtol=1e-4, atol=1e-5,
                                       err_msg=f"{case['id']} {name}")
