"""Two more recurrent cells: an LSTM with a projected output, and variational dropout.

    LSTMPCell               LSTM whose output h is projected to fewer units, r = W_hr h,
                            and r (not h) is fed back: states [r, c]
    VariationalDropoutCell  dropout with ONE mask per sequence (Gal and Ghahramani,
                            2016) on the inputs, the first state and the outputs:

        step:    0          1          2
        input    x0 * m_x   x1 * m_x   x2 * m_x      the same mask m_x at every step
        state    h  * m_h   h0 * m_h   h1 * m_h
        output   y0 * m_y   y1 * m_y   y2 * m_y

Both follow MXNet 1.9.1's ``gluon.contrib.rnn`` classes of the same names.
"""
from .... import symbol
from ....base import MXNetError
from ...hybrid_block import complete_shapes
from ...rnn import BidirectionalCell
from ...rnn.composite_cells import ModifierCell
from ...rnn.rnn_cell import HybridRecurrentCell, format_sequence, get_begin_state

__all__ = ["LSTMPCell", "VariationalDropoutCell"]


class LSTMPCell(HybridRecurrentCell):
    """Long short-term memory projected cell (Sak et al., 2014)::

        i, f, o = sigmoid(W x + b + U r + b'),  c~ = tanh(W x + b + U r + b')
        c' = f * c + i * c~,   h = o * tanh(c'),   r' = W_hr h   (no bias)

    Parameters
    ----------
    hidden_size : int
        Units of the cell state ``c`` and of ``h``.
    projection_size : int
        Units of the output ``r`` (also the first state).
    i2h_weight_initializer, h2h_weight_initializer, h2r_weight_initializer :
        str or Initializer, optional
    i2h_bias_initializer, h2h_bias_initializer : str or Initializer, default 'zeros'
    input_size : int, default 0
        0 infers it from the first input.
    prefix : str, optional
        Default ``'lstmp0_'``.
    params : ParameterDict, optional

    Example
    -------
    >>> cell = mx.gluon.contrib.rnn.LSTMPCell(6, 3); cell.initialize()
    >>> output, (r, c) = cell(mx.nd.ones((2, 4)), cell.begin_state(2))
    >>> output.shape, c.shape
    ((2, 3), (2, 6))
    """

    def __init__(self, hidden_size, projection_size, i2h_weight_initializer=None,
                 h2h_weight_initializer=None, h2r_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros",
                 input_size=0, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._hidden_size = hidden_size
        self._input_size = input_size
        self._projection_size = projection_size
        rows = 4 * hidden_size
        self.i2h_weight = self.params.get("i2h_weight", shape=(rows, input_size),
                                          init=i2h_weight_initializer,
                                          allow_deferred_init=True)
        self.h2h_weight = self.params.get("h2h_weight", shape=(rows, projection_size),
                                          init=h2h_weight_initializer,
                                          allow_deferred_init=True)
        self.h2r_weight = self.params.get("h2r_weight",
                                          shape=(projection_size, hidden_size),
                                          init=h2r_weight_initializer,
                                          allow_deferred_init=True)
        self.i2h_bias = self.params.get("i2h_bias", shape=(rows,),
                                        init=i2h_bias_initializer,
                                        allow_deferred_init=True)
        self.h2h_bias = self.params.get("h2h_bias", shape=(rows,),
                                        init=h2h_bias_initializer,
                                        allow_deferred_init=True)

    def _alias(self):
        return "lstmp"

    def infer_shape(self, inputs, *states):
        """The input size comes from the first input (FullyConnected's shape rule)."""
        complete_shapes("FullyConnected", [inputs, self.i2h_weight, self.i2h_bias],
                        num_hidden=4 * self._hidden_size)

    def state_info(self, batch_size=0):
        return [{"shape": (batch_size, self._projection_size), "__layout__": "NC"},
                {"shape": (batch_size, self._hidden_size), "__layout__": "NC"}]

    def __repr__(self):
        shape = self.i2h_weight.shape
        return (f"{type(self).__name__}({shape[1] if shape[1] else None} -> "
                f"{shape[0]} -> {self.h2r_weight.shape[0]})")

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, h2r_weight,
                       i2h_bias, h2h_bias):
        prefix = f"t{self._counter}_"
        rows = 4 * self._hidden_size
        i2h = F.FullyConnected(data=inputs, weight=i2h_weight, bias=i2h_bias,
                               num_hidden=rows, name=prefix + "i2h")
        h2h = F.FullyConnected(data=states[0], weight=h2h_weight, bias=h2h_bias,
                               num_hidden=rows, name=prefix + "h2h")
        slices = F.SliceChannel(i2h + h2h, num_outputs=4, name=prefix + "slice")
        in_gate = F.Activation(slices[0], act_type="sigmoid", name=prefix + "i")
        forget_gate = F.Activation(slices[1], act_type="sigmoid", name=prefix + "f")
        in_transform = F.Activation(slices[2], act_type="tanh", name=prefix + "c")
        out_gate = F.Activation(slices[3], act_type="sigmoid", name=prefix + "o")
        next_c = F.elemwise_add(forget_gate * states[1], in_gate * in_transform,
                                name=prefix + "state")
        hidden = F.elemwise_mul(out_gate, F.Activation(next_c, act_type="tanh"),
                                name=prefix + "hidden")
        next_r = F.FullyConnected(data=hidden, weight=h2r_weight, no_bias=True,
                                  num_hidden=self._projection_size,
                                  name=prefix + "out")
        return next_r, [next_r, next_c]


