"""Factorizations, inverses and determinants in MXNet's ``linalg`` family
(``_linalg_X``, alias ``linalg_X``, shown as ``mx.nd.linalg.X``).

* Cholesky: ``potrf`` factors a symmetric positive-definite ``A = L @ L.T``;
  ``potri`` inverts ``A`` from ``L``; ``sumlogdiag`` of ``L`` is half of
  ``log(det(A))``.
* ``gelqf`` (``A = L @ Q``) and ``syevd`` (``A = U.T @ diag(lambda) @ U``).
* ``inverse``, ``det`` and ``slogdet``.

Their gradients come from the matrix calculus identities each docstring names. Shapes,
dtypes and LAPACK errors follow the family's rules (``linalg_base.py``)::

    A (2, 3, 3) --potrf--> L (2, 3, 3) --sumlogdiag--> (2,)   half of log(det(A))
"""
from .linalg_base import (_batch_of, _check_float, _check_matrices, _float_types,
                          _lapack, _MatrixOp, _ReduceMatrixOp, _symmetric, _transposed,
                          _triangle)
from .registry import Bool, Example, Op, known, register_op, shape_error


# --------------------------------------------------------------------------------------
# Cholesky: potrf factors, potri inverts from the factor.
# --------------------------------------------------------------------------------------
_SPD = [[[4.0, 1.0, 0.5], [1.0, 5.0, -1.0], [0.5, -1.0, 3.0]],
        [[2.0, -0.5, 0.2], [-0.5, 3.0, 0.4], [0.2, 0.4, 1.5]]]


@register_op
class LinalgPotrf(_MatrixOp):
    """Cholesky factor of symmetric positive-definite matrices: ``A = L @ L.T`` with
    ``L`` lower triangular (``lower=True``), or ``A = U.T @ U`` with ``U`` upper.

    Only the triangle named by ``lower`` is read (LAPACK's convention).

    Gradient (Murray 2016), with ``P`` the lower triangle of ``L.T @ dL`` whose
    diagonal is halved, and ``S = L^-T @ P @ L^-1``: ``dA = (S + S.T) / 2``. That is
    the gradient with respect to a *symmetric* ``A``, as in MXNet (and PyTorch): the
    unread triangle gets the mirror image of the read one, and a gradient step keeps
    ``A`` symmetric. (As a function of all n*n entries the unread triangle's
    derivative is zero and the read one's off-diagonal entries double; the two agree
    on every symmetric perturbation, which is all a symmetric ``A`` can have.)
    """
    name = "_linalg_potrf"
    aliases = ("linalg_potrf",)
    examples = [Example(shapes=[(3, 1, 1)], low=0.5, high=2.0),
                Example(shapes=[(2, 3, 3)], values={"A": _SPD}, grad=False,
                        reason="random inputs are not positive definite; the "
                               "symmetric gradient is checked in "
                               "tests/ops/test_linalg.py"),
                Example(shapes=[(2, 3, 3)], attrs={"lower": False}, values={"A": _SPD},
                        grad=False, reason="as above")]

    def forward(self, xp, A, *, lower: Bool = True):
        _check_float(self, A)
        factor = _lapack(self, xp.linalg.cholesky, _symmetric(xp, A, lower),
                         problem="A is not symmetric positive definite")
        return factor if lower else _transposed(factor)

    def backward(self, xp, inputs, outputs, out_grads, *, lower):
        factor, grad = outputs[0], out_grads[0]
        if not lower:   # A = U.T @ U is A = L @ L.T with L = U.T
            factor, grad = _transposed(factor), _transposed(grad)
        size = factor.shape[-1]
        halve_diagonal = 1 - 0.5 * xp.eye(size, dtype=factor.dtype)
        phi = xp.tril(xp.matmul(_transposed(factor), grad)) * halve_diagonal
        upper = _transposed(factor)
        left = xp.linalg.solve(upper, phi)                    # L^-T P
        s = _transposed(xp.linalg.solve(upper, _transposed(left)))   # L^-T P L^-1
        return [0.5 * (s + _transposed(s))]


