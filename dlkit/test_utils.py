"""``mx.test_utils``: helpers for checking numbers and gradients.

``check_numeric_gradient`` is how dlkit proves every operator's ``backward``: it
compares the analytic gradient with central differences of the forward along a random
direction. The other helpers are MXNet's tools for writing such tests:

    tolerances   default_rtols/atols by dtype -> get_tols(x, y, rtol, atol)
                 -> assert_almost_equal(a, b) (rtol/atol None: chosen by dtype)
    Symbols      check_symbolic_forward/backward (bind, run, compare with expected),
                 check_consistency (one graph on several contexts and dtypes)
    random data  rand_shape_2d/3d/nd, rand_ndarray, random_arrays, rand_coord_2d
    scaffolding  environment(...) for variables, discard_stderr(), DummyIter, retry
"""
import contextlib
import os
import sys

import numpy as np

from . import autograd
from .base import MXNetError
from .context import Context, current_context, num_gpus
from .io.base import DataIter
from .ndarray.ndarray import NDArray, array

__all__ = ["default_context", "set_default_context", "assert_almost_equal",
           "almost_equal", "assert_almost_equal_ignore_nan", "assert_allclose",
           "assert_exception", "rand_ndarray", "rand_shape_2d", "rand_shape_3d",
           "rand_shape_nd", "rand_coord_2d", "random_arrays", "random_uniform_arrays",
           "random_sample", "check_numeric_gradient", "numeric_grad", "same",
           "same_array", "check_symbolic_forward", "check_symbolic_backward",
           "check_consistency", "simple_forward", "default_rtols", "default_atols",
           "default_numeric_eps", "default_dtype", "effective_dtype", "get_tolerance",
           "get_tols", "get_rtol", "get_atol", "get_etol", "np_reduce",
           "collapse_sum_like", "create_vector", "create_2d_tensor",
           "compare_ndarray_tuple", "list_gpus", "retry", "environment",
           "discard_stderr", "DummyIter", "get_mnist_iterator"]

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


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    """True if ``|a - b| <= atol + rtol * |b|`` everywhere (tolerances None: chosen by
    dtype, see ``get_tols``)."""
    a, b = _numpy(a), _numpy(b)
    rtol, atol = get_tols(a, b, rtol, atol)
    return np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_almost_equal(a, b, rtol=None, atol=None, names=("a", "b"), equal_nan=False,
                        use_broadcast=True, mismatches=(10, 10)):
    """Raise ``AssertionError`` naming the worst element if ``a`` and ``b`` differ.

    ``rtol``/``atol`` None take the defaults of the less precise dtype of the two
    (``get_tols``): 1e-4/1e-3 for float32, 1e-5/1e-20 for float64, 0 for integers.

    Example
    -------
    >>> mx.test_utils.assert_almost_equal(mx.nd.ones(2), np.ones(2) + 1e-6)
    """
    a, b = _numpy(a), _numpy(b)
    rtol, atol = get_tols(a, b, rtol, atol)
    if a.shape != b.shape:
        raise AssertionError(f"shape mismatch: {names[0]} {a.shape} vs {names[1]} "
                             f"{b.shape}")
    if np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    error = np.abs(a.astype(np.float64) - b) - (atol + rtol * np.abs(b))
    index = tuple(int(i) for i in np.unravel_index(np.nanargmax(error), error.shape))
    wrong = int(np.sum(~np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))
    raise AssertionError(
        f"{names[0]} and {names[1]} differ (rtol={rtol}, atol={atol}) at {wrong} of "
        f"{a.size} elements; worst at {index}: {names[0]}={a[index]}, "
        f"{names[1]}={b[index]}")


def assert_almost_equal_ignore_nan(a, b, rtol=None, atol=None, names=("a", "b")):
    """``assert_almost_equal`` after zeroing every place where either side is NaN."""
    a, b = np.copy(_numpy(a)), np.copy(_numpy(b))
    either_nan = np.isnan(a) | np.isnan(b)
    a[either_nan] = 0
    b[either_nan] = 0
    assert_almost_equal(a, b, rtol, atol, names)


