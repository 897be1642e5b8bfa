"""MobileNet (Howard et al. 2017) and MobileNetV2 (Sandler et al. 2018).

Both replace a full 3x3 convolution by a *depthwise* 3x3 convolution (``groups`` equal
to the channel count: each channel filtered on its own) followed by a *pointwise* 1x1
convolution that mixes channels: about 8x less computation.

MobileNet: a 3x3 convolution, then 13 depthwise/pointwise pairs (BatchNorm and ReLU
after each convolution), global average pooling, Flatten, Dense.

MobileNetV2 stacks *linear bottlenecks*: expand ``t`` times with a 1x1 convolution,
filter depthwise, project back with a 1x1 convolution and no activation (a ReLU there
would destroy information in the narrow output); the input is added back when the
shape allows::

    x --> 1x1 (x t) BN relu6 --> dw 3x3 BN relu6 --> 1x1 BN --(+ x if same shape)-->

``multiplier`` scales every layer's width (``mobilenet0.25`` is a quarter as wide).
"""
from ....context import cpu
from ...hybrid_block import HybridBlock
from ... import nn
from ..model_store import _default_root, get_model_file

__all__ = ["MobileNet", "MobileNetV2", "mobilenet1_0", "mobilenet_v2_1_0",
           "mobilenet0_75", "mobilenet_v2_0_75", "mobilenet0_5", "mobilenet_v2_0_5",
           "mobilenet0_25", "mobilenet_v2_0_25", "get_mobilenet", "get_mobilenet_v2"]


class RELU6(HybridBlock):
    """``min(max(x, 0), 6)``: a ReLU capped at 6 (robust in low precision)."""

    def hybrid_forward(self, F, x):
        return F.clip(x, 0, 6)


def _add_conv(out, channels=1, kernel=1, stride=1, pad=0, num_group=1, active=True,
              relu6=False):
    """Convolution (no bias), BatchNorm and, if ``active``, ReLU or ReLU6."""
    out.add(nn.Conv2D(channels, kernel, stride, pad, groups=num_group, use_bias=False))
    out.add(nn.BatchNorm(scale=True))
    if active:
        out.add(RELU6() if relu6 else nn.Activation("relu"))


def _add_conv_dw(out, dw_channels, channels, stride, relu6=False):
    """Depthwise 3x3 convolution, then pointwise 1x1 convolution to ``channels``."""
    _add_conv(out, channels=dw_channels, kernel=3, stride=stride, pad=1,
              num_group=dw_channels, relu6=relu6)
    _add_conv(out, channels=channels, relu6=relu6)


class LinearBottleneck(HybridBlock):
    """MobileNetV2's block: expand 1x1, depthwise 3x3, project 1x1 (linear).

    Parameters
    ----------
    in_channels : int
        Input channels.
    channels : int
        Output channels.
    t : int
        Expansion factor (the middle layers have ``in_channels * t`` channels).
    stride : int
        Stride of the depthwise convolution.
    """

    def __init__(self, in_channels, channels, t, stride, **kwargs):
        super().__init__(**kwargs)
        self.use_shortcut = stride == 1 and in_channels == channels
        with self.name_scope():
            self.out = nn.HybridSequential(prefix="")
            _add_conv(self.out, in_channels * t, relu6=True)
            _add_conv(self.out, in_channels * t, kernel=3, stride=stride, pad=1,
                      num_group=in_channels * t, relu6=True)
            _add_conv(self.out, channels, active=False, relu6=True)

    def hybrid_forward(self, F, x):
        out = self.out(x)
        if self.use_shortcut:
            out = F.elemwise_add(out, x)
        return out


