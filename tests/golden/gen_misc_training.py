"""Goldens for the smaller training APIs (run by hand in the MXNet 1.9.1 venv).

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_misc_training.py

Writes ``misc_training.json``/``.npz``:

- ``optimizer``: weights after each of a few steps of FTML, LAMB, LARS, LBSGD,
  DCASGD, ccSGD and Test (as gen_optimizer.py does for the others); ``lars_many``:
  LARS updating three named weights in one call;
- ``metric``: PCC, Torch and Caffe after some updates;
- ``get_symbol``: the Symbol MXNet builds from a recorded computation;
- ``loss``: PoissonNLLLoss and SDMLLoss values and input gradients;
- ``layer``: ReflectionPad2D and Conv3DTranspose outputs and gradients;
- ``fused_rnn``: the parameter vector FusedRNN fills with deterministic initializers.

Replayed by tests/test_optimizer.py, test_metric.py, test_autograd.py,
test_initializer.py and tests/gluon/test_block.py.

Like gen_ops_rnn.py this script switches oneDNN back on (before MXNet is imported):
MXNet 1.9.1's plain CPU Deconvolution supports only 1-D and 2-D kernels, so
Conv3DTranspose runs only through oneDNN. No case here uses BatchNorm, the op whose
oneDNN numbers are not reproducible.
"""
import json
import os

import numpy as np

os.environ["MXNET_MKLDNN_ENABLED"] = "1"

import mxnet as mx
from mxgolden import GoldenWriter

golden = GoldenWriter("misc_training")
random = np.random.RandomState(11)
STEPS = 4
WEIGHT = random.uniform(-1, 1, size=(3, 4)).astype(np.float32)
GRADS = random.uniform(-2, 2, size=(STEPS, 3, 4)).astype(np.float32)
golden.add_array("optimizer/weight", WEIGHT)
golden.add_array("optimizer/grads", GRADS)

OPTIMIZERS = {
    "ftml": [{}, {"beta1": 0.5, "beta2": 0.9, "epsilon": 1e-4, "wd": 0.1},
             {"rescale_grad": 0.5, "clip_gradient": 0.6, "learning_rate": 0.05}],
    "lamb": [{}, {"wd": 0.1, "learning_rate": 0.01},
             {"bias_correction": False, "rescale_grad": 0.5, "clip_gradient": 0.6},
             {"lower_bound": 2.0, "upper_bound": 2.5, "beta1": 0.5}],
    "lars": [{}, {"momentum": 0.9, "eta": 0.01, "wd": 0.01},
             {"eta": 0.1, "eps": 1e-3, "rescale_grad": 0.5, "clip_gradient": 0.6,
              "learning_rate": 0.5}],
    "lbsgd": [{}, {"momentum": 0.9, "wd": 0.01, "batch_scale": 2,
                   "updates_per_epoch": 2, "warmup_epochs": 2},
              {"warmup_strategy": "power2", "batch_scale": 4, "updates_per_epoch": 1},
              {"warmup_strategy": "sqrt", "batch_scale": 3, "updates_per_epoch": 1,
               "rescale_grad": 0.5, "clip_gradient": 0.6},
              {"warmup_strategy": "lars", "learning_rate": 0.1, "wd": 0.1}],
    "dcasgd": [{}, {"lamda": 0.5, "wd": 0.1, "learning_rate": 0.1},
               {"rescale_grad": 0.5, "clip_gradient": 0.6}],
    "ccsgd": [{"momentum": 0.9, "wd": 0.1}],
    "test": [{"rescale_grad": 0.5}],
}


def run_optimizer(name, kwargs, dtype=np.float32):
    optimizer = mx.optimizer.create(name, **kwargs)
    weight = mx.nd.array(WEIGHT, dtype=dtype)
    state = optimizer.create_state_multi_precision(0, weight)
    weights = []
    for step in range(STEPS):
        grad = mx.nd.array(GRADS[step], dtype=dtype)
        optimizer.update_multi_precision(0, weight, grad, state)
        weights.append(weight.asnumpy())
    return np.stack(weights)


for name, variants in OPTIMIZERS.items():
    for index, kwargs in enumerate(variants):
        case_id = f"optimizer/{name}/{index}"
        golden.add({"kind": "optimizer", "id": case_id, "name": name,
                    "kwargs": kwargs,
                    "weights": golden.add_array(case_id, run_optimizer(name, kwargs))})
for name in ["lamb", "lars"]:
    kwargs = {"multi_precision": True, "momentum": 0.9} if name == "lars" else {
        "multi_precision": True}
    case_id = f"optimizer/{name}/fp16"
    golden.add({"kind": "optimizer", "id": case_id, "name": name, "kwargs": kwargs,
                "dtype": "float16",
                "weights": golden.add_array(case_id, run_optimizer(name, kwargs,
                                                                   np.float16))})

