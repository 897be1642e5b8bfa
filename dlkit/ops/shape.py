"""Shape operators: move, copy or select elements without arithmetic.

This module holds the reshape family (``Reshape``, ``reshape_like``, ``Flatten``,
``expand_dims``, ``squeeze``), arrays made from a shape (``zeros_like``,
``shape_array``...) and the helpers that the whole family shares. Its siblings:

* ``transpose.py``: ``transpose``, ``SwapAxis``, ``reverse``, ``slice``,
  ``slice_axis``, ``diag``;
* ``broadcast.py``: ``tile``, ``repeat``, ``broadcast_to``, ``broadcast_like``,
  ``broadcast_axis``;
* ``join.py``: ``Concat``, ``stack``, ``SliceChannel`` (``split``);
* ``indexing.py``: ``take``, ``pick``, ``one_hot``, ``topk``, ``sort``, ``_getitem``.

Three groups, each with a simple gradient rule:

* **rearrange** (``Reshape``, ``transpose``, ``expand_dims``, ``SwapAxis``,
  ``flip``...): every input element lands in exactly one output place, so the gradient
  is the output gradient rearranged back (reshape it back, transpose it with the inverse
  permutation);
* **copy** (``tile``, ``repeat``, ``broadcast_to``, ``Concat``, ``stack``...): an input
  element may appear several times, so its gradient is the *sum* over its copies;
* **select** (``slice``, ``diag``, and ``indexing.py``): the gradient is scattered into
  zeros of the input's shape at the selected places.

Index-valued results (``argsort``, ``one_hot``, ``shape_array``) have zero gradient.
Ops whose result views the input (``Reshape``, ``Flatten``, ``expand_dims``,
``squeeze``) return NumPy views, like MXNet's ``x.reshape``.
"""
import math

from .registry import (Axis, Bool, Example, Int, Op, OptionalInt, Shape, first_dtype,
                       known, register_op, same_dtype, same_shape, shape_error)


# --------------------------------------------------------------------------------------
# Helpers shared by this family.
# --------------------------------------------------------------------------------------
def _axis(op, axis, ndim, what="axis"):
    """``axis`` as a non-negative int, or an error naming the valid range."""
    if not -ndim <= axis < ndim:
        raise shape_error(op, f"{what}={axis} is out of range for an array of {ndim} "
                              f"dimensions (valid: {-ndim} to {ndim - 1})")
    return axis % ndim


def _size(shape):
    """The number of elements of an array of ``shape``."""
    return math.prod(shape)


def _unknown(op, in_shapes, count=1):
    """The answer of ``infer_shape`` while an input shape is still unknown."""
    return list(in_shapes), [None] * count


class _ZeroGrad:
    """Mixin: the output does not depend smoothly on ``data``; its gradient is zero
    (and the other inputs get none)."""
    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        return [xp.zeros_like(inputs[0])] + [None] * (len(inputs) - 1)


class _AllZeroGrad:
    """Mixin: outputs built from shapes and positions only; every input gets a zero
    gradient (MXNet's rule for the box and anchor operators)."""
    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        return [xp.zeros_like(x) for x in inputs]


# --------------------------------------------------------------------------------------
# Reshape and friends: same elements, new shape.
# --------------------------------------------------------------------------------------
def reshape_target(op, source, codes, reverse=False):
    """Apply MXNet's special ``shape`` codes to the input shape ``source``.

    ``d > 0`` is ``d``; ``0`` copies the matching input dim; ``-1`` is inferred from the
    size; ``-2`` copies all remaining dims; ``-3`` merges two dims into one;
    ``-4, a, b`` splits one dim into ``a * b`` (one of them may be -1). ``reverse=True``
    reads both shapes from the right, so ``(10, 5, 4)`` with ``(-1, 0)`` gives
    ``(50, 4)``.
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
            raise shape_error(op,
                              f"unknown special value {code} in shape {tuple(codes)}")
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
    if first == -1 and second == -1:
        raise shape_error(op, f"-4 cannot split dimension {dim} into -1 x -1: give at "
                              "least one of the two sizes")
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
                Example(shapes=[(6, 4), (2, 3, 5)],
                        attrs={"lhs_begin": 0, "lhs_end": 1, "rhs_begin": 0,
                               "rhs_end": 2})]

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
    """Insert an axis of length 1 at ``axis`` (from ``-ndim-1`` to ``ndim``)."""
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
                raise shape_error(self, f"cannot squeeze axis {a} of shape {shape}: "
                                        f"its length is {shape[a]}, not 1")
        result = tuple(dim for a, dim in enumerate(shape) if a not in axes)
        return list(in_shapes), [result or (1,)]

    def forward(self, xp, data, *, axis: Axis = None):
        _, (target,) = self.infer_shape([data.shape], axis=axis)
        return data.reshape(target)


# --------------------------------------------------------------------------------------
# Arrays made from a shape: zeros_like, ones_like, shape_array, size_array.
# --------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------
