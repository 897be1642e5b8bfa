"""Linear algebra: matrix products (``dot``, ``batch_dot``) and MXNet's ``linalg``
family (``_linalg_X``, alias ``linalg_X``, shown as ``mx.nd.linalg.X``).

The products ``dot``, ``batch_dot``, ``linalg_gemm2`` and ``linalg_gemm`` reduce to one
matrix product ``out = A @ B`` and share its gradient::

    dA = dout @ B.T        dB = A.T @ dout

``dot`` on N-d arrays is MXNet's, not NumPy's: it contracts the *last* axis of ``lhs``
with the *first* axis of ``rhs`` (the first of ``lhs`` if ``transpose_a``, the last of
``rhs`` if ``transpose_b``), by viewing each input as a matrix::

    lhs (2, 3, 4) . rhs (4, 5, 6)  ->  (2*3, 4) @ (4, 5*6)  ->  out (2, 3, 5, 6)

Reshaping a contiguous array and ``.T`` are views, so no data is copied before the
BLAS call.

The ``linalg`` ops work on stacks of matrices: the last two axes hold the matrices and
every leading axis is a batch axis (NumPy's and CuPy's ``linalg`` functions batch the
same way)::

    A (2, 5, 3, 3)  --linalg.inverse-->  (2, 5, 3, 3)   ten 3x3 inverses
                    --linalg.det------>  (2, 5)         one number per matrix
    A (3, 3)        --linalg.det------>  (1,)           MXNet's shape for one matrix

Like LAPACK, they compute in float32 or float64 only, and the ops of a symmetric or
triangular matrix read one triangle (``lower``) and ignore the other.
"""
import numpy as np

from ..base import MXNetError
from .registry import (Bool, Choice, Example, Float, Int, Op, known, merge_shape,
                       register_op, same_dtype, shape_error)

_STYPES = Choice(None, "default", "csr", "row_sparse")


# --------------------------------------------------------------------------------------
# dot.
# --------------------------------------------------------------------------------------
def _dot_parts(shape, transpose, first):
    """``(kept dims, contracted dim)`` of one ``dot`` operand.

    ``first`` is True for ``lhs``: it contracts its last axis, or its first if
    transposed; ``rhs`` contracts its first axis, or its last if transposed.
    """
    contract_first = transpose if first else not transpose
    if contract_first:
        return tuple(shape[1:]), shape[0]
    return tuple(shape[:-1]), shape[-1]


def _as_matrices(lhs, rhs, transpose_a, transpose_b):
    """``lhs`` and ``rhs`` as the 2-d matrices ``A`` and ``B`` of ``out = A @ B``."""
    if transpose_a:
        a = lhs.reshape(lhs.shape[0], -1).T
    else:
        a = lhs.reshape(-1, lhs.shape[-1])
    if transpose_b:
        b = rhs.reshape(-1, rhs.shape[-1]).T
    else:
        b = rhs.reshape(rhs.shape[0], -1)
    return a, b


