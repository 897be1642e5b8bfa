"""``Pooling``: max, average, sum or Lp over sliding windows (1-D to 3-D), and the
legacy ``Pooling_v1``.

Pooling reads the same windows as convolution (see ``windows.py``) and reduces each one,
one kernel position at a time: ``K`` vectorised maxima/sums over the whole batch are
much faster than reducing the strided view along its window axes.
"""

from .registry import (Bool, Choice, Example, Op, OptionalBool, OptionalInt, Shape,
                       check_float, register_op, shape_error)
from .windows import (_add_windows, _check_data, _check_layout, _crop, _geometry, _pad,
                      _reduce_windows, _taps, _windows)


POOL_LAYOUT = Choice(None, "NCW", "NCHW", "NCDHW", "NHWC", "NDHWC", "NWC")


@register_op
class Pooling(Op):
    """Max, average, sum or Lp pooling over 1-D, 2-D or 3-D windows (channel-first).

    ``stride`` defaults to 1 (not to the kernel, as in some frameworks). With
    ``pooling_convention='full'`` the output size rounds up, so the last window may hang
    over the edge; ``global_pool`` pools each whole feature map (kernel, stride and pad
    are ignored). Averages count padding cells unless ``count_include_pad=False``
    (cells beyond the padding, from 'full', are never counted). Max pooling sends the
    gradient to the first maximum of each window, as MXNet does. Lp pooling computes
    ``(sum x ** p) ** (1 / p)``, the real root for odd ``p`` (``p = 3`` keeps a negative
    sum's sign, as MXNet does). Differs from MXNet: 'same' convention not supported.
    """
    name = "Pooling"
    examples = [
        Example(shapes=[(2, 2, 4, 4)], attrs={"kernel": (2, 2), "stride": (2, 2)}),
        Example(shapes=[(1, 2, 5, 5)], attrs={"kernel": (3, 3), "stride": (2, 2),
                                              "pad": (1, 1), "pool_type": "avg"}),
        Example(shapes=[(1, 2, 5, 4)], attrs={"kernel": (2, 2), "stride": (2, 2),
                                              "pool_type": "avg", "pad": (1, 0),
                                              "pooling_convention": "full",
                                              "count_include_pad": False}),
        Example(shapes=[(2, 3, 7)], attrs={"kernel": (3,), "pool_type": "sum"}),
        Example(shapes=[(1, 2, 3, 3)], attrs={"pool_type": "max", "global_pool": True}),
        Example(shapes=[(1, 2, 4, 4)], attrs={"kernel": (2, 2), "pool_type": "lp",
                                              "p_value": 2}, low=0.5, high=1.0),
        Example(shapes=[(1, 1, 3, 3)], attrs={"kernel": (2, 2), "pool_type": "lp",
                                              "p_value": 3}, low=-1.0, high=-0.5)]

    def infer_shape(self, in_shapes, *, kernel, pool_type, global_pool, cudnn_off,
                    pooling_convention, stride, pad, p_value, count_include_pad,
                    layout):
        data = in_shapes[0]
        if data is None:
            return [data], [None]
        if not 3 <= len(data) <= 5:
            raise shape_error(self, f"data has shape {data}; Pooling needs 3-D, 4-D or "
                                    "5-D data (batch, channel, 1 to 3 spatial axes)")
        _check_layout(self, layout, len(data) - 2)
        if global_pool:
            return [data], [tuple(data[:2]) + (1,) * (len(data) - 2)]
        if not kernel:
            raise shape_error(self, "kernel is required unless global_pool=True")
        _check_data(self, data, len(kernel), "pooling kernel")
        if pool_type == "lp" and p_value is None:
            raise shape_error(self, "pool_type='lp' needs p_value (1 or 2)")
        if pooling_convention == "same":
            raise shape_error(
                self,
                "pooling_convention='same' is not supported by dlkit; "
                "use 'valid' or 'full' with a suitable pad",
            )
        _, out_spatial, _ = _pool_geometry(self, data, kernel, stride, pad, global_pool,
                                           pooling_convention)
        return [data], [tuple(data[:2]) + out_spatial]

    def forward(self, xp, data, *, kernel: Shape = (),
                pool_type: Choice("avg", "lp", "max", "sum") = "max",
                global_pool: Bool = False, cudnn_off: Bool = False,
                pooling_convention: Choice("full", "same", "valid") = "valid",
                stride: Shape = (), pad: Shape = (), p_value: OptionalInt = None,
                count_include_pad: OptionalBool = None, layout: POOL_LAYOUT = None):
        check_float(self, data.dtype)     # MXNet pools floating-point data only
        geometry, out_spatial, after = _pool_geometry(
            self, data.shape, kernel, stride, pad, global_pool, pooling_convention
        )
        kernel, stride, pad = geometry
        ndim = len(kernel)
        fill = self.max_padding(xp, data.dtype) if pool_type == "max" else 0
        canvas = _pad(xp, data, pad, after, fill)
        if pool_type == "lp":
            canvas = canvas ** p_value
        windows = _windows(xp, canvas, kernel, stride, (1,) * ndim, out_spatial)
        combine = xp.maximum if pool_type == "max" else xp.add
        out = _reduce_windows(windows, combine, ndim)
        if pool_type == "avg":
            out /= _avg_divisor(xp, data, geometry, out_spatial, count_include_pad)
        elif pool_type == "lp":
            out = _lp_root(xp, out, p_value)
        return out

    def max_padding(self, xp, dtype):
        """The value that pads max pooling: the lowest finite one (not -inf), which
        MXNet returns for a window that lies wholly in the padding."""
        return _lowest(xp, dtype)

    def backward(self, xp, inputs, outputs, out_grads, *, kernel, pool_type,
                 global_pool, pooling_convention, stride, pad, p_value,
                 count_include_pad, **ignored):
        data, out, out_grad = inputs[0], outputs[0], out_grads[0]
        geometry, out_spatial, after = _pool_geometry(
            self, data.shape, kernel, stride, pad, global_pool, pooling_convention
        )
        kernel, stride, pad = geometry
        ndim = len(kernel)
        padded = tuple(b + n + a for b, n, a in zip(pad, data.shape[2:], after))
        grad_canvas = xp.zeros(data.shape[:2] + padded, dtype=out_grad.dtype)
        if pool_type == "max":
            canvas = _pad(xp, data, pad, after, self.max_padding(xp, data.dtype))
            _max_pool_grad(xp, canvas, out, out_grad, grad_canvas, kernel, stride)
        else:
            spread = (Ellipsis,) + (None,) * ndim  # broadcast an output over a window
            window_shape = data.shape[:2] + out_spatial + kernel
            if pool_type == "sum":
                window_grads = xp.broadcast_to(out_grad[spread], window_shape)
            elif pool_type == "avg":
                divisor = _avg_divisor(
                    xp, data, geometry, out_spatial, count_include_pad
                )
                window_grads = xp.broadcast_to(
                    (out_grad / divisor)[spread], window_shape
                )
            else:
                # d (sum x^p)^(1/p) / dx = (x / y) ** (p - 1); MXNet sends nothing
                # through a window whose result y is 0 (instead of dividing by it)
                canvas = _pad(xp, data, pad, after, 0)
                windows = _windows(xp, canvas, kernel, stride, (1,) * ndim, out_spatial)
                zero = out == 0
                safe_out = xp.where(zero, 1, out)
                window_grads = (xp.where(zero, 0, out_grad)[spread]
                                * (windows / safe_out[spread]) ** (p_value - 1))
            _add_windows(grad_canvas, window_grads, stride, (1,) * ndim)
        return [_crop(grad_canvas, pad, data.shape[2:])]


