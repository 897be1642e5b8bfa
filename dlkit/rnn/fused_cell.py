"""``FusedRNNCell``: a whole stack of RNN/LSTM/GRU layers as ONE ``RNN`` op.

All weights live in one flat Variable ``<prefix>parameters`` laid out as the ``RNN``
op (and cuDNN) expects; ``unpack_weights`` cuts it into named views::

    lstm_l0_i2h_i_weight  lstm_l0_i2h_f_weight ... lstm_l0_h2h_o_weight   layer 0, left
    lstm_r0_i2h_i_weight ...                                              layer 0, right
    ... every weight of every layer and direction, then every bias ...

``unfuse()`` builds the equivalent stack of step cells (``LSTMCell`` ...) whose
``pack_weights``/``unpack_weights`` names match these, so a checkpoint saved with
``save_rnn_checkpoint`` loads into either form.
"""
import warnings

from .. import symbol
from ..initializer import FusedRNN  # noqa: F401  (mx.rnn re-exports it)
from ..ndarray.ndarray import zeros
from .composite_cells import BidirectionalCell, DropoutCell, SequentialRNNCell
from .rnn_cell import BaseRNNCell, GRUCell, LSTMCell, RNNCell, normalize_sequence

__all__ = ["FusedRNNCell", "FusedRNN"]

_GATE_NAMES = {"rnn_relu": [""], "rnn_tanh": [""], "lstm": ["_i", "_f", "_c", "_o"],
               "gru": ["_r", "_z", "_o"]}


