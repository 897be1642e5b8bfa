"""dlkit/callback.py: MXNet's exact log lines and the Speedometer reset pitfall."""
import logging
import re

import numpy as np
import pytest

import dlkit as mx
from dlkit._batch_end import BatchEndParam


def _metric():
    metric = mx.metric.create(["acc", "ce"])
    metric.update([mx.nd.array([0, 1])], [mx.nd.array([[0.9, 0.1], [0.8, 0.2]])])
    return metric


def _messages(caplog):
    return [record.getMessage() for record in caplog.records]


def test_batch_end_param_is_the_model_namedtuple():
    assert BatchEndParam._fields == ("epoch", "nbatch", "eval_metric", "locals")
    assert mx.model.BatchEndParam is BatchEndParam


def test_speedometer_logs_mxnet_text_and_resets_the_local_metric(caplog):
    metric = _metric()
    speedometer = mx.callback.Speedometer(batch_size=4, frequent=2)
    with caplog.at_level(logging.INFO):
        for nbatch in range(5):
            speedometer(BatchEndParam(1, nbatch, metric, None))
    lines = _messages(caplog)
    assert len(lines) == 2
    pattern = (r"Epoch\[1\] Batch \[0-2\]\tSpeed: [0-9.]+(e\+\d+)? samples/sec"
               r"\taccuracy=0\.500000\tcross-entropy=0\.857399$")
    assert re.match(pattern, lines[0]) or "inf samples/sec" in lines[0]
    assert lines[1].startswith("Epoch[1] Batch [2-4]\tSpeed: ")
    assert lines[1].endswith("\taccuracy=nan\tcross-entropy=nan")
    # the pitfall: the metric it reported was reset (locally; the global average stays)
    assert metric.get()[1][0] != metric.get()[1][0]  # NaN
    assert metric.get_global()[1][0] == 0.5


def test_speedometer_without_auto_reset_keeps_counting(caplog):
    metric = _metric()
    speedometer = mx.callback.Speedometer(4, 2, auto_reset=False)
    with caplog.at_level(logging.INFO):
        for nbatch in range(5):
            speedometer(BatchEndParam(0, nbatch, metric, None))
    lines = _messages(caplog)
    assert lines[0].startswith("Epoch[0] Batch [0-2]\tSpeed: ")
    assert lines[1].startswith("Epoch[0] Batch [0-4]\tSpeed: ")
    assert metric.get()[1][0] == 0.5


def test_speedometer_without_metric_logs_speed_only(caplog):
    speedometer = mx.callback.Speedometer(4, 2)
    with caplog.at_level(logging.INFO):
        for nbatch in range(3):
            speedometer(BatchEndParam(0, nbatch, None, None))
    pattern = r"Iter\[0\] Batch \[2\]\tSpeed: \S+ samples/sec$"
    assert re.match(pattern, _messages(caplog)[0])


def test_speedometer_restarts_timing_on_a_new_epoch(caplog):
    speedometer = mx.callback.Speedometer(4, 1)
    with caplog.at_level(logging.INFO):
        speedometer(BatchEndParam(0, 0, None, None))
        speedometer(BatchEndParam(0, 1, None, None))
        speedometer(BatchEndParam(1, 0, None, None))  # nbatch went back: re-initialise
    assert len(_messages(caplog)) == 1


def test_log_train_metric_lines(caplog):
    metric = _metric()
    callback = mx.callback.log_train_metric(2, auto_reset=True)
    with caplog.at_level(logging.INFO):
        callback(BatchEndParam(0, 0, metric, None))
        callback(BatchEndParam(0, 1, metric, None))
        callback(BatchEndParam(0, 2, metric, None))
    assert _messages(caplog) == ["Iter[0] Batch[0] Train-accuracy=0.500000",
                                 "Iter[0] Batch[0] Train-cross-entropy=0.857399",
                                 "Iter[0] Batch[2] Train-accuracy=nan",
                                 "Iter[0] Batch[2] Train-cross-entropy=nan"]


def test_progress_bar_lines(caplog):
    bar = mx.callback.ProgressBar(total=10, length=20)
    with caplog.at_level(logging.INFO):
        for nbatch in range(3):
            bar(BatchEndParam(0, nbatch, None, None))
    assert _messages(caplog) == ["[--------------------] 0%\r",
                                 "[==------------------] 10%\r",
                                 "[====----------------] 20%\r"]


def test_validation_metrics_callback_lines(caplog):
    with caplog.at_level(logging.INFO):
        mx.callback.LogValidationMetricsCallback()(BatchEndParam(3, 0, _metric(), None))
    assert _messages(caplog) == ["Epoch[3] Validation-accuracy=0.500000",
                                 "Epoch[3] Validation-cross-entropy=0.857399"]


def test_do_checkpoint_saves_every_period_epochs(monkeypatch):
    saved = []
    def save_checkpoint(prefix, epoch, sym, arg, aux):
        saved.append((prefix, epoch))

    monkeypatch.setattr(mx.model, "save_checkpoint", save_checkpoint)
    callback = mx.callback.do_checkpoint("net", period=2)
    for epoch in range(4):
        callback(epoch, None, {}, {})
    assert saved == [("net", 2), ("net", 4)]


def test_module_checkpoint_calls_the_module():
    calls = []

    class FakeModule:
        def save_checkpoint(self, prefix, epoch, save_optimizer_states):
            calls.append((prefix, epoch, save_optimizer_states))

    callback = mx.callback.module_checkpoint(FakeModule(), "m", period=1,
                                             save_optimizer_states=True)
    callback(0)
    assert calls == [("m", 1, True)]


@pytest.mark.parametrize("period", [0, 1])
def test_period_below_one_means_every_epoch(monkeypatch, period):
    saved = []
    monkeypatch.setattr(mx.model, "save_checkpoint",
                        lambda prefix, epoch, sym, arg, aux: saved.append(epoch))
    mx.callback.do_checkpoint("x", period=period)(0, None, {}, {})
    assert saved == [1]


def test_stop_training_from_a_batch_end_callback_ends_fit_after_that_batch(caplog):
    import logging

    random = np.random.RandomState(0)
    X = random.randn(96, 5).astype("float32")
    y = (X[:, 0] > 0).astype("float32")
    train_iter = mx.io.NDArrayIter(X, y, batch_size=32)
    data = mx.sym.Variable("data")
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(data, num_hidden=2, name="fc"),
                               name="softmax")
    module = mx.mod.Module(net)
    seen = []

    def stop_at_epoch_1_batch_1(param):
        arg_params, _ = param.locals["self"].get_params()
        seen.append((param.epoch, param.nbatch, arg_params["fc_weight"].asnumpy()))
        if (param.epoch, param.nbatch) == (1, 1):
            raise mx.callback.StopTraining("enough")

    epochs_ended = []
    with caplog.at_level(logging.INFO):
        module.fit(train_iter, num_epoch=5, batch_end_callback=stop_at_epoch_1_batch_1,
                   epoch_end_callback=lambda epoch, *rest: epochs_ended.append(epoch))
    assert [(e, n) for e, n, _ in seen] == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]
    assert epochs_ended == [0]
    np.testing.assert_array_equal(module.get_params()[0]["fc_weight"].asnumpy(),
                                  seen[-1][2])
    assert "Epoch[1] Training stopped after batch 1: enough" in caplog.text
