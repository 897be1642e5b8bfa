"""Shape operators: move, copy or select elements without arithmetic.

Three groups, each with a simple gradient rule:

* **rearrange** (``Reshape``, ``transpose``, ``expand_dims``, ``SwapAxis``, ``flip``...):
  every input element lands in exactly one output place, so the gradient is the output
  gradient rearranged back (reshape it back, transpose it with the inverse permutation);
* **copy** (``tile``, ``repeat``, ``broadcast_to``, ``Concat``, ``stack``...): an input
  element may appear several times, so its gradient is the *sum* over its copies;
* **select** (``slice``, ``take``, ``pick``, ``topk``, ``sort``, ``_getitem``): the
  gradient is scattered into zeros of the input's shape at the selected places
  (``take`` may select a place twice, so it adds rather than assigns).

Index-valued results (``argsort``, ``topk`` indices, ``one_hot``, ``shape_array``) have
zero gradient. Ops whose result views the input (``Reshape``, ``Flatten``,
``expand_dims``, ``squeeze``) return NumPy views, like MXNet's ``x.reshape``.
"""
import ast

import numpy as np

from .registry import (AttrType, Axis, Bool, Choice, Dtype, Example, Float, Int, Op,
                       OptionalInt, Shape, first_dtype, known, register_op, same_dtype,
                       same_shape, shape_error, unbroadcast)


# ----------------------------------------------------------------------------------------
# Helpers shared by this family.
# ----------------------------------------------------------------------------------------
def _axis(op, axis, ndim, what="axis"):
    """``axis`` as a non-negative int, or an error naming the valid range."""
    if not -ndim <= axis < ndim:
        raise shape_error(op, f"{what}={axis} is out of range for an array of {ndim} "
                              f"dimensions (valid: {-ndim} to {ndim - 1})")
    return axis % ndim


def _size(shape):
    total = 1
    for dim in shape:
        total *= dim
    return total


def _unknown(op, in_shapes, count=1):
    """The answer of ``infer_shape`` while an input shape is still unknown."""
    return list(in_shapes), [None] * count


def _scatter_add(xp, target, index, values):
    """``target[index] += values``, adding (not overwriting) where ``index`` repeats."""
    if hasattr(xp.add, "at"):
        xp.add.at(target, index, values)
    else:
        import cupyx  # older CuPy has no ufunc.at
        cupyx.scatter_add(target, index, values)
    return target


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


class _ZeroGrad:
    """Mixin: the output does not depend smoothly on ``data``; its gradient is zero."""
    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        return [xp.zeros_like(inputs[0])] + [None] * (len(inputs) - 1)


# ----------------------------------------------------------------------------------------
# Reshape and friends: same elements, new shape.
# ----------------------------------------------------------------------------------------
def reshape_target(op, source, codes, reverse=False):
    """Apply MXNet's special ``shape`` codes to the input shape ``source``.

    ``d > 0`` is ``d``; ``0`` copies the matching input dim; ``-1`` is inferred from the
    size; ``-2`` copies all remaining dims; ``-3`` merges two dims into one; ``-4, a, b``
    splits one dim into ``a * b`` (one of them may be -1). ``reverse=True`` reads both
    shapes from the right, so ``(10, 5, 4)`` with ``(-1, 0)`` gives ``(50, 4)``.
    """
    source, codes = list(source), list(codes)
    if reverse:
        source.reverse()
        codes.reverse()
    out, inferred, src, position = [], None, 0, 0

    def next_source(count):
        if src + count > len(source):
            raise shape_error(op, f"shape {tuple(codes)} uses more dimensions than the "
                                  f"input shape {tuple(source)} has")
        return source[src:src + count]

    while position < len(codes):
        code = codes[position]
        if code > 0:
            out.append(code)
            src += 1
        elif code == 0:
            out.extend(next_source(1))
            src += 1
        elif code == -1:
            if inferred is not None:
                raise shape_error(op, f"shape {tuple(codes)} has more than one -1")
            inferred = len(out)
            out.append(1)
            src += 1
        elif code == -2:
            out.extend(source[src:])
            src = len(source)
        elif code == -3:
            first, second = next_source(2)
            out.append(first * second)
            src += 2
        elif code == -4:
            parts = codes[position + 1:position + 3]
            out.extend(_split_dim(op, next_source(1)[0], parts))
            src += 1
            position += 2
        else:
            raise shape_error(op, f"unknown special value {code} in shape {tuple(codes)}")
        position += 1
    if inferred is not None:
        rest = _size(out)
        if rest == 0 or _size(source) % rest:
            raise shape_error(op, f"cannot infer the -1 in shape {tuple(codes)}: "
                                  f"input shape {tuple(source)} has {_size(source)} "
                                  f"elements, not a multiple of {rest}")
        out[inferred] = _size(source) // rest
    if reverse:
        out.reverse()
    return tuple(out)


