"""Tests for dlkit/rnn (MXNet's legacy symbolic RNN API): names, shapes and numbers
against MXNet 1.9.1 (tests/golden/gen_rnn_legacy.py), the bucketing example trained
end to end, checkpoints, and the errors MXNet raises."""
import importlib.util
import os
import random

import numpy as np
import pytest

import dlkit as mx
from golden_replay import GOLDEN, load_topic

CASES, ARRAYS = load_topic("rnn_legacy")
BY_ID = {case["id"]: case for case in CASES}
_spec = importlib.util.spec_from_file_location(
    "gen_rnn_legacy", os.path.join(GOLDEN, "gen_rnn_legacy.py"))
GEN = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(GEN)
CELL_CASES = [case["id"] for case in CASES if case.get("kind") == "cell"]


@pytest.mark.parametrize("name", CELL_CASES)
def test_unrolled_cell_matches_mxnet_names_shapes_outputs_and_grads(name):
    case = BY_ID[name]
    cell, group, shapes, state_names = GEN.build(mx, case["spec"])
    assert group.list_arguments() == case["arguments"]
    assert group.list_outputs() == case["outputs"]
    assert state_names == case["states"]
    assert repr(cell.state_info) == case["state_info"]
    assert sorted(cell.params._params) == case["params"]
    arg_shapes, out_shapes, _ = group.infer_shape(**shapes)
    assert [list(s) for s in arg_shapes] == case["arg_shapes"]
    assert [list(s) for s in out_shapes] == case["out_shapes"]
    executor = group.simple_bind(mx.cpu(), grad_req="write", **shapes)
    for arg in case["arguments"]:
        executor.arg_dict[arg][:] = ARRAYS[f"{name}/arg/{arg}"]
    outputs = executor.forward(is_train=False)
    for i, out in enumerate(outputs):
        np.testing.assert_allclose(out.asnumpy(), ARRAYS[f"{name}/out/{i}"],
                                   rtol=1e-5, atol=1e-6)
    if not case["has_grads"]:
        return  # dropout or zoneout: training mode is random
    outputs = executor.forward(is_train=True)
    executor.backward([mx.nd.ones(o.shape) for o in outputs])
    for arg in case["arguments"]:
        np.testing.assert_allclose(executor.grad_dict[arg].asnumpy(),
                                   ARRAYS[f"{name}/grad/{arg}"], rtol=1e-4, atol=1e-5)


def test_fused_unpack_weights_matches_mxnet_and_pack_inverts_it():
    cell = GEN.make_cell(mx, GEN.SPECS["fused_lstm_bi"])
    flat = ARRAYS["fused_lstm_bi/arg/lstm_parameters"]
    unpacked = cell.unpack_weights({"lstm_parameters": mx.nd.array(flat)})
    assert sorted(unpacked) == BY_ID["unpack"]["fused_keys"]
    for key, value in unpacked.items():
        np.testing.assert_array_equal(value.asnumpy(), ARRAYS[f"unpack/{key}"])
    packed = cell.pack_weights(unpacked)
    assert list(packed) == ["lstm_parameters"]
    np.testing.assert_array_equal(packed["lstm_parameters"].asnumpy(), flat)


def test_lstm_unpack_splits_gates_in_i_f_c_o_order():
    lstm = mx.rnn.LSTMCell(2, prefix="c_")
    args = {"c_i2h_weight": mx.nd.arange(24).reshape((8, 3)),
            "c_i2h_bias": mx.nd.arange(8), "c_h2h_weight": mx.nd.arange(16)
            .reshape((8, 2)), "c_h2h_bias": mx.nd.arange(8) + 1}
    unpacked = lstm.unpack_weights(args)
    assert sorted(unpacked) == BY_ID["unpack"]["lstm_keys"]
    np.testing.assert_array_equal(unpacked["c_i2h_f_bias"].asnumpy(), [2, 3])
    repacked = lstm.pack_weights(unpacked)
    for key, value in args.items():
        np.testing.assert_array_equal(repacked[key].asnumpy(), value.asnumpy())


def test_fused_and_unfused_cells_compute_the_same_thing():
    spec = GEN.SPECS["fused_lstm_bi"]
    fused = GEN.make_cell(mx, spec)
    stack = fused.unfuse()
    data = np.random.RandomState(0).uniform(-1, 1, (3, 2, 5)).astype(np.float32)
    flat = ARRAYS["fused_lstm_bi/arg/lstm_parameters"]
    outputs = []
    for cell, args in ((fused, {"lstm_parameters": mx.nd.array(flat)}),
                       (stack, stack.pack_weights(fused.unpack_weights(
                           {"lstm_parameters": mx.nd.array(flat)})))):
        out, _ = cell.unroll(3, mx.sym.Variable("data"), layout="TNC",
                             merge_outputs=True)
        executor = out.simple_bind(mx.cpu(), data=data.shape)
        executor.copy_params_from(args)
        executor.arg_dict["data"][:] = data
        outputs.append(executor.forward()[0].asnumpy())
    np.testing.assert_allclose(outputs[0], outputs[1], rtol=1e-5, atol=1e-6)


