"""Tests for dlkit/gluon/contrib/estimator: Estimator, BatchProcessor, event handlers.

The training runs are compared with MXNet 1.9.1 through tests/golden/gen_estimator.py
(metrics after each epoch, final weights, checkpoint files, log lines, warnings);
error messages, names and defaults were checked against MXNet by hand and are written
out here.
"""
import logging
import os
import re
import warnings

import numpy as np
import pytest

import dlkit as mx
from dlkit import gluon
from dlkit.gluon import nn
from dlkit.gluon.contrib import estimator
from dlkit.gluon.contrib.estimator import (BatchBegin, BatchEnd, BatchProcessor,
                                           CheckpointHandler, EarlyStoppingHandler,
                                           EpochBegin, EpochEnd, Estimator,
                                           GradientUpdateHandler, LoggingHandler,
                                           MetricHandler, StoppingHandler, TrainBegin,
                                           TrainEnd, ValidationHandler)
from golden_replay import load_topic

CASES, ARRAYS = load_topic("estimator")
CHECK = dict(rtol=1e-5, atol=1e-5)   # Adam magnifies float32 rounding a little
CPU = mx.cpu()      # the nets below live on the CPU, also where a GPU is present
DATA = {key: ARRAYS[f"start/{key}"] for key in ("X", "y", "X_val", "y_val")}
WEIGHTS = {key: ARRAYS[f"start/{key}"]
           for key in ("0.weight", "0.bias", "1.weight", "1.bias")}


# ---- the runs of tests/golden/gen_estimator.py ----
def build_net(model_dir):
    net = nn.HybridSequential(prefix="net_")
    with net.name_scope():
        net.add(nn.Dense(4, activation="relu", in_units=5), nn.Dense(3, in_units=4))
    path = os.path.join(model_dir, "start.params")
    mx.nd.save(path, {key: mx.nd.array(value) for key, value in WEIGHTS.items()})
    net.load_parameters(path)
    os.remove(path)
    return net


def loaders(target_dim=None):
    y, y_val = DATA["y"], DATA["y_val"]
    if target_dim:
        y = np.eye(target_dim)[y.astype(int)]
        y_val = np.eye(target_dim)[y_val.astype(int)]
    train = gluon.data.ArrayDataset(DATA["X"], y.astype(np.float32))
    val = gluon.data.ArrayDataset(DATA["X_val"], y_val.astype(np.float32))
    return (gluon.data.DataLoader(train, batch_size=4),
            gluon.data.DataLoader(val, batch_size=4))


class Recorder(EpochEnd):
    def __init__(self):
        self.history = []

    def epoch_end(self, est, *args, **kwargs):
        metrics = est.train_metrics + est.val_metrics
        self.history.append([list(metric.get()) for metric in metrics])


class Messages(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def normalise(line, model_dir):
    line = line.replace(model_dir, "<dir>")
    line = re.sub(r"\d+\.\d+s", "<t>s", line)
    return re.sub(r"total \d+s", "total <t>s", line)


def sgd_estimator(model_dir, hybridize=False):
    net = build_net(model_dir)
    if hybridize:
        net.hybridize()
    trainer = gluon.Trainer(net.collect_params(), "sgd",
                            {"learning_rate": 0.1, "momentum": 0.9})
    return Estimator(net, gluon.loss.SoftmaxCrossEntropyLoss(), trainer=trainer,
                     context=CPU)


def run_checkpoint(model_dir, est, recorder):
    train, val = loaders()
    checkpoint = CheckpointHandler(model_dir, batch_period=2, max_checkpoints=3,
                                   verbose=1, save_best=True,
                                   monitor=est.val_metrics[1], mode="min")
    logger = LoggingHandler(log_interval=2, metrics=est.train_metrics)
    est.fit(train, val, epochs=2, event_handlers=[checkpoint, logger, recorder])
    return est


def run_defaults(model_dir, est, recorder):
    train, val = loaders(target_dim=3)
    est.fit(train, val, batches=5, event_handlers=[recorder])
    est.evaluate(val)
    recorder.history.append([list(m.get()) for m in est.val_metrics])
    return est


def run_early_stopping(model_dir, est, recorder):
    train, val = loaders()
    stopper = EarlyStoppingHandler(est.train_metrics[1], patience=1)
    est.fit(train, val, epochs=6, event_handlers=[stopper, recorder])
    return est


def run_resume(model_dir, est, recorder):
    train, val = loaders()
    est.fit(train, epochs=1, event_handlers=[CheckpointHandler(model_dir)])
    resumed = sgd_estimator(model_dir)
    resumed.logger.addHandler(est.logger.handlers[-1])
    checkpoint = CheckpointHandler(model_dir, resume_from_checkpoint=True)
    resumed.fit(train, val, epochs=3, event_handlers=[checkpoint, recorder])
    return resumed


def adam_estimator(model_dir):
    net = build_net(model_dir)
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.05})
    return Estimator(net, gluon.loss.SoftmaxCrossEntropyLoss(), trainer=trainer,
                     context=CPU)


