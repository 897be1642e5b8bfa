"""Axis operators: ``transpose``, ``SwapAxis``, ``reverse``, ``depth_to_space`` and
``space_to_depth`` rearrange the axes; ``slice``, ``slice_axis``, ``slice_like`` and
``diag`` select a part of them.

A rearranged element keeps one output place, so the gradient is the output gradient
rearranged back (transposed with the inverse permutation, flipped again). A selection
drops the other elements, so its gradient is the output gradient written into zeros of
the input's shape at the selected places::

    data (3, 4) --slice [0:2, 1:3]--> out (2, 2)
    grad (3, 4) <--zeros, then [0:2, 1:3] = out_grad-- out_grad (2, 2)

The helpers ``_axis`` and ``_unknown`` come from ``shape.py``.
"""
import ast

from .registry import (AttrType, Example, Int, Op, OptionalInt, Shape, first_dtype,
                       known, register_op, same_dtype, shape_error)
from .shape import _axis, _unknown


# --------------------------------------------------------------------------------------
# Rearranging axes: transpose, SwapAxis, reverse.
# --------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------
# Selecting: slice, slice_axis.
# --------------------------------------------------------------------------------------
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
    aliases = ("crop",)   # MXNet's deprecated name for slice
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
            raise shape_error(self, f"begin={begin}, end={end} select nothing from "
                                    f"axis {axis} of shape {shape}")
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


# --------------------------------------------------------------------------------------
# diag.
# --------------------------------------------------------------------------------------
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
            raise shape_error(self, f"diagonal k={k} of axes ({axis1}, {axis2}) does "
                                    f"not exist in shape {shape}")
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


# --------------------------------------------------------------------------------------
# slice_like.
# --------------------------------------------------------------------------------------
@register_op
class SliceLike(Op):
    """``data`` cut to the shape of ``shape_like``, from index 0, along ``axes`` (all
    axes when empty; both arrays then need the same number of dimensions). Only
    ``shape_like``'s shape is read, so its gradient is zero."""
    name = "slice_like"
    infer_type = first_dtype
    examples = [Example(shapes=[(3, 4), (2, 3)]),
                Example(shapes=[(2, 3, 4), (1, 2, 3)], attrs={"axes": (1, -1)})]

    def _slices(self, data, like, axes):
        if not axes:
            if len(data) != len(like):
                raise shape_error(self, f"data {tuple(data)} and shape_like "
                                        f"{tuple(like)} have different numbers of "
                                        "dimensions; give axes to slice only some")
            axes = range(len(data))
        slices = [slice(None)] * len(data)
        for axis in axes:
            position = _axis(self, axis, len(data))
            if position >= len(like):
                raise shape_error(self, f"axis {axis} is beyond shape_like "
                                        f"{tuple(like)}")
            if like[position] > data[position]:
                raise shape_error(self, f"shape_like {tuple(like)} is larger than data "
                                        f"{tuple(data)} on axis {position}")
            slices[position] = slice(0, like[position])
        return tuple(slices)

    def infer_shape(self, in_shapes, *, axes):
        data, like = in_shapes
        if not known(data) or not known(like):
            return _unknown(self, in_shapes)
        return list(in_shapes), [_sliced_shape(data, self._slices(data, like, axes))]

    def forward(self, xp, data, shape_like, *, axes: Shape = ()):
        return data[self._slices(data.shape, shape_like.shape, axes)].copy()

    def backward(self, xp, inputs, outputs, out_grads, *, axes):
        data, like = inputs
        grad = xp.zeros_like(data)
        grad[self._slices(data.shape, like.shape, axes)] = out_grads[0]
        return [grad, xp.zeros_like(like)]


# --------------------------------------------------------------------------------------
# depth_to_space and space_to_depth.
# --------------------------------------------------------------------------------------
def _check_blocks(op, shape, block_size, channels_divisible):
    if block_size < 1:
        raise shape_error(op, f"block_size={block_size} must be at least 1")
    if len(shape) != 4:
        raise shape_error(op, f"data must be 4-D (N, C, H, W), got shape "
                              f"{tuple(shape)}")
    if channels_divisible and shape[1] % (block_size * block_size):
        raise shape_error(op, f"channels {shape[1]} of data {tuple(shape)} are not "
                              f"divisible by block_size^2 = {block_size ** 2}")
    if not channels_divisible and (shape[2] % block_size or shape[3] % block_size):
        raise shape_error(op, f"height and width of data {tuple(shape)} must be "
                              f"divisible by block_size={block_size}")


def _depth_to_space(data, block):
    """``(N, b*b*C, H, W)`` -> ``(N, C, H*b, W*b)``; channel ``(i*b + j)*C + c`` moves
    to row offset ``i`` and column offset ``j`` of channel ``c`` (MXNet's order)."""
    n, depth, h, w = data.shape
    c = depth // (block * block)
    blocks = data.reshape(n, block, block, c, h, w).transpose(0, 3, 4, 1, 5, 2)
    return blocks.reshape(n, c, h * block, w * block)


def _space_to_depth(data, block):
    """The inverse of ``_depth_to_space``: ``(N, C, H*b, W*b)`` becomes
    ``(N, b*b*C, H, W)``."""
    n, c, height, width = data.shape
    h, w = height // block, width // block
    blocks = data.reshape(n, c, h, block, w, block).transpose(0, 3, 5, 1, 2, 4)
    return blocks.reshape(n, block * block * c, h, w)


class _BlockMove(Op):
    """``depth_to_space`` and ``space_to_depth``: each moves ``block_size`` x
    ``block_size`` blocks between channels and space, and its gradient is the other
    one's move."""
    infer_type = same_dtype
    to_space = True     # depth_to_space: (N, b*b*C, H, W) -> (N, C, H*b, W*b)

    def infer_shape(self, in_shapes, *, block_size):
        data = in_shapes[0]
        if not known(data):
            return _unknown(self, in_shapes)
        _check_blocks(self, data, block_size, channels_divisible=self.to_space)
        n, c, h, w = data
        b = block_size
        if self.to_space:
            out = (n, c // b ** 2, h * b, w * b)
        else:
            out = (n, c * b ** 2, h // b, w // b)
        return list(in_shapes), [out]

    def forward(self, xp, data, *, block_size: Int):
        move = _depth_to_space if self.to_space else _space_to_depth
        return move(data, block_size)

    def backward(self, xp, inputs, outputs, out_grads, *, block_size):
        undo = _space_to_depth if self.to_space else _depth_to_space
        return [undo(out_grads[0], block_size)]


@register_op
class DepthToSpace(_BlockMove):
    """Move blocks of channels into space: ``(N, b*b*C, H, W)`` becomes
    ``(N, C, H*b, W*b)`` (``b = block_size``). Its gradient is ``space_to_depth``."""
    name = "depth_to_space"
    examples = [Example(shapes=[(1, 8, 2, 3)], attrs={"block_size": 2})]


@register_op
class SpaceToDepth(_BlockMove):
    """Move blocks of space into channels: ``(N, C, H*b, W*b)`` becomes
    ``(N, b*b*C, H, W)``, the inverse of ``depth_to_space``."""
    name = "space_to_depth"
    to_space = False
    examples = [Example(shapes=[(1, 2, 4, 6)], attrs={"block_size": 2})]
