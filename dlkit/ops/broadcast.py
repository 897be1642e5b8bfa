"""Copying operators: ``tile``, ``repeat`` and ``broadcast_to`` / ``broadcast_like`` /
``broadcast_axis``.

Each output element is a copy of one input element, and an input element may be
copied many times. The gradient of an input element is therefore the *sum* of the
output gradient over its copies::

    data (1, 3) --broadcast_to (2, 3)--> out (2, 3)
    grad (1, 3) <--sum over axis 0------ out_grad (2, 3)     (unbroadcast)

``tile`` and ``repeat`` split the copied axis into (copy, element) and sum the copies.
"""
from .registry import (Axis, Example, Int, Op, OptionalInt, Shape, first_dtype, known,
                       register_op, same_dtype, shape_error, unbroadcast)
from .shape import _axis, _size, _unknown


# --------------------------------------------------------------------------------------
# Copying: tile, repeat, broadcast_*. Gradients sum over the copies.
# --------------------------------------------------------------------------------------
@register_op
class Tile(Op):
    """Repeat the whole array ``reps[i]`` times along axis ``i``, like ``numpy.tile``.
    """
    name = "tile"
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3)], attrs={"reps": (2, 1, 2)}),
                Example(shapes=[(2, 3, 4)], attrs={"reps": (2,)})]

    def infer_shape(self, in_shapes, *, reps):
        shape = in_shapes[0]
        if any(r < 1 for r in reps):
            raise shape_error(self, f"reps {reps} must be positive integers")
        if not known(shape):
            return _unknown(self, in_shapes)
        ndim = max(len(shape), len(reps))
        shape = (1,) * (ndim - len(shape)) + tuple(shape)
        reps = (1,) * (ndim - len(reps)) + tuple(reps)
        return list(in_shapes), [tuple(d * r for d, r in zip(shape, reps))]

    def forward(self, xp, data, *, reps: Shape):
        return xp.tile(data, reps)

    def backward(self, xp, inputs, outputs, out_grads, *, reps):
        data = inputs[0]
        ndim = max(data.ndim, len(reps))
        shape = (1,) * (ndim - data.ndim) + data.shape
        reps = (1,) * (ndim - len(reps)) + tuple(reps)
        # output axis i is (copy r, element d) flattened: split it and sum the copies
        split = [size for pair in zip(reps, shape) for size in pair]
        grad = out_grads[0].reshape(split).sum(axis=tuple(range(0, 2 * ndim, 2)))
        return [grad.reshape(data.shape)]


@register_op
class Repeat(Op):
    """Repeat each element ``repeats`` times along ``axis`` (flattened if ``None``)."""
    name = "repeat"
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3)], attrs={"repeats": 2}),
                Example(shapes=[(2, 3)], attrs={"repeats": 3, "axis": -1})]

    def infer_shape(self, in_shapes, *, repeats, axis):
        shape = in_shapes[0]
        if not known(shape):
            return _unknown(self, in_shapes)
        if axis is None:
            return list(in_shapes), [(_size(shape) * repeats,)]
        position = _axis(self, axis, len(shape))
        result = list(shape)
        result[position] *= repeats
        return list(in_shapes), [tuple(result)]

    def forward(self, xp, data, *, repeats: Int, axis: OptionalInt = None):
        return xp.repeat(data, repeats, axis=axis)

    def backward(self, xp, inputs, outputs, out_grads, *, repeats, axis):
        data = inputs[0]
        if axis is None:
            return [out_grads[0].reshape(-1, repeats).sum(axis=1).reshape(data.shape)]
        position = axis % data.ndim
        split = data.shape[:position + 1] + (repeats,) + data.shape[position + 1:]
        return [out_grads[0].reshape(split).sum(axis=position + 1)]


