"""``mx.nd.save`` / ``mx.nd.load``: MXNet's binary NDArray file format, byte for byte.

A ``.params`` or ``.nd`` file written by MXNet 1.9.1 loads here, and a file written here
loads in MXNet. All integers are little-endian::

    file     := uint64 0x112  uint64 0  uint64 count  array * count
                uint64 name_count  (uint64 length  utf-8 bytes) * name_count
    array    := uint32 magic           0xF993FAC9 (V2) or 0xF993FACA (V3: NumPy shapes)
                int32  storage type    0 dense, 1 row_sparse, 2 csr
                [sparse: shape of the stored values]
                shape                  int32 ndim, then int64 * ndim
                int32  device type     1 cpu, 2 gpu, 3 cpu_pinned
                int32  device id
                int32  dtype flag      see dlkit.base.DTYPE_NAME_TO_ID
                [sparse: per aux array int32 dtype flag, shape]
                raw data               size * itemsize bytes, C order
                [sparse: raw aux arrays]

A sparse array stores only its values plus aux arrays of int64 indices: ``indptr``
then ``indices`` for csr, the row ``indices`` for row_sparse (see
``dlkit/ndarray/sparse.py``); dlkit writes the encoding computed from its dense
values and rebuilds the dense values when loading.

``name_count`` is 0 for a list and ``count`` for a dict (``'arg:fc1_weight'`` ...).
MXNet writes a 0-d array with ``ndim = 0`` and one element of data; MXNet 1.9.1 itself
cannot read such a file back (it takes ``ndim = 0`` for "no array"), dlkit can.

Loading checks every count and size against the bytes actually present, so a truncated
or corrupt file raises an ``MXNetError`` naming the file and the problem; it never
allocates more memory than the file holds and never unpickles anything. Saving writes a
temporary file in the same folder and renames it over ``fname``, so a crash mid-save
leaves any older file intact.
"""
import os
import struct

import numpy as np

from ..base import DTYPE_ID_TO_NAME, DTYPE_NAME_TO_ID, MXNetError
from ..context import Context, num_gpus
from ..fileio import write_atomically
from .ndarray import NDArray, _move
from .sparse import _csr_parts, _stored_rows, csr_matrix, row_sparse_array

__all__ = ["save", "load", "load_frombuffer"]

LIST_MAGIC = 0x112
V2_MAGIC = 0xF993FAC9
V3_MAGIC = 0xF993FACA
MAX_NDIM = 32
_DEVICE_TYPES = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
_STORAGE_IDS = {"row_sparse": 1, "csr": 2}
_AUX_COUNTS = {1: 1, 2: 2}   # row_sparse: indices; csr: indptr, indices


# --------------------------------------------------------------------------------------
# Saving.
# --------------------------------------------------------------------------------------
def save(fname, data):
    """Save an NDArray, a list of NDArrays or a dict of ``str -> NDArray`` to ``fname``.

    Parameters
    ----------
    fname : str or path-like
        The file to write (replaced atomically if it exists).
    data : NDArray, list of NDArray or dict of str to NDArray
        Dict keys are kept as names, such as ``'arg:fc1_weight'``.

    Differs from MXNet: ``fname`` may be any path-like object, not only a str.

    Example
    -------
    >>> mx.nd.save('weights.params', {'arg:w': mx.nd.ones((2, 2))})
    >>> mx.nd.load('weights.params')['arg:w'].shape
    (2, 2)
    """
    write_atomically(_path(fname), _encode(data))


def _path(fname):
    try:
        return os.fspath(fname)
    except TypeError:
        kind = type(fname).__name__
        raise TypeError(f"fname must be a str or path-like, got {kind}") from None


def _encode(data):
    """The file's bytes for ``data``."""
    if isinstance(data, NDArray):
        data = [data]
    if isinstance(data, dict):
        names = list(data)
        arrays = list(data.values())
        if not all(isinstance(name, str) for name in names):
            raise TypeError("save only accept dict str->NDArray or list of NDArray")
    elif isinstance(data, (list, tuple)):
        names = []
        arrays = list(data)
    else:
        raise ValueError("data needs to either be a NDArray, dict of str, NDArray "
                         f"pairs or a list of NDArrays, got {type(data).__name__}")
    if not all(isinstance(array, NDArray) for array in arrays):
        raise TypeError("save only accept dict str->NDArray or list of NDArray")
    parts = [struct.pack("<QQQ", LIST_MAGIC, 0, len(arrays))]
    parts.extend(_encode_array(array) for array in arrays)
    parts.append(struct.pack("<Q", len(names)))
    for name in names:
        encoded = name.encode("utf-8")
        parts.append(struct.pack("<Q", len(encoded)) + encoded)
    return b"".join(parts)


