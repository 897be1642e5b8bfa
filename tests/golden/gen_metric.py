"""Golden values of every mx.metric on fixed predictions (MXNet 1.9.1; see README.md).

Each case feeds two batches through ``update``, records ``get()`` after each, then calls
``reset_local``, feeds a third batch and records ``get()`` and ``get_global()``.
"""
import numpy as np

import mxnet as mx
from mxgolden import GoldenWriter

golden = GoldenWriter("metric")
random = np.random.RandomState(3)


def probs(n, k):
    p = random.uniform(0.05, 1, size=(n, k)).astype(np.float32)
    return p / p.sum(axis=1, keepdims=True)


def classes(n, k):
    return random.randint(0, k, size=n).astype(np.float32)


def values(*shape):
    return random.uniform(-1, 1, size=shape).astype(np.float32)


def batches(kind):
    if kind == "class":
        return [([classes(6, 4)], [probs(6, 4)]) for _ in range(3)]
    if kind == "binary":
        return [([classes(8, 2)], [probs(8, 2)]) for _ in range(3)]
    if kind == "two_outputs":
        return [([classes(5, 3), classes(5, 3)], [probs(5, 3), probs(5, 3)])
                for _ in range(3)]
    if kind == "regression":
        return [([values(5)], [values(5)]) for _ in range(3)]
    if kind == "regression2d":
        return [([values(4, 2)], [values(4, 2)]) for _ in range(3)]
    if kind == "seq":  # perplexity: (tokens, vocab) with label 0 to ignore
        return [([classes(12, 5)], [probs(12, 5)])
                for _ in range(3)]
    if kind == "loss":
        return [([], [values(4, 3) + 1.5]) for _ in range(3)]
    raise ValueError(kind)


CONFIGS = [
    ("acc", {}, "class"), ("acc", {}, "two_outputs"),
    ("accuracy", {"axis": 1}, "binary"),
    ("top_k_accuracy", {"top_k": 2}, "class"),
    ("top_k_accuracy", {"top_k": 3}, "class"),
    ("f1", {}, "binary"), ("f1", {"average": "micro"}, "binary"),
    ("mcc", {}, "binary"), ("mcc", {"average": "micro"}, "binary"),
    ("perplexity", {"ignore_label": None}, "seq"),
    ("perplexity", {"ignore_label": 0}, "seq"),
    ("mae", {}, "regression"), ("mse", {}, "regression"), ("rmse", {}, "regression"),
    ("mae", {}, "regression2d"), ("mse", {}, "regression2d"),
    ("rmse", {}, "regression2d"),
    ("ce", {}, "class"), ("ce", {"eps": 0.1}, "class"), ("nll_loss", {}, "class"),
    ("pearsonr", {}, "regression"), ("pearsonr", {"average": "micro"}, "regression"),
    ("pearsonr", {}, "regression2d"),
    ("loss", {}, "loss"),
]


def plain(value):
    """NumPy scalars inside get() results as Python numbers, for JSON."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value.item() if isinstance(value, np.generic) else value


def nd_list(arrays):
    return [mx.nd.array(a) for a in arrays]


for index, (name, kwargs, kind) in enumerate(CONFIGS):
    case_id = f"{name}/{index}"
    metric = mx.metric.create(name, **kwargs)
    data = batches(kind)
    keys = []
    for b, (labels, preds) in enumerate(data):
        prefix = f"{case_id}/{b}"
        keys.append({"labels": [golden.add_array(f"{prefix}/label/{i}", a)
                                for i, a in enumerate(labels)],
                     "preds": [golden.add_array(f"{prefix}/pred/{i}", a)
                               for i, a in enumerate(preds)]})
    gets = []
    for labels, preds in data[:2]:
        metric.update(nd_list(labels), nd_list(preds))
        gets.append(plain(metric.get()))
    metric.reset_local()
    metric.update(nd_list(data[2][0]), nd_list(data[2][1]))
    golden.add({"id": case_id, "name": name, "kwargs": kwargs, "batches": keys,
                "gets": gets, "after_reset_local": plain(metric.get()),
                "global": plain(metric.get_global()),
                "num_inst": plain(metric.num_inst),
                "global_num_inst": plain(metric.global_num_inst)})


def custom_feval(label, pred):
    return float(np.abs(label - pred.argmax(axis=1)).sum())


def pair_feval(label, pred):
    return float((label == pred.argmax(axis=1)).sum()), label.size


labels, preds = batches("class")[0]
for index, (feval, extra) in enumerate([(custom_feval, False), (pair_feval, False)]):
    metric = mx.metric.np(feval, allow_extra_outputs=extra)
    metric.update(nd_list(labels), nd_list(preds))
    golden.add({"id": f"custom/{index}", "feval": feval.__name__, "name": metric.name,
                "labels": [golden.add_array(f"custom/{index}/label", labels[0])],
                "preds": [golden.add_array(f"custom/{index}/pred", preds[0])],
                "get": plain(metric.get())})

composite = mx.metric.create(["acc", "ce", mx.metric.TopKAccuracy(top_k=2)])
composite.update(nd_list(labels), nd_list(preds))
golden.add({"id": "composite",
            "labels": [golden.add_array("composite/label", labels[0])],
            "preds": [golden.add_array("composite/pred", preds[0])],
            "get": plain(composite.get()),
            "name_value": plain(composite.get_name_value())})
golden.save()
