"""Golden cases for ``gluon.contrib`` (run under MXNet 1.9.1; see README.md).

Blocks (``kind: block``) get fixed parameters and an input; the case stores the output
and the gradients of the input and every parameter for ``sum(output * head)`` (in
training mode; SyncBatchNorm's running statistics after the step are stored too). Cells
(``kind: cell``) are unrolled with fixed begin states, for the loss
``sum(outputs * head) + sum(states)``. ``tests/gluon/test_contrib.py`` builds the same
blocks from the case's ``name`` and replays them imperatively and hybridized::

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_gluon_contrib.py
"""
import mxnet as mx
import numpy as np
from mxnet.gluon import nn, rnn
from mxnet.gluon.contrib import nn as contrib_nn
from mxnet.gluon.contrib import rnn as contrib_rnn
from mxnet.gluon.contrib.data import IntervalSampler

from mxgolden import GoldenWriter

random = np.random.RandomState(11)
golden = GoldenWriter("gluon_contrib")


def uniform(*shape):
    return random.uniform(-0.5, 0.5, size=shape).astype(np.float32)


def build(name):
    """The blocks; tests/gluon/test_contrib.py builds the same ones."""
    if name == "concurrent":
        net = contrib_nn.HybridConcurrent(axis=1, prefix="net_")
        with net.name_scope():
            net.add(nn.Dense(3), contrib_nn.Identity(), nn.Dense(2, activation="tanh"))
        return net
    if name == "sync_batch_norm":
        return contrib_nn.SyncBatchNorm(num_devices=1, prefix="net_")
    if name == "sparse_embedding":
        return contrib_nn.SparseEmbedding(6, 3, prefix="net_")
    if name.startswith("pixel_shuffle"):
        cls, factor = {"pixel_shuffle1d": (contrib_nn.PixelShuffle1D, 3),
                       "pixel_shuffle2d": (contrib_nn.PixelShuffle2D, (2, 3)),
                       "pixel_shuffle3d": (contrib_nn.PixelShuffle3D, (2, 1, 2))}[name]
        return cls(factor)
    if name == "lstmp":
        return contrib_rnn.LSTMPCell(4, 3, prefix="net_")
    if name == "vardrop":
        return contrib_rnn.VariationalDropoutCell(rnn.GRUCell(3, prefix="net_"),
                                                  drop_inputs=0.5, drop_states=0.5)
    dims, kind = int(name[4]), name[7:]      # "conv2d_lstm" -> 2, "lstm"
    cls = getattr(contrib_rnn, f"Conv{dims}D{kind.upper()}Cell")
    input_shape = {1: (2, 5), 2: (2, 4, 5), 3: (2, 3, 3, 4)}[dims]
    return cls(input_shape, 2, 3, 3, i2h_pad=1 if dims == 2 else 0, prefix="net_")


def set_params(case_id, block, shapes_from):
    """Give every parameter a fixed value (after a first call fixes the shapes)."""
    shapes_from()
    params = {}
    for full_name, param in block.collect_params().items():
        short = full_name[len("net_"):]         # every block with parameters: net_
        if short.endswith("running_var"):
            value = random.uniform(0.5, 1.5, size=param.shape).astype(np.float32)
        else:
            value = uniform(*param.shape)
        param.set_data(mx.nd.array(value))
        params[short] = golden.add_array(f"{case_id}/param/{short}", value)
    return params


def grads(case_id, block, params):
    return {short: golden.add_array(
        f"{case_id}/grad/param/{short}",
        block.collect_params()["net_" + short].grad().asnumpy())
        for short in params
        if block.collect_params()["net_" + short].grad_req != "null"}


