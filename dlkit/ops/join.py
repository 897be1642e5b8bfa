"""Joining and splitting: ``Concat``, ``stack`` and ``SliceChannel`` (``split``).

Joining and splitting undo each other, and so do their gradients: the gradient of
``Concat`` is the output gradient split at the input boundaries, and the gradient of
``SliceChannel`` is its output gradients concatenated::

    a (2, 3) --+
               +--Concat(dim=1)--> out (2, 5)
    b (2, 2) --+
    grads:  out_grad (2, 5) --split at column 3--> (2, 3), (2, 2)
"""
from .registry import (Bool, Example, Int, Op, known, register_op, same_dtype,
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
