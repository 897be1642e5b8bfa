"""``gather_nd`` and ``scatter_nd``: read or write whole slices at index tuples;
``ravel_multi_index`` and ``unravel_index``: turn index tuples into flat positions and
back.

``indices`` has shape ``(M, Y0, Y1, ...)``: column ``y`` holds one index tuple into
the first ``M`` axes of the full array ``(X0, X1, ..., X_{M-1}, rest...)``::

    gather_nd(data, indices)[y] = data[indices[0, y], ..., indices[M-1, y]]
                                  -> shape (Y0, Y1, ..., rest...)
    scatter_nd(data, indices, shape): zeros of ``shape`` with those slices set to data

They are each other's gradient: gather's gradient scatters back, *adding* where a
tuple repeats (``_scatter_add``); scatter's gradient gathers. Negative indices count
from the end, as in NumPy.
"""
from ..base import MXNetError
from .indexing import _scatter_add
from .registry import (Example, Op, Shape, first_dtype, register_op, same_dtype,
                       shape_error)
from .shape import _ZeroGrad, _unknown


def _index_tuple(op, indices, full_shape):
    """``indices`` as a tuple of integer arrays, one per indexed axis; raises for an
    index outside its axis."""
    columns = indices.astype("int64")
    for axis in range(columns.shape[0]):
        size = full_shape[axis]
        if bool(((columns[axis] < -size) | (columns[axis] >= size)).any()):
            raise MXNetError(f"operator {op.name}: an index along axis {axis} is "
                             f"out of range for size {size} (indices must be in "
                             f"[-{size}, {size - 1}])")
    return tuple(columns[axis] for axis in range(columns.shape[0]))


def _check_indices(op, full_shape, indices, what):
    """Shape rule shared by both ops; returns the output (gather) / data (scatter)
    shape ``indices.shape[1:] + full_shape[M:]``."""
    if len(indices) < 1 or indices[0] is None:
        raise shape_error(op, f"indices must have shape (M, ...) with M index "
                              f"columns, got {indices}")
    if indices[0] > len(full_shape):
        raise shape_error(op, f"indices {indices} index {indices[0]} axes but the "
                              f"{what} {full_shape} has only {len(full_shape)}")
    return tuple(indices[1:]) + tuple(full_shape[indices[0]:])


@register_op
class GatherNd(Op):
    """Gather slices of ``data`` at the index tuples in ``indices`` (see the module
    docstring)."""
    name = "gather_nd"
    infer_type = first_dtype
    examples = [Example(shapes=[(2, 3, 4), (2, 3)],
                        values={"indices": [[1, 0, 1], [2, 0, 2]]}),
                Example(shapes=[(3, 2), (1, 2, 2)],
                        values={"indices": [[[0, 2], [-1, 1]]]})]

    def infer_shape(self, in_shapes, **attrs):
        data, indices = in_shapes
        if data is None or indices is None:
            return list(in_shapes), [None]
        return list(in_shapes), [_check_indices(self, data, indices, "data")]

    def forward(self, xp, data, indices):
        return data[_index_tuple(self, indices, data.shape)]

    def backward(self, xp, inputs, outputs, out_grads):
        data, indices = inputs
        grad = xp.zeros_like(data)
        _scatter_add(xp, grad, _index_tuple(self, indices, data.shape),
                     out_grads[0])
        return [grad, None]


@register_op
class ScatterNd(Op):
    """Zeros of ``shape`` with ``data``'s slices written at the index tuples in
    ``indices`` (see the module docstring). Where a tuple repeats, one of the writes
    wins (MXNet leaves it undefined too)."""
    name = "scatter_nd"
    infer_type = first_dtype
    examples = [Example(shapes=[(3, 4), (2, 3)], attrs={"shape": (2, 3, 4)},
                        values={"indices": [[1, 0, 1], [2, 0, 0]]})]

    def infer_shape(self, in_shapes, *, shape):
        data, indices = in_shapes
        if indices is None:
            return list(in_shapes), [tuple(shape)]
        expected = _check_indices(self, tuple(shape), indices, "shape")
        if data is not None and tuple(data) != expected:
            raise shape_error(self, f"data must have shape indices.shape[1:] + "
                                    f"shape[M:] = {expected}, got {data}")
        return [expected, indices], [tuple(shape)]

    def forward(self, xp, data, indices, *, shape: Shape):
        result = xp.zeros(tuple(shape), dtype=data.dtype)
        result[_index_tuple(self, indices, shape)] = data
        return result

    def backward(self, xp, inputs, outputs, out_grads, *, shape):
        indices = inputs[1]
        return [out_grads[0][_index_tuple(self, indices, shape)], None]


