"""Convolutional recurrent cells (Shi et al., 2015): RNN, LSTM and GRU cells whose
``W x`` and ``U h`` are convolutions, so inputs and states are images, not vectors.

    x_t (N, C, H, W) --Convolution i2h--+
                                        +--> gates --> h_t (N, hidden, H', W')
    h_{t-1} ---------Convolution h2h----+

The i2h convolution (``i2h_kernel``, ``i2h_pad``, ``i2h_dilate``, stride 1) sets the
state's spatial size H', W'; the h2h convolution is padded so that it keeps that size,
which is why ``h2h_kernel`` must be odd. The gate equations are those of
``gluon.rnn``'s RNNCell, LSTMCell and GRUCell (gates stacked ``i, f, c, o`` and
``r, z, n`` along the channel axis); names follow MXNet 1.9.1
(``conv_lstm0_i2h_weight``).

Parameters of every ``Conv{1,2,3}D{RNN,LSTM,GRU}Cell``
-----------------------------------------------------
input_shape : tuple of int
    One input's shape without the batch axis: ``(C, H, W)`` for ``NCHW``.
hidden_channels : int
    Channels of the states and the output.
i2h_kernel, h2h_kernel : int or tuple of int (one per spatial axis)
    Kernels of the input and the state convolutions; ``h2h_kernel`` must be odd.
i2h_pad, i2h_dilate, h2h_dilate : tuple of int, default zeros, ones, ones
i2h_weight_initializer, h2h_weight_initializer : str or Initializer, optional
i2h_bias_initializer, h2h_bias_initializer : str or Initializer, default 'zeros'
conv_layout : str, default 'NCW', 'NCHW' or 'NCDHW'
activation : str or Block, default 'tanh'
prefix : str, optional
    Default ``'conv_rnn0_'``, ``'conv_lstm0_'`` or ``'conv_gru0_'``.
params : ParameterDict, optional
"""
from .... import ndarray
from ....base import MXNetError
from ...rnn.rnn_cell import HybridRecurrentCell

__all__ = ["Conv1DRNNCell", "Conv2DRNNCell", "Conv3DRNNCell",
           "Conv1DLSTMCell", "Conv2DLSTMCell", "Conv3DLSTMCell",
           "Conv1DGRUCell", "Conv2DGRUCell", "Conv3DGRUCell"]


def _tuple(value, dims):
    """An int becomes ``(value,) * dims``; a sequence is kept (as a tuple)."""
    if isinstance(value, int):
        return (value,) * dims
    return tuple(value)


