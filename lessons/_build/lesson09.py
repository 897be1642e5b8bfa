"""Lesson 09 · Module: fit, score, predict."""
from notebook import check, code, md, solution

NAME = "09-module-fit"
CELLS = [
md("""
# 09 · Training with Module.fit

**What you will build:** a classifier for a small synthetic data set, trained with
`Module.fit`, evaluated with `score`, applied with `predict`, saved every epoch and
loaded back. Then you open `fit` up: you watch a callback quietly corrupt a validation
score, and write the training loop that `fit` runs yourself.

Time: about 30 minutes. You need lesson 08 (the intermediate Module API).
"""),
check("""
import os
import tempfile

import numpy as np

import dlkit as mx
from dlkit.logging_setup import enable_notebook_logging

enable_notebook_logging()  # show fit's logging.info lines in the notebook
mx.random.seed(0)
np.random.seed(0)
"""),
md("""
## Data: two classes in four quadrants

Points in the plane, labelled 1 when both coordinates have the same sign and 0
otherwise. No straight line separates the classes, so the network needs its hidden
layer. `NDArrayIter` serves NumPy arrays in batches; the training iterator shuffles.
"""),
check("""
X = np.random.randn(1000, 2).astype("float32")
y = (X[:, 0] * X[:, 1] > 0).astype("float32")
batch_size = 50
train_iter = mx.io.NDArrayIter(X[:800], y[:800], batch_size, shuffle=True)
val_iter = mx.io.NDArrayIter(X[800:], y[800:], batch_size)
print(train_iter.provide_data, train_iter.provide_label)
print("class balance", y.mean())
"""),
md("""
`NDArrayIter` names its arrays `data` and `softmax_label`, which are the names
`Module` expects by default. The network:
"""),
check("""
data = mx.sym.Variable("data")
net = mx.sym.FullyConnected(data, name="fc1", num_hidden=32)
net = mx.sym.Activation(net, name="relu1", act_type="relu")
net = mx.sym.FullyConnected(net, name="fc2", num_hidden=2)
net = mx.sym.SoftmaxOutput(net, name="softmax")
mod = mx.mod.Module(net, context=mx.cpu())
"""),
md("""
## fit

`fit` does everything lesson 08 did by hand: bind to the iterator's shapes, initialize
parameters and optimizer, then loop over epochs and batches. Callbacks report
progress: `Speedometer(batch_size, frequent)` logs speed and the training metric every
`frequent` batches, and `do_checkpoint(prefix)` saves the model after each epoch.
"""),
code("""
prefix = os.path.join(tempfile.mkdtemp(), "quadrants")
mod.fit(train_iter, eval_data=val_iter, eval_metric="acc",
        optimizer="sgd", optimizer_params={"learning_rate": 0.1, "momentum": 0.9},
        initializer=mx.init.Xavier(), num_epoch=10,
        batch_end_callback=mx.callback.Speedometer(batch_size, 8),
        epoch_end_callback=mx.callback.do_checkpoint(prefix))
"""),
md("""
Each epoch logs the training accuracy (`Train-accuracy`), the time, the checkpoint
file and the accuracy on `eval_data` (`Validation-accuracy`). The Speedometer lines
show the accuracy over the last 8 batches only.

## score and predict

`score` runs the model over an iterator in prediction mode and returns the metric's
values. It accepts any metric, or a list of names:
"""),
code("""
print(mod.score(val_iter, "acc"))
print(mod.score(val_iter, ["acc", "ce"]))
"""),
md("""
`predict` returns the outputs for all batches, concatenated: here one row of two class
probabilities per validation example.
"""),
check("""
probabilities = mod.predict(val_iter)
predicted = probabilities.argmax(axis=1).asnumpy()
print(probabilities.shape)
by_hand = (predicted == y[800:]).mean()
print("accuracy by hand", by_hand == mod.score(val_iter, "acc")[0][1])
"""),
md("""
## The auto_reset pitfall

`Speedometer` *resets the metric* each time it logs (`auto_reset=True`), so that each
line shows the last `frequent` batches. During training that is what you want. Passed
to `score` (or to `fit` as `eval_batch_end_callback`), it silently throws away the
batches before the last reset. The validation set has 4 batches; log every 2 and
every 3 batches:
"""),
code("""
def score_with(callback):
    return mod.score(val_iter, mx.metric.Accuracy(), batch_end_callback=callback)[0][1]

whole = mod.score(val_iter, mx.metric.Accuracy())[0][1]
every_2 = score_with(mx.callback.Speedometer(batch_size, 2))
every_3 = score_with(mx.callback.Speedometer(batch_size, 3))
kept = score_with(mx.callback.Speedometer(batch_size, 2, auto_reset=False))
print(f"no callback {whole}  every 2 {every_2}  every 3 {every_3}")
print(f"every 2 with auto_reset=False {kept}")
"""),
md("""
Three different answers to one question (MXNet 1.9.1 gives the same pattern). The
Speedometer is called with the batch index, and logs (and resets) when it is a
multiple of `frequent`. Every 2: the reset after the third batch (index 2) leaves only
the fourth batch in the metric. Every 3: the reset falls after the last batch, the
metric is empty and the "accuracy" is `nan`.
Check the first claim:
"""),
check("""
last_batch = slice(800 + 3 * batch_size, 1000)
print(every_2 == (predicted[-batch_size:] == y[last_batch]).mean())
print(np.isnan(every_3), kept == whole)
"""),
md("""
Fix: pass `auto_reset=False`, or no `eval_batch_end_callback` at all.

## Checkpoints and Module.load

`do_checkpoint` wrote `prefix-symbol.json` (the graph, lesson 05) and one
`prefix-NNNN.params` file per epoch. `Module.load` rebuilds a module from them; bind it
for prediction and it scores like the original:
"""),
check("""
print(sorted(os.listdir(os.path.dirname(prefix)))[:3])
loaded = mx.mod.Module.load(prefix, 10)
loaded.bind(data_shapes=val_iter.provide_data, label_shapes=val_iter.provide_label,
            for_training=False)
print(loaded.score(val_iter, "acc") == mod.score(val_iter, "acc"))
"""),
md("""
`mx.model.load_checkpoint(prefix, epoch)` returns the three parts, `(symbol,
arg_params, aux_params)`, to pass to `fit(..., arg_params=, aux_params=, begin_epoch=)`
and continue training.

## Your own fit loop

Inside `fit`, each epoch is this loop (from the seed post): train on a batch, update,
then fetch the next batch and `prepare` the module for it (in MXNet this overlaps
with the device still computing).
Here it is, with a fresh module:
"""),
code("""
mod2 = mx.mod.Module(net)
mod2.bind(data_shapes=train_iter.provide_data, label_shapes=train_iter.provide_label)
mod2.init_params(initializer=mx.init.Xavier())
mod2.init_optimizer(optimizer="sgd",
                    optimizer_params={"learning_rate": 0.1, "momentum": 0.9})
metric = mx.metric.Accuracy()
"""),
code("""
def train_epoch(mod, train_iter, metric):
    train_iter.reset()
    metric.reset()
    data_iter = iter(train_iter)
    next_batch = next(data_iter)
    end_epoch = False
    while not end_epoch:
        batch = next_batch
        mod.forward_backward(batch)
        mod.update()
        mod.update_metric(metric, batch.label)
        try:
            next_batch = next(data_iter)
            mod.prepare(next_batch)
        except StopIteration:
            end_epoch = True
"""),
code("""
for epoch in range(10):
    train_epoch(mod2, train_iter, metric)
    if epoch % 3 == 0:
        print(epoch, metric.get())
"""),
md("""
`fit` adds the callbacks, the validation `score` after each epoch and the logging
around this loop; nothing else. The metric reset at the top of each epoch is `fit`'s
too, which is why its `Train-accuracy` is per epoch.
"""),
code("""
print(mod2.score(val_iter, "acc"))
"""),
md("""
## A training dashboard

The `TrainingDashboard` widget draws the metrics as training runs and has a Stop
button. `dash.fit(mod, ...)` is `mod.fit` with the dashboard's callbacks added; outside
a notebook it prints text lines instead.

A kernel reads a button click only between cells or while a cell *awaits*, so here
we `await dash.fit_async(...)`: training runs in a worker thread while the cell
waits, and Stop ends `fit` after the current batch (through the callback exception
`mx.callback.StopTraining`, which `fit` catches). Try a larger `num_epoch` and press
Stop.
"""),
code("""
from dlkit.widgets import TrainingDashboard

train_iter.reset()  # our loop left it at its end; fit resets only after each epoch
mod3 = mx.mod.Module(net)
dash = TrainingDashboard(redraw_interval=0.5)
await dash.fit_async(mod3, train_iter, eval_data=val_iter, num_epoch=10,
                     initializer=mx.init.Xavier(), optimizer="sgd",
                     optimizer_params={"learning_rate": 0.1, "momentum": 0.9})
"""),
md("""
All three models learned the quadrants. This check fails the notebook if training
ever stops working:
"""),
check("""
for model in (mod, mod2, mod3):
    accuracy = model.score(val_iter, "acc")[0][1]
    assert accuracy > 0.9, accuracy
print("all above 0.9")
"""),
md("""
## Summary

* `fit(train_iter, eval_data, eval_metric, optimizer, optimizer_params, initializer,
  num_epoch, batch_end_callback, epoch_end_callback)` binds, initializes and trains;
  `score` evaluates, `predict` returns the outputs.
* `Speedometer` logs every `frequent` batches and resets the metric each time. Never
  pass it to `score` or as `eval_batch_end_callback` without `auto_reset=False`.
* `do_checkpoint(prefix)` saves `prefix-symbol.json` and `prefix-NNNN.params` per
  epoch; `Module.load(prefix, epoch)` and `mx.model.load_checkpoint` read them.
* `fit`'s inner loop is `forward_backward`, `update`, `update_metric`, `prepare`.

## Exercises

1. Write `fit_loop(mod, train_iter, num_epoch)`: your own training loop for a bound
   module with an initialized optimizer. Train on every batch of every epoch once.
   `check_fit_loop` compares the result with plain SGD done in NumPy.
"""),
solution("""
def fit_loop(mod, train_iter, num_epoch):
    ### BEGIN SOLUTION
    for epoch in range(num_epoch):
        train_iter.reset()
        for batch in train_iter:
            mod.forward_backward(batch)
            mod.update()
    ### END SOLUTION
""", "fit_loop"),
check("""
from dlkit.exercises_graphs import check_fit_loop

check_fit_loop(fit_loop)
"""),
md("""
2. Train with `eval_batch_end_callback=mx.callback.Speedometer(batch_size, 3)` and
   compare fit's `Validation-accuracy` lines with `mod.score(val_iter, "acc")`.
3. Continue training from the epoch-5 checkpoint with `mx.model.load_checkpoint` and
   `fit(..., begin_epoch=5)`. Does the log start at `Epoch[5]`?
4. Remove the hidden layer (`data -> fc2 -> softmax`). What accuracy can a linear model
   reach on the quadrants, and why?

## Read the source

* `dlkit/module/base_module.py`: `BaseModule.fit` (the epoch loop above, the callbacks,
  validation), `score`, `predict`, `forward_backward`.
* `dlkit/module/module.py`: `Module.load`, `Module.save_checkpoint`, `prepare`.
* `dlkit/callback.py`: `Speedometer` (the `auto_reset` lines), `do_checkpoint`.
* `dlkit/model.py`: `save_checkpoint`, `load_checkpoint`.
* `dlkit/io/`: `NDArrayIter`; `dlkit/metric/`: `Accuracy`, `create`.
* `dlkit/logging_setup.py`: `enable_notebook_logging`;
  `dlkit/widgets/dashboard.py`: `TrainingDashboard`.
"""),
]
