"""Hand-written tests for dlkit/ops/indexing.py: what the sweep and the goldens miss."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError
from dlkit.ops.registry import get_op


def test_take_raise_mode_rejects_out_of_range_indices():
    with pytest.raises(MXNetError, match="take.*out of range"):
        mx.nd.take(mx.nd.zeros((2, 3)), mx.nd.array([0, 2]), mode="raise")


def test_take_gradient_adds_up_repeated_indices(ctx):
    table = mx.nd.array(np.arange(6).reshape(3, 2), ctx=ctx)
    table.attach_grad()
    with mx.autograd.record():
        rows = mx.nd.take(table, mx.nd.array([0, 0, 2, 0], ctx=ctx))
    rows.backward()
    assert table.grad.asnumpy().tolist() == [[3, 3], [0, 0], [1, 1]]


def test_pick_index_of_the_wrong_shape_is_an_error():
    with pytest.raises(MXNetError, match=r"pick.*\(3,\).*\(2, 3\)"):
        mx.nd.pick(mx.nd.zeros((2, 3)), mx.nd.array([0, 1, 2]))


def test_getitem_slice_gradient_under_record(ctx):
    x = mx.nd.array(np.arange(12).reshape(4, 3), ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = x[1:3] * 2
    y.backward()
    expected = np.zeros((4, 3))
    expected[1:3] = 2
    np.testing.assert_array_equal(x.grad.asnumpy(), expected)


def test_getitem_advanced_index_gradient_adds_repeats(ctx):
    x = mx.nd.array(np.arange(12).reshape(4, 3), ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = x[mx.nd.array([0, 2, 0], ctx=ctx)]
    y.backward()
    assert x.grad.asnumpy()[:, 0].tolist() == [2, 0, 1, 0]


def test_getitem_tuple_key_gradient_and_value(ctx):
    x = mx.nd.array(np.arange(24).reshape(2, 3, 4), ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = x[1, :, 1:3]
    assert y.asnumpy().tolist() == [[13, 14], [17, 18], [21, 22]]
    y.backward()
    assert x.grad.asnumpy().sum() == 6 and x.grad.asnumpy()[1, :, 1:3].min() == 1


def test_getitem_out_of_range_names_the_shape():
    op = get_op("_getitem")
    with pytest.raises(MXNetError, match=r"_getitem.*\(4, 3\)"):
        op.infer_shape([(4, 3)], key=(0, 5))


def test_clip_mode_moves_out_of_range_indices_to_the_ends_as_mxnet():
    data = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    assert mx.nd.pick(data, mx.nd.array([-1, 7])).asnumpy().tolist() == [1.0, 6.0]
    taken = mx.nd.take(mx.nd.array([10, 20, 30]), mx.nd.array([-2, 1.7, 9]))
    assert taken.asnumpy().tolist() == [10.0, 20.0, 30.0]   # 1.7 truncates to 1


def test_pick_gradient_is_exactly_zero_off_the_picked_places(ctx):
    # MXNet scatters the gradient into zeros: a negative or NaN gradient must not
    # leave -0.0 or NaN in the other places (as multiplying a one-hot mask would)
    x = mx.nd.array([[1, 2, 3], [4, 5, 6]], ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.pick(x, mx.nd.array([0, 2], ctx=ctx), axis=-1)
    y.backward(mx.nd.array([-1.5, float("nan")], ctx=ctx))
    grad = x.grad.asnumpy()
    assert grad[0, 0] == -1.5 and np.isnan(grad[1, 2])
    others = np.delete(grad.ravel(), [0, 5])
    assert (others == 0).all() and not np.signbit(others).any()


def test_pick_along_a_middle_axis_matches_mxnet(ctx):
    # values printed by MXNet 1.9.1 for this call
    x = mx.nd.array(np.arange(24).reshape(2, 3, 4), ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.pick(x, mx.nd.array([[0, 2, 1, 1], [2, 2, 0, 1]], ctx=ctx), axis=1,
                       keepdims=True)
    y.backward(mx.nd.array(np.arange(8).reshape(2, 1, 4) + 1, ctx=ctx))
    assert y.shape == (2, 1, 4)
    assert y.asnumpy().ravel().tolist() == [0, 9, 6, 7, 20, 21, 14, 19]
    assert x.grad.asnumpy().tolist() == [
        [[1, 0, 0, 0], [0, 0, 3, 4], [0, 2, 0, 0]],
        [[0, 0, 7, 0], [0, 0, 0, 8], [5, 6, 0, 0]]]


def test_one_hot_negative_depth_is_refused():
    # MXNet 1.9.1: "depth, must be a non-negative integer"
    with pytest.raises(MXNetError, match="one_hot: depth=-1 must be a non-negative"):
        mx.nd.one_hot(mx.nd.array([0, 1]), depth=-1)