@register_op
class Dot(Op):
    """Matrix product of ``lhs`` and ``rhs``; for N-d arrays the last axis of ``lhs``
    meets the first axis of ``rhs`` (see the module docstring).

    ``transpose_a``/``transpose_b`` use the transposed operand without copying it.
    ``forward_stype`` is accepted for compatibility; dlkit arrays are always dense.
    Differs from MXNet: integer arrays are multiplied too (MXNet's cpu dot refuses
    them).
    """
    name = "dot"
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3), (3, 4)]),
                Example(shapes=[(3, 2), (4, 3)], attrs={"transpose_a": True,
                                                        "transpose_b": True}),
                Example(shapes=[(2, 3, 4), (4, 5)]),
                Example(shapes=[(4, 2, 3), (5, 4)], attrs={"transpose_a": True,
                                                           "transpose_b": True}),
                Example(shapes=[(3,), (3,)]),
                Example(shapes=[(3,), (3, 2)])]

    def infer_shape(self, in_shapes, *, transpose_a, transpose_b, forward_stype):
        lhs, rhs = in_shapes
        if not known(lhs) or not known(rhs):
            return list(in_shapes), [None]
        if len(lhs) == 1 and len(rhs) == 1 and (transpose_a or transpose_b):
            raise shape_error(self, "cannot transpose vectors: both inputs are 1-d "
                                    f"(lhs {lhs}, rhs {rhs})")
        lhs_kept, lhs_inner = _dot_parts(lhs, transpose_a, first=True)
        rhs_kept, rhs_inner = _dot_parts(rhs, transpose_b, first=False)
        if lhs_inner != rhs_inner:
            raise shape_error(
                self, f"shape mismatch: lhs {lhs} x rhs {rhs} with transpose_a="
                      f"{transpose_a}, transpose_b={transpose_b} contracts {lhs_inner} "
                      f"against {rhs_inner}; the contracted dimensions must be equal")
        return list(in_shapes), [lhs_kept + rhs_kept or (1,)]

    def forward(self, xp, lhs, rhs, *, transpose_a: Bool = False,
                transpose_b: Bool = False, forward_stype: _STYPES = None):
        a, b = _as_matrices(lhs, rhs, transpose_a, transpose_b)
        lhs_kept, _ = _dot_parts(lhs.shape, transpose_a, first=True)
        rhs_kept, _ = _dot_parts(rhs.shape, transpose_b, first=False)
        return xp.dot(a, b).reshape(lhs_kept + rhs_kept or (1,))

    def backward(self, xp, inputs, outputs, out_grads, *, transpose_a, transpose_b,
                 forward_stype):
        lhs, rhs = inputs
        a, b = _as_matrices(lhs, rhs, transpose_a, transpose_b)
        grad = out_grads[0].reshape(a.shape[0], b.shape[1])
        # dA = grad @ B.T; a transposed operand wants dA.T = B @ grad.T (no copy needed)
        grad_lhs = xp.dot(b, grad.T) if transpose_a else xp.dot(grad, b.T)
        grad_rhs = xp.dot(grad.T, a) if transpose_b else xp.dot(a.T, grad)
        return [grad_lhs.reshape(lhs.shape), grad_rhs.reshape(rhs.shape)]


# --------------------------------------------------------------------------------------
# batch_dot and linalg_gemm2: a stack of matrix products on the last two axes.
# --------------------------------------------------------------------------------------
def _swap_last(array, transpose):
    """The matrix stack with its last two axes swapped (a view) if ``transpose``."""
    return array.swapaxes(-1, -2) if transpose else array


def _batch_product(xp, lhs, rhs, transpose_a, transpose_b):
    return xp.matmul(_swap_last(lhs, transpose_a), _swap_last(rhs, transpose_b))


def _batch_grads(xp, lhs, rhs, grad, transpose_a, transpose_b):
    """Gradients of ``op(lhs) @ op(rhs)``; ``op`` swaps the last two axes if asked."""
    a = _swap_last(lhs, transpose_a)
    b = _swap_last(rhs, transpose_b)
    if transpose_a:
        grad_lhs = xp.matmul(b, grad.swapaxes(-1, -2))
    else:
        grad_lhs = xp.matmul(grad, b.swapaxes(-1, -2))
    if transpose_b:
        grad_rhs = xp.matmul(grad.swapaxes(-1, -2), a)
    else:
        grad_rhs = xp.matmul(a.swapaxes(-1, -2), grad)
    return grad_lhs, grad_rhs


def _batch_shape(op, lhs, rhs, transpose_a, transpose_b, names=("lhs", "rhs")):
    """Output shape of a batched product; errors name both shapes and the transposes."""
    described = (f"{names[0]} {lhs} x {names[1]} {rhs} with transpose_a={transpose_a}, "
                 f"transpose_b={transpose_b}")
    if len(lhs) != len(rhs) or lhs[:-2] != rhs[:-2]:
        raise shape_error(op, f"shape mismatch: {described}; the leading (batch) "
                              "dimensions must be equal")
    rows, inner_a = (lhs[-1], lhs[-2]) if transpose_a else (lhs[-2], lhs[-1])
    inner_b, cols = (rhs[-1], rhs[-2]) if transpose_b else (rhs[-2], rhs[-1])
    if inner_a != inner_b:
        raise shape_error(op, f"shape mismatch: {described} contracts {inner_a} "
                              f"against {inner_b}; the contracted dimensions must be "
                              "equal")
    return tuple(lhs[:-2]) + (rows, cols)