def _encode_array(array):
    host = array.asnumpy()   # GPU arrays are written from a host copy
    ctx = array.context
    if array.stype != "default":
        return _encode_sparse(array.stype, host, ctx)
    header = struct.pack("<Iii", V2_MAGIC, 0, host.ndim)
    header += struct.pack(f"<{host.ndim}q", *host.shape)
    header += struct.pack("<iii", ctx.device_typeid, ctx.device_id,
                          DTYPE_NAME_TO_ID[host.dtype.name])
    return header + _raw(host)


def _raw(host):
    little_endian = host.astype(host.dtype.newbyteorder("<"), copy=False)
    return np.ascontiguousarray(little_endian).tobytes()


def _shape_bytes(shape):
    return struct.pack(f"<i{len(shape)}q", len(shape), *shape)


def _encode_sparse(stype, host, ctx):
    """A csr or row_sparse array: its stored values, then its int64 aux arrays."""
    if stype == "csr":
        values, indices, indptr = _csr_parts(np, host)
        aux = [indptr, indices]
    else:
        rows = _stored_rows(np, host)
        values, aux = host[rows], [rows]
    header = struct.pack("<Ii", V2_MAGIC, _STORAGE_IDS[stype])
    header += _shape_bytes(values.shape) + _shape_bytes(host.shape)
    header += struct.pack("<iii", ctx.device_typeid, ctx.device_id,
                          DTYPE_NAME_TO_ID[host.dtype.name])
    for part in aux:
        header += struct.pack("<i", DTYPE_NAME_TO_ID["int64"])
        header += _shape_bytes(part.shape)
    return header + b"".join(_raw(part) for part in [values, *aux])


# --------------------------------------------------------------------------------------
# Loading.
# --------------------------------------------------------------------------------------
def load(fname):
    """Load what ``save`` (dlkit's or MXNet's) wrote to ``fname``.

    Returns
    -------
    list of NDArray, or dict of str to NDArray when the file stores names.

    Arrays go back to the GPU they were saved from when that GPU is present, else to
    the CPU (as MXNet does).

    Example
    -------
    >>> mx.nd.save('x.nd', [mx.nd.arange(3)])
    >>> mx.nd.load('x.nd')[0].asnumpy()
    array([0., 1., 2.], dtype=float32)
    """
    fname = _path(fname)
    try:
        with open(fname, "rb") as handle:
            blob = handle.read()
    except OSError as error:
        raise MXNetError(f"nd.load: cannot read {fname!r}: {error.strerror}") from None
    return _Reader(blob, f"file {fname!r}").read_file()


def load_frombuffer(buf):
    """Load NDArrays from the bytes of a saved file (like ``load``).

    Example
    -------
    >>> mx.nd.save('x.nd', [mx.nd.ones(2)])
    >>> mx.nd.load_frombuffer(open('x.nd', 'rb').read())[0].shape
    (2,)
    """
    if not isinstance(buf, (bytes, bytearray, memoryview)):
        kind = type(buf).__name__
        raise TypeError(f"buf required to be a string or bytes, got {kind}")
    return _Reader(bytes(buf), "buffer").read_file()