def block_case(name, x, integer_input=False):
    block = build(name)
    block.initialize()
    if name == "sparse_embedding":
        mx.gluon.Trainer(block.collect_params(), "sgd")   # MXNet needs one to run it
    params = set_params(name, block, lambda: block(mx.nd.array(x)))
    data = mx.nd.array(x)
    if not integer_input:
        data.attach_grad()
    with mx.autograd.record():
        output = block(data)
        head = uniform(*output.shape)
        loss = (output * mx.nd.array(head)).sum()
    loss.backward()
    case = {"id": name, "kind": "block", "name": name,
            "input": golden.add_array(f"{name}/input", x), "params": params,
            "head": golden.add_array(f"{name}/head", head),
            "output": golden.add_array(f"{name}/output", output.asnumpy()),
            "param_grads": grads(name, block, params),
            "params_after": {short: golden.add_array(
                f"{name}/after/{short}",
                block.collect_params()["net_" + short].data().asnumpy())
                for short in params if short.startswith("running")}}
    if not integer_input:
        case["input_grad"] = golden.add_array(f"{name}/grad/input",
                                              data.grad.asnumpy())
    golden.add(case)


def cell_case(name, x, train=True):
    cell = build(name)
    cell.initialize()
    steps = x.shape[1]
    params = set_params(name, cell, lambda: cell.unroll(steps, mx.nd.array(x)))
    states = [uniform(*info["shape"]) for info in cell.state_info(x.shape[0])]
    data = mx.nd.array(x)
    data.attach_grad()
    begin = [mx.nd.array(s) for s in states]
    for state in begin:
        state.attach_grad()
    with mx.autograd.record(train_mode=train):
        output, out_states = cell.unroll(steps, data, begin, merge_outputs=True)
        head = uniform(*output.shape)
        loss = (output * mx.nd.array(head)).sum()
        for state in out_states:
            loss = loss + state.sum()
    loss.backward()
    golden.add({
        "id": name, "kind": "cell", "name": name, "train": train,
        "input": golden.add_array(f"{name}/input", x),
        "states": [golden.add_array(f"{name}/state/{i}", s)
                   for i, s in enumerate(states)],
        "params": params, "head": golden.add_array(f"{name}/head", head),
        "output": golden.add_array(f"{name}/output", output.asnumpy()),
        "out_states": [golden.add_array(f"{name}/out_state/{i}", s.asnumpy())
                       for i, s in enumerate(out_states)],
        "input_grad": golden.add_array(f"{name}/grad/input", data.grad.asnumpy()),
        "state_grads": [golden.add_array(f"{name}/grad/state/{i}", s.grad.asnumpy())
                        for i, s in enumerate(begin)],
        "param_grads": grads(name, cell, params)})


block_case("concurrent", uniform(2, 4))
block_case("sync_batch_norm", uniform(3, 2, 2, 3))
block_case("sparse_embedding", np.array([[0, 5, 2], [2, 2, 1]], dtype=np.float32),
           integer_input=True)
block_case("pixel_shuffle1d", uniform(2, 6, 3))
block_case("pixel_shuffle2d", uniform(1, 12, 2, 3))
block_case("pixel_shuffle3d", uniform(1, 8, 2, 3, 2))
for dims, shape in [(1, (2, 5)), (2, (2, 4, 5)), (3, (2, 3, 3, 4))]:
    for kind in ["rnn", "lstm", "gru"]:
        cell_case(f"conv{dims}d_{kind}", uniform(2, 3, *shape))
cell_case("lstmp", uniform(2, 3, 5))
# outside training the masks are ones: the numbers of the plain GRUCell
cell_case("vardrop", uniform(2, 3, 4), train=False)

golden.add({"id": "interval_sampler", "kind": "sampler",
            "samples": [{"args": [length, interval, rollover],
                         "indices": list(IntervalSampler(length, interval, rollover)),
                         "len": len(IntervalSampler(length, interval, rollover))}
                        for length, interval, rollover in
                        [(13, 3, True), (13, 3, False), (7, 7, True), (7, 6, True),
                         (5, 1, False), (10, 4, True)]]})
golden.save()