def _split_dim(op, dim, parts):
    """The two dims that ``-4, a, b`` splits ``dim`` into."""
    if len(parts) != 2:
        raise shape_error(op, "-4 must be followed by the two dims to split into")
    first, second = parts
    if first == -1:
        first = dim // second
    if second == -1:
        second = dim // first
    if first * second != dim:
        raise shape_error(op, f"-4 cannot split dimension {dim} into {parts[0]} x "
                              f"{parts[1]}")
    return [first, second]


class _ReshapeBack:
    """Mixin: the gradient is the output gradient reshaped to the input's shape."""
    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        return [out_grads[0].reshape(inputs[0].shape)] + [None] * (len(inputs) - 1)


@register_op
class Reshape(_ReshapeBack, Op):
    """Give the data a new shape with the same number of elements.

    ``shape`` may use MXNet's special codes (see ``reshape_target``): 0 copy a dim,
    -1 infer, -2 copy the rest, -3 merge two dims, -4 split one. Example:
    ``(2, 3, 4)`` with ``(-4, 1, 2, -2)`` gives ``(1, 2, 3, 4)``.
    Differs from MXNet: the deprecated ``target_shape``/``keep_highest`` are not
    accepted, and a shape of a different size is an error (MXNet does not always check).
    """
    name = "Reshape"
    aliases = ("reshape",)
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3, 4)], attrs={"shape": (-4, 1, 2, -2)}),
                Example(shapes=[(2, 3, 4)], attrs={"shape": (-1, 0), "reverse": True})]

    def infer_shape(self, in_shapes, *, shape, reverse):
        if not shape:
            raise shape_error(self, "give the target shape, e.g. shape=(2, -1)")
        if not known(in_shapes[0]):
            return _unknown(self, in_shapes)
        target = reshape_target(self, in_shapes[0], shape, reverse)
        if _size(target) != _size(in_shapes[0]):
            raise shape_error(self, f"cannot reshape data of shape {in_shapes[0]} "
                                    f"({_size(in_shapes[0])} elements) to {target} "
                                    f"({_size(target)} elements), given shape={shape}")
        return list(in_shapes), [target]

    def forward(self, xp, data, *, shape: Shape = (), reverse: Bool = False):
        return data.reshape(reshape_target(self, data.shape, shape, reverse))


@register_op
class ReshapeLike(_ReshapeBack, Op):
    """Reshape ``lhs`` to the shape of ``rhs`` (or replace ``lhs`` dims
    ``[lhs_begin, lhs_end)`` by ``rhs`` dims ``[rhs_begin, rhs_end)``)."""
    name = "reshape_like"
    infer_type = first_dtype
    examples = [Example(shapes=[(2, 3, 4), (6, 4)]),
                Example(shapes=[(6, 4), (2, 3, 5)], attrs={"lhs_begin": 0, "lhs_end": 1,
                                                          "rhs_begin": 0, "rhs_end": 2})]

    def infer_shape(self, in_shapes, *, lhs_begin, lhs_end, rhs_begin, rhs_end):
        lhs, rhs = in_shapes
        if not known(lhs) or not known(rhs):
            return _unknown(self, in_shapes)
        lhs_start, lhs_stop, _ = slice(lhs_begin, lhs_end).indices(len(lhs))
        target = lhs[:lhs_start] + rhs[rhs_begin:rhs_end] + lhs[lhs_stop:]
        if _size(target) != _size(lhs):
            raise shape_error(self, f"cannot reshape lhs of shape {lhs} to {target} "
                                    f"(from rhs of shape {rhs}): the sizes differ")
        return list(in_shapes), [target]

    def forward(self, xp, lhs, rhs, *, lhs_begin: OptionalInt = None,
                lhs_end: OptionalInt = None, rhs_begin: OptionalInt = None,
                rhs_end: OptionalInt = None):
        _, (target,) = self.infer_shape([lhs.shape, rhs.shape], lhs_begin=lhs_begin,
                                        lhs_end=lhs_end, rhs_begin=rhs_begin,
                                        rhs_end=rhs_end)
        return lhs.reshape(target)


