"""``mx.library``: loading compiled operator libraries (MXNet's extension API).

With MXNet, ``mx.library.load('/abs/path/libmyop.so')`` loads C++ operators written
against ``lib_api.h`` and adds them to ``mx.nd`` and ``mx.sym``. dlkit runs on NumPy
and CuPy and cannot run compiled MXNet kernels, so ``load`` checks the path as MXNet
does and then raises. To add an operator to dlkit, write it in Python: an ``Op`` class
registered with ``register_op`` (``dlkit/ops/registry.py``), or a ``mx.operator``
``CustomOp``.
"""
import os

from .base import MXNetError

__all__ = ["load"]


def load(path, verbose=True):
    """Load an operator library: not possible in dlkit (raises ``MXNetError``).

    The path is checked first, with MXNet's errors (it must exist, be absolute and end
    in ``.so`` or ``.dll``), so a wrong path reads the same as with MXNet.

    Differs from MXNet: a valid library raises too, since dlkit cannot run compiled
    MXNet operators.
    """
    if not os.path.exists(path):
        raise MXNetError(f"load path {path} does NOT exist")
    if not os.path.isabs(path):
        raise MXNetError(f"load path {path} is not an absolute path")
    if os.path.splitext(path)[1] not in (".so", ".dll"):
        raise MXNetError(f"load path {path} is NOT a library file")
    raise MXNetError(
        f"mx.library.load({path!r}): dlkit cannot load compiled MXNet extension "
        "libraries; it runs on NumPy/CuPy only. Write the operator in Python instead: "
        "an Op registered with dlkit.ops.registry.register_op, or a "
        "mx.operator.CustomOp")
