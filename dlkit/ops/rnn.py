"""Recurrent operators: the fused ``RNN`` op (vanilla RNN, LSTM, GRU) and
``_rnn_param_concat``, which packs the per-layer weights into its flat parameter vector.

``RNN`` runs a whole stack of recurrent layers over a sequence in one call, as cuDNN
does. All weights travel in ONE flat vector ``parameters``, laid out like MXNet's (and
cuDNN's), with L = left-to-right and R = right-to-left::

    [ W_i2h(l0,L) W_h2h(l0,L) W_i2h(l0,R) W_h2h(l0,R)  W_i2h(l1,L) ...
      b_i2h(l0,L) b_h2h(l0,L) b_i2h(l0,R) b_h2h(l0,R)  b_i2h(l1,L) ... ]

weights of every layer and direction first, then every bias. Each ``W`` has
``gates * state_size`` rows, the gates stacked in MXNet's order: LSTM ``i, f, g, o``,
GRU ``r, z, n``. ``gluon.rnn.LSTM`` builds that vector with ``_rnn_param_concat``.

The forward pass is a plain time loop per layer and direction. The backward pass runs
the loop again to recover the gate values (nothing is stored between the two calls) and
then walks back in time (back-propagation through time, lesson on RNNs).
"""
from ..base import MXNetError
from .registry import (Bool, Choice, Example, Float, Int, Op, OptionalFloat,
                       OptionalInt, known, register_op, same_dtype, shape_error)
from .rng import generator
from .join import Concat

__all__ = ["RNN", "RnnParamConcat", "rnn_param_size"]

GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def rnn_param_size(mode, num_layers, bidirectional, input_size, state_size):
    """Length of the flat ``parameters`` vector of an ``RNN`` op."""
    directions = 2 if bidirectional else 1
    rows = GATES[mode] * state_size
    size = 0
    for layer in range(num_layers):
        layer_input = input_size if layer == 0 else state_size * directions
        size += directions * rows * (layer_input + state_size + 2)
    return size


def _unpack(parameters, mode, num_layers, directions, input_size, state_size):
    """Views ``(W_i2h, W_h2h, b_i2h, b_h2h)`` into the flat vector, one per
    (layer, direction), in the order the layers run."""
    rows = GATES[mode] * state_size
    shapes = []
    for layer in range(num_layers):
        layer_input = input_size if layer == 0 else state_size * directions
        shapes += [(layer_input, state_size)] * directions
    offset, weights = 0, []
    for layer_input, hidden in shapes:
        i2h = parameters[offset:offset + rows * layer_input].reshape(rows, layer_input)
        offset += rows * layer_input
        h2h = parameters[offset:offset + rows * hidden].reshape(rows, hidden)
        offset += rows * hidden
        weights.append([i2h, h2h])
    for pair in weights:
        pair.append(parameters[offset:offset + rows])
        pair.append(parameters[offset + rows:offset + 2 * rows])
        offset += 2 * rows
    return weights


def _sigmoid(xp, x):
    return 1 / (1 + xp.exp(-x))


def _step(xp, mode, x_part, h_part, h_prev, c_prev):
    """One time step from the input and hidden projections ``x W_i2h^T + b`` and
    ``h W_h2h^T + b``; returns ``(h, c, saved)`` with what backward needs."""
    if mode == "rnn_tanh":
        h = xp.tanh(x_part + h_part)
        return h, None, ()
    if mode == "rnn_relu":
        h = xp.maximum(x_part + h_part, 0)
        return h, None, ()
    if mode == "lstm":
        i, f, g, o = xp.split(x_part + h_part, 4, axis=1)
        i, f, g, o = _sigmoid(xp, i), _sigmoid(xp, f), xp.tanh(g), _sigmoid(xp, o)
        c = f * c_prev + i * g
        return o * xp.tanh(c), c, (i, f, g, o, c)
    x_r, x_z, x_n = xp.split(x_part, 3, axis=1)
    h_r, h_z, h_n = xp.split(h_part, 3, axis=1)
    r, z = _sigmoid(xp, x_r + h_r), _sigmoid(xp, x_z + h_z)
    # MXNet's (cuDNN's) GRU: the reset gate scales h W_hn^T + b_hn, bias included
    n = xp.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h_prev, None, (r, z, n, h_n)


