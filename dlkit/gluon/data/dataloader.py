"""``DataLoader``: turn a Dataset into an iterator of batches.

    batch_sampler --indices--> dataset[i] for each i --samples--> batchify_fn --> batch

``batchify_fn`` (default ``default_batchify_fn``) stacks samples: arrays become one
NDArray with a new first axis, ``(data, label)`` tuples become ``[data_batch,
label_batch]``.

With ``num_workers > 0`` the samples are read and stacked by worker processes (a
``multiprocessing`` pool started once per DataLoader, by fork where available). Workers
send plain NumPy arrays back; the main process wraps them into NDArrays. Up to
``prefetch`` batches are requested ahead, and waiting for one longer than ``timeout``
seconds raises instead of hanging. ``thread_pool=True`` uses threads instead.
"""
import functools
import multiprocessing
import multiprocessing.pool
from collections import deque

import numpy as np

from ... import ndarray
from ...base import MXNetError
from . import sampler as _sampler

__all__ = ["DataLoader", "default_batchify_fn"]


def _stack_numpy(samples):
    """Stack samples into NumPy arrays (nested lists for tuple samples)."""
    first = samples[0]
    if isinstance(first, ndarray.NDArray):
        return np.stack([sample.asnumpy() for sample in samples])
    if isinstance(first, tuple):
        return [_stack_numpy(list(column)) for column in zip(*samples)]
    return np.asarray(samples)


def _to_ndarray(batch):
    """NumPy arrays (possibly in nested lists) -> NDArrays of the same dtype."""
    if isinstance(batch, np.ndarray):
        return ndarray.array(batch, dtype=batch.dtype)
    if isinstance(batch, (list, tuple)):
        return [_to_ndarray(item) for item in batch]
    return batch


def _to_numpy(batch):
    """NDArrays (possibly nested) -> NumPy, to cross a process boundary."""
    if isinstance(batch, ndarray.NDArray):
        return batch.asnumpy()
    if isinstance(batch, (list, tuple)):
        return type(batch)(_to_numpy(item) for item in batch)
    return batch


def default_batchify_fn(data):
    """Stack a list of samples into a batch of NDArrays.

    Example
    -------
    >>> samples = [(mx.nd.ones(2), 0), (mx.nd.zeros(2), 1)]
    >>> default_batchify_fn(samples)[1]  # doctest: +SKIP
    [0 1]  (an int64 NDArray of shape (2,))
    """
    return _to_ndarray(_stack_numpy(data))


# ---- worker processes: the dataset and batchify_fn are set once per worker ----
_worker_dataset = None
_worker_batchify_fn = None


def _worker_initializer(dataset, batchify_fn):
    global _worker_dataset, _worker_batchify_fn
    _worker_dataset = dataset
    _worker_batchify_fn = batchify_fn


def _read_batch(dataset, batchify_fn, indices):
    """Read and stack one batch inside a worker; return NumPy arrays."""
    samples = [dataset[i] for i in indices]
    if batchify_fn is None:
        return _stack_numpy(samples)
    return _to_numpy(batchify_fn(samples))


def _worker_fn(indices):
    """A process worker's task: the dataset was handed over once, at start-up."""
    return _read_batch(_worker_dataset, _worker_batchify_fn, indices)


class _MultiWorkerIter:
    """Keeps up to ``prefetch`` batches in flight in the pool; yields them in order.

    It holds its DataLoader (as MXNet does): ``for x in DataLoader(...)`` keeps no
    other reference, and a collected loader would terminate the pool mid-epoch.
    """

    def __init__(self, pool, task, batch_sampler, prefetch, timeout, loader=None):
        self._loader = loader
        self._pool = pool
        self._task = task
        self._indices = iter(batch_sampler)
        self._timeout = timeout
        self._pending = deque()
        for _ in range(max(1, prefetch)):
            self._push_next()

    def _push_next(self):
        indices = next(self._indices, None)
        if indices is not None:
            self._pending.append(self._pool.apply_async(self._task, (indices,)))

    def __iter__(self):
        return self

    def __next__(self):
        if not self._pending:
            raise StopIteration
        result = self._pending.popleft()
        self._push_next()
        try:
            batch = result.get(self._timeout)
        except multiprocessing.TimeoutError:
            raise MXNetError(f"DataLoader: a worker took more than {self._timeout} s "
                             "to produce a batch; raise timeout= or check the "
                             "dataset's __getitem__") from None
        return _to_ndarray(batch)