@register_op
class BatchDot(Op):
    """Matrix products of matching batches: ``out[i] = lhs[i] @ rhs[i]`` for arrays of
    3 or more dimensions (the leading dimensions are the batch)."""
    name = "batch_dot"
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3, 4), (2, 4, 5)]),
                Example(shapes=[(2, 4, 3), (2, 5, 4)], attrs={"transpose_a": True,
                                                              "transpose_b": True})]

    def infer_shape(self, in_shapes, *, transpose_a, transpose_b, forward_stype):
        lhs, rhs = in_shapes
        if not known(lhs) or not known(rhs):
            return list(in_shapes), [None]
        if len(lhs) < 3 or len(rhs) < 3:
            raise shape_error(self, f"inputs must have 3 or more dimensions (batch, "
                                    f"rows, columns), got lhs {lhs} and rhs {rhs}; use "
                                    "dot for matrices")
        return list(in_shapes), [_batch_shape(self, lhs, rhs, transpose_a, transpose_b)]

    def forward(self, xp, lhs, rhs, *, transpose_a: Bool = False,
                transpose_b: Bool = False, forward_stype: _STYPES = None):
        return _batch_product(xp, lhs, rhs, transpose_a, transpose_b)

    def backward(self, xp, inputs, outputs, out_grads, *, transpose_a, transpose_b,
                 forward_stype):
        return list(_batch_grads(xp, *inputs, out_grads[0], transpose_a, transpose_b))


def _gemm_shape(op, a, b, transpose_a, transpose_b, axis):
    """Output shape of ``op(A) @ op(B)`` when ``axis`` is the row axis (gemm, gemm2)."""
    ndim = len(a)
    if ndim < 2 or len(b) != ndim or not -ndim <= axis < ndim or \
            axis % ndim == ndim - 1:
        raise shape_error(op, f"A {a} and B {b} must be matrix stacks of the same "
                              f"number (>= 2) of dimensions with the row axis {axis} "
                              "before the last axis")
    a, b = _rows_second_last(a, axis), _rows_second_last(b, axis)
    out = _batch_shape(op, a, b, transpose_a, transpose_b, names=("A", "B"))
    return _rows_back(out, axis)


def _gemm2(xp, A, B, transpose_a, transpose_b, alpha, axis):
    """``alpha * op(A) @ op(B)`` with ``axis`` as the row axis."""
    a, b = xp.moveaxis(A, axis, -2), xp.moveaxis(B, axis, -2)
    out = alpha * _batch_product(xp, a, b, transpose_a, transpose_b)
    return xp.moveaxis(out, -2, axis).astype(A.dtype, copy=False)


def _gemm2_grads(xp, A, B, grad, transpose_a, transpose_b, alpha, axis):
    a, b = xp.moveaxis(A, axis, -2), xp.moveaxis(B, axis, -2)
    grad = alpha * xp.moveaxis(grad, axis, -2)
    grad_a, grad_b = _batch_grads(xp, a, b, grad, transpose_a, transpose_b)
    return [xp.moveaxis(grad_a, -2, axis), xp.moveaxis(grad_b, -2, axis)]


@register_op
class LinalgGemm2(Op):
    """``alpha * op(A) @ op(B)`` on stacks of matrices (MXNet's ``linalg.gemm2``).

    ``axis`` names the axis of the matrix rows (default -2); the columns are the last
    axis and every other axis is a batch axis, equal in ``A`` and ``B``.
    """
    name = "_linalg_gemm2"
    aliases = ("linalg_gemm2",)
    infer_type = same_dtype
    examples = [Example(shapes=[(3, 4), (4, 2)], attrs={"alpha": 2.0}),
                Example(shapes=[(2, 4, 3), (2, 5, 4)], attrs={"transpose_a": True,
                                                              "transpose_b": True}),
                Example(shapes=[(3, 2, 4), (4, 2, 5)], attrs={"axis": -3})]

    def infer_shape(self, in_shapes, *, transpose_a, transpose_b, alpha, axis):
        a, b = in_shapes
        if not known(a) or not known(b):
            return list(in_shapes), [None]
        return list(in_shapes), [_gemm_shape(self, a, b, transpose_a, transpose_b,
                                             axis)]

    def forward(self, xp, A, B, *, transpose_a: Bool = False, transpose_b: Bool = False,
                alpha: Float = 1.0, axis: Int = -2):
        return _gemm2(xp, A, B, transpose_a, transpose_b, alpha, axis)

    def backward(self, xp, inputs, outputs, out_grads, *, transpose_a, transpose_b,
                 alpha, axis):
        return _gemm2_grads(xp, *inputs, out_grads[0], transpose_a, transpose_b, alpha,
                            axis)