class _BaseConvRNNCell(HybridRecurrentCell):
    """Shapes, parameters and the two convolutions of every convolutional cell.

    ``input_shape`` has no batch axis: ``(C, H, W)`` for ``conv_layout='NCHW'``.
    Channel-last layouts (``NHWC`` ...) give MXNet's parameter and state shapes, but
    running them fails in dlkit's ``Convolution``, which computes channel-first only.

    Differs from MXNet: an even ``h2h_kernel`` raises ``ValueError`` (MXNet: an
    ``AssertionError``); an input whose shape is not ``input_shape`` raises an error
    naming both shapes (MXNet fails later, in a broadcast).
    """
    gates = 1
    _num_states = 1

    def __init__(self, input_shape, hidden_channels, i2h_kernel, h2h_kernel, i2h_pad,
                 i2h_dilate, h2h_dilate, i2h_weight_initializer, h2h_weight_initializer,
                 i2h_bias_initializer, h2h_bias_initializer, conv_layout, activation,
                 prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        dims = len(conv_layout) - 2
        self._hidden_channels = hidden_channels
        self._input_shape = tuple(input_shape)
        self._conv_layout = conv_layout
        self._activation = activation
        self._i2h_kernel = _tuple(i2h_kernel, dims)
        self._h2h_kernel = _tuple(h2h_kernel, dims)
        if any(size % 2 == 0 for size in self._h2h_kernel):
            raise ValueError(f"Only support odd number, get h2h_kernel= {h2h_kernel} "
                             "(the h2h convolution must keep the state's size)")
        self._i2h_pad = _tuple(i2h_pad, dims)
        self._i2h_dilate = _tuple(i2h_dilate, dims)
        self._h2h_dilate = _tuple(h2h_dilate, dims)
        # "same" padding for the h2h convolution
        self._h2h_pad = tuple(dilate * (kernel - 1) // 2 for dilate, kernel
                              in zip(self._h2h_dilate, self._h2h_kernel))
        self._channel_axis = conv_layout.find("C") - 1     # in input_shape (no N)
        in_channels = self._input_shape[self._channel_axis]
        self._state_shape = self._compute_state_shape()
        rows = self.gates * hidden_channels
        self.i2h_weight = self.params.get(
            "i2h_weight", shape=self._weight_shape(rows, in_channels, self._i2h_kernel),
            init=i2h_weight_initializer, allow_deferred_init=True)
        self.h2h_weight = self.params.get(
            "h2h_weight",
            shape=self._weight_shape(rows, hidden_channels, self._h2h_kernel),
            init=h2h_weight_initializer, allow_deferred_init=True)
        self.i2h_bias = self.params.get("i2h_bias", shape=(rows,),
                                        init=i2h_bias_initializer,
                                        allow_deferred_init=True)
        self.h2h_bias = self.params.get("h2h_bias", shape=(rows,),
                                        init=h2h_bias_initializer,
                                        allow_deferred_init=True)

    def _weight_shape(self, rows, channels, kernel):
        """Convolution weights: ``(rows, C) + kernel``, or ``(rows,) + kernel + (C,)``
        in a channel-last layout."""
        if self._channel_axis == 0:
            return (rows, channels) + kernel
        return (rows,) + kernel + (channels,)

    def _compute_state_shape(self):
        """The i2h convolution's output size (stride 1), with ``hidden_channels``."""
        spatial = [size for axis, size in enumerate(self._input_shape)
                   if axis != self._channel_axis]
        out = []
        for size, kernel, pad, dilate in zip(spatial, self._i2h_kernel, self._i2h_pad,
                                             self._i2h_dilate):
            out.append(size + 2 * pad - dilate * (kernel - 1))
        if any(size <= 0 for size in out):
            raise ValueError(f"{type(self).__name__}: input_shape {self._input_shape} "
                             f"is smaller than i2h_kernel {self._i2h_kernel} (with "
                             f"i2h_pad {self._i2h_pad}, i2h_dilate {self._i2h_dilate})")
        out.insert(self._channel_axis, self._hidden_channels)
        return tuple(out)

    def reset(self):
        # MXNet 1.9.1 also resets an activation Block child here and fails (it has
        # no reset); the cell has no recurrent children, so only its counters reset.
        self._init_counter = -1
        self._counter = -1

    def state_info(self, batch_size=0):
        return [{"shape": (batch_size,) + self._state_shape,
                 "__layout__": self._conv_layout} for _ in range(self._num_states)]

    def _check_input(self, F, inputs):
        if F is ndarray and tuple(inputs.shape[1:]) != self._input_shape:
            raise MXNetError(f"{type(self).__name__}: input of shape {inputs.shape} "
                             f"but the cell was built for input_shape "
                             f"{self._input_shape} (batch axis excluded)")

    def _conv_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias,
                      h2h_bias, prefix):
        """``i2h = conv(x)`` (sets the size) and ``h2h = conv(h)`` (keeps it)."""
        self._check_input(F, inputs)
        rows = self.gates * self._hidden_channels
        stride = (1,) * len(self._i2h_kernel)
        i2h = F.Convolution(inputs, i2h_weight, i2h_bias, num_filter=rows,
                            kernel=self._i2h_kernel, stride=stride, pad=self._i2h_pad,
                            dilate=self._i2h_dilate, layout=self._conv_layout,
                            name=prefix + "i2h")
        h2h = F.Convolution(states[0], h2h_weight, h2h_bias, num_filter=rows,
                            kernel=self._h2h_kernel, stride=stride, pad=self._h2h_pad,
                            dilate=self._h2h_dilate, layout=self._conv_layout,
                            name=prefix + "h2h")
        return i2h, h2h

    def __repr__(self):
        in_channels = self._input_shape[self._channel_axis]
        return (f"{type(self).__name__}({in_channels} -> {self.i2h_weight.shape[0]}, "
                f"{self._activation}, {self._conv_layout})")


class _ConvRNNCell(_BaseConvRNNCell):
    """``h' = activation(conv_i2h(x) + conv_h2h(h))``."""

    def _alias(self):
        return "conv_rnn"

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias,
                       h2h_bias):
        prefix = f"t{self._counter}_"
        i2h, h2h = self._conv_forward(F, inputs, states, i2h_weight, h2h_weight,
                                      i2h_bias, h2h_bias, prefix)
        output = self._get_activation(F, i2h + h2h, self._activation,
                                      name=prefix + "out")
        return output, [output]


