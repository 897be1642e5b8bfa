"""ResNet V1 (He et al. 2015) and V2 (He et al. 2016): stacks of residual blocks.

A residual block adds its input back to what its layers computed, so each block only
learns a correction and very deep stacks still train::

    V1 (post-activation)                 V2 (pre-activation)
    x --+--> conv-BN-relu-conv-BN --+    x --> BN-relu --+--> conv-BN-relu-conv --+
        |                          (+)-> relu            |                       (+)->
        +--(downsample: conv-BN)---+                     +---(downsample: conv)---+

``BasicBlock`` has two 3x3 convolutions (ResNet-18/34); ``Bottleneck`` squeezes to
``channels // 4`` with a 1x1 convolution, works at 3x3, and expands back (50/101/152).
The network: a stem (7x7 convolution and max pooling, or one 3x3 convolution when
``thumbnail`` is set for 32x32 images), four stages named ``stage1_`` ... ``stage4_``
whose first block may change the channel count and halve the resolution, global
average pooling and a Dense classifier.

Blocks are created with ``prefix=''``: their layers take their names from the stage
(``resnetv10_stage1_conv0_weight``), exactly as in MXNet, so MXNet's ``.params`` files
load.
"""
from ....context import cpu
from ...hybrid_block import HybridBlock
from ... import nn
from ..model_store import _default_root, get_model_file

__all__ = ["ResNetV1", "ResNetV2", "BasicBlockV1", "BasicBlockV2", "BottleneckV1",
           "BottleneckV2", "resnet18_v1", "resnet34_v1", "resnet50_v1", "resnet101_v1",
           "resnet152_v1", "resnet18_v2", "resnet34_v2", "resnet50_v2", "resnet101_v2",
           "resnet152_v2", "get_resnet"]


def _conv3x3(channels, stride, in_channels):
    """3x3 convolution that keeps the resolution at stride 1 (padding 1), no bias."""
    return nn.Conv2D(channels, kernel_size=3, strides=stride, padding=1,
                     use_bias=False, in_channels=in_channels)


class _ResidualV1(HybridBlock):
    """The V1 blocks' forward: ``relu(body(x) + x)``, or ``downsample(x)`` for
    ``x``."""

    def hybrid_forward(self, F, x):
        residual = x
        x = self.body(x)
        if self.downsample is not None:
            residual = self.downsample(residual)
        return F.Activation(x + residual, act_type="relu")


def _downsample_v1(downsample, channels, stride, in_channels):
    """The V1 shortcut (1x1 convolution, no bias, then BatchNorm), or None."""
    if not downsample:
        return None
    shortcut = nn.HybridSequential(prefix="")
    shortcut.add(nn.Conv2D(channels, kernel_size=1, strides=stride, use_bias=False,
                           in_channels=in_channels))
    shortcut.add(nn.BatchNorm())
    return shortcut


class BasicBlockV1(_ResidualV1):
    """Two 3x3 convolutions with BatchNorm, plus the input; ReLU after the sum.

    Parameters
    ----------
    channels : int
        Output channels.
    stride : int
        Stride of the first convolution (2 halves the resolution).
    downsample : bool, default False
        Pass the input through a 1x1 convolution and BatchNorm before adding it (needed
        when the channels or the resolution change).
    in_channels : int, default 0
        Input channels (0: inferred at the first call).
    """

    def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self.body = nn.HybridSequential(prefix="")
        self.body.add(_conv3x3(channels, stride, in_channels))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation("relu"))
        self.body.add(_conv3x3(channels, 1, channels))
        self.body.add(nn.BatchNorm())
        self.downsample = _downsample_v1(downsample, channels, stride, in_channels)


