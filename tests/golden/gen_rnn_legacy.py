"""Golden values for mx.rnn (legacy cells), PythonLossModule and model.FeedForward.

Run by hand under MXNet 1.9.1 (see README.md)::

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_rnn_legacy.py

Like gen_ops_rnn.py it switches oneDNN back on before importing MXNet: without it
MXNet 1.9.1's CPU ``RNN`` op (used by FusedRNNCell) fails. Nothing here uses
BatchNorm, so the numbers stay reproducible.

``build(mx, spec)`` makes one unrolled cell from a JSON spec; tests/test_rnn_legacy.py
imports this file and calls the same ``build`` with dlkit, so both sides build the
same network. For each spec we store names, shapes and forward outputs (and, for
the step cells, gradients) for fixed random inputs and weights.
"""
import logging
import os
import random

import numpy as np

SPECS = {
    "rnn_tanh": dict(cell="rnn", hidden=4, layout="NTC", merge=False),
    "rnn_relu": dict(cell="rnn", hidden=4, layout="TNC", merge=True,
                     activation="relu"),
    "lstm": dict(cell="lstm", hidden=4, layout="NTC", merge=True),
    "lstm_list": dict(cell="lstm", hidden=3, layout="NTC", merge=None, listed=True),
    "gru": dict(cell="gru", hidden=3, layout="TNC", merge=False),
    "fused_lstm_bi": dict(cell="fused", mode="lstm", hidden=4, layers=2, bi=True,
                          layout="TNC", merge=True, next_state=True),
    "fused_gru": dict(cell="fused", mode="gru", hidden=3, layers=1, bi=False,
                      layout="NTC", merge=False, next_state=True),
    "fused_relu": dict(cell="fused", mode="rnn_relu", hidden=3, layers=2, bi=False,
                       layout="TNC", merge=True, next_state=False),
    "unfused_lstm_bi": dict(cell="unfused", mode="lstm", hidden=4, layers=2, bi=True,
                            layout="TNC", merge=True),
    "sequential": dict(cell="sequential", hidden=3, layout="NTC", merge=True),
    "shared": dict(cell="shared", hidden=5, layout="NTC", merge=False),
    "bidirectional": dict(cell="bi", hidden=3, layout="NTC", merge=False),
    "bidirectional_merged": dict(cell="bi", hidden=3, layout="TNC", merge=True),
    "zoneout": dict(cell="zoneout", hidden=3, layout="NTC", merge=True),
    "residual": dict(cell="residual", hidden=5, layout="NTC", merge=False),
    "residual_merged": dict(cell="residual", hidden=5, layout="TNC", merge=True),
}
LENGTH, BATCH, INPUT = 3, 2, 5
RANDOM_CELLS = ("sequential", "zoneout")  # dropout masks: no training-mode gradients


def make_cell(mx, spec):
    """The cell a spec describes."""
    kind, hidden = spec["cell"], spec["hidden"]
    if kind == "rnn":
        return mx.rnn.RNNCell(hidden, activation=spec.get("activation", "tanh"))
    if kind == "lstm":
        return mx.rnn.LSTMCell(hidden, forget_bias=0.5)
    if kind == "gru":
        return mx.rnn.GRUCell(hidden)
    if kind in ("fused", "unfused"):
        cell = mx.rnn.FusedRNNCell(hidden, num_layers=spec["layers"],
                                   mode=spec["mode"], bidirectional=spec["bi"],
                                   get_next_state=spec.get("next_state", False))
        return cell.unfuse() if kind == "unfused" else cell
    if kind == "sequential":
        stack = mx.rnn.SequentialRNNCell()
        stack.add(mx.rnn.LSTMCell(hidden, prefix="a_"))
        stack.add(mx.rnn.DropoutCell(0.5))
        stack.add(mx.rnn.GRUCell(hidden, prefix="b_"))
        return stack
    if kind == "shared":
        first = mx.rnn.LSTMCell(hidden, prefix="a_")
        stack = mx.rnn.SequentialRNNCell()
        stack.add(first)
        stack.add(mx.rnn.LSTMCell(hidden, prefix="b_", params=first.params))
        return stack
    if kind == "bi":
        return mx.rnn.BidirectionalCell(mx.rnn.LSTMCell(hidden, prefix="l_"),
                                        mx.rnn.RNNCell(hidden, prefix="r_"))
    if kind == "zoneout":
        return mx.rnn.ZoneoutCell(mx.rnn.RNNCell(hidden), zoneout_outputs=0.3,
                                  zoneout_states=0.2)
    if kind == "residual":
        return mx.rnn.ResidualCell(mx.rnn.GRUCell(hidden))
    raise ValueError(kind)