def _rows_second_last(shape, axis):
    """``shape`` with the row axis moved to the second-last place."""
    dims = list(shape)
    rows = dims.pop(axis % len(dims))
    dims.insert(len(dims) - 1, rows)
    return tuple(dims)


def _rows_back(shape, axis):
    """Undo ``_rows_second_last`` on an output shape."""
    dims = list(shape)
    rows = dims.pop(-2)
    dims.insert(axis % (len(dims) + 1), rows)
    return tuple(dims)


# --------------------------------------------------------------------------------------
# The linalg family: shared checks and helpers. Matrices are the last two axes; every
# leading axis is a batch axis, and NumPy/CuPy's linalg functions batch over them.
# --------------------------------------------------------------------------------------
def _check_float(op, *arrays_or_dtypes):
    """MXNet's linalg ops compute in float32 or float64 only (LAPACK's real types), and
    all inputs share one dtype."""
    names = [str(getattr(x, "dtype", x)) for x in arrays_or_dtypes if x is not None]
    for name in names:
        if name not in ("float32", "float64"):
            raise MXNetError(f"operator {op.name}: supports float32 and float64 only, "
                             f"got {name}; convert it with astype('float32')")
    if len(set(names)) > 1:
        raise MXNetError(f"operator {op.name}: inputs must share one dtype, got "
                         f"{', '.join(names)}; convert them with astype()")


def _float_types(op, in_types, **attrs):
    """``infer_type`` of the family: one float dtype for every input and output."""
    _check_float(op, *in_types)
    return same_dtype(op, in_types, **attrs)


def _check_matrices(op, shape, name="A", square=True):
    """``shape`` must be a (square) matrix or a stack of them."""
    if len(shape) < 2:
        raise shape_error(op, f"{name} must be a matrix or a stack of matrices (2 or "
                              f"more dimensions), got shape {shape}")
    if square and shape[-1] != shape[-2]:
        raise shape_error(op, f"{name} must hold square matrices, got shape {shape} "
                              f"({shape[-2]} x {shape[-1]} matrices)")


def _batch_of(shape):
    """Shape of one number per matrix: the batch axes, or MXNet's ``(1,)`` for a single
    matrix."""
    return tuple(shape[:-2]) or (1,)


def _transposed(matrices):
    return matrices.swapaxes(-1, -2)


def _triangle(xp, matrices, lower):
    """The lower (or upper) triangle, diagonal included; the rest set to zero."""
    return xp.tril(matrices) if lower else xp.triu(matrices)


def _symmetric(xp, matrices, lower):
    """The symmetric matrices that the lower (or upper) triangles describe."""
    if not lower:
        matrices = _transposed(matrices)
    return xp.tril(matrices) + _transposed(xp.tril(matrices, -1))


def _lapack(op, function, *args, problem):
    """Call a NumPy/CuPy linalg function; its failure becomes an error naming the op."""
    try:
        return function(*args)
    except np.linalg.LinAlgError as error:
        raise MXNetError(f"operator {op.name}: {problem} (LAPACK: {error})") from None


class _MatrixOp(Op):
    """An op of one stack of square matrices ``A`` whose outputs have ``A``'s shape."""
    infer_type = _float_types

    def infer_shape(self, in_shapes, **attrs):
        shape = in_shapes[0]
        if known(shape):
            _check_matrices(self, shape)
        return list(in_shapes), [shape] * self.num_outputs(attrs)


