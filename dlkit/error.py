"""``mx.error``: MXNet's error classes and the table that names them.

MXNet's C++ core reports an error as text such as ``"ValueError: bad axis"``; the Python
side looks the prefix up in a table of registered error classes and raises that class.
``register`` (``register_error``) adds a class to the table. dlkit has no C++ core, so
nothing parses messages here, but the table and the classes are the same: code that
registers its own error class, or catches ``mx.error.InternalError``, runs unchanged.
"""
from .base import MXNetError

__all__ = ["MXNetError", "register", "register_error", "InternalError", "error_types"]

error_types = {}   # error name -> class


def register_error(func_name=None, cls=None):
    """Register an error class under a name (its own name by default).

    Used as a decorator (``@register_error``), as ``register_error("Name")(cls)`` or
    as ``register_error("Name", cls)``; returns the class (or the decorator).

    Example
    -------
    >>> @mx.error.register
    ... class MyError(mx.MXNetError):
    ...     pass
    >>> mx.error.error_types["MyError"] is MyError
    True
    """
    if callable(func_name):          # used bare: @register_error
        cls = func_name
        func_name = cls.__name__

    def register_class(klass):
        name = func_name if isinstance(func_name, str) else klass.__name__
        error_types[name] = klass
        return klass

    if cls is None:
        return register_class
    return register_class(cls)


register = register_error


@register_error
class InternalError(MXNetError):
    """An error inside the framework itself (a bug, not a usage mistake).

    The message gets MXNet's hint to report it, unless it already has one.
    """

    def __init__(self, msg):
        if "MXNet hint:" not in msg:
            msg += ("\nMXNet hint: You hit an internal error. Please open an issue in "
                    "https://github.com/apache/incubator-mxnet/issues/new/choose"
                    " to report it.")
        super().__init__(msg)


for _builtin in (ValueError, TypeError, AttributeError, IndexError,
                 NotImplementedError):
    register_error(_builtin.__name__, _builtin)
