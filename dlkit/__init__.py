"""dlkit: MXNet 1.9.1's Python API on one small engine, for learning how it works.

``import dlkit as mx`` then use ``mx.nd``, ``mx.autograd``, ``mx.sym``, ``mx.mod``,
``mx.gluon`` ... exactly as with MXNet. Heavy optional parts (CuPy, widgets, plotting) are
imported only when used.
"""
from . import base, context, name, ops
from . import ndarray
from . import ndarray as nd
from . import autograd, random
from .base import MXNetError
from .context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus

__version__ = "1.9.1"

__all__ = ["nd", "ndarray", "autograd", "random", "context", "name", "Context", "cpu",
           "gpu", "cpu_pinned", "current_context", "num_gpus", "MXNetError", "base", "ops"]
