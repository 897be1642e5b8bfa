"""``mx.rnn``: MXNet's legacy symbolic RNN API (before Gluon).

Cells build the Symbol of an unrolled recurrent network for ``mx.mod.Module`` /
``BucketingModule``::

    cell = mx.rnn.LSTMCell(num_hidden=200, prefix='lstm_')
    outputs, states = cell.unroll(seq_len, inputs=embed, merge_outputs=True)

``rnn_cell.py`` holds the step cells (RNN, LSTM, GRU), ``composite_cells.py`` the
stacks and modifiers, ``fused_cell.py`` the cell over the fused ``RNN`` op,
``io.py`` the bucketing sentence iterator and ``checkpoint.py`` the checkpoint
helpers. (MXNet's experimental ``ConvRNNCell`` family is not part of dlkit.)
"""
from ..model import load_checkpoint, save_checkpoint
from .checkpoint import do_rnn_checkpoint, load_rnn_checkpoint, save_rnn_checkpoint
from .composite_cells import (BidirectionalCell, DropoutCell, ModifierCell,
                              ResidualCell, SequentialRNNCell, ZoneoutCell)
from .fused_cell import FusedRNN, FusedRNNCell
from .io import BucketSentenceIter, encode_sentences
from .rnn_cell import BaseRNNCell, GRUCell, LSTMCell, RNNCell, RNNParams

__all__ = ["RNNParams", "BaseRNNCell", "RNNCell", "LSTMCell", "GRUCell",
           "FusedRNNCell", "SequentialRNNCell", "BidirectionalCell", "DropoutCell",
           "ModifierCell", "ZoneoutCell", "ResidualCell", "BucketSentenceIter",
           "encode_sentences", "save_rnn_checkpoint", "load_rnn_checkpoint",
           "do_rnn_checkpoint", "save_checkpoint", "load_checkpoint", "FusedRNN"]
