"""``NDArrayIter``: mini-batches from in-memory arrays, MXNet's everyday iterator.

The iterator walks a ``cursor`` over the samples, ``batch_size`` at a time. What
happens to the last, incomplete batch depends on ``last_batch_handle`` (10 samples,
``batch_size=4``)::

    'pad'       [0 1 2 3] [4 5 6 7] [8 9 0 1]  pad=2   (wrap around; pad says how many)
    'discard'   [0 1 2 3] [4 5 6 7]                    (drop samples 8, 9)
    'roll_over' [0 1 2 3] [4 5 6 7]                    epoch 1
                [8 9 0 1] [2 3 4 5] [6 7 8 9]  pad=2   epoch 2 starts with the leftover
                                                       (MXNet reports its size as pad)
"""
import numpy as np

from ..base import MXNetError
from ..ndarray import NDArray, array
from ..ops.rng import generator
from .base import DataBatch, DataDesc, DataIter

__all__ = ["NDArrayIter"]

LAST_BATCH_HANDLES = ("pad", "discard", "roll_over")


def _init_data(data, allow_empty, default_name):
    """Normalise array / list / dict input to a list of ``(name, NDArray)``.

    MXNet quirk kept: NumPy arrays become float32 NDArrays whatever their dtype;
    NDArrays keep theirs. Dict entries are sorted by name; list entries are named
    ``_0_<default_name>``, ``_1_<default_name>`` ...
    """
    if data is None:
        if not allow_empty:
            raise MXNetError(f"NDArrayIter: {default_name} must not be None")
        return []
    if isinstance(data, (np.ndarray, NDArray)):
        named = [(default_name, data)]
    elif isinstance(data, (list, tuple)):
        if len(data) == 1:
            named = [(default_name, data[0])]
        else:
            named = [(f"_{i}_{default_name}", value) for i, value in enumerate(data)]
    elif isinstance(data, dict):
        named = sorted(data.items())
    else:
        raise MXNetError(f"NDArrayIter: {default_name} must be an NDArray, a NumPy "
                         "array, a list of them or a dict of them, got "
                         f"{type(data).__name__}")
    result = []
    for name, value in named:
        if isinstance(value, NDArray):
            result.append((name, value))
        elif isinstance(value, (np.ndarray, list)):
            result.append((name, array(value)))
        else:
            raise MXNetError(f"NDArrayIter: {name!r} must be an NDArray or a NumPy "
                             f"array, got {type(value).__name__}")
    return result


