"""VGG (Simonyan and Zisserman 2014): stacks of 3x3 convolutions.

Five stages of ``layers[i]`` 3x3 convolutions with ``filters[i]`` channels (each
followed by BatchNorm in the ``_bn`` variants, then ReLU) and a 2x2 max pooling, then
two Dense(4096) layers with Dropout and the ``output`` Dense. MXNet's initializers are
kept: convolution weights ``Xavier(rnd_type='gaussian', factor_type='out',
magnitude=2)``, Dense weights ``'normal'``, biases zero.
"""
from ....context import cpu
from ....initializer import Xavier
from ...hybrid_block import HybridBlock
from ... import nn
from ..model_store import _default_root, get_model_file

__all__ = ["VGG", "vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn",
           "vgg16_bn", "vgg19_bn", "get_vgg"]


class VGG(HybridBlock):
    """VGG.

    Parameters
    ----------
    layers : list of int
        Convolutions per stage.
    filters : list of int
        Channels of each stage's convolutions.
    classes : int, default 1000
        Number of classes.
    batch_norm : bool, default False
        BatchNorm after every convolution.

    Example
    -------
    >>> net = VGG([1, 1, 2, 2, 2], [64, 128, 256, 512, 512])     # vgg11
    """

    def __init__(self, layers, filters, classes=1000, batch_norm=False, **kwargs):
        super().__init__(**kwargs)
        if len(layers) != len(filters):
            raise AssertionError(f"VGG: layers and filters need one entry per stage, "
                                 f"got layers={layers} and filters={filters}")
        with self.name_scope():
            self.features = self._make_features(layers, filters, batch_norm)
            for _ in range(2):
                self.features.add(nn.Dense(4096, activation="relu",
                                           weight_initializer="normal",
                                           bias_initializer="zeros"))
                self.features.add(nn.Dropout(rate=0.5))
            self.output = nn.Dense(classes, weight_initializer="normal",
                                   bias_initializer="zeros")

    def _make_features(self, layers, filters, batch_norm):
        features = nn.HybridSequential(prefix="")
        for num_convs, channels in zip(layers, filters):
            for _ in range(num_convs):
                init = Xavier(rnd_type="gaussian", factor_type="out", magnitude=2)
                features.add(nn.Conv2D(channels, kernel_size=3, padding=1,
                                       weight_initializer=init,
                                       bias_initializer="zeros"))
                if batch_norm:
                    features.add(nn.BatchNorm())
                features.add(nn.Activation("relu"))
            features.add(nn.MaxPool2D(strides=2))
        return features

    def hybrid_forward(self, F, x):
        x = self.features(x)
        return self.output(x)


# num_layers: (convolutions per stage, channels per stage)
vgg_spec = {11: ([1, 1, 2, 2, 2], [64, 128, 256, 512, 512]),
            13: ([2, 2, 2, 2, 2], [64, 128, 256, 512, 512]),
            16: ([2, 2, 3, 3, 3], [64, 128, 256, 512, 512]),
            19: ([2, 2, 4, 4, 4], [64, 128, 256, 512, 512])}


def get_vgg(num_layers, pretrained=False, ctx=cpu(), root=_default_root(), **kwargs):
    """VGG with ``num_layers`` (11, 13, 16 or 19); ``batch_norm=True`` in ``kwargs``
    gives the ``_bn`` variant.

    Parameters
    ----------
    num_layers : int
        11, 13, 16 or 19.
    pretrained : bool, default False
        Load weights from ``root`` (dlkit never downloads; see ``model_store``).
    ctx : Context, default cpu()
    root : str, default '$MXNET_HOME/models'
    **kwargs
        Passed to ``VGG`` (``classes``, ``batch_norm`` ...).
    """
    if num_layers not in vgg_spec:
        raise KeyError(f"get_vgg: no VGG with num_layers={num_layers}; options are "
                       f"{list(vgg_spec)}")
    layers, filters = vgg_spec[num_layers]
    net = VGG(layers, filters, **kwargs)
    if pretrained:
        batch_norm_suffix = "_bn" if kwargs.get("batch_norm") else ""
        net.load_parameters(get_model_file(f"vgg{num_layers}{batch_norm_suffix}",
                                           root=root), ctx=ctx)
    return net


def vgg11(**kwargs):
    """VGG-11; arguments as in ``get_vgg``."""
    return get_vgg(11, **kwargs)


def vgg13(**kwargs):
    """VGG-13."""
    return get_vgg(13, **kwargs)


def vgg16(**kwargs):
    """VGG-16."""
    return get_vgg(16, **kwargs)


def vgg19(**kwargs):
    """VGG-19."""
    return get_vgg(19, **kwargs)


def vgg11_bn(**kwargs):
    """VGG-11 with BatchNorm."""
    kwargs["batch_norm"] = True
    return get_vgg(11, **kwargs)


def vgg13_bn(**kwargs):
    """VGG-13 with BatchNorm."""
    kwargs["batch_norm"] = True
    return get_vgg(13, **kwargs)


def vgg16_bn(**kwargs):
    """VGG-16 with BatchNorm."""
    kwargs["batch_norm"] = True
    return get_vgg(16, **kwargs)


def vgg19_bn(**kwargs):
    """VGG-19 with BatchNorm."""
    kwargs["batch_norm"] = True
    return get_vgg(19, **kwargs)