@register_op
class Flatten(_ReshapeBack, Op):
    """Collapse every axis but the first: ``(N, C, H, W)`` becomes ``(N, C*H*W)``."""
    name = "Flatten"
    aliases = ("flatten",)
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3, 4)]), Example(shapes=[(5,)])]

    def infer_shape(self, in_shapes):
        shape = in_shapes[0]
        if not known(shape):
            return _unknown(self, in_shapes)
        return list(in_shapes), [(shape[0], _size(shape[1:]))]

    def forward(self, xp, data):
        return data.reshape(data.shape[0], -1)


@register_op
class ExpandDims(_ReshapeBack, Op):
    """Insert an axis of length 1 at position ``axis`` (from ``-ndim-1`` to ``ndim``)."""
    name = "expand_dims"
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3)], attrs={"axis": 1}),
                Example(shapes=[(2, 3)], attrs={"axis": -1})]

    def infer_shape(self, in_shapes, *, axis):
        shape = in_shapes[0]
        if shape is None:
            return _unknown(self, in_shapes)
        position = _axis(self, axis, len(shape) + 1)
        return list(in_shapes), [shape[:position] + (1,) + shape[position:]]

    def forward(self, xp, data, *, axis: Int):
        return xp.expand_dims(data, _axis(self, axis, data.ndim + 1))


@register_op
class Squeeze(_ReshapeBack, Op):
    """Remove axes of length 1 (all of them, or those in ``axis``).

    MXNet quirk kept: squeezing every axis of a ``(1, 1)`` array gives ``(1,)``, not a
    0-d array.
    """
    name = "squeeze"
    infer_type = same_dtype
    examples = [Example(shapes=[(1, 2, 1, 3)]),
                Example(shapes=[(1, 2, 1, 3)], attrs={"axis": (-2, 0)})]

    def infer_shape(self, in_shapes, *, axis):
        shape = in_shapes[0]
        if not known(shape):
            return _unknown(self, in_shapes)
        if axis is None:
            axes = [a for a, dim in enumerate(shape) if dim == 1]
        else:
            axes = [_axis(self, a, len(shape)) for a in
                    ((axis,) if isinstance(axis, int) else axis)]
        for a in axes:
            if shape[a] != 1:
                raise shape_error(self, f"cannot squeeze axis {a} of shape {shape}: its "
                                        f"length is {shape[a]}, not 1")
        result = tuple(dim for a, dim in enumerate(shape) if a not in axes)
        return list(in_shapes), [result or (1,)]

    def forward(self, xp, data, *, axis: Axis = None):
        _, (target,) = self.infer_shape([data.shape], axis=axis)
        return data.reshape(target)


# ----------------------------------------------------------------------------------------
# Rearranging axes: transpose, SwapAxis, reverse.
# ----------------------------------------------------------------------------------------
@register_op
class Transpose(Op):
    """Permute the axes (``axes=()`` reverses them); the gradient is permuted back."""
    name = "transpose"
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3)]),
                Example(shapes=[(2, 3, 4)], attrs={"axes": (1, 0, 2)})]

    def _axes(self, shape, axes):
        if not axes:
            return tuple(reversed(range(len(shape))))
        ndim = len(shape)
        normalized = [a % ndim if -ndim <= a < ndim else a for a in axes]
        if sorted(normalized) != list(range(len(shape))):
            raise shape_error(self, f"axes {axes} is not a permutation of the "
                                    f"{len(shape)} axes of shape {shape}")
        return tuple(normalized)

    def infer_shape(self, in_shapes, *, axes):
        shape = in_shapes[0]
        if shape is None:
            return _unknown(self, in_shapes)
        return list(in_shapes), [tuple(shape[a] for a in self._axes(shape, axes))]

    def forward(self, xp, data, *, axes: Shape = ()):
        # a copy, as in MXNet: writing into the result must not change the input
        return xp.ascontiguousarray(xp.transpose(data, self._axes(data.shape, axes)))

    def backward(self, xp, inputs, outputs, out_grads, *, axes):
        order = self._axes(inputs[0].shape, axes)
        inverse = [order.index(a) for a in range(len(order))]
        return [xp.transpose(out_grads[0], inverse)]


