"""Hand-written tests for dlkit/ops/reduce.py: what the sweep and the goldens miss."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def test_positional_axis_and_method_form_agree(ctx):
    x = mx.nd.array(np.arange(24).reshape(2, 3, 4), ctx=ctx)
    np.testing.assert_array_equal(mx.nd.sum(x, 1).asnumpy(), x.sum(axis=1).asnumpy())
    assert x.sum().shape == (1,)  # MXNet has no 0-d arrays


def test_exclude_reduces_every_other_axis():
    x = mx.nd.ones((2, 3, 4))
    assert mx.nd.sum(x, axis=1, exclude=True).asnumpy().tolist() == [8, 8, 8]
    assert mx.nd.mean(x, axis=(0, 2), exclude=True, keepdims=True).shape == (2, 1, 4)


def test_bad_axis_names_the_op_and_shape():
    with pytest.raises(MXNetError, match=r"sum.*axis 2.*\(2, 3\)"):
        mx.nd.sum(mx.nd.ones((2, 3)), axis=2)


def test_duplicate_axes_are_an_error():
    with pytest.raises(MXNetError, match="same axis twice"):
        mx.nd.max(mx.nd.ones((2, 3)), axis=(0, -2))


def test_max_ties_each_receive_the_full_gradient(ctx):
    x = mx.nd.array([[1, 3, 3], [2, 2, 1]], ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = x.max(axis=1)
    y.backward()
    assert x.grad.asnumpy().tolist() == [[0, 1, 1], [1, 1, 0]]


def test_integer_sum_and_mean_keep_the_dtype():
    x = mx.nd.array([[1, 3, 3], [2, 5, 1]], dtype="int32")
    assert mx.nd.sum(x, axis=1).dtype == np.int32
    assert mx.nd.mean(x, axis=1).asnumpy().tolist() == [2, 2]


def test_argmax_returns_float_indices_first_of_ties():
    x = mx.nd.array([[1, 3, 3], [2, 2, 1]])
    result = mx.nd.argmax(x, axis=1)
    assert result.dtype == np.float32
    assert result.asnumpy().tolist() == [1, 0]
    assert mx.nd.argmax(x).asnumpy().tolist() == [1]


def test_argmax_channel_needs_a_channel_axis():
    with pytest.raises(MXNetError, match="argmax_channel.*at least 2"):
        mx.nd.argmax_channel(mx.nd.ones((3,)))


def test_norm_out_dtype_casts_the_result():
    result = mx.nd.norm(mx.nd.array([[3, 4], [0, 0]]), axis=1, out_dtype="float64")
    assert result.dtype == np.float64
    assert result.asnumpy().tolist() == [5, 0]


def test_norm_only_supports_ord_1_and_2():
    with pytest.raises(MXNetError, match="norm.*ord must be 1 or 2"):
        mx.nd.norm(mx.nd.ones((2, 3)), ord=3)


def test_norm_l1_gradient_is_the_sign(ctx):
    x = mx.nd.array([[0, -2], [1, 3]], ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.norm(x, ord=1, axis=1)
    y.backward()
    assert x.grad.asnumpy().tolist() == [[0, -1], [1, 1]]


def test_integer_mean_gradient_truncates_like_mxnet(ctx):
    # MXNet 1.9.1: int32 gradients 3/3 -> 1 and 7/3 -> 2 (the mean's gradient is
    # divided, then cast back to the data's integer dtype)
    x = mx.nd.array([[1, 2, 3], [4, 5, 6]], dtype="int32", ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.mean(x, axis=1)
    y.backward(mx.nd.array([3, 7], dtype="int32", ctx=ctx))
    assert y.asnumpy().tolist() == [2, 5]
    assert x.grad.asnumpy().tolist() == [[1, 1, 1], [2, 2, 2]]
    assert x.grad.dtype == np.int32
