"""Tests for mx.model's FeedForward (MXNet's legacy model, dlkit/feedforward.py)
against MXNet 1.9.1 (tests/golden/gen_rnn_legacy.py), its checkpoints and its errors;
and mx.callback.save_checkpoint."""
import logging
import os

import numpy as np
import pytest

import dlkit as mx
from golden_replay import load_topic

CASES, ARRAYS = load_topic("rnn_legacy")
GOLDEN = next(case for case in CASES if case["id"] == "feedforward")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def net():
    fc = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=2, name="fc")
    return mx.sym.SoftmaxOutput(fc, name="softmax")


def trained_model(batches=None):
    X, y = ARRAYS["feedforward/X"], ARRAYS["feedforward/y"]
    initial = {key: mx.nd.array(ARRAYS[f"feedforward/initial/{key}"])
               for key in ("fc_weight", "fc_bias")}
    model = mx.model.FeedForward(net(), num_epoch=2, learning_rate=0.5, momentum=0.9,
                                 arg_params=initial)
    model.fit(mx.io.NDArrayIter(X, y, batch_size=8),
              eval_data=mx.io.NDArrayIter(X, y, batch_size=8),
              batch_end_callback=lambda p: batches.append([p.epoch, p.nbatch])
              if batches is not None else None)
    return model


def test_feedforward_fit_predict_score_match_mxnet(caplog):
    batches = []
    with caplog.at_level(logging.INFO):
        model = trained_model(batches)
    logs = [r.getMessage() for r in caplog.records if "Time cost" not in
            r.getMessage() and r.name == "root"]
    assert logs == GOLDEN["logs"]
    assert batches == GOLDEN["batches"]
    for key, value in model.arg_params.items():
        np.testing.assert_allclose(value.asnumpy(), ARRAYS[f"feedforward/final/{key}"],
                                   rtol=1e-5, atol=1e-6)
    X, y = ARRAYS["feedforward/X"], ARRAYS["feedforward/y"]
    np.testing.assert_allclose(model.predict(X), ARRAYS["feedforward/predict"],
                               rtol=1e-5, atol=1e-6)
    assert model.score(mx.io.NDArrayIter(X, y, batch_size=8)) == \
        pytest.approx(GOLDEN["score"])
    outputs, data, label = model.predict(mx.io.NDArrayIter(X, y, batch_size=8),
                                         return_data=True)
    assert outputs.shape == (20, 2) and data.shape == (20, 4) and label.shape == (20,)


def test_feedforward_warns_and_saves_module_checkpoints(tmp_path):
    with pytest.warns(DeprecationWarning, match="FeedForward has been deprecated"):
        mx.model.FeedForward(net())
    model = trained_model()
    prefix = str(tmp_path / "ff")
    model.save(prefix)
    assert sorted(os.listdir(tmp_path)) == ["ff-0002.params", "ff-symbol.json"]
    _, arg_params, _ = mx.model.load_checkpoint(prefix, 2)
    assert sorted(arg_params) == ["fc_bias", "fc_weight"]
    loaded = mx.model.FeedForward.load(prefix, 2)
    assert loaded.begin_epoch == 2 and loaded.num_epoch is None
    X = ARRAYS["feedforward/X"]
    np.testing.assert_allclose(loaded.predict(X), model.predict(X))


def test_feedforward_create_with_numpy_data_and_epoch_size():
    X, y = ARRAYS["feedforward/X"], ARRAYS["feedforward/y"]
    batches = []
    model = mx.model.FeedForward.create(net(), X, y, num_epoch=1, epoch_size=2,
                                        learning_rate=0.1,
                                        batch_end_callback=lambda p:
                                        batches.append(p.nbatch))
    assert isinstance(model, mx.model.FeedForward)
    assert batches == [1, 2]  # one 20-sample batch, the iterator restarted once


def test_feedforward_errors_match_mxnet():
    model = mx.model.FeedForward(net(), num_epoch=1)
    X = ARRAYS["feedforward/X"]
    with pytest.raises(ValueError, match="y must be specified"):
        model.fit(X)
    with pytest.raises(TypeError, match="X must be DataIter"):
        model.predict([1, 2])
    with pytest.raises(ValueError, match="numbers of data points and labels"):
        model.fit(X, ARRAYS["feedforward/y"][:5])
    with pytest.raises(AssertionError):
        mx.model.FeedForward(net()).save("unused")
    duplicated = mx.sym.FullyConnected(
        mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=2, name="fc"),
        num_hidden=2, name="fc")
    with pytest.raises(ValueError, match='duplicated argument name "fc_weight"'):
        mx.model.FeedForward(duplicated)


def test_callback_save_checkpoint_writes_the_model_files(tmp_path):
    prefix = str(tmp_path / "cb")
    mx.callback.save_checkpoint(prefix, 4, net(), {"fc_bias": mx.nd.ones(2)}, {})
    assert sorted(os.listdir(tmp_path)) == ["cb-0004.params", "cb-symbol.json"]
    assert mx.model.load_params(prefix, 4)[0]["fc_bias"].asnumpy().tolist() == [1, 1]