@register_op
class SwapAxis(Op):
    """Exchange axes ``dim1`` and ``dim2``."""
    name = "SwapAxis"
    aliases = ("swapaxes",)
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3, 4)], attrs={"dim1": 0, "dim2": 2})]

    def infer_shape(self, in_shapes, *, dim1, dim2):
        shape = in_shapes[0]
        if shape is None:
            return _unknown(self, in_shapes)
        first = _axis(self, dim1, len(shape), "dim1")
        second = _axis(self, dim2, len(shape), "dim2")
        result = list(shape)
        result[first], result[second] = shape[second], shape[first]
        return list(in_shapes), [tuple(result)]

    def forward(self, xp, data, *, dim1: Int = 0, dim2: Int = 0):
        return xp.ascontiguousarray(xp.swapaxes(data, dim1, dim2))

    def backward(self, xp, inputs, outputs, out_grads, *, dim1, dim2):
        return [xp.swapaxes(out_grads[0], dim1, dim2)]


@register_op
class Reverse(Op):
    """Reverse the order of elements along each axis in ``axis``."""
    name = "reverse"
    aliases = ("flip",)
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3, 4)], attrs={"axis": (0, 2)})]

    def infer_shape(self, in_shapes, *, axis):
        shape = in_shapes[0]
        if shape is not None:
            for a in axis:
                _axis(self, a, len(shape))
        return list(in_shapes), [shape]

    def forward(self, xp, data, *, axis: Shape):
        return xp.flip(data, axis=axis).copy()

    def backward(self, xp, inputs, outputs, out_grads, *, axis):
        return [xp.flip(out_grads[0], axis=axis)]


# ----------------------------------------------------------------------------------------
# Copying: tile, repeat, broadcast_*. Gradients sum over the copies.
# ----------------------------------------------------------------------------------------
@register_op
class Tile(Op):
    """Repeat the whole array ``reps[i]`` times along axis ``i`` (like ``numpy.tile``)."""
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
                                    "dimension must be equal or 1, with the same number "
                                    "of dimensions")

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


# ----------------------------------------------------------------------------------------
# Joining and splitting: Concat, stack, SliceChannel.
# ----------------------------------------------------------------------------------------
@register_op
class Concat(Op):
    """Join arrays along axis ``dim``; all other dimensions must match."""
    name = "Concat"
    aliases = ("concat",)
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3), (2, 1)], attrs={"num_args": 2}),
                Example(shapes=[(2, 3), (1, 3), (4, 3)], attrs={"num_args": 3, "dim": 0})]

    def infer_shape(self, in_shapes, *, num_args, dim):
        if not all(known(shape) for shape in in_shapes):
            return _unknown(self, in_shapes)
        first = in_shapes[0]
        axis = _axis(self, dim, len(first), "dim")
        for shape in in_shapes[1:]:
            if len(shape) != len(first) or any(a != b for i, (a, b) in
                                               enumerate(zip(shape, first)) if i != axis):
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


# ----------------------------------------------------------------------------------------
# Selecting: slice, slice_axis.
# ----------------------------------------------------------------------------------------
class _IndexTuple(AttrType):
    """A tuple of ints where ``None`` is allowed, such as ``begin=(None, 1)``."""
    name = "tuple of int or None"

    def parse(self, value):
        if isinstance(value, str):
            value = ast.literal_eval(value.strip() or "()")
        if value is None or isinstance(value, int):
            value = (value,)
        return tuple(None if v is None else int(v) for v in value)

    def format(self, value):
        return str(tuple(value))


IndexTuple = _IndexTuple()


def _slices(op, shape, begin, end, step):
    """One Python ``slice`` per axis (the axes after ``begin`` are taken whole)."""
    step = step or (None,) * len(begin)
    if not len(begin) == len(end) == len(step) or len(begin) > len(shape):
        raise shape_error(op, f"begin {begin}, end {end} and step {step} must have the "
                              f"same length, at most the {len(shape)} dims of {shape}")
    if 0 in step:
        raise shape_error(op, f"step {step} cannot contain 0")
    return tuple(slice(b, e, s) for b, e, s in zip(begin, end, step))


