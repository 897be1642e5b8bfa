"""Reductions: ``sum``, ``mean``, ``max``, ``min``, ``prod``, ``nansum``, ``nanprod``,
``argmax``, ``argmin``, ``argmax_channel`` and ``norm``. The statistics ``moments``,
``cumsum`` and ``_histogram`` are in ``statistics.py``.

A reduction collapses some axes of its input::

    data (2, 3, 4) --sum(axis=1)--> (2, 4)          keepdims=True gives (2, 1, 4)
                   --sum(axis=1, exclude=True)--> (3,)   (every axis *except* 1)

The backward pass runs the other way: the gradient of each output element is spread back
over the input elements it came from. ``_kept`` puts the reduced axes back as size 1 so
NumPy broadcasting does that spreading.

MXNet quirks kept: there are no 0-d arrays, so reducing every axis gives shape ``(1,)``;
integer inputs give integer results (``mean`` of int32 truncates); ``argmax`` returns
the index as a number of the input's dtype (float32 for float32 data).
"""
import math

from .registry import (Axis, Bool, Choice, Example, Int, Op, OptionalInt, register_op,
                       same_dtype, shape_error)


# --------------------------------------------------------------------------------------
# Shared axis and shape helpers.
# --------------------------------------------------------------------------------------
def reduce_axes(op, shape, axis, exclude=False):
    """The sorted, non-negative axes that ``axis``/``exclude`` select in ``shape``.

    ``axis=None`` or ``()`` means every axis (MXNet treats the empty tuple the same
    way).
    """
    ndim = len(shape)
    if axis is None or axis == ():
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    normalized = []
    for item in axes:
        if not -ndim <= item < ndim:
            raise shape_error(op, f"axis {item} is out of range for data of shape "
                                  f"{shape} (valid axes are {-ndim} to {ndim - 1})")
        normalized.append(item % ndim)
    if len(set(normalized)) != len(normalized):
        raise shape_error(op, f"axis {axis} names the same axis twice")
    if exclude:
        return tuple(a for a in range(ndim) if a not in normalized)
    return tuple(sorted(normalized))


def reduced_shape(shape, axes, keepdims):
    """The output shape; reducing every axis without keepdims gives ``(1,)``."""
    if keepdims:
        return tuple(1 if a in axes else dim for a, dim in enumerate(shape))
    result = tuple(dim for a, dim in enumerate(shape) if a not in axes)
    return result or (1,)


def _kept(array, shape, axes):
    """``array`` (a reduction result) reshaped so it broadcasts against ``shape``."""
    return array.reshape(reduced_shape(shape, axes, keepdims=True))


def _spread(xp, grad, shape, axes):
    """Copy each output gradient to every input element it summarised (into a fresh
    array: assigning broadcasts, without ``broadcast_to``'s Python-level checks)."""
    spread = xp.empty(shape, grad.dtype)
    spread[...] = _kept(grad, shape, axes)
    return spread


# --------------------------------------------------------------------------------------
# sum, mean, max, min, prod, nansum, nanprod.
# --------------------------------------------------------------------------------------
class Reduction(Op):
    """Base of the ``axis``/``keepdims``/``exclude`` reductions: subclasses give
    ``reduce(xp, data, axes)`` (keepdims=True) and ``derivative``."""
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3, 4)], attrs={"axis": 1}),
                Example(shapes=[(2, 3, 4)], attrs={"axis": (0, 2), "keepdims": True}),
                Example(shapes=[(2, 3, 4)], attrs={"axis": 1, "exclude": True}),
                Example(shapes=[(2, 3)])]

    def infer_shape(self, in_shapes, *, axis, keepdims, exclude):
        shape = in_shapes[0]
        if shape is None:
            return list(in_shapes), [None]
        axes = reduce_axes(self, shape, axis, exclude)
        return list(in_shapes), [reduced_shape(shape, axes, keepdims)]

    def forward(self, xp, data, *, axis: Axis = None, keepdims: Bool = False,
                exclude: Bool = False):
        axes = reduce_axes(self, data.shape, axis, exclude)
        result = self.reduce(xp, data, axes)
        # NumPy widens int32 sums to int64 and int means to float64; MXNet keeps the
        # dtype
        result = result.astype(data.dtype, copy=False)
        return result.reshape(reduced_shape(data.shape, axes, keepdims))

    def backward(self, xp, inputs, outputs, out_grads, *, axis, keepdims, exclude):
        data = inputs[0]
        axes = reduce_axes(self, data.shape, axis, exclude)
        grad = self.derivative(xp, data, _kept(outputs[0], data.shape, axes),
                               _spread(xp, out_grads[0], data.shape, axes), axes)
        return [grad.astype(data.dtype, copy=False)]


