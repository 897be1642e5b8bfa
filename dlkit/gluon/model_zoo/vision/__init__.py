"""``mx.gluon.model_zoo.vision``: MXNet 1.9.1's image classification networks.

Build one by name or by its function; either way the parameters are uninitialized::

    net = vision.get_model('resnet18_v1', classes=10)     # == vision.resnet18_v1(...)
    net.initialize()
    net(mx.nd.zeros((1, 3, 224, 224))).shape              # (1, 10)

Names: alexnet, densenet121/161/169/201, inceptionv3 (299x299 inputs),
mobilenet1.0/0.75/0.5/0.25, mobilenetv2_1.0/0.75/0.5/0.25, resnet18/34/50/101/152
with _v1 or _v2, squeezenet1.0/1.1, vgg11/13/16/19 with or without _bn.

Differs from MXNet: ``pretrained=True`` never downloads (see ``model_store``).
"""
from .alexnet import *  # noqa: F401,F403
from .densenet import *  # noqa: F401,F403
from .inception import *  # noqa: F401,F403
from .mobilenet import *  # noqa: F401,F403
from .resnet import *  # noqa: F401,F403
from .squeezenet import *  # noqa: F401,F403
from .vgg import *  # noqa: F401,F403
# the modules themselves (``vision.resnet``); ``vision.alexnet`` is the function, as
# in MXNet, because the star import above rebinds the name
from . import densenet, inception, mobilenet, resnet, squeezenet, vgg

_models = {"alexnet": alexnet,
           "densenet121": densenet.densenet121, "densenet161": densenet.densenet161,
           "densenet169": densenet.densenet169, "densenet201": densenet.densenet201,
           "inceptionv3": inception.inception_v3,
           "mobilenet1.0": mobilenet.mobilenet1_0,
           "mobilenet0.75": mobilenet.mobilenet0_75,
           "mobilenet0.5": mobilenet.mobilenet0_5,
           "mobilenet0.25": mobilenet.mobilenet0_25,
           "mobilenetv2_1.0": mobilenet.mobilenet_v2_1_0,
           "mobilenetv2_0.75": mobilenet.mobilenet_v2_0_75,
           "mobilenetv2_0.5": mobilenet.mobilenet_v2_0_5,
           "mobilenetv2_0.25": mobilenet.mobilenet_v2_0_25,
           "resnet18_v1": resnet.resnet18_v1, "resnet34_v1": resnet.resnet34_v1,
           "resnet50_v1": resnet.resnet50_v1, "resnet101_v1": resnet.resnet101_v1,
           "resnet152_v1": resnet.resnet152_v1, "resnet18_v2": resnet.resnet18_v2,
           "resnet34_v2": resnet.resnet34_v2, "resnet50_v2": resnet.resnet50_v2,
           "resnet101_v2": resnet.resnet101_v2, "resnet152_v2": resnet.resnet152_v2,
           "squeezenet1.0": squeezenet.squeezenet1_0,
           "squeezenet1.1": squeezenet.squeezenet1_1,
           "vgg11": vgg.vgg11, "vgg13": vgg.vgg13, "vgg16": vgg.vgg16,
           "vgg19": vgg.vgg19,
           "vgg11_bn": vgg.vgg11_bn, "vgg13_bn": vgg.vgg13_bn, "vgg16_bn": vgg.vgg16_bn,
           "vgg19_bn": vgg.vgg19_bn}


def get_model(name, **kwargs):
    """A model of the zoo by name (case-insensitive).

    Parameters
    ----------
    name : str
        Model name, such as 'resnet18_v1', 'mobilenet0.25' or 'vgg16_bn'.
    pretrained : bool
        Load weights from ``root`` (dlkit never downloads; see ``model_store``).
    classes : int
        Number of classes of the output layer.
    ctx : Context, default cpu()
        Where pretrained weights are loaded.
    root : str, default '$MXNET_HOME/models'
        Folder of pretrained weight files.

    Returns
    -------
    HybridBlock
        The model, its parameters not yet initialized.

    Example
    -------
    >>> net = mx.gluon.model_zoo.vision.get_model('squeezenet1.1', classes=10)
    """
    name = name.lower()
    if name not in _models:
        options = "\n\t".join(sorted(_models))
        raise ValueError(f"Model {name} is not supported. Available options are"
                         f"\n\t{options}")
    return _models[name](**kwargs)
