"""Inception v3 (Szegedy et al. 2015), for 299x299 images.

An Inception module runs several branches side by side on the same input (1x1, 3x3,
factorized 1x7 + 7x1 convolutions, pooling) and concatenates their channels
(``HybridConcurrent``), so the network picks the useful receptive fields itself.

    stem: five conv-BN-ReLU layers and two max poolings (299 -> 35x35x192)
    A1-A3 (35x35)  B (-> 17x17)  C1-C4 (17x17, 7x7 factorized)  D (-> 8x8)  E1-E2
    8x8 average pooling, Dropout(0.5), Dense

Every convolution is ``conv (no bias) + BatchNorm(epsilon=0.001) + ReLU``. Each module
is a ``HybridConcurrent`` named ``A1_``, ``B_`` ...; the containers inside have
``prefix=''``, so a module's convolutions are numbered in creation order
(``inception30_A1_conv0`` ... ``conv6``), exactly as in MXNet.
"""
from ....context import cpu
from ...hybrid_block import HybridBlock
from ... import nn
from ..model_store import _default_root, get_model_file
from ...contrib.nn import HybridConcurrent

__all__ = ["Inception3", "inception_v3"]

_SETTING_NAMES = ("channels", "kernel_size", "strides", "padding")


def _make_basic_conv(**kwargs):
    """Conv2D (no bias, ``kwargs``), BatchNorm(epsilon=0.001), ReLU."""
    out = nn.HybridSequential(prefix="")
    out.add(nn.Conv2D(use_bias=False, **kwargs))
    out.add(nn.BatchNorm(epsilon=0.001))
    out.add(nn.Activation("relu"))
    return out


def _make_branch(use_pool, *conv_settings):
    """An optional pooling ('avg': 3x3 stride 1, 'max': 3x3 stride 2), then one basic
    conv per ``(channels, kernel_size, strides, padding)`` setting (None: default)."""
    out = nn.HybridSequential(prefix="")
    if use_pool == "avg":
        out.add(nn.AvgPool2D(pool_size=3, strides=1, padding=1))
    elif use_pool == "max":
        out.add(nn.MaxPool2D(pool_size=3, strides=2))
    for setting in conv_settings:
        kwargs = {name: value for name, value in zip(_SETTING_NAMES, setting)
                  if value is not None}
        out.add(_make_basic_conv(**kwargs))
    return out


def _make_A(pool_features, prefix):
    """35x35 module: 1x1 | 1x1-5x5 | 1x1-3x3-3x3 | avgpool-1x1."""
    out = HybridConcurrent(axis=1, prefix=prefix)
    with out.name_scope():
        out.add(_make_branch(None, (64, 1, None, None)))
        out.add(_make_branch(None, (48, 1, None, None), (64, 5, None, 2)))
        out.add(_make_branch(None, (64, 1, None, None), (96, 3, None, 1),
                             (96, 3, None, 1)))
        out.add(_make_branch("avg", (pool_features, 1, None, None)))
    return out


def _make_B(prefix):
    """35x35 -> 17x17: 3x3/2 | 1x1-3x3-3x3/2 | maxpool."""
    out = HybridConcurrent(axis=1, prefix=prefix)
    with out.name_scope():
        out.add(_make_branch(None, (384, 3, 2, None)))
        out.add(_make_branch(None, (64, 1, None, None), (96, 3, None, 1),
                             (96, 3, 2, None)))
        out.add(_make_branch("max"))
    return out


def _make_C(channels_7x7, prefix):
    """17x17 module with 7x7 convolutions factorized into 1x7 and 7x1."""
    c7 = channels_7x7
    out = HybridConcurrent(axis=1, prefix=prefix)
    with out.name_scope():
        out.add(_make_branch(None, (192, 1, None, None)))
        out.add(_make_branch(None, (c7, 1, None, None), (c7, (1, 7), None, (0, 3)),
                             (192, (7, 1), None, (3, 0))))
        out.add(_make_branch(None, (c7, 1, None, None), (c7, (7, 1), None, (3, 0)),
                             (c7, (1, 7), None, (0, 3)), (c7, (7, 1), None, (3, 0)),
                             (192, (1, 7), None, (0, 3))))
        out.add(_make_branch("avg", (192, 1, None, None)))
    return out