# LARS over three named weights in one call, under a scheduler (momentum correction)
NAMES = {0: "fc_weight", 1: "fc_bias", 2: "bn_gamma"}
sched = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=0.1)
lars = mx.optimizer.LARS(momentum=0.9, eta=0.01, wd=0.1, lr_scheduler=sched,
                         param_idx2name=NAMES)
weights = [mx.nd.array(WEIGHT * (index + 1)) for index in range(3)]
states = [lars.create_state(index, weight) for index, weight in enumerate(weights)]
history = []
for step in range(STEPS):
    grads = [mx.nd.array(GRADS[step] * (index + 1)) for index in range(3)]
    lars.update([0, 1, 2], weights, grads, states)
    history += [weight.asnumpy() for weight in weights]
golden.add({"kind": "lars_many", "id": "lars_many", "names": NAMES,
            "wd_mult": lars.wd_mult,
            "weights": golden.add_array("lars_many", np.stack(history))})

# ---- metrics ----
labels = [np.array([0, 1, 1, 0, 1]), np.array([2, 0, 1, 1]), np.array([1, 3, 0])]
preds = [random.uniform(0, 1, size=(5, 2)), np.array([2, 0, 0, 1]),
         random.uniform(0, 1, size=(3, 4))]
pcc = mx.metric.create("pcc")
values = []
for step, (label, pred) in enumerate(zip(labels, preds)):
    pcc.update([mx.nd.array(label)], [mx.nd.array(pred)])
    values.append([pcc.get()[1], pcc.get_global()[1]])
    if step == 1:
        pcc.reset_local()
golden.add({"kind": "metric", "id": "metric/pcc", "metric": "pcc",
            "labels": [label.tolist() for label in labels],
            "preds": [pred.tolist() for pred in preds], "values": values,
            "name": pcc.get()[0]})
for name in ["torch", "caffe"]:
    metric = mx.metric.create(name)
    metric.update(None, [mx.nd.array(preds[0]), mx.nd.array(preds[2])])
    golden.add({"kind": "metric", "id": f"metric/{name}", "metric": name,
                "preds": [preds[0].tolist(), preds[2].tolist()],
                "get": list(metric.get()), "global": list(metric.get_global())})

# ---- autograd.get_symbol ----
x = mx.nd.array(random.uniform(-1, 1, size=(2, 3)))
x.attach_grad()
w = mx.nd.array(random.uniform(-1, 1, size=(4, 3)))
w.attach_grad()
c = mx.nd.array(random.uniform(-1, 1, size=(2, 4)))
c2 = mx.nd.array(random.uniform(-1, 1, size=(2, 2)))
with mx.autograd.record():
    y = mx.nd.FullyConnected(x, w, num_hidden=4, no_bias=True)
    z = mx.nd.relu(y) * 2 + c
    parts = mx.nd.split(z, num_outputs=2, axis=1)
    s = mx.nd.sum(parts[1] - parts[0] * c2 + x.slice_axis(axis=1, begin=0, end=2),
                  axis=1)
symbol = mx.autograd.get_symbol(s)
golden.add({"kind": "get_symbol", "id": "get_symbol",
            "json": json.loads(symbol.tojson()), "arguments": symbol.list_arguments(), "outputs": symbol.list_outputs(),
            "x": golden.add_array("get_symbol/x", x.asnumpy()),
            "w": golden.add_array("get_symbol/w", w.asnumpy()),
            "c": golden.add_array("get_symbol/c", c.asnumpy()),
            "c2": golden.add_array("get_symbol/c2", c2.asnumpy()),
            "s": golden.add_array("get_symbol/s", s.asnumpy())})

# ---- losses ----
LOSSES = [
    ("poisson", "gluon.loss.PoissonNLLLoss()", [(3, 4), (3, 4)], True),
    ("poisson_mean", "gluon.loss.PoissonNLLLoss(from_logits=False, weight=0.5)",
     [(3, 4), (3, 4), (3, 1)], True),
    ("poisson_full", "gluon.loss.PoissonNLLLoss(from_logits=False, compute_full=True)",
     [(3, 4), (3, 4)], False),
    ("sdml", "gluon.loss.SDMLLoss()", [(4, 3), (4, 3)], True),
    ("sdml_smooth", "gluon.loss.SDMLLoss(smoothing_parameter=0.1)", [(3, 5), (3, 5)],
     True),
]
for case, expression, shapes, differentiable in LOSSES:
    loss = eval(expression, {"gluon": mx.gluon})
    inputs = [random.uniform(0.1, 2, size=shape).astype(np.float32) for shape in shapes]
    if case.startswith("poisson"):
        inputs[1] = random.randint(0, 5, size=shapes[1]).astype(np.float32)
        if case == "poisson_full":
            inputs[1] = inputs[1] + 1   # log(0) makes the Stirling term NaN
    arrays = [mx.nd.array(value) for value in inputs]
    if differentiable:
        arrays[0].attach_grad()
        with mx.autograd.record():
            out = loss(*arrays)
        out.backward()
    else:
        out = loss(*arrays)   # MXNet 1.9.1 cannot record compute_full (in-place *=)
    golden.add({"kind": "loss", "id": f"loss/{case}", "expression": expression,
                "inputs": [golden.add_array(f"loss/{case}/in{i}", value)
                           for i, value in enumerate(inputs)],
                "output": golden.add_array(f"loss/{case}/out", out.asnumpy()),
                "grad": golden.add_array(f"loss/{case}/grad", arrays[0].grad.asnumpy())
                if differentiable else None, "repr": repr(loss)})

