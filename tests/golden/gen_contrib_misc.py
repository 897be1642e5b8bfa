"""Golden cases for ``reset_arrays`` (dlkit/ops/update.py), an operator with no
outputs that sets its inputs to zero in place.

Run by hand in the MXNet 1.9.1 venv (see README.md)::

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_contrib_misc.py

The case format is ``GoldenWriter.op_case``'s (``tests/test_differential_ops.py``
replays it: there are no outputs to compare) plus ``states``, the value of every
input after the call, which ``tests/ops/test_update.py`` checks.
"""
import numpy as np

import mxnet as mx
from mxgolden import GoldenWriter, _jsonable

RANDOM = np.random.RandomState(0)


def in_place_case(writer, case_id, op_name, inputs, attrs):
    """Call ``mx.nd.<op_name>`` positionally on copies of ``inputs``; store the
    outputs and the inputs' values afterwards."""
    names = list(inputs)
    arrays = [mx.nd.array(inputs[n], dtype=inputs[n].dtype) for n in names]
    result = getattr(mx.nd, op_name)(*arrays, **attrs)
    outputs = result if isinstance(result, (list, tuple)) else [result]
    writer.cases.append({
        "id": case_id, "op": op_name, "attrs": _jsonable(attrs),
        "inputs": [writer.add_array(f"{case_id}/in/{n}", inputs[n]) for n in names],
        "input_names": names, "positional": True, "is_train": False,
        "outputs": [writer.add_array(f"{case_id}/out/{i}", o.asnumpy())
                    for i, o in enumerate(outputs)],
        "head_grads": [], "grads": {},
        "states": {n: writer.add_array(f"{case_id}/state/{n}", a.asnumpy())
                   for n, a in zip(names, arrays)}})


def main():
    writer = GoldenWriter("ops_contrib_misc")
    in_place_case(writer, "reset_arrays_two", "reset_arrays",
                  {"array_0": RANDOM.uniform(-1, 1, (2, 3)).astype(np.float32),
                   "array_1": RANDOM.uniform(-1, 1, (4,)).astype(np.float32)},
                  {"num_arrays": 2})
    in_place_case(writer, "reset_arrays_dtypes", "reset_arrays",
                  {"array_0": RANDOM.uniform(-1, 1, (3,)).astype(np.float16),
                   "array_1": RANDOM.uniform(-1, 1, (2, 2)).astype(np.float64),
                   "array_2": RANDOM.uniform(-1, 1, (1, 2, 1)).astype(np.float32)},
                  {"num_arrays": 3})
    writer.save()


if __name__ == "__main__":
    main()