class _Reader:
    """Reads the format above from ``blob``, checking each size before it is used."""

    def __init__(self, blob, source):
        self.blob = blob
        self.source = source
        self.offset = 0

    def fail(self, problem):
        raise MXNetError(f"nd.load: {self.source} is not a valid NDArray file: "
                         f"{problem} (at byte {self.offset} of {len(self.blob)})")

    def take(self, count, what):
        if count > len(self.blob) - self.offset:
            self.fail(f"it ends inside {what} (needs {count} more bytes, "
                      f"{len(self.blob) - self.offset} left): the file is truncated")
        chunk = self.blob[self.offset:self.offset + count]
        self.offset += count
        return chunk

    def unpack(self, fmt, what):
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))

    def read_file(self):
        magic, _reserved = self.unpack("QQ", "the header")
        if magic != LIST_MAGIC:
            self.fail(f"bad magic number {magic:#x}, expected {LIST_MAGIC:#x}")
        count, = self.unpack("Q", "the array count")
        # each array needs at least 28 header bytes: reject absurd counts before looping
        if count * 28 > len(self.blob) - self.offset:
            self.fail(f"it claims {count} arrays, more than its size allows")
        arrays = [self.read_array(index) for index in range(count)]
        name_count, = self.unpack("Q", "the name count")
        if name_count not in (0, count):
            self.fail(f"it has {name_count} names for {count} arrays")
        names = [self.read_name(index) for index in range(name_count)]
        if self.offset != len(self.blob):
            extra = len(self.blob) - self.offset
            self.fail(f"{extra} unexpected bytes after the names")
        if name_count:
            return dict(zip(names, arrays))
        return arrays

    def read_name(self, index):
        length, = self.unpack("Q", f"the length of name {index}")
        raw = self.take(length, f"name {index}")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.fail(f"name {index} is not valid UTF-8")

    def read_array(self, index):
        what = f"array {index}"
        magic, storage = self.unpack("Ii", f"the header of {what}")
        if magic not in (V2_MAGIC, V3_MAGIC):
            self.fail(f"{what} has bad magic number {magic:#x} (expected "
                      f"{V2_MAGIC:#x}; files from MXNet before 1.0 are not supported)")
        if storage not in (0, 1, 2):
            self.fail(f"{what} has unknown storage type {storage} (0 dense, "
                      "1 row_sparse, 2 csr)")
        if storage:
            self.read_shape(f"the stored shape of {what}")
        shape = self.read_shape(f"the shape of {what}")
        device_type, device_id, flag = self.unpack("iii", f"the header of {what}")
        if device_type not in _DEVICE_TYPES or device_id < 0:
            self.fail(f"{what} has an unknown device ({device_type}, {device_id})")
        dtype = self.read_dtype(flag, what)
        if storage:
            aux = [(self.read_dtype(self.unpack("i", f"the aux header of {what}")[0],
                                    what), self.read_shape(f"an aux shape of {what}"))
                   for _ in range(_AUX_COUNTS[storage])]
            # the values' shape follows from the indices: MXNet may write a stale
            # stored shape, such as (0,), for a csr array computed asynchronously
            stored_shape = aux[-1][1][:1] + tuple(shape[1:] if storage == 1 else ())
            parts = [self.read_values(dtype, stored_shape, what)]
            parts += [self.read_values(aux_type, aux_shape, f"the indices of {what}")
                      for aux_type, aux_shape in aux]
            return self.sparse(storage, parts, shape, what,
                               _DEVICE_TYPES[device_type], device_id)
        host = self.read_values(dtype, shape, f"the data of {what}")
        return _place(host, _DEVICE_TYPES[device_type], device_id)

    def read_shape(self, what):
        ndim, = self.unpack("i", what)
        if not 0 <= ndim <= MAX_NDIM:
            self.fail(f"{what} has {ndim} dimensions (expected 0 to {MAX_NDIM})")
        shape = self.unpack(f"{ndim}q", what)
        if any(dim < 0 for dim in shape):
            self.fail(f"{what} has a negative size: {shape}")
        return shape

    def read_dtype(self, flag, what):
        if flag not in DTYPE_ID_TO_NAME:
            self.fail(f"{what} has unknown dtype flag {flag} (known: "
                      f"{sorted(DTYPE_ID_TO_NAME)})")
        return np.dtype(DTYPE_ID_TO_NAME[flag]).newbyteorder("<")

    def read_values(self, dtype, shape, what):
        size = int(np.prod(shape, dtype=object)) if shape else 1
        raw = self.take(size * dtype.itemsize, f"{what} (shape {shape}, {dtype.name})")
        host = np.frombuffer(raw, dtype=dtype).astype(dtype.newbyteorder("="))
        return host.reshape(shape)

    def sparse(self, storage, parts, shape, what, device_type, device_id):
        """The CSRNDArray (storage 2) or RowSparseNDArray (1) that ``parts`` (the
        values, then the aux arrays) encode, on the device it was saved from."""
        try:
            if storage == 2:
                values, indptr, indices = parts
                result = csr_matrix((values, indices, indptr), shape=shape)
            else:
                values, indices = parts
                result = row_sparse_array((values, indices), shape=shape)
        except (MXNetError, ValueError) as error:
            self.fail(f"{what} holds inconsistent sparse parts: {error}")
        return _place(result.asnumpy(), device_type, device_id, type(result))


def _place(host, device_type, device_id, kind=NDArray):
    """An NDArray (or ``kind``) on the saved GPU if it is present, else on the CPU
    (as MXNet)."""
    ctx = Context("cpu", 0)
    if device_type == "gpu" and device_id < num_gpus():
        ctx = Context("gpu", device_id)
    return kind(_move(host, ctx), ctx)
