"""``mx.contrib.ndarray`` (``mx.contrib.nd``): the contrib operators, as in
``mx.nd.contrib`` (``mx.contrib.nd.box_nms`` runs the registered op
``_contrib_box_nms``). MXNet fills both namespaces from the same operator table;
dlkit builds them from its registry the same way.
"""
from .. import ops as _ops  # noqa: F401  (registers every operator)
from ..ndarray.register import namespace_functions as _namespace_functions

globals().update(_namespace_functions("_contrib_"))
