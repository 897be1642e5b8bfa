"""Tests for dlkit/ops/pooling.py beyond tests/ops/test_conv.py's pooling cases: the
fast path for windows that do not overlap (LeNet's 2x2 stride-2 max pooling)."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.test_utils import check_numeric_gradient

nd = mx.nd


def max_pool_grad_by_loops(x, out_grad, kernel, stride):
    """Each window's gradient goes to its first maximum (row-major), as in MXNet."""
    grad = np.zeros_like(x)
    for n, c, i, j in np.ndindex(*out_grad.shape):
        window = x[n, c, i * stride[0]:i * stride[0] + kernel[0],
                   j * stride[1]:j * stride[1] + kernel[1]]
        di, dj = np.unravel_index(np.argmax(window), window.shape)
        grad[n, c, i * stride[0] + di, j * stride[1] + dj] += out_grad[n, c, i, j]
    return grad


@pytest.mark.parametrize("kernel, stride", [((2, 2), (2, 2)), ((2, 1), (3, 2)),
                                            ((3, 3), (2, 2))],
                         ids=["lenet-disjoint", "gaps-between-windows", "overlapping"])
def test_max_pooling_gradient_goes_to_first_maximum_after_relu_ties(ctx, kernel,
                                                                    stride):
    # after a ReLU many windows are all zeros: every cell ties, the first one wins
    random = np.random.RandomState(5)
    x = np.maximum(random.uniform(-1, 1, (2, 3, 7, 8)), 0).astype("float32")
    x[0, 0, :2, :2] = 0.5                         # a window of equal positive values
    data = nd.array(x, ctx=ctx)
    data.attach_grad()
    with mx.autograd.record():
        out = nd.Pooling(data, kernel=kernel, stride=stride, pool_type="max")
    out_grad = random.uniform(-1, 1, out.shape).astype("float32")
    out.backward(nd.array(out_grad, ctx=ctx))
    expected = max_pool_grad_by_loops(x, out_grad, kernel, stride)
    # overlapping windows may add their shares to a cell in another order: rounding only
    np.testing.assert_allclose(data.grad.asnumpy(), expected, rtol=1e-6, atol=1e-7)
    assert data.grad.dtype == np.float32


def test_disjoint_max_pooling_gradient_matches_numeric():
    data = np.random.RandomState(6).uniform(0.1, 1, (1, 2, 6, 4))
    check_numeric_gradient(
        lambda arrays: nd.Pooling(*arrays, kernel=(2, 2), stride=(2, 2),
                                  pool_type="max"),
        {"data": data}, rtol=1e-4, atol=1e-8)
