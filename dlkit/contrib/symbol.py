"""``mx.contrib.symbol`` (``mx.contrib.sym``): the contrib operators as Symbol
functions, as in ``mx.sym.contrib`` (``mx.contrib.sym.box_nms`` adds a node of the
registered op ``_contrib_box_nms``).
"""
from .. import ops as _ops  # noqa: F401  (registers every operator)
from ..ndarray.register import namespace_functions as _namespace_functions
from ..symbol.register import make_function as _make_function

globals().update(_namespace_functions("_contrib_", _make_function))