# ---- layers ----
LAYERS = [
    ("reflection_pad_int", "nn.ReflectionPad2D(2)", (2, 3, 4, 5)),
    ("reflection_pad_tuple", "nn.ReflectionPad2D((0, 0, 0, 0, 1, 2, 3, 0))",
     (1, 2, 4, 4)),
    ("conv3d_transpose",
     "nn.Conv3DTranspose(3, 3, strides=2, padding=1, output_padding=1)",
     (2, 2, 3, 3, 2)),
    ("conv3d_transpose_groups",
     "nn.Conv3DTranspose(4, (2, 1, 2), groups=2, use_bias=False, activation='relu', "
     "in_channels=4)",
     (1, 4, 2, 3, 2)),
]
for case, expression, shape in LAYERS:
    layer = eval(expression, {"nn": mx.gluon.nn})
    layer.initialize(mx.init.Uniform(0.5))
    data = mx.nd.array(random.uniform(-1, 1, size=shape))
    data.attach_grad()
    with mx.autograd.record():
        out = layer(data)
    head = random.uniform(-1, 1, size=out.shape).astype(np.float32)
    out.backward(mx.nd.array(head))
    params = {name[len(layer.prefix):]: param
              for name, param in layer.collect_params().items()}
    golden.add({"kind": "layer", "id": f"layer/{case}", "expression": expression,
                "input": golden.add_array(f"layer/{case}/x", data.asnumpy()),
                "params": {name: golden.add_array(f"layer/{case}/p/{name}",
                                                  param.data().asnumpy())
                           for name, param in params.items()},
                "head": golden.add_array(f"layer/{case}/head", head),
                "output": golden.add_array(f"layer/{case}/y", out.asnumpy()),
                "input_grad": golden.add_array(f"layer/{case}/dx",
                                               data.grad.asnumpy()),
                "param_grads": {name: golden.add_array(f"layer/{case}/g/{name}",
                                                       param.grad().asnumpy())
                                for name, param in params.items()},
                "repr": repr(layer)})

# ---- FusedRNN initializer ----
FUSED = [
    ("lstm", dict(init=mx.init.One(), num_hidden=3, num_layers=1, mode="lstm",
                  forget_bias=2.0), 2, "uniform"),
    ("gru_bidirectional", dict(init=None, num_hidden=2, num_layers=2, mode="gru",
                               bidirectional=True), 3, "constant"),
    ("rnn_tanh", dict(init=mx.init.Constant(0.25), num_hidden=2, num_layers=2,
                      mode="rnn_tanh"), 1, "one"),
]
GLOBAL = {"uniform": mx.init.Uniform(), "constant": mx.init.Constant(0.5),
          "one": mx.init.One()}
for case, kwargs, num_input, global_name in FUSED:
    init = mx.init.FusedRNN(**kwargs)
    gates = {"lstm": 4, "gru": 3, "rnn_tanh": 1}[kwargs["mode"]]
    hidden, layers = kwargs["num_hidden"], kwargs["num_layers"]
    directions = 2 if kwargs.get("bidirectional") else 1
    size = ((num_input + hidden + 2) * hidden * gates * directions
            + (layers - 1) * gates * hidden * (hidden + directions * hidden + 2)
            * directions)
    arr = mx.nd.zeros((size,))
    desc = mx.init.InitDesc("rnn_parameters", {"__init__": init.dumps()},
                            global_init=GLOBAL[global_name])
    if kwargs["init"] is None:
        GLOBAL[global_name](desc, arr)
    else:
        # MXNet 1.9.1 cannot rebuild a FusedRNN with an inner initializer from its
        # JSON (KeyError in its registry lookup), so call the object directly
        init._init_weight(desc, arr)
    golden.add({"kind": "fused_rnn", "id": f"fused_rnn/{case}",
                "kwargs": {k: (v.dumps() if isinstance(v, mx.init.Initializer) else v)
                           for k, v in kwargs.items()},
                "global": global_name, "dumps": init.dumps(),
                "values": golden.add_array(f"fused_rnn/{case}", arr.asnumpy())})

golden.save()
