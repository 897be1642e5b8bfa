"""Goldens for ``gluon.contrib.estimator`` (run by hand in the MXNet 1.9.1 venv).

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_estimator.py

Writes ``estimator.json``/``.npz``. A tiny Dense network (``build_net``; the test
builds the same one) starts from fixed weights and is trained with ``Estimator.fit``
on fixed synthetic data. Each case stores, per epoch, the training and validation
metrics (recorded by a handler at epoch end), the final weights, the checkpoint files
left in the model directory, the log messages (timings and the directory normalised by
``normalise``) and the warnings (``warning_text``):

- ``checkpoint``: hybridized, SGD with momentum, 2 epochs with validation, a
  LoggingHandler every 2 batches and a CheckpointHandler (every epoch and every 2
  batches, at most 3 checkpoints, the best validation loss kept, verbose);
- ``defaults``: no trainer (the default SGD with a warning), L2Loss (so only a loss
  metric), stopping after 5 batches, default handlers, then ``evaluate``;
- ``early_stopping``: an EarlyStoppingHandler on the training loss in 'auto' mode,
  which MXNet 1.9.1 always resolves to 'greater', so the falling loss stops training;
- ``resume``: one epoch with checkpoints, then a new Estimator resumes from them for
  ``epochs=3``.
"""
import logging
import os
import re
import shutil
import tempfile
import warnings

import mxnet as mx
import numpy as np
from mxnet import gluon
from mxnet.gluon import nn
from mxnet.gluon.contrib import estimator

from mxgolden import GoldenWriter

golden = GoldenWriter("estimator")
random = np.random.RandomState(5)
DATA = {"X": random.uniform(-1, 1, (12, 5)).astype(np.float32),
        "y": random.randint(0, 3, 12).astype(np.float32),
        "X_val": random.uniform(-1, 1, (8, 5)).astype(np.float32),
        "y_val": random.randint(0, 3, 8).astype(np.float32)}
WEIGHTS = {"0.weight": random.uniform(-0.5, 0.5, (4, 5)).astype(np.float32),
           "0.bias": random.uniform(-0.5, 0.5, 4).astype(np.float32),
           "1.weight": random.uniform(-0.5, 0.5, (3, 4)).astype(np.float32),
           "1.bias": random.uniform(-0.5, 0.5, 3).astype(np.float32)}
for key, value in {**DATA, **WEIGHTS}.items():
    golden.add_array(f"start/{key}", value)


def build_net(model_dir):
    """The network; its starting weights are loaded from a ``.params`` file."""
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
    if target_dim:       # one-hot targets for L2Loss
        y = np.eye(target_dim)[y.astype(int)]
        y_val = np.eye(target_dim)[y_val.astype(int)]
    train = gluon.data.ArrayDataset(DATA["X"], y.astype(np.float32))
    val = gluon.data.ArrayDataset(DATA["X_val"], y_val.astype(np.float32))
    return (gluon.data.DataLoader(train, batch_size=4),
            gluon.data.DataLoader(val, batch_size=4))


class Recorder(estimator.EpochEnd):
    """Records every train and validation metric at each epoch end."""

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
    """Replace the timings and the temporary directory by fixed text."""
    line = line.replace(model_dir, "<dir>")
    line = re.sub(r"\d+\.\d+s", "<t>s", line)
    return re.sub(r"total \d+s", "total <t>s", line)


def warning_text(message):
    """The text of a warning. Two of MXNet 1.9.1's warnings pass a template and its
    argument to RuntimeWarning without formatting them; dlkit formats them."""
    if len(message.args) > 1:
        return message.args[0] % message.args[1:]
    return str(message)


def run_case(case_id, model_dir, make_estimator, run):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = make_estimator()
        messages = Messages()
        est.logger.addHandler(messages)
        recorder = Recorder()
        run(est, recorder)
    params = {name: golden.add_array(f"{case_id}/final/{name}", param.data().asnumpy())
              for name, param in est.net._collect_params_with_prefix().items()}
    golden.add({"id": case_id,
                "history": recorder.history,
                "final": params,
                "files": sorted(os.listdir(model_dir)),
                "log": [normalise(line, model_dir) for line in messages.lines],
                "warnings": [warning_text(w.message) for w in caught
                             if "estimator" in w.filename]})


def case_checkpoint(model_dir):
    train, val = loaders()

    def make():
        net = build_net(model_dir)
        net.hybridize()
        trainer = gluon.Trainer(net.collect_params(), "sgd",
                                {"learning_rate": 0.1, "momentum": 0.9})
        return estimator.Estimator(net, gluon.loss.SoftmaxCrossEntropyLoss(),
                                   trainer=trainer)

    def run(est, recorder):
        checkpoint = estimator.CheckpointHandler(
            model_dir, batch_period=2, max_checkpoints=3, verbose=1, save_best=True,
            monitor=est.val_metrics[1], mode="min")
        logger = estimator.LoggingHandler(log_interval=2, metrics=est.train_metrics)
        est.fit(train, val, epochs=2, event_handlers=[checkpoint, logger, recorder])

    run_case("checkpoint", model_dir, make, run)


def case_defaults(model_dir):
    train, val = loaders(target_dim=3)

    def make():
        return estimator.Estimator(build_net(model_dir), gluon.loss.L2Loss())

    def run(est, recorder):
        est.fit(train, val, batches=5, event_handlers=[recorder])
        est.evaluate(val)
        recorder.history.append([list(m.get()) for m in est.val_metrics])

    run_case("defaults", model_dir, make, run)


def case_early_stopping(model_dir):
    train, val = loaders()

    def make():
        net = build_net(model_dir)
        trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.05})
        return estimator.Estimator(net, gluon.loss.SoftmaxCrossEntropyLoss(),
                                   trainer=trainer)

    def run(est, recorder):
        stopper = estimator.EarlyStoppingHandler(est.train_metrics[1], patience=1)
        est.fit(train, val, epochs=6, event_handlers=[stopper, recorder])

    run_case("early_stopping", model_dir, make, run)


def case_resume(model_dir):
    train, val = loaders()

    def make():
        net = build_net(model_dir)
        trainer = gluon.Trainer(net.collect_params(), "sgd",
                                {"learning_rate": 0.1, "momentum": 0.9})
        return estimator.Estimator(net, gluon.loss.SoftmaxCrossEntropyLoss(),
                                   trainer=trainer)

    def run(est, recorder):
        est.fit(train, epochs=1,
                event_handlers=[estimator.CheckpointHandler(model_dir)])
        resumed = make()
        resumed.logger.addHandler(est.logger.handlers[-1])
        checkpoint = estimator.CheckpointHandler(model_dir, resume_from_checkpoint=True)
        resumed.fit(train, val, epochs=3, event_handlers=[checkpoint, recorder])
        est.net = resumed.net

    run_case("resume", model_dir, make, run)


for case in (case_checkpoint, case_defaults, case_early_stopping, case_resume):
    directory = tempfile.mkdtemp()
    case(directory)
    shutil.rmtree(directory)
golden.save()
