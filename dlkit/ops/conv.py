"""Dense and convolution layers: ``FullyConnected``, ``Convolution``, ``Deconvolution``
(and the legacy ``Convolution_v1``). ``im2col``/``col2im`` as operators are in
``im2col_ops.py``.

``FullyConnected`` is one matrix product, ``data @ weight.T + bias``. Convolution is
computed the way fast CPU libraries do it, as matrix products too: every window of the
input is copied into a column ("im2col") and one GEMM per sample multiplies the filters
with the columns; its backward pass is the same picture read backwards. That machinery
(and the choice of how the columns lie in memory) is in ``im2col.py``; this module has
the operators: their attributes, shape inference and which GEMMs they ask for.

``Deconvolution`` *is* the data gradient of a convolution, and its gradient is a
convolution, so it reuses the same three helpers. ``Pooling`` (in ``pooling.py``) reads
the same windows (``windows.py``) and reduces them.
"""

import math

from .im2col import (_add_bias, _bias_grad, _column_layout, _conv_data_grad,
                     _conv_forward, _conv_weight_grad)
from .registry import (Bool, Choice, Example, Int, Op, Shape, known, merge_shape,
                       register_op, shape_error)
from .windows import _check_data, _check_layout, _full, _geometry, _out_columns

CUDNN_TUNE = Choice(None, "fastest", "limited_workspace", "off")
CONV_LAYOUT = Choice(None, "NCW", "NCHW", "NCDHW", "NHWC", "NDHWC")


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


def _wanted(needs_grad, index):
    """Whether input ``index`` needs a gradient (all do when nobody said otherwise)."""
    return needs_grad is None or needs_grad[index]


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
    skips_unneeded_grads = True
    writes_grads_into = True     # the weight and bias gradients (see backward)
    examples = [
        Example(shapes=[(2, 3), (4, 3), (4,)], attrs={"num_hidden": 4}),
        Example(shapes=[(2, 2, 3), (4, 6)], attrs={"num_hidden": 4, "no_bias": True}),
        Example(
            shapes=[(2, 2, 3), (4, 3), (4,)], attrs={"num_hidden": 4, "flatten": False}
        ),
    ]

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

    def infer_shape_from_outputs(self, in_shapes, out_shapes, *, num_hidden, no_bias,
                                 flatten):
        """The data's leading dimensions are the output's (all but the last)."""
        data, out = in_shapes[0], out_shapes[0]
        if data is None or out is None or known(data):
            return in_shapes
        leading = 1 if flatten else len(out) - 1
        if len(data) < leading:
            return in_shapes
        completed = tuple(dim if dim is not None or index >= leading else out[index]
                          for index, dim in enumerate(data))
        return [completed] + list(in_shapes[1:])

    def forward(self, xp, data, weight, bias=None, *, num_hidden: Int,
                no_bias: Bool = False, flatten: Bool = True):
        if flatten:
            data = data.reshape(data.shape[0], -1)
        out = xp.matmul(data, weight.T)
        if bias is not None:
            out += bias   # in place: out is a fresh array, no second (rows, units) one
        return out

    def backward(self, xp, inputs, outputs, out_grads, *, num_hidden, no_bias, flatten,
                 needs_grad=None, grad_into=None):
        data, weight = inputs[0], inputs[1]
        # every leading axis is just more rows of one (rows, in_units) matrix product
        rows = data.reshape(-1, weight.shape[1])
        out_grad = out_grads[0].reshape(-1, num_hidden)
        data_grad = None
        if _wanted(needs_grad, 0):
            data_grad = xp.matmul(out_grad, weight).reshape(data.shape)
        # out=None makes a new array; given a parameter's gradient array (grad_into),
        # the GEMM writes straight into it and nothing is copied afterwards
        into = grad_into or (None, None, None)
        grads = [data_grad, xp.matmul(out_grad.T, rows, out=into[1])]
        if not no_bias:
            grads.append(out_grad.sum(axis=0, out=into[2]))
        return grads


