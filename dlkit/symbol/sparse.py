"""``mx.sym.sparse``: the Symbol functions MXNet lists for sparse inputs.

In MXNet these are the ordinary operators, whose storage-type inference picks a
sparse kernel when a bound input is sparse. dlkit's Executor keeps every array dense
(see ``dlkit/ndarray/sparse.py``), so each function here is the same registered op as
``mx.sym.<name>``: a graph built with them computes the same values as MXNet's.

Differs from MXNet: ``retain`` (the op ``_sparse_retain``) is not available, and the
arrays a bound graph returns are dense NDArrays whatever the inputs' stype.
"""
from .. import ops as _ops  # noqa: F401  (registers every operator)
from ..ndarray.sparse import _RULES
from ..ops.registry import OPS as _OPS
from .register import make_function as _make_function

# The names MXNet 1.9.1's mx.sym.sparse has: mx.nd.sparse's operators (listed there
# with their storage-type rule) and cast_storage.
_NAMES = sorted(set(_RULES) | {"cast_storage"})

globals().update({name: _make_function(_OPS[name], name) for name in _NAMES
                  if name in _OPS})
__all__ = [name for name in _NAMES if name in _OPS]