def _run_layer(xp, mode, x, h, c, weights, reverse):
    """Run one direction of one layer over ``x`` (T, N, C); returns the outputs
    (T, N, H), the last ``h`` and ``c``, and per step the saved values."""
    i2h, h2h, b_i2h, b_h2h = weights
    x_parts = x @ i2h.T + b_i2h
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    outputs = xp.empty(x.shape[:2] + (h.shape[1],), dtype=x.dtype)
    saved = {}
    for t in steps:
        h_prev, c_prev = h, c
        h_part = h_prev @ h2h.T + b_h2h
        h, c, values = _step(xp, mode, x_parts[t], h_part, h_prev, c_prev)
        outputs[t] = h
        saved[t] = (h_prev, c_prev, values)
    return outputs, h, c, saved


def _step_backward(xp, mode, h, dh, dc, saved):
    """Gradients of one step.

    Returns ``(d x_part, d h_part, direct part of dh_prev, dc_prev)``.
    """
    h_prev, c_prev, values = saved
    if mode == "rnn_tanh":
        d_pre = dh * (1 - h * h)
        return d_pre, d_pre, 0, None
    if mode == "rnn_relu":
        d_pre = dh * (h > 0)
        return d_pre, d_pre, 0, None
    if mode == "lstm":
        i, f, g, o, c = values
        tanh_c = xp.tanh(c)
        # h = o tanh(c) and c = f c_prev + i g; sigmoid' = s (1 - s), tanh' = 1 - t^2
        dc = dc + dh * o * (1 - tanh_c * tanh_c)
        d_pre = xp.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f),
                                dc * i * (1 - g * g), dh * tanh_c * o * (1 - o)],
                               axis=1)
        return d_pre, d_pre, 0, dc * f
    r, z, n, h_n = values
    # h = (1 - z) n + z h_prev and n = tanh(x_n + r h_n): r reaches only the h side
    d_n = dh * (1 - z) * (1 - n * n)
    d_r = d_n * h_n * r * (1 - r)
    d_z = dh * (h_prev - n) * z * (1 - z)
    d_x = xp.concatenate([d_r, d_z, d_n], axis=1)
    d_h = xp.concatenate([d_r, d_z, d_n * r], axis=1)
    return d_x, d_h, dh * z, None


def _layer_backward(xp, mode, x, weights, outputs, saved, d_out, dh, dc, reverse):
    """Back-propagation through time for one direction of one layer.

    Returns ``dx, dh0, dc0`` and the gradients of ``(W_i2h, W_h2h, b_i2h, b_h2h)``."""
    i2h, h2h = weights[0], weights[1]
    d_x_parts = xp.zeros(x.shape[:2] + (i2h.shape[0],), dtype=x.dtype)
    d_h2h = xp.zeros_like(h2h)
    d_b_h2h = xp.zeros(h2h.shape[0], dtype=x.dtype)
    steps = range(x.shape[0]) if reverse else range(x.shape[0] - 1, -1, -1)
    for t in steps:
        dh = dh + d_out[t]
        h_prev = saved[t][0]
        d_x_part, d_h_part, dh_direct, dc = _step_backward(xp, mode, outputs[t], dh, dc,
                                                           saved[t])
        d_x_parts[t] = d_x_part
        d_h2h += d_h_part.T @ h_prev
        d_b_h2h += d_h_part.sum(axis=0)
        dh = dh_direct + d_h_part @ h2h
    d_i2h = xp.einsum("tng,tnc->gc", d_x_parts, x)
    return (d_x_parts @ i2h, dh, dc,
            [d_i2h, d_h2h, d_x_parts.sum(axis=(0, 1)), d_b_h2h])


