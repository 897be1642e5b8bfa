"""``mx.test_utils``: helpers for checking numbers and gradients.

``check_numeric_gradient`` is how dlkit proves every operator's ``backward``: it
compares the analytic gradient with central differences of the forward along a random
direction.
"""
import numpy as np

from . import autograd
from .base import MXNetError
from .context import Context, current_context
from .ndarray.ndarray import NDArray, array

__all__ = ["default_context", "set_default_context", "assert_almost_equal",
           "almost_equal",
           "rand_ndarray", "rand_shape_nd", "check_numeric_gradient", "numeric_grad",
           "same"]

_default = []


def default_context():
    """The context tests run on: ``cpu(0)``, unless ``set_default_context`` changed it.
    """
    return _default[-1] if _default else current_context()


def set_default_context(ctx):
    """Make ``ctx`` the context ``default_context`` returns."""
    _default.append(Context(ctx))


def _numpy(value):
    if isinstance(value, NDArray):
        return value.asnumpy()
    if hasattr(value, "get"):  # a CuPy array
        return value.get()
    return np.asarray(value)


def same(a, b):
    """True if two arrays have the same values exactly."""
    return np.array_equal(_numpy(a), _numpy(b))


def almost_equal(a, b, rtol=1e-5, atol=1e-20, equal_nan=False):
    """True if ``|a - b| <= atol + rtol * |b|`` everywhere."""
    return np.allclose(_numpy(a), _numpy(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_almost_equal(a, b, rtol=1e-5, atol=1e-20, names=("a", "b"), equal_nan=False):
    """Raise ``AssertionError`` naming the worst element if ``a`` and ``b`` differ."""
    a, b = _numpy(a), _numpy(b)
    if a.shape != b.shape:
        raise AssertionError(f"shape mismatch: {names[0]} {a.shape} vs {names[1]} "
                             f"{b.shape}")
    if np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    error = np.abs(a.astype(np.float64) - b) - (atol + rtol * np.abs(b))
    index = np.unravel_index(np.nanargmax(error), error.shape)
    raise AssertionError(
        f"{names[0]} and {names[1]} differ (rtol={rtol}, atol={atol}); worst at "
        f"{index}: {names[0]}={a[index]!r}, {names[1]}={b[index]!r}")


def rand_shape_nd(num_dim, dim=10):
    """A random shape with ``num_dim`` dimensions, each in ``[1, dim]``."""
    return tuple(np.random.randint(1, dim + 1, size=num_dim))


def rand_ndarray(shape, stype="default", density=None, dtype=None, ctx=None):
    """A dense NDArray of uniform random values in ``[0, 1)``."""
    if stype != "default":
        raise MXNetError("rand_ndarray: dlkit supports only dense ('default') arrays")
    return array(np.random.uniform(size=shape), ctx or default_context(), dtype)


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