@register_op
class Convolution(_WithBias):
    """N-D convolution (1-D ``NCW``, 2-D ``NCHW``, 3-D ``NCDHW``), as GEMMs (im2col).

    ``weight`` has shape ``(num_filter, channels / num_group, *kernel)``; each output
    spatial size is ``(size + 2 * pad - dilate * (kernel - 1) - 1) // stride + 1``.
    ``workspace``, ``cudnn_tune`` and ``cudnn_off`` are accepted for compatibility and
    ignored. Differs from MXNet: only channel-first layouts.
    """
    name = "Convolution"
    skips_unneeded_grads = True
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

    def infer_shape(self, in_shapes, *, kernel, stride, dilate, pad, num_filter,
                    num_group, workspace, no_bias, cudnn_tune, cudnn_off, layout):
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
                dilate: Shape = (), pad: Shape = (), num_filter: Int,
                num_group: Int = 1, workspace: Int = 1024, no_bias: Bool = False,
                cudnn_tune: CUDNN_TUNE = None, cudnn_off: Bool = False,
                layout: CONV_LAYOUT = None):
        geometry = _geometry(self, kernel, stride, dilate, pad)
        out_spatial = _conv_out_spatial(self, data.shape, geometry)
        layout = _column_layout(data.shape[1], num_filter, num_group, geometry,
                                col2im=False)
        return _conv_forward(xp, data, weight, bias, num_group, geometry, out_spatial,
                             layout)

    def backward(self, xp, inputs, outputs, out_grads, *, kernel, stride, dilate, pad,
                 num_group, no_bias, needs_grad=None, **ignored):
        data, weight = inputs[0], inputs[1]
        geometry = _geometry(self, kernel, stride, dilate, pad)
        out_grad = out_grads[0]
        layout = _column_layout(data.shape[1], weight.shape[0], num_group, geometry,
                                col2im=_wanted(needs_grad, 0))
        # both GEMMs read the output gradient in the column layout: build it once
        columns = _out_columns(xp, out_grad, num_group, geometry, data.shape[2:],
                               layout)
        data_grad = None
        if _wanted(needs_grad, 0):   # a first layer's images need no gradient
            data_grad = _conv_data_grad(xp, columns, weight, data.shape, num_group,
                                        geometry, out_grad.shape[2:], layout)
        grads = [data_grad,
                 _conv_weight_grad(xp, data, columns, weight.shape, num_group, geometry,
                                   out_grad.shape[2:], layout)]
        if not no_bias:
            grads.append(_bias_grad(xp, out_grad))
        return grads


@register_op
class ConvolutionV1(Convolution):
    """The deprecated first ``Convolution``, kept for old model files: the same
    attributes, numbers and code, for 2-D kernels on ``NCHW`` data only (MXNet
    1.9.1's ``Convolution_v1`` rejects 1-D kernels and fails on 3-D ones).

    Differs from MXNet: MXNet 1.9.1's data gradient is wrong when ``stride`` and
    ``dilate`` are both above 1 on an axis; dlkit's is ``Convolution``'s, the true one.
    """
    name = "Convolution_v1"
    examples = Convolution.examples[:2]

    def infer_shape(self, in_shapes, *, kernel, **attrs):
        if len(kernel) != 2:
            raise shape_error(self, f"kernel={kernel}: Convolution_v1 has 2-D kernels "
                                    "(height, width) only; use Convolution for 1-D or "
                                    "3-D")
        return super().infer_shape(in_shapes, kernel=kernel, **attrs)

    def forward(self, xp, data, weight, bias=None, *, kernel: Shape, stride: Shape = (),
                dilate: Shape = (), pad: Shape = (), num_filter: Int,
                num_group: Int = 1, workspace: Int = 1024, no_bias: Bool = False,
                cudnn_tune: CUDNN_TUNE = None, cudnn_off: Bool = False,
                layout: Choice(None, "NCDHW", "NCHW", "NDHWC", "NHWC") = None):
        return super().forward(xp, data, weight, bias, kernel=kernel, stride=stride,
                               dilate=dilate, pad=pad, num_filter=num_filter,
                               num_group=num_group, no_bias=no_bias, layout=layout)