GOLDEN_RUNS = {
    "checkpoint": (lambda d: sgd_estimator(d, hybridize=True), run_checkpoint),
    "defaults": (lambda d: Estimator(build_net(d), gluon.loss.L2Loss(), context=CPU),
                 run_defaults),
    "early_stopping": (adam_estimator, run_early_stopping),
    "resume": (sgd_estimator, run_resume),
}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_fit_matches_mxnet_metrics_weights_files_and_log(case, tmp_path):
    model_dir = str(tmp_path)
    make, run = GOLDEN_RUNS[case["id"]]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = make(model_dir)
        messages = Messages()
        est.logger.addHandler(messages)
        recorder = Recorder()
        est = run(model_dir, est, recorder)
    assert [normalise(line, model_dir) for line in messages.lines] == case["log"]
    assert [str(w.message) for w in caught if "estimator" in w.filename] == \
        case["warnings"]
    assert sorted(os.listdir(model_dir)) == case["files"]
    assert len(recorder.history) == len(case["history"])
    for got, expected in zip(recorder.history, case["history"]):
        assert [name for name, _ in got] == [name for name, _ in expected]
        np.testing.assert_allclose([value for _, value in got],
                                   [value for _, value in expected], **CHECK)
    params = est.net._collect_params_with_prefix()
    assert sorted(params) == sorted(case["final"])
    for name, key in case["final"].items():
        np.testing.assert_allclose(params[name].data().asnumpy(), ARRAYS[key],
                                   err_msg=name, **CHECK)


# ---- names, defaults, warnings ----
def _initialized_dense():
    net = nn.Dense(2, in_units=3)
    net.initialize()
    return net


def _trainer(net):
    return gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})


def _loader(num_samples=6, batch_size=2):
    X = mx.nd.array(np.arange(num_samples * 3).reshape(num_samples, 3) / 10)
    y = mx.nd.ones((num_samples, 2))
    return gluon.data.DataLoader(gluon.data.ArrayDataset(X, y), batch_size=batch_size)


def test_module_lists_mxnet_names():
    public = {name for name in dir(estimator) if not name.startswith("_")}
    assert {"Estimator", "BatchProcessor", "TrainBegin", "TrainEnd", "EpochBegin",
            "EpochEnd", "BatchBegin", "BatchEnd", "StoppingHandler", "MetricHandler",
            "ValidationHandler", "LoggingHandler", "CheckpointHandler",
            "EarlyStoppingHandler", "GradientUpdateHandler", "batch_processor",
            "estimator", "event_handler", "utils"} <= public
    assert "estimator" in mx.gluon.contrib.__all__


def test_default_metrics_are_named_after_the_loss_with_prefixes():
    net = _initialized_dense()
    est = Estimator(net, gluon.loss.SoftmaxCrossEntropyLoss(), trainer=_trainer(net),
                    context=CPU)
    assert [m.name for m in est.train_metrics] == ["training accuracy",
                                                   "training softmaxcrossentropyloss"]
    assert [m.name for m in est.val_metrics] == ["validation accuracy",
                                                 "validation softmaxcrossentropyloss"]
    assert est.val_metrics[0] is not est.train_metrics[0]
    # only a loss metric for other losses; trailing digits of the block name go
    est = Estimator(net, gluon.loss.L1Loss(prefix="foo12_"), trainer=_trainer(net),
                    context=CPU)
    assert [m.name for m in est.train_metrics] == ["training foo"]
    assert isinstance(est.train_metrics[0], mx.metric.Loss)


