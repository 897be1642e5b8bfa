"""The legacy symbolic recurrent cells of ``mx.rnn`` (MXNet's pre-Gluon RNN API).

A cell builds the Symbol of ONE time step, ``(input, states) -> (output, new
states)``; ``unroll`` calls it once per step and chains the states::

    data --split--> x0        x1        x2
                    |         |         |
    begin_state -> [t0] ---> [t1] ---> [t2] --> last states
                    |         |         |
                    y0        y1        y2  --(merge_outputs)--> concat

Every call adds new graph nodes named ``<prefix>t<step>_...`` (``lstm_t0_i2h``,
``lstm_t1_out``) but all steps share ONE set of weight Variables
(``lstm_i2h_weight`` ...), kept by an ``RNNParams``. ``reset()`` restarts the step
counter, so the next ``unroll`` builds an independent graph with the same names.

Nothing here computes: the cells only combine registry ops (``FullyConnected``,
``SliceChannel``, ``Activation``, ...) into a Symbol, which ``Module`` then runs.
``gluon.rnn`` holds the imperative cells; the gate orders are the same (LSTM
``i, f, c, o``; GRU ``r, z, o``).
"""
from .. import symbol
from ..initializer import LSTMBias
from ..ndarray.ndarray import concatenate
from ..symbol import Symbol

__all__ = ["RNNParams", "BaseRNNCell", "RNNCell", "LSTMCell", "GRUCell"]


class RNNParams:
    """The weight Variables of a cell, created on first use and then shared.

    Parameters
    ----------
    prefix : str
        Put in front of every name: ``RNNParams('lstm_').get('i2h_weight')`` is the
        Variable ``lstm_i2h_weight``.
    """

    def __init__(self, prefix=""):
        self._prefix = prefix
        self._params = {}

    def get(self, name, **kwargs):
        """The Variable ``prefix + name`` (created with ``kwargs`` the first time)."""
        name = self._prefix + name
        if name not in self._params:
            self._params[name] = symbol.Variable(name, **kwargs)
        return self._params[name]


def normalize_sequence(length, inputs, layout, merge, in_layout=None):
    """Bring ``inputs`` into the form a cell wants; returns ``(inputs, time axis)``.

    ``inputs`` is one Symbol (time on the ``T`` axis of ``layout``) or a list of
    per-step Symbols. ``merge=False`` gives a list (``split`` along time),
    ``merge=True`` one Symbol (``expand_dims`` + ``Concat``), ``None`` keeps the form.
    """
    if inputs is None:
        raise ValueError("unroll: inputs is None; pass a Symbol or a list of Symbols")
    axis = layout.find("T")
    in_axis = in_layout.find("T") if in_layout is not None else axis
    if isinstance(inputs, Symbol):
        if merge is False:
            if len(inputs.list_outputs()) != 1:
                raise ValueError("unroll doesn't allow grouped symbol as input. Please "
                                 "convert to list with list(inputs) first or let "
                                 "unroll handle splitting.")
            inputs = list(symbol.split(inputs, axis=in_axis, num_outputs=length,
                                       squeeze_axis=1))
    else:
        if length is not None and len(inputs) != length:
            raise ValueError(f"unroll: length={length} but {len(inputs)} inputs were "
                             "given")
        if merge is True:
            inputs = [symbol.expand_dims(step, axis=axis) for step in inputs]
            inputs = symbol.Concat(*inputs, dim=axis)
            in_axis = axis
    if isinstance(inputs, Symbol) and axis != in_axis:
        inputs = symbol.swapaxes(inputs, dim1=axis, dim2=in_axis)
    return inputs, axis


