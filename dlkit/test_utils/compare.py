"""Comparing numbers: ``assert_almost_equal`` and its relatives, with tolerances
chosen by dtype when none are given::

    default_rtols()/default_atols()  {dtype: tolerance}
        -> get_tols(x, y, rtol, atol)   the looser default of the two dtypes
        -> assert_almost_equal(a, b)    raises naming the worst element

Every function accepts NDArrays and NumPy (or CuPy) arrays alike.
"""
import os

import numpy as np

from ..context import Context
from ..ndarray.ndarray import NDArray


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
        from ..util import get_cuda_compute_capability
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


# ---- arrays: shared memory, NumPy references for reductions and broadcasting ----
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


def compare_ndarray_tuple(t1, t2, rtol=None, atol=None):
    """``assert_almost_equal`` on two arrays, or pairwise on nested tuples of them."""
    if t1 is None or t2 is None:
        return
    if isinstance(t1, tuple):
        for first, second in zip(t1, t2):
            compare_ndarray_tuple(first, second, rtol, atol)
    else:
        assert_almost_equal(t1, t2, rtol=rtol, atol=atol)