class _ReduceMatrixOp(_MatrixOp):
    """An op giving one number per square matrix (shape ``(1,)`` for a single one)."""

    def infer_shape(self, in_shapes, **attrs):
        shape = in_shapes[0]
        if not known(shape):
            return list(in_shapes), [None] * self.num_outputs(attrs)
        _check_matrices(self, shape)
        return list(in_shapes), [_batch_of(shape)] * self.num_outputs(attrs)


# --------------------------------------------------------------------------------------
# Products: gemm, syrk, trmm, and trsm (its inverse).
# --------------------------------------------------------------------------------------
@register_op
class LinalgGemm(Op):
    """``alpha * op(A) @ op(B) + beta * C`` on stacks of matrices (BLAS ``gemm``).

    Rows, columns and batch axes as in ``linalg_gemm2`` (``axis`` names the row axis);
    ``C`` has the output's shape. Gradients: ``gemm2``'s for ``A`` and ``B``, and
    ``beta * dout`` for ``C``.
    """
    name = "_linalg_gemm"
    aliases = ("linalg_gemm",)
    infer_type = _float_types
    examples = [Example(shapes=[(3, 4), (4, 2), (3, 2)],
                        attrs={"alpha": 2.0, "beta": 0.5}),
                Example(shapes=[(2, 4, 3), (2, 5, 4), (2, 3, 5)],
                        attrs={"transpose_a": True, "transpose_b": True}),
                Example(shapes=[(3, 2, 4), (4, 2, 5), (3, 2, 5)], attrs={"axis": -3})]

    def infer_shape(self, in_shapes, *, transpose_a, transpose_b, alpha, beta, axis):
        a, b, c = in_shapes
        if not known(a) or not known(b):
            return list(in_shapes), [c]
        out = _gemm_shape(self, a, b, transpose_a, transpose_b, axis)
        out = merge_shape(self, "C must have the shape of alpha * op(A) @ op(B)", out,
                          c)
        return [a, b, out], [out]

    def forward(self, xp, A, B, C, *, transpose_a: Bool = False,
                transpose_b: Bool = False, alpha: Float = 1.0, beta: Float = 1.0,
                axis: Int = -2):
        _check_float(self, A, B, C)
        product = _gemm2(xp, A, B, transpose_a, transpose_b, alpha, axis)
        return (product + beta * C).astype(A.dtype, copy=False)

    def backward(self, xp, inputs, outputs, out_grads, *, transpose_a, transpose_b,
                 alpha, beta, axis):
        A, B, _ = inputs
        grads = _gemm2_grads(xp, A, B, out_grads[0], transpose_a, transpose_b, alpha,
                             axis)
        return grads + [beta * out_grads[0]]


@register_op
class LinalgSyrk(Op):
    """``alpha * A @ A.T`` (or ``alpha * A.T @ A`` with ``transpose``), BLAS ``syrk``.

    Gradient: ``dA = alpha * (dout + dout.T) @ A`` (``A @ (dout + dout.T)``
    transposed); ``A`` appears twice in the product.
    """
    name = "_linalg_syrk"
    aliases = ("linalg_syrk",)
    infer_type = _float_types
    examples = [Example(shapes=[(3, 4)], attrs={"alpha": 2.0}),
                Example(shapes=[(2, 3, 4)], attrs={"transpose": True})]

    def infer_shape(self, in_shapes, *, transpose, alpha):
        shape = in_shapes[0]
        if not known(shape):
            return list(in_shapes), [None]
        _check_matrices(self, shape, square=False)
        size = shape[-1] if transpose else shape[-2]
        return list(in_shapes), [tuple(shape[:-2]) + (size, size)]

    def forward(self, xp, A, *, transpose: Bool = False, alpha: Float = 1.0):
        _check_float(self, A)
        if transpose:
            return alpha * xp.matmul(_transposed(A), A)
        return alpha * xp.matmul(A, _transposed(A))

    def backward(self, xp, inputs, outputs, out_grads, *, transpose, alpha):
        A = inputs[0]
        both = out_grads[0] + _transposed(out_grads[0])
        if transpose:
            return [alpha * xp.matmul(A, both)]
        return [alpha * xp.matmul(both, A)]