class _ConvLSTMCell(_BaseConvRNNCell):
    """LSTM gates on convolutions; states ``[h, c]``, both of the state's shape::

        i, f, o = sigmoid(...),  c~ = activation(...)
        c' = f * c + i * c~,     h' = o * activation(c')
    """
    gates = 4
    _num_states = 2

    def _alias(self):
        return "conv_lstm"

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias,
                       h2h_bias):
        prefix = f"t{self._counter}_"
        i2h, h2h = self._conv_forward(F, inputs, states, i2h_weight, h2h_weight,
                                      i2h_bias, h2h_bias, prefix)
        gates = i2h + h2h
        slices = F.SliceChannel(gates, num_outputs=4, axis=self._channel_axis + 1,
                                name=prefix + "slice")
        in_gate = F.Activation(slices[0], act_type="sigmoid", name=prefix + "i")
        forget_gate = F.Activation(slices[1], act_type="sigmoid", name=prefix + "f")
        in_transform = self._get_activation(F, slices[2], self._activation,
                                            name=prefix + "c")
        out_gate = F.Activation(slices[3], act_type="sigmoid", name=prefix + "o")
        next_c = F.elemwise_add(forget_gate * states[1], in_gate * in_transform,
                                name=prefix + "state")
        next_h = F.elemwise_mul(out_gate,
                                self._get_activation(F, next_c, self._activation),
                                name=prefix + "out")
        return next_h, [next_h, next_c]


class _ConvGRUCell(_BaseConvRNNCell):
    """GRU gates on convolutions (MXNet's form: ``r`` multiplies ``U_n h + b``)::

        r, z = sigmoid(...),  n = activation(W_n x + r * (U_n h + b_hn) + b_in)
        h' = (1 - z) * n + z * h
    """
    gates = 3

    def _alias(self):
        return "conv_gru"

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias,
                       h2h_bias):
        prefix = f"t{self._counter}_"
        axis = self._channel_axis + 1
        i2h, h2h = self._conv_forward(F, inputs, states, i2h_weight, h2h_weight,
                                      i2h_bias, h2h_bias, prefix)
        i2h_r, i2h_z, i2h = F.SliceChannel(i2h, num_outputs=3, axis=axis,
                                           name=prefix + "i2h_slice")
        h2h_r, h2h_z, h2h = F.SliceChannel(h2h, num_outputs=3, axis=axis,
                                           name=prefix + "h2h_slice")
        reset_gate = F.Activation(i2h_r + h2h_r, act_type="sigmoid",
                                  name=prefix + "r_act")
        update_gate = F.Activation(i2h_z + h2h_z, act_type="sigmoid",
                                   name=prefix + "z_act")
        candidate = self._get_activation(F, i2h + reset_gate * h2h, self._activation,
                                         name=prefix + "h_act")
        next_h = F.elemwise_add((1.0 - update_gate) * candidate,
                                update_gate * states[0], name=prefix + "out")
        return next_h, [next_h]


class _Conv1D:
    """MXNet's 1-D signature and defaults (``NCW``), shared by the three 1-D cells.

    Each ``Conv{1,2,3}D*Cell`` is one of these dimension mixins plus a gate class
    (``_ConvRNNCell``, ``_ConvLSTMCell``, ``_ConvGRUCell``): the mixin only fixes the
    defaults, which MXNet gives per number of spatial axes.
    """

    def __init__(self, input_shape, hidden_channels, i2h_kernel, h2h_kernel,
                 i2h_pad=(0,), i2h_dilate=(1,), h2h_dilate=(1,),
                 i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros",
                 conv_layout="NCW", activation="tanh", prefix=None,
                 params=None):
        super().__init__(input_shape, hidden_channels, i2h_kernel, h2h_kernel,
                         i2h_pad, i2h_dilate, h2h_dilate, i2h_weight_initializer,
                         h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, conv_layout, activation, prefix, params)


class _Conv2D:
    """MXNet's 2-D signature and defaults (``NCHW``); see ``_Conv1D``."""

    def __init__(self, input_shape, hidden_channels, i2h_kernel, h2h_kernel,
                 i2h_pad=(0, 0), i2h_dilate=(1, 1), h2h_dilate=(1, 1),
                 i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros",
                 conv_layout="NCHW", activation="tanh", prefix=None,
                 params=None):
        super().__init__(input_shape, hidden_channels, i2h_kernel, h2h_kernel,
                         i2h_pad, i2h_dilate, h2h_dilate, i2h_weight_initializer,
                         h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, conv_layout, activation, prefix, params)


class _Conv3D:
    """MXNet's 3-D signature and defaults (``NCDHW``); see ``_Conv1D``."""

    def __init__(self, input_shape, hidden_channels, i2h_kernel, h2h_kernel,
                 i2h_pad=(0, 0, 0), i2h_dilate=(1, 1, 1), h2h_dilate=(1, 1, 1),
                 i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros",
                 conv_layout="NCDHW", activation="tanh", prefix=None,
                 params=None):
        super().__init__(input_shape, hidden_channels, i2h_kernel, h2h_kernel,
                         i2h_pad, i2h_dilate, h2h_dilate, i2h_weight_initializer,
                         h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, conv_layout, activation, prefix, params)