def _make_D(prefix):
    """17x17 -> 8x8: 1x1-3x3/2 | 1x1-1x7-7x1-3x3/2 | maxpool."""
    out = HybridConcurrent(axis=1, prefix=prefix)
    with out.name_scope():
        out.add(_make_branch(None, (192, 1, None, None), (320, 3, 2, None)))
        out.add(_make_branch(None, (192, 1, None, None), (192, (1, 7), None, (0, 3)),
                             (192, (7, 1), None, (3, 0)), (192, 3, 2, None)))
        out.add(_make_branch("max"))
    return out


def _split_1x3_3x1():
    """Two branches side by side: a 1x3 and a 3x1 convolution of 384 channels."""
    split = HybridConcurrent(axis=1, prefix="")
    split.add(_make_branch(None, (384, (1, 3), None, (0, 1))))
    split.add(_make_branch(None, (384, (3, 1), None, (1, 0))))
    return split


def _make_E(prefix):
    """8x8 module whose 3x3 branches end in a 1x3 | 3x1 split."""
    out = HybridConcurrent(axis=1, prefix=prefix)
    with out.name_scope():
        out.add(_make_branch(None, (320, 1, None, None)))
        branch_3x3 = nn.HybridSequential(prefix="")
        branch_3x3.add(_make_branch(None, (384, 1, None, None)))
        branch_3x3.add(_split_1x3_3x1())
        out.add(branch_3x3)
        branch_3x3dbl = nn.HybridSequential(prefix="")
        branch_3x3dbl.add(_make_branch(None, (448, 1, None, None), (384, 3, None, 1)))
        branch_3x3dbl.add(_split_1x3_3x1())
        out.add(branch_3x3dbl)
        out.add(_make_branch("avg", (192, 1, None, None)))
    return out


class Inception3(HybridBlock):
    """Inception v3 (expects 299x299 inputs).

    Parameters
    ----------
    classes : int, default 1000
        Number of classes.

    Example
    -------
    >>> net = Inception3(classes=10)
    """

    def __init__(self, classes=1000, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            add = self.features.add
            add(_make_basic_conv(channels=32, kernel_size=3, strides=2))
            add(_make_basic_conv(channels=32, kernel_size=3))
            add(_make_basic_conv(channels=64, kernel_size=3, padding=1))
            add(nn.MaxPool2D(pool_size=3, strides=2))
            add(_make_basic_conv(channels=80, kernel_size=1))
            add(_make_basic_conv(channels=192, kernel_size=3))
            add(nn.MaxPool2D(pool_size=3, strides=2))
            add(_make_A(32, "A1_"))
            add(_make_A(64, "A2_"))
            add(_make_A(64, "A3_"))
            add(_make_B("B_"))
            add(_make_C(128, "C1_"))
            add(_make_C(160, "C2_"))
            add(_make_C(160, "C3_"))
            add(_make_C(192, "C4_"))
            add(_make_D("D_"))
            add(_make_E("E1_"))
            add(_make_E("E2_"))
            add(nn.AvgPool2D(pool_size=8))
            add(nn.Dropout(0.5))
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        x = self.features(x)
        return self.output(x)


def inception_v3(pretrained=False, ctx=cpu(), root=_default_root(), **kwargs):
    """Inception v3; ``pretrained`` loads ``inceptionv3`` weights from ``root``
    (dlkit never downloads, see ``model_store``). ``kwargs`` go to ``Inception3``."""
    net = Inception3(**kwargs)
    if pretrained:
        net.load_parameters(get_model_file("inceptionv3", root=root), ctx=ctx)
    return net