class _TriangularOp(Op):
    """``trmm`` and ``trsm``: a triangular ``A`` (only the triangle named by ``lower``
    is read) times, or solved against, a matrix ``B``; ``A`` on the left, or on the
    right with ``rightside``, transposed with ``transpose``, the result times
    ``alpha``. ``A``'s gradient keeps its triangle: the other entries are never read.
    """
    infer_type = _float_types

    def infer_shape(self, in_shapes, *, transpose, rightside, lower, alpha):
        a, b = in_shapes
        if not known(a) or not known(b):
            return list(in_shapes), [b]
        _check_matrices(self, a)
        _check_matrices(self, b, name="B", square=False)
        side = b[-1] if rightside else b[-2]
        if len(a) != len(b) or a[:-2] != b[:-2] or side != a[-1]:
            where = "columns" if rightside else "rows"
            raise shape_error(self, f"A {a} and B {b} do not fit (rightside="
                                    f"{rightside}): B needs {a[-1]} {where} and the "
                                    "same leading (batch) dimensions as A")
        return list(in_shapes), [b]

    def operand(self, xp, A, transpose, lower):
        """``op(A)``: the triangle of ``A``, transposed if asked."""
        return _swap_last(_triangle(xp, A, lower), transpose)

    def triangle_grad(self, xp, grad_operand, transpose, lower):
        """The gradient of ``op(A)`` turned into ``A``'s, inside its triangle."""
        return _triangle(xp, _swap_last(grad_operand, transpose), lower)


@register_op
class LinalgTrmm(_TriangularOp):
    """``alpha * op(A) @ B`` (or ``alpha * B @ op(A)`` with ``rightside``) for a
    triangular ``A``, BLAS ``trmm``; see ``_TriangularOp``."""
    name = "_linalg_trmm"
    aliases = ("linalg_trmm",)
    examples = [Example(shapes=[(3, 3), (3, 2)], attrs={"alpha": 2.0}),
                Example(shapes=[(2, 3, 3), (2, 4, 3)],
                        attrs={"rightside": True, "transpose": True}),
                Example(shapes=[(3, 3), (2, 3)],
                        attrs={"rightside": True, "lower": False}),
                Example(shapes=[(3, 3), (3, 2)], attrs={"transpose": True,
                                                        "lower": False})]

    def forward(self, xp, A, B, *, transpose: Bool = False, rightside: Bool = False,
                lower: Bool = True, alpha: Float = 1.0):
        _check_float(self, A, B)
        operand = self.operand(xp, A, transpose, lower)
        product = xp.matmul(B, operand) if rightside else xp.matmul(operand, B)
        return alpha * product

    def backward(self, xp, inputs, outputs, out_grads, *, transpose, rightside, lower,
                 alpha):
        A, B = inputs
        operand = self.operand(xp, A, transpose, lower)
        grad = alpha * out_grads[0]
        if rightside:       # out = B @ op(A)
            grad_operand = xp.matmul(_transposed(B), grad)
            grad_b = xp.matmul(grad, _transposed(operand))
        else:               # out = op(A) @ B
            grad_operand = xp.matmul(grad, _transposed(B))
            grad_b = xp.matmul(_transposed(operand), grad)
        return [self.triangle_grad(xp, grad_operand, transpose, lower), grad_b]


