"""Sorting operators: ``topk``, ``sort`` and ``argsort``.

Sorting moves every element to a new place along one axis, so the gradient is the output
gradient moved back: placed into zeros at the positions the sort took each element
from. ``sort`` and ``topk`` therefore return the sorting indices as a hidden output,
which their backward reads, as MXNet does::

    data   [3, 1, 2]  --sort-->  values [1, 2, 3], hidden indices [1, 2, 0]
    grad   [g2, g0, g1] <--placed back at [1, 2, 0]-- out_grad [g0, g1, g2]

Equal values keep their input order (a stable sort), in both directions, as in MXNet.
Index-valued results (``argsort``, ``topk`` indices and masks) have zero gradient.
"""
from .registry import (Bool, Choice, Example, Int, Op, OptionalInt, known, register_op,
                       shape_error)
from .shape import _ZeroGrad, _axis, _size, _unknown


# --------------------------------------------------------------------------------------
# Helpers: a stable argsort in both directions, and its inverse for gradients.
# --------------------------------------------------------------------------------------
def _stable_argsort(xp, data, axis, ascending):
    """Indices that sort ``data`` along ``axis``; equal values keep their order, in both
    directions, as MXNet's sort does."""
    kind = "stable" if xp.__name__ == "numpy" else None  # CuPy always sorts stably
    if ascending:
        return xp.argsort(data, axis=axis, kind=kind)
    # sort the reversed array ascending and read it backwards: ties stay in input order
    flipped = xp.argsort(xp.flip(data, axis=axis), axis=axis, kind=kind)
    return data.shape[axis] - 1 - xp.flip(flipped, axis=axis)


def _place_along_axis(xp, values, indices, axis, length):
    """Zeros with ``length`` along ``axis`` holding ``values`` at ``indices`` (distinct
    indices per row, as from a sort): the backward of ``take_along_axis``."""
    moved_values = xp.moveaxis(values, axis, -1)
    moved_indices = xp.moveaxis(indices, axis, -1)
    rows = moved_values.reshape(-1, moved_values.shape[-1])
    result = xp.zeros((rows.shape[0], length), values.dtype)
    row_ids = xp.arange(rows.shape[0])[:, None]
    result[row_ids, moved_indices.reshape(rows.shape)] = rows
    result = result.reshape(moved_values.shape[:-1] + (length,))
    return xp.moveaxis(result, -1, axis)


# --------------------------------------------------------------------------------------
# topk, sort, argsort.
# --------------------------------------------------------------------------------------
def _sort_axis(op, data_shape, axis):
    """The axis to sort along, or ``None`` for the flattened array."""
    return None if axis is None else _axis(op, axis, len(data_shape))


def _sorted(xp, data, axis, ascending):
    """``(values, indices)`` of ``data`` sorted along ``axis`` (flattened: ``None``)."""
    if axis is None:
        data, axis = data.reshape(-1), 0
    indices = _stable_argsort(xp, data, axis, ascending)
    return xp.take_along_axis(data, indices, axis=axis), indices


def _unsort_grad(xp, data, grad, indices, axis):
    """Scatter the gradient of sorted values back to where each value came from."""
    length = data.size if axis is None else data.shape[axis]
    result = _place_along_axis(xp, grad, indices.astype(xp.int64), axis or 0, length)
    return result.reshape(data.shape)


