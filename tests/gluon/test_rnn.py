"""Tests for dlkit/gluon/rnn: recurrent cells and the fused RNN/LSTM/GRU layers."""
import json

import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError
from dlkit.gluon import rnn
from golden_replay import load_topic

CASES, ARRAYS = load_topic("gluon_rnn")
MODEL_CASES = [case for case in CASES if "kind" in case]


def _build_composite(name):
    """The composite cells of tests/golden/gen_gluon_rnn.py."""
    if name == "bidirectional":
        return rnn.BidirectionalCell(rnn.LSTMCell(3, prefix="left_"),
                                     rnn.GRUCell(2, prefix="right_"))
    stack = rnn.SequentialRNNCell(prefix="net_")
    with stack.name_scope():
        stack.add(rnn.LSTMCell(4))
        stack.add(rnn.DropoutCell(0.0))
        stack.add(rnn.ResidualCell(rnn.GRUCell(4)))
        stack.add(rnn.RNNCell(3, "relu"))
    return stack


def _build(case):
    """The golden case's block with MXNet's fixed parameter values."""
    if case["kind"] == "composite":
        block = _build_composite(case["class"])
    else:
        block = getattr(rnn, case["class"])(prefix="net_", **case["kwargs"])
    block.initialize()
    params = block.collect_params()
    assert sorted(params) == sorted(block.prefix + short for short in case["params"])
    for short, key in case["params"].items():
        params[block.prefix + short]._load_init(mx.nd.array(ARRAYS[key]), None)
    return block


def _run(case, block):
    """Forward and backward as the generator did; returns NumPy results."""
    data = mx.nd.array(ARRAYS[case["input"]])
    data.attach_grad()
    begin = None
    if case["states"] is not None:
        begin = [mx.nd.array(ARRAYS[key]) for key in case["states"]]
        for state in begin:
            state.attach_grad()
    with mx.autograd.record():
        if case["kind"] != "layer":
            output, states = block.unroll(case["call"]["length"], data, begin,
                                          layout=case["call"]["layout"],
                                          merge_outputs=True)
        elif begin is None:
            output, states = block(data), []
        else:
            output, states = block(data, begin)
        loss = (output * mx.nd.array(ARRAYS[case["head"]])).sum()
        for state in states:
            loss = loss + state.sum()
    loss.backward()
    return output, states, data, begin


