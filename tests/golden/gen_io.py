"""Golden batches of mx.io.NDArrayIter for every last_batch_handle (MXNet 1.9.1).

The arrays are small integers, so the batches are stored as JSON lists; the test
rebuilds the same DATA, LABEL and DATA2. Each case iterates three epochs (``reset`` in
between, which matters for roll_over) and stores every batch's data, label, pad and
index. See README.md for how to run it.
"""
import json
import os

import numpy as np

import mxnet as mx
from mxgolden import GoldenWriter

golden = GoldenWriter("io")
DATA = np.arange(10 * 3, dtype=np.float32).reshape(10, 3)
LABEL = np.arange(10, dtype=np.float32) * 10
DATA2 = -np.arange(10 * 2, dtype=np.float32).reshape(10, 2)


def describe(descs):
    return [[d.name, list(d.shape), np.dtype(d.dtype).name, d.layout] for d in descs]


FORMS = {
    "array": (lambda: DATA, lambda: LABEL),
    "list": (lambda: [DATA, DATA2], lambda: [LABEL]),
    "dict": (lambda: {"x": DATA, "y": DATA2}, lambda: {"lbl": LABEL}),
    "nolabel": (lambda: DATA, lambda: None),
}

for form, (make_data, make_label) in FORMS.items():
    for handle in ["pad", "discard", "roll_over"]:
        for batch_size in [3, 4, 5]:
            case_id = f"{form}/{handle}/{batch_size}"
            it = mx.io.NDArrayIter(make_data(), make_label(), batch_size=batch_size,
                                   last_batch_handle=handle)
            epochs = []
            for epoch in range(3):
                batches = []
                for b, batch in enumerate(it):
                    batches.append({
                        "data": [d.asnumpy().tolist() for d in batch.data],
                        "label": [l.asnumpy().tolist() for l in batch.label or []],
                        "pad": batch.pad,
                        "index": None if batch.index is None else [int(i) for i in
                                                                   batch.index]})
                epochs.append(batches)
                it.reset()
            golden.add({"id": case_id, "form": form, "handle": handle,
                        "batch_size": batch_size, "epochs": epochs,
                        "provide_data": describe(it.provide_data),
                        "provide_label": describe(it.provide_label)})

batch = mx.io.DataBatch([mx.nd.ones((3, 4))], [mx.nd.ones((3,))], pad=1)
desc = mx.io.DataDesc("data", (3, 4))
golden.add({"id": "text", "batch": str(batch), "desc": repr(desc),
            "batch_axis": [mx.io.DataDesc.get_batch_axis(layout)
                           for layout in [None, "NCHW", "TNC"]],
            "get_list": describe(mx.io.DataDesc.get_list(
                [("a", (1, 2)), ("b", (3,))], [("a", np.int32), ("b", np.float16)]))})

resize = mx.io.ResizeIter(mx.io.NDArrayIter(DATA, LABEL, batch_size=4), size=5)
golden.add({"id": "resize", "labels": [[float(v) for v in b.label[0].asnumpy()]
                                       for b in resize]})
golden.save()
# Batches are long lists of numbers: store them on one line each, not one per line.
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "io.json")
with open(path) as handle:
    content = json.load(handle)
with open(path, "w") as handle:
    json.dump(content, handle, separators=(",", ":"))
os.remove(os.path.join(os.path.dirname(path), "io.npz"))
