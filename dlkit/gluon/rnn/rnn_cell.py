"""Recurrent cells: one time step of an RNN, LSTM or GRU, written with ``F`` ops.

A cell maps ``(input at step t, states) -> (output, new states)``. ``unroll`` calls it
once per step, feeding each step's states into the next::

    x0        x1        x2
    |         |         |
  [cell] -> [cell] -> [cell] -> states
    |         |         |
    y0        y1        y2

Each cell is a HybridBlock made of registry ops (``FullyConnected``, ``SliceChannel``,
``Activation``, ``elemwise_*``), so autograd, ``hybridize`` and Symbol export need
nothing special. Parameter names and the gate order follow MXNet 1.9.1:
``lstm0_i2h_weight`` has the LSTM gates stacked as ``i, f, c, o``, a GRU's as
``r, z, n``. The fused layers in ``rnn_layer.py`` run the same equations in one ``RNN``
op.
"""
from ... import ndarray, symbol
from ...base import MXNetError
from ..block import Block
from ..hybrid_block import HybridBlock, complete_shapes

__all__ = ["RecurrentCell", "HybridRecurrentCell", "RNNCell", "LSTMCell", "GRUCell"]


def format_sequence(length, inputs, layout, merge):
    """Bring a sequence into the form ``unroll`` wants.

    ``inputs`` is one array (time on ``layout``'s ``T`` axis) or a list of per-step
    arrays. ``merge=False`` gives a list of steps, ``True`` one stacked array, ``None``
    leaves the form as it is. Returns ``(inputs, time axis, F, batch_size)``.
    """
    if inputs is None:
        raise MXNetError("unroll(inputs=None) is not supported: create the input "
                         "variables outside unroll and pass them in")
    axis = layout.find("T")
    batch_axis = layout.find("N")
    if isinstance(inputs, (ndarray.NDArray, symbol.Symbol)):
        F = ndarray if isinstance(inputs, ndarray.NDArray) else symbol
        batch_size = inputs.shape[batch_axis] if F is ndarray else 0
        if F is ndarray and length is not None and inputs.shape[axis] != length:
            raise MXNetError(f"unroll: length={length} but the inputs have "
                             f"{inputs.shape[axis]} steps on axis {axis} (layout "
                             f"{layout!r}, shape {inputs.shape})")
        if merge is False:
            parts = F.split(inputs, axis=axis, num_outputs=length, squeeze_axis=True)
            inputs = list(parts) if isinstance(parts, (list, tuple)) or F is symbol \
                else [parts]
        return inputs, axis, F, batch_size
    if length is not None and len(inputs) != length:
        raise MXNetError(f"unroll: length={length} but {len(inputs)} inputs were given")
    F = symbol if isinstance(inputs[0], symbol.Symbol) else ndarray
    batch_size = inputs[0].shape[0] if F is ndarray else 0
    if merge is True:
        inputs = F.stack(*inputs, axis=axis)
    return inputs, axis, F, batch_size


def get_begin_state(cell, F, begin_state, inputs, batch_size):
    """The given ``begin_state``, or zeros from ``cell.begin_state``.

    For Symbol inputs the zeros are ``sym.zeros`` nodes whose batch dimension (0,
    unknown) shape inference fills in from the data, as in MXNet.
    """
    if begin_state is not None:
        return begin_state
    if F is symbol:
        return cell.begin_state(func=symbol.zeros)
    ctx = inputs[0].context if isinstance(inputs, list) else inputs.context
    return cell.begin_state(batch_size=batch_size, func=ndarray.zeros, ctx=ctx)


def mask_sequence(F, data, length, valid_length, axis, merge):
    """Zero the steps of ``data`` past each sequence's ``valid_length``.

    ``data`` is one array with time on ``axis`` or a list of steps; the result is one
    array (``merge=True``) or a list of ``length`` steps.
    """
    if isinstance(data, list):
        data = F.stack(*data, axis=axis)
    masked = F.SequenceMask(data, sequence_length=valid_length,
                            use_sequence_length=True, axis=axis)
    if merge:
        return masked
    return split_steps(F, masked, length, axis)