@register_op
class LinalgPotri(_MatrixOp):
    """Inverse of ``B = A @ A.T`` from its Cholesky factor ``A`` (``lower=True``;
    ``A.T @ A`` for an upper ``A``): ``out = A^-T @ A^-1`` (``A^-1 @ A^-T``).

    Only ``A``'s triangle is read. Gradient, with ``M = out`` and ``A`` lower:
    ``dA = -tril(M @ (dout + dout.T) @ M @ A)`` (``-triu(A @ M @ (...) @ M)`` upper).
    """
    name = "_linalg_potri"
    aliases = ("linalg_potri",)
    examples = [Example(shapes=[(2, 3, 3)], low=0.5, high=1.5),
                Example(shapes=[(3, 3)], attrs={"lower": False}, low=0.5, high=1.5)]

    def forward(self, xp, A, *, lower: Bool = True):
        _check_float(self, A)
        inverse = _lapack(self, xp.linalg.inv, _triangle(xp, A, lower),
                          problem="A is singular (a zero on its diagonal)")
        if lower:
            return xp.matmul(_transposed(inverse), inverse)
        return xp.matmul(inverse, _transposed(inverse))

    def backward(self, xp, inputs, outputs, out_grads, *, lower):
        factor = _triangle(xp, inputs[0], lower)
        inverse, grad = outputs[0], out_grads[0]
        middle = xp.matmul(xp.matmul(inverse, grad + _transposed(grad)), inverse)
        if lower:
            return [-xp.tril(xp.matmul(middle, factor))]
        return [-xp.triu(xp.matmul(factor, middle))]


# --------------------------------------------------------------------------------------
# Factorizations: gelqf (A = L Q) and syevd (A = U.T diag(lambda) U).
# --------------------------------------------------------------------------------------
@register_op
class LinalgGelqf(Op):
    """LQ factorization ``A = L @ Q`` of ``x`` by ``y`` matrices (``x <= y``, full
    rank): ``L`` (x, x) lower triangular, ``Q`` (x, y) with orthonormal rows. Returns
    ``(Q, L)``.

    Computed as the QR factorization of ``A.T`` (Householder, LAPACK's signs):
    ``A.T = Q.T @ L.T``. Gradient (Seeger et al. 2017), with ``M = L.T @ dL -
    dQ @ Q.T`` and ``sym(M)`` its lower triangle mirrored to the upper:
    ``dA = L^-T @ (dQ + sym(M) @ Q)``.
    """
    name = "_linalg_gelqf"
    aliases = ("linalg_gelqf",)
    infer_type = _float_types
    examples = [Example(shapes=[(2, 3)]), Example(shapes=[(2, 3, 3)])]

    def num_outputs(self, attrs):
        return 2

    def infer_shape(self, in_shapes):
        shape = in_shapes[0]
        if not known(shape):
            return list(in_shapes), [None, None]
        _check_matrices(self, shape, square=False)
        rows, columns = shape[-2:]
        if rows > columns:
            raise shape_error(self, f"A {shape} has more rows than columns ({rows} > "
                                    f"{columns}); factor A.T instead (gelqf needs "
                                    "rows <= columns)")
        return list(in_shapes), [tuple(shape), tuple(shape[:-1]) + (rows,)]

    def forward(self, xp, A):
        _check_float(self, A)
        q, r = xp.linalg.qr(_transposed(A))
        return _transposed(q), _transposed(r)

    def backward(self, xp, inputs, outputs, out_grads):
        q, factor = outputs
        grad_q, grad_l = out_grads
        m = xp.matmul(_transposed(factor), grad_l) - xp.matmul(grad_q, _transposed(q))
        inner = grad_q + xp.matmul(_symmetric(xp, m, lower=True), q)
        return [xp.linalg.solve(_transposed(factor), inner)]