class BottleneckV1(_ResidualV1):
    """1x1 (to ``channels // 4``), 3x3, 1x1 (back to ``channels``) convolutions with
    BatchNorm, plus the input; ReLU after the sum.

    MXNet quirk kept: the two 1x1 convolutions have a bias (the 3x3 one has none).
    Parameters as in ``BasicBlockV1``.
    """

    def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self.body = nn.HybridSequential(prefix="")
        self.body.add(nn.Conv2D(channels // 4, kernel_size=1, strides=stride))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation("relu"))
        self.body.add(_conv3x3(channels // 4, 1, channels // 4))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation("relu"))
        self.body.add(nn.Conv2D(channels, kernel_size=1, strides=1))
        self.body.add(nn.BatchNorm())
        self.downsample = _downsample_v1(downsample, channels, stride, in_channels)


class BasicBlockV2(HybridBlock):
    """Pre-activation block: BN-ReLU-conv3x3, BN-ReLU-conv3x3, plus the input.

    The downsample (a 1x1 convolution, no BatchNorm) reads the input after the first
    BN-ReLU. Parameters as in ``BasicBlockV1``.
    """

    def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self.bn1 = nn.BatchNorm()
        self.conv1 = _conv3x3(channels, stride, in_channels)
        self.bn2 = nn.BatchNorm()
        self.conv2 = _conv3x3(channels, 1, channels)
        self.downsample = None
        if downsample:
            self.downsample = nn.Conv2D(channels, 1, stride, use_bias=False,
                                        in_channels=in_channels)

    def hybrid_forward(self, F, x):
        residual = x
        x = self.bn1(x)
        x = F.Activation(x, act_type="relu")
        if self.downsample is not None:
            residual = self.downsample(x)
        x = self.conv1(x)
        x = self.bn2(x)
        x = F.Activation(x, act_type="relu")
        x = self.conv2(x)
        return x + residual


class BottleneckV2(HybridBlock):
    """Pre-activation bottleneck: BN-ReLU-conv1x1, BN-ReLU-conv3x3, BN-ReLU-conv1x1,
    plus the input (no biases). Parameters as in ``BasicBlockV1``."""

    def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self.bn1 = nn.BatchNorm()
        self.conv1 = nn.Conv2D(channels // 4, kernel_size=1, strides=1, use_bias=False)
        self.bn2 = nn.BatchNorm()
        self.conv2 = _conv3x3(channels // 4, stride, channels // 4)
        self.bn3 = nn.BatchNorm()
        self.conv3 = nn.Conv2D(channels, kernel_size=1, strides=1, use_bias=False)
        self.downsample = None
        if downsample:
            self.downsample = nn.Conv2D(channels, 1, stride, use_bias=False,
                                        in_channels=in_channels)

    def hybrid_forward(self, F, x):
        residual = x
        x = self.bn1(x)
        x = F.Activation(x, act_type="relu")
        if self.downsample is not None:
            residual = self.downsample(x)
        x = self.conv1(x)
        x = self.bn2(x)
        x = F.Activation(x, act_type="relu")
        x = self.conv2(x)
        x = self.bn3(x)
        x = F.Activation(x, act_type="relu")
        x = self.conv3(x)
        return x + residual


def _check_layers(layers, channels):
    if len(layers) != len(channels) - 1:
        raise AssertionError(f"ResNet: channels must have one entry more than layers "
                             f"(the stem's width first), got layers={layers} and "
                             f"channels={channels}")


def _make_stage(block, num_blocks, channels, stride, stage_index, in_channels):
    """One stage ``stage<i>_``: the first block changes channels/resolution."""
    stage = nn.HybridSequential(prefix=f"stage{stage_index}_")
    with stage.name_scope():
        stage.add(block(channels, stride, channels != in_channels,
                        in_channels=in_channels, prefix=""))
        for _ in range(num_blocks - 1):
            stage.add(block(channels, 1, False, in_channels=channels, prefix=""))
    return stage


class ResNetV1(HybridBlock):
    """ResNet V1: stem, stages of ``block``, global average pooling, Dense.

    Parameters
    ----------
    block : HybridBlock class
        ``BasicBlockV1`` or ``BottleneckV1``.
    layers : list of int
        Blocks per stage.
    channels : list of int
        The stem's channels, then each stage's (one entry more than ``layers``).
    classes : int, default 1000
        Number of classes.
    thumbnail : bool, default False
        Stem for small (32x32) images: one 3x3 convolution, no pooling.

    Example
    -------
    >>> net = ResNetV1(BasicBlockV1, [2, 2, 2, 2], [64, 64, 128, 256, 512])
    """

    def __init__(self, block, layers, channels, classes=1000, thumbnail=False,
                 **kwargs):
        super().__init__(**kwargs)
        _check_layers(layers, channels)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            if thumbnail:
                self.features.add(_conv3x3(channels[0], 1, 0))
            else:
                self.features.add(nn.Conv2D(channels[0], 7, 2, 3, use_bias=False))
                self.features.add(nn.BatchNorm())
                self.features.add(nn.Activation("relu"))
                self.features.add(nn.MaxPool2D(3, 2, 1))
            for i, num_blocks in enumerate(layers):
                stride = 1 if i == 0 else 2
                self.features.add(_make_stage(block, num_blocks, channels[i + 1],
                                              stride, i + 1, in_channels=channels[i]))
            self.features.add(nn.GlobalAvgPool2D())
            self.output = nn.Dense(classes, in_units=channels[-1])

    def hybrid_forward(self, F, x):
        x = self.features(x)
        return self.output(x)


class ResNetV2(HybridBlock):
    """ResNet V2: a BatchNorm on the input (no scale or shift), stem, stages of
    pre-activation blocks, BN-ReLU, global average pooling, Flatten, Dense.

    Parameters as in ``ResNetV1`` (``block``: ``BasicBlockV2`` or ``BottleneckV2``).
    """

    def __init__(self, block, layers, channels, classes=1000, thumbnail=False,
                 **kwargs):
        super().__init__(**kwargs)
        _check_layers(layers, channels)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            self.features.add(nn.BatchNorm(scale=False, center=False))
            if thumbnail:
                self.features.add(_conv3x3(channels[0], 1, 0))
            else:
                self.features.add(nn.Conv2D(channels[0], 7, 2, 3, use_bias=False))
                self.features.add(nn.BatchNorm())
                self.features.add(nn.Activation("relu"))
                self.features.add(nn.MaxPool2D(3, 2, 1))
            in_channels = channels[0]
            for i, num_blocks in enumerate(layers):
                stride = 1 if i == 0 else 2
                self.features.add(_make_stage(block, num_blocks, channels[i + 1],
                                              stride, i + 1, in_channels=in_channels))
                in_channels = channels[i + 1]
            self.features.add(nn.BatchNorm())
            self.features.add(nn.Activation("relu"))
            self.features.add(nn.GlobalAvgPool2D())
            self.features.add(nn.Flatten())
            self.output = nn.Dense(classes, in_units=in_channels)

    def hybrid_forward(self, F, x):
        x = self.features(x)
        return self.output(x)


# num_layers: (block type, blocks per stage, channels of the stem and of each stage)
resnet_spec = {18: ("basic_block", [2, 2, 2, 2], [64, 64, 128, 256, 512]),
               34: ("basic_block", [3, 4, 6, 3], [64, 64, 128, 256, 512]),
               50: ("bottle_neck", [3, 4, 6, 3], [64, 256, 512, 1024, 2048]),
               101: ("bottle_neck", [3, 4, 23, 3], [64, 256, 512, 1024, 2048]),
               152: ("bottle_neck", [3, 8, 36, 3], [64, 256, 512, 1024, 2048])}
resnet_net_versions = [ResNetV1, ResNetV2]
resnet_block_versions = [{"basic_block": BasicBlockV1, "bottle_neck": BottleneckV1},
                         {"basic_block": BasicBlockV2, "bottle_neck": BottleneckV2}]


def get_resnet(version, num_layers, pretrained=False, ctx=cpu(), root=_default_root(),
               **kwargs):
    """ResNet ``version`` (1 or 2) with ``num_layers`` (18, 34, 50, 101 or 152).

    Parameters
    ----------
    version : int
        1 (post-activation) or 2 (pre-activation).
    num_layers : int
        18, 34, 50, 101 or 152.
    pretrained : bool, default False
        Load weights from ``root`` (dlkit never downloads; see ``model_store``).
    ctx : Context, default cpu()
        Where pretrained weights are loaded.
    root : str, default '$MXNET_HOME/models'
        Folder of pretrained weight files.
    **kwargs
        Passed to the network (``classes``, ``thumbnail``, ``prefix`` ...).

    Example
    -------
    >>> net = get_resnet(1, 18, classes=10, thumbnail=True)
    """
    if num_layers not in resnet_spec:
        raise AssertionError(f"Invalid number of layers: {num_layers}. Options are "
                             f"{list(resnet_spec)}")
    if version not in (1, 2):
        raise AssertionError(f"Invalid resnet version: {version}. Options are 1 and 2.")
    block_type, layers, channels = resnet_spec[num_layers]
    net_class = resnet_net_versions[version - 1]
    block_class = resnet_block_versions[version - 1][block_type]
    net = net_class(block_class, layers, channels, **kwargs)
    if pretrained:
        net.load_parameters(get_model_file(f"resnet{num_layers}_v{version}", root=root),
                            ctx=ctx)
    return net


def resnet18_v1(**kwargs):
    """ResNet-18 V1 (basic blocks, [2, 2, 2, 2]); arguments as in ``get_resnet``."""
    return get_resnet(1, 18, **kwargs)


def resnet34_v1(**kwargs):
    """ResNet-34 V1 (basic blocks, [3, 4, 6, 3])."""
    return get_resnet(1, 34, **kwargs)


def resnet50_v1(**kwargs):
    """ResNet-50 V1 (bottlenecks, [3, 4, 6, 3])."""
    return get_resnet(1, 50, **kwargs)


def resnet101_v1(**kwargs):
    """ResNet-101 V1 (bottlenecks, [3, 4, 23, 3])."""
    return get_resnet(1, 101, **kwargs)


def resnet152_v1(**kwargs):
    """ResNet-152 V1 (bottlenecks, [3, 8, 36, 3])."""
    return get_resnet(1, 152, **kwargs)


def resnet18_v2(**kwargs):
    """ResNet-18 V2 (pre-activation basic blocks, [2, 2, 2, 2])."""
    return get_resnet(2, 18, **kwargs)


def resnet34_v2(**kwargs):
    """ResNet-34 V2 (pre-activation basic blocks, [3, 4, 6, 3])."""
    return get_resnet(2, 34, **kwargs)


def resnet50_v2(**kwargs):
    """ResNet-50 V2 (pre-activation bottlenecks, [3, 4, 6, 3])."""
    return get_resnet(2, 50, **kwargs)


def resnet101_v2(**kwargs):
    """ResNet-101 V2 (pre-activation bottlenecks, [3, 4, 23, 3])."""
    return get_resnet(2, 101, **kwargs)


def resnet152_v2(**kwargs):
    """ResNet-152 V2 (pre-activation bottlenecks, [3, 8, 36, 3])."""
    return get_resnet(2, 152, **kwargs)
