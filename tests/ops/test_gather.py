"""Hand-written tests for dlkit/ops/gather.py: what the sweep and the MXNet goldens
(tests/golden/ops_gather.json) miss: repeated tuples, bad indices, shape errors."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def test_gather_gradient_adds_where_a_tuple_repeats(ctx):
    data = mx.nd.zeros((2, 2), ctx=ctx)
    data.attach_grad()
    with mx.autograd.record():
        out = mx.nd.gather_nd(data, mx.nd.array([[1, 1, 0], [0, 0, 0]], ctx=ctx))
    out.backward()
    np.testing.assert_array_equal(data.grad.asnumpy(), [[1, 0], [2, 0]])


def test_scatter_then_gather_returns_the_data(ctx):
    data = mx.nd.array([[1, 2], [3, 4]], ctx=ctx)
    indices = mx.nd.array([[2, 0]], ctx=ctx)
    scattered = mx.nd.scatter_nd(data, indices, shape=(3, 2))
    np.testing.assert_array_equal(scattered.asnumpy(), [[3, 4], [0, 0], [1, 2]])
    np.testing.assert_array_equal(mx.nd.gather_nd(scattered, indices).asnumpy(),
                                  data.asnumpy())


def test_out_of_range_index_names_the_axis():
    with pytest.raises(MXNetError, match="gather_nd: an index along axis 0 is out of "
                                         r"range for size 2"):
        mx.nd.gather_nd(mx.nd.ones((2, 3)), mx.nd.array([[5]]))


def test_too_many_index_columns_are_rejected():
    with pytest.raises(MXNetError, match="index 4 axes but the data"):
        mx.nd.gather_nd(mx.nd.ones((2, 3, 4)), mx.nd.ones((4, 1)))


def test_scatter_data_shape_must_fit_the_indices():
    with pytest.raises(MXNetError, match=r"scatter_nd: data must .*\(2, 4\)"):
        mx.nd.scatter_nd(mx.nd.ones((3, 4)), mx.nd.ones((1, 2)), shape=(5, 4))
    graph = mx.sym.scatter_nd(mx.sym.var("d"), mx.sym.var("i"), shape=(5, 4))
    assert graph.infer_shape(i=(1, 2))[0] == [(2, 4), (1, 2)]


# ---- ravel_multi_index, unravel_index ----
def test_ravel_and_unravel_are_inverses(ctx):
    tuples = mx.nd.array([[3, 6, 6], [4, 5, 1]], ctx=ctx)
    flat = mx.nd.ravel_multi_index(tuples, shape=(7, 6))
    assert flat.asnumpy().tolist() == [22, 41, 37]
    back = mx.nd.unravel_index(flat, shape=(-1, 6))
    assert back.asnumpy().tolist() == tuples.asnumpy().tolist()


def test_ravel_truncates_and_does_not_range_check():
    # MXNet's quirks: 3.7 -> 3, and column 2 (index 9 past 7 rows) is not rejected
    flat = mx.nd.ravel_multi_index(mx.nd.array([[3.7, 9], [4, 7]]), shape=(7, 6))
    assert flat.asnumpy().tolist() == [22, 61]


def test_unravel_keeps_c_remainders_and_leaves_the_first_index_unbounded():
    out = mx.nd.unravel_index(mx.nd.array([-1, 100], dtype="int32"), shape=(7, 6))
    assert out.dtype == np.int32
    assert out.asnumpy().tolist() == [[0, 16], [-1, 4]]


def test_ravel_shape_errors_explain_the_layout():
    with pytest.raises(MXNetError, match=r"_ravel_multi_index.*\(2, N\).*\(3, 2\)"):
        mx.nd.ravel_multi_index(mx.nd.zeros((3, 2)), shape=(7, 6))
    with pytest.raises(MXNetError, match="shape is required"):
        mx.nd.ravel_multi_index(mx.nd.zeros((2, 2)))
    with pytest.raises(MXNetError, match=r"_unravel_index.*1-d.*reshape"):
        mx.nd.unravel_index(mx.nd.zeros((2, 2)), shape=(7, 6))
    with pytest.raises(MXNetError, match=r"\(3, 0\) has a 0"):
        mx.nd.unravel_index(mx.nd.zeros(2), shape=(3, 0))


def test_ravel_gradient_is_zero():
    tuples = mx.nd.array([[1, 2], [0, 1]])
    tuples.attach_grad()
    with mx.autograd.record():
        flat = mx.nd.ravel_multi_index(tuples, shape=(3, 3))
    flat.backward()
    assert tuples.grad.asnumpy().tolist() == [[0, 0], [0, 0]]
