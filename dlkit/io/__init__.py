"""``mx.io``: data iterators, the way Module's ``fit`` reads data.

``base.py`` defines the protocol (``DataDesc``, ``DataBatch``, ``DataIter``);
``ndarray_iter.py`` the in-memory ``NDArrayIter``; ``wrappers.py`` ``ResizeIter`` and
``PrefetchingIter``. (MXNet's C++ iterators for record files, CSV and MNIST are not part
of dlkit; ``gluon.data`` covers datasets.)
"""
from .base import DataBatch, DataDesc, DataIter
from .ndarray_iter import NDArrayIter
from .wrappers import PrefetchingIter, ResizeIter

__all__ = ["DataDesc", "DataBatch", "DataIter", "NDArrayIter", "ResizeIter",
           "PrefetchingIter"]