@pytest.mark.parametrize("hybridize", [False, True])
@pytest.mark.parametrize("case", MODEL_CASES, ids=[case["id"] for case in MODEL_CASES])
def test_matches_mxnet_outputs_states_and_gradients(case, hybridize):
    block = _build(case)
    if hybridize:
        block.hybridize()
    output, states, data, begin = _run(case, block)
    check = dict(rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(output.asnumpy(), ARRAYS[case["output"]], **check)
    assert len(states) == len(case["out_states"])
    for state, key in zip(states, case["out_states"]):
        np.testing.assert_allclose(state.asnumpy(), ARRAYS[key], **check)
    np.testing.assert_allclose(data.grad.asnumpy(), ARRAYS[case["input_grad"]], **check)
    for state, key in zip(begin or [], case["state_grads"]):
        np.testing.assert_allclose(state.grad.asnumpy(), ARRAYS[key], **check)
    params = block.collect_params()
    for short, key in case["param_grads"].items():
        grad = params[block.prefix + short].grad().asnumpy()
        np.testing.assert_allclose(grad, ARRAYS[key], err_msg=short, **check)


# ---- cells ----
@pytest.mark.parametrize("cls, prefix, rows", [(rnn.RNNCell, "rnn", 5),
                                               (rnn.LSTMCell, "lstm", 20),
                                               (rnn.GRUCell, "gru", 15)])
def test_cell_parameter_names_and_shapes_follow_mxnet(cls, prefix, rows):
    cell = cls(5, input_size=3)
    names = list(cell.collect_params())
    assert [name[len(cell.prefix):] for name in names] == [
        "i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias"]
    assert cell.prefix.startswith(prefix)
    assert cell.i2h_weight.shape == (rows, 3)
    assert cell.h2h_weight.shape == (rows, 5)


def test_cell_repr_shows_stacked_gate_rows_like_mxnet():
    assert repr(rnn.RNNCell(4, "relu", input_size=2)) == "RNNCell(2 -> 4, relu)"
    assert repr(rnn.LSTMCell(4)) == "LSTMCell(None -> 16)"
    assert repr(rnn.GRUCell(4, input_size=3)) == "GRUCell(3 -> 12)"


def test_cell_begin_state_shapes_and_custom_func():
    cell = rnn.LSTMCell(4)
    states = cell.begin_state(batch_size=3)
    assert [s.shape for s in states] == [(3, 4), (3, 4)]
    ones = cell.begin_state(2, func=mx.nd.ones)
    assert ones[0].asnumpy().sum() == 8
    symbols = cell.begin_state(func=mx.sym.var)
    expected = [f"{cell.prefix}begin_state_{i}" for i in (4, 5)]
    assert [s.name for s in symbols] == expected


def test_cell_infers_input_size_on_first_call():
    cell = rnn.GRUCell(4)
    cell.initialize()
    output, states = cell(mx.nd.ones((2, 7)), cell.begin_state(2))
    assert cell.i2h_weight.shape == (12, 7)
    assert output.shape == (2, 4) and states[0].shape == (2, 4)


@pytest.mark.parametrize("layout, shape", [("NTC", (2, 5, 3)), ("TNC", (5, 2, 3))])
def test_unroll_merges_outputs_on_request(layout, shape):
    cell = rnn.RNNCell(4)
    cell.initialize()
    data = mx.nd.random.uniform(shape=shape)
    merged, _ = cell.unroll(5, data, layout=layout, merge_outputs=True)
    steps, _ = cell.unroll(5, data, layout=layout, merge_outputs=False)
    assert merged.shape == shape[:2] + (4,)
    assert isinstance(steps, list) and len(steps) == 5 and steps[0].shape == (2, 4)
    time_axis = layout.find("T")
    np.testing.assert_allclose(np.stack([s.asnumpy() for s in steps], axis=time_axis),
                               merged.asnumpy(), rtol=1e-6)


def test_unroll_accepts_a_list_of_steps_and_default_states():
    cell = rnn.LSTMCell(3)
    cell.initialize()
    steps = [mx.nd.ones((2, 4)) for _ in range(3)]
    outputs, states = cell.unroll(3, steps)
    assert isinstance(outputs, list) and len(outputs) == 3
    assert [s.shape for s in states] == [(2, 3), (2, 3)]


def test_unroll_with_symbols_builds_a_graph_with_mxnet_names():
    cell = rnn.LSTMCell(3, prefix="lstm_")
    begin = cell.begin_state(func=mx.sym.var)
    outputs, states = cell.unroll(2, mx.sym.var("data"), begin, merge_outputs=True)
    arguments = outputs.list_arguments()
    assert "lstm_i2h_weight" in arguments and "lstm_begin_state_0" in arguments
    _, out_shapes, _ = outputs.infer_shape(data=(4, 2, 5), lstm_begin_state_0=(4, 3),
                                           lstm_begin_state_1=(4, 3))
    assert out_shapes == [(4, 2, 3)]


def test_unroll_rejects_wrong_length():
    cell = rnn.RNNCell(2)
    cell.initialize()
    with pytest.raises(MXNetError, match="length=4"):
        cell.unroll(4, mx.nd.ones((2, 3, 5)))


def test_cell_with_fixed_input_size_rejects_other_input_size():
    cell = rnn.LSTMCell(4, input_size=3)
    cell.initialize()
    with pytest.raises(MXNetError, match=r"FullyConnected.*\(16, 3\).*5 input units"):
        cell(mx.nd.ones((2, 5)), cell.begin_state(2))


# ---- layers ----
def test_layer_parameter_names_follow_mxnet():
    layer = rnn.LSTM(4, num_layers=2, bidirectional=True, input_size=3)
    shapes = {name: param.shape for name, param in layer.collect_params().items()}
    prefix = layer.prefix
    assert list(shapes)[:4] == [prefix + n for n in ["l0_i2h_weight", "l0_h2h_weight",
                                                     "l0_i2h_bias", "l0_h2h_bias"]]
    assert shapes[prefix + "r0_i2h_weight"] == (16, 3)
    assert shapes[prefix + "l1_i2h_weight"] == (16, 8)
    assert shapes[prefix + "r1_h2h_bias"] == (16,)
    assert len(shapes) == 16


def test_layer_repr_matches_mxnet():
    assert repr(rnn.RNN(3)) == "RNN(None -> 3, TNC)"
    assert repr(rnn.GRU(3, layout="NTC", dropout=0.5)) == \
        "GRU(None -> 3, NTC, dropout=0.5)"
    assert repr(rnn.LSTM(4, num_layers=2, bidirectional=True, input_size=3)) == \
        "LSTM(3 -> 4, TNC, num_layers=2, bidirectional)"


@pytest.mark.parametrize("cls, count", [(rnn.RNN, 1), (rnn.LSTM, 2), (rnn.GRU, 1)])
def test_layer_returns_output_alone_or_with_states(cls, count):
    layer = cls(4, num_layers=2, bidirectional=True)
    layer.initialize()
    data = mx.nd.random.uniform(shape=(5, 3, 2))
    output = layer(data)
    assert output.shape == (5, 3, 8)
    begin = layer.begin_state(3)
    assert [s.shape for s in begin] == [(4, 3, 4)] * count
    output2, states = layer(data, begin)
    np.testing.assert_allclose(output.asnumpy(), output2.asnumpy(), rtol=1e-6)
    assert [s.shape for s in states] == [(4, 3, 4)] * count


def test_layer_ntc_layout_equals_transposed_tnc():
    tnc = rnn.GRU(3, prefix="g_")
    ntc = rnn.GRU(3, layout="NTC", prefix="g_", params=tnc.collect_params())
    tnc.initialize()
    data = mx.nd.random.uniform(shape=(4, 2, 5))
    expected = tnc(data).asnumpy()
    result = ntc(mx.nd.swapaxes(data, 0, 1)).asnumpy()
    np.testing.assert_allclose(result.transpose(1, 0, 2), expected, rtol=1e-6)


def test_hybridized_layer_exports_an_rnn_node_and_matches_imperative(tmp_path):
    layer = rnn.LSTM(3, num_layers=2, bidirectional=True)
    layer.initialize()
    data = mx.nd.random.uniform(shape=(4, 2, 5))
    expected = layer(data).asnumpy()
    layer.hybridize()
    np.testing.assert_allclose(layer(data).asnumpy(), expected, rtol=1e-5)
    layer.export(str(tmp_path / "lstm"))
    graph = mx.sym.load(str(tmp_path / "lstm-symbol.json"))
    assert graph.list_arguments()[0] == "data0"
    text = graph.tojson()
    assert '"op": "RNN"' in text and '"op": "_rnn_param_concat"' in text


def test_layer_single_state_may_be_passed_without_a_list():
    layer = rnn.RNN(2, activation="tanh")
    layer.initialize()
    output, states = layer(mx.nd.ones((3, 1, 2)), mx.nd.zeros((1, 1, 2)))
    assert output.shape == (3, 1, 2) and states[0].shape == (1, 1, 2)


def test_layer_rejects_wrong_state_shape():
    layer = rnn.LSTM(4, num_layers=2)
    layer.initialize()
    data = mx.nd.ones((5, 3, 2))
    bad = [mx.nd.zeros((1, 3, 4)), mx.nd.zeros((2, 3, 4))]
    with pytest.raises(ValueError, match=r"Expecting \(2, 3, 4\), got \(1, 3, 4\)"):
        layer(data, bad)


def test_layer_with_fixed_input_size_rejects_other_input_size():
    layer = rnn.GRU(4, input_size=3)
    layer.initialize()
    with pytest.raises(MXNetError, match="5 features.*input_size=3"):
        layer(mx.nd.ones((2, 1, 5)))


def test_layer_rejects_unsupported_options_and_layouts():
    with pytest.raises(MXNetError, match="layout"):
        rnn.LSTM(3, layout="NCT")
    with pytest.raises(MXNetError, match="projection_size"):
        rnn.LSTM(3, projection_size=2)


def test_layer_dropout_only_while_training():
    layer = rnn.RNN(8, num_layers=2, dropout=0.5)
    layer.initialize()
    data = mx.nd.random.uniform(shape=(3, 2, 4))
    first = layer(data).asnumpy()
    np.testing.assert_allclose(layer(data).asnumpy(), first)
    with mx.autograd.record():
        trained = layer(data)
    trained.backward()
    assert not np.allclose(trained.asnumpy(), first)
    assert np.isfinite(layer.l0_i2h_weight.grad().asnumpy()).all()


def test_layer_save_parameters_uses_mxnet_unfused_names(tmp_path):
    layer = rnn.LSTM(3, num_layers=2, bidirectional=True, input_size=2)
    layer.initialize()
    layer.save_parameters(str(tmp_path / "lstm.params"))
    names = sorted(mx.nd.load(str(tmp_path / "lstm.params")))
    assert names[0] == "_unfused.0.l_cell.h2h_bias"
    assert "_unfused.1.r_cell.i2h_weight" in names and len(names) == 16
    fresh = rnn.LSTM(3, num_layers=2, bidirectional=True, input_size=2)
    fresh.load_parameters(str(tmp_path / "lstm.params"))
    np.testing.assert_allclose(fresh.r1_i2h_weight.data().asnumpy(),
                               layer.r1_i2h_weight.data().asnumpy())


# ---- composite cells ----
def test_composite_cell_reprs_match_mxnet():
    stack = rnn.SequentialRNNCell()
    stack.add(rnn.LSTMCell(3))
    stack.add(rnn.DropoutCell(0.5))
    stack.add(rnn.ResidualCell(rnn.GRUCell(3)))
    assert repr(stack) == ("SequentialRNNCell(\n(0): LSTMCell(None -> 12)\n"
                           "(1): DropoutCell(rate=0.5, axes=())\n"
                           "(2): ResidualCell(GRUCell(None -> 9))\n)")
    both = rnn.BidirectionalCell(rnn.LSTMCell(3), rnn.LSTMCell(3))
    assert repr(both) == ("BidirectionalCell(forward=LSTMCell(None -> 12), "
                          "backward=LSTMCell(None -> 12))")


def test_sequential_cell_steps_every_cell_with_its_own_states():
    stack = rnn.SequentialRNNCell()
    stack.add(rnn.LSTMCell(4))
    stack.add(rnn.GRUCell(3))
    stack.initialize()
    states = stack.begin_state(batch_size=2)
    assert [s.shape for s in states] == [(2, 4), (2, 4), (2, 3)]
    output, new_states = stack(mx.nd.ones((2, 5)), states)
    assert output.shape == (2, 3) and len(new_states) == 3
    assert len(stack) == 2 and isinstance(stack[1], rnn.GRUCell)


def test_bidirectional_cell_joins_both_directions_and_cannot_step():
    both = rnn.BidirectionalCell(rnn.RNNCell(3), rnn.RNNCell(2))
    both.initialize()
    outputs, states = both.unroll(4, mx.nd.ones((2, 4, 5)), merge_outputs=True)
    assert outputs.shape == (2, 4, 5) and [s.shape for s in states] == [(2, 3), (2, 2)]
    steps, _ = both.unroll(4, mx.nd.ones((2, 4, 5)))
    assert len(steps) == 4 and steps[0].shape == (2, 5)
    with pytest.raises(NotImplementedError):
        both(mx.nd.ones((2, 5)), both.begin_state(batch_size=2))


def test_modified_cell_must_be_called_through_its_modifier():
    base = rnn.GRUCell(3)
    residual = rnn.ResidualCell(base)
    with pytest.raises(MXNetError, match="modifier"):
        base.begin_state(2)
    assert [s.shape for s in residual.begin_state(batch_size=2)] == [(2, 3)]
    with pytest.raises(MXNetError, match="already modified"):
        rnn.ResidualCell(base)


def test_zoneout_cell_is_identity_at_prediction_and_mixes_old_values_in_training():
    base = rnn.GRUCell(6, prefix="g_")
    zoneout = rnn.ZoneoutCell(base, zoneout_outputs=0.5, zoneout_states=0.5)
    assert repr(zoneout) == "ZoneoutCell(p_out=0.5, p_state=0.5, GRUCell(None -> 18))"
    assert zoneout.prefix == "g_zoneout"
    zoneout.initialize()
    data = mx.nd.random.uniform(shape=(2, 4, 3))
    predicted, _ = zoneout.unroll(4, data, merge_outputs=True)
    plain, _ = rnn.GRUCell(6, params=base.collect_params()).unroll(4, data,
                                                                  merge_outputs=True)
    np.testing.assert_allclose(predicted.asnumpy(), plain.asnumpy(), rtol=1e-6)
    with mx.autograd.record():
        trained, _ = zoneout.unroll(4, data, merge_outputs=True)
    first_step = trained.asnumpy()[:, 0]
    # at the first step an output unit is either the new value or the zero start value
    new_or_zero = np.isclose(first_step, plain.asnumpy()[:, 0]) | (first_step == 0)
    assert new_or_zero.all() and (first_step == 0).any()


# ---- unroll with valid_length (goldens: tests/golden/gen_gluon_rnn_valid_length.py)
VALID_CASES, VALID_ARRAYS = load_topic("gluon_rnn_valid_length")


def _build_valid_length_cell(name):
    """The cells of tests/golden/gen_gluon_rnn_valid_length.py."""
    if name == "bidirectional":
        return rnn.BidirectionalCell(rnn.LSTMCell(3, prefix="left_"),
                                     rnn.GRUCell(2, prefix="right_"))
    if name == "sequential":
        stack = rnn.SequentialRNNCell(prefix="net_")
        with stack.name_scope():
            stack.add(rnn.GRUCell(4))
            stack.add(rnn.ResidualCell(rnn.RNNCell(4)))
        return stack
    return getattr(rnn, name)(3, prefix="net_")


@pytest.mark.parametrize("hybridize", [False, True])
@pytest.mark.parametrize("case", VALID_CASES, ids=[case["id"] for case in VALID_CASES])
def test_unroll_with_valid_length_matches_mxnet(case, hybridize):
    arrays = VALID_ARRAYS
    cell = _build_valid_length_cell(case["class"])
    cell.initialize()
    params = cell.collect_params()
    assert sorted(params) == sorted(cell.prefix + short for short in case["params"])
    for short, key in case["params"].items():
        params[cell.prefix + short]._load_init(mx.nd.array(arrays[key]), None)
    if hybridize:
        cell.hybridize()
    data = mx.nd.array(arrays[case["input"]])
    data.attach_grad()
    begin = [mx.nd.array(arrays[key]) for key in case["states"]]
    for state in begin:
        state.attach_grad()
    with mx.autograd.record():
        output, states = cell.unroll(case["length"], data, begin, layout=case["layout"],
                                     merge_outputs=True,
                                     valid_length=mx.nd.array(
                                         arrays[case["valid_length"]]))
        loss = (output * mx.nd.array(arrays[case["head"]])).sum()
        for state in states:
            loss = loss + state.sum()
    loss.backward()
    check = dict(rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(output.asnumpy(), arrays[case["output"]], **check)
    assert len(states) == len(case["out_states"])
    for state, key in zip(states, case["out_states"]):
        np.testing.assert_allclose(state.asnumpy(), arrays[key], **check)
    np.testing.assert_allclose(data.grad.asnumpy(), arrays[case["input_grad"]], **check)
    for state, key in zip(begin, case["state_grads"]):
        np.testing.assert_allclose(state.grad.asnumpy(), arrays[key], **check)
    for short, key in case["param_grads"].items():
        np.testing.assert_allclose(params[cell.prefix + short].grad().asnumpy(),
                                   arrays[key], err_msg=short, **check)


def test_unroll_with_valid_length_zeros_padding_and_keeps_last_valid_state():
    cell = rnn.GRUCell(3)
    cell.initialize()
    data = mx.nd.random.uniform(shape=(2, 4, 5))
    lengths = mx.nd.array([2, 4])
    outputs, states = cell.unroll(4, data, valid_length=lengths)
    assert isinstance(outputs, mx.nd.NDArray)   # merged, as in MXNet
    full, _ = cell.unroll(4, data, merge_outputs=True)
    np.testing.assert_allclose(outputs[0, 2:].asnumpy(), 0)
    np.testing.assert_allclose(outputs[0, :2].asnumpy(), full[0, :2].asnumpy(),
                               rtol=1e-6)
    np.testing.assert_allclose(states[0][0].asnumpy(), full[0, 1].asnumpy(), rtol=1e-6)
    steps, _ = cell.unroll(4, data, valid_length=lengths, merge_outputs=False)
    assert isinstance(steps, list) and len(steps) == 4


def test_unroll_with_symbolic_valid_length_matches_imperative():
    cell = rnn.LSTMCell(3, prefix="lstm_")
    cell.initialize()
    data = mx.nd.random.uniform(shape=(2, 4, 5))
    lengths = mx.nd.array([3, 1])
    expected, expected_states = cell.unroll(4, data, valid_length=lengths,
                                            merge_outputs=True)
    outputs, states = cell.unroll(4, mx.sym.var("data"), merge_outputs=True,
                                  valid_length=mx.sym.var("valid_length"))
    graph = mx.sym.Group([outputs] + states)
    ops = {node["op"] for node in json.loads(graph.tojson())["nodes"]}
    assert {"SequenceMask", "SequenceLast", "_zeros"} <= ops
    args = {name: param.data() for name, param in cell.collect_params().items()}
    args.update(data=data, valid_length=lengths)
    results = graph.bind(mx.cpu(), args).forward()
    np.testing.assert_allclose(results[0].asnumpy(), expected.asnumpy(), rtol=1e-5)
    for result, state in zip(results[1:], expected_states):
        np.testing.assert_allclose(result.asnumpy(), state.asnumpy(), rtol=1e-5)


def test_begin_state_with_sym_zeros_infers_the_batch_size():
    cell = rnn.LSTMCell(3, prefix="lstm_")
    begin = cell.begin_state(func=mx.sym.zeros)
    assert [state.name for state in begin] == ["lstm_begin_state_0",
                                               "lstm_begin_state_1"]
    outputs, _ = cell.unroll(2, mx.sym.var("data"), begin, merge_outputs=True)
    _, out_shapes, _ = outputs.infer_shape(data=(4, 2, 5))
    assert out_shapes == [(4, 2, 3)]


def test_layer_with_symbol_inputs_and_no_states_uses_sym_zeros():
    layer = rnn.GRU(3, input_size=5, prefix="gru_")
    layer.initialize()
    data = mx.nd.random.uniform(shape=(4, 2, 5))
    output = layer(mx.sym.var("data"))
    args = {name: param.data() for name, param in layer.collect_params().items()}
    args["data"] = data
    result = output.bind(mx.cpu(), args).forward()[0]
    np.testing.assert_allclose(result.asnumpy(), layer(data).asnumpy(), rtol=1e-5)


def test_layer_with_use_sequence_length_raises_like_mxnet_on_cpu():
    layer = rnn.LSTM(3, use_sequence_length=True)
    layer.initialize()
    with pytest.raises(MXNetError, match="CPU RNN operator.*valid_length"):
        layer(mx.nd.ones((4, 2, 5)), sequence_length=mx.nd.array([2, 4]))