def _conv_out_spatial(op, data, geometry):
    """Output size per spatial axis (``None`` where the data size is unknown)."""
    out = []
    for size, k, s, d, p in zip(data[2:], *geometry):
        span = d * (k - 1) + 1
        if size is not None and size + 2 * p < span:
            raise shape_error(
                op,
                f"kernel={geometry[0]} (dilated extent {span}) is larger "
                f"than the padded input: data {tuple(data)} with "
                f"pad={geometry[3]}; use a smaller kernel or more pad",
            )
        out.append(None if size is None else (size + 2 * p - span) // s + 1)
    return tuple(out)


@register_op
class Deconvolution(_WithBias):
    """Transposed convolution: the data gradient of ``Convolution``, used to upsample.

    ``weight`` has shape ``(channels, num_filter / num_group, *kernel)``; each output
    size is ``stride * (size - 1) + dilate * (kernel - 1) + 1 - 2 * pad + adj``. With
    ``target_shape`` MXNet ignores ``pad``/``adj`` and derives them from the target.
    Note MXNet's default ``no_bias=True`` here (Convolution's is False).
    """
    name = "Deconvolution"
    examples = [
        Example(
            shapes=[(2, 3, 3, 3), (3, 2, 3, 3)],
            attrs={"kernel": (3, 3), "num_filter": 2},
        ),
        Example(
            shapes=[(1, 4, 3, 2), (4, 3, 2, 3), (6,)],
            attrs={
                "kernel": (2, 3),
                "num_filter": 6,
                "stride": (2, 2),
                "pad": (1, 0),
                "adj": (1, 1),
                "num_group": 2,
                "no_bias": False,
            },
        ),
        Example(
            shapes=[(2, 2, 4), (2, 3, 3)],
            attrs={
                "kernel": (3,),
                "num_filter": 3,
                "stride": (2,),
                "dilate": (2,),
                "target_shape": (10,),
            },
        ),
    ]

    def infer_shape(self, in_shapes, *, kernel, stride, dilate, pad, adj, target_shape,
                    num_filter, num_group, workspace, no_bias, cudnn_tune, cudnn_off,
                    layout):
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
            _, out_spatial = _deconv_geometry(
                self, data, kernel, stride, dilate, pad, adj, target_shape
            )
            out = (data[0], num_filter) + out_spatial
        return shapes, [out]

    def forward(self, xp, data, weight, bias=None, *, kernel: Shape, stride: Shape = (),
                dilate: Shape = (), pad: Shape = (), adj: Shape = (),
                target_shape: Shape = (), num_filter: Int, num_group: Int = 1,
                workspace: Int = 512, no_bias: Bool = True,
                cudnn_tune: CUDNN_TUNE = None, cudnn_off: Bool = False,
                layout: CONV_LAYOUT = None):
        geometry, out_spatial = _deconv_geometry(
            self, data.shape, kernel, stride, dilate, pad, adj, target_shape
        )
        out_shape = (data.shape[0], num_filter) + out_spatial
        # our output plays the convolution's input, our data the convolution's output
        layout = _column_layout(num_filter, data.shape[1], num_group, geometry,
                                col2im=True)
        columns = _out_columns(xp, data, num_group, geometry, out_spatial, layout)
        out = _conv_data_grad(xp, columns, weight, out_shape, num_group, geometry,
                              data.shape[2:], layout)
        return _add_bias(out, bias)

    def backward(self, xp, inputs, outputs, out_grads, *, kernel, stride, dilate, pad,
                 adj, target_shape, num_group, no_bias, **ignored):
        data, weight = inputs[0], inputs[1]
        geometry, _ = _deconv_geometry(
            self, data.shape, kernel, stride, dilate, pad, adj, target_shape
        )
        out_grad = out_grads[0]
        # the gradient of "convolution's data gradient" is the convolution itself, whose
        # data is our output gradient and whose filters are our data's channels
        channels, filters = out_grad.shape[1], data.shape[1]
        layout = _column_layout(channels, filters, num_group, geometry, col2im=False)
        columns = _out_columns(xp, data, num_group, geometry, out_grad.shape[2:],
                               layout)
        grads = [_conv_forward(xp, out_grad, weight, None, num_group, geometry,
                               data.shape[2:], layout),
                 _conv_weight_grad(xp, out_grad, columns, weight.shape, num_group,
                                   geometry, data.shape[2:], layout)]
        if not no_bias:
            grads.append(_bias_grad(xp, out_grad))
        return grads


def _deconv_geometry(op, data, kernel, stride, dilate, pad, adj, target_shape):
    """``((kernel, stride, dilate, pad), out_spatial)``; pad, adj as in MXNet."""
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
