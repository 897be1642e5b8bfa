"""``mx.contrib.io``: a Gluon ``DataLoader`` seen as a Module ``DataIter``.

``Module.fit`` reads batches from a ``DataIter`` (``provide_data``, ``next()`` giving
a ``DataBatch``); Gluon reads them from a ``DataLoader`` (``for data, label in
loader``). ``DataLoaderIter`` wraps the second as the first, so a Gluon data pipeline
can feed a symbolic Module.
"""
from .. import ndarray as nd
from ..io import DataDesc, DataIter

__all__ = ["DataLoaderIter"]


class DataLoaderIter(DataIter):
    """A ``DataIter`` reading ``(data, label)`` batches from a Gluon ``DataLoader``.

    The batch size is that of the first batch; a shorter last batch is padded (with
    uninitialised rows, as MXNet does) and ``getpad`` says by how many rows.

    Parameters
    ----------
    loader : mx.gluon.data.DataLoader
        Yields ``(data, label)`` pairs.
    data_name, label_name : str
        Names in ``provide_data`` / ``provide_label``.
    dtype : str, default 'float32'
        Both data and label are cast to it.

    Example
    -------
    >>> dataset = mx.gluon.data.ArrayDataset(mx.nd.ones((10, 2)), mx.nd.zeros((10,)))
    >>> it = mx.contrib.io.DataLoaderIter(mx.gluon.data.DataLoader(dataset, 4))
    >>> [batch.pad for batch in it]
    [0, 0, 2]
    """

    def __init__(self, loader, data_name="data", label_name="softmax_label",
                 dtype="float32"):
        super().__init__()
        self._loader = loader
        self._iter = iter(self._loader)
        data, label = next(self._iter)
        self.batch_size = data.shape[0]
        self.dtype = dtype
        self.provide_data = [DataDesc(data_name, data.shape, dtype)]
        self.provide_label = [DataDesc(label_name, label.shape, dtype)]
        self._current_batch = None
        self.reset()

    def reset(self):
        self._iter = iter(self._loader)

    def iter_next(self):
        try:
            self._current_batch = next(self._iter)
        except StopIteration:
            self._current_batch = None
        return self._current_batch is not None

    def _padded(self, array):
        """``array`` cast to ``dtype``, grown to ``batch_size`` rows when short."""
        if not self.getpad():
            return array.astype(self.dtype)
        padded = nd.empty((self.batch_size, *array.shape[1:]), dtype=self.dtype)
        padded[:array.shape[0]] = array.astype(self.dtype)
        return padded

    def getdata(self):
        return [self._padded(self._current_batch[0])]

    def getlabel(self):
        return [self._padded(self._current_batch[1])]

    def getpad(self):
        return self.batch_size - self._current_batch[0].shape[0]

    def getindex(self):
        return None
