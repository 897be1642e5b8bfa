"""Iterators that wrap other iterators: ``ResizeIter`` and ``PrefetchingIter``."""
import queue
import threading

from ..base import MXNetError
from .base import DataBatch, DataDesc, DataIter

__all__ = ["ResizeIter", "PrefetchingIter"]


class _CurrentBatchIter(DataIter):
    """A wrapper whose ``iter_next`` stores ``current_batch``; the getters read it."""

    def getdata(self):
        return self.current_batch.data

    def getlabel(self):
        return self.current_batch.label

    def getindex(self):
        return self.current_batch.index

    def getpad(self):
        return self.current_batch.pad


class ResizeIter(_CurrentBatchIter):
    """Make an epoch exactly ``size`` batches long, restarting ``data_iter`` as needed.

    Parameters
    ----------
    data_iter : DataIter
        The iterator to resize.
    size : int
        Batches per epoch.
    reset_internal : bool
        Whether ``reset()`` also resets ``data_iter`` (else it continues where it was).

    Example
    -------
    >>> inner = mx.io.NDArrayIter(np.zeros((10, 2)), batch_size=4)
    >>> it = mx.io.ResizeIter(inner, size=5)
    >>> len(list(it))
    5
    """

    def __init__(self, data_iter, size, reset_internal=True):
        super().__init__(data_iter.batch_size)
        self.data_iter = data_iter
        self.size = size
        self.reset_internal = reset_internal
        self.cur = 0
        self.current_batch = None
        self.provide_data = data_iter.provide_data
        self.provide_label = data_iter.provide_label
        self.default_bucket_key = getattr(data_iter, "default_bucket_key", None)

    def reset(self):
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self):
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            self.current_batch = self.data_iter.next()
        self.cur += 1
        return True


class PrefetchingIter(_CurrentBatchIter):
    """Read the next batch of one or more iterators in a background thread.

    The batches of several iterators are joined: their data lists (and label lists)
    are concatenated, so two iterators with one input each give two inputs.

    Parameters
    ----------
    iters : DataIter or list of DataIter
        The iterators to read ahead; they must have the same batch size.
    rename_data, rename_label : list of dict or None
        One dict per iterator mapping an old input name to a new one.

    The reader is a daemon thread that holds at most one batch ahead, so a program can
    exit while it waits. ``reset`` stops it, resets the iterators and starts a new one.
    """

    def __init__(self, iters, rename_data=None, rename_label=None):
        iters = iters if isinstance(iters, list) else [iters]
        if not iters:
            raise MXNetError("PrefetchingIter: needs at least one iterator")
        super().__init__(iters[0].batch_size)
        self.iters = iters
        self.rename_data = rename_data
        self.rename_label = rename_label
        self.current_batch = None
        self._start_reader()

    @property
    def provide_data(self):
        return _renamed([it.provide_data for it in self.iters], self.rename_data)

    @property
    def provide_label(self):
        return _renamed([it.provide_label for it in self.iters], self.rename_label)

    def _start_reader(self):
        self._queue = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._ended = False
        self._thread = threading.Thread(target=self._read,
                                        args=(self._queue, self._stop), daemon=True)
        self._thread.start()

    def _read(self, batches, stop):
        """Reader thread: put lists of batches, then None at the end (or the error)."""
        while not stop.is_set():
            try:
                item = [it.next() for it in self.iters]
            except StopIteration:
                item = None
            except Exception as error:  # hand the error to the consumer thread
                item = error
            while not stop.is_set():
                try:
                    batches.put(item, timeout=0.05)
                    break
                except queue.Full:
                    continue
            if item is None or isinstance(item, Exception):
                return

    def _stop_reader(self):
        self._stop.set()
        self._thread.join()

    def __del__(self):
        stop = getattr(self, "_stop", None)
        if stop is not None:
            stop.set()

    def reset(self):
        self._stop_reader()
        for it in self.iters:
            it.reset()
        self._start_reader()

    def iter_next(self):
        if self._ended:
            return False
        item = self._queue.get()
        if isinstance(item, Exception):
            self._ended = True
            raise item
        if item is None:
            self._ended = True
            return False
        pads = {batch.pad for batch in item}
        if len(pads) > 1:
            raise MXNetError("PrefetchingIter: the iterators padded their batches "
                             f"differently ({sorted(pads)}); give them the same data "
                             "size")
        self.current_batch = DataBatch(
            data=[array for batch in item for array in batch.data],
            label=[array for batch in item for array in (batch.label or [])],
            pad=item[0].pad, index=item[0].index,
            provide_data=self.provide_data, provide_label=self.provide_label)
        return True

    def next(self):
        if self.iter_next():
            return self.current_batch
        raise StopIteration


def _renamed(provides, renames):
    """Join the descriptions of several iterators, applying one rename dict each."""
    result = []
    for position, descs in enumerate(provides):
        mapping = renames[position] if renames is not None else {}
        for desc in descs:
            result.append(DataDesc(mapping.get(desc.name, desc.name), desc.shape,
                                   desc.dtype, desc.layout))
    return result