@register_op
class LinalgTrsm(_TriangularOp):
    """Solve ``op(A) @ out = alpha * B`` (or ``out @ op(A) = alpha * B`` with
    ``rightside``) for a triangular ``A``, BLAS ``trsm``; see ``_TriangularOp``.

    Gradient, with ``Y = op(A)^-T @ dout`` (left) or ``dout @ op(A)^-T`` (right):
    ``dB = alpha * Y`` and ``d op(A) = -Y @ out.T`` (left) or ``-out.T @ Y`` (right).
    Differs from MXNet: a zero on ``A``'s diagonal raises an error (MXNet returns
    inf).
    """
    name = "_linalg_trsm"
    aliases = ("linalg_trsm",)
    examples = [Example(shapes=[(3, 3), (3, 2)], attrs={"alpha": 2.0}, low=0.5,
                        high=1.5),
                Example(shapes=[(2, 3, 3), (2, 4, 3)],
                        attrs={"rightside": True, "transpose": True}, low=0.5,
                        high=1.5),
                Example(shapes=[(3, 3), (2, 3)],
                        attrs={"rightside": True, "lower": False}, low=0.5, high=1.5),
                Example(shapes=[(3, 3), (3, 2)],
                        attrs={"transpose": True, "lower": False}, low=0.5, high=1.5)]

    def solve(self, xp, matrices, right_hand_sides):
        return _lapack(self, xp.linalg.solve, matrices, right_hand_sides,
                       problem="A is singular (a zero on its diagonal)")

    def forward(self, xp, A, B, *, transpose: Bool = False, rightside: Bool = False,
                lower: Bool = True, alpha: Float = 1.0):
        _check_float(self, A, B)
        operand = self.operand(xp, A, transpose, lower)
        if rightside:   # out @ op(A) = alpha B  <=>  op(A).T @ out.T = alpha B.T
            return alpha * _transposed(self.solve(xp, _transposed(operand),
                                                  _transposed(B)))
        return alpha * self.solve(xp, operand, B)

    def backward(self, xp, inputs, outputs, out_grads, *, transpose, rightside, lower,
                 alpha):
        operand = self.operand(xp, inputs[0], transpose, lower)
        out, grad = outputs[0], out_grads[0]
        if rightside:
            solved = _transposed(self.solve(xp, operand, _transposed(grad)))
            grad_operand = -xp.matmul(_transposed(out), solved)
        else:
            solved = self.solve(xp, _transposed(operand), grad)
            grad_operand = -xp.matmul(solved, _transposed(out))
        return [self.triangle_grad(xp, grad_operand, transpose, lower), alpha * solved]


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
# Diagonals and triangles: extract* gathers entries into vectors, make* scatters them
# back into zero matrices, so each one's gradient is the other one.
# --------------------------------------------------------------------------------------
def _diagonal_index(xp, size, offset):
    """Row and column indices of diagonal ``offset`` of ``size`` x ``size`` matrices."""
    steps = xp.arange(size - abs(offset))
    return steps + max(-offset, 0), steps + max(offset, 0)


def _triangle_index(xp, size, offset, lower):
    """Row and column indices of a triangle in MXNet's order: row by row for a lower
    triangle, column by column for an upper one (the lower triangle of ``A.T``)."""
    if offset < 0 or (offset == 0 and lower):
        return xp.tril_indices(size, offset)
    columns, rows = xp.tril_indices(size, -offset)
    return rows, columns


def _gather(matrices, index):
    rows, columns = index
    return matrices[..., rows, columns]


def _scatter(xp, values, size, index):
    rows, columns = index
    matrices = xp.zeros(values.shape[:-1] + (size, size), dtype=values.dtype)
    matrices[..., rows, columns] = values
    return matrices


def _triangle_side(op, count):
    """``m`` with ``m * (m + 1) / 2 == count``: the side of a full triangle."""
    side = int(((8 * count + 1) ** 0.5 - 1) / 2 + 0.5)
    if count < 1 or side * (side + 1) // 2 != count:
        raise shape_error(op, f"the last axis of A ({count}) must hold a triangle, "
                              "m * (m + 1) / 2 entries (1, 3, 6, 10, ...)")
    return side


class _Extract(Op):
    """``extractdiag`` and ``extracttrian``: entries of square matrices as vectors."""
    infer_type = _float_types

    def infer_shape(self, in_shapes, *, offset, **attrs):
        shape = in_shapes[0]
        if not known(shape):
            return list(in_shapes), [None]
        _check_matrices(self, shape)
        size = shape[-1]
        if abs(offset) >= size:
            raise shape_error(self, f"offset {offset} is outside the {size} x {size} "
                                    f"matrices of A {shape}; use -{size} < offset < "
                                    f"{size}")
        count = len(self.index(np, size, offset, **attrs)[0])
        return list(in_shapes), [tuple(shape[:-2]) + (count,)]

    def forward(self, xp, A, **attrs):
        _check_float(self, A)
        return _gather(A, self.index(xp, A.shape[-1], **attrs))

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        size = inputs[0].shape[-1]
        return [_scatter(xp, out_grads[0], size, self.index(xp, size, **attrs))]


