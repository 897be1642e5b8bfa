"""Golden weights after a few optimizer steps (dlkit/optimizer; run under MXNet 1.9.1).

Each case starts from the same weights, feeds the same gradients for ``steps`` updates
through ``optimizer.update`` (or ``update_multi_precision`` for float16) and records the
weight after every step. See README.md for how to run it.
"""
import numpy as np

import mxnet as mx
from mxgolden import GoldenWriter

golden = GoldenWriter("optimizer")
random = np.random.RandomState(7)
STEPS = 4
WEIGHT = random.uniform(-1, 1, size=(3, 4)).astype(np.float32)
GRADS = random.uniform(-2, 2, size=(STEPS, 3, 4)).astype(np.float32)
golden.add_array("weight", WEIGHT)
golden.add_array("grads", GRADS)

COMMON = [{}, {"wd": 0.1}, {"rescale_grad": 0.5, "clip_gradient": 0.6},
          {"wd": 0.05, "rescale_grad": 2.0, "clip_gradient": 1.5,
           "learning_rate": 0.05}]
CONFIGS = {
    "sgd": [{"momentum": 0.0}, {"momentum": 0.9}],
    "nag": [{"momentum": 0.0}, {"momentum": 0.9}],
    "adam": [{}, {"beta1": 0.5, "beta2": 0.9, "epsilon": 1e-3}],
    "adagrad": [{}, {"eps": 0.1}],
    "rmsprop": [{}, {"centered": True}, {"centered": True, "gamma1": 0.8, "gamma2": 0.7,
                                          "epsilon": 1e-4, "clip_weights": 0.9},
                {"clip_weights": 0.5}],
    "adadelta": [{}, {"rho": 0.5, "epsilon": 1e-3}],
    "adamax": [{}, {"beta1": 0.5}],
    "nadam": [{}, {"schedule_decay": 0.01}],
    "signum": [{}, {"momentum": 0.0}, {"wd_lh": 0.1}],
    "ftrl": [{}, {"lamda1": 0.001, "beta": 0.5}],
}


def run(name, kwargs, dtype=np.float32, multi_precision=False):
    optimizer = mx.optimizer.create(name, **kwargs)
    weight = mx.nd.array(WEIGHT, dtype=dtype)
    state = (optimizer.create_state_multi_precision(0, weight) if multi_precision
             else optimizer.create_state(0, weight))
    weights = []
    for step in range(STEPS):
        grad = mx.nd.array(GRADS[step], dtype=dtype)
        if multi_precision:
            optimizer.update_multi_precision(0, weight, grad, state)
        else:
            optimizer.update(0, weight, grad, state)
        weights.append(weight.asnumpy())
    return np.stack(weights)


for name, variants in CONFIGS.items():
    for v_index, variant in enumerate(variants):
        for c_index, common in enumerate(COMMON):
            kwargs = {**variant, **common}
            case_id = f"{name}/{v_index}/{c_index}"
            golden.add({"id": case_id, "name": name, "kwargs": kwargs,
                        "weights": golden.add_array(case_id, run(name, kwargs))})

# float16 weights with a float32 master copy.
for name in ["sgd", "adam"]:
    kwargs = {"multi_precision": True, "momentum": 0.9} if name == "sgd" else {
        "multi_precision": True}
    case_id = f"{name}/fp16"
    golden.add({"id": case_id, "name": name, "kwargs": kwargs, "dtype": "float16",
                "weights": golden.add_array(case_id,
                                            run(name, kwargs, np.float16, True))})

# The learning rate follows a scheduler; wd_mult/lr_mult follow names.
sched = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=0.1)
opt = mx.optimizer.SGD(momentum=0.5, lr_scheduler=sched, wd=0.1,
                       param_idx2name={0: "fc_weight", 1: "fc_bias", 2: "bn_gamma",
                                       3: "bn_beta"})
opt.set_lr_mult({"fc_weight": 2.0})
golden.add({"id": "multipliers", "lrs": [opt._get_lr(i) for i in range(4)],
            "wds": [opt._get_wd(i) for i in range(4)], "wd_mult": opt.wd_mult,
            "lr_mult": opt.lr_mult})
weights = [mx.nd.array(WEIGHT) for _ in range(2)]
states = [opt.create_state(i, w) for i, w in enumerate(weights)]
history = []
for step in range(STEPS):
    for index in range(2):
        opt.update(index, weights[index], mx.nd.array(GRADS[step]), states[index])
        history.append(weights[index].asnumpy())
    history.append(np.full((3, 4), opt.learning_rate, np.float32))
golden.add({"id": "scheduled", "num_update": opt.num_update,
            "weights": golden.add_array("scheduled", np.stack(history))})
golden.save()
