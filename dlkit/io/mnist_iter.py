"""``MNISTIter``: batches of the MNIST idx files, as MXNet's C++ iterator gives them.

An idx file is a big-endian header then raw bytes::

    images  2051 | count | rows | cols | count*rows*cols uint8 pixels
    labels  2049 | count | count uint8 labels

Pixels become float32 ``value / 256`` (MXNet divides by 256, not 255). Only full
batches are given: the last ``count % batch_size`` images are left out.
"""
import logging
import struct

import numpy as np

from ..base import MXNetError
from ..ndarray import array
from .base import DataDesc, DataIter
from .batch_loader import as_flag, check_batch_size, check_dtype

__all__ = ["MNISTIter"]


def _read_idx(path, header_format, what):
    """``(header numbers, payload bytes)`` of an uncompressed idx file."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise MXNetError(f"MNISTIter: cannot read {what} file {path!r}: "
                         f"{error.strerror}") from None
    if raw[:2] == b"\x1f\x8b":
        raise MXNetError(f"MNISTIter: {path} is gzip-compressed; MNISTIter reads the "
                         f"raw idx file, so decompress it first (gunzip {path})")
    size = struct.calcsize(header_format)
    if len(raw) < size:
        raise MXNetError(f"MNISTIter: {path} is too short for an idx {what} file")
    return struct.unpack(header_format, raw[:size]), raw[size:]


class MNISTIter(DataIter):
    """Batches of MNIST images and labels from the idx-ubyte files.

    Parameters
    ----------
    image : str
        The images file (``train-images-idx3-ubyte``, not gzip-compressed).
    label : str
        The labels file (``train-labels-idx1-ubyte``).
    batch_size : int
        Images per batch; only full batches are given.
    shuffle : bool
        Shuffle once when the files are read (every epoch has that order).
    flat : bool
        Images as vectors ``(batch_size, rows * cols)`` instead of
        ``(batch_size, 1, rows, cols)``.
    seed : int
        Seed of the shuffle.
    silent : bool
        Do not log the "load N images" line.
    num_parts, part_index : int
        Use only part ``part_index`` of the images cut into ``num_parts`` equal
        ranges (for distributed training).
    prefetch_buffer, ctx : ignored
        MXNet's background-thread settings.
    dtype : None or 'float32'
        The only output type (as MXNet, where others fail).

    Differs from MXNet: arguments are keyword-only; the shuffled order comes from
    NumPy's ``RandomState(seed)``, not from C++'s ``std::shuffle``, so it is another
    order of the same images; ``batch.index`` holds the image numbers (MXNet leaves
    it 0); a gzip file or too few images for one batch raise a clear error.

    Example
    -------
    >>> train_iter = mx.io.MNISTIter(image='train-images-idx3-ubyte',
    ...                              label='train-labels-idx1-ubyte',
    ...                              batch_size=100)  # doctest: +SKIP
    """

    def __init__(self, *, image="./train-images-idx3-ubyte",
                 label="./train-labels-idx1-ubyte", batch_size=128, shuffle=True,
                 flat=False, seed=0, silent=False, num_parts=1, part_index=0,
                 prefetch_buffer=4, ctx="gpu", dtype=None):
        batch_size = check_batch_size("MNISTIter", batch_size)
        check_dtype("MNISTIter", dtype, ("float32",))
        super().__init__(batch_size)
        (_, count, rows, cols), pixels = _read_idx(image, ">IIII", "image")
        (_, label_count), label_bytes = _read_idx(label, ">II", "label")
        if len(pixels) < count * rows * cols:
            raise MXNetError(f"MNISTIter: {image} announces {count} images of "
                             f"{rows}x{cols} but holds only {len(pixels)} pixel bytes")
        if min(label_count, len(label_bytes)) < count:
            raise MXNetError(f"MNISTIter: {label} has fewer labels than the {count} "
                             f"images of {image}")
        if not 0 <= part_index < num_parts:
            raise MXNetError(f"MNISTIter: part_index must be in [0, {num_parts}), got "
                             f"{part_index}")
        start = count * part_index // num_parts
        stop = count * (part_index + 1) // num_parts
        images = np.frombuffer(pixels, np.uint8, count * rows * cols)
        images = images.reshape(count, rows, cols)[start:stop]
        labels = np.frombuffer(label_bytes, np.uint8, count)[start:stop]
        self._order = np.arange(start, stop)
        if as_flag(shuffle):
            permutation = np.random.RandomState(seed).permutation(len(images))
            images, labels = images[permutation], labels[permutation]
            self._order = self._order[permutation]
        shape = (rows * cols,) if as_flag(flat) else (1, rows, cols)
        self._images = (images.astype(np.float32) / 256).reshape((-1,) + shape)
        self._labels = labels.astype(np.float32)
        if len(images) < batch_size:
            raise MXNetError(f"MNISTIter: batch_size {batch_size} is larger than the "
                             f"{len(images)} images (of this part); no full batch")
        if not as_flag(silent):
            logging.info("MNISTIter: load %d images, shuffle=%d, shape=%s",
                         len(images), as_flag(shuffle), (batch_size,) + shape)
        self._cursor = -batch_size

    @property
    def provide_data(self):
        """``[DataDesc('data', (batch_size, 1, rows, cols))]`` (or flat)."""
        return [DataDesc("data", (self.batch_size,) + self._images.shape[1:])]

    @property
    def provide_label(self):
        """``[DataDesc('softmax_label', (batch_size,))]``."""
        return [DataDesc("softmax_label", (self.batch_size,))]

    def reset(self):
        self._cursor = -self.batch_size

    def iter_next(self):
        if self._cursor + 2 * self.batch_size > len(self._images):
            return False
        self._cursor += self.batch_size
        return True

    def _current(self, values):
        if self._cursor < 0:
            raise MXNetError("MNISTIter: no current batch; call iter_next() (or "
                             "next()) first")
        return values[self._cursor:self._cursor + self.batch_size]

    def getdata(self):
        return [array(self._current(self._images))]

    def getlabel(self):
        return [array(self._current(self._labels))]

    def getindex(self):
        return self._current(self._order).astype(np.uint64)

    def getpad(self):
        return 0
