"""What MXNet's ``linalg`` operators share (``linalg.py``, ``linalg_factor.py``,
``linalg_triangular.py``): their dtype and shape checks, triangle helpers, LAPACK error
messages and two base classes.

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
from .registry import Op, known, same_dtype, shape_error


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


def _swap_last(array, transpose):
    """The matrix stack with its last two axes swapped (a view) if ``transpose``."""
    return array.swapaxes(-1, -2) if transpose else array


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
