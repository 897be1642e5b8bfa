"""``mx.gluon.rnn``: recurrent cells (one step, ``unroll`` for a sequence), cells built
from cells, and the fused layers RNN, LSTM and GRU (a whole stack in one ``RNN`` op)."""
from .rnn_cell import RecurrentCell, HybridRecurrentCell, RNNCell, LSTMCell, GRUCell
from .composite_cells import (SequentialRNNCell, HybridSequentialRNNCell, DropoutCell,
                              ModifierCell, ResidualCell, ZoneoutCell,
                              BidirectionalCell)
from .rnn_layer import RNN, LSTM, GRU

__all__ = ["RecurrentCell", "HybridRecurrentCell", "RNNCell", "LSTMCell", "GRUCell",
           "SequentialRNNCell", "HybridSequentialRNNCell", "DropoutCell",
           "ModifierCell", "ResidualCell", "ZoneoutCell", "BidirectionalCell", "RNN",
           "LSTM", "GRU"]
