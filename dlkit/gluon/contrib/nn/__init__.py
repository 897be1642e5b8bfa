"""``gluon.contrib.nn``: Concurrent, HybridConcurrent, Identity, SparseEmbedding,
SyncBatchNorm and PixelShuffle1D/2D/3D (MXNet 1.9.1's contributed layers)."""
from . import basic_layers
from .basic_layers import *  # noqa: F401,F403
