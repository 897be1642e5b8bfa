"""The lesson checkers accept right answers and reject wrong ones, saying why."""
import numpy as np
import pytest

import dlkit as mx
from dlkit import autograd, exercises, nd


# ---- check_try_gpu ----
def test_check_try_gpu_accepts_the_context_this_machine_can_use(capsys):
    exercises.check_try_gpu(lambda: mx.gpu(0) if mx.num_gpus() > 0 else mx.cpu())
    assert "is right" in capsys.readouterr().out


def test_check_try_gpu_rejects_a_non_context():
    with pytest.raises(AssertionError, match="expected a Context"):
        exercises.check_try_gpu(lambda: "cpu")


@pytest.mark.skipif(mx.context.num_gpus() > 0, reason="needs a machine without GPU")
def test_check_try_gpu_rejects_gpu_on_a_machine_without_one():
    with pytest.raises(AssertionError, match="0 GPU"):
        exercises.check_try_gpu(lambda: mx.gpu(0))


# ---- check_softmax ----
def _stable_softmax(X):
    exps = nd.exp(X - X.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


def test_check_softmax_accepts_a_stable_softmax(capsys):
    exercises.check_softmax(_stable_softmax)
    assert "all 3 cases pass" in capsys.readouterr().out


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the overflow is the point
def test_check_softmax_rejects_the_overflowing_softmax_with_a_hint():
    def naive(X):
        exps = nd.exp(X)
        return exps / exps.sum(axis=1, keepdims=True)
    with pytest.raises(AssertionError, match="subtract each row's max first"):
        exercises.check_softmax(naive)


def test_check_softmax_rejects_a_numpy_result():
    with pytest.raises(AssertionError, match="returned ndarray, expected an NDArray"):
        exercises.check_softmax(lambda X: X.asnumpy())


# ---- check_grad_of ----
def _grad_of(f, x):
    x.attach_grad()
    with autograd.record():
        y = f(x)
    y.backward()
    return x.grad


def test_check_grad_of_accepts_autograd(capsys):
    exercises.check_grad_of(_grad_of)
    assert "all 3 cases pass" in capsys.readouterr().out


def test_check_grad_of_rejects_the_function_value():
    with pytest.raises(AssertionError, match="f\\(x\\) = x \\* x \\* x"):
        exercises.check_grad_of(lambda f, x: f(x))


# ---- check_relu ----
def test_check_relu_accepts_maximum_with_zero(capsys):
    exercises.check_relu(lambda X: nd.maximum(X, 0))
    assert "all 4 cases pass" in capsys.readouterr().out


def test_check_relu_rejects_absolute_value():
    with pytest.raises(AssertionError, match="check_relu: for \\[-2"):
        exercises.check_relu(nd.abs)


def test_check_relu_rejects_a_function_without_gradient():
    with pytest.raises(AssertionError, match="the gradient"):
        exercises.check_relu(lambda X: nd.maximum(X, 0).detach())


# ---- check_dropout ----
def _dropout(X, drop_probability):
    keep_probability = 1 - drop_probability
    if keep_probability == 0:
        return X.zeros_like()
    mask = nd.array(np.random.rand(*X.shape) < keep_probability)
    return mask * X / keep_probability


def test_check_dropout_accepts_inverted_dropout(capsys):
    exercises.check_dropout(_dropout)
    assert "all 4 cases pass" in capsys.readouterr().out


def test_check_dropout_rejects_dropout_without_rescaling():
    def unscaled(X, drop_probability):
        return _dropout(X, drop_probability) * (1 - drop_probability)
    with pytest.raises(AssertionError, match="the kept entries"):
        exercises.check_dropout(unscaled)


def test_check_dropout_rejects_dropping_too_much():
    def double(X, drop_probability):
        return _dropout(X, min(1.0, 2 * drop_probability))
    with pytest.raises(AssertionError, match="of the entries are zero"):
        exercises.check_dropout(double)
