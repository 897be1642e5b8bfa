"""``mx.sym.image``: the operators MXNet files as ``_image_*``, as Symbol functions
(``mx.sym.image.X`` adds a node of the registered op ``_image_X``)."""
from .. import ops as _ops  # noqa: F401  (registers every operator)
from ..ndarray.register import namespace_functions as _namespace_functions
from .register import make_function as _make_function

globals().update(_namespace_functions("_image_", _make_function))
