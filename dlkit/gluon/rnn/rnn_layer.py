"""Fused recurrent layers: RNN, LSTM and GRU over a whole sequence in ONE ``RNN`` op.

Where a cell (``rnn_cell.py``) is one time step built from small ops, a layer keeps one
set of weights per layer and direction (``lstm0_l0_i2h_weight``, ``lstm0_r0_h2h_bias``:
``l`` = left-to-right, ``r`` = right-to-left) and, at each call, packs them into the
flat vector the registry's ``RNN`` op wants::

    l0_i2h_weight ... r1_h2h_weight, l0_i2h_bias ... r1_h2h_bias
        --Reshape(-1)--> _rnn_param_concat --> RNN(data, parameters, h0[, c0])

so a hybridized, exported LSTM is the same ``-symbol.json`` graph MXNet writes.
"""
from ... import ndarray, symbol
from ...base import MXNetError
from ..hybrid_block import HybridBlock

__all__ = ["RNN", "LSTM", "GRU"]

GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


class _RNNLayer(HybridBlock):
    """What RNN, LSTM and GRU share; ``mode`` picks the cell equations."""

    def __init__(self, hidden_size, num_layers, layout, dropout, bidirectional,
                 input_size, i2h_weight_initializer, h2h_weight_initializer,
                 i2h_bias_initializer, h2h_bias_initializer, mode, projection_size,
                 h2r_weight_initializer, lstm_state_clip_min, lstm_state_clip_max,
                 lstm_state_clip_nan, dtype, use_sequence_length=False, **kwargs):
        super().__init__(**kwargs)
        if layout not in ("TNC", "NTC"):
            raise MXNetError(f"Invalid layout {layout}; must be one of "
                             "['TNC' or 'NTC']")
        if projection_size or lstm_state_clip_min is not None or \
                lstm_state_clip_max is not None:
            raise MXNetError("projection_size and lstm_state_clip_* are not supported "
                             "by dlkit's recurrent layers")
        self._hidden_size = hidden_size
        self._projection_size = None
        self._num_layers = num_layers
        self._mode = mode
        self._layout = layout
        self._dropout = dropout
        self._dir = 2 if bidirectional else 1
        self._input_size = input_size
        self._lstm_state_clip_nan = lstm_state_clip_nan
        self._dtype = dtype
        self._use_sequence_length = use_sequence_length
        self.skip_states = None
        self._gates = GATES[mode]
        rows, layer_input = self._gates * hidden_size, input_size
        for layer in range(num_layers):
            for direction in ["l", "r"][:self._dir]:
                name = f"{direction}{layer}"
                self._register_param(f"{name}_i2h_weight", (rows, layer_input),
                                     i2h_weight_initializer, dtype)
                self._register_param(f"{name}_h2h_weight", (rows, hidden_size),
                                     h2h_weight_initializer, dtype)
                self._register_param(f"{name}_i2h_bias", (rows,),
                                     i2h_bias_initializer, dtype)
                self._register_param(f"{name}_h2h_bias", (rows,),
                                     h2h_bias_initializer, dtype)
            layer_input = hidden_size * self._dir

    def _register_param(self, name, shape, init, dtype):
        param = self.params.get(name, shape=shape, init=init, allow_deferred_init=True,
                                dtype=dtype)
        setattr(self, name, param)
        return param

    def _collect_params_with_prefix(self, prefix=""):
        """Structural names for ``save_parameters``, in MXNet's format that is kept
        compatible with its older unfused layers: ``l1_i2h_weight`` is saved as
        ``_unfused.1.i2h_weight``, or ``_unfused.1.l_cell.i2h_weight`` when
        bidirectional."""
        if prefix:
            prefix += "."
        bidirectional = self._dir == 2
        result = {}
        for key, param in self._reg_params.items():
            direction, rest = key[0], key[1:]
            layer, name = rest.split("_", 1)
            middle = f"{direction}_cell." if bidirectional else ""
            result[f"{prefix}_unfused.{layer}.{middle}{name}"] = param
        return result

    def __repr__(self):
        text = f"{type(self).__name__}("
        shape = self.l0_i2h_weight.shape
        text += f"{shape[1] if shape[1] else None} -> {shape[0] // self._gates}, "
        text += self._layout
        if self._num_layers != 1:
            text += f", num_layers={self._num_layers}"
        if self._dropout != 0:
            text += f", dropout={self._dropout}"
        if self._dir == 2:
            text += ", bidirectional"
        return text + ")"

    def cast(self, dtype):
        super().cast(dtype)
        self._dtype = dtype

    def state_info(self, batch_size=0):
        """One dict per state: shape (num_layers * directions, batch, hidden_size)."""
        shape = (self._num_layers * self._dir, batch_size, self._hidden_size)
        count = 2 if self._mode == "lstm" else 1
        return [{"shape": shape, "__layout__": "LNC", "dtype": self._dtype}
                for _ in range(count)]

    def begin_state(self, batch_size=0, func=ndarray.zeros, **kwargs):
        """Initial states, zeros by default.

        Parameters
        ----------
        batch_size : int
            Size of the batch ('N' in layout); needed for the NDArray API.
        func : callable, default ``nd.zeros``
            Creates each state (``nd.ones``, ``sym.var`` ...).
        **kwargs
            More arguments for ``func`` (``ctx``, ``dtype`` ...).

        Returns
        -------
        list of NDArray or Symbol
            ``[h]``, or ``[h, c]`` for LSTM.
        """
        states = []
        for index, info in enumerate(self.state_info(batch_size)):
            info.update(kwargs)
            states.append(func(name=f"{self.prefix}h0_{index}", **info))
        return states

    def __call__(self, inputs, states=None, sequence_length=None, **kwargs):
        """``layer(x)`` returns the output; ``layer(x, states)`` returns
        ``(output, new states)``. Missing states are zeros (``sym.zeros`` nodes for
        Symbol inputs, their batch size inferred from the data).

        ``sequence_length`` is ignored unless the layer was made with
        ``use_sequence_length=True``, as in MXNet; with it the call raises, because
        MXNet 1.9.1's CPU ``RNN`` operator refuses per-sequence lengths too (only its
        cuDNN GPU kernel has them). Use a cell's ``unroll(valid_length=...)`` instead.
        """
        if self._use_sequence_length:
            raise MXNetError(
                f"{type(self).__name__}(use_sequence_length=True) is not supported: "
                "MXNet 1.9.1's CPU RNN operator refuses sequence_length as well (only "
                "its cuDNN GPU kernel supports it). Unroll the matching cell instead, "
                f"e.g. rnn.{type(self).__name__}Cell(...).unroll(length, inputs, "
                "valid_length=sequence_length), or mask with nd.SequenceMask")
        skip_states = states is None
        if self.skip_states is not None and skip_states != self.skip_states:
            self._clear_cached_op()     # the traced graph has a different input count
        self.skip_states = skip_states
        if states is None and isinstance(inputs, symbol.Symbol):
            states = self.begin_state(0, func=symbol.zeros)
        elif states is None:
            batch_size = inputs.shape[self._layout.find("N")]
            states = self.begin_state(batch_size, ctx=inputs.context,
                                      dtype=inputs.dtype)
        if isinstance(states, (ndarray.NDArray, symbol.Symbol)):
            states = [states]
        return super().__call__(inputs, states)

    def infer_shape(self, inputs, *states):
        """The first layer's input size comes from the data's ``C`` axis."""
        input_size = inputs.shape[self._layout.find("C")]
        rows = self._gates * self._hidden_size
        for direction in ["l", "r"][:self._dir]:
            getattr(self, f"{direction}0_i2h_weight").shape = (rows, input_size)

    def _check_shapes(self, inputs, states):
        """Clear errors for an imperative call with wrong input or state shapes."""
        if inputs.ndim != 3:
            raise MXNetError(f"{type(self).__name__}: inputs must be 3-D with layout "
                             f"{self._layout!r}, got shape {inputs.shape}")
        input_size = inputs.shape[self._layout.find("C")]
        expected = self.l0_i2h_weight.shape[1]
        if expected and input_size != expected:
            raise MXNetError(f"{type(self).__name__}: inputs have {input_size} "
                             f"features (axis C of layout {self._layout!r}, shape "
                             f"{inputs.shape}) but the layer expects "
                             f"input_size={expected}")
        batch_size = inputs.shape[self._layout.find("N")]
        infos = self.state_info(batch_size)
        if len(states) != len(infos):
            raise MXNetError(f"{type(self).__name__} takes {len(infos)} state(s), got "
                             f"{len(states)}")
        for state, info in zip(states, infos):
            if state.shape != info["shape"]:
                # a ValueError, with MXNet's words: code may catch exactly this
                raise ValueError(f"Invalid recurrent state shape. Expecting "
                                 f"{info['shape']}, got {state.shape}.")

    def hybrid_forward(self, F, inputs, states, **params):
        if F is ndarray:
            self._check_shapes(inputs, states)
        if self._layout == "NTC":
            inputs = F.swapaxes(inputs, dim1=0, dim2=1)
        # weights of every layer and direction first, then every bias (RNN's layout)
        flat = [F.Reshape(params[f"{direction}{layer}_{gate}_{kind}"], shape=(-1,))
                for kind in ["weight", "bias"]
                for layer in range(self._num_layers)
                for direction in ["l", "r"][:self._dir]
                for gate in ["i2h", "h2h"]]
        parameters = F._rnn_param_concat(*flat, dim=0)
        results = F.RNN(inputs, parameters, *states, state_size=self._hidden_size,
                        num_layers=self._num_layers, bidirectional=self._dir == 2,
                        p=self._dropout, state_outputs=True, mode=self._mode,
                        projection_size=None, lstm_state_clip_min=None,
                        lstm_state_clip_max=None,
                        lstm_state_clip_nan=self._lstm_state_clip_nan,
                        use_sequence_length=False)
        outputs = results[0]
        states = [results[1], results[2]] if self._mode == "lstm" else [results[1]]
        if self._layout == "NTC":
            outputs = F.swapaxes(outputs, dim1=0, dim2=1)
        return outputs if self.skip_states else (outputs, states)


