"""``SampleBatchIter``: batches of samples read from a file, MXNet's ``BatchLoader``.

MXNet's file iterators (``CSVIter``, ``LibSVMIter``, ``ImageRecordIter``) read one
sample at a time in C++ and group them with the same batch loader. dlkit reads the
whole (small) file into NumPy arrays first; this class then gives the batches in
MXNet's order. The last, incomplete batch depends on ``round_batch`` (10 samples,
``batch_size=4``)::

    round_batch=True    epoch 1: [0 1 2 3] [4 5 6 7] [8 9 0 1] pad=2
                        epoch 2: [2 3 4 5] [6 7 8 9]          (starts after the wrap)
                        epoch 3: like epoch 1
    round_batch=False   [0 1 2 3] [4 5 6 7] [8 9 6 7] pad=2    (filler rows are what the
                                                                batch buffer held)

``batch.index`` holds the sample numbers (uint64, as MXNet).
"""
import numpy as np

from ..base import MXNetError
from ..ndarray import array
from .base import DataDesc, DataIter

__all__ = ["SampleBatchIter", "as_flag", "check_batch_size", "check_dtype"]


def as_flag(value):
    """MXNet's booleans arrive as bool, int or the strings 'True'/'1'."""
    if isinstance(value, str):
        return value.lower() in ("1", "true")
    return bool(value)


def check_batch_size(iterator, batch_size):
    """``batch_size`` as an int; an error naming the iterator if it is not >= 1."""
    if batch_size is None:
        raise MXNetError(f"{iterator}: batch_size is required")
    if int(batch_size) < 1:
        raise MXNetError(f"{iterator}: batch_size must be >= 1, got {batch_size}")
    return int(batch_size)


def check_dtype(iterator, dtype, allowed):
    """The output dtype name (float32 for None); an error if ``iterator`` has no
    such output type in MXNet."""
    name = "float32" if dtype is None else np.dtype(dtype).name
    if name not in allowed:
        raise MXNetError(f"{iterator}: dtype {name} is not supported; use one of "
                         f"{', '.join(allowed)}")
    return name


class SampleBatchIter(DataIter):
    """Batches over in-memory samples, with MXNet's ``round_batch`` rule.

    Parameters
    ----------
    data : numpy.ndarray
        All samples, shape ``(N,) + sample_shape``.
    label : numpy.ndarray
        All labels, shape ``(N,) + label_shape`` (``(N,)`` for one label each).
    batch_size : int
        Samples per batch.
    round_batch : bool
        Fill the last batch from the start of the data (True) or pad it with
        leftover rows (False); see the module docstring.
    data_name, label_name : str
        The names in ``provide_data``/``provide_label``.
    """

    def __init__(self, data, label, batch_size, round_batch=True, data_name="data",
                 label_name="softmax_label", iterator="SampleBatchIter"):
        super().__init__(batch_size)
        self._iterator = iterator
        self._data = data
        self._label = label
        self.round_batch = as_flag(round_batch)
        self.data_name = data_name
        self.label_name = label_name
        self._num_samples = len(data)
        if self.round_batch and batch_size > self._num_samples:
            raise MXNetError(f"{iterator}: number of input must be bigger than batch "
                             f"size: {self._num_samples} samples, batch_size "
                             f"{batch_size}; use a smaller batch_size or "
                             "round_batch=False")
        self._cursor = 0
        self._overflow = 0        # samples of the next epoch the last batch took
        self._indices = None      # sample numbers of the current batch
        self._pad = 0

    @property
    def provide_data(self):
        """``[DataDesc]`` of one data batch."""
        shape = (self.batch_size,) + self._data.shape[1:]
        return [DataDesc(self.data_name, shape, self._data.dtype.type)]

    @property
    def provide_label(self):
        """``[DataDesc]`` of one label batch."""
        shape = (self.batch_size,) + self._label.shape[1:]
        return [DataDesc(self.label_name, shape, self._label.dtype.type)]

    def reset(self):
        # after a wrapped batch the next epoch continues after the borrowed samples
        if not self.round_batch or self._overflow == 0:
            self._cursor = 0
        self._overflow = 0
        self._indices = None

    def iter_next(self):
        if self._overflow != 0 or self._cursor >= self._num_samples:
            return False
        stop = min(self._cursor + self.batch_size, self._num_samples)
        indices = list(range(self._cursor, stop))
        self._cursor = stop
        missing = self.batch_size - len(indices)
        if missing and self.round_batch:
            indices += list(range(missing))
            self._overflow = missing
            self._cursor = missing
        elif missing:
            previous = self._indices
            filler = [] if previous is None else previous[len(indices):]
            indices += filler
        self._pad = missing
        self._indices = indices
        return True

    def _rows(self, values):
        rows = values[self._indices]
        if len(rows) < self.batch_size:   # a first batch has no leftover rows: zeros
            filler = np.zeros((self.batch_size - len(rows),) + values.shape[1:],
                              dtype=values.dtype)
            rows = np.concatenate([rows, filler])
        return rows

    def _require_batch(self):
        if self._indices is None:
            raise MXNetError(f"{self._iterator}: no current batch; call iter_next() "
                             "(or next()) first")

    def getdata(self):
        self._require_batch()
        return [array(self._rows(self._data), dtype=self._data.dtype)]

    def getlabel(self):
        self._require_batch()
        return [array(self._rows(self._label), dtype=self._label.dtype)]

    def getindex(self):
        if self._indices is None:
            return None
        index = np.zeros(self.batch_size, dtype=np.uint64)
        index[:len(self._indices)] = self._indices
        return index

    def getpad(self):
        return self._pad
