"""Hand-written tests for dlkit/ops/linalg.py: what the sweep and the goldens miss."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def test_dot_contracts_last_axis_of_lhs_with_first_of_rhs(ctx):
    lhs = np.random.uniform(size=(2, 3, 4)).astype(np.float32)
    rhs = np.random.uniform(size=(4, 5, 6)).astype(np.float32)
    result = mx.nd.dot(mx.nd.array(lhs, ctx=ctx), mx.nd.array(rhs, ctx=ctx))
    expected = np.tensordot(lhs, rhs, axes=1)
    np.testing.assert_allclose(result.asnumpy(), expected, rtol=1e-5)


def test_dot_of_two_vectors_has_shape_one():
    assert mx.nd.dot(mx.nd.ones((4,)), mx.nd.ones((4,))).shape == (1,)


def test_dot_mismatch_names_both_shapes_and_the_transposes():
    with pytest.raises(MXNetError, match=r"dot.*\(2, 3\).*\(4, 5\).*transpose_a=False, "
                                         r"transpose_b=True"):
        mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((4, 5)), transpose_b=True)


def test_dot_cannot_transpose_two_vectors():
    with pytest.raises(MXNetError, match="cannot transpose vectors"):
        mx.nd.dot(mx.nd.ones((4,)), mx.nd.ones((4,)), transpose_a=True)


def test_dot_transposes_match_numpy(ctx):
    lhs = np.random.uniform(size=(4, 3))
    rhs = np.random.uniform(size=(5, 4))
    result = mx.nd.dot(mx.nd.array(lhs, ctx=ctx, dtype="float64"),
                       mx.nd.array(rhs, ctx=ctx, dtype="float64"),
                       transpose_a=True, transpose_b=True)
    np.testing.assert_allclose(result.asnumpy(), lhs.T @ rhs.T)


def test_batch_dot_needs_equal_batches():
    with pytest.raises(MXNetError, match=r"batch_dot.*\(2, 3, 4\).*\(3, 4, 5\).*batch"):
        mx.nd.batch_dot(mx.nd.ones((2, 3, 4)), mx.nd.ones((3, 4, 5)))


def test_batch_dot_refuses_matrices():
    with pytest.raises(MXNetError, match="3 or more dimensions.*use dot"):
        mx.nd.batch_dot(mx.nd.ones((3, 4)), mx.nd.ones((4, 5)))


def test_linalg_gemm2_scales_by_alpha(ctx):
    a = np.random.uniform(size=(2, 3, 4))
    b = np.random.uniform(size=(2, 4, 5))
    result = mx.nd.linalg_gemm2(mx.nd.array(a, ctx=ctx, dtype="float64"),
                                mx.nd.array(b, ctx=ctx, dtype="float64"), alpha=0.5)
    np.testing.assert_allclose(result.asnumpy(), 0.5 * a @ b)
