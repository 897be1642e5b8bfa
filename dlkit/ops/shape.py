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

from .registry import (AttrType, Axis, Bool, Choice, Dtype, Example, Int, Op, OptionalInt,
                       Shape, first_dtype, known, register_op, same_dtype, shape_error,
                       unbroadcast)


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
            out.extend(_split_dim(op, next_source(1)[0], codes[position + 1:position + 3]))
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
