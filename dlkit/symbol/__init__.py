"""``mx.sym``: the declarative front end. Build a graph of Symbols, then bind it.

The op functions (``sym.FullyConnected``, ``sym.relu`` ...) are made from the registry
by ``register.public_functions``, from the same entries as ``mx.nd``'s; nothing here
defines op logic. ``symbol.py`` holds the Symbol class, ``infer.py`` shape/type
inference, ``json.py`` MXNet's JSON format; ``dlkit/executor.py`` runs a bound graph.
"""
import numbers as _numbers

from .. import ops as _ops  # noqa: F401  (registers every operator)
from . import contrib, image, linalg, random, sparse
from .json import load, load_json
from .register import public_functions as _public_functions
from .create import Group, Variable, var
from .symbol import Symbol, apply_op as _apply_op

__all__ = ["Symbol", "Variable", "var", "Group", "load", "load_json", "maximum",
           "minimum", "pow", "power", "hypot", "histogram", "linalg", "contrib",
           "image", "random", "sparse"]


def _ufunc(lhs, rhs, op_name, hint, scalar_op, scalar_hint, python_op):
    """MXNet's helper: two Symbols use ``op_name``; a Symbol and a number use
    ``scalar_op``."""
    if isinstance(lhs, _numbers.Number) and isinstance(rhs, _numbers.Number):
        return python_op(lhs, rhs)
    if isinstance(rhs, _numbers.Number):
        return _apply_op(scalar_op, scalar_hint, [lhs], scalar=rhs)
    if isinstance(lhs, _numbers.Number):
        return _apply_op(scalar_op, scalar_hint, [rhs], scalar=lhs)
    return _apply_op(op_name, hint, [lhs, rhs])


def maximum(left, right):
    """Element-wise maximum of Symbols and/or numbers (``_Maximum``,
    ``_MaximumScalar``)."""
    return _ufunc(left, right, "_Maximum", "_maximum", "_MaximumScalar",
                  "_maximumscalar", max)


def minimum(left, right):
    """Element-wise minimum of Symbols and/or numbers."""
    return _ufunc(left, right, "_Minimum", "_minimum", "_MinimumScalar",
                  "_minimumscalar", min)


def hypot(left, right):
    """``sqrt(left**2 + right**2)`` element-wise."""
    return _ufunc(left, right, "_hypot", "_hypot", "_hypot_scalar", "_hypotscalar",
                  lambda a, b: (a * a + b * b) ** 0.5)


def pow(base, exp):  # noqa: A001  (MXNet's name)
    """``base ** exp`` for Symbols and/or numbers."""
    return base ** exp


power = pow


def histogram(a, bins=10, range=None, **kwargs):  # noqa: A002  (MXNet's names)
    """Histogram of ``a`` (flattened): the op ``_histogram`` with the edges ``bins``
    (a Symbol) or ``bins`` equal bins over ``range``, which a Symbol requires."""
    if isinstance(bins, Symbol):
        return _apply_op("_histogram", "_histogram", [a, bins], **kwargs)
    if isinstance(bins, int) and not isinstance(bins, bool):
        if range is None:
            raise ValueError("null range is not supported in symbol mode")
        return _apply_op("_histogram", "_histogram", [a], bin_cnt=bins, range=range,
                         **kwargs)
    raise ValueError("bins argument should be either an integer or an NDArray")

globals().update({name: function for name, function in _public_functions().items()
                  if name not in globals()})
