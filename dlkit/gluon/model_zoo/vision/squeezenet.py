"""SqueezeNet 1.0 and 1.1 (Iandola et al. 2016): AlexNet accuracy, 50x fewer weights.

Its unit is the *fire module*: a 1x1 "squeeze" convolution to few channels, then two
"expand" convolutions (1x1 and 3x3) side by side whose outputs are concatenated::

    x --> squeeze 1x1 + relu --+--> expand 1x1 + relu --+--> concat (channels)
                               +--> expand 3x3 + relu --+

The classifier is a 1x1 convolution to ``classes`` channels, ReLU, and a 13x13 average
pooling (so the input must be about 224x224). Version 1.1 starts with a smaller
convolution and pools earlier, for 2.4x less computation.
"""
from ....context import cpu
from ...hybrid_block import HybridBlock
from ... import nn
from ..model_store import _default_root, get_model_file
from ...contrib.nn import HybridConcurrent

__all__ = ["SqueezeNet", "squeezenet1_0", "squeezenet1_1"]


def _make_fire_conv(channels, kernel_size, padding=0):
    conv = nn.HybridSequential(prefix="")
    conv.add(nn.Conv2D(channels, kernel_size, padding=padding))
    conv.add(nn.Activation("relu"))
    return conv


def _make_fire(squeeze_channels, expand1x1_channels, expand3x3_channels):
    """A fire module; every container has ``prefix=''``, so the convolutions are
    numbered across the whole network (``squeezenet0_conv0`` ...)."""
    fire = nn.HybridSequential(prefix="")
    fire.add(_make_fire_conv(squeeze_channels, 1))
    paths = HybridConcurrent(axis=1, prefix="")
    paths.add(_make_fire_conv(expand1x1_channels, 1))
    paths.add(_make_fire_conv(expand3x3_channels, 3, 1))
    fire.add(paths)
    return fire


def _max_pool():
    return nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True)


class SqueezeNet(HybridBlock):
    """SqueezeNet.

    Parameters
    ----------
    version : str
        '1.0' or '1.1'.
    classes : int, default 1000
        Number of classes.

    Example
    -------
    >>> net = SqueezeNet('1.1', classes=10)
    """

    def __init__(self, version, classes=1000, **kwargs):
        super().__init__(**kwargs)
        if version not in ("1.0", "1.1"):
            raise AssertionError(f"Unsupported SqueezeNet version {version}:"
                                 "1.0 or 1.1 expected")
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            if version == "1.0":
                self._add_features_1_0()
            else:
                self._add_features_1_1()
            self.features.add(nn.Dropout(0.5))
            self.output = nn.HybridSequential(prefix="")
            self.output.add(nn.Conv2D(classes, kernel_size=1))
            self.output.add(nn.Activation("relu"))
            self.output.add(nn.AvgPool2D(13))
            self.output.add(nn.Flatten())

    def _add_features_1_0(self):
        add = self.features.add
        add(nn.Conv2D(96, kernel_size=7, strides=2))
        add(nn.Activation("relu"))
        add(_max_pool())
        add(_make_fire(16, 64, 64))
        add(_make_fire(16, 64, 64))
        add(_make_fire(32, 128, 128))
        add(_max_pool())
        add(_make_fire(32, 128, 128))
        add(_make_fire(48, 192, 192))
        add(_make_fire(48, 192, 192))
        add(_make_fire(64, 256, 256))
        add(_max_pool())
        add(_make_fire(64, 256, 256))

    def _add_features_1_1(self):
        add = self.features.add
        add(nn.Conv2D(64, kernel_size=3, strides=2))
        add(nn.Activation("relu"))
        add(_max_pool())
        add(_make_fire(16, 64, 64))
        add(_make_fire(16, 64, 64))
        add(_max_pool())
        add(_make_fire(32, 128, 128))
        add(_make_fire(32, 128, 128))
        add(_max_pool())
        add(_make_fire(48, 192, 192))
        add(_make_fire(48, 192, 192))
        add(_make_fire(64, 256, 256))
        add(_make_fire(64, 256, 256))

    def hybrid_forward(self, F, x):
        x = self.features(x)
        return self.output(x)


def get_squeezenet(version, pretrained=False, ctx=cpu(), root=_default_root(),
                   **kwargs):
    """SqueezeNet ``version`` ('1.0' or '1.1'); ``pretrained`` loads
    ``squeezenet<version>`` weights from ``root`` (dlkit never downloads)."""
    net = SqueezeNet(version, **kwargs)
    if pretrained:
        net.load_parameters(get_model_file(f"squeezenet{version}", root=root), ctx=ctx)
    return net


def squeezenet1_0(**kwargs):
    """SqueezeNet 1.0; arguments as in ``get_squeezenet``."""
    return get_squeezenet("1.0", **kwargs)


def squeezenet1_1(**kwargs):
    """SqueezeNet 1.1; arguments as in ``get_squeezenet``."""
    return get_squeezenet("1.1", **kwargs)