def test_given_metrics_are_flattened_and_renamed():
    net = _initialized_dense()
    composite = mx.metric.CompositeEvalMetric([mx.metric.MAE(), mx.metric.RMSE()])
    est = Estimator(net, gluon.loss.L2Loss(), train_metrics=composite,
                    val_metrics=mx.metric.Loss("pretraining x"), trainer=_trainer(net),
                    context=CPU)
    assert [m.name for m in est.train_metrics] == ["training mae", "training rmse"]
    # MXNet replaces the word 'training' anywhere in the name
    assert [m.name for m in est.val_metrics] == ["prevalidation x"]


def test_defaults_for_trainer_context_nets_and_initializer():
    net = nn.Dense(2, in_units=3)
    with pytest.warns(UserWarning, match="No trainer specified, default SGD optimizer "
                                         "with learning rate 0.001 is used."):
        est = Estimator(net, gluon.loss.L2Loss())
    default_context = [mx.gpu(0)] if mx.context.num_gpus() else [mx.cpu()]
    assert est.context == default_context
    assert net.weight.list_ctx() == default_context     # initialized by the Estimator
    assert est.trainer.learning_rate == 0.001
    assert type(est.trainer.optimizer).__name__ == "SGD"
    assert est.val_net is est.net and est.val_loss is est.loss
    assert type(est.batch_processor) is BatchProcessor
    assert est.logger.name == "Estimator" and est.logger.level == logging.INFO
    with pytest.warns(UserWarning, match="Network already fully initialized, skipping "
                                         "initialization."):
        Estimator(net, gluon.loss.L2Loss(), initializer=mx.init.Zero(),
                  trainer=_trainer(net), context=CPU)
    assert np.abs(net.weight.data().asnumpy()).sum() > 0     # not re-initialized


def test_estimator_logs_to_stdout(capsys):
    net = _initialized_dense()
    est = Estimator(net, gluon.loss.L2Loss(), trainer=_trainer(net), context=CPU)
    est.evaluate(_loader())
    output = capsys.readouterr().out
    assert output.startswith("Validation Begin\n[Epoch 0] Finished in ")


# ---- errors (messages as MXNet 1.9.1's) ----
def test_constructor_rejects_bad_arguments():
    net = _initialized_dense()
    loss = gluon.loss.L2Loss()
    with pytest.raises(ValueError, match=r"loss must be a Loss, refer to "
                                         r"gluon.loss.Loss:x"):
        Estimator(net, "x")
    with pytest.raises(ValueError, match="Trainer must be a Gluon Trainer instance, "
                                         "refer to gluon.Trainer:sgd"):
        Estimator(net, loss, trainer="sgd")
    with pytest.raises(ValueError, match=r"context must be a Context or a list of "
                                         r"Context, .*refer to mxnet.Context:cpu"):
        Estimator(net, loss, trainer=_trainer(net), context="cpu")
    with pytest.raises(ValueError, match=r"Customized Batch Processor must contain "
                                         r"fit_batch\(\) and evaluate_batch\(\)"):
        Estimator(net, loss, trainer=_trainer(net), batch_processor=object())
    with pytest.raises(ValueError, match=r"metrics must be a Metric or a list of "
                                         r"Metric, .*: \['acc'\]"):
        Estimator(net, loss, train_metrics=["acc"], trainer=_trainer(net), context=CPU)
    if mx.context.num_gpus() == 0:
        with pytest.raises(AssertionError, match=r"gpu\(0\) is not available, please "
                                                 r"make sure your context is in one "
                                                 r"of: mx.cpu\(\), $"):
            Estimator(net, loss, trainer=_trainer(net), context=mx.gpu(0))


def test_fit_and_evaluate_reject_bad_arguments():
    net = _initialized_dense()
    est = Estimator(net, gluon.loss.L2Loss(), trainer=_trainer(net), context=CPU)
    batches = [(mx.nd.ones((2, 3)), mx.nd.ones((2, 2)))]
    with pytest.raises(ValueError, match="Estimator only support input as Gluon "
                                         "DataLoader.*Refer to gluon.data.dataloader"):
        est.fit(batches, epochs=1)
    with pytest.raises(ValueError, match="Refer to gluon.data.DataLoader"):
        est.evaluate(batches)
    for kwargs in ({"epochs": 1, "batches": 1}, {}):
        with pytest.raises(ValueError, match="Fit only support exactly one type of "
                                             "iteration"):
            est.fit(_loader(), **kwargs)
    with pytest.raises(ValueError, match=r"handlers must be an EventHandler or a list "
                                         r"of EventHandler, got: \[1\]"):
        est.fit(_loader(), epochs=1, event_handlers=[1])


