"""Tests for dlkit/gluon/block_files.py: ``Block.save`` / ``Block.load`` (MXNet 1.9)."""
import json
import os

import numpy as np

import dlkit as mx
from dlkit.gluon import nn, rnn
from golden_replay import GOLDEN, load_topic

CASES, ARRAYS = load_topic("gluon_rnn")
FILES = os.path.join(GOLDEN, "gluon_rnn_files")


def _case(case_id):
    return next(case for case in CASES if case["id"] == case_id)


def _plain_model(prefix):
    """The structure gen_gluon_rnn.py saved: Dense, then a nested Dense."""
    net = nn.HybridSequential(prefix=prefix)
    with net.name_scope():
        net.add(nn.Dense(4, in_units=3))
        inner = nn.HybridSequential()
        with inner.name_scope():
            inner.add(nn.Dense(2, in_units=4))
        net.add(inner)
    return net


def test_load_reads_mxnet_files_and_restores_saved_names():
    net = _plain_model("other_")
    net.load(os.path.join(FILES, "mxnet_plain"))
    case = _case("save_plain")
    output = net(mx.nd.array(ARRAYS[case["input"]])).asnumpy()
    np.testing.assert_allclose(output, ARRAYS[case["output"]], rtol=1e-5, atol=1e-6)
    assert net.name == "model"
    assert list(net.collect_params()) == [
        "model_dense0_weight", "model_dense0_bias",
        "model_hybridsequential0_dense0_weight", "model_hybridsequential0_dense0_bias"]
    assert list(net._children) == ["0", "1"]


def test_save_writes_the_same_structure_json_as_mxnet(tmp_path):
    net = _plain_model("model_")
    net.initialize()
    net.save(str(tmp_path / "net"))
    with open(tmp_path / "net-model.json") as file:
        written = json.load(file)
    with open(os.path.join(FILES, "mxnet_plain-model.json")) as file:
        expected = json.load(file)
    assert written == expected
    params = mx.nd.load(str(tmp_path / "net-model.params"))
    assert sorted(params) == ["0.bias", "0.weight", "1.0.bias", "1.0.weight"]


def test_load_restores_a_hybridized_mxnet_lstm_graph():
    layer = rnn.LSTM(3, input_size=3)
    layer.load(os.path.join(FILES, "mxnet_hybrid_lstm"))
    assert layer._active and layer._cached_graph is not None
    case = _case("save_hybrid_lstm")
    output = layer(mx.nd.array(ARRAYS[case["input"]])).asnumpy()
    np.testing.assert_allclose(output, ARRAYS[case["output"]], rtol=1e-5, atol=1e-6)


def test_save_then_load_round_trips_a_hybridized_model(tmp_path):
    layer = rnn.GRU(4, num_layers=2, bidirectional=True)
    layer.initialize()
    layer.hybridize()
    data = mx.nd.random.uniform(shape=(5, 2, 3))
    expected = layer(data).asnumpy()
    layer.save(str(tmp_path / "gru"))
    with open(tmp_path / "gru-model.json") as file:
        entry = json.load(file)["gru0"]
    assert entry["hybridized"] is True
    assert entry["in_format"] == [0, [0]] and entry["out_format"] == 0
    assert '"RNN"' in entry["symbol"]
    fresh = rnn.GRU(4, num_layers=2, bidirectional=True)
    fresh.load(str(tmp_path / "gru"))
    np.testing.assert_allclose(fresh(data).asnumpy(), expected, rtol=1e-5)
