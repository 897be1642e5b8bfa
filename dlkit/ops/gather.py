"""``gather_nd`` and ``scatter_nd``: read or write whole slices at index tuples.

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
from .registry import (Example, Op, Shape, first_dtype, register_op, shape_error)


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
