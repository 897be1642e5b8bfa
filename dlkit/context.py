"""Devices. A ``Context`` says where an array lives and which array module computes it.

``mx.cpu()`` arrays are NumPy arrays; ``mx.gpu(i)`` arrays are CuPy arrays on device
``i``. The rest of dlkit never imports NumPy or CuPy directly to compute: it asks the
context for its array module, called ``xp`` everywhere::

    ctx = mx.gpu(0)      ->  ctx.xp is cupy   (imported only now, on first use)
    ctx = mx.cpu()       ->  ctx.xp is numpy

Contexts nest like MXNet's: ``with mx.gpu(0): x = mx.nd.ones(3)`` puts ``x`` on the GPU.
"""
import functools
import threading

import numpy as np

from .base import MXNetError

__all__ = ["Context", "cpu", "gpu", "cpu_pinned", "current_context", "num_gpus",
           "gpu_memory_info"]

_state = threading.local()


class Context:
    """A device: ``Context('cpu', 0)`` or ``Context('gpu', 1)``.

    Parameters
    ----------
    device_type : str or Context
        ``'cpu'``, ``'gpu'`` or ``'cpu_pinned'`` (treated as cpu memory).
    device_id : int
        Which device of that type.

    Example
    -------
    >>> with mx.Context('cpu', 0):
    ...     x = mx.nd.ones((2,))
    """
    devtype2str = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
    devstr2type = {"cpu": 1, "gpu": 2, "cpu_pinned": 3, "cpu_shared": 5}

    def __init__(self, device_type, device_id=0):
        if isinstance(device_type, Context):
            device_type, device_id = device_type.device_type, device_type.device_id
        if device_type not in self.devstr2type:
            raise MXNetError(f"unknown device type {device_type!r}; use 'cpu' or 'gpu'")
        self.device_type = device_type
        self.device_id = int(device_id)
        self._old_ctx = None

    @property
    def device_typeid(self):
        """MXNet's numeric device type (1 cpu, 2 gpu, 3 cpu_pinned)."""
        return self.devstr2type[self.device_type]

    @functools.cached_property
    def xp(self):
        """The array module that computes on this device: NumPy or CuPy.

        Worked out on first use, then stored on the context: every op asks for it.
        """
        if self.device_type != "gpu":
            return np
        return _cupy_for(self.device_id)

    def __eq__(self, other):
        return (isinstance(other, Context) and self.device_type == other.device_type
                and self.device_id == other.device_id)

    def __hash__(self):
        return hash((self.device_type, self.device_id))

    def __repr__(self):
        return f"{self.device_type}({self.device_id})"

    __str__ = __repr__

    def __enter__(self):
        self._old_ctx = current_context()
        _state.ctx = self
        return self

    def __exit__(self, *exc):
        _state.ctx = self._old_ctx

    def empty_cache(self):
        """Release cached GPU memory (a no-op on cpu)."""
        if self.device_type == "gpu":
            self.xp.get_default_memory_pool().free_all_blocks()


def cpu(device_id=0):
    """The CPU context; ``device_id`` only tells contexts apart (one memory)."""
    return Context("cpu", device_id)


def cpu_pinned(device_id=0):
    """Pinned CPU memory; in dlkit an ordinary CPU context."""
    return Context("cpu_pinned", device_id)


def gpu(device_id=0):
    """The GPU context ``gpu(device_id)``.

    Making the context always works (as in MXNet); the first array placed on it needs
    CuPy and a GPU, and raises a clear ``MXNetError`` if either is missing.
    """
    return Context("gpu", device_id)


def current_context():
    """The context of the innermost ``with ctx:`` block, ``cpu(0)`` outside any."""
    ctx = getattr(_state, "ctx", None)
    if ctx is None:
        ctx = Context("cpu", 0)
        _state.ctx = ctx
    return ctx


def _import_cupy():
    try:
        import cupy
    except ImportError:
        return None
    return cupy


def num_gpus():
    """How many GPUs CuPy can see (0 without CuPy or without a GPU)."""
    cupy = _import_cupy()
    if cupy is None:
        return 0
    try:
        return cupy.cuda.runtime.getDeviceCount()
    except Exception:  # CUDA driver missing or broken: no GPU for us
        return 0


def gpu_memory_info(device_id=0):
    """Free and total bytes of memory on GPU ``device_id``, as CUDA reports them.

    Memory that CuPy's pool keeps cached for reuse counts as used; release it with
    ``mx.gpu(i).empty_cache()``.

    Returns
    -------
    (int, int)
        ``(free, total)`` in bytes.

    Example
    -------
    >>> free, total = mx.context.gpu_memory_info(0)   # doctest: +SKIP
    """
    cupy = _import_cupy()
    if cupy is None:
        raise MXNetError("gpu_memory_info needs CuPy and a GPU; CuPy is not installed "
                         "(`pip install dlkit[gpu]`)")
    count = num_gpus()
    if not 0 <= device_id < count:
        raise MXNetError(f"gpu_memory_info: no GPU {device_id}; CuPy sees {count} "
                         "GPU(s)")
    with cupy.cuda.Device(device_id):   # memGetInfo asks the current device
        free, total = cupy.cuda.runtime.memGetInfo()
    return int(free), int(total)


def _cupy_for(device_id):
    cupy = _import_cupy()
    if cupy is None:
        raise MXNetError(f"gpu({device_id}) needs CuPy, which is not installed; "
                         "install it with `pip install dlkit[gpu]` or use mx.cpu()")
    count = num_gpus()
    if device_id >= count:
        raise MXNetError(f"gpu({device_id}) is not available: CuPy sees {count} "
                         "GPU(s); use mx.cpu() or a smaller device id")
    cupy.cuda.Device(device_id).use()
    return cupy
