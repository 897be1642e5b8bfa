"""Matrix products: ``dot``, ``batch_dot`` and MXNet's ``linalg`` products ``gemm2``,
``gemm`` and ``syrk`` (``_linalg_X``, alias ``linalg_X``, shown as
``mx.nd.linalg.X``).

The products ``dot``, ``batch_dot``, ``linalg_gemm2`` and ``linalg_gemm`` reduce to one
matrix product ``out = A @ B`` and share its gradient::

    dA = dout @ B.T        dB = A.T @ dout

``dot`` on N-d arrays is MXNet's, not NumPy's: it contracts the *last* axis of ``lhs``
with the *first* axis of ``rhs`` (the first of ``lhs`` if ``transpose_a``, the last of
``rhs`` if ``transpose_b``), by viewing each input as a matrix::

    lhs (2, 3, 4) . rhs (4, 5, 6)  ->  (2*3, 4) @ (4, 5*6)  ->  out (2, 3, 5, 6)

Reshaping a contiguous array and ``.T`` are views, so no data is copied before the
BLAS call.

The rest of MXNet's ``linalg`` family works on stacks of matrices too (see
``linalg_base.py`` for what the family shares): multiplying by and solving with
triangular matrices, diagonals and triangles in ``linalg_triangular.py``; Cholesky,
LQ and eigen factorizations, inverses and determinants in ``linalg_factor.py``.
"""
from .linalg_base import (_check_float, _check_matrices, _float_types, _swap_last,
                          _transposed)
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
    infer_type = _float_types
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
        _check_float(self, A, B)
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
# gemm (gemm2 plus a matrix) and syrk (A times its own transpose).
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
