"""``mx.nd``: NDArray and one function per registered operator.

The op functions (``nd.FullyConnected``, ``nd.relu``, ``nd.broadcast_add`` ...) are made
from the registry by ``register.public_functions``; nothing here defines op logic.
"""
from .. import ops as _ops  # noqa: F401  (registers every operator)
from . import contrib, image, linalg, random, sparse
from .arith import *  # noqa: F401,F403
from .arith import __all__ as _arith_all
from .cached_op import CachedOp, imdecode
from .dlpack import from_dlpack, from_numpy, to_dlpack_for_read, to_dlpack_for_write
from .ndarray import (NDArray, arange, array, concatenate, empty, eye, full,
                      histogram, invoke, linspace, moveaxis, onehot_encode, ones,
                      ones_like, split_v2, waitall, zeros, zeros_like)
from .register import public_functions as _public_functions
from .serialization import load, load_frombuffer, save
from .sparse import CSRNDArray, RowSparseNDArray, cast_storage

globals().update({name: function for name, function in _public_functions().items()
                  if name not in globals()})

__all__ = ["NDArray", "array", "zeros", "ones", "full", "empty", "arange", "zeros_like",
           "ones_like", "waitall", "concatenate", "moveaxis", "save", "load",
           "load_frombuffer", "invoke", "linspace", "eye", "split_v2", "onehot_encode",
           "from_numpy", "from_dlpack", "to_dlpack_for_read", "to_dlpack_for_write",
           "histogram", "random", "linalg", "contrib", "image", "sparse",
           "CachedOp", "imdecode",
           "CSRNDArray", "RowSparseNDArray", "cast_storage",
           *_arith_all]
