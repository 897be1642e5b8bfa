"""Convolution, pooling and padding layers: thin wrappers of the ``Convolution``,
``Deconvolution``, ``Pooling`` and ``pad`` registry ops.

A convolution layer owns ``weight`` and ``bias``. With ``in_channels=0`` the weight
shape has a 0 that the first call completes through the op's ``infer_shape``::

    Conv2D(6, kernel_size=5)  ->  weight (6, 0, 5, 5)  --first call, x (N, 1, 28, 28)-->
                                  weight (6, 1, 5, 5)
"""
from ..hybrid_block import HybridBlock, complete_shapes
from .activations import Activation

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
           "Conv3DTranspose", "ReflectionPad2D", "MaxPool1D", "MaxPool2D", "MaxPool3D",
           "AvgPool1D", "AvgPool2D", "AvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D",
           "GlobalMaxPool3D", "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D"]


def _tuple(value, length):
    """``3`` -> ``(3, 3)`` for a 2-D layer; tuples pass through."""
    if isinstance(value, int):
        return (value,) * length
    return tuple(value)


class _Conv(HybridBlock):
    """Shared by every convolution layer (``op_name`` is 'Convolution' or
    'Deconvolution')."""

    def __init__(self, channels, kernel_size, strides, padding, dilation, groups,
                 layout,
                 in_channels=0, activation=None, use_bias=True, weight_initializer=None,
                 bias_initializer="zeros", op_name="Convolution", adj=None, prefix=None,
                 params=None):
        super().__init__(prefix=prefix, params=params)
        with self.name_scope():
            ndim = len(kernel_size)
            self._channels = channels
            self._in_channels = in_channels
            self._op_name = op_name
            self._kwargs = {"kernel": kernel_size, "stride": _tuple(strides, ndim),
                            "dilate": _tuple(dilation, ndim),
                            "pad": _tuple(padding, ndim),
                            "num_filter": channels, "num_group": groups,
                            "no_bias": not use_bias, "layout": layout}
            if adj is not None:
                self._kwargs["adj"] = adj
            self.weight = self.params.get("weight", shape=self._weight_shape(),
                                          init=weight_initializer,
                                          allow_deferred_init=True)
            self.bias = None
            if use_bias:
                self.bias = self.params.get("bias", shape=(channels,),
                                            init=bias_initializer,
                                            allow_deferred_init=True)
            self.act = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + "_")

    def _weight_shape(self):
        """Weight shape with 0 for an unknown input-channel count.

        Convolution: (channels, in_channels / groups, *kernel) (kernel first, channels
        last for the N...C layouts); Deconvolution: (in_channels, channels / groups,
        *kernel).
        """
        groups = self._kwargs["num_group"]
        kernel = tuple(self._kwargs["kernel"])
        if self._op_name == "Deconvolution":
            return (self._in_channels, self._channels // groups) + kernel
        in_per_group = self._in_channels // groups
        if self._kwargs["layout"].endswith("C"):
            return (self._channels,) + kernel + (in_per_group,)
        return (self._channels, in_per_group) + kernel

    def _alias(self):
        return "conv"

    def infer_shape(self, x, *args):
        inputs = [x, self.weight] + ([self.bias] if self.bias is not None else [])
        complete_shapes(self._op_name, inputs, **self._kwargs)

    def hybrid_forward(self, F, x, weight, bias=None):
        op = getattr(F, self._op_name)
        inputs = [x, weight] if bias is None else [x, weight, bias]
        out = op(*inputs, name="fwd", **self._kwargs)
        if self.act is not None:
            out = self.act(out)
        return out

    def __repr__(self):
        kwargs = self._kwargs
        ndim = len(kwargs["kernel"])
        text = f"kernel_size={kwargs['kernel']}, stride={kwargs['stride']}"
        if kwargs["pad"] != (0,) * ndim:
            text += f", padding={kwargs['pad']}"
        if kwargs["dilate"] != (1,) * ndim:
            text += f", dilation={kwargs['dilate']}"
        # MXNet quirk kept: output_padding is never shown (MXNet's repr looks for an
        # attribute ``out_pad`` that the transposed layers never set)
        if kwargs["num_group"] != 1:
            text += f", groups={kwargs['num_group']}"
        if self.bias is None:
            text += ", bias=False"
        if self.act:
            text += f", {self.act}"
        shape = self.weight.shape
        mapping = f"{shape[1] if shape[1] else None} -> {shape[0]}"
        return f"{type(self).__name__}({mapping}, {text})"


class Conv1D(_Conv):
    """1-D convolution over ``(N, C, W)`` (op ``Convolution``).

    Parameters: channels, kernel_size, strides, padding, dilation, groups, layout,
    activation, use_bias, weight_initializer, bias_initializer, in_channels (0 = infer
    at the first call).
    """

    def __init__(self, channels, kernel_size, strides=1, padding=0, dilation=1,
                 groups=1,
                 layout="NCW", activation=None, use_bias=True, weight_initializer=None,
                 bias_initializer="zeros", in_channels=0, **kwargs):
        super().__init__(channels, _tuple(kernel_size, 1), strides, padding, dilation,
                         groups, layout, in_channels, activation, use_bias,
                         weight_initializer, bias_initializer, **kwargs)


class Conv2D(_Conv):
    """2-D convolution over ``(N, C, H, W)`` (op ``Convolution``).

    Example
    -------
    >>> conv = mx.gluon.nn.Conv2D(channels=6, kernel_size=5, activation='sigmoid')
    """

    def __init__(self, channels, kernel_size, strides=(1, 1), padding=(0, 0),
                 dilation=(1, 1), groups=1, layout="NCHW", activation=None,
                 use_bias=True,
                 weight_initializer=None, bias_initializer="zeros", in_channels=0,
                 **kwargs):
        super().__init__(channels, _tuple(kernel_size, 2), strides, padding, dilation,
                         groups, layout, in_channels, activation, use_bias,
                         weight_initializer, bias_initializer, **kwargs)


class Conv3D(_Conv):
    """3-D convolution over ``(N, C, D, H, W)`` (op ``Convolution``)."""

    def __init__(self, channels, kernel_size, strides=(1, 1, 1), padding=(0, 0, 0),
                 dilation=(1, 1, 1), groups=1, layout="NCDHW", activation=None,
                 use_bias=True, weight_initializer=None, bias_initializer="zeros",
                 in_channels=0, **kwargs):
        super().__init__(channels, _tuple(kernel_size, 3), strides, padding, dilation,
                         groups, layout, in_channels, activation, use_bias,
                         weight_initializer, bias_initializer, **kwargs)


class Conv1DTranspose(_Conv):
    """1-D transposed convolution (op ``Deconvolution``)."""

    def __init__(self, channels, kernel_size, strides=1, padding=0, output_padding=0,
                 dilation=1, groups=1, layout="NCW", activation=None, use_bias=True,
                 weight_initializer=None, bias_initializer="zeros", in_channels=0,
                 **kwargs):
        self.outpad = _tuple(output_padding, 1)
        super().__init__(channels, _tuple(kernel_size, 1), strides, padding, dilation,
                         groups, layout, in_channels, activation, use_bias,
                         weight_initializer, bias_initializer, op_name="Deconvolution",
                         adj=self.outpad, **kwargs)


class Conv2DTranspose(_Conv):
    """2-D transposed convolution (op ``Deconvolution``): the gradient of a
    convolution, used to upsample.

    MXNet quirk kept: its repr prints ``in -> out`` from the weight's first two axes,
    which for a transposed convolution are (in_channels, channels).
    """

    def __init__(self, channels, kernel_size, strides=(1, 1), padding=(0, 0),
                 output_padding=(0, 0), dilation=(1, 1), groups=1, layout="NCHW",
                 activation=None, use_bias=True, weight_initializer=None,
                 bias_initializer="zeros", in_channels=0, **kwargs):
        self.outpad = _tuple(output_padding, 2)
        super().__init__(channels, _tuple(kernel_size, 2), strides, padding, dilation,
                         groups, layout, in_channels, activation, use_bias,
                         weight_initializer, bias_initializer, op_name="Deconvolution",
                         adj=self.outpad, **kwargs)


class Conv3DTranspose(_Conv):
    """3-D transposed convolution (op ``Deconvolution``), e.g. to upsample volumes.

    Layouts 'NCDHW' and 'NDHWC'; ``output_padding`` adds to one side of each output
    dimension (the op's ``adj``).
    """

    def __init__(self, channels, kernel_size, strides=(1, 1, 1), padding=(0, 0, 0),
                 output_padding=(0, 0, 0), dilation=(1, 1, 1), groups=1,
                 layout="NCDHW", activation=None, use_bias=True,
                 weight_initializer=None, bias_initializer="zeros", in_channels=0,
                 **kwargs):
        if layout not in ("NCDHW", "NDHWC"):
            raise ValueError(f"Conv3DTranspose: only layouts 'NCDHW' and 'NDHWC' are "
                             f"supported, got {layout!r}")
        self.outpad = _tuple(output_padding, 3)
        super().__init__(channels, _tuple(kernel_size, 3), strides, padding, dilation,
                         groups, layout, in_channels, activation, use_bias,
                         weight_initializer, bias_initializer, op_name="Deconvolution",
                         adj=self.outpad, **kwargs)


class ReflectionPad2D(HybridBlock):
    """Pad the last two axes of an (N, C, H, W) input with its mirror image
    (op ``pad``, ``mode='reflect'``): ``[1, 2, 3]`` padded by 2 is
    ``[3, 2, 1, 2, 3, 2, 1]``.

    Parameters
    ----------
    padding : int or tuple of 8 ints
        An int pads H and W by that much on both sides; a tuple is the op's
        ``pad_width`` (before/after per axis, N and C first, which must be 0).

    Example
    -------
    >>> mx.gluon.nn.ReflectionPad2D(3)(mx.nd.ones((1, 3, 8, 8))).shape
    (1, 3, 14, 14)
    """

    def __init__(self, padding=0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, int):
            padding = (0, 0, 0, 0, padding, padding, padding, padding)
        if len(padding) != 8:
            raise ValueError(f"ReflectionPad2D: padding must be an int or 8 ints "
                             f"(pad_width of a 4-D input), got {padding!r}")
        self._padding = tuple(padding)

    def hybrid_forward(self, F, x):
        return F.pad(x, mode="reflect", pad_width=self._padding)


class _Pooling(HybridBlock):
    """Shared by every pooling layer (op ``Pooling``)."""

    def __init__(self, pool_size, strides, padding, ceil_mode, global_pool, pool_type,
                 layout, count_include_pad=None, **kwargs):
        super().__init__(**kwargs)
        if strides is None:
            strides = pool_size
        self._kwargs = {"kernel": pool_size, "stride": _tuple(strides, len(pool_size)),
                        "pad": _tuple(padding, len(pool_size)),
                        "global_pool": global_pool,
                        "pool_type": pool_type, "layout": layout,
                        "pooling_convention": "full" if ceil_mode else "valid"}
        if count_include_pad is not None:
            self._kwargs["count_include_pad"] = count_include_pad

    def _alias(self):
        return "pool"

    def hybrid_forward(self, F, x):
        return F.Pooling(x, name="fwd", **self._kwargs)

    def __repr__(self):
        kwargs = self._kwargs
        return (f"{type(self).__name__}(size={kwargs['kernel']}, "
                f"stride={kwargs['stride']}, padding={kwargs['pad']}, "
                f"ceil_mode={kwargs['pooling_convention'] == 'full'}, "
                f"global_pool={kwargs['global_pool']}, "
                f"pool_type={kwargs['pool_type']}, layout={kwargs['layout']})")


class MaxPool1D(_Pooling):
    """Max over windows of ``pool_size`` along W (stride defaults to pool_size)."""

    def __init__(self, pool_size=2, strides=None, padding=0, layout="NCW",
                 ceil_mode=False, **kwargs):
        super().__init__(_tuple(pool_size, 1), strides, padding, ceil_mode, False,
                         "max", layout, **kwargs)


class MaxPool2D(_Pooling):
    """Max over ``pool_size`` windows of H and W (stride defaults to pool_size)."""

    def __init__(self, pool_size=(2, 2), strides=None, padding=0, layout="NCHW",
                 ceil_mode=False, **kwargs):
        super().__init__(_tuple(pool_size, 2), strides, padding, ceil_mode, False,
                         "max", layout, **kwargs)


class MaxPool3D(_Pooling):
    """Max over ``pool_size`` windows of D, H and W."""

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding=0, layout="NCDHW",
                 ceil_mode=False, **kwargs):
        super().__init__(_tuple(pool_size, 3), strides, padding, ceil_mode, False,
                         "max", layout, **kwargs)


