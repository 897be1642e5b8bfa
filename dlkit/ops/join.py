"""Joining and splitting: ``Concat``, ``stack``, ``khatri_rao``, ``SliceChannel``
(``split``) and ``_split_v2``.

Joining and splitting undo each other, and so do their gradients: the gradient of
``Concat`` is the output gradient split at the input boundaries, and the gradient of
``SliceChannel`` is its output gradients concatenated::

    a (2, 3) --+
               +--Concat(dim=1)--> out (2, 5)
    b (2, 2) --+
    grads:  out_grad (2, 5) --split at column 3--> (2, 3), (2, 2)
"""
import math

from .registry import (Bool, Example, Int, Op, Shape, known, register_op, same_dtype,
                       shape_error)
from .shape import _axis, _unknown


# --------------------------------------------------------------------------------------
# Joining and splitting: Concat, stack, SliceChannel.
# --------------------------------------------------------------------------------------
@register_op
class Concat(Op):
    """Join arrays along axis ``dim``; all other dimensions must match."""
    name = "Concat"
    aliases = ("concat",)
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3), (2, 1)], attrs={"num_args": 2}),
                Example(shapes=[(2, 3), (1, 3), (4, 3)],
                        attrs={"num_args": 3, "dim": 0})]

    def infer_shape(self, in_shapes, *, num_args, dim):
        if not all(known(shape) for shape in in_shapes):
            return _unknown(self, in_shapes)
        first = in_shapes[0]
        axis = _axis(self, dim, len(first), "dim")
        for shape in in_shapes[1:]:
            if len(shape) != len(first) or any(a != b for i, (a, b) in
                                               enumerate(zip(shape,
                                                             first)) if i != axis):
                raise shape_error(self, f"cannot concatenate shapes {list(in_shapes)} "
                                        f"along dim={dim}: the other dimensions differ")
        total = sum(shape[axis] for shape in in_shapes)
        return list(in_shapes), [first[:axis] + (total,) + first[axis + 1:]]

    def forward(self, xp, *data, num_args: Int, dim: Int = 1):
        return xp.concatenate(data, axis=dim)

    def backward(self, xp, inputs, outputs, out_grads, *, num_args, dim):
        offsets = []
        total = 0
        for array in inputs[:-1]:
            total += array.shape[dim]
            offsets.append(total)
        return xp.split(out_grads[0], offsets, axis=dim)


@register_op
class Stack(Op):
    """Join arrays of one shape along a new axis ``axis``."""
    name = "stack"
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3), (2, 3)], attrs={"num_args": 2}),
                Example(shapes=[(2, 3), (2, 3), (2, 3)],
                        attrs={"axis": -1, "num_args": 3})]

    def infer_shape(self, in_shapes, *, axis, num_args):
        if not all(known(shape) for shape in in_shapes):
            return _unknown(self, in_shapes)
        first = in_shapes[0]
        if any(shape != first for shape in in_shapes):
            raise shape_error(self, f"all inputs must have the same shape, got "
                                    f"{list(in_shapes)}")
        position = _axis(self, axis, len(first) + 1)
        return list(in_shapes), [first[:position] + (num_args,) + first[position:]]

    def forward(self, xp, *data, axis: Int = 0, num_args: Int):
        return xp.stack(data, axis=axis)

    def backward(self, xp, inputs, outputs, out_grads, *, axis, num_args):
        position = axis % (inputs[0].ndim + 1)
        return [xp.take(out_grads[0], i, axis=position) for i in range(num_args)]


@register_op
class KhatriRao(Op):
    """The column-wise Khatri-Rao product of matrices ``A_1 (M_1, N), ..., A_n (M_n,
    N)``: an ``(M_1 * ... * M_n, N)`` matrix whose column ``k`` is the Kronecker
    product of the inputs' columns ``k`` (row ``i_1 * M_2 + i_2`` of two inputs holds
    ``A_1[i_1, k] * A_2[i_2, k]``).

    The gradient of input ``i`` sums the output gradient times every other input over
    their row axes. Differs from MXNet: MXNet 1.9.1 registers no gradient for
    ``khatri_rao`` (backward fails); dlkit has one.
    """
    name = "khatri_rao"
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3), (3, 3)], attrs={"num_args": 2}),
                Example(shapes=[(2, 2), (1, 2), (3, 2)], attrs={"num_args": 3}),
                Example(shapes=[(3, 2)], attrs={"num_args": 1})]

    def infer_shape(self, in_shapes, *, num_args):
        for shape in in_shapes:
            if shape is not None and len(shape) != 2:
                raise shape_error(self, f"every input must be a 2-d matrix, got shapes "
                                        f"{list(in_shapes)}")
        if not all(known(shape) for shape in in_shapes):
            return _unknown(self, in_shapes)
        if len({shape[1] for shape in in_shapes}) != 1:
            raise shape_error(self, f"every input must have the same number of "
                                    f"columns, got shapes {list(in_shapes)}")
        rows = math.prod(shape[0] for shape in in_shapes)
        return list(in_shapes), [(rows, in_shapes[0][1])]

    def forward(self, xp, *args, num_args: Int):
        result = args[0]
        for matrix in args[1:]:   # each row of result times each row of matrix
            result = (result[:, None, :] * matrix[None, :, :]).reshape(
                -1, matrix.shape[1])
        return result

    def backward(self, xp, inputs, outputs, out_grads, *, num_args):
        rows = [matrix.shape[0] for matrix in inputs]
        columns = inputs[0].shape[1]
        # the output gradient with one axis per input's rows: (M_1, ..., M_n, N)
        grid = out_grads[0].reshape(tuple(rows) + (columns,))
        grads = []
        for position in range(num_args):
            product = grid
            for other, matrix in enumerate(inputs):
                if other != position:
                    view = [1] * num_args + [columns]
                    view[other] = rows[other]
                    product = product * matrix.reshape(view)
            axes = tuple(axis for axis in range(num_args) if axis != position)
            grads.append(product.sum(axis=axes) if axes else product)
        return grads