def assert_allclose(a, b, rtol=1e-07, atol=0, equal_nan=True):
    """NumPy's ``assert_allclose`` on NDArrays or NumPy arrays."""
    np.testing.assert_allclose(_numpy(a), _numpy(b), rtol=rtol, atol=atol,
                               equal_nan=equal_nan)


def assert_exception(f, exception_type, *args, **kwargs):
    """Check that ``f(*args, **kwargs)`` raises ``exception_type``.

    Example
    -------
    >>> mx.test_utils.assert_exception(mx.nd.ones, TypeError, "three")
    """
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    name = getattr(f, "__name__", repr(f))
    raise AssertionError(f"{name} did not raise {exception_type.__name__}")


# ---- tolerances by dtype ----
def default_rtols():
    """Relative tolerance by dtype: loose for float16, none for integers."""
    return {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4,
            np.dtype(np.float64): 1e-5, np.dtype(np.bool_): 0, np.dtype(np.int8): 0,
            np.dtype(np.uint8): 0, np.dtype(np.int32): 0, np.dtype(np.uint32): 0,
            np.dtype(np.int64): 0, np.dtype(np.uint64): 0}


def default_atols():
    """Absolute tolerance by dtype."""
    return {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3,
            np.dtype(np.float64): 1e-20, np.dtype(np.bool_): 0, np.dtype(np.int8): 0,
            np.dtype(np.uint8): 0, np.dtype(np.int32): 0, np.dtype(np.uint32): 0,
            np.dtype(np.int64): 0, np.dtype(np.uint64): 0}


def default_numeric_eps():
    """Finite-difference step by dtype: powers of two, exact as an input change."""
    return {np.dtype(np.float16): 1.0 / 2 ** 6, np.dtype(np.float32): 1.0 / 2 ** 9,
            np.dtype(np.float64): 1.0 / 2 ** 14}


def default_dtype():
    """The dtype test data is made in: float32."""
    return np.float32


def effective_dtype(dat):
    """The dtype whose tolerances fit ``dat``: its dtype, except float32 on a GPU
    whose float32 matrix products round inputs to TF32 (about float16's precision).

    CuPy does that only when ``CUPY_TF32=1`` and the GPU's compute capability is at
    least 8.0 (MXNet's CUDA libraries do it by default there).
    """
    dtype = np.dtype(dat.dtype)
    ctx = getattr(dat, "context", None)
    if (dtype == np.float32 and isinstance(ctx, Context) and ctx.device_type == "gpu"
            and os.environ.get("CUPY_TF32") == "1"
            and os.environ.get("NVIDIA_TF32_OVERRIDE") != "0"):
        from .util import get_cuda_compute_capability
        if get_cuda_compute_capability(ctx) >= 80:
            return np.dtype(np.float16)
    return dtype


def get_tolerance(dat, tol, default_tol):
    """``tol`` if it is a number, else its entry for ``dat``'s dtype (``tol`` a dict
    or None), else ``default_tol``'s."""
    if isinstance(tol, (int, float, np.number)):
        return tol
    dtype = effective_dtype(dat)
    tol = {} if tol is None else tol
    return tol.get(dtype, default_tol[dtype])


def get_tols(x, y, rtol, atol):
    """``(rtol, atol)`` for comparing ``x`` and ``y``: the given numbers, or the
    looser default of their two dtypes."""
    x = np.array(x) if isinstance(x, (int, float, np.number)) else x
    y = np.array(y) if isinstance(y, (int, float, np.number)) else y
    rtol = max(get_tolerance(x, rtol, default_rtols()),
               get_tolerance(y, rtol, default_rtols()))
    atol = max(get_tolerance(x, atol, default_atols()),
               get_tolerance(y, atol, default_atols()))
    return rtol, atol


def get_rtol(rtol=None, dtype=np.dtype(np.float64)):
    """``rtol``, or the default relative tolerance of ``dtype``."""
    return default_rtols()[np.dtype(dtype)] if rtol is None else rtol