def flatten(states):
    result = []
    for state in states:
        result.extend(flatten(state) if isinstance(state, list) else [state])
    return result


def build(mx, spec):
    """``(cell, group of outputs + states, input shapes, state names)``."""
    with mx.name.NameManager():
        cell = make_cell(mx, spec)
        layout = spec["layout"]
        shape = (BATCH, LENGTH, INPUT) if layout == "NTC" else (LENGTH, BATCH, INPUT)
        if spec.get("listed"):
            inputs = [mx.sym.Variable(f"x{i}") for i in range(LENGTH)]
            shapes = {f"x{i}": (BATCH, INPUT) for i in range(LENGTH)}
        else:
            inputs = mx.sym.Variable("data")
            shapes = {"data": shape}
        outputs, states = cell.unroll(LENGTH, inputs, layout=layout,
                                      merge_outputs=spec["merge"])
        outputs = outputs if isinstance(outputs, list) else [outputs]
        states = flatten(states)
        # a state that is also an output (an RNN's h) is listed once: MXNet's
        # executor keeps only the last head gradient of a duplicated output
        unique = {}
        for item in outputs + states:
            unique.setdefault(item.list_outputs()[0], item)
        group = mx.sym.Group(list(unique.values()))
    return cell, group, shapes, [s.name for s in states]


def describe(mx, name, spec, golden, random_state):
    """Names, shapes and forward (+ backward) results of one spec."""
    cell, group, shapes, state_names = build(mx, spec)
    arg_shapes, out_shapes, _ = group.infer_shape(**shapes)
    executor = group.simple_bind(mx.cpu(), grad_req="write", **shapes)
    values = {}
    for arg, arg_shape in zip(group.list_arguments(), arg_shapes):
        values[arg] = random_state.uniform(-0.5, 0.5, arg_shape).astype(np.float32)
        executor.arg_dict[arg][:] = values[arg]
        golden.add_array(f"{name}/arg/{arg}", values[arg])
    outputs = executor.forward(is_train=False)
    for i, out in enumerate(outputs):
        golden.add_array(f"{name}/out/{i}", out.asnumpy())
    case = {"id": name, "kind": "cell", "spec": spec,
            "arguments": group.list_arguments(), "outputs": group.list_outputs(),
            "states": state_names, "state_info": repr(cell.state_info),
            "params": sorted(cell.params._params),
            "arg_shapes": [list(s) for s in arg_shapes],
            "out_shapes": [list(s) for s in out_shapes],
            "has_grads": spec["cell"] not in RANDOM_CELLS}
    if case["has_grads"]:  # the gradient of the sum of all outputs
        executor.forward(is_train=True)
        executor.backward([mx.nd.ones(o.shape) for o in executor.outputs])
        for arg in group.list_arguments():
            golden.add_array(f"{name}/grad/{arg}", executor.grad_dict[arg].asnumpy())
    golden.add(case)
    return values


def unpack_case(mx, golden, values):
    """unpack_weights names/values of the fused cell and of an LSTMCell."""
    cell = make_cell(mx, SPECS["fused_lstm_bi"])
    args = {"lstm_parameters": mx.nd.array(values["lstm_parameters"])}
    unpacked = cell.unpack_weights(args)
    for key, value in unpacked.items():
        golden.add_array(f"unpack/{key}", value.asnumpy())
    lstm = mx.rnn.LSTMCell(2, prefix="c_")
    lstm_args = {"c_i2h_weight": mx.nd.arange(24).reshape((8, 3)),
                 "c_i2h_bias": mx.nd.arange(8), "c_h2h_weight": mx.nd.arange(16)
                 .reshape((8, 2)), "c_h2h_bias": mx.nd.arange(8) + 1}
    golden.add({"id": "unpack", "fused_keys": sorted(unpacked),
                "lstm_keys": sorted(lstm.unpack_weights(lstm_args))})


def init_case(mx, golden):
    """Module.init_params with Constant(0.3) through the FusedRNN / LSTMBias
    initializers attached to the Variables."""
    with mx.name.NameManager():
        fused = mx.rnn.FusedRNNCell(2, num_layers=1, mode="lstm", forget_bias=2.0,
                                    prefix="f_")
        out, _ = fused.unroll(2, mx.sym.Variable("data"), layout="TNC",
                              merge_outputs=True)
        lstm = mx.rnn.LSTMCell(2, prefix="s_", forget_bias=1.5)
        out2, _ = lstm.unroll(2, out, layout="TNC", merge_outputs=True)
    module = mx.mod.Module(out2, label_names=None)
    module.bind([("data", (2, 1, 3))], for_training=False)
    module.init_params(mx.init.Constant(0.3))
    arg_params, _ = module.get_params()
    for key, value in arg_params.items():
        golden.add_array(f"init/{key}", value.asnumpy())
    golden.add({"id": "init", "keys": sorted(arg_params),
                "attr": fused._parameter.attr_dict()})


