"""Hand-written tests for MXNet's linalg family (dlkit/ops/linalg.py,
linalg_triangular.py, linalg_factor.py): what the sweep and the goldens miss."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError
from dlkit.test_utils import check_numeric_gradient


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


# --------------------------------------------------------------------------------------
# The linalg family (mx.nd.linalg.*).
# --------------------------------------------------------------------------------------
SPD = np.array([[4.0, 1.0, 0.5], [1.0, 5.0, -1.0], [0.5, -1.0, 3.0]])


def _nd(value, ctx=None, dtype="float64"):
    return mx.nd.array(value, ctx=ctx or mx.cpu(), dtype=dtype)


def test_namespaces_hold_mxnets_linalg_family():
    expected = ["det", "extractdiag", "extracttrian", "gelqf", "gemm", "gemm2",
                "inverse", "makediag", "maketrian", "potrf", "potri", "slogdet",
                "sumlogdiag", "syevd", "syrk", "trmm", "trsm"]
    for namespace in (mx.nd.linalg, mx.sym.linalg):
        assert sorted(n for n in dir(namespace) if not n.startswith("_")) == expected
    # as in MXNet 1.9.1, syevd alone has no linalg_* alias
    assert hasattr(mx.nd, "linalg_potrf") and not hasattr(mx.nd, "linalg_syevd")


def test_potrf_factors_and_reads_one_triangle(ctx):
    noisy = np.tril(SPD) + np.triu(np.full((3, 3), 100.0), 1)   # upper is never read
    factor = mx.nd.linalg.potrf(_nd(noisy, ctx)).asnumpy()
    np.testing.assert_allclose(factor @ factor.T, SPD, rtol=1e-12)
    assert np.all(np.triu(factor, 1) == 0)
    upper = mx.nd.linalg.potrf(_nd(noisy.T, ctx), lower=False).asnumpy()
    np.testing.assert_allclose(upper, factor.T, rtol=1e-12)


def test_potrf_rejects_matrices_that_are_not_positive_definite():
    with pytest.raises(MXNetError, match="_linalg_potrf.*not symmetric positive"):
        mx.nd.linalg.potrf(mx.nd.array([[1.0, 2.0], [2.0, 1.0]]))


def _symmetric_input(function):
    """``function`` of ``X + X.T + 3 I``: a numeric check through it perturbs the
    symmetric input symmetrically, the only perturbations a symmetric A has."""
    def composite(arrays):
        x = arrays[0]
        return function(x + x.T + 3 * mx.nd.array(np.eye(x.shape[-1]), dtype=x.dtype))
    return composite


@pytest.mark.parametrize("lower", [True, False])
def test_potrf_gradient_for_symmetric_perturbations(lower):
    x = np.random.uniform(-0.5, 0.5, size=(3, 3))
    check_numeric_gradient(_symmetric_input(
        lambda a: mx.nd.linalg.potrf(a, lower=lower)), [x], rtol=1e-6)


def test_potrf_and_syevd_gradients_are_symmetric_as_in_mxnet():
    for function in (mx.nd.linalg.potrf, lambda a: mx.nd.linalg.syevd(a)[0]):
        a = _nd(SPD)
        a.attach_grad()
        with mx.autograd.record():
            out = function(a)
        out.backward(mx.nd.array(np.random.uniform(size=(3, 3)), dtype="float64"))
        grad = a.grad.asnumpy()
        np.testing.assert_allclose(grad, grad.T, rtol=1e-12)


def test_syevd_decomposes_with_mxnets_sign_rule(ctx):
    noisy = np.tril(SPD) + np.triu(np.full((3, 3), 7.0), 1)   # reads the lower triangle
    rows, values = (x.asnumpy() for x in mx.nd.linalg.syevd(_nd(noisy, ctx)))
    np.testing.assert_allclose(rows @ SPD, values[:, None] * rows, atol=1e-12)
    np.testing.assert_allclose(rows @ rows.T, np.eye(3), atol=1e-12)
    assert np.all(np.diff(values) > 0)
    largest = rows[np.arange(3), np.abs(rows).argmax(axis=1)]
    assert np.all(largest > 0)


def test_syevd_gradient_for_symmetric_perturbations():
    x = np.random.uniform(-0.5, 0.5, size=(3, 3)) + np.diag([0.0, 1.0, 2.0])
    check_numeric_gradient(_symmetric_input(mx.nd.linalg.syevd), [x], rtol=1e-5)


def test_potri_inverts_from_the_cholesky_factor(ctx):
    factor = np.linalg.cholesky(SPD)
    noisy = factor + np.triu(np.ones((3, 3)), 1)
    result = mx.nd.linalg.potri(_nd(noisy, ctx)).asnumpy()
    np.testing.assert_allclose(result, np.linalg.inv(SPD), rtol=1e-10)
    upper = mx.nd.linalg.potri(_nd(factor.T, ctx), lower=False).asnumpy()  # U.T @ U
    np.testing.assert_allclose(upper, np.linalg.inv(SPD), rtol=1e-10)


@pytest.mark.parametrize("rightside", [False, True])
@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("lower", [False, True])
def test_trsm_solves_what_trmm_multiplies(rightside, transpose, lower):
    a = np.random.uniform(0.5, 1.5, size=(2, 3, 3))
    b = np.random.uniform(-1, 1, size=(2, 4, 3) if rightside else (2, 3, 4))
    attrs = {"rightside": rightside, "transpose": transpose, "lower": lower}
    solved = mx.nd.linalg.trsm(_nd(a), _nd(b), alpha=2.0, **attrs)
    back = mx.nd.linalg.trmm(_nd(a), solved, alpha=0.5, **attrs)
    np.testing.assert_allclose(back.asnumpy(), b, rtol=1e-10)
    triangle = np.tril(a) if lower else np.triu(a)
    operand = triangle.swapaxes(-1, -2) if transpose else triangle
    expected = b @ operand if rightside else operand @ b
    product = mx.nd.linalg.trmm(_nd(a), _nd(b), **attrs).asnumpy()
    np.testing.assert_allclose(product, expected, rtol=1e-12)


def test_trsm_with_a_zero_on_the_diagonal_names_the_op():
    with pytest.raises(MXNetError, match="_linalg_trsm.*singular"):
        mx.nd.linalg.trsm(mx.nd.array([[0.0, 0.0], [2.0, 4.0]]), mx.nd.ones((2, 2)))


def test_trmm_needs_b_to_fit_the_side():
    with pytest.raises(MXNetError, match=r"_linalg_trmm.*\(3, 3\).*\(2, 3\).*3 rows"):
        mx.nd.linalg.trmm(mx.nd.ones((3, 3)), mx.nd.ones((2, 3)))


def test_gemm_adds_beta_c_and_checks_cs_shape(ctx):
    a, b, c = (np.random.uniform(size=shape) for shape in [(2, 3), (4, 3), (2, 4)])
    result = mx.nd.linalg.gemm(_nd(a, ctx), _nd(b, ctx), _nd(c, ctx),
                               transpose_b=True, alpha=2.0, beta=-1.0)
    np.testing.assert_allclose(result.asnumpy(), 2 * a @ b.T - c, rtol=1e-12)
    with pytest.raises(MXNetError, match=r"_linalg_gemm: C must have.*\(2, 4\).*"
                                         r"\(1, 4\)"):
        mx.nd.linalg.gemm(_nd(a), _nd(b), mx.nd.ones((1, 4), dtype="float64"),
                          transpose_b=True)


def test_sym_linalg_gemm_infers_shapes_and_runs():
    a, b, c = mx.sym.var("a"), mx.sym.var("b"), mx.sym.var("c")
    out = mx.sym.linalg.gemm(a, b, c, transpose_a=True, alpha=0.5)
    _, out_shapes, _ = out.infer_shape(a=(3, 2), b=(3, 4))
    assert out_shapes == [(2, 4)]
    values = {"a": mx.nd.ones((3, 2)), "b": mx.nd.ones((3, 4)), "c": mx.nd.ones((2, 4))}
    executor = out.bind(mx.cpu(), values)
    assert executor.forward()[0].asnumpy().tolist() == [[2.5] * 4] * 2


def test_syrk_multiplies_a_matrix_with_its_transpose():
    a = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert mx.nd.linalg.syrk(_nd(a)).asnumpy().tolist() == [[14, 32], [32, 77]]
    assert mx.nd.linalg.syrk(_nd(a), transpose=True, alpha=2.0).shape == (3, 3)


def test_gelqf_factors_into_lower_and_orthonormal_rows(ctx):
    a = np.random.uniform(-1, 1, size=(2, 3, 5))
    q, factor = (x.asnumpy() for x in mx.nd.linalg.gelqf(_nd(a, ctx)))
    np.testing.assert_allclose(factor @ q, a, atol=1e-12)
    np.testing.assert_allclose(q @ q.swapaxes(-1, -2), np.broadcast_to(np.eye(3),
                                                                      (2, 3, 3)),
                               atol=1e-12)
    assert np.all(np.triu(factor, 1) == 0)


def test_gelqf_refuses_more_rows_than_columns():
    with pytest.raises(MXNetError, match=r"_linalg_gelqf.*\(3, 2\).*factor A.T"):
        mx.nd.linalg.gelqf(mx.nd.ones((3, 2)))


def test_one_number_per_matrix_has_shape_one_for_a_single_matrix():
    a = _nd(SPD)
    for function in (mx.nd.linalg.det, mx.nd.linalg.sumlogdiag):
        assert function(a).shape == (1,)
    sign, logabsdet = mx.nd.linalg.slogdet(_nd(np.stack([SPD, -SPD])))
    assert sign.asnumpy().tolist() == [1, -1]
    np.testing.assert_allclose(logabsdet.asnumpy(), [np.log(np.linalg.det(SPD))] * 2)
    np.testing.assert_allclose(mx.nd.linalg.sumlogdiag(a).asnumpy(),
                               [np.log([4.0, 5.0, 3.0]).sum()])


def test_det_gradient_of_a_singular_matrix_is_its_cofactor_matrix():
    # MXNet returns zero here; the derivative of det at a rank-1 2x2 matrix is not
    a = _nd([[1.0, 2.0], [2.0, 4.0]])
    a.attach_grad()
    with mx.autograd.record():
        out = mx.nd.linalg.det(a)
    out.backward()
    np.testing.assert_allclose(a.grad.asnumpy(), [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)


def test_slogdet_of_a_singular_matrix_has_no_gradient():
    a = _nd([[1.0, 2.0], [2.0, 4.0]])
    a.attach_grad()
    with mx.autograd.record():
        sign, logabsdet = mx.nd.linalg.slogdet(a)
    logabsdet.backward()
    assert sign.asnumpy().tolist() == [0.0]
    assert logabsdet.asnumpy().tolist() == [-np.inf]
    assert a.grad.asnumpy().tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_inverse_of_a_singular_matrix_names_the_op():
    with pytest.raises(MXNetError, match="_linalg_inverse.*singular"):
        mx.nd.linalg.inverse(mx.nd.array([[1.0, 2.0], [2.0, 4.0]]))


def test_triangles_come_out_in_mxnets_order_and_go_back():
    a = mx.nd.array(np.arange(16).reshape(4, 4))
    lower = mx.nd.linalg.extracttrian(a)
    assert lower.asnumpy().tolist() == [0, 4, 5, 8, 9, 10, 12, 13, 14, 15]  # by rows
    upper = mx.nd.linalg.extracttrian(a, offset=1)
    assert upper.asnumpy().tolist() == [1, 2, 6, 3, 7, 11]   # column by column
    assert mx.nd.linalg.maketrian(upper, offset=1).asnumpy().tolist() == \
        np.triu(np.arange(16).reshape(4, 4), 1).tolist()
    assert mx.nd.linalg.extractdiag(a, offset=-1).asnumpy().tolist() == [4, 9, 14]
    assert mx.nd.linalg.makediag(mx.nd.array([1, 2]), offset=-1).asnumpy().tolist() == \
        [[0, 0, 0], [1, 0, 0], [0, 2, 0]]


def test_offsets_outside_the_matrix_are_refused():
    with pytest.raises(MXNetError, match=r"_linalg_extractdiag: offset 4.*4 x 4"):
        mx.nd.linalg.extractdiag(mx.nd.ones((4, 4)), offset=4)


def test_maketrian_needs_a_triangular_number_of_entries():
    with pytest.raises(MXNetError, match=r"_linalg_maketrian.*\(5\).*1, 3, 6, 10"):
        mx.nd.linalg.maketrian(mx.nd.ones((5,)))


@pytest.mark.parametrize("name", ["potrf", "inverse", "det", "extractdiag", "syevd"])
def test_square_matrices_are_required(name):
    with pytest.raises(MXNetError, match=rf"_linalg_{name}.*square.*\(2, 3\)"):
        getattr(mx.nd.linalg, name)(mx.nd.ones((2, 3)))


@pytest.mark.parametrize("dtype", ["float16", "int32"])
def test_only_float32_and_float64_are_supported(dtype):
    with pytest.raises(MXNetError, match=f"_linalg_inverse.*float32 and float64 only, "
                                         f"got {dtype}"):
        mx.nd.linalg.inverse(mx.nd.ones((2, 2), dtype=dtype))
    a = mx.sym.var("a", dtype=dtype)
    with pytest.raises(MXNetError, match="_linalg_potrf.*float32 and float64 only"):
        mx.sym.linalg.potrf(a).infer_type(a=dtype)


def test_inputs_must_share_a_dtype():
    with pytest.raises(MXNetError, match="_linalg_trmm.*share one dtype"):
        mx.nd.linalg.trmm(mx.nd.ones((2, 2)), mx.nd.ones((2, 2), dtype="float64"))


def test_gemm2_needs_one_float_dtype():
    a = mx.nd.ones((2, 2))
    with pytest.raises(MXNetError, match="share one dtype"):
        mx.nd.linalg_gemm2(a, mx.nd.ones((2, 2), dtype="float64"))
    with pytest.raises(MXNetError, match="float32 and float64 only"):
        mx.nd.linalg_gemm2(a.astype("int32"), a.astype("int32"))
    net = mx.sym.linalg_gemm2(mx.sym.var("a"), mx.sym.var("b"))
    with pytest.raises(MXNetError, match="share one dtype"):
        net.infer_type(a="float32", b="float64")
