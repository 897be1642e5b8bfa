"""Golden cases for dlkit/ops/rnn.py (run under MXNet 1.9.1; see README.md).

The fused ``RNN`` op with fixed inputs: every mode, two layers, bidirectional, with and
without state outputs; outputs and the gradients of data, parameters and states.

It runs with MKLDNN on (it sets ``MXNET_MKLDNN_ENABLED=1`` itself): MXNet 1.9.1's
non-MKLDNN CPU ``RNN`` backward fails ("out_data.size() == num_outputs (2 vs. 1)") or
returns zeros; the MKLDNN one works::

    cd tests/golden && /tmp/mxref/bin/python gen_ops_rnn.py
"""
import os

import numpy as np

from mxgolden import GoldenWriter

# MXNet reads this at its first operator call, so setting it here still counts
os.environ["MXNET_MKLDNN_ENABLED"] = "1"

random = np.random.RandomState(11)
golden = GoldenWriter("ops_rnn")
GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def uniform(*shape):
    return random.uniform(-0.5, 0.5, size=shape).astype(np.float32)


def param_size(mode, layers, directions, inputs, hidden):
    rows = GATES[mode] * hidden
    total = 0
    for layer in range(layers):
        layer_input = inputs if layer == 0 else hidden * directions
        total += directions * rows * (layer_input + hidden + 2)
    return total


CASES = [("rnn_tanh", 1, False, False), ("rnn_relu", 2, False, True),
         ("lstm", 1, False, True), ("lstm", 2, True, True), ("gru", 1, False, False),
         ("gru", 2, True, True), ("rnn_tanh", 2, True, True)]
steps, batch, inputs, hidden = 4, 2, 3, 5
for mode, layers, bidirectional, state_outputs in CASES:
    directions = 2 if bidirectional else 1
    arrays = {"data": uniform(steps, batch, inputs),
              "parameters": uniform(param_size(mode, layers, directions, inputs,
                                               hidden)),
              "state": uniform(layers * directions, batch, hidden)}
    if mode == "lstm":
        arrays["state_cell"] = uniform(layers * directions, batch, hidden)
    attrs = {"state_size": hidden, "num_layers": layers, "mode": mode,
             "bidirectional": bidirectional, "state_outputs": state_outputs}
    case_id = f"RNN_{mode}_{layers}layer{'_bidirectional' if bidirectional else ''}"
    golden.op_case(case_id, "RNN", arrays, attrs, is_train=True)

golden.op_case("rnn_param_concat", "_rnn_param_concat",
               {"arg0": uniform(6), "arg1": uniform(4), "arg2": uniform(2)},
               {"dim": 0}, positional=True)
golden.save()
