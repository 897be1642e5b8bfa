"""Golden cases for ``unroll(..., valid_length=...)`` of dlkit/gluon/rnn cells (run
under MXNet 1.9.1; see README.md).

Each cell gets fixed parameters, inputs, begin states and per-sequence lengths; the
case stores the outputs (zeros past each length), the final states (taken at each
sequence's last valid step) and the gradients of the input, the states and every
parameter for the loss ``sum(output * head) + sum(states)``.
``tests/gluon/test_rnn.py`` replays them imperatively and hybridized::

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python \\
        gen_gluon_rnn_valid_length.py
"""
import mxnet as mx
import numpy as np
from mxnet.gluon import rnn

from mxgolden import GoldenWriter

random = np.random.RandomState(7)
golden = GoldenWriter("gluon_rnn_valid_length")


def uniform(*shape):
    return random.uniform(-0.5, 0.5, size=shape).astype(np.float32)


def build(name):
    """The cells; tests/gluon/test_rnn.py builds the same ones."""
    if name == "bidirectional":
        return rnn.BidirectionalCell(rnn.LSTMCell(3, prefix="left_"),
                                     rnn.GRUCell(2, prefix="right_"))
    if name == "sequential":
        stack = rnn.SequentialRNNCell(prefix="net_")
        with stack.name_scope():
            stack.add(rnn.GRUCell(4))
            stack.add(rnn.ResidualCell(rnn.RNNCell(4)))
        return stack
    return getattr(rnn, name)(3, prefix="net_")


def run_case(case_id, name, layout, x, states, valid_length):
    block = build(name)
    block.initialize()
    steps = x.shape[layout.find("T")]
    block.unroll(steps, mx.nd.array(x), layout=layout)  # finish deferred init
    params = {}
    for full_name, param in block.collect_params().items():
        short = full_name[len(block.prefix):]
        value = uniform(*param.shape)
        param.set_data(mx.nd.array(value))
        params[short] = golden.add_array(f"{case_id}/param/{short}", value)
    data = mx.nd.array(x)
    data.attach_grad()
    begin = [mx.nd.array(s) for s in states]
    for state in begin:
        state.attach_grad()
    with mx.autograd.record():
        output, out_states = block.unroll(steps, data, begin, layout=layout,
                                          merge_outputs=True,
                                          valid_length=mx.nd.array(valid_length))
        head = uniform(*output.shape)
        loss = (output * mx.nd.array(head)).sum()
        for state in out_states:
            loss = loss + state.sum()
    loss.backward()
    golden.add({
        "id": case_id, "class": name, "layout": layout, "length": steps,
        "input": golden.add_array(f"{case_id}/input", x),
        "valid_length": golden.add_array(f"{case_id}/valid_length", valid_length),
        "states": [golden.add_array(f"{case_id}/state/{i}", s)
                   for i, s in enumerate(states)],
        "params": params, "head": golden.add_array(f"{case_id}/head", head),
        "output": golden.add_array(f"{case_id}/output", output.asnumpy()),
        "out_states": [golden.add_array(f"{case_id}/out_state/{i}", s.asnumpy())
                       for i, s in enumerate(out_states)],
        "input_grad": golden.add_array(f"{case_id}/grad/input", data.grad.asnumpy()),
        "state_grads": [golden.add_array(f"{case_id}/grad/state/{i}", s.grad.asnumpy())
                        for i, s in enumerate(begin)],
        "param_grads": {short: golden.add_array(
            f"{case_id}/grad/param/{short}",
            block.collect_params()[block.prefix + short].grad().asnumpy())
            for short in params}})


batch, steps, features = 3, 4, 4
lengths = np.array([2, 4, 1], dtype=np.float32)
STATE_SIZES = {"RNNCell": [3], "LSTMCell": [3, 3], "GRUCell": [3],
               "bidirectional": [3, 3, 2], "sequential": [4, 4]}
for name in ["RNNCell", "LSTMCell", "GRUCell", "bidirectional", "sequential"]:
    for layout in (["NTC", "TNC"] if name == "LSTMCell" else ["NTC"]):
        x = uniform(batch, steps, features) if layout == "NTC" else \
            uniform(steps, batch, features)
        states = [uniform(batch, size) for size in STATE_SIZES[name]]
        run_case(f"{name}_{layout}", name, layout, x, states, lengths)
golden.save()
