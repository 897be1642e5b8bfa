"""Write golden files with real MXNet 1.9.1 (run by hand, never by the test suite).

Usage, from the repository root, in the MXNet venv (see tests/golden/README.md)::

    MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python tests/golden/gen_ops_elemwise.py

A generator script makes a ``GoldenWriter(topic)``, adds cases and calls ``save()``,
which writes ``tests/golden/<topic>.json`` (the calls) and ``<topic>.npz`` (the arrays,
plain NumPy, loaded with ``allow_pickle=False``).

``op_case`` calls ``mx.nd.<op>`` under ``autograd.record`` with fixed inputs and fixed
head gradients, and stores outputs and input gradients; ``tests/test_differential_ops.py``
replays every such case through dlkit and compares.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


class GoldenWriter:
    """Collects golden cases for one topic and writes them next to this file."""

    def __init__(self, topic):
        self.topic = topic
        self.cases = []
        self.arrays = {}

    def add_array(self, key, value):
        """Store an array under ``key`` (as float32/float64/int as given)."""
        self.arrays[key] = np.asarray(value)
        return key

    def add(self, case):
        """Store a free-form JSON case (for non-op goldens: names, shapes, JSON text)."""
        self.cases.append(case)

    def op_case(self, case_id, op_name, inputs, attrs=None, grad_inputs=None,
                is_train=False, positional=False, seed=0):
        """Run ``mx.nd.<op_name>`` on ``inputs`` (an ordered dict name -> numpy array).

        ``grad_inputs``: names whose gradient is recorded (default: every float input).
        ``positional``: pass inputs positionally (variadic ops such as Concat).
        """
        import mxnet as mx
        attrs = dict(attrs or {})
        names = list(inputs)
        if grad_inputs is None:
            grad_inputs = [n for n in names if np.asarray(inputs[n]).dtype.kind == "f"]
        arrays = {n: mx.nd.array(inputs[n], dtype=np.asarray(inputs[n]).dtype)
                  for n in names}
        for name in grad_inputs:
            arrays[name].attach_grad()
        function = getattr(mx.nd, op_name, None) or getattr(mx.nd._internal, op_name)
        with mx.autograd.record(train_mode=is_train):
            if positional:
                result = function(*[arrays[n] for n in names], **attrs)
            else:
                result = function(**arrays, **attrs)
        outputs = result if isinstance(result, (list, tuple)) else [result]
        random = np.random.RandomState(seed)
        head_grads = [random.uniform(-1, 1, size=o.shape).astype(o.dtype) for o in outputs]
        if grad_inputs:
            mx.autograd.backward(list(outputs), [mx.nd.array(h, dtype=h.dtype)
                                                 for h in head_grads])
        prefix = f"{case_id}"
        case = {"id": case_id, "op": op_name, "attrs": _jsonable(attrs),
                "inputs": [self.add_array(f"{prefix}/in/{n}", inputs[n]) for n in names],
                "input_names": names, "positional": positional, "is_train": is_train,
                "outputs": [self.add_array(f"{prefix}/out/{i}", o.asnumpy())
                            for i, o in enumerate(outputs)],
                "head_grads": [self.add_array(f"{prefix}/head/{i}", h)
                               for i, h in enumerate(head_grads)],
                "grads": {n: self.add_array(f"{prefix}/grad/{n}", arrays[n].grad.asnumpy())
                          for n in grad_inputs}}
        self.cases.append(case)

    def save(self):
        with open(os.path.join(HERE, f"{self.topic}.json"), "w") as handle:
            json.dump({"topic": self.topic, "cases": self.cases}, handle, indent=1)
        np.savez_compressed(os.path.join(HERE, f"{self.topic}.npz"), **self.arrays)
        print(f"wrote {self.topic}: {len(self.cases)} cases, {len(self.arrays)} arrays")


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return {"__tuple__": [_jsonable(v) for v in value]}
    if isinstance(value, np.generic):
        return value.item()
    return value