def reverse_sequence(F, steps, length, valid_length):
    """The list of ``steps`` in reverse order; with ``valid_length`` only each
    sequence's valid steps are reversed (``SequenceReverse``), the padding stays last.
    """
    if valid_length is None:
        return list(reversed(steps))
    stacked = F.stack(*steps, axis=0)
    reversed_steps = F.SequenceReverse(stacked, sequence_length=valid_length,
                                       use_sequence_length=True)
    return split_steps(F, reversed_steps, length, 0)


def split_steps(F, data, length, axis):
    """A list of the ``length`` steps of ``data`` along ``axis`` (time removed)."""
    parts = F.split(data, axis=axis, num_outputs=length, squeeze_axis=True)
    if F is symbol:
        return [parts[index] for index in range(length)]
    return list(parts) if isinstance(parts, (list, tuple)) else [parts]


class RecurrentCell(Block):
    """Abstract base class for RNN cells (MXNet's ``gluon.rnn.RecurrentCell``).

    Parameters
    ----------
    prefix : str, optional
        Prefix for names of the cell's parameters.
    params : ParameterDict, optional
        Share these parameters instead of creating new ones.
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._modified = False
        self.reset()

    def reset(self):
        """Reset the step counters before re-using the cell for another sequence."""
        self._init_counter = -1
        self._counter = -1
        for cell in self._children.values():
            cell.reset()

    def state_info(self, batch_size=0):
        """Shape and layout of each state: a list of dicts."""
        raise NotImplementedError()

    def begin_state(self, batch_size=0, func=ndarray.zeros, **kwargs):
        """Initial states for this cell.

        Parameters
        ----------
        batch_size : int
            Size of the batch ('N' in layout); needed for the NDArray API.
        func : callable, default ``nd.zeros``
            Creates each state from ``name``, ``shape`` and ``kwargs`` (``nd.ones``,
            ``sym.var`` ...).
        **kwargs
            More arguments for ``func`` (``ctx``, ``dtype`` ...).

        Returns
        -------
        list of NDArray or Symbol
        """
        if self._modified:
            raise MXNetError("After applying modifier cells (e.g. ResidualCell) the "
                             "base cell cannot be called directly. Call the modifier "
                             "cell instead.")
        states = []
        for info in self.state_info(batch_size):
            self._init_counter += 1
            info = dict(info or {})
            info.update(kwargs)
            states.append(func(name=f"{self._prefix}begin_state_{self._init_counter}",
                               **info))
        return states

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None,
               valid_length=None):
        """Run the cell over ``length`` time steps.

        Parameters
        ----------
        length : int
            Number of steps.
        inputs : NDArray, Symbol or list of them
            One array of shape (batch, length, ...) for ``layout='NTC'`` or (length,
            batch, ...) for ``'TNC'``, or a list of ``length`` arrays (batch, ...).
        begin_state : list, optional
            Initial states; zeros from ``begin_state()`` when not given.
        layout : str, default 'NTC'
        merge_outputs : bool, optional
            True: one array with a time axis; False: a list of steps; None: whatever is
            simplest (a list).
        valid_length : NDArray or Symbol, optional
            Length of each sequence, shape (batch,). Outputs past a sequence's length
            are zeros (``SequenceMask``) and the returned states are those at its last
            valid step (``SequenceLast``); the outputs come back merged unless
            ``merge_outputs=False``.

        Returns
        -------
        outputs : NDArray, Symbol or list of them
        states : list of NDArray or Symbol

        Example
        -------
        >>> cell = mx.gluon.rnn.LSTMCell(4); cell.initialize()
        >>> outputs, states = cell.unroll(3, mx.nd.ones((2, 3, 5)), merge_outputs=True)
        >>> outputs.shape
        (2, 3, 4)
        """
        self.reset()
        inputs, axis, F, batch_size = format_sequence(length, inputs, layout, False)
        states = get_begin_state(self, F, begin_state, inputs, batch_size)
        outputs, all_states = [], []
        for step in range(length):
            output, states = self(inputs[step], states)
            outputs.append(output)
            all_states.append(states)
        if valid_length is not None:
            # each sequence's states at its own last step, then zeros past its end
            states = [F.SequenceLast(F.stack(*steps, axis=0),
                                     sequence_length=valid_length,
                                     use_sequence_length=True, axis=0)
                      for steps in zip(*all_states)]
            outputs = mask_sequence(F, outputs, length, valid_length, axis, True)
        outputs, _, _, _ = format_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def _get_activation(self, F, inputs, activation, **kwargs):
        """Apply ``activation``: a name ('tanh', 'relu' ...) or a callable block."""
        functions = {"tanh": F.tanh, "relu": F.relu, "sigmoid": F.sigmoid,
                     "softsign": F.softsign}
        if activation in functions:
            return functions[activation](inputs, **kwargs)
        if isinstance(activation, str):
            return F.Activation(inputs, act_type=activation, **kwargs)
        return activation(inputs)

    def forward(self, inputs, states):
        """One time step: returns ``(output, new states)``."""
        self._counter += 1
        return super().forward(inputs, states)


class HybridRecurrentCell(RecurrentCell, HybridBlock):
    """A RecurrentCell that supports ``hybridize``."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise NotImplementedError