@register_op
class Sum(Reduction):
    """Sum over ``axis`` (all axes by default); ``exclude=True``: over the others."""
    name = "sum"
    aliases = ("sum_axis",)

    def reduce(self, xp, data, axes):
        return xp.sum(data, axis=axes, keepdims=True)

    def derivative(self, xp, data, out, grad, axes):
        return grad  # every input element contributes with weight 1


@register_op
class Mean(Reduction):
    """Mean over ``axis``; integer inputs give a truncated integer mean, as in MXNet."""
    name = "mean"

    def reduce(self, xp, data, axes):
        if data.dtype.kind == "f" and data.dtype.itemsize >= 4:
            # the sum divided in the data's dtype, as MXNet does; xp.mean adds several
            # microseconds of checks, which is most of a loss's mean over a batch
            count = math.prod(data.shape[a] for a in axes)
            return xp.sum(data, axis=axes, keepdims=True) / count
        return xp.mean(data, axis=axes, keepdims=True)   # float16 sums in float32

    def derivative(self, xp, data, out, grad, axes):
        count = math.prod(data.shape[a] for a in axes)
        if grad.dtype.kind != "f":   # integer data: true division, cast back later
            return grad / count
        grad /= count                # in place: grad is _spread's fresh array
        return grad


class _Extremum(Reduction):
    """``max``/``min``: the gradient goes to the elements equal to the result.

    MXNet quirk kept: when several elements tie for the extremum, *each* of them
    receives the full output gradient (it is not split between them).
    """
    def derivative(self, xp, data, out, grad, axes):
        return grad * (data == out)


@register_op
class Max(_Extremum):
    """Maximum over ``axis``."""
    name = "max"
    aliases = ("max_axis",)

    def reduce(self, xp, data, axes):
        return xp.max(data, axis=axes, keepdims=True)


@register_op
class Min(_Extremum):
    """Minimum over ``axis``."""
    name = "min"
    aliases = ("min_axis",)

    def reduce(self, xp, data, axes):
        return xp.min(data, axis=axes, keepdims=True)


@register_op
class Prod(Reduction):
    """Product over ``axis``.

    The gradient uses ``d prod / d x_i = prod / x_i``, as MXNet does, so an input that
    contains a zero gets NaN gradients there.
    """
    name = "prod"
    examples = [Example(shapes=[(2, 3, 4)], attrs={"axis": 1}, low=0.5, high=1.5),
                Example(shapes=[(2, 3)], low=0.5, high=1.5)]

    def reduce(self, xp, data, axes):
        return xp.prod(data, axis=axes, keepdims=True)

    def derivative(self, xp, data, out, grad, axes):
        return grad * out / data


@register_op
class NanSum(Reduction):
    """Sum over ``axis`` treating NaN as zero (NaN entries get zero gradient)."""
    name = "nansum"

    def reduce(self, xp, data, axes):
        return xp.nansum(data, axis=axes, keepdims=True)

    def derivative(self, xp, data, out, grad, axes):
        return grad * ~xp.isnan(data)


@register_op
class NanProd(Reduction):
    """Product over ``axis`` treating NaN as one (NaN entries get zero gradient)."""
    name = "nanprod"
    examples = [Example(shapes=[(2, 3, 4)], attrs={"axis": 1}, low=0.5, high=1.5)]

    def reduce(self, xp, data, axes):
        return xp.nanprod(data, axis=axes, keepdims=True)

    def derivative(self, xp, data, out, grad, axes):
        return xp.where(xp.isnan(data), 0, grad * out / data)