class NDArrayIter(DataIter):
    """Iterate over NDArrays or NumPy arrays in mini-batches.

    Parameters
    ----------
    data : array, list of arrays or dict of name to array
        The inputs; all share the first (sample) axis.
    label : array, list or dict, optional
        The labels, same forms as ``data``.
    batch_size : int
        Samples per batch.
    shuffle : bool
        Shuffle the samples at the start and at every ``reset`` (uses dlkit's generator,
        reseeded by ``mx.random.seed``).
    last_batch_handle : str
        ``'pad'``, ``'discard'`` or ``'roll_over'`` (see the module docstring).
    data_name, label_name : str
        Names used when ``data``/``label`` are not dicts.
    layout : str
        Layout recorded in ``provide_data``/``provide_label``.

    Differs from MXNet: a bad ``last_batch_handle``, inputs of different lengths and a
    ``batch_size`` larger than the data under 'discard'/'roll_over' (no batch at all)
    raise ``MXNetError`` at once (MXNet fails later or yields nothing).

    Example
    -------
    >>> it = mx.io.NDArrayIter(np.zeros((10, 3)), np.arange(10), batch_size=4)
    >>> [batch.pad for batch in it]
    [0, 0, 2]
    """

    def __init__(self, data, label=None, batch_size=1, shuffle=False,
                 last_batch_handle="pad", data_name="data", label_name="softmax_label",
                 layout="NCHW"):
        super().__init__(batch_size)
        if last_batch_handle not in LAST_BATCH_HANDLES:
            raise MXNetError(f"NDArrayIter: last_batch_handle must be one of "
                             f"{LAST_BATCH_HANDLES}, got {last_batch_handle!r}")
        if int(batch_size) < 1:
            raise MXNetError(f"NDArrayIter: batch_size must be >= 1, got {batch_size}")
        self.data = _init_data(data, allow_empty=False, default_name=data_name)
        self.label = _init_data(label, allow_empty=True, default_name=label_name)
        self.num_data = self._check_lengths()
        if last_batch_handle != "pad" and batch_size > self.num_data:
            raise MXNetError(f"NDArrayIter: batch_size {batch_size} is larger than the "
                             f"{self.num_data} samples, so last_batch_handle="
                             f"{last_batch_handle!r} would give no batch at all; use a "
                             "smaller batch_size or last_batch_handle='pad'")
        self.shuffle = shuffle
        self.last_batch_handle = last_batch_handle
        self.layout = layout
        self.cursor = -batch_size
        self._leftover = None       # roll_over: the samples carried into the next epoch
        self._finished = False
        if shuffle:
            self._shuffle_data()

    def _check_lengths(self):
        lengths = {name: value.shape[0] for name, value in self.data + self.label}
        if len(set(lengths.values())) > 1:
            raise MXNetError("NDArrayIter: all data and labels must have the same "
                             f"number of samples (first axis), got {lengths}")
        return next(iter(lengths.values()))

    def _shuffle_data(self):
        order = generator(np).permutation(self.num_data)
        self.data = [(name, _rows(value, order)) for name, value in self.data]
        self.label = [(name, _rows(value, order)) for name, value in self.label]

    @property
    def provide_data(self):
        """``[DataDesc]`` of one data batch."""
        return self._describe(self.data)

    @property
    def provide_label(self):
        """``[DataDesc]`` of one label batch (empty without labels)."""
        return self._describe(self.label)

    def _describe(self, named):
        return [DataDesc(name, (self.batch_size,) + value.shape[1:], value.dtype,
                         self.layout) for name, value in named]

    def hard_reset(self):
        """Go back to the start, dropping any rolled-over samples."""
        if self.shuffle:
            self._shuffle_data()
        self.cursor = -self.batch_size
        self._leftover = None
        self._finished = False

    def reset(self):
        """Start the next epoch (roll_over keeps the unused tail for the next epoch)."""
        unused_tail = self.num_data - self.batch_size < self.cursor < self.num_data
        if self.last_batch_handle == "roll_over" and unused_tail:
            self._leftover = [_slice(value, self.cursor, self.num_data)
                              for _, value in self.data + self.label]
            self.cursor = self.cursor - self.num_data - self.batch_size
        else:
            self._leftover = None
            self.cursor = -self.batch_size
        self._finished = False
        if self.shuffle:
            self._shuffle_data()

    def iter_next(self):
        if self._finished:
            return False
        self.cursor += self.batch_size
        incomplete = self.cursor + self.batch_size > self.num_data
        drop_incomplete = incomplete and self.last_batch_handle != "pad"
        if self.cursor >= self.num_data or drop_incomplete:
            self._finished = True
            return False
        return True

    def next(self):
        if not self.iter_next():
            raise StopIteration
        return DataBatch(data=self.getdata(), label=self.getlabel(), pad=self.getpad(),
                         index=None)

    def _batch(self, named, offset):
        """The current batch of each array (``offset``: where ``named`` starts in the
        roll-over cache, which holds data then labels)."""
        if self.cursor < 0 and self._leftover is None:
            raise MXNetError("NDArrayIter: no current batch; call iter_next() (or "
                             "next()) before getdata()/getlabel()")
        batches = []
        for position, (_, value) in enumerate(named):
            if self.cursor < 0:  # roll_over: leftover of last epoch + start of this one
                head = self._leftover[offset + position]
                tail = _slice(value, 0, self.cursor + self.batch_size)
                batches.append(_concat(head, tail))
            elif self.cursor + self.batch_size <= self.num_data:
                stop = self.cursor + self.batch_size
                batches.append(_slice(value, self.cursor, stop))
            else:  # pad: wrap around to the first samples
                wrapped = (self.cursor + np.arange(self.batch_size)) % self.num_data
                batches.append(_rows(value, wrapped))
        return batches

    def getdata(self):
        return self._batch(self.data, 0)

    def getlabel(self):
        return self._batch(self.label, len(self.data))

    def getpad(self):
        overflow = self.cursor + self.batch_size - self.num_data
        if self.last_batch_handle == "pad" and overflow > 0:
            return overflow
        if self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0:
            return -self.cursor
        return 0


def _slice(value, start, stop):
    # a view, as MXNet's basic slicing gives: Module copies the batch into its executor
    # anyway, so a copy here would move every example through memory twice
    return NDArray(value._data[start:stop], value.context)


def _rows(value, indices):
    xp = value.context.xp
    return NDArray(value._data[xp.asarray(indices)], value.context)


def _concat(head, tail):
    xp = head.context.xp
    return NDArray(xp.concatenate([head._data, tail._data], axis=0), head.context)