class _GatedCell(HybridRecurrentCell):
    """What RNNCell, LSTMCell and GRUCell share: ``gates * hidden_size`` rows of
    i2h/h2h weights and biases, and an input size completed from the first input."""
    gates = 1

    def __init__(self, hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                 i2h_bias_initializer, h2h_bias_initializer, input_size, prefix,
                 params):
        super().__init__(prefix=prefix, params=params)
        self._hidden_size = hidden_size
        self._input_size = input_size
        rows = self.gates * hidden_size
        self.i2h_weight = self.params.get("i2h_weight", shape=(rows, input_size),
                                          init=i2h_weight_initializer,
                                          allow_deferred_init=True)
        self.h2h_weight = self.params.get("h2h_weight", shape=(rows, hidden_size),
                                          init=h2h_weight_initializer,
                                          allow_deferred_init=True)
        self.i2h_bias = self.params.get("i2h_bias", shape=(rows,),
                                        init=i2h_bias_initializer,
                                        allow_deferred_init=True)
        self.h2h_bias = self.params.get("h2h_bias", shape=(rows,),
                                        init=h2h_bias_initializer,
                                        allow_deferred_init=True)

    def infer_shape(self, inputs, *states):
        """The input size comes from the first input (FullyConnected's shape rule)."""
        complete_shapes("FullyConnected", [inputs, self.i2h_weight, self.i2h_bias],
                        num_hidden=self.gates * self._hidden_size)

    def state_info(self, batch_size=0):
        return [{"shape": (batch_size, self._hidden_size), "__layout__": "NC"}]

    def _projections(self, F, inputs, hidden, i2h_weight, h2h_weight, i2h_bias,
                     h2h_bias, prefix):
        """``x W_i2h^T + b_i2h`` and ``h W_h2h^T + b_h2h``."""
        rows = self.gates * self._hidden_size
        i2h = F.FullyConnected(data=inputs, weight=i2h_weight, bias=i2h_bias,
                               num_hidden=rows, name=prefix + "i2h")
        h2h = F.FullyConnected(data=hidden, weight=h2h_weight, bias=h2h_bias,
                               num_hidden=rows, name=prefix + "h2h")
        return i2h, h2h

    def __repr__(self):
        shape = self.i2h_weight.shape
        # MXNet shows the stacked rows of all gates (LSTMCell(3 -> 16) for 4 units)
        mapping = f"{shape[1] if shape[1] else None} -> {shape[0]}"
        activation = getattr(self, "_activation", None)
        if type(self) is RNNCell:
            return f"{type(self).__name__}({mapping}, {activation})"
        return f"{type(self).__name__}({mapping})"


