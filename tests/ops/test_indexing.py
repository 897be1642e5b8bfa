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


# ---- batch_take, choose_element_0index, fill_element_0index, _onehot_encode ----
def test_batch_take_clips_indices_and_keeps_their_shape(ctx):
    a = mx.nd.array([[1, 2], [3, 4], [5, 6]], ctx=ctx)
    out = mx.nd.batch_take(a, mx.nd.array([[0, 5, -1]], dtype="int32", ctx=ctx))
    assert out.shape == (1, 3)
    assert out.asnumpy().tolist() == [[1, 4, 5]]


def test_batch_take_gradient_lands_on_the_chosen_elements(ctx):
    a = mx.nd.zeros((2, 3), ctx=ctx)
    a.attach_grad()
    with mx.autograd.record():
        out = mx.nd.batch_take(a, mx.nd.array([2, 0], ctx=ctx))
    out.backward(mx.nd.array([5, 7], ctx=ctx))
    assert a.grad.asnumpy().tolist() == [[0, 0, 5], [7, 0, 0]]


def test_batch_take_needs_2d_data_and_one_index_per_row():
    with pytest.raises(MXNetError, match=r"batch_take.*2-d.*\(2, 3, 4\).*pick"):
        mx.nd.batch_take(mx.nd.zeros((2, 3, 4)), mx.nd.array([0, 1]))
    with pytest.raises(MXNetError, match=r"batch_take.*\(2,\).*one index per row"):
        mx.nd.batch_take(mx.nd.zeros((3, 4)), mx.nd.array([0, 1]))


def test_batch_take_infers_int32_indices_in_a_graph():
    out = mx.sym.batch_take(mx.sym.var("a"), mx.sym.var("i"))
    arg_types, out_types, _ = out.infer_type(a="float32")
    assert arg_types == [np.float32, np.int32] and out_types == [np.float32]


def test_choose_element_0index_is_pick():
    data = mx.nd.array([[1, 2], [3, 4], [5, 6]])
    index = mx.nd.array([2, -1, -2])
    old = mx.nd.choose_element_0index(data, index, axis=1, mode="wrap")
    new = mx.nd.pick(data, index, mode="wrap")
    assert old.asnumpy().tolist() == new.asnumpy().tolist()
    assert get_op("choose_element_0index") is get_op("pick")


def test_fill_element_0index_leaves_rows_with_out_of_range_indices_alone(ctx):
    lhs = mx.nd.array(np.arange(12).reshape(3, 4), ctx=ctx)
    out = mx.nd.fill_element_0index(lhs, mx.nd.array([7, 8, 9], ctx=ctx),
                                    mx.nd.array([4, -1, 2.9], ctx=ctx))
    assert out.asnumpy().tolist() == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 9, 11]]
    assert lhs.asnumpy()[2, 2] == 10    # a copy: the input is unchanged


def test_fill_element_0index_checks_shapes_and_has_no_gradient():
    with pytest.raises(MXNetError, match=r"fill_element_0index.*mhs.*\(3,\).*2 rows"):
        mx.nd.fill_element_0index(mx.nd.zeros((2, 3)), mx.nd.zeros(3), mx.nd.zeros(2))
    lhs = mx.nd.zeros((2, 3))
    lhs.attach_grad()
    with mx.autograd.record():
        out = mx.nd.fill_element_0index(lhs, mx.nd.ones(2), mx.nd.zeros(2))
    with pytest.raises(MXNetError, match="fill_element_0index is not differentiable"):
        out.backward()


def test_onehot_encode_writes_into_out_and_zeroes_bad_rows(ctx):
    out = mx.nd.full((3, 4), 5, ctx=ctx)
    result = mx.nd.onehot_encode(mx.nd.array([-1, 3, 1.7], ctx=ctx), out)
    assert result is out
    assert out.asnumpy().tolist() == [[0, 0, 0, 0], [0, 0, 0, 1], [0, 1, 0, 0]]


def test_onehot_encode_needs_one_index_per_row():
    with pytest.raises(MXNetError, match=r"_onehot_encode.*\(2,\).*3 rows"):
        mx.nd.onehot_encode(mx.nd.array([0, 1]), mx.nd.zeros((3, 4)))
