"""Lesson 08 · Module: the intermediate API."""
from notebook import check, md, solution

NAME = "08-module-intermediate"
CELLS = [
md("""
# 08 · Module, step by step

**What you will build:** a training step for a symbolic network, done by hand with
`mx.mod.Module`'s intermediate API. You will follow a module through its states
(bound, parameters initialized, optimizer initialized), run forward, backward and
update yourself, feed a metric, move parameters in and out, and see a module re-bind
itself when the batch shape changes.

Time: about 25 minutes. You need lesson 07 (executors): a Module is a manager of
executors.
"""),
check("""
import os
import tempfile

import numpy as np

import dlkit as mx

mx.random.seed(0)
np.random.seed(0)
"""),
md("""
## A module and its states

The seed post's network: two fully connected layers and a softmax loss. `mx.mod.Module`
wraps the symbol; by default it takes the argument `data` as input and
`softmax_label` as label.
"""),
check("""
data = mx.sym.Variable("data")
fc1 = mx.sym.FullyConnected(data, name="fc1", num_hidden=128)
act1 = mx.sym.Activation(fc1, name="relu1", act_type="relu")
fc2 = mx.sym.FullyConnected(act1, name="fc2", num_hidden=10)
out = mx.sym.SoftmaxOutput(fc2, name="softmax")
mod = mx.mod.Module(out)  # create a module from a Symbol
print(mod.data_names, mod.label_names, mod.output_names)
"""),
md("""
A fresh module has no memory, no parameters and no optimizer. Three flags record how
far it has come, and each step below switches one on:
"""),
check("""
def states(mod):
    print("binded", mod.binded, "| params_initialized", mod.params_initialized,
          "| optimizer_initialized", mod.optimizer_initialized)

states(mod)
"""),
md("""
## bind: allocate for a batch shape

`bind` gives the shapes of one batch of data and labels. The module runs
`simple_bind` (lesson 07) on the symbol, so every parameter shape is inferred:
"""),
check("""
batch_size = 4
mod.bind(data_shapes=[("data", (batch_size, 20))],
         label_shapes=[("softmax_label", (batch_size,))])
states(mod)
print(mod.data_shapes)
print(mod.label_shapes)
print(mod.output_shapes)
"""),
md("""
`data_shapes` are `DataDesc` records (name, shape, dtype, layout). `for_training=True`
is the default; bind with `for_training=False` for prediction only, and no gradient
arrays are allocated.

## init_params: fill the parameters

`init_params` fills every parameter with an initializer (default: uniform in
`[-0.01, 0.01]`), and the auxiliary states with their defaults. Xavier is a better
start for this network:
"""),
check("""
mod.init_params(initializer=mx.init.Xavier())
states(mod)
arg_params, aux_params = mod.get_params()
for name, value in arg_params.items():
    print(f"{name:10s} {value.shape}")
"""),
md("""
`get_params()` returns *copies* of the parameters as two dictionaries, `arg_params`
and `aux_params` (empty here: no BatchNorm).

## init_optimizer

`init_optimizer` creates the optimizer that `update` will apply. With a string name,
the module sets `rescale_grad = 1 / batch_size`, so the summed gradient of a batch
becomes an average:
"""),
check("""
mod.init_optimizer(optimizer="sgd", optimizer_params=(("learning_rate", 0.1),))
states(mod)
optimizer = mod._optimizer  # private: a look inside the module
print(type(optimizer).__name__, optimizer.lr, optimizer.rescale_grad)
"""),
md("""
## forward, backward, update

A batch is a `DataBatch`: a list of data arrays and a list of label arrays, in the
order of `data_names` and `label_names`. Here is a random one:
"""),
check("""
X = mx.nd.random.normal(shape=(batch_size, 20))
y = mx.nd.array([0, 3, 3, 7])
batch = mx.io.DataBatch(data=[X], label=[y])
mod.forward(batch, is_train=True)
probabilities = mod.get_outputs()[0]
print(probabilities.shape, probabilities.sum(axis=1).asnumpy().round(4))
"""),
md("""
`SoftmaxOutput` outputs probabilities, one row per example. `backward()` needs no head
gradient (it is a loss) and `update()` applies one SGD step to every parameter:
"""),
check("""
before = mod.get_params()[0]["fc2_weight"].copy()
mod.backward()
mod.update()
after = mod.get_params()[0]["fc2_weight"]
print("fc2_weight moved by", float(mx.nd.abs(after - before).max()) > 0)
"""),
md("""
## Metrics

`update_metric(metric, labels)` compares the last forward's outputs with the labels
and accumulates into the metric. `mx.metric.create(["acc", "ce"])` tracks accuracy and
cross-entropy together. Ten steps on the same batch drive the cross-entropy down: the
network memorizes four examples (the accuracy is already perfect).
"""),
check("""
metric = mx.metric.create(["acc", "ce"])
for step in range(10):
    mod.forward(batch, is_train=True)
    mod.update_metric(metric, batch.label)
    mod.backward()
    mod.update()
    if step % 3 == 0:
        values = metric.get_name_value()
        print(step, [(name, round(value, 3)) for name, value in values])
    metric.reset()
"""),
md("""
`metric.get()` returns the value accumulated since the last `reset()`. Lesson 09 shows
why *who* resets the metric matters.

## Moving parameters in and out

`set_params` copies parameters into the module, for example from another model.
`save_params` and `load_params` write and read the MXNet `.params` file format:
"""),
check("""
folder = tempfile.mkdtemp()
path = os.path.join(folder, "mlp.params")
mod.save_params(path)
trained = mod.get_params()[0]["fc1_weight"].copy()

mod.init_params(initializer=mx.init.Zero(), force_init=True)
print(float(mod.get_params()[0]["fc1_weight"].abs().sum()))
mod.load_params(path)
print(bool((mod.get_params()[0]["fc1_weight"] == trained).min()))
"""),
md("""
`init_params` skips a module that is already initialized unless `force_init=True`.

## Batches of another shape

The seed's second example has no label (`label_names=None`): it only doubles its
input. It is bound for batches of shape `(1, 10)`:
"""),
check("""
from collections import namedtuple
Batch = namedtuple("Batch", ["data"])
data = mx.sym.Variable("data")
out = data * 2
mod = mx.mod.Module(symbol=out, label_names=None)
mod.bind(data_shapes=[("data", (1, 10))])
mod.init_params()
data1 = [mx.nd.ones((1, 10))]
mod.forward(Batch(data1))
print(mod.get_outputs()[0].asnumpy())
"""),
md("""
Any object with a `data` attribute works as a batch. A batch of shape `(3, 5)` does
not fit the bound executor, so `forward` re-binds the module for the new shape first
(parameters are kept):
"""),
check("""
# Forward with data batch of different shape
data2 = [mx.nd.ones((3, 5))]
mod.forward(Batch(data2))
print(mod.get_outputs()[0].asnumpy())
print(mod.data_shapes)
"""),
md("""
The seed then calls `mod.backward()` and `mod.get_input_grads()`. That needs two
changes: bind with `inputs_need_grad=True` (otherwise no gradient is kept for the
data), and, since `data * 2` is not a loss, pass the head gradient:
"""),
check("""
mod = mx.mod.Module(symbol=out, label_names=None)
mod.bind(data_shapes=[("data", (1, 10))], inputs_need_grad=True)
mod.init_params()
mod.forward(Batch(data1), is_train=True)
mod.backward(out_grads=[mx.nd.ones((1, 10))])
print(mod.get_input_grads()[0].asnumpy())
"""),
md("""
## Summary

* A `Module` goes through three states: `bind(data_shapes, label_shapes)` allocates
  executors (`binded`), `init_params` fills parameters (`params_initialized`),
  `init_optimizer` sets up the optimizer (`optimizer_initialized`).
* One training step is `forward(batch, is_train=True)`, `backward()`, `update()`;
  `update_metric(metric, batch.label)` feeds a metric from the last forward.
* `get_params()` copies parameters out, `set_params` copies them in,
  `save_params`/`load_params` use `.params` files.
* A batch of a new shape makes `forward` re-bind; input gradients need
  `inputs_need_grad=True`.

## Exercises

1. Write `train_step(mod, batch)`: one training step of a bound module with an
   initialized optimizer. `check_train_step` compares the new parameters with the same
   SGD step computed with NumPy.
"""),
solution("""
def train_step(mod, batch):
    ### BEGIN SOLUTION
    mod.forward(batch, is_train=True)
    mod.backward()
    mod.update()
    ### END SOLUTION
""", "train_step"),
check("""
from dlkit.exercises_graphs import check_train_step

check_train_step(train_step)
"""),
md("""
2. `forward_backward(batch)` does the first two calls of `train_step` in one. Rewrite
   `train_step` with it.
3. Initialize the MLP with `init_optimizer(optimizer='sgd', optimizer_params={
   'learning_rate': 0.1, 'momentum': 0.9})` and run the ten steps again. Is the loss
   lower after ten steps?
4. Bind the MLP with `for_training=False` and call `backward()`. Read the error.

## Read the source

* `dlkit/module/base_module.py`: `BaseModule` and its state flags; `forward_backward`,
  `save_params`, `load_params`.
* `dlkit/module/module.py`: `Module.bind`, `init_params`, `init_optimizer` (the
  `rescale_grad` default), `forward` (re-binding for a new batch shape), `backward`,
  `update`, `update_metric`, `get_params`, `set_params`.
* `dlkit/module/executor_group.py`: how a module drives its executors.
* `dlkit/io/`: `DataBatch`, `DataDesc`.
"""),
]