_LAYER_PARAMETERS = """
    Parameters
    ----------
    hidden_size : int
        Number of features in the hidden state ``h``.
    num_layers : int, default 1
        Number of stacked layers.{activation}
    layout : str, default 'TNC'
        'TNC' (time, batch, channels) or 'NTC'.
    dropout : float, default 0
        Dropout on the outputs of every layer but the last, while training.
    bidirectional : bool, default False
        Add a right-to-left pass; outputs have ``2 * hidden_size`` features.
    input_size : int, default 0
        Number of input features; 0 infers it from the first input.
    i2h_weight_initializer, h2h_weight_initializer : str or Initializer, optional
    i2h_bias_initializer, h2h_bias_initializer : str or Initializer, default 'zeros'
    dtype : str, default 'float32'
    prefix : str, optional
    params : ParameterDict, optional

    use_sequence_length : bool, default False
        Accepted, but calling such a layer raises: MXNet 1.9.1's CPU ``RNN``
        operator refuses per-sequence lengths too. Use a cell's
        ``unroll(valid_length=...)``.

    Differs from MXNet: ``projection_size`` and ``state_clip_min/max`` are not
    supported.
"""


class RNN(_RNNLayer):
    __doc__ = """Elman RNN layer: ``h_t = activation(W_i2h x_t + b_i2h + W_h2h h_{t-1} +
    b_h2h)`` for every layer and step, in one fused ``RNN`` op.
    """ + _LAYER_PARAMETERS.format(activation="""
    activation : {'relu', 'tanh'}, default 'relu'""") + """
    Example
    -------
    >>> layer = mx.gluon.rnn.RNN(4, num_layers=2); layer.initialize()
    >>> layer(mx.nd.ones((5, 3, 10))).shape
    (5, 3, 4)
    """

    def __init__(self, hidden_size, num_layers=1, activation="relu", layout="TNC",
                 dropout=0, bidirectional=False, i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer="zeros",
                 h2h_bias_initializer="zeros", input_size=0, dtype="float32", **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional,
                         input_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer,
                         "rnn_" + activation, None, None, None, None, False, dtype,
                         **kwargs)


