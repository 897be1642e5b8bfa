"""One ``mx.sym`` function per registered op, from the registry entry ``mx.nd`` uses.

``sym.FullyConnected`` is built here from the ``FullyConnected`` op exactly as
``nd.FullyConnected`` is built in ``ndarray/register.py`` (same signature and docstring,
plus MXNet's ``attr=`` keyword); calling it runs ``symbol.create``, which adds a node.
The auto name is the function name lowered (``fullyconnected0``), as in MXNet.
"""
import inspect

from ..ndarray.register import _signature, docstring
from ..ops.registry import list_ops
from . import creation
from .create import create

__all__ = ["make_function", "public_functions"]


def _symbol_signature(op):
    """The ``nd`` signature with ``attr=None`` added before ``out`` and ``name``."""
    parameters = list(_signature(op).parameters.values())
    attr = inspect.Parameter("attr", inspect.Parameter.KEYWORD_ONLY, default=None)
    return inspect.Signature(parameters[:-2] + [attr] + parameters[-2:])


def make_function(op, name):
    """The ``mx.sym.<name>`` function for ``op``."""
    hint = name.lower()

    def function(*args, name=None, attr=None, out=None, **kwargs):
        return create(op, hint, list(args), kwargs, name, attr)

    function.__name__ = name
    function.__qualname__ = name
    function.__module__ = "dlkit.symbol"
    function.__signature__ = _symbol_signature(op)
    function.__doc__ = docstring(op, "Inputs (Symbols; missing ones become variables)")
    return function


def public_functions():
    """``{name: function}`` for every op name and alias, plus MXNet's creation helpers
    (``zeros``, ``arange`` ... from ``creation.py``)."""
    functions = {}
    for op in list_ops():
        for name in (op.name, *op.aliases):
            functions[name] = make_function(op, name)
    functions.update({name: getattr(creation, name) for name in creation.__all__})
    return functions