@register_op
class PoolingV1(Pooling):
    """The deprecated first ``Pooling``, kept for old model files: 2-D max, average or
    sum pooling of ``NCHW`` data (MXNet 1.9.1's ``Pooling_v1`` has no 1-D or 3-D
    pooling, no Lp pooling and no ``count_include_pad``: averages count the padding).

    ``Pooling``'s code with one difference: max pooling pads with zeros, not with the
    lowest value, so a window that overlaps the padding returns at least 0 (and a
    window whose maximum is a padding cell sends its gradient nowhere).
    """
    name = "Pooling_v1"
    examples = [
        Example(shapes=[(2, 2, 4, 4)], attrs={"kernel": (2, 2), "stride": (2, 2)}),
        Example(shapes=[(1, 2, 5, 4)], attrs={"kernel": (3, 3), "stride": (2, 2),
                                              "pad": (1, 1)}, low=-1.0, high=-0.1),
        Example(shapes=[(1, 2, 5, 4)], attrs={"kernel": (2, 2), "stride": (2, 2),
                                              "pool_type": "avg", "pad": (1, 0),
                                              "pooling_convention": "full"}),
        Example(shapes=[(1, 2, 3, 3)], attrs={"pool_type": "sum", "global_pool": True})]

    def infer_shape(self, in_shapes, *, kernel, global_pool, **attrs):
        data = in_shapes[0]
        if data is not None and len(data) != 4:
            raise shape_error(self, f"data has shape {tuple(data)}; Pooling_v1 pools "
                                    "4-D (batch, channel, height, width) data only "
                                    "(use Pooling for 1-D or 3-D)")
        if not global_pool and len(kernel) != 2:
            raise shape_error(self, f"kernel={kernel}: Pooling_v1 needs a 2-D kernel "
                                    "(height, width)")
        return super().infer_shape(in_shapes, kernel=kernel, global_pool=global_pool,
                                   cudnn_off=False, p_value=None,
                                   count_include_pad=None, layout=None, **attrs)

    def forward(self, xp, data, *, kernel: Shape = (),
                pool_type: Choice("avg", "max", "sum") = "max",
                global_pool: Bool = False,
                pooling_convention: Choice("full", "valid") = "valid",
                stride: Shape = (), pad: Shape = ()):
        return super().forward(xp, data, kernel=kernel, pool_type=pool_type,
                               global_pool=global_pool,
                               pooling_convention=pooling_convention, stride=stride,
                               pad=pad)

    def max_padding(self, xp, dtype):
        return 0

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        return super().backward(xp, inputs, outputs, out_grads, p_value=None,
                                count_include_pad=None, **attrs)


