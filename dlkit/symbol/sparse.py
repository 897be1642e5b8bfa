"""``mx.sym.sparse``: the Symbol functions MXNet lists for sparse inputs.

In MXNet these are the ordinary operators, whose storage-type inference picks a
sparse kernel when a bound input is sparse. dlkit's Executor keeps every array dense
(see ``dlkit/ndarray/sparse.py``), so each function here is the same registered op as
``mx.sym.<name>``: a graph built with them computes the same values as MXNet's.

Differs from MXNet: ``retain`` (the op ``_sparse_retain``) is not available, and the
arrays a bound graph returns are dense NDArrays whatever the inputs' stype.
"""
from .. import ops as _ops  # noqa: F401  (registers every operator)
from ..ops.registry import OPS as _OPS
from .register import make_function as _make_function

# The names MXNet 1.9.1's mx.sym.sparse has that are operators registered in dlkit.
_NAMES = (
    "ElementWiseSum", "Embedding", "FullyConnected", "LinearRegressionOutput",
    "LogisticRegressionOutput", "MAERegressionOutput", "abs", "add_n", "arccos",
    "arccosh", "arcsin", "arcsinh", "arctan", "arctanh", "broadcast_add",
    "broadcast_div", "broadcast_minus", "broadcast_mul", "broadcast_plus",
    "broadcast_sub", "cast_storage", "cbrt", "ceil", "clip", "concat", "cos", "cosh",
    "degrees", "dot", "elemwise_add", "elemwise_div", "elemwise_mul", "elemwise_sub",
    "exp", "expm1", "fix", "floor", "gamma", "gammaln", "log", "log10", "log1p",
    "log2", "make_loss", "mean", "negative", "norm", "radians", "relu", "rint",
    "round", "rsqrt", "sigmoid", "sign", "sin", "sinh", "slice", "sqrt", "square",
    "stop_gradient", "sum", "tan", "tanh", "trunc", "where", "zeros_like")

globals().update({name: _make_function(_OPS[name], name) for name in _NAMES
                  if name in _OPS})
__all__ = [name for name in _NAMES if name in _OPS]