def _sliced_shape(shape, slices):
    lengths = [len(range(*item.indices(dim))) for item, dim in zip(slices, shape)]
    return tuple(lengths) + tuple(shape[len(slices):])


@register_op
class Slice(Op):
    """``data[begin[0]:end[0]:step[0], begin[1]:end[1]:step[1], ...]`` with Python's
    rules (``None`` means the whole range; negative values count from the end)."""
    name = "slice"
    infer_type = same_dtype
    examples = [Example(shapes=[(3, 4, 2)], attrs={"begin": (0, 1), "end": (2, 3)}),
                Example(shapes=[(3, 4)], attrs={"begin": (None, 3), "end": (None, 0),
                                                "step": (2, -1)})]

    def infer_shape(self, in_shapes, *, begin, end, step):
        shape = in_shapes[0]
        if not known(shape):
            return _unknown(self, in_shapes)
        slices = _slices(self, shape, begin, end, step)
        return list(in_shapes), [_sliced_shape(shape, slices)]

    def forward(self, xp, data, *, begin: IndexTuple, end: IndexTuple,
                step: IndexTuple = ()):
        return data[_slices(self, data.shape, begin, end, step)].copy()

    def backward(self, xp, inputs, outputs, out_grads, *, begin, end, step):
        grad = xp.zeros_like(inputs[0])
        grad[_slices(self, inputs[0].shape, begin, end, step)] = out_grads[0]
        return [grad]


@register_op
class SliceAxis(Op):
    """``data[..., begin:end, ...]`` along one ``axis`` (``end=None``: to the end).

    MXNet quirk kept: an empty range (``begin >= end``) is an error.
    """
    name = "slice_axis"
    infer_type = same_dtype
    examples = [Example(shapes=[(3, 4)], attrs={"axis": 1, "begin": 1, "end": None}),
                Example(shapes=[(3, 4)], attrs={"axis": -2, "begin": -2, "end": -1})]

    def _slices(self, shape, axis, begin, end):
        position = _axis(self, axis, len(shape))
        start, stop, _ = slice(begin, end).indices(shape[position])
        if start >= stop:
            raise shape_error(self, f"begin={begin}, end={end} select nothing from axis "
                                    f"{axis} of shape {shape}")
        return (slice(None),) * position + (slice(start, stop),)

    def infer_shape(self, in_shapes, *, axis, begin, end):
        shape = in_shapes[0]
        if not known(shape):
            return _unknown(self, in_shapes)
        slices = self._slices(shape, axis, begin, end)
        return list(in_shapes), [_sliced_shape(shape, slices)]

    def forward(self, xp, data, *, axis: Int, begin: Int, end: OptionalInt):
        return data[self._slices(data.shape, axis, begin, end)].copy()

    def backward(self, xp, inputs, outputs, out_grads, *, axis, begin, end):
        grad = xp.zeros_like(inputs[0])
        grad[self._slices(inputs[0].shape, axis, begin, end)] = out_grads[0]
        return [grad]


# ----------------------------------------------------------------------------------------
# Selecting by index arrays: take, pick, one_hot.
# ----------------------------------------------------------------------------------------
def _integer_indices(xp, indices, length, mode, op):
    """Float index values as ints in ``[0, length)``: truncated, then clipped or wrapped
    (``mode='raise'`` rejects out-of-range values instead)."""
    indices = indices.astype(xp.int64)
    if mode == "wrap":
        return indices % length
    if mode == "raise" and bool(((indices < 0) | (indices >= length)).any()):
        raise shape_error(op, f"an index is out of range for an axis of length {length} "
                              "(mode='raise'); use mode='clip' or 'wrap' to allow it")
    return xp.clip(indices, 0, length - 1)


