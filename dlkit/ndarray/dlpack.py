"""Sharing memory with NumPy and other libraries: ``from_numpy``, ``from_dlpack``,
``to_dlpack_for_read``, ``to_dlpack_for_write``.

DLPack is a small C struct that several array libraries agree on: a pointer to the
numbers, their device, dtype, shape and strides. A producer wraps one in a Python
*capsule*, and a consumer builds its own array object around the same memory, so no
number is copied::

    x (NDArray) --x.to_dlpack_for_write()--> capsule "dltensor_versioned"
    capsule --mx.nd.from_dlpack--> y (NDArray over x's memory; the capsule is now
                                      "used_dltensor_versioned": one consumer only)

A capsule can be consumed once. NumPy (cpu) and CuPy (gpu) read capsules through
``from_dlpack(obj)``, which asks ``obj`` for its capsule and its device.
"""
import ctypes

import numpy as np

from ..base import MXNetError
from ..context import cpu, gpu
from .ndarray import NDArray, array

__all__ = ["from_numpy", "from_dlpack", "to_dlpack_for_read", "to_dlpack_for_write"]

# The dtypes MXNet 1.9.1's from_numpy shares without a copy.
_DLPACK_DTYPES = ("int32", "int64", "bool", "uint8", "uint32", "uint64", "float16",
                  "float32", "float64")
_CPU, _CUDA = 1, 2   # DLPack's device type codes


def from_numpy(ndarray, zero_copy=True, array_cls=NDArray):
    """An NDArray on ``cpu(0)`` sharing the memory of the NumPy array ``ndarray``.

    As in MXNet, ``ndarray`` keeps its dtype and becomes read-only (write through the
    NDArray instead), and only C-contiguous arrays can be shared; ``zero_copy=False``
    copies instead, like ``mx.nd.array(ndarray, dtype=ndarray.dtype)``.

    Example
    -------
    >>> a = numpy.zeros(3)
    >>> x = mx.nd.from_numpy(a)
    >>> x += 1
    >>> a
    array([1., 1., 1.])
    """
    if not zero_copy:
        return array(ndarray, dtype=ndarray.dtype)
    if str(ndarray.dtype) not in _DLPACK_DTYPES:
        raise ValueError(f"{ndarray.dtype} is not supported.")
    if not ndarray.flags["C_CONTIGUOUS"]:
        raise ValueError("Only c-contiguous arrays are supported for zero-copy")
    shared = ndarray.view()   # still writable: the NDArray writes through it...
    ndarray.flags["WRITEABLE"] = False   # ...while the caller's array is read-only
    return array_cls(shared, cpu(0))


def to_dlpack_for_read(data):
    """``data.to_dlpack_for_read()``: a read-only DLPack capsule of ``data``."""
    return data.to_dlpack_for_read()


def to_dlpack_for_write(data):
    """``data.to_dlpack_for_write()``: a writable DLPack capsule of ``data``."""
    return data.to_dlpack_for_write()


def from_dlpack(dlpack):
    """An NDArray over the memory of a DLPack capsule (from ``to_dlpack_for_read`` or
    ``_for_write``, or another library); no copy. The capsule is used up.

    A capsule in DLPack's older format (``dltensor``, what MXNet 1.9.1 and older
    libraries make) gives a read-only array on cpu: that format cannot say whether
    the memory may be written, so NumPy assumes not.
    """
    device_type, device_id = _capsule_device(dlpack)
    if device_type == _CPU:
        return NDArray(np.from_dlpack(_Capsule(dlpack, (device_type, 0))), cpu(0))
    if device_type == _CUDA:
        import cupy
        with cupy.cuda.Device(device_id):
            data = cupy.from_dlpack(_Capsule(dlpack, (device_type, device_id)))
        return NDArray(data, gpu(device_id))
    raise MXNetError(f"from_dlpack: the capsule's memory is on DLPack device type "
                     f"{device_type}; dlkit handles cpu ({_CPU}) and CUDA ({_CUDA})")


class _Capsule:
    """Hands an existing capsule to ``numpy.from_dlpack``/``cupy.from_dlpack``, which
    take an object with ``__dlpack__`` and ``__dlpack_device__``."""

    def __init__(self, capsule, device):
        self.capsule = capsule
        self.device = device

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return self.device


# C's PyCapsule functions, with prototypes of our own (not shared ctypes.pythonapi
# attributes that another library may configure differently).
_is_valid = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.py_object, ctypes.c_char_p)(
    ("PyCapsule_IsValid", ctypes.pythonapi))
_pointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", ctypes.pythonapi))
# Where the DLTensor starts in each capsule format: first in DLManagedTensor; after
# a version (8 bytes), two pointers and a 64-bit flags word in the 1.0 format.
_TENSOR_OFFSET = {b"dltensor": 0,
                  b"dltensor_versioned": 8 + 2 * ctypes.sizeof(ctypes.c_void_p) + 8}


def _capsule_device(capsule):
    """``(device_type, device_id)`` of the DLTensor in an unused capsule: the two
    int32 right after the tensor's data pointer."""
    for name, offset in _TENSOR_OFFSET.items():
        if _is_valid(capsule, name):
            tensor = _pointer(capsule, name) + offset
            device = (ctypes.c_int32 * 2).from_address(
                tensor + ctypes.sizeof(ctypes.c_void_p))
            return device[0], device[1]
    raise MXNetError("from_dlpack: expected an unused DLPack capsule (from "
                     "to_dlpack_for_read or to_dlpack_for_write), got "
                     f"{type(capsule).__name__}; a capsule can be consumed only once")