@register_op
class LinalgSyevd(_MatrixOp):
    """Eigendecomposition of symmetric matrices: ``U @ A = diag(L) @ U``, with the
    eigenvectors as the *rows* of ``U`` and the eigenvalues ``L`` ascending. Returns
    ``(U, L)``.

    Only the lower triangle is read. MXNet's sign rule is kept: each eigenvector's
    entry of largest magnitude is positive. Gradient (eigenvalues distinct), with
    ``F[i, j] = 1 / (L[j] - L[i])`` off the diagonal and ``X = U.T @ (diag(dL) +
    F * (U @ dU.T)) @ U``: ``dA = (X + X.T) / 2``, the gradient with respect to a
    symmetric ``A`` as for ``potrf`` (MXNet's convention). Unlike its siblings it has
    no ``linalg_syevd`` alias in MXNet: call it as ``linalg.syevd``.
    """
    name = "_linalg_syevd"    # MXNet gives it no linalg_syevd alias
    examples = [Example(shapes=[(3, 1, 1)]),
                Example(shapes=[(2, 3, 3)], grad=False,
                        reason="the symmetric gradient is checked with symmetric "
                               "perturbations in tests/ops/test_linalg.py")]

    def num_outputs(self, attrs):
        return 2

    def infer_shape(self, in_shapes):
        shape = in_shapes[0]
        if not known(shape):
            return list(in_shapes), [None, None]
        _check_matrices(self, shape)
        return list(in_shapes), [tuple(shape), tuple(shape[:-1])]

    def forward(self, xp, A):
        _check_float(self, A)
        eigenvalues, vectors = xp.linalg.eigh(A, UPLO="L")
        rows = _transposed(vectors)
        largest = xp.argmax(xp.abs(rows), axis=-1)[..., None]
        signs = xp.sign(xp.take_along_axis(rows, largest, axis=-1))
        return rows * signs, eigenvalues

    def backward(self, xp, inputs, outputs, out_grads):
        rows, eigenvalues = outputs
        grad_rows, grad_values = out_grads
        size = eigenvalues.shape[-1]
        diagonal = xp.eye(size, dtype=bool)
        gaps = eigenvalues[..., None, :] - eigenvalues[..., :, None]  # L[j] - L[i]
        f = xp.where(diagonal, 0, 1 / xp.where(diagonal, 1, gaps))
        middle = f * xp.matmul(rows, _transposed(grad_rows))
        middle = middle + grad_values[..., None] * diagonal
        x = xp.matmul(xp.matmul(_transposed(rows), middle), rows)
        return [0.5 * (x + _transposed(x))]


# --------------------------------------------------------------------------------------
# Inverse and determinants.
# --------------------------------------------------------------------------------------
@register_op
class LinalgSumlogdiag(_ReduceMatrixOp):
    """``sum(log(diag(A)))`` of square matrices, one number each (``(1,)`` for a single
    matrix): with ``A = potrf(B)``, half of ``log(det(B))``.

    Gradient: ``dout / A[i, i]`` on the diagonal, zero elsewhere.
    """
    name = "_linalg_sumlogdiag"
    aliases = ("linalg_sumlogdiag",)
    examples = [Example(shapes=[(3, 3)], low=0.5, high=1.5),
                Example(shapes=[(2, 2, 2)], low=0.5, high=1.5)]

    def forward(self, xp, A):
        _check_float(self, A)
        diagonal = xp.diagonal(A, axis1=-2, axis2=-1)
        return xp.log(diagonal).sum(axis=-1).reshape(_batch_of(A.shape))

    def backward(self, xp, inputs, outputs, out_grads):
        A = inputs[0]
        diagonal = xp.diagonal(A, axis1=-2, axis2=-1)
        grad = out_grads[0].reshape(A.shape[:-2] + (1,)) / diagonal
        return [grad[..., None] * xp.eye(A.shape[-1], dtype=A.dtype)]