def io_case(mx, golden):
    sentences = [["a", "b", "c"], ["b", "d"], ["e"]]
    golden.add({"id": "encode", "results": [
        mx.rnn.encode_sentences(sentences),
        mx.rnn.encode_sentences(sentences, invalid_label=0, start_label=0),
        mx.rnn.encode_sentences(sentences, vocab={"a": 5, "b": 6},
                                unknown_token="<unk>")]})
    encoded = [[1, 2, 3], [4, 5], [6, 7, 8, 9], [1, 2], [3], [4, 5, 6, 7, 8, 9, 10],
               [2, 3, 4], [5, 6, 7], [8, 9]]
    batches = []
    for layout, buckets, size in (("NT", [2, 4], 2), ("TN", None, 1)):
        random.seed(3)
        np.random.seed(3)
        data_iter = mx.rnn.BucketSentenceIter(encoded, size, buckets=buckets,
                                              invalid_label=0, layout=layout)
        for epoch in range(2):
            for batch in data_iter:
                batches.append({"layout": layout, "epoch": epoch,
                                "key": batch.bucket_key,
                                "data": batch.data[0].asnumpy().tolist(),
                                "label": batch.label[0].asnumpy().tolist(),
                                "provide_data": list(batch.provide_data[0].shape)})
            data_iter.reset()
        batches.append({"layout": layout, "buckets": data_iter.buckets,
                        "default": data_iter.default_bucket_key,
                        "provide_data": list(data_iter.provide_data[0].shape)})
    golden.add({"id": "bucket_iter", "encoded": encoded, "batches": batches})


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def bucketing_case(mx, golden, capture):
    """The classic example: BucketSentenceIter + BucketingModule + LSTMCell.unroll."""
    random_state = np.random.RandomState(11)
    vocab, embed, hidden = 8, 4, 5
    sentences = [list(random_state.randint(1, vocab, size=random_state.randint(2, 7)))
                 for _ in range(24)]
    golden.add({"id": "bucketing_data", "sentences": [[int(w) for w in s]
                                                      for s in sentences]})
    random.seed(5)
    np.random.seed(5)
    train_iter = mx.rnn.BucketSentenceIter(sentences, 4, buckets=[3, 5, 7],
                                           invalid_label=0)
    stack = mx.rnn.SequentialRNNCell()
    stack.add(mx.rnn.LSTMCell(hidden, prefix="lstm_l0_"))
    stack.add(mx.rnn.LSTMCell(hidden, prefix="lstm_l1_"))

    def sym_gen(seq_len):
        data = mx.sym.Variable("data")
        label = mx.sym.Variable("softmax_label")
        embedded = mx.sym.Embedding(data=data, input_dim=vocab, output_dim=embed,
                                    name="embed")
        stack.reset()
        outputs, _ = stack.unroll(seq_len, inputs=embedded, merge_outputs=True)
        pred = mx.sym.Reshape(outputs, shape=(-1, hidden))
        pred = mx.sym.FullyConnected(data=pred, num_hidden=vocab, name="pred")
        label = mx.sym.Reshape(label, shape=(-1,))
        pred = mx.sym.SoftmaxOutput(data=pred, label=label, name="softmax")
        return pred, ("data",), ("softmax_label",)

    symbol, _, _ = sym_gen(7)
    arg_shapes, _, _ = symbol.infer_shape(data=(4, 7), softmax_label=(4, 7))
    initial = {}
    for arg, shape in zip(symbol.list_arguments(), arg_shapes):
        if arg not in ("data", "softmax_label"):
            initial[arg] = random_state.uniform(-0.4, 0.4, shape).astype(np.float32)
            golden.add_array(f"bucketing/initial/{arg}", initial[arg])
    module = mx.mod.BucketingModule(sym_gen, default_bucket_key=7)
    capture.lines.clear()
    module.fit(train_iter, num_epoch=2, eval_metric=mx.metric.Perplexity(0),
               optimizer="sgd", optimizer_params={"learning_rate": 0.5,
                                                  "momentum": 0.5},
               arg_params={k: mx.nd.array(v) for k, v in initial.items()})
    arg_params, _ = module.get_params()
    for key, value in arg_params.items():
        golden.add_array(f"bucketing/final/{key}", value.asnumpy())
    golden.add({"id": "bucketing", "logs": [line for line in capture.lines
                                            if "Time cost" not in line],
                "keys": sorted(arg_params)})


