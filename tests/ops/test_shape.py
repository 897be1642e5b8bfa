"""Hand-written tests for dlkit/ops/shape.py: what the sweep and the goldens miss."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError
from dlkit.ops.registry import get_op
from golden_replay import decode, load_topic


def _reshape_cases():
    cases, arrays = load_topic("ops_shape")
    for case in cases:
        if case["id"].startswith("Reshape_codes"):
            attrs = decode(case["attrs"])
            expected = arrays[case["outputs"][0]].shape
            yield pytest.param(attrs["shape"], attrs["reverse"], expected,
                               id=f"{attrs['shape']}-reverse={attrs['reverse']}")


@pytest.mark.parametrize("codes, reverse, expected", list(_reshape_cases()))
def test_reshape_special_codes_infer_the_shape_mxnet_gives(codes, reverse, expected):
    op = get_op("Reshape")
    _, out_shapes = op.infer_shape([(2, 3, 4)], shape=codes, reverse=reverse)
    assert out_shapes[0] == expected


def test_reshape_method_accepts_codes_and_reverse(ctx):
    x = mx.nd.zeros((10, 5, 4), ctx=ctx)
    assert x.reshape((-1, 0)).shape == (40, 5)
    assert x.reshape((-1, 0), reverse=True).shape == (50, 4)
    assert x.reshape(-3, -2).shape == (50, 4)


def test_reshape_with_wrong_size_names_both_shapes():
    with pytest.raises(MXNetError, match=r"Reshape.*\(2, 3, 4\).*\(2, 3, 5\)"):
        mx.nd.reshape(mx.nd.zeros((2, 3, 4)), shape=(2, 3, 5))


def test_reshape_rejects_two_inferred_dims():
    with pytest.raises(MXNetError, match="more than one -1"):
        mx.nd.zeros((2, 3, 4)).reshape(-1, -1)


def test_reshape_without_a_shape_says_what_to_give():
    with pytest.raises(MXNetError, match="target shape"):
        mx.nd.reshape(mx.nd.zeros((2, 3)))


def test_reshape_shape_attribute_round_trips_through_mxnet_strings():
    op = get_op("Reshape")
    attrs = op.parse_attrs({"shape": "(-4, 1, 2, -2)", "reverse": "False"})
    assert attrs == {"shape": (-4, 1, 2, -2), "reverse": False}


def test_positional_attributes_follow_mxnet_order():
    x = mx.nd.array(np.arange(6).reshape(2, 3))
    assert mx.nd.transpose(x, (1, 0)).shape == (3, 2)
    assert mx.nd.expand_dims(x, 0).shape == (1, 2, 3)
    assert mx.nd.swapaxes(x, 0, 1).shape == (3, 2)


def test_transpose_result_does_not_write_through_to_input():
    x = mx.nd.array([[1, 2], [3, 4]])
    y = x.T
    y += 10
    assert x.asnumpy().tolist() == [[1, 2], [3, 4]]


def test_squeeze_of_a_non_unit_axis_is_an_error():
    with pytest.raises(MXNetError, match="squeeze.*axis 1.*length is 2"):
        mx.nd.squeeze(mx.nd.zeros((1, 2, 1)), axis=1)


def test_broadcast_to_keeps_dims_given_as_zero_and_result_is_writable():
    y = mx.nd.broadcast_to(mx.nd.array([[1, 2, 3]]), shape=(2, 0))
    y[0, 0] = 7
    assert y.asnumpy().tolist() == [[7, 2, 3], [1, 2, 3]]


def test_broadcast_to_incompatible_shape_names_both():
    with pytest.raises(MXNetError, match=r"broadcast_to.*\(1, 3\).*\(2, 4\)"):
        mx.nd.broadcast_to(mx.nd.zeros((1, 3)), shape=(2, 4))


def test_concat_mismatch_names_every_shape():
    with pytest.raises(MXNetError, match=r"Concat.*\(2, 3\).*\(3, 1\)"):
        mx.nd.concat(mx.nd.zeros((2, 3)), mx.nd.zeros((3, 1)), dim=1)


def test_split_returns_a_list_and_checks_divisibility():
    parts = mx.nd.split(mx.nd.zeros((2, 6)), num_outputs=3)
    assert [p.shape for p in parts] == [(2, 2)] * 3
    with pytest.raises(MXNetError, match="3 equal parts"):
        mx.nd.split(mx.nd.zeros((2, 5)), num_outputs=3)


def test_slice_axis_with_an_empty_range_is_an_error_as_in_mxnet():
    with pytest.raises(MXNetError, match="slice_axis.*select nothing"):
        mx.nd.slice_axis(mx.nd.zeros((2, 3)), axis=1, begin=2, end=1)


def test_slice_step_zero_is_an_error():
    with pytest.raises(MXNetError, match="step"):
        mx.nd.slice(mx.nd.zeros((2, 3)), begin=(0,), end=(1,), step=(0,))


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


def test_topk_larger_than_axis_is_an_error():
    with pytest.raises(MXNetError, match="topk.*k=5"):
        mx.nd.topk(mx.nd.zeros((2, 4)), k=5)


def test_sort_descending_keeps_equal_values_in_input_order():
    data = mx.nd.array([[3, 1, 2, 1], [0, 5, 5, 4]])
    assert mx.nd.argsort(data, is_ascend=False).asnumpy().tolist() == \
        [[0, 2, 1, 3], [1, 2, 3, 0]]


def test_sort_shows_one_output_and_keeps_the_order_hidden():
    op = get_op("sort")
    attrs = op.parse_attrs({})
    assert op.num_outputs(attrs) == 2 and op.num_visible_outputs(attrs) == 1
    assert isinstance(mx.nd.sort(mx.nd.zeros((2, 3))), mx.nd.NDArray)


def test_transpose_axes_must_be_a_permutation():
    with pytest.raises(MXNetError, match="transpose"):
        mx.nd.transpose(mx.nd.zeros((2, 3)), axes=(1, 0, 2))


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
