"""Tests for dlkit/ops/pooling.py beyond tests/ops/test_conv.py's pooling cases: the
fast path for windows that do not overlap (LeNet's 2x2 stride-2 max pooling)."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.ops.registry import get_op
from dlkit.test_utils import check_numeric_gradient

nd = mx.nd


def max_pool_grad_by_loops(x, out_grad, kernel, stride, pad=None, after=None):
    """Each window's gradient goes to its first maximum (row-major), as in MXNet.

    ``pad`` cells pad the start of each spatial axis and ``after`` cells its end
    (default: ``pad``), with the lowest float, as Pooling pads max pooling."""
    pad = pad or (0,) * len(kernel)
    after = after or pad
    canvas = np.pad(x, [(0, 0), (0, 0)] + list(zip(pad, after)),
                    constant_values=np.finfo(x.dtype).min)
    grad = np.zeros_like(canvas)
    for index in np.ndindex(*out_grad.shape):
        corner = [o * s for o, s in zip(index[2:], stride)]
        cells = tuple(slice(c, c + k) for c, k in zip(corner, kernel))
        window = canvas[index[:2] + cells]
        first = np.unravel_index(np.argmax(window), window.shape)
        grad[index[:2] + tuple(c + f for c, f in zip(corner, first))] += out_grad[index]
    inside = tuple(slice(p, p + n) for p, n in zip(pad, x.shape[2:]))
    return grad[(slice(None), slice(None)) + inside]


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


@pytest.mark.parametrize("shape, kernel, pad, after, convention", [
    ((2, 3, 8, 8), (2, 2), (0, 0), (0, 0), "valid"),
    ((2, 3, 6, 6), (2, 2), (1, 1), (1, 1), "valid"),
    ((2, 3, 7, 5), (2, 2), (0, 0), (1, 1), "full"),
    ((2, 3, 9), (3,), (0,), (0,), "valid"),
    ((1, 2, 4, 4, 6), (2, 2, 3), (0, 0, 0), (0, 0, 0), "valid"),
    ((2, 3, 7, 8), (2, 2), (0, 0), (0, 0), "valid"),
], ids=["lenet", "padded", "full-convention", "1-d", "3-d", "last-row-unread"])
def test_disjoint_max_pooling_gradient_with_padding_conventions_and_dimensions(
        shape, kernel, pad, after, convention):
    # windows with kernel == stride: each tap writes its share in place (no temporary),
    # also over padding, the 'full' convention's overhang and 1-D or 3-D windows;
    # cells that no window reads (the last of 7 rows) keep a zero gradient
    random = np.random.RandomState(7)
    x = np.maximum(random.uniform(-1, 1, shape), 0).astype("float32")  # ties of zeros
    attrs = {"kernel": kernel, "pool_type": "max", "global_pool": False,
             "pooling_convention": convention, "stride": kernel, "pad": pad,
             "p_value": None, "count_include_pad": None}
    pooling = get_op("Pooling")
    out = pooling.forward(np, x, **attrs)
    out_grad = random.uniform(-1, 1, out.shape).astype("float32")
    grad = pooling.backward(np, [x], [out], [out_grad], **attrs)[0]
    expected = max_pool_grad_by_loops(x, out_grad, kernel, kernel, pad, after)
    np.testing.assert_array_equal(grad, expected)


@pytest.mark.parametrize("pool_type", ["max", "avg", "sum", "lp"])
def test_integer_data_is_refused_as_in_mxnet(pool_type):
    # MXNet 1.9.1: "This operation only support floating point types, not int32"
    from dlkit.base import MXNetError
    data = mx.nd.ones((1, 1, 4, 4), dtype="int32")
    with pytest.raises(MXNetError, match="Pooling: data must be floating point, got "
                                         "int32"):
        mx.nd.Pooling(data, kernel=(2, 2), pool_type=pool_type, p_value=2)


# ---- Pooling_v1 ---------------------------------------------------------------------
def test_pooling_v1_max_pads_with_zeros_where_pooling_pads_with_the_lowest_value(ctx):
    x = nd.array(-np.arange(1.0, 10.0).reshape(1, 1, 3, 3), ctx=ctx)  # all negative
    x.attach_grad()
    attrs = dict(kernel=(2, 2), stride=(2, 2), pad=(1, 1))
    with mx.autograd.record():
        legacy = nd.Pooling_v1(x, **attrs)
    legacy.backward()
    current = nd.Pooling(x, **attrs)
    # three windows overlap the padding: MXNet 1.9.1 gives 0 there (v1) or the
    # maximum of their real cells; the last window lies inside the data
    np.testing.assert_array_equal(legacy.asnumpy()[0, 0], [[0, 0], [0, -5]])
    np.testing.assert_array_equal(current.asnumpy()[0, 0], [[-1, -2], [-4, -5]])
    # where the maximum is a padding cell, no gradient reaches the data
    expected = np.zeros((3, 3))
    expected[1, 1] = 1
    np.testing.assert_array_equal(x.grad.asnumpy()[0, 0], expected)


@pytest.mark.parametrize("attrs", [
    dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg"),
    dict(kernel=(2, 2), stride=(2, 2), pad=(1, 0), pool_type="sum",
         pooling_convention="full"),
    dict(kernel=(2, 2), stride=(1, 1)),
    dict(pool_type="max", global_pool=True)])
def test_pooling_v1_equals_pooling_everywhere_else(attrs):
    x = nd.array(np.random.uniform(-1, 1, (2, 3, 5, 4)))
    results = []
    for op_name in ("Pooling_v1", "Pooling"):
        data = x.copy()
        data.attach_grad()
        with mx.autograd.record():
            out = getattr(nd, op_name)(data, **attrs)
        out.backward(nd.ones(out.shape) * 2)
        results.append((out.asnumpy(), data.grad.asnumpy()))
    for legacy, current in zip(*results):
        np.testing.assert_array_equal(legacy, current)


@pytest.mark.parametrize("call, words", [
    (lambda: nd.Pooling_v1(nd.ones((1, 2, 5)), kernel=(2,)), "4-D"),
    (lambda: nd.Pooling_v1(nd.ones((1, 2, 4, 4, 4)), kernel=(2, 2, 2)), "4-D"),
    (lambda: nd.Pooling_v1(nd.ones((1, 2, 4, 4)), kernel=(2,)), "2-D kernel"),
    (lambda: nd.Pooling_v1(nd.ones((1, 2, 4, 4)), kernel=(2, 2), pool_type="lp"),
     "'lp' is not valid"),
    (lambda: nd.Pooling_v1(nd.ones((1, 2, 4, 4)), kernel=(2, 2), p_value=2),
     "unknown attribute 'p_value'"),
])
def test_pooling_v1_has_only_2d_max_avg_and_sum(call, words):
    with pytest.raises(mx.MXNetError) as error:
        call()
    assert words in str(error.value)
