"""``mx.nd.image``: the operators MXNet files as ``_image_*`` (``mx.nd.image.X``
runs the registered op ``_image_X``), built from the registry like the rest of
``mx.nd``."""
from .. import ops as _ops  # noqa: F401  (registers every operator)
from .register import namespace_functions as _namespace_functions

globals().update(_namespace_functions("_image_"))