@register_op
class RNN(Op):
    """A stack of recurrent layers over a whole sequence (MXNet's fused ``RNN``).

    ``data`` is (T, N, C) (time, batch, channels); ``state`` (and ``state_cell`` for
    LSTM) is (num_layers * directions, N, state_size); ``parameters`` is the flat vector
    described in this module's docstring. Outputs: the last layer's ``h`` at every step,
    (T, N, directions * state_size), then with ``state_outputs=True`` the final ``h``
    (and ``c``). ``mode``: ``rnn_relu``, ``rnn_tanh``, ``lstm`` or ``gru`` (equations in
    ``help(mx.nd.RNN)`` of MXNet). ``p`` drops the outputs of every layer but the last
    while training; the hidden last output is that dropout mask.

    ``use_sequence_length=True`` raises, as MXNet 1.9.1's CPU kernel does (only its
    cuDNN GPU kernel takes ``sequence_length``); mask with ``SequenceMask`` or unroll a
    Gluon cell with ``valid_length`` instead.

    Differs from MXNet: ``projection_size`` and ``lstm_state_clip_*`` are not
    supported (an MXNetError says so).
    """
    name = "RNN"
    train_aware = True
    infer_type = same_dtype
    examples = [
        Example(shapes=[(3, 2, 4), (40,), (1, 2, 4)],
                attrs={"state_size": 4, "num_layers": 1, "mode": "rnn_tanh"}),
        Example(shapes=[(3, 2, 3), (36,), (1, 2, 4)], low=0.1,
                attrs={"state_size": 4, "num_layers": 1, "mode": "rnn_relu",
                       "state_outputs": True}),
        Example(shapes=[(3, 2, 3), (456,), (4, 2, 3), (4, 2, 3)],
                attrs={"state_size": 3, "num_layers": 2, "mode": "lstm",
                       "bidirectional": True, "state_outputs": True}),
        Example(shapes=[(4, 2, 3), (144,), (2, 2, 3)],
                attrs={"state_size": 3, "num_layers": 2, "mode": "gru",
                       "state_outputs": True}),
    ]

    def list_inputs(self, attrs):
        names = ["data", "parameters", "state"]
        if attrs["mode"] == "lstm":
            names.append("state_cell")
        if attrs["use_sequence_length"]:
            names.append("sequence_length")
        return names

    def num_visible_outputs(self, attrs):
        if not attrs["state_outputs"]:
            return 1
        return 3 if attrs["mode"] == "lstm" else 2

    def num_outputs(self, attrs):
        return self.num_visible_outputs(attrs) + 1     # + the hidden dropout mask

    def list_outputs(self, attrs):
        return ["output", "state_output", "statecell_output"][
            :self.num_visible_outputs(attrs)]

    def infer_shape(self, in_shapes, *, state_size, num_layers, bidirectional, mode, p,
                    state_outputs, **attrs):
        _check_supported(self, attrs)
        data = in_shapes[0]
        directions = 2 if bidirectional else 1
        if data is not None and len(data) != 3:
            raise shape_error(self, f"data must be 3-D (sequence length, batch, input "
                                    f"size), got shape {data}")
        if not known(data):
            return list(in_shapes), [None] * (self.num_outputs(
                {"state_outputs": state_outputs, "mode": mode}))
        steps, batch, input_size = data
        size = rnn_param_size(mode, num_layers, bidirectional, input_size, state_size)
        state = (num_layers * directions, batch, state_size)
        expected = [data, (size,)] + [state] * (len(in_shapes) - 2)
        names = ["data", "parameters", "state", "state_cell"]
        for name, given, wanted in zip(names, in_shapes, expected):
            # a partly known shape (a sym.zeros state with batch 0) is completed here
            if given is not None and (len(given) != len(wanted) or any(
                    dim is not None and dim != want
                    for dim, want in zip(given, wanted))):
                hint = (f" ({mode}, {num_layers} layer(s), input size {input_size}, "
                        f"state_size {state_size})" if name == "parameters" else "")
                raise shape_error(self, f"input {name!r} should have shape "
                                        f"{wanted}{hint}, got {tuple(given)}")
        output = (steps, batch, directions * state_size)
        mask = (num_layers - 1, steps, batch, directions * state_size)
        count = self.num_visible_outputs({"state_outputs": state_outputs, "mode": mode})
        return expected, ([output, state, state][:count] + [mask])

    def forward(self, xp, data, parameters, state, state_cell=None,
                sequence_length=None, *, state_size: Int, num_layers: Int,
                bidirectional: Bool = False,
                mode: Choice("gru", "lstm", "rnn_relu", "rnn_tanh"), p: Float = 0.0,
                state_outputs: Bool = False, projection_size: OptionalInt = None,
                lstm_state_clip_min: OptionalFloat = None,
                lstm_state_clip_max: OptionalFloat = None,
                lstm_state_clip_nan: Bool = False, use_sequence_length: Bool = False,
                is_train=False):
        mask = _dropout_mask(xp, data, num_layers, bidirectional, state_size,
                             p if is_train else 0.0)
        outputs, h_last, c_last, _ = _run_stack(xp, mode, data, parameters, state,
                                                state_cell, mask, num_layers,
                                                bidirectional, state_size)
        results = (outputs, h_last, c_last)[:self.num_visible_outputs(
            {"state_outputs": state_outputs, "mode": mode})]
        return results + (mask,)

    def backward(self, xp, inputs, outputs, out_grads, *, state_size, num_layers,
                 bidirectional, mode, **attrs):
        data, parameters, state = inputs[:3]
        state_cell = inputs[3] if mode == "lstm" else None
        mask = outputs[-1]
        _, _, _, layers = _run_stack(xp, mode, data, parameters, state, state_cell,
                                     mask, num_layers, bidirectional, state_size)
        grads = [g if g is not None else xp.zeros_like(o)
                 for g, o in zip(out_grads[:-1], outputs[:-1])]
        d_states = [grads[1] if len(grads) > 1 else xp.zeros_like(state),
                    grads[2] if len(grads) > 2 else (
                        xp.zeros_like(state_cell) if mode == "lstm" else None)]
        in_grads = _stack_backward(xp, mode, layers, grads[0], d_states, mask,
                                   2 if bidirectional else 1, state_size)
        d_data, d_parameters, d_state, d_cell = in_grads
        result = [d_data, d_parameters, d_state]
        if mode == "lstm":
            result.append(d_cell)
        return result + [None] * (len(inputs) - len(result))