class RNNCell(_GatedCell):
    """Elman RNN cell: ``h_t = activation(W_i2h x_t + b_i2h + W_h2h h_{t-1} + b_h2h)``.

    Parameters
    ----------
    hidden_size : int
        Number of units in the output ``h``.
    activation : str or Block, default 'tanh'
    i2h_weight_initializer, h2h_weight_initializer : str or Initializer, optional
    i2h_bias_initializer, h2h_bias_initializer : str or Initializer, default 'zeros'
    input_size : int, default 0
        Number of input features; 0 infers it from the first input.
    prefix : str, optional
        Default ``'rnn0_'`` (parameters ``rnn0_i2h_weight`` ...).
    params : ParameterDict, optional

    Example
    -------
    >>> cell = mx.gluon.rnn.RNNCell(4); cell.initialize()
    >>> output, states = cell(mx.nd.ones((2, 3)), cell.begin_state(2))
    >>> output.shape
    (2, 4)
    """
    gates = 1

    def __init__(self, hidden_size, activation="tanh", i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer="zeros",
                 h2h_bias_initializer="zeros", input_size=0, prefix=None, params=None):
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix,
                         params)
        self._activation = activation

    def _alias(self):
        return "rnn"

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias,
                       h2h_bias):
        prefix = f"t{self._counter}_"
        i2h, h2h = self._projections(F, inputs, states[0], i2h_weight, h2h_weight,
                                     i2h_bias, h2h_bias, prefix)
        summed = F.elemwise_add(i2h, h2h, name=prefix + "plus0")
        output = self._get_activation(F, summed, self._activation, name=prefix + "out")
        return output, [output]


class LSTMCell(_GatedCell):
    """Long short-term memory cell (Hochreiter and Schmidhuber, 1997).

    Gates, stacked in this order in the weights::

        i = sigmoid(W_i [x, h] + b_i)    input gate
        f = sigmoid(W_f [x, h] + b_f)    forget gate
        c~ = tanh(W_c [x, h] + b_c)      candidate cell
        o = sigmoid(W_o [x, h] + b_o)    output gate
        c' = f * c + i * c~,   h' = o * tanh(c')

    Parameters
    ----------
    hidden_size : int
    i2h_weight_initializer, h2h_weight_initializer : str or Initializer, optional
    i2h_bias_initializer, h2h_bias_initializer : str or Initializer, default 'zeros'
    input_size : int, default 0
    prefix : str, optional
        Default ``'lstm0_'``.
    params : ParameterDict, optional
    activation : str, default 'tanh'
        Used for ``c~`` and on ``c'``.
    recurrent_activation : str, default 'sigmoid'
        Used for the gates ``i, f, o``.

    Example
    -------
    >>> cell = mx.gluon.rnn.LSTMCell(4); cell.initialize()
    >>> output, (h, c) = cell(mx.nd.ones((2, 3)), cell.begin_state(2))
    >>> c.shape
    (2, 4)
    """
    gates = 4

    def __init__(self, hidden_size, i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer="zeros",
                 h2h_bias_initializer="zeros", input_size=0, prefix=None, params=None,
                 activation="tanh", recurrent_activation="sigmoid"):
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix,
                         params)
        self._activation = activation
        self._recurrent_activation = recurrent_activation

    def _alias(self):
        return "lstm"

    def state_info(self, batch_size=0):
        return [{"shape": (batch_size, self._hidden_size), "__layout__": "NC"},
                {"shape": (batch_size, self._hidden_size), "__layout__": "NC"}]

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias,
                       h2h_bias):
        prefix = f"t{self._counter}_"
        i2h, h2h = self._projections(F, inputs, states[0], i2h_weight, h2h_weight,
                                     i2h_bias, h2h_bias, prefix)
        gates = F.elemwise_add(i2h, h2h, name=prefix + "plus0")
        slices = F.SliceChannel(gates, num_outputs=4, name=prefix + "slice")
        recurrent, activation = self._recurrent_activation, self._activation
        in_gate = self._get_activation(F, slices[0], recurrent, name=prefix + "i")
        forget_gate = self._get_activation(F, slices[1], recurrent, name=prefix + "f")
        in_transform = self._get_activation(F, slices[2], activation, name=prefix + "c")
        out_gate = self._get_activation(F, slices[3], recurrent, name=prefix + "o")
        kept = F.elemwise_mul(forget_gate, states[1], name=prefix + "mul0")
        added = F.elemwise_mul(in_gate, in_transform, name=prefix + "mul1")
        next_c = F.elemwise_add(kept, added, name=prefix + "state")
        next_h = F.elemwise_mul(out_gate, F.Activation(next_c, act_type=activation,
                                                       name=prefix + "activation0"),
                                name=prefix + "out")
        return next_h, [next_h, next_c]


