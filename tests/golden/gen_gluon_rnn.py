"""Golden cases for dlkit/gluon/rnn and Block.save/load (run under MXNet 1.9.1).

Cells and layers get fixed parameters, inputs and begin states; the case stores the
outputs, the final states and the gradients of the input, the states and every parameter
for the loss ``sum(output * head) + sum(states)``. ``tests/gluon/test_rnn.py`` replays
them imperatively and hybridized. ``gluon_rnn_files/`` holds models written by MXNet's
``Block.save`` (``tests/gluon/test_block_files.py`` loads them).

It runs with MKLDNN on (it sets ``MXNET_MKLDNN_ENABLED=1`` itself): MXNet 1.9.1's
non-MKLDNN CPU ``RNN`` backward is broken (see gen_ops_rnn.py)::

    cd tests/golden && /tmp/mxref/bin/python gen_gluon_rnn.py
"""
import os

import mxnet as mx
import numpy as np
from mxnet.gluon import nn, rnn

from mxgolden import HERE, GoldenWriter

# MXNet reads this at its first operator call, so setting it here still counts
os.environ["MXNET_MKLDNN_ENABLED"] = "1"

random = np.random.RandomState(5)
golden = GoldenWriter("gluon_rnn")


def uniform(*shape):
    return random.uniform(-0.5, 0.5, size=shape).astype(np.float32)


def set_params(block, case_id):
    """Fixed values for every parameter; returns {name without prefix: array key}."""
    keys = {}
    for name, param in block.collect_params().items():
        short = name[len(block.prefix):]
        value = uniform(*param.shape)
        param.set_data(mx.nd.array(value))
        keys[short] = golden.add_array(f"{case_id}/param/{short}", value)
    return keys


def build_composite(name):
    """The composite cells; tests/gluon/test_rnn.py builds the same ones."""
    if name == "bidirectional":
        return rnn.BidirectionalCell(rnn.LSTMCell(3, prefix="left_"),
                                     rnn.GRUCell(2, prefix="right_"))
    stack = rnn.SequentialRNNCell(prefix="net_")
    with stack.name_scope():
        stack.add(rnn.LSTMCell(4))
        stack.add(rnn.DropoutCell(0.0))
        stack.add(rnn.ResidualCell(rnn.GRUCell(4)))
        stack.add(rnn.RNNCell(3, "relu"))
    return stack


def run_case(case_id, kind, cls, kwargs, x, states, call):
    """Record one forward/backward and store everything the replay needs."""
    if kind == "composite":
        block = build_composite(cls)
    else:
        block = getattr(rnn, cls)(prefix="net_", **kwargs)
    block.initialize()
    if kind != "layer":     # one unroll finishes the deferred initialization
        block.unroll(call["length"], mx.nd.array(x), layout=call["layout"])
    else:
        block(mx.nd.array(x))
    params = set_params(block, case_id)
    data = mx.nd.array(x)
    data.attach_grad()
    begin = [mx.nd.array(s) for s in states] if states is not None else None
    for state in begin or []:
        state.attach_grad()
    with mx.autograd.record():
        if kind != "layer":
            output, out_states = block.unroll(call["length"], data, begin,
                                              layout=call.get("layout", "NTC"),
                                              merge_outputs=True)
        elif begin is None:
            output, out_states = block(data), []
        else:
            output, out_states = block(data, begin)
        head = uniform(*output.shape)
        loss = (output * mx.nd.array(head)).sum()
        for state in out_states:
            loss = loss + state.sum()
    loss.backward()
    golden.add({
        "id": case_id, "kind": kind, "class": cls, "kwargs": kwargs, "call": call,
        "input": golden.add_array(f"{case_id}/input", x),
        "states": None if states is None else [
            golden.add_array(f"{case_id}/state/{i}", s) for i, s in enumerate(states)],
        "params": params, "head": golden.add_array(f"{case_id}/head", head),
        "output": golden.add_array(f"{case_id}/output", output.asnumpy()),
        "out_states": [golden.add_array(f"{case_id}/out_state/{i}", s.asnumpy())
                       for i, s in enumerate(out_states)],
        "input_grad": golden.add_array(f"{case_id}/grad/input", data.grad.asnumpy()),
        "state_grads": [golden.add_array(f"{case_id}/grad/state/{i}", s.grad.asnumpy())
                        for i, s in enumerate(begin or [])],
        "param_grads": {short: golden.add_array(
            f"{case_id}/grad/param/{short}",
            block.collect_params()[block.prefix + short].grad().asnumpy())
            for short in params}})