@register_op
class SliceChannel(Op):
    """Split into ``num_outputs`` equal parts along ``axis`` (``squeeze_axis`` drops
    the axis when each part has length 1)."""
    name = "SliceChannel"
    aliases = ("split",)
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 6)], attrs={"num_outputs": 3}),
                Example(shapes=[(3, 2)], attrs={"num_outputs": 3, "axis": 0,
                                                "squeeze_axis": True})]

    def num_outputs(self, attrs):
        return attrs["num_outputs"]

    def infer_shape(self, in_shapes, *, num_outputs, axis, squeeze_axis):
        shape = in_shapes[0]
        if not known(shape):
            return _unknown(self, in_shapes, num_outputs)
        position = _axis(self, axis, len(shape))
        if shape[position] % num_outputs:
            raise shape_error(self, f"cannot split axis {axis} of shape {shape} into "
                                    f"{num_outputs} equal parts")
        part = shape[position] // num_outputs
        if squeeze_axis and part != 1:
            raise shape_error(self, f"squeeze_axis=True needs parts of length 1, but "
                                    f"axis {axis} of shape {shape} gives parts of "
                                    f"length {part}")
        middle = () if squeeze_axis else (part,)
        out = shape[:position] + middle + shape[position + 1:]
        return list(in_shapes), [out] * num_outputs

    def forward(self, xp, data, *, num_outputs: Int, axis: Int = 1,
                squeeze_axis: Bool = False):
        parts = xp.split(data, num_outputs, axis=axis)
        if squeeze_axis:
            parts = [part.squeeze(axis=axis) for part in parts]
        return tuple(parts)

    def backward(self, xp, inputs, outputs, out_grads, *, num_outputs, axis,
                 squeeze_axis):
        grads = [xp.expand_dims(g, axis) if squeeze_axis else g for g in out_grads]
        return [xp.concatenate(grads, axis=axis)]


def _split_bounds(op, length, indices, sections):
    """Start positions of the parts of an axis of ``length``: ``sections`` near-equal
    parts (the first ``length % sections`` one longer, as ``numpy.array_split``), or
    parts starting at ``indices`` (which must begin at 0 and never decrease)."""
    if sections > 0:
        size, longer = divmod(length, sections)
        return [part * size + min(part, longer) for part in range(sections)]
    if not indices or indices[0] != 0:
        raise shape_error(op, f"indices {indices} must start at 0 (the first part's "
                              "start)")
    for start, end in zip(indices, list(indices[1:]) + [length]):
        if not start <= end <= length:
            raise shape_error(op, f"indices {indices} must be non-decreasing and at "
                                  f"most the axis length {length}")
    return list(indices)


@register_op
class SplitV2(Op):
    """Split ``data`` along ``axis`` into parts starting at ``indices`` (``(0, 2, 3)``
    gives ``[0:2], [2:3], [3:]``), or into ``sections`` near-equal parts when
    ``sections > 0``. What ``mx.nd.split_v2`` and ``mx.sym.split_v2`` call;
    ``squeeze_axis`` drops the axis when every part has length 1. The gradient
    concatenates the parts' gradients.
    """
    name = "_split_v2"
    infer_type = same_dtype
    examples = [Example(shapes=[(6, 2)], attrs={"indices": (0, 1, 4), "axis": 0}),
                Example(shapes=[(2, 7)], attrs={"indices": (), "sections": 3}),
                Example(shapes=[(2, 3, 2)], attrs={"indices": (0, 1), "axis": -1,
                                                   "squeeze_axis": True})]

    def num_outputs(self, attrs):
        return attrs["sections"] if attrs["sections"] > 0 else len(attrs["indices"])

    def infer_shape(self, in_shapes, *, indices, axis, squeeze_axis, sections):
        count = self.num_outputs({"indices": indices, "sections": sections})
        if count == 0:
            raise shape_error(self, "give indices (starting with 0) or sections > 0")
        shape = in_shapes[0]
        if not known(shape):
            return _unknown(self, in_shapes, count)
        position = _axis(self, axis, len(shape))
        starts = _split_bounds(self, shape[position], indices, sections)
        ends = starts[1:] + [shape[position]]
        out_shapes = []
        for start, end in zip(starts, ends):
            if squeeze_axis and end - start != 1:
                raise shape_error(self, f"squeeze_axis=True needs parts of length "
                                        f"1, but axis {axis} of shape {shape} gives a "
                                        f"part of length {end - start}")
            middle = () if squeeze_axis else (end - start,)
            out_shapes.append(shape[:position] + middle + shape[position + 1:])
        return list(in_shapes), out_shapes

    def forward(self, xp, data, *, indices: Shape, axis: Int = 1,
                squeeze_axis: Bool = False, sections: Int = 0):
        position = axis % data.ndim
        starts = _split_bounds(self, data.shape[position], indices, sections)
        parts = xp.split(data, starts[1:], axis=position)
        if squeeze_axis:
            parts = [part.squeeze(axis=position) for part in parts]
        return tuple(parts)

    def backward(self, xp, inputs, outputs, out_grads, *, indices, axis, squeeze_axis,
                 sections):
        position = axis % inputs[0].ndim
        grads = [xp.expand_dims(g, position) if squeeze_axis else g for g in out_grads]
        return [xp.concatenate(grads, axis=position)]
