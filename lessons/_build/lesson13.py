"""Lesson 13 · From Gluon to a Symbol: hybridize, export, Module, SymbolBlock."""
from notebook import check, code, md, solution

NAME = "13-hybridize"
CELLS = [
md("""
# 13 · Hybridize: from Gluon to a Symbol

**What you will build:** a digit classifier written with Gluon's `HybridSequential`,
turned into a Symbol graph with `hybridize()`. You draw that graph, infer its shapes,
print its layer table, export it to the two files MXNet models ship as
(`-symbol.json` and `.params`), and load those files back twice: into a `Module`
(lessons 08 and 09) and into a Gluon `SymbolBlock`. All three give the same numbers,
because they are three front ends to one engine: the Symbol and its Executor.

Time: about 25 minutes. You need lessons 05 (Symbols), 07 (Executors) and 09.
"""),
check("""
import json
import os
import tempfile

import numpy as np

import dlkit as mx
from dlkit import autograd, gluon, nd
from dlkit.gluon import nn

mx.random.seed(0)
np.random.seed(0)
"""),
md("""
## Data: 8x8 handwritten digits

dlkit ships a small digits data set: 1437 training and 360 validation images of 8x8
pixels with values 0..16. One `DataLoader` batch as large as the data set gives all of
it at once; the pixels become 64 features scaled to [0, 1].
"""),
check("""
def load_digits(train):
    dataset = gluon.data.vision.Digits(train=train)
    images, labels = next(iter(gluon.data.DataLoader(dataset, batch_size=len(dataset))))
    return images.reshape((len(dataset), 64)).astype("float32") / 16, labels

X_train, y_train = load_digits(train=True)
X_val, y_val = load_digits(train=False)
print(X_train.shape, y_train.shape, X_val.shape)
print(y_train[:10])
"""),
md("""
## A HybridSequential network

`HybridSequential` is the Sequential whose children are all `HybridBlock`s: blocks
that write their computation once, as `hybrid_forward(F, x, ...)`, where `F` is either
`mx.nd` (run now) or `mx.sym` (build a graph). The input size is left open (`None`)
until the first call.
"""),
check("""
net = nn.HybridSequential(prefix="digits_")
with net.name_scope():
    net.add(nn.Dense(32), nn.Activation("relu"), nn.Dense(10))
net.initialize(mx.init.Xavier())
print(net)
"""),
md("""
Call it once on four images. The call runs imperatively, layer by layer, and completes
the deferred shapes (`None -> 32` becomes `64 -> 32`). `summary` runs the same call with
a hook on each layer and tabulates output shapes and parameter counts:
"""),
check("""
X_small = X_train[:4]
y_imperative = net(X_small)
print(y_imperative.shape)
net.summary(X_small)
"""),
md("""
## hybridize

`hybridize()` switches the network to graph mode. The next call traces
`hybrid_forward` once with `F = mx.sym`, gets one Symbol for the whole network, binds
an Executor for it, and from then on every call of that input shape runs the
Executor. The numbers do not change:
"""),
check("""
net.hybridize()
y_graph = net(X_small)
print(y_graph.shape, np.abs((y_graph - y_imperative).asnumpy()).max())
"""),
md("""
`summary` still works after `hybridize` in dlkit: it runs the layers imperatively for
one call, then restores graph mode. MXNet 1.9.1 refuses with "must not be hybridized
to print summary", so with MXNet call it before `hybridize`, as above.
"""),
code("""
net.summary(X_small)  # dlkit only; MXNet 1.9.1 raises an AssertionError here
"""),
md("""

## The traced Symbol

You can do the trace yourself: call the network on a Symbol variable instead of an
NDArray. What comes back is an ordinary Symbol (lesson 05), named after the blocks'
prefixes, with every parameter as an argument:
"""),
check("""
sym = net(mx.sym.var("data"))
print(type(sym).__name__)
print(sym.list_arguments())
print(sym.list_outputs())
"""),
md("""
Everything from lessons 05 and 06 applies. `infer_shape` completes every parameter's
shape from the data shape, and `mx.viz.print_summary` gives the Symbol's layer table,
the same parameter counts as `net.summary` above:
"""),
check("""
arg_shapes, out_shapes, aux_shapes = sym.infer_shape(data=(4, 64))
print(dict(zip(sym.list_arguments(), arg_shapes)))
print(out_shapes, aux_shapes)
"""),
check("""
mx.viz.print_summary(sym, shape={"data": (4, 64)})
"""),
md("""
`mx.viz.plot_network` draws it: ovals for variables, boxes for operators, the shape
along each edge. The parameters are hidden, as in MXNet's pictures.
"""),
code("""
mx.viz.plot_network(sym, shape={"data": (4, 64)})
"""),
md("""
## Train the hybridized network

A hybridized network trains like any Gluon network. Under `autograd.record()` the whole
graph is recorded as one step, and `backward` runs the Executor's backward pass. Ten
epochs of SGD on mini-batches of 64:
"""),
code("""
train_data = gluon.data.DataLoader(gluon.data.ArrayDataset(X_train, y_train),
                                   batch_size=64, shuffle=True)
loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), "sgd",
                        {"learning_rate": 0.5, "momentum": 0.9})
for epoch in range(10):
    for X, y in train_data:
        with autograd.record():
            loss = loss_fn(net(X), y)
        loss.backward()
        trainer.step(X.shape[0])
"""),
check("""
def accuracy(y_hat, y):
    return float((y_hat.argmax(axis=1) == y.astype("float32")).mean().asscalar())

y_hat_gluon = net(X_val)
print("validation accuracy above 0.9:", accuracy(y_hat_gluon, y_val) > 0.9)
"""),
md("""
## export: the two model files

`export(path, epoch)` writes the traced Symbol as `path-symbol.json` and the parameters
as `path-0000.params` (an `nd.save` dictionary whose keys say `arg:` or `aux:`). It
needs a hybridized network that has run at least once, so that there is a trace.
"""),
check("""
prefix = os.path.join(tempfile.mkdtemp(), "digits")
symbol_file, params_file = net.export(prefix, epoch=0)
print(sorted(os.listdir(os.path.dirname(prefix))))
print(sorted(nd.load(params_file)))
"""),
md("""
The JSON file is the graph of lesson 05: a list of nodes in topological order (`null`
nodes are variables), the indices of the argument nodes and the `heads` (the
outputs). It is exactly what `sym.tojson()` writes:
"""),
check("""
with open(symbol_file) as f:
    graph = json.load(f)
for index, node in enumerate(graph["nodes"]):
    print(index, node["op"], node["name"], [entry[0] for entry in node["inputs"]])
print("arg_nodes", graph["arg_nodes"], "heads", graph["heads"])
print(graph == json.loads(sym.tojson()))
"""),
md("""
## Load the files with Module

These files are what `Module.save_checkpoint` writes too, so lesson 09's tools read
them. `mx.model.load_checkpoint` returns the Symbol and the parameters; a Module with no
label bound for prediction gives the Gluon network's outputs:
"""),
check("""
sym_loaded, arg_params, aux_params = mx.model.load_checkpoint(prefix, 0)
mod = mx.mod.Module(sym_loaded, data_names=["data"], label_names=None)
mod.bind(data_shapes=[("data", X_val.shape)], for_training=False)
mod.set_params(arg_params, aux_params)
y_hat_module = mod.predict(mx.io.NDArrayIter(X_val, batch_size=len(X_val)))
print(y_hat_module.shape, np.abs((y_hat_module - y_hat_gluon).asnumpy()).max())
"""),
md("""
## Load the files with SymbolBlock

Gluon reads them with `SymbolBlock.imports(symbol_file, input_names, params_file)`: a
block that runs a given Symbol. Its parameters carry the exported names, and it can be
trained further like any block.
"""),
check("""
imported = gluon.SymbolBlock.imports(symbol_file, ["data"], params_file)
y_hat_imported = imported(X_val)
print(sorted(imported.collect_params().keys()))
print(np.abs((y_hat_imported - y_hat_gluon).asnumpy()).max())
"""),
md("""
One engine, three APIs: the Gluon network, the Module and the SymbolBlock each hand
the same Symbol to an Executor, which calls the same registered operators. The
predictions agree to the last bit:
"""),
check("""
predictions = [y_hat.argmax(axis=1) for y_hat in (y_hat_gluon, y_hat_module,
                                                  y_hat_imported)]
print([int((p != predictions[0]).sum().asscalar()) for p in predictions])
assert accuracy(y_hat_module, y_val) == accuracy(y_hat_gluon, y_val) > 0.9
"""),
md("""
## Summary

* A `HybridBlock` writes `hybrid_forward(F, x, ...)` once. Called on NDArrays it runs
  now; after `hybridize()` its first call traces one Symbol and binds an Executor.
* `net(mx.sym.var("data"))` returns that Symbol: `list_arguments`, `infer_shape`,
  `mx.viz.print_summary` and `mx.viz.plot_network` all work on it.
* `net.export(prefix, epoch)` writes `prefix-symbol.json` (nodes, `arg_nodes`, `heads`)
  and `prefix-0000.params` (`arg:`/`aux:` arrays).
* `mx.model.load_checkpoint` plus `Module(..., label_names=None)`, or
  `gluon.SymbolBlock.imports`, run the exported model and give the same numbers.

## Exercises

1. Write `predict_with_module(prefix, epoch, X)`: load the exported files into a
   `Module`, bind it for prediction on `X`'s shape and return the outputs for `X` as an
   NDArray. `check_predict_with_module` exports a network of its own and compares.
"""),
solution("""
def predict_with_module(prefix, epoch, X):
    ### BEGIN SOLUTION
    sym, arg_params, aux_params = mx.model.load_checkpoint(prefix, epoch)
    mod = mx.mod.Module(sym, data_names=["data"], label_names=None)
    mod.bind(data_shapes=[("data", X.shape)], for_training=False)
    mod.set_params(arg_params, aux_params)
    mod.forward(mx.io.DataBatch([X]), is_train=False)
    return mod.get_outputs()[0]
    ### END SOLUTION
""", "predict_with_module"),
check("""
from dlkit.exercises_training import check_predict_with_module

check_predict_with_module(predict_with_module)
"""),
md("""
2. Add `nn.BatchNorm()` after the first `Dense`, hybridize, train and export. Which
   keys of the `.params` file start with `aux:`, and which nodes of the JSON are they?
3. After `net.hybridize()`, call `net(X_small)` and then `net(X_val)`. Is the network
   traced again for the second shape? Is a new Executor bound? (Read
   `CachedGraph._executor`.)
4. Compare `sym.tojson()` of `net(mx.sym.var("data"))` before and after `hybridize()`.
   Is hybridizing needed to get the Symbol, or only to run it as a graph?

## Read the source

* `dlkit/gluon/hybrid_block.py`: `HybridBlock.forward` (NDArray or Symbol input),
  `hybridize`, `export`; `SymbolBlock.imports` and `SymbolBlock.__init__`.
* `dlkit/gluon/cached_graph.py`: `trace` and `CachedGraph` (the Executor behind a
  hybridized call).
* `dlkit/gluon/summary.py`: `print_summary` (the hooks behind `net.summary`).
* `dlkit/visualization/network.py`: `plot_network`;
  `dlkit/visualization/summary.py`: `print_summary`.
* `dlkit/model.py`: `load_checkpoint`; `dlkit/module/module.py`: `Module.bind`,
  `set_params`.
"""),
]