class VariationalDropoutCell(ModifierCell):
    """Variational dropout (https://arxiv.org/abs/1512.05287) around a base cell: the
    same dropout mask at every time step, separate masks for the inputs, the first
    state and the outputs. Like all dropout, it acts only while training.

    The masks are drawn at the first step and kept until ``reset()`` (``unroll``
    resets): call ``reset()`` between sequences when stepping by hand.

    Parameters
    ----------
    base_cell : RecurrentCell
    drop_inputs : float, default 0
        Dropout rate of the inputs.
    drop_states : float, default 0
        Dropout rate of the first state (``h``) fed into each step.
    drop_outputs : float, default 0
        Dropout rate of the outputs.

    MXNet quirks kept: the repr shows ``p_out`` and ``p_state`` only, and
    ``drop_states`` is refused for a ``BidirectionalCell`` (which cannot step).
    Without ``drop_states``, ``unroll`` drops whole sequences at once (``Dropout``
    with ``axes`` = the time axis) around the base cell's own ``unroll``.

    Example
    -------
    >>> cell = mx.gluon.contrib.rnn.VariationalDropoutCell(
    ...     mx.gluon.rnn.LSTMCell(4), drop_inputs=0.5, drop_states=0.3)
    >>> cell.initialize()
    >>> outputs, states = cell.unroll(3, mx.nd.ones((2, 3, 5)), merge_outputs=True)
    >>> outputs.shape
    (2, 3, 4)
    """

    def __init__(self, base_cell, drop_inputs=0.0, drop_states=0.0, drop_outputs=0.0):
        if drop_states and isinstance(base_cell, BidirectionalCell):
            raise MXNetError("BidirectionalCell doesn't support variational state "
                             "dropout. Please add VariationalDropoutCell to the cells "
                             "underneath instead.")
        super().__init__(base_cell)
        self.drop_inputs = drop_inputs
        self.drop_states = drop_states
        self.drop_outputs = drop_outputs
        self.drop_inputs_mask = None
        self.drop_states_mask = None
        self.drop_outputs_mask = None

    def _alias(self):
        return "vardrop"

    def reset(self):
        super().reset()
        self.drop_inputs_mask = None
        self.drop_states_mask = None
        self.drop_outputs_mask = None

    def __repr__(self):
        return (f"{type(self).__name__}(p_out = {self.drop_outputs}, "
                f"p_state = {self.drop_states})")

    def _mask(self, F, like, rate):
        """Dropout of ones: 0 or ``1 / (1 - rate)`` per unit (all ones when not
        training)."""
        return F.Dropout(F.ones_like(like), p=rate)

    def infer_shape(self, inputs, *states):
        """Deferred shapes are the base cell's (the masks have none of their own)."""
        self.base_cell.infer_shape(inputs, *states)

    def _drop_stale_masks(self, F):
        """Forget masks made by the other front end: a hybridized cell whose shapes
        are deferred runs one imperative step (NDArray masks) before it traces."""
        for name in ("drop_inputs_mask", "drop_states_mask", "drop_outputs_mask"):
            mask = getattr(self, name)
            if mask is not None and isinstance(mask, symbol.Symbol) != (F is symbol):
                setattr(self, name, None)

    def hybrid_forward(self, F, inputs, states):
        self._drop_stale_masks(F)
        if self.drop_states and self.drop_states_mask is None:
            self.drop_states_mask = self._mask(F, states[0], self.drop_states)
        if self.drop_inputs and self.drop_inputs_mask is None:
            self.drop_inputs_mask = self._mask(F, inputs, self.drop_inputs)
        if self.drop_states:
            states = list(states)
            states[0] = states[0] * self.drop_states_mask
        if self.drop_inputs:
            inputs = inputs * self.drop_inputs_mask
        output, next_states = self.base_cell(inputs, states)
        if self.drop_outputs:
            if self.drop_outputs_mask is None:
                self.drop_outputs_mask = self._mask(F, output, self.drop_outputs)
            output = output * self.drop_outputs_mask
        return output, next_states

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None,
               valid_length=None):
        """Step by step when the state is dropped; otherwise one ``Dropout`` over the
        whole input and output sequences, shared along time, around the base cell's
        ``unroll``."""
        if self.drop_states:
            return super().unroll(length, inputs, begin_state, layout, merge_outputs,
                                  valid_length=valid_length)
        self.reset()
        inputs, axis, F, batch_size = format_sequence(length, inputs, layout, True)
        states = get_begin_state(self, F, begin_state, inputs, batch_size)
        if self.drop_inputs:
            inputs = F.Dropout(inputs, p=self.drop_inputs, axes=(axis,))
        self.base_cell._modified = False
        outputs, states = self.base_cell.unroll(length, inputs, states, layout,
                                                merge_outputs=True,
                                                valid_length=valid_length)
        self.base_cell._modified = True
        if self.drop_outputs:
            outputs = F.Dropout(outputs, p=self.drop_outputs, axes=(axis,))
        if merge_outputs is None:
            merge_outputs = not isinstance(outputs, list)
        outputs, _, _, _ = format_sequence(length, outputs, layout, merge_outputs)
        return outputs, states