def get_atol(atol=None, dtype=np.dtype(np.float64)):
    """``atol``, or the default absolute tolerance of ``dtype``."""
    return default_atols()[np.dtype(dtype)] if atol is None else atol


def get_etol(etol=None):
    """``etol`` (the fraction of elements allowed to differ), 0 by default."""
    return 0 if etol is None else etol


def rand_shape_nd(num_dim, dim=10, allow_zero_size=False):
    """A random shape with ``num_dim`` dimensions, each in ``[1, dim]`` (from 0 with
    ``allow_zero_size``)."""
    low = 0 if allow_zero_size else 1
    return tuple(np.random.randint(low, dim + 1, size=num_dim))


def rand_shape_2d(dim0=10, dim1=10, allow_zero_size=False):
    """A random 2-d shape, each dimension in ``[1, dim]`` (from 0 if allowed)."""
    low = 0 if allow_zero_size else 1
    return np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1)


def rand_shape_3d(dim0=10, dim1=10, dim2=10, allow_zero_size=False):
    """A random 3-d shape, each dimension in ``[1, dim]`` (from 0 if allowed)."""
    low = 0 if allow_zero_size else 1
    return (np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1),
            np.random.randint(low, dim2 + 1))


def rand_coord_2d(x_low, x_high, y_low, y_high):
    """A random point ``(x, y)`` with ``x_low <= x < x_high``, ``y_low <= y < y_high``.
    """
    x = np.random.randint(x_low, x_high, dtype=np.int64)
    y = np.random.randint(y_low, y_high, dtype=np.int64)
    return x, y