class Conv1DRNNCell(_Conv1D, _ConvRNNCell):
    """An Elman RNN cell on 1-D convolutions: input (N, C, W), state ``[h]``.

    Parameters: see the module docstring.

    Example
    -------
    >>> cell = mx.gluon.contrib.rnn.Conv1DRNNCell((3, 10), 5, 3, 3)
    >>> cell.initialize()
    >>> cell(mx.nd.ones((2, 3, 10)), cell.begin_state(2))[0].shape
    (2, 5, 8)
    """


class Conv2DRNNCell(_Conv2D, _ConvRNNCell):
    """An Elman RNN cell on 2-D convolutions: input (N, C, H, W), state ``[h]``.

    Parameters: see the module docstring.

    Example
    -------
    >>> cell = mx.gluon.contrib.rnn.Conv2DRNNCell((3, 10, 10), 5, 3, 3)
    >>> cell.initialize()
    >>> cell(mx.nd.ones((2, 3, 10, 10)), cell.begin_state(2))[0].shape
    (2, 5, 8, 8)
    """


class Conv3DRNNCell(_Conv3D, _ConvRNNCell):
    """An Elman RNN cell on 3-D convolutions: input (N, C, D, H, W), state ``[h]``.

    Parameters: see the module docstring.

    Example
    -------
    >>> cell = mx.gluon.contrib.rnn.Conv3DRNNCell((3, 6, 6, 6), 5, 3, 3)
    >>> cell.initialize()
    >>> cell(mx.nd.ones((2, 3, 6, 6, 6)), cell.begin_state(2))[0].shape
    (2, 5, 4, 4, 4)
    """


class Conv1DLSTMCell(_Conv1D, _ConvLSTMCell):
    """An LSTM cell on 1-D convolutions: input (N, C, W), states ``[h, c]``.

    Parameters: see the module docstring.

    Example
    -------
    >>> cell = mx.gluon.contrib.rnn.Conv1DLSTMCell((3, 10), 5, 3, 3)
    >>> cell.initialize()
    >>> cell(mx.nd.ones((2, 3, 10)), cell.begin_state(2))[0].shape
    (2, 5, 8)
    """


class Conv2DLSTMCell(_Conv2D, _ConvLSTMCell):
    """An LSTM cell on 2-D convolutions: input (N, C, H, W), states ``[h, c]``.

    Parameters: see the module docstring.

    Example
    -------
    >>> cell = mx.gluon.contrib.rnn.Conv2DLSTMCell((3, 10, 10), 5, 3, 3)
    >>> cell.initialize()
    >>> cell(mx.nd.ones((2, 3, 10, 10)), cell.begin_state(2))[0].shape
    (2, 5, 8, 8)
    """


class Conv3DLSTMCell(_Conv3D, _ConvLSTMCell):
    """An LSTM cell on 3-D convolutions: input (N, C, D, H, W), states ``[h, c]``.

    Parameters: see the module docstring.

    Example
    -------
    >>> cell = mx.gluon.contrib.rnn.Conv3DLSTMCell((3, 6, 6, 6), 5, 3, 3)
    >>> cell.initialize()
    >>> cell(mx.nd.ones((2, 3, 6, 6, 6)), cell.begin_state(2))[0].shape
    (2, 5, 4, 4, 4)
    """


class Conv1DGRUCell(_Conv1D, _ConvGRUCell):
    """A GRU cell on 1-D convolutions: input (N, C, W), state ``[h]``.

    Parameters: see the module docstring.

    Example
    -------
    >>> cell = mx.gluon.contrib.rnn.Conv1DGRUCell((3, 10), 5, 3, 3)
    >>> cell.initialize()
    >>> cell(mx.nd.ones((2, 3, 10)), cell.begin_state(2))[0].shape
    (2, 5, 8)
    """


class Conv2DGRUCell(_Conv2D, _ConvGRUCell):
    """A GRU cell on 2-D convolutions: input (N, C, H, W), state ``[h]``.

    Parameters: see the module docstring.

    Example
    -------
    >>> cell = mx.gluon.contrib.rnn.Conv2DGRUCell((3, 10, 10), 5, 3, 3)
    >>> cell.initialize()
    >>> cell(mx.nd.ones((2, 3, 10, 10)), cell.begin_state(2))[0].shape
    (2, 5, 8, 8)
    """


class Conv3DGRUCell(_Conv3D, _ConvGRUCell):
    """A GRU cell on 3-D convolutions: input (N, C, D, H, W), state ``[h]``.

    Parameters: see the module docstring.

    Example
    -------
    >>> cell = mx.gluon.contrib.rnn.Conv3DGRUCell((3, 6, 6, 6), 5, 3, 3)
    >>> cell.initialize()
    >>> cell(mx.nd.ones((2, 3, 6, 6, 6)), cell.begin_state(2))[0].shape
    (2, 5, 4, 4, 4)
    """
