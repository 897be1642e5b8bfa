"""DenseNet (Huang et al. 2016): every layer sees the features of all layers before it.

A dense layer computes ``growth_rate`` new channels (BN-ReLU-conv1x1 to
``bn_size * growth_rate`` channels, BN-ReLU-conv3x3) and concatenates them to its
input, so a dense block of ``n`` layers adds ``n * growth_rate`` channels::

    x --+-- Identity ------------------------------------+
        +-- BN relu conv1x1 BN relu conv3x3 (growth_rate) +--> concat --> next layer

Between blocks a *transition* (BN-ReLU-conv1x1 and 2x2 average pooling) halves the
channels and the resolution. The blocks are named ``stage1_`` ... ``stage4_``; the
transitions, the stem and the classifier take the network's own prefix.
"""
from ....context import cpu
from ...hybrid_block import HybridBlock
from ... import nn
from ..model_store import _default_root, get_model_file
from ...contrib.nn import HybridConcurrent, Identity

__all__ = ["DenseNet", "densenet121", "densenet161", "densenet169", "densenet201"]


def _make_dense_block(num_layers, bn_size, growth_rate, dropout, stage_index):
    block = nn.HybridSequential(prefix=f"stage{stage_index}_")
    with block.name_scope():
        for _ in range(num_layers):
            block.add(_make_dense_layer(growth_rate, bn_size, dropout))
    return block


def _make_dense_layer(growth_rate, bn_size, dropout):
    new_features = nn.HybridSequential(prefix="")
    new_features.add(nn.BatchNorm())
    new_features.add(nn.Activation("relu"))
    new_features.add(nn.Conv2D(bn_size * growth_rate, kernel_size=1, use_bias=False))
    new_features.add(nn.BatchNorm())
    new_features.add(nn.Activation("relu"))
    new_features.add(nn.Conv2D(growth_rate, kernel_size=3, padding=1, use_bias=False))
    if dropout:
        new_features.add(nn.Dropout(dropout))
    layer = HybridConcurrent(axis=1, prefix="")
    layer.add(Identity())
    layer.add(new_features)
    return layer


def _make_transition(num_output_features):
    transition = nn.HybridSequential(prefix="")
    transition.add(nn.BatchNorm())
    transition.add(nn.Activation("relu"))
    transition.add(nn.Conv2D(num_output_features, kernel_size=1, use_bias=False))
    transition.add(nn.AvgPool2D(pool_size=2, strides=2))
    return transition


class DenseNet(HybridBlock):
    """DenseNet.

    Parameters
    ----------
    num_init_features : int
        Channels of the stem convolution.
    growth_rate : int
        Channels each dense layer adds.
    block_config : list of int
        Dense layers per block.
    bn_size : int, default 4
        The bottleneck 1x1 convolution has ``bn_size * growth_rate`` channels.
    dropout : float, default 0
        Dropout rate after each dense layer (0: none).
    classes : int, default 1000
        Number of classes.

    Example
    -------
    >>> net = DenseNet(64, 32, [6, 12, 24, 16])      # densenet121
    """

    def __init__(self, num_init_features, growth_rate, block_config, bn_size=4,
                 dropout=0, classes=1000, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            self.features.add(nn.Conv2D(num_init_features, kernel_size=7, strides=2,
                                        padding=3, use_bias=False))
            self.features.add(nn.BatchNorm())
            self.features.add(nn.Activation("relu"))
            self.features.add(nn.MaxPool2D(pool_size=3, strides=2, padding=1))
            num_features = num_init_features
            for i, num_layers in enumerate(block_config):
                self.features.add(_make_dense_block(num_layers, bn_size, growth_rate,
                                                    dropout, i + 1))
                num_features = num_features + num_layers * growth_rate
                if i != len(block_config) - 1:
                    self.features.add(_make_transition(num_features // 2))
                    num_features = num_features // 2
            self.features.add(nn.BatchNorm())
            self.features.add(nn.Activation("relu"))
            self.features.add(nn.AvgPool2D(pool_size=7))
            self.features.add(nn.Flatten())
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        x = self.features(x)
        return self.output(x)


# num_layers: (num_init_features, growth_rate, block_config)
densenet_spec = {121: (64, 32, [6, 12, 24, 16]),
                 161: (96, 48, [6, 12, 36, 24]),
                 169: (64, 32, [6, 12, 32, 32]),
                 201: (64, 32, [6, 12, 48, 32])}


def get_densenet(num_layers, pretrained=False, ctx=cpu(), root=_default_root(),
                 **kwargs):
    """DenseNet with ``num_layers`` (121, 161, 169 or 201); ``pretrained`` loads
    ``densenet<num_layers>`` weights from ``root`` (dlkit never downloads)."""
    if num_layers not in densenet_spec:
        raise KeyError(f"get_densenet: no DenseNet with num_layers={num_layers}; "
                       f"options are {list(densenet_spec)}")
    num_init_features, growth_rate, block_config = densenet_spec[num_layers]
    net = DenseNet(num_init_features, growth_rate, block_config, **kwargs)
    if pretrained:
        net.load_parameters(get_model_file(f"densenet{num_layers}", root=root),
                            ctx=ctx)
    return net


def densenet121(**kwargs):
    """DenseNet-121; arguments as in ``get_densenet``."""
    return get_densenet(121, **kwargs)


def densenet161(**kwargs):
    """DenseNet-161."""
    return get_densenet(161, **kwargs)


def densenet169(**kwargs):
    """DenseNet-169."""
    return get_densenet(169, **kwargs)


def densenet201(**kwargs):
    """DenseNet-201."""
    return get_densenet(201, **kwargs)