def _max_pool_grad(xp, canvas, out, out_grad, grad_canvas, kernel, stride):
    """Route each window's gradient to its first maximum, tap by tap (MXNet's rule for
    ties: one cell gets it all; after a ReLU whole windows of zeros tie).
    ``unclaimed`` marks windows whose maximum is not found yet."""
    taps = list(_taps(kernel, stride, (1,) * len(kernel), out.shape[2:]))
    # windows that do not overlap (kernel <= stride, LeNet's 2x2/2) own their cells, so
    # each tap can WRITE its share instead of adding a temporary: fewer passes
    disjoint = all(k <= s for k, s in zip(kernel, stride))
    unclaimed = None                        # None: every window is still unclaimed
    for index, (_, source) in enumerate(taps):
        hit = canvas[(Ellipsis,) + source] == out
        if unclaimed is not None:
            hit &= unclaimed
        if index < len(taps) - 1:           # the last tap need not update the marks
            unclaimed = ~hit if unclaimed is None else unclaimed ^ hit
        target = grad_canvas[(Ellipsis,) + source]
        if disjoint:
            xp.multiply(hit, out_grad, out=target)
        else:
            target += hit * out_grad


def _lp_root(xp, total, p_value):
    """``total ** (1 / p)``, the last step of Lp pooling. MXNet takes the real root
    of an odd power, sign included (p = 3: ``cbrt(-8) = -2``); NumPy's power would
    give NaN for a negative sum."""
    if p_value == 1:
        return total
    if p_value % 2:
        return xp.sign(total) * xp.abs(total) ** (1.0 / p_value)
    return total ** (1.0 / p_value)


def _pool_geometry(op, data, kernel, stride, pad, global_pool, convention):
    """``((kernel, stride, pad), out_spatial, extra_after)``; ``extra_after`` is the
    padding the 'full' convention adds past the end so the last window fits."""
    ndim = len(data) - 2
    if global_pool:
        kernel, stride, pad = tuple(data[2:]), (1,) * ndim, (0,) * ndim
    kernel, stride, _, pad = _geometry(op, kernel, stride, (), pad)
    out, after = [], []
    for size, k, s, p in zip(data[2:], kernel, stride, pad):
        if size is None:
            out.append(None)
            after.append(p)
            continue
        if size + 2 * p < k:
            raise shape_error(
                op,
                f"kernel={kernel} is larger than the padded input: data "
                f"{tuple(data)} with pad={pad}; use a smaller kernel",
            )
        if convention == "full":
            count = -(-(size + 2 * p - k) // s) + 1      # ceil division
        else:
            count = (size + 2 * p - k) // s + 1
        out.append(count)
        after.append(max(p, (count - 1) * s + k - size - p))
    return (kernel, stride, pad), tuple(out), tuple(after)


def _avg_divisor(xp, data, geometry, out_spatial, count_include_pad):
    """How many cells each window averages: its overlap with the padded input (or with
    the real input when ``count_include_pad=False``), as an outer product over axes."""
    kernel, stride, pad = geometry
    ndim = len(kernel)
    divisor = 1
    for axis, (size, k, s, p, o) in enumerate(zip(data.shape[2:], kernel, stride, pad,
                                                   out_spatial)):
        low, high = (p, size + p) if count_include_pad is False else (0, size + 2 * p)
        start = xp.arange(o) * s
        count = xp.minimum(start + k, high) - xp.maximum(start, low)
        # MXNet divides an empty window's zero sum by 1, not 0
        count = xp.maximum(count, 1).reshape((o,) + (1,) * (ndim - 1 - axis))
        divisor = divisor * count
    return divisor.astype(data.dtype)


def _lowest(xp, dtype):
    """The smallest finite value of ``dtype``."""
    if dtype.kind == "f":
        return xp.finfo(dtype).min
    return xp.iinfo(dtype).min