class GRUCell(_GatedCell):
    """Gated recurrent unit cell, in MXNet's (cuDNN's) form.

    Gates, stacked in this order in the weights::

        r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)          reset gate
        z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)          update gate
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn))       candidate
        h' = (1 - z) * n + z * h

    The reset gate multiplies ``W_hn h + b_hn`` (bias included), unlike the paper.

    Parameters
    ----------
    hidden_size : int
    i2h_weight_initializer, h2h_weight_initializer : str or Initializer, optional
    i2h_bias_initializer, h2h_bias_initializer : str or Initializer, default 'zeros'
    input_size : int, default 0
    prefix : str, optional
        Default ``'gru0_'``.
    params : ParameterDict, optional

    Example
    -------
    >>> cell = mx.gluon.rnn.GRUCell(4); cell.initialize()
    >>> cell(mx.nd.ones((2, 3)), cell.begin_state(2))[0].shape
    (2, 4)
    """
    gates = 3

    def __init__(self, hidden_size, i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer="zeros",
                 h2h_bias_initializer="zeros", input_size=0, prefix=None, params=None):
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix,
                         params)

    def _alias(self):
        return "gru"

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias,
                       h2h_bias):
        prefix = f"t{self._counter}_"
        previous = states[0]
        i2h, h2h = self._projections(F, inputs, previous, i2h_weight, h2h_weight,
                                     i2h_bias, h2h_bias, prefix)
        i2h_r, i2h_z, i2h = F.SliceChannel(i2h, num_outputs=3,
                                           name=prefix + "i2h_slice")
        h2h_r, h2h_z, h2h = F.SliceChannel(h2h, num_outputs=3,
                                           name=prefix + "h2h_slice")
        reset_gate = F.Activation(F.elemwise_add(i2h_r, h2h_r, name=prefix + "plus0"),
                                  act_type="sigmoid", name=prefix + "r_act")
        update_gate = F.Activation(F.elemwise_add(i2h_z, h2h_z, name=prefix + "plus1"),
                                   act_type="sigmoid", name=prefix + "z_act")
        candidate = F.Activation(
            F.elemwise_add(i2h, F.elemwise_mul(reset_gate, h2h, name=prefix + "mul0"),
                           name=prefix + "plus2"),
            act_type="tanh", name=prefix + "h_act")
        ones = F.ones_like(update_gate, name=prefix + "ones_like0")
        next_h = F.elemwise_add(
            F.elemwise_mul(F.elemwise_sub(ones, update_gate, name=prefix + "minus0"),
                           candidate, name=prefix + "mul1"),
            F.elemwise_mul(update_gate, previous, name=prefix + "mul20"),
            name=prefix + "out")
        return next_h, [next_h]
