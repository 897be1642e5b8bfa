"""Checkers for the exercises of the training lessons (13 to 16): exported models,
several devices, your own training loop and a training step without a framework.

Same pattern as ``dlkit.exercises``: each checker calls the learner's function on a few
small cases, compares with a reference computed here with NumPy or, for resuming, with
the run that was never interrupted, prints what passed or raises ``AssertionError``
saying which case failed, what was expected and what came back.

=============================  ===============================  ==================
checker                        exercise                         lesson
=============================  ===============================  ==================
``check_predict_with_module``  run exported files in a Module   13-hybridize
``check_parallel_step``        one data-parallel training step  14-several-devices
``check_checkpoint``           save and resume net and trainer  15-training-loop
``check_hand_step``            one SGD step in plain NumPy      16-where-the-time-goes
=============================  ===============================  ==================

The checkers build their networks on CPU contexts (``cpu(0)``, ``cpu(1)`` ...), so they
give the same verdict on every machine.
"""
import os
import tempfile

import numpy as np

from . import autograd
from . import ndarray as nd
from .base import MXNetError
from .context import cpu
from .gluon import Trainer, loss, nn
from .lr_scheduler import FactorScheduler
from .exercises import _as_numpy, _compare, _passed

__all__ = ["check_predict_with_module", "check_parallel_step", "check_checkpoint",
           "check_hand_step"]


def _mlp(in_units, hidden, outputs, seed, ctx, activation="relu"):
    """Dense(hidden, activation) -> Dense(outputs), initialized from a NumPy
    RandomState."""
    net = nn.HybridSequential(prefix="check_")
    with net.name_scope():
        net.add(nn.Dense(hidden, activation=activation, in_units=in_units),
                nn.Dense(outputs, in_units=hidden))
    net.initialize(ctx=ctx)
    rng = np.random.RandomState(seed)
    for param in net.collect_params().values():
        param.set_data(nd.array(rng.uniform(-0.5, 0.5, param.shape).astype("float32")))
    return net


def _numpy_weights(net):
    """The parameters in creation order: W1, b1, W2, b2."""
    return [param.data(param.list_ctx()[0]).asnumpy()
            for param in net.collect_params().values()]


def _numpy_mlp(weights, X):
    W1, b1, W2, b2 = weights
    return np.maximum(X @ W1.T + b1, 0) @ W2.T + b2


# ---- lesson 13 ----
def check_predict_with_module(predict_with_module):
    """``predict_with_module(prefix, epoch, X)``: load ``prefix-symbol.json`` and
    ``prefix-%04d.params`` (written by ``export``) into a Module and return its outputs
    for ``X``. Checked against the network's forward pass computed with NumPy."""
    cases = [(4, 5, 8, 3, 0), (7, 3, 6, 2, 3), (1, 4, 4, 4, 12)]
    for rows, in_units, hidden, outputs, epoch in cases:
        case = (f"a {in_units}->{hidden}->{outputs} network exported at epoch {epoch}, "
                f"X of shape ({rows}, {in_units})")
        net = _mlp(in_units, hidden, outputs, seed=rows, ctx=cpu())
        X = np.random.RandomState(epoch).randn(rows, in_units).astype("float32")
        net.hybridize()
        net(nd.array(X))
        prefix = os.path.join(tempfile.mkdtemp(), "exported")
        net.export(prefix, epoch=epoch)
        got = _as_numpy(predict_with_module(prefix, epoch, nd.array(X)),
                        "check_predict_with_module", case)
        expected = _numpy_mlp(_numpy_weights(net), X)
        _compare("check_predict_with_module", case, got, expected, rtol=1e-4, atol=1e-5)
    _passed("check_predict_with_module", len(cases))


# ---- lesson 14 ----
def _numpy_l2_gradients(weights, X, y):
    """Gradients of Gluon's L2Loss summed over the batch, sum_i 0.5 * mean_j (net(x_i)_j
    - y_ij)^2, for the Dense-ReLU-Dense network."""
    W1, b1, W2, b2 = weights
    hidden = X @ W1.T + b1
    active = np.maximum(hidden, 0)
    d_out = (active @ W2.T + b2 - y) / y.shape[1]
    d_hidden = (d_out @ W2) * (hidden > 0)
    return [d_hidden.T @ X, d_hidden.sum(axis=0), d_out.T @ active, d_out.sum(axis=0)]


def check_parallel_step(parallel_step):
    """``parallel_step(net, trainer, loss_fn, X, y, devices)``: one data-parallel SGD
    step. Split the batch over ``devices``, compute the loss of each part there, run
    backward and let the trainer update with the whole batch's size. Checked against
    one SGD step on the whole batch computed with NumPy; every device's copy of every
    weight must hold the result."""
    cases = [(2, 4), (2, 6), (3, 6)]
    lr = 0.1
    for num_devices, batch_size in cases:
        case = f"{num_devices} devices, a batch of {batch_size}"
        devices = [cpu(i) for i in range(num_devices)]
        net = _mlp(3, 5, 2, seed=batch_size, ctx=devices)
        trainer = Trainer(net.collect_params(), "sgd", {"learning_rate": lr})
        rng = np.random.RandomState(num_devices)
        X = rng.randn(batch_size, 3).astype("float32")
        y = rng.randn(batch_size, 2).astype("float32")
        before = _numpy_weights(net)
        try:
            parallel_step(net, trainer, loss.L2Loss(), nd.array(X), nd.array(y),
                          devices)
        except MXNetError as error:
            raise AssertionError(f"check_parallel_step: for {case} your step failed "
                                 f"(did every device run forward and backward on its "
                                 f"part?): {error}") from None
        gradients = _numpy_l2_gradients(before, X, y)
        names = list(net.collect_params().keys())
        for name, weight, grad in zip(names, before, gradients):
            expected = weight - lr * grad / batch_size
            for ctx in devices:
                got = net.collect_params()[name].data(ctx).asnumpy()
                _compare("check_parallel_step", f"{case}, {name} on {ctx} (split the "
                         "batch over all devices and step with the whole batch's size)",
                         got, expected, rtol=1e-4, atol=1e-5)
    _passed("check_parallel_step", len(cases))