class _Make(Op):
    """``makediag`` and ``maketrian``: zero square matrices holding given vectors."""
    infer_type = _float_types

    def infer_shape(self, in_shapes, **attrs):
        shape = in_shapes[0]
        if not known(shape):
            return list(in_shapes), [None]
        if len(shape) < 1:
            raise shape_error(self, "A must have 1 or more dimensions (a vector or a "
                                    "stack of vectors), got a scalar")
        size = self.size(shape[-1], **attrs)
        return list(in_shapes), [tuple(shape[:-1]) + (size, size)]

    def forward(self, xp, A, **attrs):
        _check_float(self, A)
        size = self.size(A.shape[-1], **attrs)
        return _scatter(xp, A, size, self.index(xp, size, **attrs))

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        size = outputs[0].shape[-1]
        return [_gather(out_grads[0], self.index(xp, size, **attrs))]


@register_op
class LinalgExtractdiag(_Extract):
    """The diagonal ``offset`` (0 main, > 0 above, < 0 below) of square matrices."""
    name = "_linalg_extractdiag"
    aliases = ("linalg_extractdiag",)
    examples = [Example(shapes=[(3, 3)]),
                Example(shapes=[(2, 4, 4)], attrs={"offset": -2})]

    def index(self, xp, size, offset):
        return _diagonal_index(xp, size, offset)

    def forward(self, xp, A, *, offset: Int = 0):
        return super().forward(xp, A, offset=offset)


@register_op
class LinalgMakediag(_Make):
    """Square matrices with ``A``'s last axis on diagonal ``offset``, zero elsewhere."""
    name = "_linalg_makediag"
    aliases = ("linalg_makediag",)
    examples = [Example(shapes=[(3,)]), Example(shapes=[(2, 3)], attrs={"offset": 1})]

    def size(self, count, offset):
        return count + abs(offset)

    def index(self, xp, size, offset):
        return _diagonal_index(xp, size, offset)

    def forward(self, xp, A, *, offset: Int = 0):
        return super().forward(xp, A, offset=offset)


@register_op
class LinalgExtracttrian(_Extract):
    """A triangle of square matrices as vectors: below and on diagonal ``offset`` if
    ``offset < 0`` (or ``offset == 0`` and ``lower``), else on and above it.

    MXNet's order: a lower triangle row by row, an upper one column by column.
    ``lower`` only matters for ``offset == 0``.
    """
    name = "_linalg_extracttrian"
    aliases = ("linalg_extracttrian",)
    examples = [Example(shapes=[(3, 3)]),
                Example(shapes=[(2, 3, 3)], attrs={"lower": False}),
                Example(shapes=[(4, 4)], attrs={"offset": 1}),
                Example(shapes=[(4, 4)], attrs={"offset": -2})]

    def index(self, xp, size, offset, lower):
        return _triangle_index(xp, size, offset, lower)

    def forward(self, xp, A, *, offset: Int = 0, lower: Bool = True):
        return super().forward(xp, A, offset=offset, lower=lower)


@register_op
class LinalgMaketrian(_Make):
    """Square matrices holding ``A``'s last axis as the triangle that
    ``extracttrian`` (same ``offset`` and ``lower``) takes out; zero elsewhere.

    ``m * (m + 1) / 2`` entries fill a triangle of side ``m`` in ``m + |offset|``
    square matrices.
    """
    name = "_linalg_maketrian"
    aliases = ("linalg_maketrian",)
    examples = [Example(shapes=[(6,)]),
                Example(shapes=[(2, 3)], attrs={"lower": False}),
                Example(shapes=[(6,)], attrs={"offset": -1})]

    def size(self, count, offset, lower):
        return _triangle_side(self, count) + abs(offset)

    def index(self, xp, size, offset, lower):
        return _triangle_index(xp, size, offset, lower)

    def forward(self, xp, A, *, offset: Int = 0, lower: Bool = True):
        return super().forward(xp, A, offset=offset, lower=lower)


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