def test_handlers_must_use_the_estimators_metric_objects():
    net = _initialized_dense()
    est = Estimator(net, gluon.loss.L2Loss(), trainer=_trainer(net), context=CPU)
    foreign = LoggingHandler(metrics=[mx.metric.MAE()])
    message = (r"Event handler LoggingHandler refers to a metric instance "
               r"EvalMetric: \{'mae': nan\} outside of the known training and "
               r"validation metrics.")
    with pytest.raises(ValueError, match=message):
        est.fit(_loader(), epochs=1, event_handlers=[foreign])
    with pytest.raises(ValueError, match=message):
        est.evaluate(_loader(), event_handlers=[foreign])
    # no default handler is added, so nothing is checked (as MXNet)
    est.evaluate(_loader(), event_handlers=[foreign, MetricHandler(est.val_metrics)])


def test_handler_constructors_reject_bad_arguments(tmp_path):
    for interval in ("batch", 2.0):
        with pytest.raises(ValueError, match="log_interval must be either an integer "
                                             "or string 'epoch'"):
            LoggingHandler(log_interval=interval)
    with pytest.raises(ValueError, match="To save best model only, please provide one "
                                         "of the metric objects"):
        CheckpointHandler(str(tmp_path), save_best=True)
    with pytest.raises(ValueError, match="Please provide one of the metric objects"):
        EarlyStoppingHandler(None)
    with pytest.raises(ValueError, match="CompositeEvalMetric is not supported for "
                                         "EarlyStoppingHandler"):
        EarlyStoppingHandler(mx.metric.CompositeEvalMetric([mx.metric.MAE()]))


def test_monitor_modes_and_the_auto_quirk(tmp_path):
    metric = mx.metric.Loss("training l2loss")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        handler = EarlyStoppingHandler(metric, mode="bad", min_delta=0.5)
    assert [w.category for w in caught] == [RuntimeWarning, UserWarning]
    assert str(caught[0].message).startswith("EarlyStopping mode bad is unknown, "
                                             "fallback to auto mode.")
    # 'auto' always means 'greater' in MXNet 1.9.1, even for a loss
    assert handler.monitor_op is np.greater and handler.min_delta == 0.5
    handler = EarlyStoppingHandler(metric, mode="min", min_delta=0.5)
    assert handler.monitor_op is np.less and handler.min_delta == -0.5
    with pytest.warns(UserWarning, match="`greater` operator will be used to determine "
                                         "if training l2loss has improved"):
        CheckpointHandler(str(tmp_path), save_best=True, monitor=metric)
    checkpoint = CheckpointHandler(str(tmp_path / "new"), save_best=True,
                                   monitor=metric, mode="min")
    assert os.path.isdir(tmp_path / "new") and checkpoint.best == np.inf


def test_priorities_are_mxnets():
    assert MetricHandler([]).priority == -1000
    assert ValidationHandler(None, None).priority == -1000
    assert GradientUpdateHandler().priority == -2000
    assert LoggingHandler().priority == np.inf
    assert not hasattr(StoppingHandler(), "priority")
    assert EpochEnd().epoch_end(None) is False and BatchEnd().batch_end(None) is False


# ---- the event protocol ----
class Spy(TrainBegin, TrainEnd, EpochBegin, EpochEnd, BatchBegin, BatchEnd):
    def __init__(self, calls, name, priority=None, stop_at_batch=None):
        self.calls, self.name = calls, name
        if priority is not None:
            self.priority = priority
        self.stop_at_batch, self.batches = stop_at_batch, 0

    def train_begin(self, est, *args, **kwargs):
        self.calls.append((self.name, "train_begin"))

    def train_end(self, est, *args, **kwargs):
        self.calls.append((self.name, "train_end"))

    def epoch_begin(self, est, *args, **kwargs):
        self.calls.append((self.name, "epoch_begin"))

    def epoch_end(self, est, *args, **kwargs):
        self.calls.append((self.name, "epoch_end"))
        return False

    def batch_begin(self, est, *args, **kwargs):
        self.calls.append((self.name, "batch_begin", sorted(kwargs)))

    def batch_end(self, est, *args, **kwargs):
        self.batches += 1
        self.calls.append((self.name, "batch_end", sorted(kwargs)))
        return self.batches == self.stop_at_batch