# ---- lesson 15 ----
def _training_setup(seed):
    """A small net, an SGD-with-momentum trainer whose rate halves every 2 updates,
    and a few fixed batches."""
    net = _mlp(4, 6, 3, seed=seed, ctx=cpu())
    scheduler = FactorScheduler(step=2, factor=0.5, base_lr=0.2)
    trainer = Trainer(net.collect_params(), "sgd",
                      {"learning_rate": 0.2, "momentum": 0.9,
                       "lr_scheduler": scheduler})
    rng = np.random.RandomState(seed)
    batches = [(nd.array(rng.randn(5, 4).astype("float32")),
                nd.array(rng.randn(5, 3).astype("float32"))) for _ in range(5)]
    return net, trainer, batches


def _train(net, trainer, batches):
    loss_fn = loss.L2Loss()
    for X, y in batches:
        with autograd.record():
            value = loss_fn(net(X), y)
        value.backward()
        trainer.step(X.shape[0])


def check_checkpoint(save_checkpoint, load_checkpoint):
    """``save_checkpoint(net, trainer, prefix, epoch)`` writes files whose names start
    with ``prefix``; ``load_checkpoint(net, trainer, prefix, epoch)`` restores a freshly
    made net and trainer from them. Training on after the load must give exactly what
    the run that never stopped gives: the weights AND the trainer's state (momentum,
    update count, learning rate) must survive."""
    cases = [(0, 2), (1, 3), (2, 1)]
    for seed, stop_after in cases:
        case = f"a run stopped after {stop_after} of 5 updates (epoch {seed})"
        net, trainer, batches = _training_setup(seed)
        _train(net, trainer, batches[:stop_after])
        prefix = os.path.join(tempfile.mkdtemp(), "run")
        save_checkpoint(net, trainer, prefix, seed)
        written = os.listdir(os.path.dirname(prefix))
        if not any(name.startswith("run") for name in written):
            raise AssertionError(f"check_checkpoint: for {case} save_checkpoint wrote "
                                 f"no file starting with the prefix {prefix}")
        _train(net, trainer, batches[stop_after:])
        resumed, resumed_trainer, _ = _training_setup(seed + 100)  # other weights
        load_checkpoint(resumed, resumed_trainer, prefix, seed)
        _train(resumed, resumed_trainer, batches[stop_after:])
        for name, expected, got in zip(net.collect_params().keys(), _numpy_weights(net),
                                       _numpy_weights(resumed)):
            _compare("check_checkpoint", f"{case}, {name} after resuming (did you save "
                     "and load the trainer's states too?)", got, expected)
    _passed("check_checkpoint", len(cases))


# ---- lesson 16 ----
def _gluon_sgd_step(net, X, labels, lr, wd):
    """The step ``hand_step`` must reproduce, taken by Gluon."""
    trainer = Trainer(net.collect_params(), "sgd", {"learning_rate": lr, "wd": wd})
    with autograd.record():
        value = loss.SoftmaxCrossEntropyLoss()(net(nd.array(X)), nd.array(labels))
    value.backward()
    trainer.step(X.shape[0])


def check_hand_step(hand_step):
    """``hand_step(weights, X, labels, lr, wd)``: one SGD step of a Dense(tanh) ->
    Dense network with softmax cross-entropy, in NumPy only. ``weights`` is ``[W1, b1,
    W2, b2]`` in MXNet's layout (each ``W`` is ``(out_units, in_units)``), ``labels``
    holds class indices; return the four updated arrays as a list. Checked against the
    same step taken by Gluon: ``autograd.record()``, ``SoftmaxCrossEntropyLoss``,
    ``Trainer(..., 'sgd', {'learning_rate': lr, 'wd': wd})`` and
    ``trainer.step(batch_size)``."""
    cases = [(4, 5, 6, 3, 0.5, 0.0), (7, 3, 8, 4, 0.1, 0.01), (1, 4, 4, 2, 0.2, 0.1)]
    names = ["W1", "b1", "W2", "b2"]
    for rows, in_units, hidden, classes, lr, wd in cases:
        case = (f"a {in_units}->{hidden}->{classes} network, a batch of {rows}, "
                f"lr={lr}, wd={wd}")
        net = _mlp(in_units, hidden, classes, seed=rows, ctx=cpu(), activation="tanh")
        rng = np.random.RandomState(rows + 10)
        X = rng.randn(rows, in_units).astype("float32")
        labels = rng.randint(0, classes, rows)
        weights = _numpy_weights(net)
        got = hand_step([w.copy() for w in weights], X.copy(), labels.copy(), lr, wd)
        if not isinstance(got, (list, tuple)) or len(got) != 4:
            raise AssertionError(f"check_hand_step: for {case} your function returned "
                                 f"{type(got).__name__}, expected a list of the four "
                                 "updated arrays [W1, b1, W2, b2]")
        _gluon_sgd_step(net, X, labels, lr, wd)
        for name, value, expected in zip(names, got, _numpy_weights(net)):
            _compare("check_hand_step", f"{case}, {name} (is the loss gradient "
                     "(softmax - one_hot) / batch_size, and does wd decay every "
                     "parameter, biases included?)", value, expected,
                     rtol=1e-4, atol=1e-6)
    _passed("check_hand_step", len(cases))
