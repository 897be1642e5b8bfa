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

from .registry import (AttrType, Axis, Bool, Example, Int, Op, OptionalInt, Shape,
                       first_dtype, known, register_op, same_dtype, same_shape,
                       shape_error, unbroadcast)


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