class MobileNet(HybridBlock):
    """MobileNet.

    Parameters
    ----------
    multiplier : float, default 1.0
        Width multiplier of every layer.
    classes : int, default 1000
        Number of classes.

    Example
    -------
    >>> net = MobileNet(0.25, classes=10)
    """

    def __init__(self, multiplier=1.0, classes=1000, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            _add_conv(self.features, channels=int(32 * multiplier), kernel=3, pad=1,
                      stride=2)
            dw_channels = [int(x * multiplier) for x in
                           [32, 64] + [128] * 2 + [256] * 2 + [512] * 6 + [1024]]
            channels = [int(x * multiplier) for x in
                        [64] + [128] * 2 + [256] * 2 + [512] * 6 + [1024] * 2]
            strides = [1, 2] * 3 + [1] * 5 + [2, 1]
            for dw_channel, channel, stride in zip(dw_channels, channels, strides):
                _add_conv_dw(self.features, dw_channels=dw_channel, channels=channel,
                             stride=stride)
            self.features.add(nn.GlobalAvgPool2D())
            self.features.add(nn.Flatten())
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        x = self.features(x)
        return self.output(x)


class MobileNetV2(HybridBlock):
    """MobileNetV2: a 3x3 convolution, 17 linear bottlenecks, a 1x1 convolution to
    1280 channels (more if ``multiplier > 1``), global average pooling, and a 1x1
    convolution ``output_pred`` as the classifier.

    Parameters as in ``MobileNet``.
    """

    def __init__(self, multiplier=1.0, classes=1000, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="features_")
            with self.features.name_scope():
                _add_conv(self.features, int(32 * multiplier), kernel=3, stride=2,
                          pad=1, relu6=True)
                in_channels_group = [int(x * multiplier) for x in [32] + [16] + [24] * 2
                                     + [32] * 3 + [64] * 4 + [96] * 3 + [160] * 3]
                channels_group = [int(x * multiplier) for x in [16] + [24] * 2
                                  + [32] * 3 + [64] * 4 + [96] * 3 + [160] * 3 + [320]]
                expansions = [1] + [6] * 16
                strides = [1, 2] * 2 + [1, 1, 2] + [1] * 6 + [2] + [1] * 3
                for in_channels, channels, t, stride in zip(
                        in_channels_group, channels_group, expansions, strides):
                    self.features.add(LinearBottleneck(in_channels=in_channels,
                                                       channels=channels, t=t,
                                                       stride=stride))
                last_channels = int(1280 * multiplier) if multiplier > 1.0 else 1280
                _add_conv(self.features, last_channels, relu6=True)
                self.features.add(nn.GlobalAvgPool2D())
            self.output = nn.HybridSequential(prefix="output_")
            with self.output.name_scope():
                self.output.add(nn.Conv2D(classes, 1, use_bias=False, prefix="pred_"),
                                nn.Flatten())

    def hybrid_forward(self, F, x):
        x = self.features(x)
        return self.output(x)


def _version_suffix(multiplier):
    """MXNet's store names: 1.0 -> '1.0', 0.5 -> '0.5', 0.75 -> '0.75'."""
    suffix = f"{multiplier:.2f}"
    if suffix in ("1.00", "0.50"):
        suffix = suffix[:-1]
    return suffix


def get_mobilenet(multiplier, pretrained=False, ctx=cpu(), root=_default_root(),
                  **kwargs):
    """MobileNet of width ``multiplier``; ``pretrained`` loads
    ``mobilenet<multiplier>`` weights from ``root`` (dlkit never downloads)."""
    net = MobileNet(multiplier, **kwargs)
    if pretrained:
        name = "mobilenet" + _version_suffix(multiplier)
        net.load_parameters(get_model_file(name, root=root), ctx=ctx)
    return net


def get_mobilenet_v2(multiplier, pretrained=False, ctx=cpu(), root=_default_root(),
                     **kwargs):
    """MobileNetV2 of width ``multiplier``; ``pretrained`` loads
    ``mobilenetv2_<multiplier>`` weights from ``root`` (dlkit never downloads)."""
    net = MobileNetV2(multiplier, **kwargs)
    if pretrained:
        name = "mobilenetv2_" + _version_suffix(multiplier)
        net.load_parameters(get_model_file(name, root=root), ctx=ctx)
    return net


def mobilenet1_0(**kwargs):
    """MobileNet, width 1.0; arguments as in ``get_mobilenet``."""
    return get_mobilenet(1.0, **kwargs)


def mobilenet_v2_1_0(**kwargs):
    """MobileNetV2, width 1.0; arguments as in ``get_mobilenet_v2``."""
    return get_mobilenet_v2(1.0, **kwargs)


def mobilenet0_75(**kwargs):
    """MobileNet, width 0.75."""
    return get_mobilenet(0.75, **kwargs)


def mobilenet_v2_0_75(**kwargs):
    """MobileNetV2, width 0.75."""
    return get_mobilenet_v2(0.75, **kwargs)


def mobilenet0_5(**kwargs):
    """MobileNet, width 0.5."""
    return get_mobilenet(0.5, **kwargs)


def mobilenet_v2_0_5(**kwargs):
    """MobileNetV2, width 0.5."""
    return get_mobilenet_v2(0.5, **kwargs)


def mobilenet0_25(**kwargs):
    """MobileNet, width 0.25."""
    return get_mobilenet(0.25, **kwargs)


def mobilenet_v2_0_25(**kwargs):
    """MobileNetV2, width 0.25."""
    return get_mobilenet_v2(0.25, **kwargs)
