"""The data-iterator protocol: ``DataDesc``, ``DataBatch`` and ``DataIter``.

Module's ``fit`` reads data through this protocol only::

    train_iter.provide_data   -> [DataDesc('data', (batch_size, ...))]   bind shapes
    train_iter.provide_label  -> [DataDesc('softmax_label', (batch_size,))]
    for batch in train_iter:  -> DataBatch(data=[NDArray], label=[NDArray], pad=k)
        ...                      (``pad``: how many samples at the end are filler)
    train_iter.reset()        -> start the next epoch

A ``DataIter`` subclass implements ``iter_next`` (advance; False at the end) and the
getters ``getdata``/``getlabel``/``getpad``/``getindex``; ``next`` packs them into a
``DataBatch``.
"""
from collections import namedtuple

import numpy as np

from ..base import MXNetError

__all__ = ["DataDesc", "DataBatch", "DataIter"]


class DataDesc(namedtuple("DataDesc", ["name", "shape"])):
    """Name and shape of one input (a ``(name, shape)`` tuple), plus dtype and layout.

    Parameters
    ----------
    name : str
        Input name, such as ``'data'`` or ``'softmax_label'``.
    shape : tuple of int
        Shape including the batch axis.
    dtype : NumPy dtype
        Element type (float32 by default).
    layout : str
        Axis letters; ``'N'`` marks the batch axis.

    Example
    -------
    >>> mx.io.DataDesc("data", (32, 3, 28, 28))
    DataDesc[data,(32, 3, 28, 28),<class 'numpy.float32'>,NCHW]
    """

    def __new__(cls, name, shape, dtype=np.float32, layout="NCHW"):
        desc = super().__new__(cls, name, shape)
        desc.dtype = dtype
        desc.layout = layout
        return desc

    def __repr__(self):
        return f"DataDesc[{self.name},{self.shape},{self.dtype},{self.layout}]"

    @staticmethod
    def get_batch_axis(layout):
        """The position of ``'N'`` in ``layout`` (0 when the layout is None)."""
        if layout is None:
            return 0
        return layout.find("N")

    @staticmethod
    def get_list(shapes, types):
        """DataDescs from ``[(name, shape)]`` and optional ``[(name, dtype)]``."""
        if types is None:
            return [DataDesc(name, shape) for name, shape in shapes]
        type_of = dict(types)
        return [DataDesc(name, shape, type_of[name]) for name, shape in shapes]


class DataBatch:
    """One mini-batch: lists of data and label NDArrays, plus bookkeeping.

    Parameters
    ----------
    data : list of NDArray
        The inputs.
    label : list of NDArray or None
        The labels.
    pad : int or None
        How many samples at the end are filler (to be ignored by ``predict``).
    index : array or None
        Sample indices of this batch.
    bucket_key : any
        The bucket (sequence length) for BucketingModule.
    provide_data, provide_label : list of DataDesc or None
        Shapes of this batch when they differ from the iterator's.
    """

    def __init__(self, data, label=None, pad=None, index=None, bucket_key=None,
                 provide_data=None, provide_label=None):
        if data is not None and not isinstance(data, (list, tuple)):
            raise MXNetError(f"DataBatch: data must be a list of NDArrays, got "
                             f"{type(data).__name__}; wrap a single array as [array]")
        if label is not None and not isinstance(label, (list, tuple)):
            raise MXNetError(f"DataBatch: label must be a list of NDArrays, got "
                             f"{type(label).__name__}; wrap a single array as [array]")
        self.data = data
        self.label = label
        self.pad = pad
        self.index = index
        self.bucket_key = bucket_key
        self.provide_data = provide_data
        self.provide_label = provide_label

    def __str__(self):
        data_shapes = [d.shape for d in self.data]
        label_shapes = [l.shape for l in self.label] if self.label else None
        return (f"{type(self).__name__}: data shapes: {data_shapes} "
                f"label shapes: {label_shapes}")


class DataIter:
    """Base class of data iterators: ``for batch in it`` then ``it.reset()``.

    Parameters
    ----------
    batch_size : int
        Samples per batch.
    """

    def __init__(self, batch_size=0):
        self.batch_size = batch_size

    def __iter__(self):
        return self

    def reset(self):
        """Go back to the start of the data (the next epoch)."""

    def next(self):
        """The next ``DataBatch``; raises ``StopIteration`` at the end of the epoch."""
        if self.iter_next():
            return DataBatch(data=self.getdata(), label=self.getlabel(),
                             pad=self.getpad(), index=self.getindex())
        raise StopIteration

    def __next__(self):
        return self.next()

    def iter_next(self):
        """Advance to the next batch; False when the epoch is over."""
        return False

    def getdata(self):
        """The data of the current batch (list of NDArray)."""

    def getlabel(self):
        """The labels of the current batch (list of NDArray)."""

    def getindex(self):
        """The sample indices of the current batch (None when not tracked)."""
        return None

    def getpad(self):
        """How many samples at the end of the current batch are filler."""
        return 0
