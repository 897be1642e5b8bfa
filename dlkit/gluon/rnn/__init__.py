"""``gluon.rnn`` (not written yet): RNNCell, LSTMCell, GRUCell and the RNN/LSTM/GRU
layers are still to be built from the registry ops; importing them fails until then."""