class BaseRNNCell:
    """Base class of the legacy cells.

    Parameters
    ----------
    prefix : str
        Prefix of the cell's weight and node names.
    params : RNNParams or None
        Share another cell's weights by passing its ``params``.
    """

    _gate_names = ()

    def __init__(self, prefix="", params=None):
        if params is None:
            params = RNNParams(prefix)
            self._own_params = True
        else:
            self._own_params = False
        self._prefix = prefix
        self._params = params
        self._modified = False
        self.reset()

    def reset(self):
        """Restart the step counters before building another graph."""
        self._init_counter = -1
        self._counter = -1
        for cell in getattr(self, "_cells", []):
            cell.reset()

    def __call__(self, inputs, states):
        """One step: ``(output, new_states)``."""
        raise NotImplementedError()

    @property
    def params(self):
        """The cell's ``RNNParams`` (pass it to another cell to share weights)."""
        self._own_params = False
        return self._params

    @property
    def state_info(self):
        """One dict per state: its ``shape`` (0 = batch, filled in later) and
        ``__layout__``."""
        raise NotImplementedError()

    @property
    def state_shape(self):
        """The shapes of ``state_info``."""
        return [info["shape"] for info in self.state_info]

    def begin_state(self, func=symbol.zeros, **kwargs):
        """Initial states, one Symbol per state, named ``<prefix>begin_state_<i>``.

        ``func`` makes each one (``symbol.zeros`` by default; ``symbol.Variable``
        turns them into inputs you feed).
        """
        if self._modified:
            raise AssertionError("After applying modifier cells (e.g. DropoutCell) the "
                                 "base cell cannot be called directly. Call the "
                                 "modifier cell instead.")
        states = []
        for info in self.state_info:
            self._init_counter += 1
            info = dict(kwargs) if info is None else dict(info, **kwargs)
            name = f"{self._prefix}begin_state_{self._init_counter}"
            states.append(func(name=name, **info))
        return states

    def unpack_weights(self, args):
        """Split the stacked gate weights into one array per gate
        (``lstm_i2h_weight`` -> ``lstm_i2h_i_weight``, ``lstm_i2h_f_weight`` ...)."""
        args = dict(args)
        if not self._gate_names:
            return args
        hidden = self._num_hidden
        for group in ["i2h", "h2h"]:
            weight = args.pop(f"{self._prefix}{group}_weight")
            bias = args.pop(f"{self._prefix}{group}_bias")
            for j, gate in enumerate(self._gate_names):
                rows = slice(j * hidden, (j + 1) * hidden)
                args[f"{self._prefix}{group}{gate}_weight"] = weight[rows].copy()
                args[f"{self._prefix}{group}{gate}_bias"] = bias[rows].copy()
        return args

    def pack_weights(self, args):
        """The inverse of ``unpack_weights``."""
        args = dict(args)
        if not self._gate_names:
            return args
        for group in ["i2h", "h2h"]:
            weights, biases = [], []
            for gate in self._gate_names:
                weights.append(args.pop(f"{self._prefix}{group}{gate}_weight"))
                biases.append(args.pop(f"{self._prefix}{group}{gate}_bias"))
            args[f"{self._prefix}{group}_weight"] = concatenate(weights)
            args[f"{self._prefix}{group}_bias"] = concatenate(biases)
        return args

    def unroll(self, length, inputs, begin_state=None, layout="NTC",
               merge_outputs=None):
        """Run the cell ``length`` steps.

        Parameters
        ----------
        length : int
            Number of steps.
        inputs : Symbol or list of Symbol
            One Symbol with time on ``layout``'s ``T`` axis, or one per step.
        begin_state : list of Symbol
            Initial states (default: ``begin_state()``).
        layout : str
            ``'NTC'`` (batch major) or ``'TNC'``.
        merge_outputs : bool or None
            True: one Symbol; False: a list per step; None: whatever is natural.

        Returns
        -------
        (outputs, states)
        """
        self.reset()
        inputs, _ = normalize_sequence(length, inputs, layout, False)
        if begin_state is None:
            begin_state = self.begin_state()
        states = begin_state
        outputs = []
        for step in range(length):
            output, states = self(inputs[step], states)
            outputs.append(output)
        outputs, _ = normalize_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def _get_activation(self, inputs, activation, **kwargs):
        """``Activation(act_type=activation)`` for a string, else ``activation(x)``."""
        if isinstance(activation, str):
            return symbol.Activation(inputs, act_type=activation, **kwargs)
        return activation(inputs, **kwargs)


class RNNCell(BaseRNNCell):
    """Elman RNN step: ``h_t = activation(W_i2h x_t + b_i2h + W_h2h h_{t-1} + b_h2h)``.

    Parameters
    ----------
    num_hidden : int
    activation : str or callable
        ``'tanh'`` (default), ``'relu'``, ...
    prefix : str
    params : RNNParams or None

    Example
    -------
    >>> cell = mx.rnn.RNNCell(8, prefix='rnn_')
    >>> outputs, states = cell.unroll(5, mx.sym.Variable('data'))
    """

    _gate_names = ("",)

    def __init__(self, num_hidden, activation="tanh", prefix="rnn_", params=None):
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._activation = activation
        self._iW = self.params.get("i2h_weight")
        self._iB = self.params.get("i2h_bias")
        self._hW = self.params.get("h2h_weight")
        self._hB = self.params.get("h2h_bias")

    @property
    def state_info(self):
        return [{"shape": (0, self._num_hidden), "__layout__": "NC"}]

    def __call__(self, inputs, states):
        self._counter += 1
        name = f"{self._prefix}t{self._counter}_"
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=self._num_hidden, name=f"{name}i2h")
        h2h = symbol.FullyConnected(data=states[0], weight=self._hW, bias=self._hB,
                                    num_hidden=self._num_hidden, name=f"{name}h2h")
        output = self._get_activation(i2h + h2h, self._activation, name=f"{name}out")
        return output, [output]


