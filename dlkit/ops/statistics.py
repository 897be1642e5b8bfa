"""Statistics of an array: ``moments`` (mean and variance over some axes), the
running sum ``cumsum`` and ``_histogram`` (behind ``nd.histogram``).

``moments`` is a reduction and uses ``reduce.py``'s axis helpers; ``cumsum`` keeps
the input's shape; ``_histogram`` flattens its input into counts per bin::

    data (2, 3) --moments(axes=(1,))--> mean (2,), var (2,)
                --cumsum(axis=1)------> (2, 3)    out[:, j] = data[:, :j + 1].sum(1)
                --_histogram(bin_cnt=4, range=(0, 1))--> counts (4,), edges (5,)
"""
import ast
import math

from ..base import MXNetError
from .reduce import _kept, reduce_axes, reduced_shape
from .registry import (AttrType, Bool, Choice, Example, Op, Optional, OptionalInt,
                       Shape, register_op, shape_error)


@register_op
class Moments(Op):
    """Mean and (biased) variance over ``axes``: two outputs.

    ``var = mean((x - mean)^2)``, so the gradients are ``d mean / dx = 1 / N`` and
    ``d var / dx = 2 (x - mean) / N`` for the ``N`` elements each output summarises.

    MXNet quirks kept: ``axes`` is required (MXNet rejects the default ``None``: pass
    every axis for global moments); integer data gives a truncated integer mean and a
    variance computed from that truncated mean.
    """
    name = "moments"
    examples = [Example(shapes=[(2, 3, 4)], attrs={"axes": (1,)}),
                Example(shapes=[(2, 3, 4)], attrs={"axes": (0, 2), "keepdims": True}),
                Example(shapes=[(3, 4)], attrs={"axes": (0, 1)})]

    def num_outputs(self, attrs):
        return 2

    def _axes(self, shape, axes):
        if not axes:
            raise shape_error(self, "axes is required (MXNet does not support empty "
                                    "axes); for global moments pass every axis, e.g. "
                                    f"axes={tuple(range(len(shape)))}")
        return reduce_axes(self, shape, axes)

    def infer_shape(self, in_shapes, *, axes, keepdims):
        shape = in_shapes[0]
        if shape is None:
            return list(in_shapes), [None, None]
        out_shape = reduced_shape(shape, self._axes(shape, axes), keepdims)
        return list(in_shapes), [out_shape, out_shape]

    def forward(self, xp, data, *, axes: Optional(Shape) = None,
                keepdims: Bool = False):
        axes = self._axes(data.shape, axes)
        mean = xp.mean(data, axis=axes, keepdims=True).astype(data.dtype)
        centered = data - mean
        var = xp.mean(centered * centered, axis=axes, keepdims=True).astype(data.dtype)
        out_shape = reduced_shape(data.shape, axes, keepdims)
        return mean.reshape(out_shape), var.reshape(out_shape)

    def backward(self, xp, inputs, outputs, out_grads, *, axes, keepdims):
        data = inputs[0]
        axes = self._axes(data.shape, axes)
        count = math.prod(data.shape[a] for a in axes)
        mean = _kept(outputs[0], data.shape, axes)
        mean_grad = _kept(out_grads[0], data.shape, axes)
        var_grad = _kept(out_grads[1], data.shape, axes)
        grad = (mean_grad + 2 * var_grad * (data - mean)) / count
        return [grad.astype(data.dtype, copy=False)]


@register_op
class CumSum(Op):
    """Running sum along ``axis`` (of the flattened array when ``axis=None``).

    ``dtype`` sets the output's dtype and the accumulator's; by default it is the
    input's. Each input element reaches every later output, so its gradient is the sum
    of the output gradients from its position to the end: a reversed running sum.

    MXNet quirk kept: MXNet 1.9.1 (whose op is ``_np_cumsum``) accepts a negative
    ``axis`` in shape inference but fails on it when run, so dlkit refuses it too.
    """
    name = "_np_cumsum"
    aliases = ("cumsum",)
    examples = [Example(shapes=[(2, 3, 4)], attrs={"axis": 1}),
                Example(shapes=[(2, 3)]),
                Example(shapes=[(2, 3)], attrs={"axis": 0, "dtype": "float32"})]

    def _axis(self, ndim, axis):
        if axis is not None and not -ndim <= axis < ndim:
            raise shape_error(self, f"axis {axis} is out of range for data with {ndim} "
                                    "dimensions")
        return axis

    def infer_shape(self, in_shapes, *, axis, dtype):
        shape = in_shapes[0]
        if shape is None:
            return list(in_shapes), [None]
        self._axis(len(shape), axis)
        if axis is None:
            size = math.prod(shape) if all(d is not None for d in shape) else None
            return list(in_shapes), [(size,)]
        return list(in_shapes), [tuple(shape)]

    def infer_type(self, in_types, *, axis, dtype):
        return list(in_types), [dtype or in_types[0]]

    def forward(self, xp, a, *, axis: OptionalInt = None,
                dtype: Choice(None, "float16", "float32", "float64", "int32", "int64",
                              "int8") = None):
        self._axis(a.ndim, axis)
        if axis is not None and axis < 0:
            raise shape_error(self, f"MXNet 1.9.1 cannot run a negative axis ({axis}); "
                                    f"use axis={axis + a.ndim}")
        if axis is None:
            return xp.cumsum(a.reshape(-1), dtype=dtype or a.dtype)
        return xp.cumsum(a, axis=axis, dtype=dtype or a.dtype)

    def backward(self, xp, inputs, outputs, out_grads, *, axis, dtype):
        data = inputs[0]
        along = 0 if axis is None else axis
        flipped = xp.flip(out_grads[0], axis=along)
        grad = xp.flip(xp.cumsum(flipped, axis=along), axis=along)
        return [grad.reshape(data.shape).astype(data.dtype, copy=False)]


