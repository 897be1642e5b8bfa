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