class FusedRNNCell(BaseRNNCell):
    """Several RNN layers run by the fused ``RNN`` op (cannot be stepped: unroll).

    Parameters
    ----------
    num_hidden : int
    num_layers : int
    mode : str
        ``'rnn_relu'``, ``'rnn_tanh'``, ``'lstm'`` or ``'gru'``.
    bidirectional : bool
    dropout : float
        Dropout between layers.
    get_next_state : bool
        Return the final states (otherwise ``unroll`` returns ``[]`` for them).
    forget_bias : float
    prefix : str
        Default ``'<mode>_'``.

    Example
    -------
    >>> cell = mx.rnn.FusedRNNCell(16, num_layers=2, mode='lstm')
    >>> outputs, _ = cell.unroll(10, mx.sym.Variable('data'), layout='TNC',
    ...                          merge_outputs=True)
    """

    def __init__(self, num_hidden, num_layers=1, mode="lstm", bidirectional=False,
                 dropout=0.0, get_next_state=False, forget_bias=1.0, prefix=None,
                 params=None):
        if prefix is None:
            prefix = f"{mode}_"
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._dropout = dropout
        self._get_next_state = get_next_state
        self._directions = ["l", "r"] if bidirectional else ["l"]
        initializer = FusedRNN(None, num_hidden, num_layers, mode, bidirectional,
                               forget_bias)
        self._parameter = self.params.get("parameters", init=initializer)

    @property
    def state_info(self):
        directions = len(self._directions)
        count = 2 if self._mode == "lstm" else 1
        return [{"shape": (directions * self._num_layers, 0, self._num_hidden),
                 "__layout__": "LNC"} for _ in range(count)]

    @property
    def _gate_names(self):
        return _GATE_NAMES[self._mode]

    def _slice_weights(self, arr, input_size, hidden):
        """Name -> view of ``arr`` for every weight and bias, in the op's layout."""
        args, position = {}, 0
        directions = len(self._directions)

        def take(name, shape):
            nonlocal position
            size = 1
            for dim in shape:
                size *= dim
            args[name] = arr[position:position + size].reshape(shape)
            position += size

        for layer in range(self._num_layers):
            width = input_size if layer == 0 else directions * hidden
            for direction in self._directions:
                for gate in self._gate_names:
                    take(f"{self._prefix}{direction}{layer}_i2h{gate}_weight",
                         (hidden, width))
                for gate in self._gate_names:
                    take(f"{self._prefix}{direction}{layer}_h2h{gate}_weight",
                         (hidden, hidden))
        for layer in range(self._num_layers):
            for direction in self._directions:
                for group in ("i2h", "h2h"):
                    for gate in self._gate_names:
                        take(f"{self._prefix}{direction}{layer}_{group}{gate}_bias",
                             (hidden,))
        if position != arr.size:
            raise AssertionError(f"Invalid parameters size for FusedRNNCell: "
                                 f"{arr.size} values, the layout needs {position}")
        return args

    def unpack_weights(self, args):
        args = dict(args)
        arr = args.pop(self._parameter.name)
        directions = len(self._directions)
        gates = len(self._gate_names)
        hidden = self._num_hidden
        input_size = (arr.size // directions // hidden // gates
                      - (self._num_layers - 1) * (hidden + directions * hidden + 2)
                      - hidden - 2)
        for name, view in self._slice_weights(arr, input_size, hidden).items():
            args[name] = view.copy()
        return args

    def pack_weights(self, args):
        args = dict(args)
        directions = len(self._directions)
        gates = len(self._gate_names)
        hidden = self._num_hidden
        first = args[f"{self._prefix}l0_i2h{self._gate_names[0]}_weight"]
        input_size = first.shape[1]
        total = ((input_size + hidden + 2) * hidden * gates * directions
                 + (self._num_layers - 1) * gates * hidden
                 * (hidden + directions * hidden + 2) * directions)
        arr = zeros((total,), ctx=first.context, dtype=first.dtype)
        for name, view in self._slice_weights(arr, input_size, hidden).items():
            view[:] = args.pop(name)
        args[self._parameter.name] = arr
        return args

    def __call__(self, inputs, states):
        raise NotImplementedError("FusedRNNCell cannot be stepped. Please use unroll")

    def unroll(self, length, inputs, begin_state=None, layout="NTC",
               merge_outputs=None):
        """One ``RNN`` node named ``<prefix>rnn`` over the whole sequence (the op
        wants ``TNC``, so an ``NTC`` sequence is swapped there and back)."""
        self.reset()
        inputs, axis = normalize_sequence(length, inputs, layout, True)
        if axis == 1:
            warnings.warn("NTC layout detected. Consider using TNC for FusedRNNCell "
                          "for faster speed")
            inputs = symbol.swapaxes(inputs, dim1=0, dim2=1)
        elif axis != 0:
            raise AssertionError(f"FusedRNNCell: unsupported layout {layout!r}")
        if begin_state is None:
            begin_state = self.begin_state()
        states = {"state": begin_state[0]}
        if self._mode == "lstm":
            states["state_cell"] = begin_state[1]
        rnn = symbol.RNN(data=inputs, parameters=self._parameter,
                         state_size=self._num_hidden, num_layers=self._num_layers,
                         bidirectional=self._bidirectional, p=self._dropout,
                         state_outputs=self._get_next_state, mode=self._mode,
                         name=f"{self._prefix}rnn", **states)
        if not self._get_next_state:
            outputs, states = rnn, []
        else:
            count = 2 if self._mode == "lstm" else 1
            for index in range(1, count + 1):
                rnn[index]._set_attr(__layout__="LNC")
            outputs, states = rnn[0], [rnn[index] for index in range(1, count + 1)]
        if axis == 1:
            outputs = symbol.swapaxes(outputs, dim1=1, dim2=0)
        outputs, _ = normalize_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def unfuse(self):
        """The same network as a ``SequentialRNNCell`` of step cells (names
        ``<prefix>l0_``, ``<prefix>r0_`` ..., matching ``unpack_weights``)."""
        def make_cell(prefix):
            if self._mode == "rnn_relu":
                return RNNCell(self._num_hidden, activation="relu", prefix=prefix)
            if self._mode == "rnn_tanh":
                return RNNCell(self._num_hidden, activation="tanh", prefix=prefix)
            if self._mode == "lstm":
                return LSTMCell(self._num_hidden, prefix=prefix)
            return GRUCell(self._num_hidden, prefix=prefix)

        stack = SequentialRNNCell()
        for layer in range(self._num_layers):
            if self._bidirectional:
                stack.add(BidirectionalCell(
                    make_cell(f"{self._prefix}l{layer}_"),
                    make_cell(f"{self._prefix}r{layer}_"),
                    output_prefix=f"{self._prefix}bi_l{layer}_"))
            else:
                stack.add(make_cell(f"{self._prefix}l{layer}_"))
            if self._dropout > 0 and layer != self._num_layers - 1:
                stack.add(DropoutCell(self._dropout,
                                      prefix=f"{self._prefix}_dropout{layer}_"))
        return stack
