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
