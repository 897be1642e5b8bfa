"""``gluon.contrib.rnn``: convolutional RNN/LSTM/GRU cells (1-D, 2-D, 3-D),
VariationalDropoutCell and LSTMPCell (MXNet 1.9.1's contributed cells)."""
from . import conv_rnn_cell, rnn_cell
from .conv_rnn_cell import *  # noqa: F401,F403
from .rnn_cell import *  # noqa: F401,F403