def test_handlers_run_by_priority_and_a_stop_ends_only_the_epoch():
    net = _initialized_dense()
    est = Estimator(net, gluon.loss.L2Loss(), trainer=_trainer(net), context=CPU)
    est.logger.handlers = []
    calls = []
    handlers = [Spy(calls, "late", 5), Spy(calls, "plain", stop_at_batch=2),
                Spy(calls, "early", -5000)]
    est.fit(_loader(), epochs=2, event_handlers=handlers)
    assert [handler.name for handler in handlers] == ["late", "plain", "early"]

    def each(*event):
        return [(name, *event) for name in ("early", "plain", "late")]
    batch = each("batch_begin", ["batch"]) + \
        each("batch_end", ["batch", "label", "loss", "pred"])
    # 'plain' asks to stop at its 2nd batch: the others still see that batch_end,
    # then the epoch ends early; the StoppingHandler ends training after 2 epochs
    expected = (each("train_begin") + each("epoch_begin") + batch * 2
                + each("epoch_end") + each("epoch_begin") + batch * 3
                + each("epoch_end") + each("train_end"))
    assert calls == expected

    calls.clear()
    est.evaluate(_loader(), event_handlers=[Spy(calls, "v")])
    assert calls == ([("v", "epoch_begin")]
                     + [("v", "batch_begin", ["batch"]),
                        ("v", "batch_end", ["batch", "label", "loss", "pred"])] * 3
                     + [("v", "epoch_end")])


def test_batches_counts_over_epochs_and_metrics_are_ready_at_batch_end():
    net = _initialized_dense()
    est = Estimator(net, gluon.loss.L2Loss(), trainer=_trainer(net), context=CPU)
    est.logger.handlers = []
    seen = []

    class Reader(BatchEnd):
        def batch_end(self, est, *args, **kwargs):
            seen.append((est.train_metrics[0].num_inst, net.weight.data().asnumpy()))

    est.fit(_loader(), batches=4, event_handlers=[Reader()])
    # 3 batches in the first epoch, 1 in the second; the loss metric was updated
    # (MetricHandler, -1000) and the weights stepped (GradientUpdateHandler, -2000)
    assert [count for count, _ in seen] == [2, 4, 6, 2]
    assert not np.allclose(seen[0][1], seen[1][1])


def test_custom_batch_processor_and_gradient_update_handler_replace_defaults():
    net = _initialized_dense()
    est = Estimator(net, gluon.loss.L2Loss(), trainer=_trainer(net), context=CPU)
    est.logger.handlers = []
    before = net.weight.data().asnumpy()

    class Frozen(GradientUpdateHandler):
        def batch_end(self, est, *args, **kwargs):
            for param in est.net.collect_params().values():
                param.zero_grad()

    est.fit(_loader(), epochs=1, event_handlers=[Frozen()])
    np.testing.assert_array_equal(net.weight.data().asnumpy(), before)

    class Doubling(BatchProcessor):
        def evaluate_batch(self, est, val_batch, batch_axis=0):
            data, label, pred, loss = super().evaluate_batch(est, val_batch, batch_axis)
            return data, label, pred, [2 * value for value in loss]

    plain = Estimator(net, gluon.loss.L2Loss(), trainer=_trainer(net), context=CPU)
    doubled = Estimator(net, gluon.loss.L2Loss(), trainer=_trainer(net), context=CPU,
                        batch_processor=Doubling())
    for est in (plain, doubled):
        est.logger.handlers = []
        est.evaluate(_loader())
    assert doubled.val_metrics[0].get()[1] == pytest.approx(
        2 * plain.val_metrics[0].get()[1])