def random_arrays(*shapes):
    """Standard-normal NumPy arrays of ``default_dtype()``, one per shape (the array
    itself for a single shape)."""
    arrays = [np.array(np.random.randn(), dtype=default_dtype()) if len(shape) == 0
              else np.random.randn(*shape).astype(default_dtype()) for shape in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def random_uniform_arrays(*shapes, low=0.0, high=1.0, dtype=None):
    """Uniform NumPy arrays in ``[low, high)``, one per shape (always a list)."""
    dtype = default_dtype() if dtype is None else dtype
    return [np.random.uniform(low, high, size=shape).astype(dtype) for shape in shapes]


def random_sample(population, k):
    """``k`` different elements of ``population``, in random order (NumPy's random
    state, so ``np.random.seed`` repeats it)."""
    if not 0 <= k <= len(population):
        raise ValueError(f"random_sample: k={k} is not in [0, {len(population)}]")
    order = np.random.permutation(len(population))[:k]
    return [population[index] for index in order]


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


# ---- arrays ----
def same_array(array1, array2):
    """True if two NDArrays share memory: a change to ``array1`` shows in ``array2``.

    Found the way MXNet does, by adding 1 to ``array1`` and looking (then undoing it).
    """
    before = array2.asnumpy().copy()
    array1[:] += 1
    changed = not same(array2, before)
    array1[:] -= 1
    return changed


def np_reduce(dat, axis, keepdims, numpy_reduce_func):
    """Reduce NumPy array ``dat`` over ``axis`` (int, list or None = all) one axis at a
    time with ``numpy_reduce_func`` (such as ``np.sum``), keeping the reduced axes as
    1s if ``keepdims``."""
    if isinstance(axis, int):
        axes = [axis]
    else:
        axes = list(range(dat.ndim)) if axis is None else list(axis)
    axes = [a % dat.ndim for a in axes]
    result = dat
    for one_axis in sorted(axes, reverse=True):   # the last first: numbers stay valid
        result = numpy_reduce_func(result, axis=one_axis)
    if keepdims:
        shape = [1 if i in axes else size for i, size in enumerate(dat.shape)]
        result = np.reshape(result, shape)
    return result


def collapse_sum_like(a, shape):
    """Sum NumPy array ``a`` down to ``shape``, which broadcasts to ``a.shape``: the
    gradient of a broadcast input."""
    extra = a.ndim - len(shape)
    if extra < 0:
        raise ValueError(f"collapse_sum_like: shape {tuple(shape)} has more dimensions "
                         f"than the array's {a.shape}")
    if a.size == 0 or int(np.prod(shape)) == 0:
        return np.zeros(shape, dtype=a.dtype)
    axes = list(range(extra))
    for index, size in enumerate(shape):
        if size != a.shape[extra + index]:
            if size != 1:
                raise ValueError(f"collapse_sum_like: shape {tuple(shape)} does not "
                                 f"broadcast to {a.shape}")
            axes.append(extra + index)
    return np.sum(a, axis=tuple(axes)).reshape(shape)


def create_vector(size, dtype=np.int64):
    """The NDArray ``[0, 1, ..., size - 1]``."""
    from .ndarray import arange
    return arange(0, size, dtype=dtype)


def create_2d_tensor(rows, columns, dtype=np.int64):
    """A ``(rows, columns)`` NDArray whose row ``i`` is all ``i``."""
    from .ndarray import arange, broadcast_to
    column = arange(0, rows, dtype=dtype).reshape(rows, 1)
    return broadcast_to(column, shape=(rows, columns))


def compare_ndarray_tuple(t1, t2, rtol=None, atol=None):
    """``assert_almost_equal`` on two arrays, or pairwise on nested tuples of them."""
    if t1 is None or t2 is None:
        return
    if isinstance(t1, tuple):
        for first, second in zip(t1, t2):
            compare_ndarray_tuple(first, second, rtol, atol)
    else:
        assert_almost_equal(t1, t2, rtol=rtol, atol=atol)


# ---- Symbols ----
def _as_arrays(symbol, values, names, what, ctx, dtype):
    """``{name: NDArray}`` from a list (in ``names`` order) or dict of arrays."""
    if values is None:
        return None
    if isinstance(values, dict):
        if set(values) != set(names):
            raise ValueError(f"Symbol {what} and keys of the given {what} do not match:"
                             f" symbol has {sorted(names)}, given {sorted(values)}")
    else:
        values = dict(zip(names, values))
    arrays = {}
    for name in names:
        value = values[name]
        if dtype == "asnumpy":
            arrays[name] = array(_numpy(value), ctx, _numpy(value).dtype)
        else:
            arrays[name] = array(_numpy(value), ctx, dtype)
    return arrays


def check_symbolic_forward(sym, location, expected, rtol=None, atol=None,
                           aux_states=None, ctx=None, equal_nan=False,
                           dtype=np.float32):
    """Bind ``sym`` at ``location``, run forward (``is_train=False``) and compare each
    output with ``expected`` (a list in output order or a dict by output name).

    ``location``/``aux_states``: arrays in ``list_arguments()``/
    ``list_auxiliary_states()`` order, or dicts by name. ``dtype`` is the dtype they
    are made in, or ``"asnumpy"`` to keep each array's own. Returns the outputs.

    Example
    -------
    >>> lhs, rhs = mx.sym.Variable("lhs"), mx.sym.Variable("rhs")
    >>> mx.test_utils.check_symbolic_forward(
    ...     mx.sym.dot(lhs, rhs), [np.eye(2), np.ones((2, 2))], [np.ones((2, 2))])
    [...]
    """
    ctx = ctx or default_context()
    args = _as_arrays(sym, location, sym.list_arguments(), "arguments", ctx, dtype)
    aux = _as_arrays(sym, aux_states, sym.list_auxiliary_states(), "aux_states", ctx,
                     dtype)
    if isinstance(expected, dict):
        expected = [expected[name] for name in sym.list_outputs()]
    grads = {name: array(np.zeros(value.shape), ctx, value.dtype)
             for name, value in args.items()}
    executor = sym.bind(ctx, args=args, args_grad=grads, aux_states=aux)
    executor.forward(is_train=False)
    for name, want, output in zip(sym.list_outputs(), expected, executor.outputs):
        assert_almost_equal(want, output, rtol, atol,
                            (f"EXPECTED_{name}", f"FORWARD_{name}"),
                            equal_nan=equal_nan)
    return executor.outputs


def check_symbolic_backward(sym, location, out_grads, expected, rtol=None, atol=None,
                            aux_states=None, grad_req="write", ctx=None,
                            grad_stypes=None, equal_nan=False, dtype=np.float32):
    """Bind ``sym``, run forward and backward with ``out_grads`` and compare the
    argument gradients with ``expected`` (a list in argument order or a dict).

    Gradient arrays start as random numbers, so 'add' is checked as the change and
    'null' as no change. Returns ``{name: gradient NDArray}``.

    Example
    -------
    >>> x = mx.sym.Variable("x")
    >>> grads = mx.test_utils.check_symbolic_backward(
    ...     x * 3, [np.ones(2)], [np.ones(2)], [3 * np.ones(2)])
    """
    ctx = ctx or default_context()
    arg_names = sym.list_arguments()
    args = _as_arrays(sym, location, arg_names, "arguments", ctx, dtype)
    aux = _as_arrays(sym, aux_states, sym.list_auxiliary_states(), "aux_states", ctx,
                     dtype)
    if not isinstance(expected, dict):
        expected = dict(zip(arg_names, expected))
    if isinstance(grad_req, str):
        grad_req = {name: grad_req for name in arg_names}
    elif not isinstance(grad_req, dict):
        grad_req = dict(zip(arg_names, grad_req))
    # gradient buffers start dirty (random, in name order), so a missed write shows
    dirty = {name: np.random.normal(size=args[name].shape) for name in sorted(expected)}
    grads = {name: array(value, ctx, _numpy(expected[name]).dtype if dtype == "asnumpy"
                         else dtype) for name, value in dirty.items()}
    executor = sym.bind(ctx, args=args, args_grad=grads, grad_req=grad_req,
                        aux_states=aux)
    executor.forward(is_train=True)
    if isinstance(out_grads, dict):
        out_grads = [out_grads[name] for name in sym.list_outputs()]
    if out_grads is not None:
        out_grads = [value if isinstance(value, NDArray) else
                     array(value, ctx, _numpy(value).dtype if dtype == "asnumpy"
                           else dtype) for value in out_grads]
    executor.backward(out_grads)
    for name, want in expected.items():
        labels = (f"EXPECTED_{name}", f"BACKWARD_{name}")
        got = grads[name].asnumpy()
        if grad_req[name] == "write":
            assert_almost_equal(want, got, rtol, atol, labels, equal_nan=equal_nan)
        elif grad_req[name] == "add":
            assert_almost_equal(want, got - dirty[name], rtol, atol, labels,
                                equal_nan=equal_nan)
        elif grad_req[name] == "null":
            assert_almost_equal(dirty[name], got, rtol, atol, labels,
                                equal_nan=equal_nan)
        else:
            raise ValueError(f"Invalid grad_req {grad_req[name]} for argument {name}")
    return grads


def check_consistency(sym, ctx_list, scale=1.0, grad_req="write", arg_params=None,
                      aux_params=None, rtol=None, atol=None, raise_on_err=True,
                      ground_truth=None, equal_nan=False, use_uniform=False,
                      rand_type=np.float64):
    """Run one graph (or one per entry) on several contexts and dtypes and check that
    all agree with the most precise run, forward and (unless ``grad_req='null'``)
    backward.

    ``ctx_list`` holds ``simple_bind`` keywords per run: ``{'ctx': mx.cpu(0),
    'fc_data': (2, 4), 'type_dict': {'fc_data': np.float32}}``. Inputs not in
    ``arg_params`` are random (normal with std ``scale``, or uniform). Returns the
    reference values ``{name: NDArray}``: outputs, then argument gradients.

    Example
    -------
    >>> sym = mx.sym.FullyConnected(num_hidden=3, name="fc")
    >>> runs = [{"ctx": mx.cpu(0), "fc_data": (2, 4),
    ...          "type_dict": {"fc_data": dtype}} for dtype in (np.float64, np.float32)]
    >>> reference = mx.test_utils.check_consistency(sym, runs)
    """
    if len(ctx_list) < 2:
        raise ValueError("check_consistency: give at least two runs in ctx_list")
    symbols = list(sym) if isinstance(sym, (list, tuple)) else [sym] * len(ctx_list)
    if len(symbols) != len(ctx_list):
        raise ValueError(f"check_consistency: {len(symbols)} symbols for "
                         f"{len(ctx_list)} runs")
    output_names = symbols[0].list_outputs()
    executors = [s.simple_bind(grad_req=grad_req, **dict(run))
                 for s, run in zip(symbols, ctx_list)]
    _fill_inputs(executors, scale, arg_params, aux_params, use_uniform, rand_type,
                 grad_req)
    for executor in executors:
        executor.forward(is_train=False)
    # the reference: the first run whose first output has the widest dtype
    reference = int(np.argmax([np.dtype(e.outputs[0].dtype).itemsize
                               for e in executors]))

    def compare(stage, names, arrays_of, truth):
        for index, executor in enumerate(executors):
            if index == reference:
                continue
            for name, got in zip(names, arrays_of(executor)):
                if truth.get(name) is None:
                    continue
                try:
                    assert_almost_equal(got, truth[name], rtol=rtol, atol=atol,
                                        names=(f"run {index} {name}",
                                               f"run {reference} {name}"),
                                        equal_nan=equal_nan)
                except AssertionError as error:
                    if raise_on_err:
                        raise
                    print(f"{stage} error: {error}")

    truth = dict(ground_truth) if ground_truth is not None else \
        dict(executors[reference].output_dict)
    compare("Predict", output_names, lambda e: e.outputs, truth)
    if grad_req != "null":
        _forward_backward(executors)
        if ground_truth is None:
            truth = dict(executors[reference].output_dict)
            truth.update(executors[reference].grad_dict)
        names = output_names + symbols[0].list_arguments()
        compare("Train", names, lambda e: e.outputs + e.grad_arrays, truth)
    return truth


def _fill_inputs(executors, scale, arg_params, aux_params, use_uniform, rand_type,
                 grad_req):
    """The same inputs for every run of ``check_consistency``."""
    arg_params = dict(arg_params or {})
    aux_params = dict(aux_params or {})
    for name, value in sorted(executors[0].arg_dict.items()):   # a repeatable order
        if name not in arg_params:
            if use_uniform:
                arg_params[name] = np.random.uniform(-0.92 * scale, 0.92 * scale,
                                                     size=value.shape).astype(rand_type)
            else:
                arg_params[name] = np.random.normal(size=value.shape,
                                                    scale=scale).astype(rand_type)
    for executor in executors:
        for name, target in executor.arg_dict.items():
            target[:] = _numpy(arg_params[name]).astype(target.dtype)
        for name, target in executor.aux_dict.items():
            target[:] = aux_params.get(name, 0)
        if grad_req == "add":
            for target in executor.grad_arrays:
                if target is not None:
                    target[:] = 0


def _forward_backward(executors):
    """Train-mode forward in every run, then backward with the first run's outputs
    (cast to the least precise output dtype) as the head gradients."""
    for executor in executors:
        executor.forward(is_train=True)
    heads = []
    for index, output in enumerate(executors[0].outputs):
        narrowest = min((e.outputs[index].dtype for e in executors),
                        key=lambda dtype: np.dtype(dtype).itemsize)
        heads.append(output.asnumpy().astype(narrowest))
    for executor in executors:
        executor.backward([array(head, output.context, output.dtype)
                           for head, output in zip(heads, executor.outputs)])


def simple_forward(sym, ctx=None, is_train=False, **inputs):
    """Run ``sym`` on NumPy ``inputs`` (by argument name); NumPy results (one array
    for one output)."""
    ctx = ctx or default_context()
    executor = sym.bind(ctx, args={name: array(value, ctx)
                                   for name, value in inputs.items()})
    executor.forward(is_train=is_train)
    outputs = [output.asnumpy() for output in executor.outputs]
    return outputs[0] if len(outputs) == 1 else outputs


# ---- test scaffolding ----
def list_gpus():
    """``range(number of GPUs)``: the ids of the GPUs dlkit can use."""
    return range(num_gpus())


def retry(n):
    """Decorator: run a random test up to ``n`` times, failing only if every run
    raises ``AssertionError``."""
    if n <= 0:
        raise ValueError(f"retry: n must be positive, got {n}")

    def decorate(test):
        def wrapper(*args, **kwargs):
            for attempt in range(n):
                try:
                    test(*args, **kwargs)
                    return
                except AssertionError:
                    if attempt == n - 1:
                        raise
        wrapper.__name__ = test.__name__
        wrapper.__doc__ = test.__doc__
        return wrapper
    return decorate


@contextlib.contextmanager
def environment(*args):
    """``with environment(name, value):`` or ``with environment({name: value}):``
    sets environment variables (None unsets) and restores them afterwards.

    Example
    -------
    >>> with mx.test_utils.environment("MXNET_ENGINE_TYPE", "NaiveEngine"):
    ...     pass
    """
    if len(args) == 1 and isinstance(args[0], dict):
        wanted = dict(args[0])
    elif len(args) == 2:
        wanted = {args[0]: args[1]}
    else:
        raise ValueError("environment: expecting one dict arg or two args: env var "
                         "name and value")
    saved = {name: os.environ.get(name) for name in wanted}
    _set_environment(wanted)
    try:
        yield
    finally:
        _set_environment(saved)


def _set_environment(values):
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextlib.contextmanager
def discard_stderr():
    """``with discard_stderr():`` sends everything written to standard error, by
    Python or by C code (file descriptor 2), to the null device."""
    sys.stderr.flush()
    with open(os.devnull, "w") as null, contextlib.redirect_stderr(null):
        try:
            saved = os.dup(2)
        except OSError:    # no descriptor 2 (some embedded interpreters): Python only
            yield
            return
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class DummyIter(DataIter):
    """Gives the first batch of ``real_iter`` forever (for timing a model without the
    cost of reading data)."""

    def __init__(self, real_iter):
        super().__init__(real_iter.batch_size)
        self.real_iter = real_iter
        self.provide_data = real_iter.provide_data
        self.provide_label = real_iter.provide_label
        self.the_batch = next(real_iter)

    def __iter__(self):
        return self

    def next(self):
        """The same first batch, every time; never raises ``StopIteration``."""
        return self.the_batch


_MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def get_mnist_iterator(batch_size, input_shape, num_parts=1, part_index=0):
    """``(train_iter, val_iter)``: ``MNISTIter``s over the MNIST files in ``data/``.

    ``input_shape`` of 3 numbers gives images ``(1, 28, 28)``, else flat vectors.

    Differs from MXNet: dlkit downloads nothing; put the four unzipped idx files
    (``train-images-idx3-ubyte``...) in ``./data`` first, or it raises.
    """
    from .io import MNISTIter
    missing = [name for name in _MNIST_FILES
               if not os.path.exists(os.path.join("data", name))]
    if missing:
        raise MXNetError(f"get_mnist_iterator: {missing} not found in "
                         f"{os.path.abspath('data')}; dlkit does not download data. "
                         "Put MNIST's four unzipped idx files there")
    flat = len(input_shape) != 3
    train_iter = MNISTIter(image="data/train-images-idx3-ubyte",
                           label="data/train-labels-idx1-ubyte", batch_size=batch_size,
                           shuffle=True, flat=flat, num_parts=num_parts,
                           part_index=part_index)
    val_iter = MNISTIter(image="data/t10k-images-idx3-ubyte",
                         label="data/t10k-labels-idx1-ubyte", batch_size=batch_size,
                         shuffle=False, flat=flat, num_parts=num_parts,
                         part_index=part_index)
    return train_iter, val_iter