# --------------------------------------------------------------------------------------
# Index tuples <-> flat positions: ravel_multi_index, unravel_index.
# --------------------------------------------------------------------------------------
def _check_index_shape(op, shape):
    """``shape`` is required and, after its first entry, has no zero (a divisor)."""
    if not shape:
        raise shape_error(op, "the attribute shape is required, e.g. shape=(7, 6)")
    if 0 in shape[1:]:
        raise shape_error(op, f"shape {shape} has a 0 after its first entry; every "
                              "size but the first must be non-zero")


@register_op
class RavelMultiIndex(_ZeroGrad, Op):
    """Flat C-order positions of the index tuples in the columns of ``data``:
    ``out[j] = (data[0, j] * shape[1] + data[1, j]) * shape[2] + ...``, NumPy's
    ``ravel_multi_index``. ``shape[0]`` never enters the sum, so it may be ``-1``.

    MXNet quirks kept: index values are truncated to integers and not range-checked;
    the output keeps ``data``'s dtype; the gradient is zero.
    """
    name = "_ravel_multi_index"
    aliases = ("ravel_multi_index",)
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3)], attrs={"shape": (7, 6)},
                        values={"data": [[3, 6, 6], [4, 5, 1]]}, grad=False,
                        reason="integer output: the gradient is zero"),
                Example(shapes=[(3, 2)], attrs={"shape": (-1, 2, 3)},
                        values={"data": [[1, 2], [1, 0], [0, 2]]}, grad=False,
                        reason="integer output: the gradient is zero")]

    def infer_shape(self, in_shapes, *, shape):
        _check_index_shape(self, shape)
        data = in_shapes[0]
        if data is None:
            return _unknown(self, in_shapes)
        if len(data) != 2 or data[0] != len(shape):
            raise shape_error(self, f"data must have shape ({len(shape)}, N): one "
                                    f"column per index tuple into shape {shape}, got "
                                    f"{data}")
        return list(in_shapes), [(data[1],)]

    def forward(self, xp, data, *, shape: Shape = None):
        indices = data.astype(xp.int64)   # truncates toward zero, as MXNet's cast
        flat = indices[0]
        for axis in range(1, len(shape)):
            flat = flat * shape[axis] + indices[axis]
        return flat.astype(data.dtype)


@register_op
class UnravelIndex(_ZeroGrad, Op):
    """The index tuples of the flat C-order positions in ``data``, one column each:
    the inverse of ``ravel_multi_index``, with output shape ``(len(shape), N)``.

    MXNet quirks kept: ``shape[0]`` is not used (it may be ``-1``), so a position past
    the end gives a first index past ``shape[0]``; positions are truncated to integers
    and a negative one gives negative indices (C's ``%``); the output keeps
    ``data``'s dtype; the gradient is zero. ``data`` must be 1-d (MXNet 1.9.1 returns
    wrong values for more dimensions).
    """
    name = "_unravel_index"
    aliases = ("unravel_index",)
    infer_type = same_dtype
    examples = [Example(shapes=[(4,)], attrs={"shape": (7, 6)},
                        values={"data": [22, 41, 37, 100]}, grad=False,
                        reason="integer output: the gradient is zero")]

    def infer_shape(self, in_shapes, *, shape):
        _check_index_shape(self, shape)
        data = in_shapes[0]
        if data is None:
            return _unknown(self, in_shapes)
        if len(data) != 1:
            raise shape_error(self, f"data must be 1-d (N flat positions), got shape "
                                    f"{data}; flatten it with reshape((-1,)) first")
        return list(in_shapes), [(len(shape), data[0])]

    def forward(self, xp, data, *, shape: Shape = None):
        flat = data.astype(xp.int64)
        rows = [None] * len(shape)
        for axis in range(len(shape) - 1, 0, -1):
            rows[axis] = xp.fmod(flat, shape[axis])   # C's %: the sign of flat
            flat = (flat - rows[axis]) // shape[axis]
        rows[0] = flat
        return xp.stack(rows).astype(data.dtype)
