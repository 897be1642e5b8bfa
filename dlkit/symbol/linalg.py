"""``mx.sym.linalg``: the operators MXNet files as ``_linalg_*``, as Symbol functions
(``mx.sym.linalg.X`` adds a node of the registered op ``_linalg_X``)."""
from .. import ops as _ops  # noqa: F401  (registers every operator)
from ..ndarray.register import namespace_functions as _namespace_functions
from .register import make_function as _make_function

globals().update(_namespace_functions("_linalg_", _make_function))
