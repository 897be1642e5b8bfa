"""Hand-written tests for dlkit/ops/compare.py: what the sweep and the goldens miss."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def test_comparisons_give_ones_and_zeros_in_the_input_dtype():
    lhs = mx.nd.array([1, 2, 3], dtype="int32")
    result = lhs > mx.nd.array([2, 2, 2], dtype="int32")
    assert result.dtype == np.int32 and result.asnumpy().tolist() == [0, 0, 1]


def test_logical_xor_broadcasts_and_treats_non_zero_as_true():
    lhs, rhs = mx.nd.array([[0, 1, 2]]), mx.nd.array([[0], [3]])
    result = mx.nd.broadcast_logical_xor(lhs, rhs)
    assert result.asnumpy().tolist() == [[0, 1, 1], [1, 0, 0]]


def test_where_with_a_vector_condition_selects_whole_rows():
    condition = mx.nd.array([1, 0])
    result = mx.nd.where(condition, mx.nd.ones((2, 3)), mx.nd.zeros((2, 3)))
    assert result.asnumpy().tolist() == [[1, 1, 1], [0, 0, 0]]


def test_where_gradient_goes_to_the_chosen_side(ctx):
    condition = mx.nd.array([1, 0, 1], ctx=ctx)
    x = mx.nd.zeros((3,), ctx=ctx)
    y = mx.nd.zeros((3,), ctx=ctx)
    x.attach_grad()
    y.attach_grad()
    with mx.autograd.record():
        z = mx.nd.where(condition, x, y)
    z.backward()
    assert x.grad.asnumpy().tolist() == [1, 0, 1]
    assert y.grad.asnumpy().tolist() == [0, 1, 0]


def test_where_condition_of_another_shape_names_both_shapes():
    with pytest.raises(MXNetError, match=r"where.*\(3,\).*\(2, 3\)"):
        mx.nd.where(mx.nd.ones((3,)), mx.nd.ones((2, 3)), mx.nd.ones((2, 3)))
