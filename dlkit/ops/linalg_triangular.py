"""Triangular matrices and diagonals in MXNet's ``linalg`` family (``_linalg_X``,
alias ``linalg_X``, shown as ``mx.nd.linalg.X``).

* ``trmm`` multiplies by a triangular matrix and ``trsm`` solves with one (BLAS's
  names); both read only the triangle that ``lower`` names.
* ``extractdiag``/``extracttrian`` gather a diagonal or a triangle of square matrices
  into vectors; ``makediag``/``maketrian`` scatter vectors back into zero matrices, so
  each one's gradient is the other one::

      A (3, 3) --extracttrian--> (6,) --maketrian--> (3, 3), zero above the diagonal

Shapes, dtypes and LAPACK errors follow the family's rules (``linalg_base.py``).
"""
import numpy as np

from .linalg_base import (_check_float, _check_matrices, _float_types, _lapack,
                          _swap_last, _transposed, _triangle)
from .registry import Bool, Example, Float, Int, Op, known, register_op, shape_error


# --------------------------------------------------------------------------------------
# trmm and trsm (its inverse): a triangular matrix times, or solved against, B.
# --------------------------------------------------------------------------------------
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


class _OnDiagonal:
    """Mixin of ``extractdiag`` and ``makediag``: the entries of diagonal ``offset``
    (0 main, > 0 above, < 0 below), the ops' one attribute."""

    def index(self, xp, size, offset):
        return _diagonal_index(xp, size, offset)

    def forward(self, xp, A, *, offset: Int = 0):
        return super().forward(xp, A, offset=offset)


class _OnTriangle:
    """Mixin of ``extracttrian`` and ``maketrian``: the entries of the triangle that
    ``offset`` and ``lower`` name, in MXNet's order, and the ops' two attributes."""

    def index(self, xp, size, offset, lower):
        return _triangle_index(xp, size, offset, lower)

    def forward(self, xp, A, *, offset: Int = 0, lower: Bool = True):
        return super().forward(xp, A, offset=offset, lower=lower)


@register_op
class LinalgExtractdiag(_OnDiagonal, _Extract):
    """The diagonal ``offset`` (0 main, > 0 above, < 0 below) of square matrices."""
    name = "_linalg_extractdiag"
    aliases = ("linalg_extractdiag",)
    examples = [Example(shapes=[(3, 3)]),
                Example(shapes=[(2, 4, 4)], attrs={"offset": -2})]


@register_op
class LinalgMakediag(_OnDiagonal, _Make):
    """Square matrices with ``A``'s last axis on diagonal ``offset``, zero elsewhere."""
    name = "_linalg_makediag"
    aliases = ("linalg_makediag",)
    examples = [Example(shapes=[(3,)]), Example(shapes=[(2, 3)], attrs={"offset": 1})]

    def size(self, count, offset):
        return count + abs(offset)


@register_op
class LinalgExtracttrian(_OnTriangle, _Extract):
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


@register_op
class LinalgMaketrian(_OnTriangle, _Make):
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