def test_training_on_two_contexts_matches_one():
    weights = []
    for context in ([mx.cpu(0)], [mx.cpu(0), mx.cpu(1)]):
        net = nn.Dense(2, in_units=3)
        net.initialize(mx.init.Constant(0.1), ctx=context)
        est = Estimator(net, gluon.loss.L2Loss(), trainer=_trainer(net),
                        context=context)
        est.logger.handlers = []
        est.fit(_loader(), epochs=2)
        weights.append(net.weight.data(mx.cpu(0)).asnumpy())
    np.testing.assert_allclose(weights[0], weights[1], rtol=1e-6)
    # MXNet 1.9.1 gives this on one and on two contexts
    np.testing.assert_allclose(weights[0], [[0.17357856, 0.18926877, 0.20495899]] * 2,
                               rtol=1e-6)


def test_validation_handler_periods_and_val_net():
    net = _initialized_dense()
    val_net = nn.Dense(2, in_units=3, params=net.collect_params())
    est = Estimator(net, gluon.loss.L2Loss(), trainer=_trainer(net), val_net=val_net,
                    val_loss=gluon.loss.L1Loss(), context=CPU)
    assert est.val_net is val_net and est.val_metrics[0].name == "validation l2loss"
    est.logger.handlers = []
    runs = []

    def eval_fn(val_data, batch_axis, event_handlers):
        runs.append((val_data, batch_axis, event_handlers))

    handler = ValidationHandler("val", eval_fn, epoch_period=2, batch_period=4,
                                event_handlers=["h"])
    est.fit(_loader(), epochs=3, event_handlers=[handler])
    # batches 4 and 8 of 9, and epoch 2 of 3
    assert runs == [("val", 0, ["h"])] * 3


# ---- checkpoints ----
def test_checkpoint_keeps_max_checkpoints_and_saves_symbol_when_hybridized(tmp_path):
    net = nn.HybridSequential()
    net.add(nn.Dense(2, in_units=3))
    net.initialize()
    net.hybridize()
    est = Estimator(net, gluon.loss.L2Loss(), trainer=_trainer(net), context=CPU)
    est.logger.handlers = []
    est.fit(_loader(), epochs=3, event_handlers=[
        CheckpointHandler(str(tmp_path), "net", max_checkpoints=2)])
    assert sorted(os.listdir(tmp_path)) == [
        "net-epoch1batch6.params", "net-epoch1batch6.states",
        "net-epoch2batch9.params", "net-epoch2batch9.states", "net-symbol.json"]
    restored = nn.HybridSequential()
    restored.add(nn.Dense(2, in_units=3))
    restored.load_parameters(str(tmp_path / "net-epoch2batch9.params"))
    np.testing.assert_array_equal(restored[0].weight.data().asnumpy(),
                                  net[0].weight.data().asnumpy())
    symbol = mx.sym.load(str(tmp_path / "net-symbol.json"))
    assert symbol.list_arguments()[0] == "data"


def test_resume_rejects_finished_runs_and_mixed_periods(tmp_path):
    net = _initialized_dense()
    est = Estimator(net, gluon.loss.L2Loss(), trainer=_trainer(net), context=CPU)
    est.logger.handlers = []
    est.fit(_loader(), epochs=2, event_handlers=[CheckpointHandler(str(tmp_path))])
    with pytest.raises(ValueError, match="Found checkpoint with maximum number of "
                                         "epoch 2 reached"):
        est.fit(_loader(), epochs=2, event_handlers=[
            CheckpointHandler(str(tmp_path), resume_from_checkpoint=True)])
    with pytest.raises(AssertionError, match="To use resume from checkpoint, you must "
                                             "only specify the same type of period"):
        est.fit(_loader(), epochs=3, event_handlers=[
            CheckpointHandler(str(tmp_path), batch_period=2,
                              resume_from_checkpoint=True)])


def test_resume_without_checkpoints_trains_from_scratch(tmp_path):
    net = _initialized_dense()
    est = Estimator(net, gluon.loss.L2Loss(), trainer=_trainer(net), context=CPU)
    messages = Messages()
    est.logger.handlers = [messages]
    est.fit(_loader(), batches=2, event_handlers=[
        CheckpointHandler(str(tmp_path), epoch_period=None, batch_period=1,
                          resume_from_checkpoint=True)])
    assert messages.lines[0] == ("CheckpointHandler: No checkpoint found, training "
                                 "from scratch for 2 batches")
    # as MXNet: the numbering continues from "epoch -1 batch -1"
    assert sorted(os.listdir(tmp_path)) == [
        "model-epoch0batch0.params", "model-epoch0batch0.states",
        "model-epoch0batch1.params", "model-epoch0batch1.states"]