# --------------------------------------------------------------------------------------
# argmax, argmin, argmax_channel.
# --------------------------------------------------------------------------------------
class _ArgExtremum(Op):
    """Index of the extremum along ``axis`` (of the flattened array if ``axis=None``).

    The index comes back in the input's dtype (float32 for float32 data), as in MXNet;
    its gradient is zero.
    """
    infer_type = same_dtype
    examples = [Example(shapes=[(3, 4)], attrs={"axis": 1}, grad=False,
                        reason="an index is piecewise constant"),
                Example(shapes=[(2, 3, 4)], attrs={"axis": -1, "keepdims": True},
                        grad=False, reason="an index is piecewise constant"),
                Example(shapes=[(3, 4)], grad=False,
                        reason="an index is piecewise constant")]

    def infer_shape(self, in_shapes, *, axis, keepdims):
        shape = in_shapes[0]
        if shape is None:
            return list(in_shapes), [None]
        axes = reduce_axes(self, shape, axis)
        return list(in_shapes), [reduced_shape(shape, axes, keepdims)]

    def forward(self, xp, data, *, axis: OptionalInt = None, keepdims: Bool = False):
        axes = reduce_axes(self, data.shape, axis)
        if axis is None:
            result = self.find(xp, data.reshape(-1), 0)
        else:
            result = self.find(xp, data, axes[0])
        result = result.astype(data.dtype)
        return result.reshape(reduced_shape(data.shape, axes, keepdims))

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        return [xp.zeros_like(inputs[0])]


@register_op
class ArgMax(_ArgExtremum):
    """Index of the maximum along ``axis``; the first one when several tie."""
    name = "argmax"

    def find(self, xp, data, axis):
        return xp.argmax(data, axis=axis)


@register_op
class ArgMin(_ArgExtremum):
    """Index of the minimum along ``axis``; the first one when several tie."""
    name = "argmin"

    def find(self, xp, data, axis):
        return xp.argmin(data, axis=axis)


@register_op
class ArgMaxChannel(Op):
    """``argmax(data, axis=1)``: the best channel (class) of each sample."""
    name = "argmax_channel"
    infer_type = same_dtype
    examples = [Example(shapes=[(3, 4)], grad=False,
                        reason="an index is piecewise constant")]

    def infer_shape(self, in_shapes):
        shape = in_shapes[0]
        if shape is None:
            return list(in_shapes), [None]
        if len(shape) < 2:
            raise shape_error(self, f"data must have at least 2 dimensions (batch, "
                                    f"channel, ...), got shape {shape}")
        return list(in_shapes), [reduced_shape(shape, (1,), keepdims=False)]

    def forward(self, xp, data):
        return xp.argmax(data, axis=1).astype(data.dtype)

    def backward(self, xp, inputs, outputs, out_grads):
        return [xp.zeros_like(inputs[0])]


# --------------------------------------------------------------------------------------
# norm.
# --------------------------------------------------------------------------------------
@register_op
class Norm(Op):
    """The L1 (``ord=1``: sum of ``|x|``) or L2 (``ord=2``: ``sqrt(sum(x**2))``) norm
    over ``axis`` (all elements by default).

    The L2 gradient is ``x / norm``, so an all-zero input gets NaN gradients, as in
    MXNet. ``out_dtype`` casts the result.
    """
    name = "norm"
    examples = [Example(shapes=[(2, 3)]),
                Example(shapes=[(2, 3, 4)], attrs={"ord": 1, "axis": 1}, low=0.1),
                Example(shapes=[(2, 3, 4)], attrs={"axis": (0, 2), "keepdims": True})]

    def infer_shape(self, in_shapes, *, ord, axis, out_dtype, keepdims):
        shape = in_shapes[0]
        if ord not in (1, 2):
            raise shape_error(self, f"ord must be 1 or 2, got {ord}")
        if shape is None:
            return list(in_shapes), [None]
        axes = reduce_axes(self, shape, axis)
        return list(in_shapes), [reduced_shape(shape, axes, keepdims)]

    def infer_type(self, in_types, *, ord, axis, out_dtype, keepdims):
        return list(in_types), [out_dtype or in_types[0]]

    def forward(self, xp, data, *, ord: Int = 2, axis: Axis = None,
                out_dtype: Choice(None, "float16", "float32", "float64", "int32",
                                  "int64", "int8") = None,
                keepdims: Bool = False):
        axes = reduce_axes(self, data.shape, axis)
        if ord == 1:
            result = xp.sum(xp.abs(data), axis=axes)
        else:
            result = xp.sqrt(xp.sum(xp.square(data), axis=axes))
        result = result.astype(out_dtype or data.dtype)
        return result.reshape(reduced_shape(data.shape, axes, keepdims))

    def backward(self, xp, inputs, outputs, out_grads, *, ord, axis, out_dtype,
                 keepdims):
        data = inputs[0]
        axes = reduce_axes(self, data.shape, axis)
        grad = _spread(xp, out_grads[0], data.shape, axes)
        grad = grad.astype(data.dtype, copy=False)
        if ord == 1:
            return [grad * xp.sign(data)]
        norm = _kept(outputs[0], data.shape, axes).astype(data.dtype, copy=False)
        return [grad * data / norm]