class AvgPool1D(_Pooling):
    """Mean over windows along W; ``count_include_pad`` counts padded cells."""

    def __init__(self, pool_size=2, strides=None, padding=0, layout="NCW",
                 ceil_mode=False, count_include_pad=True, **kwargs):
        super().__init__(_tuple(pool_size, 1), strides, padding, ceil_mode, False,
                         "avg", layout, count_include_pad, **kwargs)


class AvgPool2D(_Pooling):
    """Mean over ``pool_size`` windows of H and W."""

    def __init__(self, pool_size=(2, 2), strides=None, padding=0, ceil_mode=False,
                 layout="NCHW", count_include_pad=True, **kwargs):
        super().__init__(_tuple(pool_size, 2), strides, padding, ceil_mode, False,
                         "avg", layout, count_include_pad, **kwargs)


class AvgPool3D(_Pooling):
    """Mean over ``pool_size`` windows of D, H and W."""

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding=0, ceil_mode=False,
                 layout="NCDHW", count_include_pad=True, **kwargs):
        super().__init__(_tuple(pool_size, 3), strides, padding, ceil_mode, False,
                         "avg", layout, count_include_pad, **kwargs)


class GlobalMaxPool1D(_Pooling):
    """Max over the whole W axis: ``(N, C, W)`` -> ``(N, C, 1)``."""

    def __init__(self, layout="NCW", **kwargs):
        super().__init__((1,), None, 0, True, True, "max", layout, **kwargs)


