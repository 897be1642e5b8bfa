"""Hand-written tests for dlkit/ops/binary.py: what the sweep and the goldens miss."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def test_integer_division_truncates_and_keeps_the_dtype_as_in_mxnet():
    lhs = mx.nd.array([7, -7], dtype="int32")
    rhs = mx.nd.array([2, 2], dtype="int32")
    result = mx.nd.elemwise_div(lhs, rhs)
    assert result.dtype == np.int32 and result.asnumpy().tolist() == [3, -3]


def test_maximum_sends_the_gradient_of_a_tie_to_lhs(ctx):
    x = mx.nd.array([1.0, 2.0], ctx=ctx)
    y = mx.nd.array([1.0, 3.0], ctx=ctx)
    x.attach_grad()
    y.attach_grad()
    with mx.autograd.record():
        z = mx.nd.maximum(x, y)
    z.backward()
    assert x.grad.asnumpy().tolist() == [1, 0]
    assert y.grad.asnumpy().tolist() == [0, 1]


def test_broadcast_gradient_is_summed_back_to_each_input(ctx):
    x = mx.nd.ones((2, 3), ctx=ctx)
    b = mx.nd.ones((1, 3), ctx=ctx)
    b.attach_grad()
    with mx.autograd.record():
        y = mx.nd.broadcast_mul(x, b)
    y.backward()
    assert b.grad.shape == (1, 3) and b.grad.asnumpy().tolist() == [[2, 2, 2]]


def test_elemwise_add_of_different_shapes_names_both_and_suggests_broadcast():
    expected = r"elemwise_add.*\(2, 3\).*\(3, 2\).*broadcast"
    with pytest.raises(MXNetError, match=expected):
        mx.nd.elemwise_add(mx.nd.ones((2, 3)), mx.nd.ones((3, 2)))


def test_add_n_sums_every_input_and_passes_the_gradient_to_each(ctx):
    arrays = [mx.nd.full((2,), value, ctx=ctx) for value in (1, 2, 3)]
    for array in arrays:
        array.attach_grad()
    with mx.autograd.record():
        total = mx.nd.add_n(*arrays)
    total.backward()
    assert total.asnumpy().tolist() == [6, 6]
    assert all(array.grad.asnumpy().tolist() == [1, 1] for array in arrays)