class DataLoader:
    """Load a Dataset in mini-batches (MXNet's ``gluon.data.DataLoader``).

    Parameters
    ----------
    dataset : Dataset
    batch_size : int
    shuffle : bool
        Draw samples in a random order each epoch.
    sampler : Sampler, optional
        Custom index order (not together with ``shuffle``).
    last_batch : {'keep', 'discard', 'rollover'}
        What to do with a final incomplete batch (default 'keep').
    batch_sampler : Sampler, optional
        Yields lists of indices; replaces batch_size, shuffle, sampler and last_batch.
    batchify_fn : callable, optional
        Turns a list of samples into a batch.
    num_workers : int
        Worker processes (0: read in the main process).

    Example
    -------
    >>> dataset = mx.gluon.data.ArrayDataset(mx.nd.ones((10, 2)), mx.nd.arange(10))
    >>> for X, y in mx.gluon.data.DataLoader(dataset, batch_size=4):
    ...     print(X.shape, y.shape)
    (4, 2) (4,)
    (4, 2) (4,)
    (2, 2) (2,)
    """

    def __init__(self, dataset, batch_size=None, shuffle=False, sampler=None,
                 last_batch=None, batch_sampler=None, batchify_fn=None, num_workers=0,
                 pin_memory=False, pin_device_id=0, prefetch=None, thread_pool=False,
                 timeout=120):
        if len(dataset) == 0:
            raise MXNetError("DataLoader: the dataset is empty (length 0), so there is "
                             "nothing to load; check the dataset's source (folder, "
                             "arrays) before building the DataLoader")
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._timeout = timeout
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError("batch_size must be specified unless batch_sampler is "
                                 "specified")
            if sampler is None:
                sampler = (_sampler.RandomSampler(len(dataset)) if shuffle
                           else _sampler.SequentialSampler(len(dataset)))
            elif shuffle:
                raise ValueError("shuffle must not be specified if sampler is "
                                 "specified")
            batch_sampler = _sampler.BatchSampler(sampler, batch_size,
                                                  last_batch if last_batch else "keep")
        elif (batch_size is not None or shuffle or sampler is not None
              or last_batch is not None):
            raise ValueError("batch_size, shuffle, sampler and last_batch must not be "
                             "specified if batch_sampler is specified.")
        self._batch_sampler = batch_sampler
        self._num_workers = max(0, num_workers)
        self._batchify_fn = batchify_fn
        self._prefetch = max(0, int(prefetch) if prefetch is not None
                             else 2 * self._num_workers)
        self._pool = None
        if self._num_workers > 0:
            self._pool = self._start_pool(thread_pool)

    def _start_pool(self, thread_pool):
        initargs = (self._dataset, self._batchify_fn)
        if thread_pool:
            # threads share memory: each task carries the dataset itself
            self._task = functools.partial(_read_batch, *initargs)
            return multiprocessing.pool.ThreadPool(self._num_workers)
        self._task = _worker_fn
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        return context.Pool(self._num_workers, initializer=_worker_initializer,
                            initargs=initargs)

    def __iter__(self):
        if self._pool is None:
            return self._same_process_iter()
        return _MultiWorkerIter(self._pool, self._task, self._batch_sampler,
                                self._prefetch, self._timeout, loader=self)

    def _same_process_iter(self):
        batchify_fn = self._batchify_fn or default_batchify_fn
        for indices in self._batch_sampler:
            yield batchify_fn([self._dataset[i] for i in indices])

    def __len__(self):
        return len(self._batch_sampler)

    def __del__(self):
        pool = getattr(self, "_pool", None)
        if pool is not None:
            pool.terminate()
            self._pool = None