batch, steps, features, hidden = 2, 3, 4, 3
for cls, n_states, extra in [("RNNCell", 1, {}), ("RNNCell", 1, {"activation": "relu"}),
                             ("LSTMCell", 2, {}), ("GRUCell", 1, {})]:
    for layout in ["NTC", "TNC"]:
        x = uniform(batch, steps, features) if layout == "NTC" else \
            uniform(steps, batch, features)
        run_case(f"{cls}_{extra.get('activation', '')}_{layout}", "cell", cls,
                 dict(hidden_size=hidden, **extra), x,
                 [uniform(batch, hidden) for _ in range(n_states)],
                 {"length": steps, "layout": layout})

for name, n_states in [("bidirectional", 3), ("sequential", 4)]:
    x = uniform(batch, steps, 4)
    shapes = [3, 3, 2] if name == "bidirectional" else [4, 4, 4, 3]
    run_case(f"composite_{name}", "composite", name, {}, x,
             [uniform(batch, size) for size in shapes],
             {"length": steps, "layout": "NTC"})

LAYERS = [("RNN", {"activation": "tanh"}, 1), ("RNN", {"activation": "relu",
                                                      "num_layers": 2}, 1),
          ("LSTM", {}, 2), ("LSTM", {"num_layers": 2, "bidirectional": True}, 2),
          ("GRU", {"layout": "NTC"}, 1),
          ("GRU", {"num_layers": 2, "bidirectional": True}, 1)]
for cls, extra, n_states in LAYERS:
    layers = extra.get("num_layers", 1) * (2 if extra.get("bidirectional") else 1)
    layout = extra.get("layout", "TNC")
    x = uniform(steps, batch, features) if layout == "TNC" else \
        uniform(batch, steps, features)
    name = "_".join(f"{k}{v}" for k, v in extra.items())
    run_case(f"{cls}_{name}_states", "layer", cls, dict(hidden_size=hidden, **extra), x,
             [uniform(layers, batch, hidden) for _ in range(n_states)], {})
    run_case(f"{cls}_{name}_nostates", "layer", cls, dict(hidden_size=hidden, **extra),
             x, None, {})


# ---- Block.save files ----
FILES = os.path.join(HERE, "gluon_rnn_files")
mx.random.seed(0)
net = nn.HybridSequential(prefix="model_")
with net.name_scope():
    net.add(nn.Dense(4, in_units=3))
    inner = nn.HybridSequential()
    with inner.name_scope():
        inner.add(nn.Dense(2, in_units=4))
    net.add(inner)
net.initialize(mx.init.Uniform(1))
probe = uniform(2, 3)
net.save(os.path.join(FILES, "mxnet_plain"))
golden.add({"id": "save_plain", "input": golden.add_array("save_plain/input", probe),
            "output": golden.add_array("save_plain/output",
                                       net(mx.nd.array(probe)).asnumpy())})

lstm = rnn.LSTM(3, input_size=3, prefix="lstm_")
lstm.initialize(mx.init.Uniform(1))
lstm.hybridize()
sequence = uniform(4, 2, 3)
result = lstm(mx.nd.array(sequence))
lstm.save(os.path.join(FILES, "mxnet_hybrid_lstm"))
golden.add({"id": "save_hybrid_lstm",
            "input": golden.add_array("save_hybrid_lstm/input", sequence),
            "output": golden.add_array("save_hybrid_lstm/output", result.asnumpy())})
golden.save()
