"""``mx.gluon.contrib``: MXNet 1.9.1's contributed Gluon pieces.

    nn          Concurrent, HybridConcurrent, Identity, SparseEmbedding,
                SyncBatchNorm, PixelShuffle1D/2D/3D
    rnn         Conv{1,2,3}D{RNN,LSTM,GRU}Cell, VariationalDropoutCell, LSTMPCell
    data        IntervalSampler
    estimator   Estimator, BatchProcessor and the event handlers

Differs from MXNet: ``contrib.cnn`` (deformable convolutions) and
``contrib.data.text`` (datasets downloaded from the internet) are left out.
"""
from . import nn, rnn, data, estimator

__all__ = ["nn", "rnn", "data", "estimator"]