class LSTM(_RNNLayer):
    __doc__ = """Long short-term memory layer (gates ``i, f, c, o`` as in ``LSTMCell``),
    in one fused ``RNN`` op. States are ``[h, c]``.
    """ + _LAYER_PARAMETERS.format(activation="") + """
    Example
    -------
    >>> layer = mx.gluon.rnn.LSTM(4, bidirectional=True); layer.initialize()
    >>> output, (h, c) = layer(mx.nd.ones((5, 3, 10)), layer.begin_state(3))
    >>> output.shape, h.shape
    ((5, 3, 8), (2, 3, 4))
    """

    def __init__(self, hidden_size, num_layers=1, layout="TNC", dropout=0,
                 bidirectional=False, input_size=0, i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer="zeros",
                 h2h_bias_initializer="zeros", projection_size=None,
                 h2r_weight_initializer=None, state_clip_min=None, state_clip_max=None,
                 state_clip_nan=False, dtype="float32", **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional,
                         input_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, "lstm",
                         projection_size, h2r_weight_initializer, state_clip_min,
                         state_clip_max, state_clip_nan, dtype, **kwargs)


class GRU(_RNNLayer):
    __doc__ = """Gated recurrent unit layer (gates ``r, z, n`` as in ``GRUCell``), in
    one fused ``RNN`` op.
    """ + _LAYER_PARAMETERS.format(activation="") + """
    Example
    -------
    >>> layer = mx.gluon.rnn.GRU(4, layout='NTC'); layer.initialize()
    >>> layer(mx.nd.ones((3, 5, 10))).shape
    (3, 5, 4)
    """

    def __init__(self, hidden_size, num_layers=1, layout="TNC", dropout=0,
                 bidirectional=False, input_size=0, i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer="zeros",
                 h2h_bias_initializer="zeros", dtype="float32", **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional,
                         input_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, "gru", None, None,
                         None, None, False, dtype, **kwargs)