@register_op
class LinalgInverse(_MatrixOp):
    """Inverse of square matrices. Gradient: ``dA = -out.T @ dout @ out.T``."""
    name = "_linalg_inverse"
    aliases = ("linalg_inverse",)
    examples = [Example(shapes=[(3, 3)]), Example(shapes=[(2, 2, 2)])]

    def forward(self, xp, A):
        _check_float(self, A)
        return _lapack(self, xp.linalg.inv, A, problem="A is singular")

    def backward(self, xp, inputs, outputs, out_grads):
        inverse = _transposed(outputs[0])
        return [-xp.matmul(xp.matmul(inverse, out_grads[0]), inverse)]


def _cofactors(xp, A):
    """The cofactor matrix of ``A`` (the transposed adjugate), ``det(A) * A^-T`` when
    ``A`` is invertible, from the SVD ``A = U diag(s) V^T`` so that it exists for
    singular ``A`` too: ``det(U) det(V) * U diag(prod of the other s) V^T``."""
    u, s, vt = xp.linalg.svd(A)
    ones = xp.ones(s.shape[:-1] + (1,), dtype=s.dtype)
    before = xp.cumprod(xp.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    after = xp.cumprod(xp.concatenate([ones, s[..., :0:-1]], axis=-1), axis=-1)
    others = before * after[..., ::-1]           # product of every s but s[i]
    sign = xp.linalg.det(u) * xp.linalg.det(vt)
    return sign[..., None, None] * xp.matmul(u * others[..., None, :], vt)


@register_op
class LinalgDet(_ReduceMatrixOp):
    """Determinant of square matrices, one number each (``(1,)`` for a single matrix).

    Gradient (Jacobi's formula): ``dout`` times the cofactor matrix, ``det(A) *
    A^-T`` for an invertible ``A``. Differs from MXNet: a singular ``A`` gets that
    true gradient (non-zero when its rank is n - 1), where MXNet returns zero.
    """
    name = "_linalg_det"
    aliases = ("linalg_det",)
    examples = [Example(shapes=[(3, 3)]), Example(shapes=[(2, 2, 2)])]

    def forward(self, xp, A):
        _check_float(self, A)
        return xp.linalg.det(A).reshape(_batch_of(A.shape))

    def backward(self, xp, inputs, outputs, out_grads):
        A = inputs[0]
        grad = out_grads[0].reshape(A.shape[:-2] + (1, 1))
        return [grad * _cofactors(xp, A)]


@register_op
class LinalgSlogdet(_ReduceMatrixOp):
    """Sign and natural log of the absolute determinant of square matrices:
    ``(sign, logabsdet)``, one number each (``(1,)`` for a single matrix).

    A singular matrix gives ``sign = 0``, ``logabsdet = -inf``. Gradient: ``sign``
    has none (it is piecewise constant); ``logabsdet``'s is ``dout * A^-T``, and zero
    for a singular ``A``, where it is undefined (as in MXNet).
    """
    name = "_linalg_slogdet"
    aliases = ("linalg_slogdet",)
    examples = [Example(shapes=[(3, 3)]), Example(shapes=[(2, 2, 2)])]

    def num_outputs(self, attrs):
        return 2

    def forward(self, xp, A):
        _check_float(self, A)
        sign, logabsdet = xp.linalg.slogdet(A)
        return sign.reshape(_batch_of(A.shape)), logabsdet.reshape(_batch_of(A.shape))

    def backward(self, xp, inputs, outputs, out_grads):
        A = inputs[0]
        singular = (outputs[0] == 0).reshape(A.shape[:-2] + (1, 1))
        invertible = xp.where(singular, xp.eye(A.shape[-1], dtype=A.dtype), A)
        grad = out_grads[1].reshape(A.shape[:-2] + (1, 1))
        return [xp.where(singular, 0, grad * _transposed(xp.linalg.inv(invertible)))]
