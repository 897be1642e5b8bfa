"""Dense and convolution layers: ``FullyConnected``, ``Convolution``, ``Deconvolution``,
``Pooling``.

Convolution is computed the way fast CPU libraries do it, as *one matrix product*:

    data (N, C, H, W) --pad--> canvas --strided view--> windows (N, C, OH, OW, KH, KW)
                                                             | copy = "im2col"
    weight (F, C*KH*KW)   @   columns (C*KH*KW, N*OH*OW)  ->  out (F, N*OH*OW)

The strided view (``as_strided``) costs nothing: every window is a different way of
reading the same memory. The one copy lays the windows out as columns so that a single
GEMM (BLAS on cpu, cuBLAS on gpu) does all the multiply-adds. The backward pass is the
same picture read backwards: the weight gradient is one GEMM with the columns, and the
data gradient is one GEMM back to columns followed by "col2im", which adds every column
back where its window was read (one vectorised add per kernel position).

``Deconvolution`` *is* the data gradient of a convolution, and its gradient is a
convolution, so it reuses the same three helpers. ``Pooling`` reads the same windows and
reduces them with ``max``, ``sum`` or a mean.

Grouped convolution (``num_group``) splits channels and filters into ``G`` independent
convolutions; it is one batched GEMM with the group as the batch axis.
"""
import itertools
import math

from .registry import (Bool, Choice, Example, Int, Op, OptionalInt, Shape, _Optional,
                       known, merge_shape, register_op, shape_error)

OptionalBool = _Optional(Bool)  # Pooling's count_include_pad: True, False or None
CUDNN_TUNE = Choice(None, "fastest", "limited_workspace", "off")
CONV_LAYOUT = Choice(None, "NCW", "NCHW", "NCDHW", "NHWC", "NDHWC")
POOL_LAYOUT = Choice(None, "NCW", "NCHW", "NCDHW", "NHWC", "NDHWC", "NWC")


# ----------------------------------------------------------------------------------------
# Window helpers shared by convolution and pooling.
# ----------------------------------------------------------------------------------------
def _pad(xp, data, before, after, fill):
    """``data`` inside a canvas of ``fill``: ``before``/``after`` cells per spatial axis."""
    if not any(before) and not any(after):
        return data
    ndim = len(before)
    spatial = data.shape[-ndim:]
    shape = data.shape[:-ndim] + tuple(b + n + a for b, n, a in zip(before, spatial, after))
    canvas = xp.full(shape, fill, dtype=data.dtype)
    canvas[(Ellipsis,) + tuple(slice(b, b + n) for b, n in zip(before, spatial))] = data
    return canvas


def _crop(canvas, before, spatial):
    """The inverse of ``_pad``: the ``spatial``-sized block starting at ``before``."""
    return canvas[(Ellipsis,) + tuple(slice(b, b + n) for b, n in zip(before, spatial))]


def _windows(xp, canvas, kernel, stride, dilate, out_spatial):
    """Every window as a view of shape ``(*lead, *out_spatial, *kernel)``: no copy.

    Moving one output position moves ``stride`` cells in the canvas and moving one kernel
    tap moves ``dilate`` cells, so both are just strides over the same memory.
    """
    ndim = len(kernel)
    steps = canvas.strides[-ndim:]
    strides = (canvas.strides[:-ndim] + tuple(t * s for t, s in zip(steps, stride))
               + tuple(t * d for t, d in zip(steps, dilate)))
    shape = canvas.shape[:-ndim] + tuple(out_spatial) + tuple(kernel)
    return xp.lib.stride_tricks.as_strided(canvas, shape=shape, strides=strides)


def _add_windows(canvas, windows, stride, dilate):
    """Add ``windows`` (shaped like ``_windows``' view) back into ``canvas`` ("col2im").

    Overlapping windows must accumulate, which a strided view cannot do in one write,
    so we loop over the few kernel taps (KH*KW) and add all windows at once per tap.
    """
    ndim = len(stride)
    kernel = windows.shape[-ndim:]
    out_spatial = windows.shape[-2 * ndim:-ndim]
    for tap in itertools.product(*(range(k) for k in kernel)):
        target = tuple(slice(t * d, t * d + s * (o - 1) + 1, s)
                       for t, d, s, o in zip(tap, dilate, stride, out_spatial))
        canvas[(Ellipsis,) + target] += windows[(Ellipsis,) + tap]
    return canvas


