"""``mx.nd``: NDArray and one function per registered operator.

The op functions (``nd.FullyConnected``, ``nd.relu``, ``nd.broadcast_add`` ...) are made
from the registry by ``register.public_functions``; nothing here defines op logic.
"""
from .. import ops as _ops  # noqa: F401  (registers every operator)
from . import random
from .arith import *  # noqa: F401,F403
from .arith import __all__ as _arith_all
from .ndarray import (NDArray, arange, array, concatenate, empty, full, invoke,
                      moveaxis, ones, ones_like, waitall, zeros, zeros_like)
from .register import public_functions as _public_functions
from .serialization import load, load_frombuffer, save

globals().update({name: function for name, function in _public_functions().items()
                  if name not in globals()})

__all__ = ["NDArray", "array", "zeros", "ones", "full", "empty", "arange", "zeros_like",
           "ones_like", "waitall", "concatenate", "moveaxis", "save", "load",
           "load_frombuffer", "invoke", "random", *_arith_all]