class _Broadcast(Op):
    """Copy length-1 axes to a target shape; the gradient sums over the copies."""
    infer_type = first_dtype

    def check(self, shape, target):
        mismatched = any(d != t and d != 1 for d, t in zip(shape, target))
        if len(shape) != len(target) or mismatched:
            raise shape_error(self, f"cannot broadcast shape {shape} to {target}: each "
                                    "dimension must be equal or 1, with the same "
                                    "number of dimensions")

    def infer_shape(self, in_shapes, **attrs):
        if not all(known(shape) for shape in in_shapes):
            return _unknown(self, in_shapes)
        target = self.target(in_shapes, **attrs)
        self.check(in_shapes[0], target)
        return list(in_shapes), [target]

    def forward(self, xp, data, *others, **attrs):
        target = self.target([data.shape] + [o.shape for o in others], **attrs)
        return xp.broadcast_to(data, target).copy()  # a writable array, not a view

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        grad = unbroadcast(xp, out_grads[0], inputs[0].shape)
        return [grad] + [None] * (len(inputs) - 1)


@register_op
class BroadcastTo(_Broadcast):
    """Broadcast to ``shape``; a 0 in ``shape`` keeps the input's dimension."""
    name = "broadcast_to"
    examples = [Example(shapes=[(1, 3)], attrs={"shape": (2, 0)})]

    def target(self, in_shapes, *, shape):
        source = in_shapes[0]
        if len(shape) != len(source):
            raise shape_error(self, f"cannot broadcast shape {source} to {shape}: "
                                    "they have a different number of dimensions")
        return tuple(d if t == 0 else t for d, t in zip(source, shape))

    def forward(self, xp, data, *, shape: Shape = ()):
        return super().forward(xp, data, shape=shape)


@register_op
class BroadcastLike(_Broadcast):
    """Broadcast ``lhs`` to the shape of ``rhs`` (or only ``lhs_axes`` to the lengths of
    ``rhs_axes``); ``rhs`` gets no gradient."""
    name = "broadcast_like"
    examples = [Example(shapes=[(1, 3), (4, 3)]),
                Example(shapes=[(2, 1), (4, 5)],
                        attrs={"lhs_axes": (1,), "rhs_axes": (1,)})]

    def target(self, in_shapes, *, lhs_axes, rhs_axes):
        lhs, rhs = in_shapes
        if lhs_axes is None and rhs_axes is None:
            return tuple(rhs)
        if lhs_axes is None or rhs_axes is None or len(lhs_axes) != len(rhs_axes):
            raise shape_error(self, f"lhs_axes {lhs_axes} and rhs_axes {rhs_axes} must "
                                    "be given together, with the same length")
        result = list(lhs)
        for lhs_axis, rhs_axis in zip(lhs_axes, rhs_axes):
            result[_axis(self, lhs_axis, len(lhs), "lhs_axes")] = \
                rhs[_axis(self, rhs_axis, len(rhs), "rhs_axes")]
        return tuple(result)

    def forward(self, xp, lhs, rhs, *, lhs_axes: Axis = None, rhs_axes: Axis = None):
        return super().forward(xp, lhs, rhs, lhs_axes=_tuple(lhs_axes),
                               rhs_axes=_tuple(rhs_axes))

    def infer_shape(self, in_shapes, *, lhs_axes, rhs_axes):
        return super().infer_shape(in_shapes, lhs_axes=_tuple(lhs_axes),
                                   rhs_axes=_tuple(rhs_axes))


def _tuple(axis):
    return (axis,) if isinstance(axis, int) else axis


@register_op
class BroadcastAxis(_Broadcast):
    """Broadcast the length-1 axes ``axis`` to the lengths ``size``."""
    name = "broadcast_axis"
    aliases = ("broadcast_axes",)
    examples = [Example(shapes=[(1, 2, 1)], attrs={"axis": (0, 2), "size": (3, 4)})]

    def target(self, in_shapes, *, axis, size):
        source = in_shapes[0]
        if len(axis) != len(size):
            raise shape_error(self, f"axis {axis} and size {size} must have the same "
                                    "length")
        result = list(source)
        for a, length in zip(axis, size):
            position = _axis(self, a, len(source))
            if source[position] != 1:
                raise shape_error(self, f"axis {a} of shape {source} has length "
                                        f"{source[position]}; only length-1 axes "
                                        "broadcast")
            result[position] = length
        return tuple(result)

    def forward(self, xp, data, *, axis: Shape = (), size: Shape = ()):
        return super().forward(xp, data, axis=axis, size=size)