def feedforward_case(mx, golden, capture):
    random_state = np.random.RandomState(0)
    X = random_state.uniform(-1, 1, (20, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.float32)
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable("data"),
                                                     num_hidden=2, name="fc"),
                               name="softmax")
    initial = {"fc_weight": random_state.uniform(-0.5, 0.5, (2, 4)).astype(np.float32),
               "fc_bias": np.zeros(2, np.float32)}
    golden.add_array("feedforward/X", X)
    golden.add_array("feedforward/y", y)
    for key, value in initial.items():
        golden.add_array(f"feedforward/initial/{key}", value)
    model = mx.model.FeedForward(net, num_epoch=2, learning_rate=0.5, momentum=0.9,
                                 arg_params={k: mx.nd.array(v)
                                             for k, v in initial.items()})
    batches = []
    capture.lines.clear()
    model.fit(mx.io.NDArrayIter(X, y, batch_size=8),
              eval_data=mx.io.NDArrayIter(X, y, batch_size=8),
              batch_end_callback=lambda p: batches.append([p.epoch, p.nbatch]))
    for key, value in model.arg_params.items():
        golden.add_array(f"feedforward/final/{key}", value.asnumpy())
    golden.add_array("feedforward/predict", model.predict(X))
    golden.add({"id": "feedforward", "batches": batches,
                "logs": [line for line in capture.lines if "Time cost" not in line],
                "score": model.score(mx.io.NDArrayIter(X, y, batch_size=8))})


def pyloss_case(mx, golden):
    """SequentialModule: FullyConnected Module + PythonLossModule (softmax CE grad)."""
    random_state = np.random.RandomState(1)
    X = random_state.uniform(-1, 1, (6, 4)).astype(np.float32)
    y = np.array([0, 1, 2, 1, 0, 2], np.float32)
    weight = random_state.uniform(-0.5, 0.5, (3, 4)).astype(np.float32)
    golden.add_array("pyloss/X", X)
    golden.add_array("pyloss/y", y)
    golden.add_array("pyloss/weight", weight)

    def grad(scores, labels):
        probs = mx.nd.softmax(scores)
        return probs - mx.nd.one_hot(labels, 3)

    net = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=3, name="fc")
    seq = mx.mod.SequentialModule()
    seq.add(mx.mod.Module(net, label_names=None))
    seq.add(mx.mod.PythonLossModule(grad_func=grad), take_labels=True,
            auto_wiring=True)
    seq.bind([("data", (6, 4))], [("softmax_label", (6,))])
    seq.init_params(arg_params={"fc_weight": mx.nd.array(weight),
                                "fc_bias": mx.nd.zeros(3)})
    seq.init_optimizer(optimizer_params={"learning_rate": 0.5})
    batch = mx.io.DataBatch([mx.nd.array(X)], [mx.nd.array(y)])
    for _ in range(3):
        seq.forward(batch, is_train=True)
        seq.backward()
        seq.update()
    metric = mx.metric.create("acc")
    seq.update_metric(metric, batch.label)
    arg_params, _ = seq.get_params()
    golden.add_array("pyloss/fc_weight", arg_params["fc_weight"].asnumpy())
    golden.add_array("pyloss/output", seq.get_outputs()[0].asnumpy())
    golden.add({"id": "pyloss", "accuracy": metric.get()[1],
                "output_shapes": [[n, list(s)] for n, s in seq.output_shapes]})


def main():
    os.environ["MXNET_MKLDNN_ENABLED"] = "1"
    import mxnet as mx
    from mxgolden import GoldenWriter
    golden = GoldenWriter("rnn_legacy")
    random_state = np.random.RandomState(0)
    values = {}
    for name, spec in SPECS.items():
        values[name] = describe(mx, name, spec, golden, random_state)
    unpack_case(mx, golden, values["fused_lstm_bi"])
    init_case(mx, golden)
    io_case(mx, golden)
    capture = Capture()
    logging.getLogger().addHandler(capture)
    logging.getLogger().setLevel(logging.INFO)
    bucketing_case(mx, golden, capture)
    feedforward_case(mx, golden, capture)
    pyloss_case(mx, golden)
    golden.save()


if __name__ == "__main__":
    main()