class _Range(AttrType):
    """``range``: None or a pair of numbers ``(low, high)``."""
    name = "(low, high) or None"

    def parse(self, value):
        if isinstance(value, str):
            value = ast.literal_eval(value.strip())
        if value is None:
            return None
        low, high = (float(item) for item in value)
        return low, high

    def format(self, value):
        return "None" if value is None else f"({value[0]:g}, {value[1]:g})"


Range = _Range()


@register_op
class Histogram(Op):
    """Count the elements of ``data`` (flattened) that fall into each bin.

    The bins are either the edges in the array ``bins`` (increasing; the same dtype as
    ``data``), or ``bin_cnt`` equal bins over ``range = (low, high)``. Every bin holds
    ``edge[i] <= x < edge[i + 1]``, except the last, which also takes ``x == high``;
    values outside are ignored. Two outputs: the counts (int64) and the edges (in
    ``data``'s dtype). ``nd.histogram(a, bins, range)`` picks the form from ``bins``.

    MXNet quirks kept: a range with ``low == high`` becomes ``(low - 0.5, high + 0.5)``
    (as in NumPy); for integer data the edges ``low + i * (high - low) / bin_cnt`` are
    integers too, cut toward zero, and the counts follow those edges.
    """
    name = "_histogram"
    examples = [Example(shapes=[(3, 4)], attrs={"bin_cnt": 5, "range": (-1, 1)},
                        grad=False, reason="counts are piecewise constant"),
                Example(shapes=[(3, 4), (4,)], values={"bins": [-1, -0.2, 0.5, 1]},
                        grad=False, reason="counts are piecewise constant")]

    def list_inputs(self, attrs):
        return ["data"] if attrs["bin_cnt"] is not None else ["data", "bins"]

    def num_outputs(self, attrs):
        return 2

    def _check(self, bin_cnt, range, has_bins=True):
        if bin_cnt is None and range is None and not has_bins:
            raise MXNetError(f"operator {self.name}: needs the bin edges (input bins) "
                             "or bin_cnt and range")
        if (bin_cnt is None) != (range is None):
            raise MXNetError(f"operator {self.name}: give bin_cnt and range together "
                             f"(got bin_cnt={bin_cnt}, range={range}), or the bin "
                             "edges as the input bins")
        if bin_cnt is not None and bin_cnt < 1:
            raise MXNetError(f"operator {self.name}: bin_cnt must be at least 1, got "
                             f"{bin_cnt}")
        if range is not None and range[0] > range[1]:
            raise MXNetError(f"operator {self.name}: range {range} must have low <= "
                             "high")

    def infer_shape(self, in_shapes, *, bin_cnt, range):
        self._check(bin_cnt, range)
        if bin_cnt is not None:
            return list(in_shapes), [(bin_cnt,), (bin_cnt + 1,)]
        bins = in_shapes[1] if len(in_shapes) > 1 else None
        if bins is None:
            return list(in_shapes), [None, None]
        if len(bins) != 1 or (bins[0] is not None and bins[0] < 2):
            raise shape_error(self, f"bins must be a vector of at least 2 edges, got "
                                    f"shape {tuple(bins)}")
        count = None if bins[0] is None else bins[0] - 1
        return list(in_shapes), [(count,), (bins[0],)]

    def infer_type(self, in_types, *, bin_cnt, range):
        return list(in_types), ["int64", in_types[0]]

    def forward(self, xp, data, bins=None, *, bin_cnt: OptionalInt = None,
                range: Range = None):
        self._check(bin_cnt, range, has_bins=bins is not None)
        if bin_cnt is not None:
            low, high = range
            if low == high:
                low, high = low - 0.5, high + 0.5
            steps = xp.arange(bin_cnt + 1, dtype=xp.float64)
            bins = (low + steps * (high - low) / bin_cnt).astype(data.dtype)
        elif bins.dtype != data.dtype:
            raise MXNetError(f"operator {self.name}: bins ({bins.dtype}) must have "
                             f"data's dtype ({data.dtype})")
        else:
            bins = bins.copy()     # an output of its own, not the input array
        values = data.reshape(-1)
        inside = (values >= bins[0]) & (values <= bins[-1])
        # the bin of x is the number of edges <= x, minus one; x == high joins the last
        index = xp.searchsorted(bins, values[inside], side="right") - 1
        index = xp.minimum(index, len(bins) - 2)
        counts = xp.bincount(index, minlength=len(bins) - 1).astype(xp.int64)
        return counts, bins
