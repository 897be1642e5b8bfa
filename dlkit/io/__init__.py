"""``mx.io``: data iterators, the way Module's ``fit`` reads data.

``base.py`` defines the protocol (``DataDesc``, ``DataBatch``, ``DataIter``);
``ndarray_iter.py`` the in-memory ``NDArrayIter``; ``wrappers.py`` ``ResizeIter`` and
``PrefetchingIter``; ``batch_loader.py`` batches samples read from files for
``CSVIter``, ``LibSVMIter`` (``text_iters.py``) and ``ImageRecordIter``
(``image_record_iter.py``), ``ImageDetRecordIter`` (``image_det_record_iter.py``);
``mnist_iter.py`` reads MNIST's idx files.
"""
from .base import DataBatch, DataDesc, DataIter
from .image_det_record_iter import ImageDetRecordIter
from .image_record_iter import ImageRecordIter
from .mnist_iter import MNISTIter
from .ndarray_iter import NDArrayIter
from .text_iters import CSVIter, LibSVMIter
from .wrappers import PrefetchingIter, ResizeIter

__all__ = ["DataDesc", "DataBatch", "DataIter", "NDArrayIter", "ResizeIter",
           "PrefetchingIter", "CSVIter", "LibSVMIter", "MNISTIter", "ImageRecordIter",
           "ImageDetRecordIter"]
