"""``mx.util``: GPU queries, environment variables and the NumPy-interface switches.

MXNet 1.9.1 has two array interfaces: the classic ``mx.nd`` NDArray, which dlkit
implements, and ``mx.np``/``mx.npx``, a NumPy-compatible one switched on with
``set_np()`` (NumPy's shape rules, such as ``()`` for a scalar, plus ``mx.np``
arrays). dlkit has no ``mx.np``, so the switches here always read "off"
(``is_np_array()`` is False) and turning one on raises an error that says so.

Example
-------
>>> mx.util.is_np_array()
False
>>> mx.util.get_gpu_count()   # 0 without CuPy or a GPU
0
"""
import os

from .base import MXNetError
from .context import Context, gpu_memory_info, num_gpus

__all__ = ["get_gpu_count", "get_gpu_memory", "get_cuda_compute_capability",
           "getenv", "setenv", "set_module", "is_np_array", "is_np_shape",
           "set_np_shape", "set_np", "reset_np", "np_shape", "np_array", "use_np",
           "use_np_shape", "use_np_array"]


# ---- GPUs ----
def get_gpu_count():
    """How many GPUs dlkit can use (CuPy's device count; 0 without CuPy)."""
    return num_gpus()


def get_gpu_memory(gpu_dev_id):
    """``(free, total)`` bytes of memory on GPU ``gpu_dev_id``; raises without one.

    The same as ``mx.context.gpu_memory_info(gpu_dev_id)``.
    """
    return gpu_memory_info(gpu_dev_id)


def get_cuda_compute_capability(ctx):
    """The CUDA compute capability of a gpu context as one number: 80 for 8.0.

    Example
    -------
    >>> mx.util.get_cuda_compute_capability(mx.gpu(0))   # doctest: +SKIP
    80
    """
    if not isinstance(ctx, Context) or ctx.device_type != "gpu":
        raise ValueError("Expecting a gpu context to get cuda compute capability, "
                         f"while received ctx {ctx}")
    cupy = ctx.xp   # raises a clear MXNetError without CuPy or without that GPU
    return int(cupy.cuda.Device(ctx.device_id).compute_capability)


# ---- environment ----
def getenv(name):
    """The value of environment variable ``name``, or None if it is not set."""
    return os.environ.get(name)


def setenv(name, value):
    """Set environment variable ``name`` to ``value`` (None removes it).

    dlkit reads its settings from Python, so this is ``os.environ`` (MXNet sets the
    C runtime's copy, which its C++ library reads).
    """
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = str(value)


def set_module(module):
    """Decorator: make a function or class report ``module`` as its ``__module__``
    (so ``help()`` shows the public module rather than the file it lives in)."""
    def decorator(function):
        if module is not None:
            function.__module__ = module
        return function
    return decorator


# ---- the NumPy interface: always off in dlkit ----
def _no_np(what):
    return MXNetError(f"dlkit has no NumPy interface (mx.np / mx.npx), so {what} "
                      "cannot be turned on; use the NDArray API (mx.nd) instead")


def is_np_array():
    """Whether ``mx.np`` array semantics are on: always False in dlkit."""
    return False


def is_np_shape():
    """Whether NumPy shape semantics are on: always False in dlkit."""
    return False


def set_np_shape(active):
    """Turn NumPy shape semantics on or off; returns the previous state (False).

    Only ``active=False`` works in dlkit (it changes nothing).
    """
    if active:
        raise _no_np("NumPy shape semantics")
    return False


def set_np(shape=True, array=True):
    """Turn on NumPy shape and array semantics; in dlkit only ``set_np(False,
    False)`` (the same as ``reset_np()``) works.

    Raises
    ------
    ValueError
        ``array=True`` with ``shape=False`` (as in MXNet: arrays need the shapes).
    MXNetError
        For anything else that turns a semantics on.
    """
    if array and not shape:
        raise ValueError("NumPy Shape semantics is required in using NumPy array "
                         "semantics.")
    if shape or array:
        raise _no_np("NumPy shape and array semantics (set_np)")


def reset_np():
    """Turn NumPy shape and array semantics off (they are never on in dlkit)."""


class _OffScope:
    """``with np_shape(False):`` / ``with np_array(False):``: nothing to switch."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        return None


def np_shape(active=True):
    """A ``with`` scope for NumPy shape semantics; only ``active=False`` works."""
    if active:
        raise _no_np("NumPy shape semantics (np_shape)")
    return _OffScope()


def np_array(active=True):
    """A ``with`` scope for NumPy array semantics; only ``active=False`` works."""
    if active:
        raise _no_np("NumPy array semantics (np_array)")
    return _OffScope()


def use_np(func):
    """Decorator that runs ``func`` (or a Block class) with ``mx.np`` semantics: an
    error in dlkit, raised when it decorates, so the mistake shows where it is."""
    raise _no_np(f"the NumPy semantics that @use_np on {_named(func)} needs")


def use_np_shape(func):
    """Decorator for NumPy shape semantics: an error in dlkit (see ``use_np``)."""
    raise _no_np(f"the NumPy shape semantics that @use_np_shape on {_named(func)} "
                 "needs")


def use_np_array(func):
    """Decorator for ``mx.np`` array semantics: an error in dlkit (see ``use_np``)."""
    raise _no_np(f"the NumPy array semantics that @use_np_array on {_named(func)} "
                 "needs")


def _named(func):
    return str(getattr(func, "__name__", func))