@register_op
class Take(Op):
    """Rows of ``a`` (slices along ``axis``) chosen by ``indices``: the output shape is
    ``a.shape[:axis] + indices.shape + a.shape[axis+1:]``. ``mode`` says what an
    out-of-range index does: ``'clip'`` to the ends, ``'wrap'`` around, ``'raise'``.
    The gradient adds up where an index repeats; ``indices`` gets none."""
    name = "take"
    infer_type = first_dtype
    examples = [Example(shapes=[(4, 3), (2, 3)],
                        values={"indices": [[0, 3, 3], [1, 0, 2]]}),
                Example(shapes=[(2, 4), (3,)], attrs={"axis": 1, "mode": "wrap"},
                        values={"indices": [-1, 5, 5]})]

    def infer_shape(self, in_shapes, *, axis, mode):
        a, indices = in_shapes
        if not known(a) or not known(indices):
            return _unknown(self, in_shapes)
        position = _axis(self, axis, len(a))
        return list(in_shapes), [a[:position] + tuple(indices) + a[position + 1:]]

    def forward(self, xp, a, indices, *, axis: Int = 0,
                mode: Choice("clip", "raise", "wrap") = "clip"):
        position = axis % a.ndim
        indices = _integer_indices(xp, indices, a.shape[position], mode, self)
        return xp.take(a, indices, axis=position)

    def backward(self, xp, inputs, outputs, out_grads, *, axis, mode):
        a, indices = inputs
        position = axis % a.ndim
        indices = _integer_indices(xp, indices, a.shape[position], mode, self).reshape(-1)
        before, after = a.shape[:position], a.shape[position + 1:]
        grad = out_grads[0].reshape((_size(before), indices.size, _size(after)))
        result = xp.zeros((_size(before), a.shape[position], _size(after)), grad.dtype)
        _scatter_add(xp, result, (slice(None), indices), grad)
        return [result.reshape(a.shape), None]


@register_op
class Pick(Op):
    """One element per position along ``axis``: ``out[i] = data[i, index[i]]`` for 2-d
    data and ``axis=-1``. ``index`` has the shape of ``data`` without ``axis``.
    Out-of-range indices are clipped or wrapped (``mode``)."""
    name = "pick"
    infer_type = first_dtype
    examples = [Example(shapes=[(3, 4), (3,)], values={"index": [0, 3, 1]}),
                Example(shapes=[(3, 4), (4,)], attrs={"axis": 0, "keepdims": True,
                                                      "mode": "wrap"},
                        values={"index": [0, -1, 5, 1]})]

    def infer_shape(self, in_shapes, *, axis, keepdims, mode):
        data, index = in_shapes
        if axis is None:
            raise shape_error(self, "axis=None is not supported; give the axis to pick "
                                    "along")
        if not known(data):
            return _unknown(self, in_shapes)
        position = _axis(self, axis, len(data))
        reduced = data[:position] + data[position + 1:]
        kept = data[:position] + (1,) + data[position + 1:]
        if index is not None and tuple(index) not in (reduced, kept):
            raise shape_error(self, f"index of shape {index} does not fit data of shape "
                                    f"{data} with axis={axis}; it must have shape "
                                    f"{reduced}")
        index = reduced if index is None else index
        return [data, index], [kept if keepdims else (reduced or (1,))]

    def _indices(self, xp, data, index, axis, mode):
        """``index`` as ints, shaped like ``data`` with length 1 along ``axis``."""
        position = axis % data.ndim
        shape = data.shape[:position] + (1,) + data.shape[position + 1:]
        length = data.shape[position]
        return _integer_indices(xp, index.reshape(shape), length, mode, self), position

    def forward(self, xp, data, index, *, axis: OptionalInt = -1, keepdims: Bool = False,
                mode: Choice("clip", "wrap") = "clip"):
        indices, position = self._indices(xp, data, index, axis, mode)
        result = xp.take_along_axis(data, indices, axis=position)
        _, (shape,) = self.infer_shape([data.shape, None], axis=axis, keepdims=keepdims,
                                       mode=mode)
        return result.reshape(shape)

    def backward(self, xp, inputs, outputs, out_grads, *, axis, keepdims, mode):
        data, index = inputs
        indices, position = self._indices(xp, data, index, axis, mode)
        # a one-hot mask along the axis marks the picked element of each row
        positions = xp.arange(data.shape[position]).reshape(
            (-1,) + (1,) * (data.ndim - position - 1))
        grad = out_grads[0].reshape(indices.shape)
        return [(positions == indices) * grad, None]


