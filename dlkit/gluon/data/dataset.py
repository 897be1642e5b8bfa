"""Datasets: anything with ``__getitem__`` and ``__len__`` that returns one sample.

``dataset[i]`` is a sample (often a ``(data, label)`` tuple); ``DataLoader`` draws
indices from a sampler and stacks samples into batches. ``transform`` wraps a dataset
so that every sample passes through a function when it is read (lazily)::

    ArrayDataset(X, y).transform_first(normalize)[i]  ==  (normalize(X[i]), y[i])
"""
import os

from ... import ndarray, recordio

__all__ = ["Dataset", "SimpleDataset", "ArrayDataset", "RecordFileDataset"]


class Dataset:
    """Abstract dataset: subclasses define ``__getitem__(idx)`` and ``__len__()``."""

    def __getitem__(self, idx):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def transform(self, fn, lazy=True):
        """A dataset whose samples are ``fn(*sample)`` (``fn(sample)`` if not a tuple).

        ``lazy=False`` applies ``fn`` to every sample now and keeps the results.
        """
        transformed = _LazyTransformDataset(self, fn)
        if lazy:
            return transformed
        return SimpleDataset([transformed[i] for i in range(len(transformed))])

    def transform_first(self, fn, lazy=True):
        """Like ``transform`` but ``fn`` sees only the first element (the data)."""
        return self.transform(_TransformFirstClosure(fn), lazy)

    def filter(self, fn):
        """A dataset with only the samples for which ``fn(sample)`` is true."""
        return SimpleDataset([self[i] for i in range(len(self)) if fn(self[i])])

    def take(self, count):
        """The first ``count`` samples (all if None)."""
        count = len(self) if count is None else min(count, len(self))
        return SimpleDataset([self[i] for i in range(count)])


class SimpleDataset(Dataset):
    """A dataset over any indexable object (a list, a NumPy array ...)."""

    def __init__(self, data):
        self._data = data

    def __len__(self):
        return len(self._data)

    def __getitem__(self, idx):
        return self._data[idx]


class _LazyTransformDataset(Dataset):
    def __init__(self, data, fn):
        self._data = data
        self._fn = fn

    def __len__(self):
        return len(self._data)

    def __getitem__(self, idx):
        item = self._data[idx]
        if isinstance(item, tuple):
            return self._fn(*item)
        return self._fn(item)


class _TransformFirstClosure:
    """A picklable ``lambda x, *rest: (fn(x), *rest)`` (worker processes need
    pickling)."""

    def __init__(self, fn):
        self._fn = fn

    def __call__(self, x, *args):
        if args:
            return (self._fn(x),) + args
        return self._fn(x)


class ArrayDataset(Dataset):
    """Zip arrays of equal length: ``dataset[i] = (a[i], b[i], ...)``.

    MXNet quirk kept: a 1-D NDArray is stored as NumPy, so its samples are NumPy
    scalars.

    Example
    -------
    >>> dataset = mx.gluon.data.ArrayDataset(mx.nd.ones((4, 2)), mx.nd.arange(4))
    >>> len(dataset)
    4
    """

    def __init__(self, *args):
        if not args:
            raise ValueError("Needs at least 1 arrays")
        self._length = len(args[0])
        self._data = []
        for index, data in enumerate(args):
            if len(data) != self._length:
                raise ValueError(f"All arrays must have the same length; array[0] has "
                                 f"length {self._length} while array[{index}] has "
                                 f"{len(data)}.")
            if isinstance(data, ndarray.NDArray) and len(data.shape) == 1:
                data = data.asnumpy()
            self._data.append(data)

    def __getitem__(self, idx):
        if len(self._data) == 1:
            return self._data[0][idx]
        return tuple(data[idx] for data in self._data)

    def __len__(self):
        return self._length


class RecordFileDataset(Dataset):
    """The records of a RecordIO file, read by position: ``dataset[i]`` is the bytes
    of the i-th record listed in the index file.

    Parameters
    ----------
    filename : str
        The ``.rec`` file; its index must sit beside it with the ``.idx`` extension.

    Example
    -------
    >>> dataset = mx.gluon.data.RecordFileDataset('train.rec')  # doctest: +SKIP
    >>> header, image = mx.recordio.unpack(dataset[0])          # doctest: +SKIP
    """

    def __init__(self, filename):
        self.idx_file = os.path.splitext(filename)[0] + ".idx"
        self.filename = filename
        self._record = recordio.MXIndexedRecordIO(self.idx_file, self.filename, "r")

    def __getitem__(self, idx):
        return self._record.read_idx(self._record.keys[idx])

    def __len__(self):
        return len(self._record.keys)
