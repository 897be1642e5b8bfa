"""The tape (dlkit/autograd.py): recording, gradients summed over paths, and freeing."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def test_gradient_summed_over_two_paths():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        y = x * x + mx.nd.tanh(x)
    y.backward()
    expected = 2 * np.array([1.0, 2.0]) + 1 - np.tanh([1.0, 2.0]) ** 2
    np.testing.assert_allclose(x.grad.asnumpy(), expected, rtol=1e-5)


def test_tape_is_freed_after_backward():
    x = mx.nd.ones((3,))
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.sigmoid(x * 2)
    node = y._entry[0]
    y.backward()
    assert node.inputs is None and node.outputs is None and node.out_grads is None
    with pytest.raises(MXNetError, match="sigmoid.*retain_graph"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = mx.nd.array([0.5])
    x.attach_grad(grad_req="add")
    with mx.autograd.record():
        y = x * 3
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.asscalar() == pytest.approx(6.0)


def test_long_chain_matches_the_chain_rule():
    x = mx.nd.array([0.3])
    x.attach_grad()
    with mx.autograd.record():
        y = x
        for _ in range(50):
            y = y * 0.9
    y.backward()
    assert x.grad.asscalar() == pytest.approx(0.9 ** 50, rel=1e-4)


def test_recording_flags_default_to_off_in_a_new_thread():
    import threading
    seen = []
    with mx.autograd.record():
        thread = threading.Thread(target=lambda: seen.append(
            (mx.autograd.is_recording(), mx.autograd.is_training())))
        thread.start()
        thread.join()
    assert seen == [(False, False)]


def _fc(x, w, b):
    return mx.nd.FullyConnected(x, w, b, num_hidden=w.shape[0])


def _dense_case(ctx):
    rng = np.random.default_rng(0)
    x = mx.nd.array(rng.standard_normal((4, 3)), ctx=ctx)
    w = mx.nd.array(rng.standard_normal((2, 3)), ctx=ctx)
    b = mx.nd.array(rng.standard_normal((2,)), ctx=ctx)
    return x, w, b


def test_weight_gradient_is_written_into_the_same_grad_array(ctx, monkeypatch):
    from dlkit.ops.conv import FullyConnected
    offered = []
    backward = FullyConnected.backward

    def spy(self, *args, grad_into=None, **kwargs):
        offered.append(grad_into)
        return backward(self, *args, grad_into=grad_into, **kwargs)
    monkeypatch.setattr(FullyConnected, "backward", spy)
    x, w, b = _dense_case(ctx)
    w.attach_grad()
    b.attach_grad()
    held, buffer = w.grad, w.grad._data
    with mx.autograd.record():
        y = _fc(x, w, b)
    y.backward()
    assert offered[0][1] is buffer                 # the GEMM got w.grad to write into
    assert w.grad is held and w.grad._data is buffer
    expected = np.ones((4, 2), np.float32).T @ x.asnumpy()
    np.testing.assert_allclose(w.grad.asnumpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(b.grad.asnumpy(), [4, 4])


def test_a_weight_used_twice_still_adds_both_gradients(ctx):
    x, w, b = _dense_case(ctx)
    w.attach_grad()
    with mx.autograd.record():
        y = _fc(x, w, b) + _fc(x * 2, w, b)
    y.backward()
    expected = 3 * (np.ones((4, 2), np.float32).T @ x.asnumpy())
    np.testing.assert_allclose(w.grad.asnumpy(), expected, rtol=1e-6)


def test_grad_req_add_and_autograd_grad_are_not_written_into_place(ctx):
    x, w, b = _dense_case(ctx)
    w.attach_grad(grad_req="add")
    for _ in range(2):
        with mx.autograd.record():
            y = _fc(x, w, b)
        y.backward()
    single = np.ones((4, 2), np.float32).T @ x.asnumpy()
    np.testing.assert_allclose(w.grad.asnumpy(), 2 * single, rtol=1e-6)
    before = w.grad.asnumpy()
    with mx.autograd.record():
        y = _fc(x, w, b)
    (grad,) = mx.autograd.grad(y, [w], head_grads=mx.nd.ones((4, 2), ctx=ctx))
    np.testing.assert_allclose(grad.asnumpy(), single, rtol=1e-6)
    np.testing.assert_array_equal(w.grad.asnumpy(), before)   # .grad untouched


def test_custom_function_backward_reaches_the_leaf(ctx):
    class Square(mx.autograd.Function):
        def forward(self, x):
            self.save_for_backward(x)
            return x * x

        def backward(self, dy):
            x, = self.saved_tensors
            return 2 * x * dy

    x = mx.nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = Square()(x) * 3
    y.backward()
    assert x.grad.asnumpy().tolist() == [6.0, 12.0]