# ----------------------------------------------------------------------------------------
# Convolution as GEMM. ``geometry`` is (kernel, stride, dilate, pad), each a full tuple.
# ----------------------------------------------------------------------------------------
def _columns(xp, data, groups, geometry, out_spatial):
    """im2col: ``(G, C/G * prod(kernel), N * prod(out_spatial))``, one column per window."""
    kernel, stride, dilate, pad = geometry
    ndim = len(kernel)
    batch, channels = data.shape[:2]
    canvas = _pad(xp, data, pad, pad, 0)
    canvas = canvas.reshape((batch, groups, channels // groups) + canvas.shape[2:])
    windows = _windows(xp, canvas, kernel, stride, dilate, out_spatial)
    # (G, C/G, *kernel, N, *out): the innermost axis runs along an input row, so the
    # copy made by reshape reads memory in order.
    taps = tuple(range(3 + ndim, 3 + 2 * ndim))
    order = (1, 2) + taps + (0,) + tuple(range(3, 3 + ndim))
    return windows.transpose(order).reshape(groups, -1, batch * math.prod(out_spatial))


def _conv_forward(xp, data, weight, groups, geometry, out_spatial):
    """``out[n, f] = sum_c,k weight[f, c, k] * window[n, c, k]`` as one GEMM per group."""
    filters = weight.shape[0]
    columns = _columns(xp, data, groups, geometry, out_spatial)
    out = xp.matmul(weight.reshape(groups, filters // groups, -1), columns)
    out = out.reshape((filters, data.shape[0]) + tuple(out_spatial))
    return xp.ascontiguousarray(out.swapaxes(0, 1))


def _grouped_out_grad(out_grad, groups):
    """``(N, F, *out)`` -> ``(G, F/G, N * prod(out))``, the layout the GEMMs use."""
    filters = out_grad.shape[1]
    return out_grad.swapaxes(0, 1).reshape(groups, filters // groups, -1)


def _conv_data_grad(xp, out_grad, weight, data_shape, groups, geometry):
    """Gradient of the convolution with respect to ``data``: GEMM, then col2im."""
    kernel, stride, dilate, pad = geometry
    ndim = len(kernel)
    batch, channels = data_shape[:2]
    out_spatial = out_grad.shape[2:]
    grouped_weight = weight.reshape(groups, weight.shape[0] // groups, -1)
    columns = xp.matmul(grouped_weight.swapaxes(1, 2), _grouped_out_grad(out_grad, groups))
    columns = columns.reshape((groups, channels // groups) + tuple(kernel) + (batch,)
                              + tuple(out_spatial))
    # view it as (N, G, C/G, *out, *kernel), the layout of _windows, without copying
    order = (2 + ndim, 0, 1) + tuple(range(3 + ndim, 3 + 2 * ndim)) + tuple(
        range(2, 2 + ndim))
    padded = tuple(n + 2 * p for n, p in zip(data_shape[2:], pad))
    canvas = xp.zeros((batch, groups, channels // groups) + padded, dtype=out_grad.dtype)
    _add_windows(canvas, columns.transpose(order), stride, dilate)
    return _crop(canvas.reshape((batch, channels) + padded), pad, data_shape[2:])


def _conv_weight_grad(xp, data, out_grad, weight_shape, groups, geometry):
    """Gradient with respect to ``weight``: (out_grad) @ (columns)^T, one GEMM per group."""
    columns = _columns(xp, data, groups, geometry, out_grad.shape[2:])
    grad = xp.matmul(_grouped_out_grad(out_grad, groups), columns.swapaxes(1, 2))
    return grad.reshape(weight_shape)


def _bias_grad(out_grad):
    """The bias is added at every sample and position, so its gradient sums them."""
    return out_grad.sum(axis=(0,) + tuple(range(2, out_grad.ndim)))


def _add_bias(out, bias):
    if bias is None:
        return out
    return out + bias.reshape((1, -1) + (1,) * (out.ndim - 2))


# ----------------------------------------------------------------------------------------
# Shape checks shared by Convolution and Deconvolution.
# ----------------------------------------------------------------------------------------
def _full(value, ndim, fill):
    """MXNet's empty tuple ``()`` means ``fill`` along every spatial axis."""
    return tuple(value) if value else (fill,) * ndim


def _geometry(op, kernel, stride, dilate, pad):
    """Check the window attributes and return ``(kernel, stride, dilate, pad)`` in full."""
    ndim = len(kernel)
    if not 1 <= ndim <= 3:
        raise shape_error(op, f"kernel={kernel} must have 1, 2 or 3 entries "
                              "(width), (height, width) or (depth, height, width)")
    full = (kernel, _full(stride, ndim, 1), _full(dilate, ndim, 1), _full(pad, ndim, 0))
    for attr_name, value, low in zip(("kernel", "stride", "dilate", "pad"), full,
                                     (1, 1, 1, 0)):
        if len(value) != ndim or min(value) < low:
            raise shape_error(op, f"{attr_name}={value} must have {ndim} entries (like "
                                  f"kernel={kernel}), each at least {low}")
    return full


def _check_layout(op, layout, ndim):
    default = {1: "NCW", 2: "NCHW", 3: "NCDHW"}[ndim]
    if layout not in (None, default):
        raise shape_error(op, f"layout={layout!r} is not supported; dlkit computes in "
                              f"channel-first layout {default!r} (transpose the data)")


def _check_data(op, data, ndim, what="kernel"):
    if data is not None and len(data) != ndim + 2:
        raise shape_error(op, f"data has shape {data}, but a {ndim}-D {what} needs "
                              f"{ndim + 2}-D data (batch, channel, {ndim} spatial axes)")


def _check_groups(op, channels, what, num_group):
    if num_group < 1 or (channels is not None and channels % num_group):
        raise shape_error(op, f"{what}={channels} must be divisible by "
                              f"num_group={num_group}")


def _merge_param(op, name, given, expected, reason):
    """Complete a parameter shape from the data; a teaching error if they disagree."""
    try:
        return merge_shape(op, name, given, expected)
    except Exception:
        raise shape_error(op, f"{name} has shape {given}, but {reason} it must be "
                              f"{expected}") from None


# ----------------------------------------------------------------------------------------
# The operators.
# ----------------------------------------------------------------------------------------
class _WithBias(Op):
    """Ops whose ``bias`` input disappears when ``no_bias`` is set."""

    def list_inputs(self, attrs):
        if attrs.get("no_bias", False):
            return ["data", "weight"]
        return ["data", "weight", "bias"]


@register_op
class FullyConnected(_WithBias):
    """Dense layer: ``out = data @ weight.T + bias``.

    With ``flatten=True`` the data is first reshaped to ``(batch, -1)``; with
    ``flatten=False`` the product acts on the last axis only, so ``(N, T, in_units)``
    gives ``(N, T, num_hidden)``. ``weight`` has shape ``(num_hidden, in_units)``.
    """
    name = "FullyConnected"
    examples = [Example(shapes=[(2, 3), (4, 3), (4,)], attrs={"num_hidden": 4}),
                Example(shapes=[(2, 2, 3), (4, 6)], attrs={"num_hidden": 4, "no_bias": True}),
                Example(shapes=[(2, 2, 3), (4, 3), (4,)],
                        attrs={"num_hidden": 4, "flatten": False})]

    def infer_shape(self, in_shapes, *, num_hidden, no_bias, flatten):
        data, weight = in_shapes[0], in_shapes[1]
        in_units, out = None, None
        if data is not None:
            if flatten:
                in_units = math.prod(data[1:]) if known(data[1:]) else None
                out = (data[0], num_hidden)
            else:
                in_units = data[-1]
                out = tuple(data[:-1]) + (num_hidden,)
        why = f"data {data} with flatten={flatten} has {in_units} input units, so"
        weight = _merge_param(self, "weight", weight, (num_hidden, in_units), why)
        shapes = [data, weight]
        if not no_bias:
            shapes.append(_merge_param(self, "bias", in_shapes[2], (num_hidden,),
                                       f"num_hidden={num_hidden}, so"))
        return shapes, [out]

    def forward(self, xp, data, weight, bias=None, *, num_hidden: Int,
                no_bias: Bool = False, flatten: Bool = True):
        if flatten:
            data = data.reshape(data.shape[0], -1)
        out = xp.matmul(data, weight.T)
        return out if bias is None else out + bias

    def backward(self, xp, inputs, outputs, out_grads, *, num_hidden, no_bias, flatten):
        data, weight = inputs[0], inputs[1]
        # every leading axis is just more rows of one (rows, in_units) matrix product
        rows = data.reshape(-1, weight.shape[1])
        out_grad = out_grads[0].reshape(-1, num_hidden)
        grads = [xp.matmul(out_grad, weight).reshape(data.shape),
                 xp.matmul(out_grad.T, rows)]
        if not no_bias:
            grads.append(out_grad.sum(axis=0))
        return grads


@register_op
class Convolution(_WithBias):
    """N-D convolution (1-D ``NCW``, 2-D ``NCHW``, 3-D ``NCDHW``), as one GEMM.

    ``weight`` has shape ``(num_filter, channels / num_group, *kernel)``; each output
    spatial size is ``(size + 2 * pad - dilate * (kernel - 1) - 1) // stride + 1``.
    ``workspace``, ``cudnn_tune`` and ``cudnn_off`` are accepted for compatibility and
    ignored. Differs from MXNet: only channel-first layouts.
    """
    name = "Convolution"
    examples = [
        Example(shapes=[(2, 3, 5, 5), (4, 3, 3, 3), (4,)],
                attrs={"kernel": (3, 3), "num_filter": 4, "pad": (1, 1)}),
        Example(shapes=[(1, 4, 7, 6), (6, 2, 2, 3)],
                attrs={"kernel": (2, 3), "num_filter": 6, "stride": (2, 1),
                       "dilate": (2, 1), "num_group": 2, "no_bias": True}),
        Example(shapes=[(2, 2, 9), (3, 2, 3), (3,)],
                attrs={"kernel": (3,), "num_filter": 3, "stride": (2,), "pad": (1,)}),
        Example(shapes=[(1, 2, 4, 4, 4), (2, 2, 2, 2, 2), (2,)],
                attrs={"kernel": (2, 2, 2), "num_filter": 2})]

    def infer_shape(self, in_shapes, *, kernel, stride, dilate, pad, num_filter, num_group,
                    workspace, no_bias, cudnn_tune, cudnn_off, layout):
        geometry = _geometry(self, kernel, stride, dilate, pad)
        ndim = len(kernel)
        _check_layout(self, layout, ndim)
        data = in_shapes[0]
        _check_data(self, data, ndim)
        _check_groups(self, num_filter, "num_filter", num_group)
        channels = None if data is None else data[1]
        _check_groups(self, channels, f"data {data} has channels", num_group)
        group_channels = None if channels is None else channels // num_group
        why = (f"data {data} has {channels} channels, num_filter={num_filter}, "
               f"num_group={num_group} and kernel={kernel}, so")
        weight = _merge_param(self, "weight", in_shapes[1],
                              (num_filter, group_channels) + tuple(kernel), why)
        shapes = [data, weight]
        if not no_bias:
            shapes.append(_merge_param(self, "bias", in_shapes[2], (num_filter,),
                                       f"num_filter={num_filter}, so"))
        out = None
        if data is not None:
            out = (data[0], num_filter) + _conv_out_spatial(self, data, geometry)
        return shapes, [out]

    def forward(self, xp, data, weight, bias=None, *, kernel: Shape, stride: Shape = (),
                dilate: Shape = (), pad: Shape = (), num_filter: Int, num_group: Int = 1,
                workspace: Int = 1024, no_bias: Bool = False, cudnn_tune: CUDNN_TUNE = None,
                cudnn_off: Bool = False, layout: CONV_LAYOUT = None):
        geometry = _geometry(self, kernel, stride, dilate, pad)
        out_spatial = _conv_out_spatial(self, data.shape, geometry)
        out = _conv_forward(xp, data, weight, num_group, geometry, out_spatial)
        return _add_bias(out, bias)

    def backward(self, xp, inputs, outputs, out_grads, *, kernel, stride, dilate, pad,
                 num_group, no_bias, **ignored):
        data, weight = inputs[0], inputs[1]
        geometry = _geometry(self, kernel, stride, dilate, pad)
        out_grad = out_grads[0]
        grads = [_conv_data_grad(xp, out_grad, weight, data.shape, num_group, geometry),
                 _conv_weight_grad(xp, data, out_grad, weight.shape, num_group, geometry)]
        if not no_bias:
            grads.append(_bias_grad(out_grad))
        return grads


def _conv_out_spatial(op, data, geometry):
    """Output size per spatial axis (``None`` where the data size is unknown)."""
    out = []
    for size, k, s, d, p in zip(data[2:], *geometry):
        span = d * (k - 1) + 1
        if size is not None and size + 2 * p < span:
            raise shape_error(op, f"kernel={geometry[0]} (dilated extent {span}) is larger "
                                  f"than the padded input: data {tuple(data)} with "
                                  f"pad={geometry[3]}; use a smaller kernel or more pad")
        out.append(None if size is None else (size + 2 * p - span) // s + 1)
    return tuple(out)


@register_op
class Deconvolution(_WithBias):
    """Transposed convolution: the data gradient of ``Convolution``, used to upsample.

    ``weight`` has shape ``(channels, num_filter / num_group, *kernel)``; each output size
    is ``stride * (size - 1) + dilate * (kernel - 1) + 1 - 2 * pad + adj``. With
    ``target_shape`` MXNet ignores ``pad``/``adj`` and derives them from the target.
    Note MXNet's default ``no_bias=True`` here (Convolution's is False).
    """
    name = "Deconvolution"
    examples = [
        Example(shapes=[(2, 3, 3, 3), (3, 2, 3, 3)], attrs={"kernel": (3, 3), "num_filter": 2}),
        Example(shapes=[(1, 4, 3, 2), (4, 3, 2, 3), (6,)],
                attrs={"kernel": (2, 3), "num_filter": 6, "stride": (2, 2), "pad": (1, 0),
                       "adj": (1, 1), "num_group": 2, "no_bias": False}),
        Example(shapes=[(2, 2, 4), (2, 3, 3)],
                attrs={"kernel": (3,), "num_filter": 3, "stride": (2,), "dilate": (2,),
                       "target_shape": (10,)})]

    def infer_shape(self, in_shapes, *, kernel, stride, dilate, pad, adj, target_shape,
                    num_filter, num_group, workspace, no_bias, cudnn_tune, cudnn_off, layout):
        ndim = len(kernel)
        _check_layout(self, layout, ndim)
        data = in_shapes[0]
        _check_data(self, data, ndim)
        _check_groups(self, num_filter, "num_filter", num_group)
        channels = None if data is None else data[1]
        _check_groups(self, channels, f"data {data} has channels", num_group)
        why = (f"data {data} has {channels} channels, num_filter={num_filter}, "
               f"num_group={num_group} and kernel={kernel}, so")
        weight = _merge_param(self, "weight", in_shapes[1],
                              (channels, num_filter // num_group) + tuple(kernel), why)
        shapes = [data, weight]
        if not no_bias:
            shapes.append(_merge_param(self, "bias", in_shapes[2], (num_filter,),
                                       f"num_filter={num_filter}, so"))
        out = None
        if data is not None:
            _, out_spatial = _deconv_geometry(self, data, kernel, stride, dilate, pad, adj,
                                              target_shape)
            out = (data[0], num_filter) + out_spatial
        return shapes, [out]

    def forward(self, xp, data, weight, bias=None, *, kernel: Shape, stride: Shape = (),
                dilate: Shape = (), pad: Shape = (), adj: Shape = (), target_shape: Shape = (),
                num_filter: Int, num_group: Int = 1, workspace: Int = 512,
                no_bias: Bool = True, cudnn_tune: CUDNN_TUNE = None, cudnn_off: Bool = False,
                layout: CONV_LAYOUT = None):
        geometry, out_spatial = _deconv_geometry(self, data.shape, kernel, stride, dilate,
                                                 pad, adj, target_shape)
        out_shape = (data.shape[0], num_filter) + out_spatial
        # our output plays the convolution's input, our data the convolution's output
        out = _conv_data_grad(xp, data, weight, out_shape, num_group, geometry)
        return _add_bias(xp.ascontiguousarray(out), bias)

    def backward(self, xp, inputs, outputs, out_grads, *, kernel, stride, dilate, pad, adj,
                 target_shape, num_group, no_bias, **ignored):
        data, weight = inputs[0], inputs[1]
        geometry, _ = _deconv_geometry(self, data.shape, kernel, stride, dilate, pad, adj,
                                       target_shape)
        out_grad = out_grads[0]
        # the gradient of "convolution's data gradient" is the convolution itself
        grads = [_conv_forward(xp, out_grad, weight, num_group, geometry, data.shape[2:]),
                 _conv_weight_grad(xp, out_grad, data, weight.shape, num_group, geometry)]
        if not no_bias:
            grads.append(_bias_grad(out_grad))
        return grads


def _deconv_geometry(op, data, kernel, stride, dilate, pad, adj, target_shape):
    """``((kernel, stride, dilate, pad), out_spatial)``; pad and adj follow MXNet's rule."""
    kernel, stride, dilate, pad = _geometry(op, kernel, stride, dilate, pad)
    ndim = len(kernel)
    adj = _full(adj, ndim, 0)
    target = target_shape if target_shape and any(target_shape) else None
    if len(adj) != ndim or (target is not None and len(target) != ndim):
        raise shape_error(op, f"adj={adj} and target_shape={target_shape} must have "
                              f"{ndim} entries, like kernel={kernel}")
    pads, out = [], []
    for axis in range(ndim):
        size, k, s, d = data[2 + axis], kernel[axis], stride[axis], dilate[axis]
        full = None if size is None else s * (size - 1) + d * (k - 1) + 1
        p, a = pad[axis], adj[axis]
        if target is not None and full is not None:
            if target[axis] > full:
                raise shape_error(op, f"target_shape={target} is too big: data {data} "
                                      f"gives at most {full} along spatial axis {axis}")
            # MXNet trims the excess evenly and puts an odd cell back with adj
            p, a = (full - target[axis] + 1) // 2, (full - target[axis]) % 2
        elif a >= s:
            raise shape_error(op, f"adj={adj} must be smaller than stride={stride}")
        pads.append(p)
        out.append(None if full is None else full - 2 * p + a)
        if full is not None and out[-1] < 1:
            raise shape_error(op, f"pad={pad} is too large for data {data}: the output "
                                  f"size along spatial axis {axis} would be {out[-1]}")
    return (kernel, stride, dilate, tuple(pads)), tuple(out)


@register_op
class Pooling(Op):
    """Max, average, sum or Lp pooling over 1-D, 2-D or 3-D windows (channel-first).

    ``stride`` defaults to 1 (not to the kernel, as in some frameworks). With
    ``pooling_convention='full'`` the output size rounds up, so the last window may hang
    over the edge; ``global_pool`` pools each whole feature map (kernel, stride and pad
    are ignored). Averages count padding cells unless ``count_include_pad=False``
    (cells beyond the padding, from 'full', are never counted). Max pooling sends the
    gradient to the first maximum of each window, as MXNet does. Lp pooling computes
    ``(sum x ** p) ** (1 / p)``. Differs from MXNet: 'same' convention not supported.
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
                                              "p_value": 2}, low=0.5, high=1.0)]

    def infer_shape(self, in_shapes, *, kernel, pool_type, global_pool, cudnn_off,
                    pooling_convention, stride, pad, p_value, count_include_pad, layout):
        data = in_shapes[0]
        if data is None:
            return [data], [None]
        if not 3 <= len(data) <= 5:
            raise shape_error(self, f"data has shape {data}; Pooling needs 3-D, 4-D or "
                                    "5-D data (batch, channel, 1 to 3 spatial axes)")
        _check_layout(self, layout, len(data) - 2)
        if not global_pool:
            _check_data(self, data, len(kernel), "pooling kernel")
        if pool_type == "lp" and p_value is None:
            raise shape_error(self, "pool_type='lp' needs p_value (1 or 2)")
        if pooling_convention == "same":
            raise shape_error(self, "pooling_convention='same' is not supported by dlkit; "
                                    "use 'valid' or 'full' with a suitable pad")
        _, out_spatial, _ = _pool_geometry(self, data, kernel, stride, pad, global_pool,
                                           pooling_convention)
        return [data], [tuple(data[:2]) + out_spatial]

    def forward(self, xp, data, *, kernel: Shape = (),
                pool_type: Choice("avg", "lp", "max", "sum") = "max",
                global_pool: Bool = False, cudnn_off: Bool = False,
                pooling_convention: Choice("full", "same", "valid") = "valid",
                stride: Shape = (), pad: Shape = (), p_value: OptionalInt = None,
                count_include_pad: OptionalBool = None, layout: POOL_LAYOUT = None):
        geometry, out_spatial, after = _pool_geometry(self, data.shape, kernel, stride, pad,
                                                      global_pool, pooling_convention)
        kernel, stride, pad = geometry
        ndim = len(kernel)
        # the lowest finite value (not -inf) pads max pooling: MXNet returns it for a
        # window that lies wholly in the padding
        fill = _lowest(xp, data.dtype) if pool_type == "max" else 0
        canvas = _pad(xp, data, pad, after, fill)
        windows = _windows(xp, canvas, kernel, stride, (1,) * ndim, out_spatial)
        axes = tuple(range(-ndim, 0))
        if pool_type == "max":
            return windows.max(axis=axes)
        if pool_type == "sum":
            return windows.sum(axis=axes)
        if pool_type == "lp":
            return (windows ** p_value).sum(axis=axes) ** (1.0 / p_value)
        divisor = _avg_divisor(xp, data, geometry, out_spatial, count_include_pad)
        return windows.sum(axis=axes) / divisor

    def backward(self, xp, inputs, outputs, out_grads, *, kernel, pool_type, global_pool,
                 pooling_convention, stride, pad, p_value, count_include_pad, **ignored):
        data, out, out_grad = inputs[0], outputs[0], out_grads[0]
        geometry, out_spatial, after = _pool_geometry(self, data.shape, kernel, stride, pad,
                                                      global_pool, pooling_convention)
        kernel, stride, pad = geometry
        ndim = len(kernel)
        spread = (Ellipsis,) + (None,) * ndim     # out-shaped -> broadcast over a window
        window_shape = data.shape[:2] + out_spatial + kernel
        if pool_type == "max":
            canvas = _pad(xp, data, pad, after, _lowest(xp, data.dtype))
            windows = _windows(xp, canvas, kernel, stride, (1,) * ndim, out_spatial)
            flat = windows.reshape(data.shape[:2] + out_spatial + (-1,))
            # argmax picks the first maximum, so ties send the gradient to one cell only
            first = flat.argmax(axis=-1)[..., None] == xp.arange(flat.shape[-1])
            window_grads = (first * out_grad[..., None]).reshape(window_shape)
        elif pool_type == "sum":
            window_grads = xp.broadcast_to(out_grad[spread], window_shape)
        elif pool_type == "avg":
            divisor = _avg_divisor(xp, data, geometry, out_spatial, count_include_pad)
            window_grads = xp.broadcast_to((out_grad / divisor)[spread], window_shape)
        else:
            # d (sum x^p)^(1/p) / dx = (x / y) ** (p - 1)
            canvas = _pad(xp, data, pad, after, 0)
            windows = _windows(xp, canvas, kernel, stride, (1,) * ndim, out_spatial)
            window_grads = out_grad[spread] * (windows / out[spread]) ** (p_value - 1)
        padded = tuple(b + n + a for b, n, a in zip(pad, data.shape[2:], after))
        canvas = xp.zeros(data.shape[:2] + padded, dtype=out_grad.dtype)
        _add_windows(canvas, window_grads, stride, (1,) * ndim)
        return [_crop(canvas, pad, data.shape[2:])]


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
            raise shape_error(op, f"kernel={kernel} is larger than the padded input: data "
                                  f"{tuple(data)} with pad={pad}; use a smaller kernel")
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