def _check_supported(op, attrs):
    for name in ("projection_size", "lstm_state_clip_min", "lstm_state_clip_max"):
        if attrs.get(name) is not None:
            raise MXNetError(f"operator {op.name}: attribute {name!r} is not supported "
                             "by dlkit")
    if attrs.get("use_sequence_length"):
        raise MXNetError(f"operator {op.name}: use_sequence_length=True is not "
                         "supported on CPU (MXNet 1.9.1's CPU RNN operator refuses it "
                         "too; only its cuDNN GPU kernel has it). Mask the padded "
                         "steps with SequenceMask, or unroll a gluon.rnn cell with "
                         "valid_length")


def _dropout_mask(xp, data, num_layers, bidirectional, state_size, p):
    """Scaled keep-mask for the outputs of layers 0 .. num_layers-2 (ones when p=0)."""
    width = (2 if bidirectional else 1) * state_size
    shape = (num_layers - 1,) + data.shape[:2] + (width,)
    if p == 0:
        return xp.ones(shape, dtype=data.dtype)
    keep = generator(xp).random(shape) >= p
    return (keep / (1 - p)).astype(data.dtype)


def _run_stack(xp, mode, data, parameters, state, state_cell, mask, num_layers,
               bidirectional, state_size):
    """Forward through every layer; also returns per layer what backward needs."""
    directions = 2 if bidirectional else 1
    weights = _unpack(parameters, mode, num_layers, directions, data.shape[2],
                      state_size)
    x, h_last, c_last, layers = data, [], [], []
    for layer in range(num_layers):
        runs, results = [], []
        for direction in range(directions):
            index = layer * directions + direction
            cell = state_cell[index] if state_cell is not None else None
            out, h, c, saved = _run_layer(xp, mode, x, state[index], cell,
                                          weights[index], reverse=direction == 1)
            results.append(out)
            h_last.append(h)
            c_last.append(c)
            runs.append((weights[index], out, saved))
        layers.append((x, runs))
        x = xp.concatenate(results, axis=2) if directions == 2 else results[0]
        if layer < num_layers - 1:
            x = x * mask[layer]
    c_stack = xp.stack(c_last) if mode == "lstm" else None
    return x, xp.stack(h_last), c_stack, layers


def _stack_backward(xp, mode, layers, d_out, d_states, mask, directions, state_size):
    """Backward through the layers from the last; returns d data, parameters, states."""
    d_h_last, d_c_last = d_states
    d_weights = {}
    d_h0 = [None] * (len(layers) * directions)
    d_c0 = [None] * (len(layers) * directions)
    for layer in range(len(layers) - 1, -1, -1):
        if layer < len(layers) - 1:
            d_out = d_out * mask[layer]
        x, runs = layers[layer]
        d_x = 0
        for direction, (weights, out, saved) in enumerate(runs):
            index = layer * directions + direction
            part = d_out[..., direction * state_size:(direction + 1) * state_size]
            dc = d_c_last[index] if mode == "lstm" else None
            dx, dh0, dc0, d_w = _layer_backward(xp, mode, x, weights, out, saved, part,
                                                d_h_last[index], dc, direction == 1)
            d_x = d_x + dx
            d_h0[index], d_c0[index], d_weights[index] = dh0, dc0, d_w
        d_out = d_x
    order = range(len(d_weights))
    flat = [d_weights[i][k].ravel() for i in order for k in (0, 1)]
    flat += [d_weights[i][k] for i in order for k in (2, 3)]
    d_cell = xp.stack(d_c0) if mode == "lstm" else None
    return d_out, xp.concatenate(flat), xp.stack(d_h0), d_cell


@register_op
class RnnParamConcat(Concat):
    """``Concat`` used by ``gluon.rnn`` layers to pack their weights into ``RNN``'s flat
    ``parameters`` vector (MXNet's ``_rnn_param_concat``). Same forward and backward as
    ``Concat``; MXNet keeps it separate for its shape inference."""
    name = "_rnn_param_concat"
    aliases = ()
    examples = [Example(shapes=[(6,), (4,), (2,)], attrs={"num_args": 3, "dim": 0})]
