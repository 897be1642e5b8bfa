"""``mx.gluon.model_zoo``: ready-made image classification networks.

    vision          AlexNet, DenseNet, Inception3, MobileNet(V2), ResNet(V1/V2),
                    SqueezeNet, VGG, and ``get_model(name)`` to build one by name
    model_store     where pretrained weights are looked for (``get_model_file``)

The networks are built from ``gluon.nn`` layers with MXNet 1.9.1's block structure and
name scopes, so their parameter names (``resnetv10_conv0_weight``) and shapes are
MXNet's and ``net.load_parameters`` reads a ``.params`` file MXNet saved for the same
model.

Differs from MXNet: dlkit never downloads weights. ``pretrained=True`` loads a file
already present in ``root`` and otherwise raises an error that says how to load a
local file (see ``model_store.get_model_file``).
"""
from . import model_store, vision

__all__ = ["model_store", "vision"]
