"""Where ``pretrained=True`` looks for weights (MXNet's ``model_zoo.model_store``).

MXNet keeps downloaded weights in ``$MXNET_HOME/models`` (``~/.mxnet/models`` by
default) as ``<name>-<first 8 hex digits of the file's SHA-1>.params``, for instance
``resnet18_v1-a0666292.params``, and downloads a missing file. dlkit never downloads:
it uses a file that is already there and otherwise explains how to load one by hand::

    net = vision.resnet18_v1()                      # random structure, no weights
    net.load_parameters('resnet18_v1.params')       # a file saved by MXNet or dlkit
"""
import glob
import os

from ...base import MXNetError

__all__ = ["get_model_file", "purge"]


def _default_root():
    """``$MXNET_HOME/models``, like MXNet (``~/.mxnet/models`` if unset)."""
    home = os.environ.get("MXNET_HOME", os.path.join("~", ".mxnet"))
    return os.path.join(os.path.expanduser(home), "models")


def get_model_file(name, root=_default_root()):
    """Path of the pretrained weights of model ``name`` found in ``root``.

    Looks for ``<root>/<name>-<hash>.params`` (MXNet's cache name) or
    ``<root>/<name>.params``.

    Parameters
    ----------
    name : str
        Model name as in MXNet's store: 'resnet18_v1', 'mobilenet0.25', 'vgg16_bn' ...
    root : str, default '$MXNET_HOME/models'
        Folder holding the parameter files.

    Returns
    -------
    str
        The file name.

    Differs from MXNet: nothing is downloaded and the file's SHA-1 is not checked.
    """
    folder = os.path.expanduser(root)
    pattern = os.path.join(glob.escape(folder), name + "-*.params")
    candidates = sorted(glob.glob(pattern))
    plain = os.path.join(folder, name + ".params")
    if os.path.isfile(plain):
        candidates.append(plain)
    if candidates:
        return candidates[0]
    raise MXNetError(
        f"Pretrained weights for '{name}' were not found in '{folder}': dlkit does "
        "not download model weights. Build the model without pretrained=True and "
        f"load a local file saved by MXNet or dlkit, e.g. net.load_parameters("
        f"'{name}.params'), or copy it to '{plain}' (MXNet's cached "
        f"'{name}-<hash>.params' works too) and keep pretrained=True.")


def purge(root=_default_root()):
    """Delete every ``.params`` file in ``root`` (the cached pretrained weights)."""
    folder = os.path.expanduser(root)
    if not os.path.isdir(folder):
        return
    for file_name in os.listdir(folder):
        if file_name.endswith(".params"):
            os.remove(os.path.join(folder, file_name))