def test_initializers_attached_to_the_variables_match_mxnet():
    case = BY_ID["init"]
    with mx.name.NameManager():
        fused = mx.rnn.FusedRNNCell(2, num_layers=1, mode="lstm", forget_bias=2.0,
                                    prefix="f_")
        out, _ = fused.unroll(2, mx.sym.Variable("data"), layout="TNC",
                              merge_outputs=True)
        lstm = mx.rnn.LSTMCell(2, prefix="s_", forget_bias=1.5)
        out2, _ = lstm.unroll(2, out, layout="TNC", merge_outputs=True)
    assert fused._parameter.attr_dict() == case["attr"]
    module = mx.mod.Module(out2, label_names=None)
    module.bind([("data", (2, 1, 3))], for_training=False)
    module.init_params(mx.init.Constant(0.3))
    arg_params, _ = module.get_params()
    assert sorted(arg_params) == case["keys"]
    for key, value in arg_params.items():
        np.testing.assert_allclose(value.asnumpy(), ARRAYS[f"init/{key}"])


def test_encode_sentences_matches_mxnet_including_the_unknown_token_quirk():
    sentences = [["a", "b", "c"], ["b", "d"], ["e"]]
    results = [mx.rnn.encode_sentences(sentences),
               mx.rnn.encode_sentences(sentences, invalid_label=0, start_label=0),
               mx.rnn.encode_sentences(sentences, vocab={"a": 5, "b": 6},
                                       unknown_token="<unk>")]
    assert [[coded, vocab] for coded, vocab in results] == BY_ID["encode"]["results"]
    with pytest.raises(AssertionError, match="Unknown token c"):
        mx.rnn.encode_sentences(sentences, vocab={"a": 5, "b": 6})


def test_bucket_sentence_iter_batches_match_mxnet_with_the_same_seeds(capsys):
    case = BY_ID["bucket_iter"]
    expected = iter(case["batches"])
    for layout, buckets, size in (("NT", [2, 4], 2), ("TN", None, 1)):
        random.seed(3)
        np.random.seed(3)
        data_iter = mx.rnn.BucketSentenceIter(case["encoded"], size, buckets=buckets,
                                              invalid_label=0, layout=layout)
        for epoch in range(2):
            for batch in data_iter:
                want = next(expected)
                assert (want["epoch"], want["key"]) == (epoch, batch.bucket_key)
                assert batch.data[0].asnumpy().tolist() == want["data"]
                assert batch.label[0].asnumpy().tolist() == want["label"]
                assert list(batch.provide_data[0].shape) == want["provide_data"]
                assert batch.provide_data[0].layout == layout
            data_iter.reset()
        want = next(expected)
        assert data_iter.buckets == want["buckets"]
        assert data_iter.default_bucket_key == want["default"]
        assert list(data_iter.provide_data[0].shape) == want["provide_data"]
    assert "WARNING: discarded 1 sentences" in capsys.readouterr().out
    with pytest.raises(ValueError, match="Invalid layout"):
        mx.rnn.BucketSentenceIter(case["encoded"], 1, layout="TC")


def test_bucket_sentence_iter_keeps_an_empty_bucket_usable():
    data_iter = mx.rnn.BucketSentenceIter([[1, 2], [3, 4]], 2, buckets=[2, 5])
    assert data_iter.data[1].shape == (0, 5)
    assert [batch.bucket_key for batch in data_iter] == [2]


