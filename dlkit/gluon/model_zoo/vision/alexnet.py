"""AlexNet (Krizhevsky et al. 2012): five convolutions, three Dense layers.

``features`` holds the convolutions (ReLU inside each layer), three max poolings, then
Flatten and two Dense(4096) layers with Dropout; ``output`` is the last Dense. On a
224x224 image the last pooling gives 256 x 6 x 6 = 9216 features.
"""
from ....context import cpu
from ...hybrid_block import HybridBlock
from ... import nn
from ..model_store import _default_root, get_model_file

__all__ = ["AlexNet", "alexnet"]


class AlexNet(HybridBlock):
    """AlexNet.

    Parameters
    ----------
    classes : int, default 1000
        Number of classes.

    Example
    -------
    >>> net = AlexNet(classes=10)
    """

    def __init__(self, classes=1000, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            self.features.add(nn.Conv2D(64, kernel_size=11, strides=4, padding=2,
                                        activation="relu"))
            self.features.add(nn.MaxPool2D(pool_size=3, strides=2))
            self.features.add(nn.Conv2D(192, kernel_size=5, padding=2,
                                        activation="relu"))
            self.features.add(nn.MaxPool2D(pool_size=3, strides=2))
            for channels in (384, 256, 256):
                self.features.add(nn.Conv2D(channels, kernel_size=3, padding=1,
                                            activation="relu"))
            self.features.add(nn.MaxPool2D(pool_size=3, strides=2))
            self.features.add(nn.Flatten())
            for _ in range(2):
                self.features.add(nn.Dense(4096, activation="relu"))
                self.features.add(nn.Dropout(0.5))
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        x = self.features(x)
        return self.output(x)


def alexnet(pretrained=False, ctx=cpu(), root=_default_root(), **kwargs):
    """AlexNet; ``pretrained`` loads ``alexnet`` weights from ``root`` (dlkit never
    downloads, see ``model_store``). ``kwargs`` go to ``AlexNet``."""
    net = AlexNet(**kwargs)
    if pretrained:
        net.load_parameters(get_model_file("alexnet", root=root), ctx=ctx)
    return net