@register_op
class TopK(Op):
    """The ``k`` largest (``is_ascend``: smallest) elements along ``axis``
    (``k < 1``: all of them, sorted). ``ret_typ`` picks the result: ``'value'``,
    ``'indices'`` (as ``dtype`` numbers), ``'mask'`` (1 at the chosen places) or
    ``'both'`` (values and indices). The values' gradient goes back to the chosen
    elements; a hidden output keeps their indices for that."""
    name = "topk"
    examples = [Example(shapes=[(3, 5)], attrs={"k": 2, "ret_typ": "value"}),
                Example(shapes=[(3, 5)], attrs={"axis": 0, "k": 2, "ret_typ": "both",
                                                "is_ascend": True}),
                Example(shapes=[(3, 5)], attrs={"k": 2}, grad=False,
                        reason="indices are piecewise constant"),
                Example(shapes=[(3, 5)], attrs={"axis": None, "k": 3,
                                                "ret_typ": "mask"},
                        grad=False, reason="a mask is piecewise constant")]

    def num_outputs(self, attrs):
        return 2 if attrs["ret_typ"] in ("value", "both") else 1

    def num_visible_outputs(self, attrs):
        return 2 if attrs["ret_typ"] == "both" else 1

    def _k(self, shape, axis, k):
        length = _size(shape) if axis is None else shape[axis]
        if k > length:
            raise shape_error(self, f"k={k} is larger than the {length} elements along "
                                    f"axis {axis} of shape {shape}")
        return length if k < 1 else k

    def infer_shape(self, in_shapes, *, axis, k, ret_typ, is_ascend, dtype):
        shape = in_shapes[0]
        count = self.num_outputs({"ret_typ": ret_typ})
        if not known(shape):
            return _unknown(self, in_shapes, count)
        position = _sort_axis(self, shape, axis)
        chosen = self._k(shape, position, k)
        if ret_typ == "mask":
            return list(in_shapes), [tuple(shape)]
        if position is None:
            return list(in_shapes), [(chosen,)] * count
        out = shape[:position] + (chosen,) + shape[position + 1:]
        return list(in_shapes), [out] * count

    def infer_type(self, in_types, *, axis, k, ret_typ, is_ascend, dtype):
        if ret_typ == "indices":
            return list(in_types), [dtype]
        if ret_typ == "mask":
            return list(in_types), [in_types[0]]
        return list(in_types), [in_types[0], dtype]

    def forward(self, xp, data, *, axis: OptionalInt = -1, k: Int = 1,
                ret_typ: Choice("both", "indices", "mask", "value") = "indices",
                is_ascend: Bool = False,
                dtype: Choice("float16", "float32", "float64", "int32", "int64",
                              "uint8") = "float32"):
        position = _sort_axis(self, data.shape, axis)
        chosen = self._k(data.shape, position, k)
        values, indices = _sorted(xp, data, position, is_ascend)
        sort_axis = 0 if position is None else position
        values = xp.take(values, xp.arange(chosen), axis=sort_axis)
        indices = xp.take(indices, xp.arange(chosen), axis=sort_axis)
        if ret_typ == "mask":
            return _unsort_grad(xp, data, xp.ones_like(values), indices, position)
        if ret_typ == "indices":
            return indices.astype(dtype)
        return values, indices.astype(dtype)

    def backward(self, xp, inputs, outputs, out_grads, *, axis, k, ret_typ, is_ascend,
                 dtype):
        data = inputs[0]
        if ret_typ in ("indices", "mask"):
            return [xp.zeros_like(data)]
        position = _sort_axis(self, data.shape, axis)
        return [_unsort_grad(xp, data, out_grads[0], outputs[1], position)]


@register_op
class Sort(Op):
    """Sorted copy along ``axis`` (flattened if ``None``); ascending unless
    ``is_ascend=False``. A hidden output keeps the order for the gradient."""
    name = "sort"
    examples = [Example(shapes=[(3, 4)]),
                Example(shapes=[(3, 4)], attrs={"axis": 0, "is_ascend": False}),
                Example(shapes=[(3, 4)], attrs={"axis": None})]

    def num_outputs(self, attrs):
        return 2

    def num_visible_outputs(self, attrs):
        return 1

    def infer_shape(self, in_shapes, *, axis, is_ascend):
        shape = in_shapes[0]
        if not known(shape):
            return _unknown(self, in_shapes, 2)
        position = _sort_axis(self, shape, axis)
        out = (_size(shape),) if position is None else tuple(shape)
        return list(in_shapes), [out, out]

    def infer_type(self, in_types, *, axis, is_ascend):
        return list(in_types), [in_types[0], "int64"]

    def forward(self, xp, data, *, axis: OptionalInt = -1, is_ascend: Bool = True):
        return _sorted(xp, data, _sort_axis(self, data.shape, axis), is_ascend)

    def backward(self, xp, inputs, outputs, out_grads, *, axis, is_ascend):
        position = _sort_axis(self, inputs[0].shape, axis)
        return [_unsort_grad(xp, inputs[0], out_grads[0], outputs[1], position)]


@register_op
class ArgSort(_ZeroGrad, Op):
    """Indices that sort ``data`` along ``axis`` (flattened if ``None``), as ``dtype``
    numbers; equal values keep their order."""
    name = "argsort"
    examples = [Example(shapes=[(3, 4)], grad=False,
                        reason="indices are piecewise constant"),
                Example(shapes=[(3, 4)], attrs={"axis": None, "is_ascend": False,
                                                "dtype": "int32"}, grad=False,
                        reason="indices are piecewise constant")]

    def infer_shape(self, in_shapes, *, axis, is_ascend, dtype):
        shape = in_shapes[0]
        if not known(shape):
            return _unknown(self, in_shapes)
        position = _sort_axis(self, shape, axis)
        return list(in_shapes), [(_size(shape),) if position is None else tuple(shape)]

    def infer_type(self, in_types, *, axis, is_ascend, dtype):
        return list(in_types), [dtype]

    def forward(self, xp, data, *, axis: OptionalInt = -1, is_ascend: Bool = True,
                dtype: Choice("float16", "float32", "float64", "int32", "int64",
                              "uint8") = "float32"):
        position = _sort_axis(self, data.shape, axis)
        if position is None:
            data, position = data.reshape(-1), 0
        return _stable_argsort(xp, data, position, is_ascend).astype(dtype)
