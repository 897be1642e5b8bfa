"""Read golden files written by MXNet 1.9.1 (``tests/golden``) and replay op cases in dlkit."""
import json
import os

import numpy as np

import dlkit as mx

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")


def load_topic(topic):
    """``(cases, arrays)`` of one topic; arrays are loaded without pickle."""
    with open(os.path.join(GOLDEN, f"{topic}.json")) as handle:
        cases = json.load(handle)["cases"]
    path = os.path.join(GOLDEN, f"{topic}.npz")
    arrays = dict(np.load(path, allow_pickle=False)) if os.path.exists(path) else {}
    return cases, arrays


def op_topics():
    """Every golden topic whose name starts with ``ops_``."""
    return sorted(name[:-5] for name in os.listdir(GOLDEN)
                  if name.startswith("ops_") and name.endswith(".json"))


def decode(value):
    """Undo ``mxgolden._jsonable``: ``{"__tuple__": [...]}`` becomes a tuple."""
    if isinstance(value, dict):
        if "__tuple__" in value:
            return tuple(decode(v) for v in value["__tuple__"])
        return {k: decode(v) for k, v in value.items()}
    return value


def replay_op_case(case, arrays, ctx=None):
    """Run one golden op case through dlkit; return ``(outputs, grads)`` as NumPy."""
    ctx = ctx or mx.cpu()
    inputs = {n: mx.nd.array(arrays[key], ctx=ctx, dtype=arrays[key].dtype)
              for n, key in zip(case["input_names"], case["inputs"])}
    for name in case["grads"]:
        inputs[name].attach_grad()
    function = getattr(mx.nd, case["op"])
    attrs = decode(case["attrs"])
    with mx.autograd.record(train_mode=case["is_train"]):
        if case["positional"]:
            result = function(*inputs.values(), **attrs)
        else:
            result = function(**inputs, **attrs)
    outputs = result if isinstance(result, (list, tuple)) else [result]
    if case["grads"]:
        heads = [mx.nd.array(arrays[key], ctx=ctx, dtype=arrays[key].dtype)
                 for key in case["head_grads"]]
        mx.autograd.backward(list(outputs), heads)
    grads = {n: inputs[n].grad.asnumpy() for n in case["grads"]}
    return [o.asnumpy() for o in outputs], grads
