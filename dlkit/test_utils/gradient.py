"""``check_numeric_gradient``: how dlkit proves every operator's ``backward``.

It compares the analytic gradient (autograd, or a Symbol's backward) with central
differences of the forward along a random direction, one input at a time::

    w random, f(x) scalar = sum(w * outputs)
    numeric   (f(x + eps v) - f(x - eps v)) / (2 eps)      v random, one input
    analytic  sum(x.grad * v)                               after backward(w)
"""
import numpy as np

from .. import autograd
from ..ndarray.ndarray import NDArray, array
from .compare import _numpy
from .data import default_context


def numeric_grad(function, inputs, directions, eps=1e-4):
    """Directional derivative of scalar ``function(inputs)`` along ``directions``.

    Central differences: ``(f(x + eps v) - f(x - eps v)) / (2 eps)``.
    """
    plus = [x + eps * v for x, v in zip(inputs, directions)]
    minus = [x - eps * v for x, v in zip(inputs, directions)]
    return (function(plus) - function(minus)) / (2 * eps)


def check_numeric_gradient(sym_or_function, location, aux_states=None, numeric_eps=1e-4,
                           rtol=1e-2, atol=None, grad_nodes=None, ctx=None,
                           dtype=np.float64, seed=0):
    """Check analytic against numeric gradients of ``sum(w * f(x))`` for random ``w``.

    ``sym_or_function`` is a Python function of NDArrays (run under ``autograd``) or a
    Symbol (bound with ``simple_bind``-style arrays). ``location`` is a list or dict of
    input arrays (NumPy or NDArray). Each input is checked along a random direction.
    """
    ctx = ctx or default_context()
    names = list(location) if isinstance(location, dict) else None
    values = list(location.values()) if isinstance(location, dict) else list(location)
    values = [_numpy(v).astype(dtype) for v in values]
    if not callable(sym_or_function) or hasattr(sym_or_function, "list_arguments"):
        function = _symbol_function(sym_or_function, names, aux_states, ctx)
    else:
        function = sym_or_function
    random = np.random.RandomState(seed)
    probe = function([array(v, ctx, dtype) for v in values])
    weights = [random.uniform(-1, 1, size=o.shape) for o in _as_list(probe)]

    def scalar(arrays):
        outputs = _as_list(function([array(v, ctx, dtype) for v in arrays]))
        return sum(float((o.asnumpy() * w).sum()) for o, w in zip(outputs, weights))

    inputs = [array(v, ctx, dtype) for v in values]
    for x in inputs:
        x.attach_grad()
    with autograd.record():
        outputs = _as_list(function(inputs))
    head_grads = [array(w, ctx, o.dtype) for w, o in zip(weights, outputs)]
    autograd.backward(outputs, head_grads)
    for index, x in enumerate(inputs):
        label = names[index] if names else f"input {index}"
        if grad_nodes is not None and (names[index] if names
                                       else index) not in grad_nodes:
            continue
        direction = random.uniform(-1, 1, size=values[index].shape)
        directions = [direction if i == index else np.zeros_like(v)
                      for i, v in enumerate(values)]
        expected = numeric_grad(scalar, values, directions, numeric_eps)
        actual = float((x.grad.asnumpy() * direction).sum())
        tolerance = (atol if atol is not None else 1e-6) + rtol * abs(expected)
        # written as "not <=" so that a NaN on either side fails instead of passing
        if not abs(actual - expected) <= tolerance:
            raise AssertionError(f"gradient of {label}: analytic {actual!r} vs numeric "
                                 f"{expected!r} (rtol={rtol})")


def _as_list(value):
    return [value] if isinstance(value, NDArray) else list(value)


def _symbol_function(symbol, names, aux_states, ctx):
    """Wrap a Symbol as a function of NDArrays (needs dlkit.symbol)."""
    def function(arrays):
        arguments = dict(zip(names or symbol.list_arguments(), arrays))
        return symbol.eval_imperative(ctx=ctx, aux_states=aux_states, **arguments)
    return function