class GlobalMaxPool2D(_Pooling):
    """Max over H and W: ``(N, C, H, W)`` -> ``(N, C, 1, 1)``."""

    def __init__(self, layout="NCHW", **kwargs):
        super().__init__((1, 1), None, 0, True, True, "max", layout, **kwargs)


class GlobalMaxPool3D(_Pooling):
    """Max over D, H and W."""

    def __init__(self, layout="NCDHW", **kwargs):
        super().__init__((1, 1, 1), None, 0, True, True, "max", layout, **kwargs)


class GlobalAvgPool1D(_Pooling):
    """Mean over the whole W axis."""

    def __init__(self, layout="NCW", **kwargs):
        super().__init__((1,), None, 0, True, True, "avg", layout, **kwargs)


class GlobalAvgPool2D(_Pooling):
    """Mean over H and W: ``(N, C, H, W)`` -> ``(N, C, 1, 1)``."""

    def __init__(self, layout="NCHW", **kwargs):
        super().__init__((1, 1), None, 0, True, True, "avg", layout, **kwargs)


class GlobalAvgPool3D(_Pooling):
    """Mean over D, H and W."""

    def __init__(self, layout="NCDHW", **kwargs):
        super().__init__((1, 1, 1), None, 0, True, True, "avg", layout, **kwargs)