def test_classic_bucketing_example_trains_like_mxnet(caplog):
    import logging
    sentences = BY_ID["bucketing_data"]["sentences"]
    vocab, embed, hidden = 8, 4, 5
    random.seed(5)
    np.random.seed(5)
    train_iter = mx.rnn.BucketSentenceIter(sentences, 4, buckets=[3, 5, 7],
                                           invalid_label=0)
    stack = mx.rnn.SequentialRNNCell()
    stack.add(mx.rnn.LSTMCell(hidden, prefix="lstm_l0_"))
    stack.add(mx.rnn.LSTMCell(hidden, prefix="lstm_l1_"))

    def sym_gen(seq_len):
        data = mx.sym.Variable("data")
        label = mx.sym.Variable("softmax_label")
        embedded = mx.sym.Embedding(data=data, input_dim=vocab, output_dim=embed,
                                    name="embed")
        stack.reset()
        outputs, _ = stack.unroll(seq_len, inputs=embedded, merge_outputs=True)
        pred = mx.sym.Reshape(outputs, shape=(-1, hidden))
        pred = mx.sym.FullyConnected(data=pred, num_hidden=vocab, name="pred")
        label = mx.sym.Reshape(label, shape=(-1,))
        pred = mx.sym.SoftmaxOutput(data=pred, label=label, name="softmax")
        return pred, ("data",), ("softmax_label",)

    case = BY_ID["bucketing"]
    initial = {key: mx.nd.array(ARRAYS[f"bucketing/initial/{key}"])
               for key in case["keys"]}
    module = mx.mod.BucketingModule(sym_gen, default_bucket_key=7)
    with caplog.at_level(logging.INFO):
        module.fit(train_iter, num_epoch=2, eval_metric=mx.metric.Perplexity(0),
                   optimizer="sgd", optimizer_params={"learning_rate": 0.5,
                                                      "momentum": 0.5},
                   arg_params=initial)
    logs = [r.getMessage() for r in caplog.records if "Train-" in r.getMessage()]
    assert [line[:-3] for line in logs] == [line[:-3] for line in case["logs"]]
    arg_params, _ = module.get_params()
    assert sorted(arg_params) == case["keys"]
    for key, value in arg_params.items():
        np.testing.assert_allclose(value.asnumpy(), ARRAYS[f"bucketing/final/{key}"],
                                   rtol=1e-4, atol=1e-5)


def test_rnn_checkpoint_stores_unpacked_weights_and_loads_into_either_form(tmp_path):
    fused = mx.rnn.FusedRNNCell(3, num_layers=1, mode="gru", prefix="g_")
    out, _ = fused.unroll(2, mx.sym.Variable("data"), layout="TNC",
                          merge_outputs=True)
    flat = mx.nd.array(np.arange(81, dtype=np.float32))  # 3 gates, input 4: 81 values
    prefix = str(tmp_path / "gru")
    mx.rnn.save_rnn_checkpoint(fused, prefix, 3, out, {"g_parameters": flat}, {})
    saved = mx.nd.load(f"{prefix}-0003.params")
    assert "arg:g_l0_i2h_r_weight" in saved and "arg:g_parameters" not in saved
    _, arg_params, _ = mx.rnn.load_rnn_checkpoint(fused, prefix, 3)
    np.testing.assert_array_equal(arg_params["g_parameters"].asnumpy(),
                                  flat.asnumpy())
    _, stack_params, _ = mx.rnn.load_rnn_checkpoint(fused.unfuse(), prefix, 3)
    assert sorted(stack_params) == ["g_l0_h2h_bias", "g_l0_h2h_weight",
                                    "g_l0_i2h_bias", "g_l0_i2h_weight"]
    callback = mx.rnn.do_rnn_checkpoint([fused], prefix, period=2)
    callback(0, out, {"g_parameters": flat}, {})
    callback(1, out, {"g_parameters": flat}, {})
    assert sorted(os.listdir(tmp_path)) == ["gru-0002.params", "gru-0003.params",
                                            "gru-symbol.json"]


def test_cells_refuse_what_mxnet_refuses():
    data = mx.sym.Variable("data")
    with pytest.raises(NotImplementedError, match="cannot be stepped"):
        mx.rnn.FusedRNNCell(3)(data, [])
    with pytest.raises(NotImplementedError, match="Bidirectional cannot be stepped"):
        mx.rnn.BidirectionalCell(mx.rnn.RNNCell(2), mx.rnn.RNNCell(2))(data, [])
    base = mx.rnn.RNNCell(2)
    mx.rnn.ResidualCell(base)
    with pytest.raises(AssertionError, match="modifier cells"):
        base.begin_state()
    with pytest.raises(AssertionError, match="unfuse first"):
        mx.rnn.ZoneoutCell(mx.rnn.FusedRNNCell(2))
    with pytest.raises(ValueError, match="grouped symbol"):
        mx.rnn.RNNCell(2).unroll(2, mx.sym.Group([data, data]))
    with pytest.raises(AssertionError, match="not both"):
        mx.rnn.SequentialRNNCell(params=mx.rnn.RNNParams("x_")).add(
            mx.rnn.RNNCell(2, params=mx.rnn.RNNParams("y_")))


def test_begin_state_counts_up_and_accepts_another_function():
    cell = mx.rnn.LSTMCell(3, prefix="a_")
    assert [s.name for s in cell.begin_state()] == ["a_begin_state_0",
                                                    "a_begin_state_1"]
    states = cell.begin_state(func=mx.sym.Variable)
    assert [s.name for s in states] == ["a_begin_state_2", "a_begin_state_3"]
    assert states[0].attr("__layout__") == "NC"
    cell.reset()
    assert cell.begin_state()[0].name == "a_begin_state_0"
