"""Golden values for mx.sym and the Executor, written by MXNet 1.9.1 (run by hand).

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_symbol.py

Writes ``symbol.json``/``symbol.npz`` (names, lists, infer_shape/type, tojson text, and
forward/backward numbers of bound graphs) and ``symbol_files/*-symbol.json`` (files saved
by MXNet, including one exported by Gluon) that dlkit must load.
"""
import os
import warnings

import mxnet as mx
import numpy as np

from mxgolden import GoldenWriter
from symbol_cases import GRAPHS, RUNS, build  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, "symbol_files")


def shapes_or_none(result):
    if result[0] is None:
        return None
    return [[list(s) for s in group] for group in result]


def describe(name, symbol, infer_kwargs, partial_kwargs, dtype="float64"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = symbol.infer_shape(**infer_kwargs)
        partial = symbol.infer_shape_partial(**partial_kwargs)
        empty = symbol.infer_shape()
        types = symbol.infer_type(**{k: dtype for k in list(infer_kwargs)[:1]})
    return {"kind": "graph", "name": name, "tojson": symbol.tojson(),
            "list_arguments": symbol.list_arguments(),
            "list_outputs": symbol.list_outputs(),
            "list_auxiliary_states": symbol.list_auxiliary_states(),
            "list_inputs": symbol.list_inputs(), "attr_dict": symbol.attr_dict(),
            "symbol_name": symbol.name, "repr": repr(symbol), "len": len(symbol),
            "infer_kwargs": {k: list(v) for k, v in infer_kwargs.items()}, "dtype": dtype,
            "partial_kwargs": {k: list(v) for k, v in partial_kwargs.items()},
            "infer_shape": shapes_or_none(full), "infer_shape_partial":
                shapes_or_none(partial), "infer_shape_empty": shapes_or_none(empty),
            "infer_type": None if types[0] is None else
                [[np.dtype(t).name for t in group] for group in types]}


def run_case(writer, run_name, graph, shapes, labels):
    """simple_bind, set fixed inputs, forward(train) + backward, then forward(predict)."""
    symbol = build(mx, graph)
    executor = symbol.simple_bind(mx.cpu(), **shapes)
    random = np.random.RandomState(0)
    inputs = {}
    for name, array in executor.arg_dict.items():
        if name in labels:
            value = random.randint(0, labels[name], size=array.shape).astype(np.float32)
        else:
            value = random.uniform(0.5, 1.5, size=array.shape).astype(np.float32)
            value *= random.choice([-1, 1], size=array.shape).astype(np.float32) \
                if graph != "arithmetic" else 1
        array[:] = value
        inputs[name] = writer.add_array(f"{run_name}/arg/{name}", value)
    for name, array in executor.aux_dict.items():
        value = random.uniform(0.5, 1.5, size=array.shape).astype(np.float32)
        array[:] = value
        inputs[name] = writer.add_array(f"{run_name}/aux/{name}", value)
    executor.forward(is_train=True)
    head_grads = None
    if graph == "arithmetic":
        head_grads = [random.uniform(-1, 1, size=o.shape).astype(np.float32)
                      for o in executor.outputs]
        executor.backward([mx.nd.array(h) for h in head_grads])
    else:
        executor.backward()
    case = {"kind": "run", "name": run_name, "graph": graph,
            "shapes": {k: list(v) for k, v in shapes.items()}, "inputs": inputs,
            "train_outputs": [writer.add_array(f"{run_name}/train_out/{i}", o.asnumpy())
                              for i, o in enumerate(executor.outputs)],
            "grads": {n: writer.add_array(f"{run_name}/grad/{n}", g.asnumpy())
                      for n, g in executor.grad_dict.items() if g is not None},
            "aux_after": {n: writer.add_array(f"{run_name}/aux_after/{n}", a.asnumpy())
                          for n, a in executor.aux_dict.items()},
            "head_grads": None if head_grads is None else
                [writer.add_array(f"{run_name}/head/{i}", h)
                 for i, h in enumerate(head_grads)]}
    executor.forward(is_train=False)
    case["predict_outputs"] = [writer.add_array(f"{run_name}/predict_out/{i}",
                                                o.asnumpy())
                               for i, o in enumerate(executor.outputs)]
    writer.add(case)


def save_files(writer):
    """Symbol files as MXNet writes them, and one exported by Gluon."""
    os.makedirs(FILES, exist_ok=True)
    for graph in ("mlp", "lenet", "batchnorm"):
        path = os.path.join(FILES, f"{graph}-symbol.json")
        build(mx, graph).save(path)
        writer.add({"kind": "file", "file": f"{graph}-symbol.json", "graph": graph})
    net = mx.gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(mx.gluon.nn.Dense(8, activation="relu"), mx.gluon.nn.BatchNorm(),
                mx.gluon.nn.Dense(3))
    net.initialize()
    net.hybridize()
    net(mx.nd.ones((2, 5)))
    net.export(os.path.join(FILES, "gluon_mlp"))
    os.remove(os.path.join(FILES, "gluon_mlp-0000.params"))
    symbol = mx.sym.load(os.path.join(FILES, "gluon_mlp-symbol.json"))
    entry = describe("gluon_mlp", symbol, {"data": (2, 5)}, {"data": (0, 5)}, "float32")
    entry.update({"kind": "file", "file": "gluon_mlp-symbol.json", "graph": None})
    writer.add(entry)


def errors(writer):
    """Which bad inputs MXNet rejects (dlkit must reject them too, more clearly)."""
    a, b = mx.sym.Variable("a"), mx.sym.Variable("b")
    fc = build(mx, "mlp")
    cases = {"conflicting_shapes": lambda: (a + b).infer_shape(a=(2, 3), b=(3, 2)),
             "wrong_weight": lambda: fc.infer_shape(data=(5, 8), fc2_weight=(10, 7)),
             "unknown_keyword": lambda: (a + b).infer_shape(zzz=(2, 3))}
    for name, call in cases.items():
        try:
            call()
            raised = False
        except mx.base.MXNetError:
            raised = True
        writer.add({"kind": "error", "name": name, "raised": raised})


def main():
    writer = GoldenWriter("symbol")
    for name, (_, infer_kwargs, partial_kwargs) in GRAPHS.items():
        writer.add(describe(name, build(mx, name), infer_kwargs, partial_kwargs))
    for run_name, (graph, shapes, labels) in RUNS.items():
        run_case(writer, run_name, graph, shapes, labels)
    save_files(writer)
    errors(writer)
    writer.save()


if __name__ == "__main__":
    main()
