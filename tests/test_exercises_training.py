"""The training lessons' checkers accept right answers and reject wrong ones."""
import numpy as np
import pytest

import dlkit as mx
from dlkit import autograd, exercises_training, gluon


# ---- check_predict_with_module ----
def _module_outputs(prefix, epoch, X, label_names=None):
    sym, arg_params, aux_params = mx.model.load_checkpoint(prefix, epoch)
    mod = mx.mod.Module(sym, data_names=["data"], label_names=label_names)
    mod.bind(data_shapes=[("data", X.shape)], for_training=False)
    mod.set_params(arg_params, aux_params)
    mod.forward(mx.io.DataBatch([X]), is_train=False)
    return mod.get_outputs()[0]


def test_check_predict_with_module_accepts_a_bound_module(capsys):
    exercises_training.check_predict_with_module(_module_outputs)
    assert "all 3 cases pass" in capsys.readouterr().out


def test_check_predict_with_module_rejects_a_fresh_initialization():
    def ignores_params(prefix, epoch, X):
        sym, _, _ = mx.model.load_checkpoint(prefix, epoch)
        mod = mx.mod.Module(sym, label_names=None)
        mod.bind(data_shapes=[("data", X.shape)], for_training=False)
        mod.init_params()
        mod.forward(mx.io.DataBatch([X]), is_train=False)
        return mod.get_outputs()[0]
    with pytest.raises(AssertionError, match="expected"):
        exercises_training.check_predict_with_module(ignores_params)


def test_check_predict_with_module_rejects_a_numpy_result():
    with pytest.raises(AssertionError, match="returned ndarray, expected an NDArray"):
        exercises_training.check_predict_with_module(
            lambda prefix, epoch, X: _module_outputs(prefix, epoch, X).asnumpy())


# ---- check_parallel_step ----
def _parallel_step(net, trainer, loss_fn, X, y, devices):
    X_parts = gluon.utils.split_and_load(X, devices)
    y_parts = gluon.utils.split_and_load(y, devices)
    with autograd.record():
        losses = [loss_fn(net(a), b) for a, b in zip(X_parts, y_parts)]
    for loss in losses:
        loss.backward()
    trainer.step(X.shape[0])


def test_check_parallel_step_accepts_split_and_load_with_the_whole_batch_size(capsys):
    exercises_training.check_parallel_step(_parallel_step)
    assert "all 3 cases pass" in capsys.readouterr().out


def test_check_parallel_step_rejects_stepping_with_one_part_size():
    def part_size(net, trainer, loss_fn, X, y, devices):
        X_parts = gluon.utils.split_and_load(X, devices)
        y_parts = gluon.utils.split_and_load(y, devices)
        with autograd.record():
            losses = [loss_fn(net(a), b) for a, b in zip(X_parts, y_parts)]
        for loss in losses:
            loss.backward()
        trainer.step(X_parts[0].shape[0])
    with pytest.raises(AssertionError, match="whole batch's size"):
        exercises_training.check_parallel_step(part_size)


def test_check_parallel_step_rejects_a_step_on_the_first_device_only():
    def first_device_only(net, trainer, loss_fn, X, y, devices):
        with autograd.record():
            y_hat = net(X.as_in_context(devices[0]))
            loss = loss_fn(y_hat, y.as_in_context(devices[0]))
        loss.backward()
        trainer.step(X.shape[0])
    with pytest.raises(AssertionError, match="did every device run forward"):
        exercises_training.check_parallel_step(first_device_only)


# ---- check_checkpoint ----
def _save(net, trainer, prefix, epoch):
    net.save_parameters(f"{prefix}-{epoch:04d}.params")
    trainer.save_states(f"{prefix}-{epoch:04d}.states")


def _load(net, trainer, prefix, epoch):
    net.load_parameters(f"{prefix}-{epoch:04d}.params")
    trainer.load_states(f"{prefix}-{epoch:04d}.states")


def test_check_checkpoint_accepts_parameters_and_trainer_states(capsys):
    exercises_training.check_checkpoint(_save, _load)
    assert "all 3 cases pass" in capsys.readouterr().out


def test_check_checkpoint_rejects_a_checkpoint_without_trainer_states():
    def save_weights(net, trainer, prefix, epoch):
        net.save_parameters(f"{prefix}-{epoch:04d}.params")

    def load_weights(net, trainer, prefix, epoch):
        net.load_parameters(f"{prefix}-{epoch:04d}.params")
    with pytest.raises(AssertionError, match="trainer's states too"):
        exercises_training.check_checkpoint(save_weights, load_weights)


def test_check_checkpoint_rejects_a_save_that_writes_nothing():
    def keep_in_memory(net, trainer, prefix, epoch):
        net.kept = [param.data().copy() for param in net.collect_params().values()]
    with pytest.raises(AssertionError, match="wrote no file"):
        exercises_training.check_checkpoint(keep_in_memory, lambda *args: None)


# ---- check_hand_step ----
def _softmax_ce_grad(z, labels):
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1
    return p / len(labels)


def _hand_step(weights, X, labels, lr, wd, decay_biases=True, per_example=False):
    W1, b1, W2, b2 = weights
    h = np.tanh(X @ W1.T + b1)
    g2 = _softmax_ce_grad(h @ W2.T + b2, labels)
    if per_example:
        g2 = g2 * len(labels)
    g1 = (g2 @ W2) * (1 - h * h)
    grads = [g1.T @ X, g1.sum(0), g2.T @ h, g2.sum(0)]
    decays = [wd, wd if decay_biases else 0.0] * 2
    return [w - lr * (g + d * w) for w, g, d in zip(weights, grads, decays)]


def test_check_hand_step_accepts_the_numpy_step(capsys):
    exercises_training.check_hand_step(_hand_step)
    assert "all 3 cases pass" in capsys.readouterr().out


def test_check_hand_step_rejects_a_step_that_does_not_decay_the_biases():
    with pytest.raises(AssertionError, match="b1 .*biases included"):
        exercises_training.check_hand_step(
            lambda *args: _hand_step(*args, decay_biases=False))


def test_check_hand_step_rejects_a_gradient_not_divided_by_the_batch_size():
    with pytest.raises(AssertionError, match="batch_size"):
        exercises_training.check_hand_step(
            lambda *args: _hand_step(*args, per_example=True))


def test_check_hand_step_rejects_a_result_that_is_not_the_four_arrays():
    with pytest.raises(AssertionError, match=r"expected a list of the four"):
        exercises_training.check_hand_step(lambda *args: _hand_step(*args)[:2])