@register_op
class OneHot(Op):
    """For each index, a vector of length ``depth`` holding ``on_value`` at the index and
    ``off_value`` elsewhere (all ``off_value`` if the index is out of range)."""
    name = "one_hot"
    examples = [Example(shapes=[(2, 2)], attrs={"depth": 3}, values={"indices": [[0, 2],
                                                                                 [1, 5]]},
                        grad=False, reason="indices are not differentiable")]

    def infer_shape(self, in_shapes, *, depth, on_value, off_value, dtype):
        indices = in_shapes[0]
        if indices is None:
            return _unknown(self, in_shapes)
        return list(in_shapes), [tuple(indices) + (depth,)]

    def infer_type(self, in_types, *, depth, on_value, off_value, dtype):
        return list(in_types), [dtype]

    def forward(self, xp, indices, *, depth: Int, on_value: Float = 1.0,
                off_value: Float = 0.0, dtype: Dtype = "float32"):
        hot = indices.astype(xp.int64)[..., None] == xp.arange(depth)
        return xp.where(hot, on_value, off_value).astype(dtype)

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        return [None]


# ----------------------------------------------------------------------------------------
# Sorting: topk, sort, argsort. Equal values keep their input order (stable), as in MXNet.
# ----------------------------------------------------------------------------------------
def _sort_axis(op, data_shape, axis):
    """The axis to sort along, or ``None`` for the flattened array."""
    return None if axis is None else _axis(op, axis, len(data_shape))


