"""``mx.sym.contrib``: the operators MXNet files as ``_contrib_*``, as Symbol functions
(``mx.sym.contrib.X`` adds a node of the registered op ``_contrib_X``).

MXNet's symbolic control flow (``foreach``, ``while_loop``, ``cond``) builds operators
that hold whole subgraphs; dlkit's graphs have no such nodes, so these three raise a
``NotImplementedError`` that points to the imperative versions in ``mx.nd.contrib``.
"""
from .. import ops as _ops  # noqa: F401  (registers every operator)
from ..ndarray.register import namespace_functions as _namespace_functions
from .register import make_function as _make_function

globals().update(_namespace_functions("_contrib_", _make_function))


def _no_subgraphs(name):
    def function(*args, **kwargs):
        raise NotImplementedError(
            f"mx.sym.contrib.{name} is not supported by dlkit: it needs operators that "
            f"hold subgraphs, which dlkit's Symbol does not have. Use "
            f"mx.nd.contrib.{name}, which runs the loop in Python (and records it "
            "under autograd), or write the loop in a HybridBlock without hybridizing "
            "it.")
    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"Not supported (needs subgraph operators); use "
                        f"``mx.nd.contrib.{name}``.")
    return function


foreach = _no_subgraphs("foreach")
while_loop = _no_subgraphs("while_loop")
cond = _no_subgraphs("cond")