class LSTMCell(BaseRNNCell):
    """LSTM step; the four gates ``i, f, c, o`` are stacked in one weight matrix.

    ``c_t = f * c_{t-1} + i * c~`` and ``h_t = o * tanh(c_t)``; states are
    ``[h, c]``.

    Parameters
    ----------
    num_hidden : int
    prefix : str
    params : RNNParams or None
    forget_bias : float
        Initial value of the forget gate's part of ``i2h_bias`` (through the
        ``LSTMBias`` initializer attached to that Variable).
    """

    _gate_names = ["_i", "_f", "_c", "_o"]

    def __init__(self, num_hidden, prefix="lstm_", params=None, forget_bias=1.0):
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._iW = self.params.get("i2h_weight")
        self._hW = self.params.get("h2h_weight")
        self._iB = self.params.get("i2h_bias", init=LSTMBias(forget_bias=forget_bias))
        self._hB = self.params.get("h2h_bias")

    @property
    def state_info(self):
        return [{"shape": (0, self._num_hidden), "__layout__": "NC"},
                {"shape": (0, self._num_hidden), "__layout__": "NC"}]

    def __call__(self, inputs, states):
        self._counter += 1
        name = f"{self._prefix}t{self._counter}_"
        gates_size = self._num_hidden * 4
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=gates_size, name=f"{name}i2h")
        h2h = symbol.FullyConnected(data=states[0], weight=self._hW, bias=self._hB,
                                    num_hidden=gates_size, name=f"{name}h2h")
        gates = symbol.SliceChannel(i2h + h2h, num_outputs=4, name=f"{name}slice")
        in_gate = symbol.Activation(gates[0], act_type="sigmoid", name=f"{name}i")
        forget_gate = symbol.Activation(gates[1], act_type="sigmoid", name=f"{name}f")
        in_transform = symbol.Activation(gates[2], act_type="tanh", name=f"{name}c")
        out_gate = symbol.Activation(gates[3], act_type="sigmoid", name=f"{name}o")
        next_c = symbol._plus(forget_gate * states[1], in_gate * in_transform,
                              name=f"{name}state")
        next_h = symbol._mul(out_gate, symbol.Activation(next_c, act_type="tanh"),
                             name=f"{name}out")
        return next_h, [next_h, next_c]


class GRUCell(BaseRNNCell):
    """GRU step (gates ``r, z`` and the candidate, stacked in that order).

    ``h_t = (1 - z) * tanh(x W_n + r * (h W_hn + b_hn)) + z * h_{t-1}``: the reset
    gate scales the hidden projection bias included, as cuDNN's GRU does.
    MXNet quirk kept: the step's node names have a double underscore
    (``gru_t0__i2h``), the output does not (``gru_t0_out``).
    """

    _gate_names = ["_r", "_z", "_o"]

    def __init__(self, num_hidden, prefix="gru_", params=None):
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._iW = self.params.get("i2h_weight")
        self._iB = self.params.get("i2h_bias")
        self._hW = self.params.get("h2h_weight")
        self._hB = self.params.get("h2h_bias")

    @property
    def state_info(self):
        return [{"shape": (0, self._num_hidden), "__layout__": "NC"}]

    def __call__(self, inputs, states):
        self._counter += 1
        name = f"{self._prefix}t{self._counter}_"
        prev_h = states[0]
        size = self._num_hidden * 3
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=size, name=f"{name}_i2h")
        h2h = symbol.FullyConnected(data=prev_h, weight=self._hW, bias=self._hB,
                                    num_hidden=size, name=f"{name}_h2h")
        i2h_r, i2h_z, i2h = symbol.SliceChannel(i2h, num_outputs=3,
                                                name=f"{name}_i2h_slice")
        h2h_r, h2h_z, h2h = symbol.SliceChannel(h2h, num_outputs=3,
                                                name=f"{name}_h2h_slice")
        reset_gate = symbol.Activation(i2h_r + h2h_r, act_type="sigmoid",
                                       name=f"{name}_r_act")
        update_gate = symbol.Activation(i2h_z + h2h_z, act_type="sigmoid",
                                        name=f"{name}_z_act")
        candidate = symbol.Activation(i2h + reset_gate * h2h, act_type="tanh",
                                      name=f"{name}_h_act")
        next_h = symbol._plus((1.0 - update_gate) * candidate, update_gate * prev_h,
                              name=f"{name}out")
        return next_h, [next_h]
