"""Things every part of dlkit shares: the error type, default dtype and dtype names.

``MXNetError`` is the one exception type users catch, exactly as with MXNet. dlkit's
messages are longer than MXNet's on purpose: they name the operator, the argument, the
shapes or values involved and, where possible, the fix.

MXNet quirk kept: arrays are float32 unless you ask otherwise (``mx_real_t``), even when
they are made from Python floats or float64 NumPy arrays.
"""
import numpy as np

__all__ = ["MXNetError", "mx_real_t", "dtype_np", "dtype_name", "DTYPE_NAME_TO_ID",
           "DTYPE_ID_TO_NAME"]


class MXNetError(RuntimeError):
    """The error dlkit raises for every mistake a user can make, as MXNet does.

    It subclasses ``RuntimeError`` like MXNet's ``mxnet.base.MXNetError``.
    """


mx_real_t = np.float32

# MXNet's type flags, used by the binary .params format and by Symbol JSON.
DTYPE_NAME_TO_ID = {
    "float32": 0, "float64": 1, "float16": 2, "uint8": 3, "int32": 4, "int8": 5,
    "int64": 6, "bool": 7, "int16": 8, "uint16": 9, "uint32": 10, "uint64": 11,
}
DTYPE_ID_TO_NAME = {v: k for k, v in DTYPE_NAME_TO_ID.items()}


def dtype_np(dtype):
    """Turn ``'float32'``, ``np.float32`` or ``None`` (float32) into a NumPy dtype."""
    if dtype is None:
        return np.dtype(mx_real_t)
    try:
        result = np.dtype(dtype)
    except TypeError as error:
        raise MXNetError(f"unknown dtype {dtype!r}; use one of "
                         f"{sorted(DTYPE_NAME_TO_ID)}") from error
    if result.name not in DTYPE_NAME_TO_ID:
        raise MXNetError(f"dtype {result.name!r} is not supported by MXNet; use one of "
                         f"{sorted(DTYPE_NAME_TO_ID)}")
    return result


def dtype_name(dtype):
    """The MXNet name of a dtype (``'float32'``)."""
    return dtype_np(dtype).name
