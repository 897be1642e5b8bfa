"""Hand-written tests for dlkit/ops/reduce.py and statistics.py: what the sweep and
the goldens miss."""
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


# ---- moments ----
def test_moments_gives_mean_and_biased_variance(ctx):
    x = mx.nd.array([[1, 2, 3], [4, 5, 6]], ctx=ctx)
    mean, var = mx.nd.moments(x, axes=(0,))
    assert mean.asnumpy().tolist() == [2.5, 3.5, 4.5]
    assert var.asnumpy().tolist() == [2.25, 2.25, 2.25]
    mean, var = mx.nd.moments(x, axes=(1,), keepdims=True)
    assert mean.shape == var.shape == (2, 1)


def test_moments_needs_axes_as_in_mxnet():
    with pytest.raises(MXNetError, match=r"moments.*axes is required.*axes=\(0, 1\)"):
        mx.nd.moments(mx.nd.ones((2, 3)))


def test_moments_of_integers_uses_the_truncated_mean(ctx):
    x = mx.nd.array([[0, 0, 7], [0, 0, 8]], ctx=ctx, dtype="int32")
    mean, var = mx.nd.moments(x, axes=(1,))
    # mean 7 // 3 = 2, then (4 + 4 + 25) / 3 = 11 (the float mean would give 10)
    assert mean.dtype == var.dtype == np.int32
    assert mean.asnumpy().tolist() == [2, 2] and var.asnumpy().tolist() == [11, 14]


def test_moments_gradient_combines_both_outputs(ctx):
    data = np.random.uniform(-1, 1, (2, 3))
    x = mx.nd.array(data, ctx=ctx, dtype="float64")
    x.attach_grad()
    with mx.autograd.record():
        mean, var = mx.nd.moments(x, axes=(1,))
    heads = [mx.nd.array(head, ctx=ctx, dtype="float64") for head in ([1, 2], [3, 5])]
    mx.autograd.backward([mean, var], heads)
    centered = data - data.mean(axis=1, keepdims=True)
    expected = (np.array([[1.0], [2.0]]) + 2 * np.array([[3.0], [5.0]]) * centered) / 3
    np.testing.assert_allclose(x.grad.asnumpy(), expected, rtol=1e-12)


# ---- cumsum ----
def test_cumsum_flattens_without_axis_and_sets_dtype(ctx):
    x = mx.nd.array([[1, 2, 3], [4, 5, 6]], ctx=ctx)
    assert mx.nd.cumsum(x).asnumpy().tolist() == [1, 3, 6, 10, 15, 21]
    assert mx.nd.cumsum(x, axis=0).asnumpy().tolist() == [[1, 2, 3], [5, 7, 9]]
    assert mx.nd.cumsum(x, dtype="float64").dtype == np.float64
    wrapped = mx.nd.cumsum(mx.nd.array([100, 100, 100], ctx=ctx, dtype="int8"))
    assert wrapped.asnumpy().tolist() == [100, -56, 44]   # int8 keeps int8, as in MXNet


def test_cumsum_gradient_is_a_reversed_running_sum(ctx):
    x = mx.nd.ones((2, 3), ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.cumsum(x, axis=1, dtype="float64")
    y.backward(mx.nd.array([[1, 2, 3], [4, 5, 6]], ctx=ctx, dtype="float64"))
    assert x.grad.dtype == np.float32
    assert x.grad.asnumpy().tolist() == [[6, 5, 3], [15, 11, 6]]


def test_cumsum_refuses_a_negative_axis_like_mxnet_and_names_the_fix():
    with pytest.raises(MXNetError, match=r"_np_cumsum.*negative axis \(-1\).*axis=1"):
        mx.nd.cumsum(mx.nd.ones((2, 3)), axis=-1)
    # shape inference accepts it, as MXNet's does
    assert mx.sym.cumsum(mx.sym.var("a"), axis=-1).infer_shape(a=(2, 3))[1] == [(2, 3)]
    with pytest.raises(MXNetError, match="axis 2 is out of range"):
        mx.nd.cumsum(mx.nd.ones((2, 3)), axis=2)


# ---- histogram ----
def test_histogram_counts_with_the_last_edge_inclusive(ctx):
    x = mx.nd.array([[0, 1], [2, 2], [3, 4]], ctx=ctx)
    counts, edges = mx.nd.histogram(x, bins=4, range=(0, 4))
    assert counts.dtype == np.int64 and edges.dtype == np.float32
    assert counts.asnumpy().tolist() == [1, 1, 2, 2]
    assert edges.asnumpy().tolist() == [0, 1, 2, 3, 4]
    counts, edges = mx.nd.histogram(x, bins=mx.nd.array([0, 2.1, 3], ctx=ctx))
    assert counts.asnumpy().tolist() == [4, 1]          # 4 lies outside: ignored


def test_histogram_of_integers_uses_integer_edges(ctx):
    x = mx.nd.arange(0, 6, ctx=ctx, dtype="int32")
    counts, edges = mx.nd.histogram(x, bins=3, range=(0, 5))
    assert edges.dtype == np.int32 and edges.asnumpy().tolist() == [0, 1, 3, 5]
    assert counts.asnumpy().tolist() == [1, 2, 3]


def test_histogram_without_range_uses_numpy_and_warns():
    x = mx.nd.array([0, 1, 2, 2, 3, 4])
    with pytest.warns(UserWarning, match="range is not specified"):
        counts, edges = mx.nd.histogram(x, bins=3)
    assert counts.dtype == np.float32 and counts.asnumpy().tolist() == [2, 2, 2]
    np.testing.assert_allclose(edges.asnumpy(), [0, 4 / 3, 8 / 3, 4], rtol=1e-6)


def test_symbol_histogram_needs_a_range_and_infers_shapes():
    with pytest.raises(ValueError, match="null range"):
        mx.sym.histogram(mx.sym.var("a"), bins=3)
    with pytest.raises(ValueError, match="integer or an NDArray"):
        mx.nd.histogram(mx.nd.ones(3), bins=2.5)
    symbol = mx.sym.histogram(mx.sym.var("a"), bins=3, range=(0, 4))
    _, out_shapes, _ = symbol.infer_shape(a=(3, 2))
    assert out_shapes == [(3,), (4,)]
    _, out_types, _ = symbol.infer_type(a="float32")
    assert out_types == [np.int64, np.float32]


@pytest.mark.parametrize("kwargs, message", [
    ({"bin_cnt": 3}, "bin_cnt and range together"),
    ({"bin_cnt": 3, "range": (4, 0)}, r"low <= high"),
    ({"bin_cnt": 0, "range": (0, 1)}, "at least 1"),
    ({}, "needs the bin edges"),
])
def test_histogram_errors_name_the_op_and_the_fix(kwargs, message):
    with pytest.raises(MXNetError, match=f"_histogram.*{message}"):
        mx.nd._histogram(mx.nd.ones((2, 2)), **kwargs)


def test_histogram_edges_must_be_a_vector_of_the_data_dtype():
    x = mx.nd.ones((2, 2))
    with pytest.raises(MXNetError, match=r"vector of at least 2 edges.*\(2, 2\)"):
        mx.nd._histogram(x, mx.nd.ones((2, 2)))
    with pytest.raises(MXNetError, match="float64.*float32"):
        mx.nd._histogram(x, mx.nd.array([0, 1, 2], dtype="float64"))