def _sorted(xp, data, axis, ascending):
    """``(values, indices)`` of ``data`` sorted along ``axis`` (flattened if ``None``)."""
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
                Example(shapes=[(3, 5)], attrs={"axis": None, "k": 3, "ret_typ": "mask"},
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
    infer_type = same_dtype
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


# ----------------------------------------------------------------------------------------
# Arrays made from a shape: zeros_like, ones_like, shape_array, size_array.
# ----------------------------------------------------------------------------------------
@register_op
class ZerosLike(_ZeroGrad, Op):
    """Zeros with the shape and dtype of ``data``."""
    name = "zeros_like"
    infer_shape, infer_type = same_shape, same_dtype
    examples = [Example(shapes=[(2, 3)], grad=False, reason="constant output")]

    def forward(self, xp, data):
        return xp.zeros_like(data)


@register_op
class OnesLike(_ZeroGrad, Op):
    """Ones with the shape and dtype of ``data``."""
    name = "ones_like"
    infer_shape, infer_type = same_shape, same_dtype
    examples = [Example(shapes=[(2, 3)], grad=False, reason="constant output")]

    def forward(self, xp, data):
        return xp.ones_like(data)


@register_op
class ShapeArray(_ZeroGrad, Op):
    """The shape of ``data`` as a 1-d int64 array."""
    name = "shape_array"
    examples = [Example(shapes=[(2, 3)], grad=False, reason="integer output")]

    def infer_shape(self, in_shapes):
        shape = in_shapes[0]
        return list(in_shapes), [None if shape is None else (len(shape),)]

    def infer_type(self, in_types):
        return list(in_types), ["int64"]

    def forward(self, xp, data):
        return xp.array(data.shape, dtype=xp.int64)


@register_op
class SizeArray(_ZeroGrad, Op):
    """The number of elements of ``data`` as a ``(1,)`` int64 array."""
    name = "size_array"
    examples = [Example(shapes=[(2, 3)], grad=False, reason="integer output")]

    def infer_shape(self, in_shapes):
        return list(in_shapes), [(1,)]

    def infer_type(self, in_types):
        return list(in_types), ["int64"]

    def forward(self, xp, data):
        return xp.array([data.size], dtype=xp.int64)


# ----------------------------------------------------------------------------------------
# diag.
# ----------------------------------------------------------------------------------------
@register_op
class Diag(Op):
    """A 1-d ``data`` becomes a square matrix with ``data`` on diagonal ``k``; an N-d
    ``data`` gives its diagonal ``k`` of the planes spanned by ``axis1`` and ``axis2``
    (appended as the last axis, like ``numpy.diagonal``)."""
    name = "diag"
    infer_type = same_dtype
    examples = [Example(shapes=[(3,)], attrs={"k": 1}),
                Example(shapes=[(3, 4)], attrs={"k": -1}),
                Example(shapes=[(2, 3, 4)], attrs={"axis1": 0, "axis2": 2})]

    def infer_shape(self, in_shapes, *, k, axis1, axis2):
        shape = in_shapes[0]
        if not known(shape):
            return _unknown(self, in_shapes)
        if len(shape) == 1:
            side = shape[0] + abs(k)
            return list(in_shapes), [(side, side)]
        first = _axis(self, axis1, len(shape), "axis1")
        second = _axis(self, axis2, len(shape), "axis2")
        length = min(shape[first] + min(k, 0), shape[second] - max(k, 0))
        if first == second or length <= 0:
            raise shape_error(self, f"diagonal k={k} of axes ({axis1}, {axis2}) does not "
                                    f"exist in shape {shape}")
        rest = tuple(d for a, d in enumerate(shape) if a not in (first, second))
        return list(in_shapes), [rest + (length,)]

    def forward(self, xp, data, *, k: Int = 0, axis1: Int = 0, axis2: Int = 1):
        if data.ndim == 1:
            return xp.diag(data, k)
        return xp.diagonal(data, k, axis1, axis2).copy()

    def backward(self, xp, inputs, outputs, out_grads, *, k, axis1, axis2):
        data, grad = inputs[0], out_grads[0]
        if data.ndim == 1:
            return [xp.diagonal(grad, k).copy()]
        # put the diagonal back into zeros, in a view with the two axes last
        result = xp.zeros_like(data)
        planes = xp.moveaxis(result, (axis1, axis2), (-2, -1))
        rows = xp.arange(grad.shape[-1]) + max(-k, 0)
        planes[..., rows, rows + k] = grad
        return [result]


# ----------------------------------------------------------------------------------------
# _getitem: what ``x[key]`` runs while autograd records.
# ----------------------------------------------------------------------------------------
class _IndexKey(AttrType):
    """A Python index: int, slice, ``None``, ``...``, index array, or a tuple of these.
    It lives only on the autograd tape and never in Symbol JSON."""
    name = "Python index"

    def parse(self, value):
        return value

    def format(self, value):
        raise TypeError("_getitem keys cannot be written to Symbol JSON")


def _is_basic(key):
    """True for keys made only of ints, slices, None and Ellipsis (NumPy 'basic'
    indexing: no element can be selected twice)."""
    items = key if isinstance(key, tuple) else (key,)
    return all(item is None or item is Ellipsis or isinstance(item, (int, slice))
               for item in items)


def _host_key(key):
    """``key`` with index arrays replaced by zero NumPy arrays of the same shape, so
    the result's shape can be computed without touching device data."""
    def host(item):
        if hasattr(item, "shape") and hasattr(item, "dtype"):
            return np.zeros(item.shape, dtype=item.dtype)
        return item
    return tuple(host(item) for item in key) if isinstance(key, tuple) else host(key)


@register_op
class GetItem(Op):
    """``data[key]`` for any Python ``key``; internal, used by ``NDArray.__getitem__``
    while autograd records. The gradient is scattered into zeros of ``data``'s shape
    (added up where an advanced index selects an element twice)."""
    name = "_getitem"
    infer_type = same_dtype
    examples = [Example(shapes=[(4, 3)], attrs={"key": slice(1, 3)}),
                Example(shapes=[(4, 3)], attrs={"key": (Ellipsis, 1)}),
                Example(shapes=[(4, 3)], attrs={"key": np.array([0, 2, 0])})]

    def infer_shape(self, in_shapes, *, key):
        shape = in_shapes[0]
        if not known(shape):
            return _unknown(self, in_shapes)
        # index a zero-byte array of the right shape: NumPy does the shape arithmetic
        probe = np.broadcast_to(np.zeros((), np.int8), shape)
        try:
            return list(in_shapes), [probe[_host_key(key)].shape]
        except (IndexError, TypeError, ValueError) as error:
            raise shape_error(self, f"cannot index an array of shape {shape} with "
                                    f"{key!r}: {error}") from None

    def forward(self, xp, data, *, key: _IndexKey()):
        try:
            return data[key]
        except IndexError as error:
            raise shape_error(self, f"cannot index an array of shape {data.shape} with "
                                    f"{key!r}: {error}") from None

    def backward(self, xp, inputs, outputs, out_grads, *, key):
        grad = xp.zeros_like(inputs[0])
        if _is_basic(key):
            grad[key] = out_grads[0]
        else:
            _scatter_add(xp, grad, key, out_grads[0])
        return [grad]
