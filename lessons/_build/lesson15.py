"""Lesson 15 · Your own training loop: metrics, learning-rate schedules, checkpoints."""
from notebook import check, code, md, solution

NAME = "15-training-loop"
CELLS = [
md("""
# 15 · Your own training loop

**What you will build:** the training loop that `fit` hides, written out for a Gluon
network on the digits: accuracy counted by hand and with `mx.metric`, a learning rate
that warms up and then follows a cosine, a checkpoint after every epoch, and a run
that stops, resumes from a checkpoint and ends with exactly the weights of the run
that never stopped.

Time: about 30 minutes. You need lessons 09 (fit's loop) and 13 (Gluon networks).
"""),
check("""
import math
import os
import tempfile

import matplotlib.pyplot as plt
import numpy as np

import dlkit as mx
from dlkit import autograd, gluon, nd
from dlkit.gluon import nn

mx.random.seed(0)
np.random.seed(0)
"""),
md("""
## Data and network

The digits again (lesson 13), in mini-batches of 64: 1437 training images make 22 full
batches and one of 29. The `DataLoader` shuffles with NumPy's random generator.
"""),
check("""
def load_digits(train):
    dataset = gluon.data.vision.Digits(train=train)
    images, labels = next(iter(gluon.data.DataLoader(dataset, batch_size=len(dataset))))
    return images.reshape((len(dataset), 64)).astype("float32") / 16, labels

X_train, y_train = load_digits(train=True)
X_val, y_val = load_digits(train=False)
batch_size = 64
train_data = gluon.data.DataLoader(gluon.data.ArrayDataset(X_train, y_train),
                                   batch_size=batch_size, shuffle=True)
val_data = gluon.data.DataLoader(gluon.data.ArrayDataset(X_val, y_val),
                                 batch_size=batch_size)
print(len(train_data), len(val_data), [y.shape for X, y in val_data])
"""),
check("""
def make_net():
    mx.random.seed(0)  # the same initial weights every time
    net = nn.HybridSequential(prefix="digits_")
    with net.name_scope():
        net.add(nn.Dense(32, activation="relu", in_units=64), nn.Dense(10, in_units=32))
    net.initialize(mx.init.Xavier())
    net.hybridize()
    return net

loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
net = make_net()
print(sum(param.data().size for param in net.collect_params().values()))
"""),
md("""
## Accuracy by hand and with mx.metric

Accuracy is correct predictions over examples. The validation set comes in batches of
64, 64, 64, 64, 64 and 40. Counting over all batches is right; averaging the batches'
accuracies is not, because the small last batch weighs as much as a full one.
Train the network for one epoch first, so that there is something to measure:
"""),
code("""
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.5})
for X, y in train_data:
    with autograd.record():
        loss = loss_fn(net(X), y)
    loss.backward()
    trainer.step(X.shape[0])
"""),
check("""
correct, total, batch_accuracies = 0, 0, []
for X, y in val_data:
    right = (net(X).argmax(axis=1) == y.astype("float32")).sum().asscalar()
    correct, total = correct + right, total + len(y)
    batch_accuracies.append(right / len(y))
print(f"counted {correct:.0f} / {total} = {correct / total:.4f}")
print(f"mean of batch accuracies {np.mean(batch_accuracies):.4f}")
"""),
md("""
`mx.metric.Accuracy` counts, like the first line. `update(labels, predictions)` takes
lists (one entry per output, the Module convention), takes the argmax of the class
scores itself, and `get()` returns `(name, value)`. `mx.metric.Loss` averages a loss
over all examples the same way:
"""),
check("""
accuracy, mean_loss = mx.metric.Accuracy(), mx.metric.Loss()
for X, y in val_data:
    y_hat = net(X)
    accuracy.update([y], [y_hat])
    mean_loss.update(None, [loss_fn(y_hat, y)])
print(accuracy.get()[1] == correct / total, accuracy.num_inst)
print(mean_loss.get()[0], round(mean_loss.get()[1], 4))
"""),
md("""
## Learning-rate schedules

A schedule is a function of the update count `num_update`. `mx.lr_scheduler` has:

* `FactorScheduler(step, factor)`: multiply by `factor` every `step` updates;
* `MultiFactorScheduler(step=[...], factor)`: multiply at the listed updates;
* `CosineScheduler(max_update, base_lr, final_lr)`: half a cosine from `base_lr` down
  to `final_lr` at `max_update`.

Each can start with a linear **warm-up** of `warmup_steps` updates from
`warmup_begin_lr`, which keeps the first, large gradients of a fresh network from
throwing it too far. The rate at a few update counts:
"""),
check("""
def schedules():
    return {
        "factor": mx.lr_scheduler.FactorScheduler(step=40, factor=0.5, base_lr=0.5),
        "multifactor": mx.lr_scheduler.MultiFactorScheduler(step=[60, 100], factor=0.1,
                                                            base_lr=0.5),
        "cosine+warmup": mx.lr_scheduler.CosineScheduler(
            max_update=150, base_lr=0.5, final_lr=0.01, warmup_steps=20,
            warmup_begin_lr=0.05),
    }

for name, scheduler in schedules().items():
    rates = [round(scheduler(n), 4) for n in (0, 10, 20, 41, 61, 101, 150)]
    print(f"{name:>14}", rates)
"""),
md("""
`FactorScheduler` and `MultiFactorScheduler` remember how far they got (MXNet's
behaviour): ask them for increasing update counts only, as an optimizer does, and make
fresh ones to plot. Over 160 updates (seven epochs of 23 batches):
"""),
code("""
updates = np.arange(160)
plt.figure(figsize=(6, 3))
for name, scheduler in schedules().items():
    plt.plot(updates, [scheduler(int(n)) for n in updates], label=name)
plt.xlabel("num_update")
plt.ylabel("learning rate")
plt.legend()
plt.show()
"""),
md("""
## Schedules and the Trainer

Pass a scheduler as the optimizer's `lr_scheduler`; the optimizer asks it for the
rate before each update, and `trainer.learning_rate` reports the current one. Without
a scheduler you set the rate yourself with `trainer.set_learning_rate`, for example
dividing it by ten after some epoch:
"""),
check("""
trainer = gluon.Trainer(make_net().collect_params(), "sgd", {"learning_rate": 0.5})
trainer.set_learning_rate(trainer.learning_rate / 10)
print(trainer.learning_rate)
"""),
md("""
With a scheduler, the scheduler owns the rate, and `set_learning_rate` refuses:
"""),
check("""
scheduler = mx.lr_scheduler.FactorScheduler(step=40, factor=0.5, base_lr=0.5)
trainer = gluon.Trainer(make_net().collect_params(), "sgd",
                        {"learning_rate": 0.5, "lr_scheduler": scheduler})
try:
    trainer.set_learning_rate(0.1)
except UserWarning as error:
    print(error)
"""),
md("""
## The loop, with a checkpoint every epoch

One epoch: reseed the shuffle, train on every batch while the metrics count, then
save. The reseeding makes the batch order a function of the epoch number alone, so
that a run resumed at epoch 3 sees the same batches as a run that got there without
stopping. A checkpoint is two files: the network's parameters (`save_parameters`) and
the trainer's state (`save_states`: momentum, update count, the optimizer and its
scheduler).
"""),
code("""
def train_epoch(net, trainer, epoch):
    np.random.seed(epoch)  # this epoch's batch order
    accuracy, mean_loss = mx.metric.Accuracy(), mx.metric.Loss()
    for X, y in train_data:
        with autograd.record():
            y_hat = net(X)
            loss = loss_fn(y_hat, y)
        loss.backward()
        trainer.step(X.shape[0])
        accuracy.update([y], [y_hat])
        mean_loss.update(None, [loss])
    return accuracy.get()[1], mean_loss.get()[1]
"""),
code("""
def save_checkpoint(net, trainer, prefix, epoch):
    net.save_parameters(f"{prefix}-{epoch:04d}.params")
    trainer.save_states(f"{prefix}-{epoch:04d}.states")

def evaluate(net):
    accuracy = mx.metric.Accuracy()
    for X, y in val_data:
        accuracy.update([y], [net(X)])
    return accuracy.get()[1]
"""),
md("""
The trainer: SGD with momentum, and the cosine schedule with warm-up, over six epochs
of 23 updates:
"""),
code("""
num_epochs = 6
updates_per_epoch = math.ceil(len(X_train) / batch_size)

def make_trainer(net):
    scheduler = mx.lr_scheduler.CosineScheduler(
        max_update=num_epochs * updates_per_epoch, base_lr=0.3, final_lr=0.01,
        warmup_steps=updates_per_epoch, warmup_begin_lr=0.03)
    return gluon.Trainer(net.collect_params(), "sgd",
                         {"learning_rate": 0.3, "momentum": 0.9,
                          "lr_scheduler": scheduler})
"""),
md("""
`train` runs epochs, saves a checkpoint after each and prints one line per epoch:
"""),
code("""
def train(net, trainer, epochs, prefix):
    for epoch in epochs:
        train_accuracy, train_loss = train_epoch(net, trainer, epoch)
        save_checkpoint(net, trainer, prefix, epoch)
        print(f"epoch {epoch}  lr {trainer.learning_rate:.3f}  loss {train_loss:.3f}  "
              f"train {train_accuracy:.3f}  validation {evaluate(net):.3f}")
    return train_loss  # the last epoch's
"""),
md("""
The uninterrupted run:
"""),
code("""
prefix = os.path.join(tempfile.mkdtemp(), "digits")
net = make_net()
trainer = make_trainer(net)
final_loss = train(net, trainer, range(num_epochs), prefix)
"""),
check("""
print(sorted(os.listdir(os.path.dirname(prefix)))[:4])
print(len(os.listdir(os.path.dirname(prefix))))
"""),
md("""
## Resume from a checkpoint

Suppose the run had stopped after epoch 2 (the third). A new process makes a fresh
network and trainer, loads the epoch-2 files into them, and trains epochs 3 to 5:
"""),
code("""
def load_checkpoint(net, trainer, prefix, epoch):
    net.load_parameters(f"{prefix}-{epoch:04d}.params")
    trainer.load_states(f"{prefix}-{epoch:04d}.states")

resumed = make_net()
resumed_trainer = make_trainer(resumed)
load_checkpoint(resumed, resumed_trainer, prefix, 2)
print(f"resuming at update {resumed_trainer.optimizer.num_update}, "
      f"lr {resumed_trainer.learning_rate:.3f}")
resumed_loss = train(resumed, resumed_trainer, range(3, num_epochs),
                     prefix + "-resumed")
"""),
md("""
The same log lines as epochs 3 to 5 above, and the same weights, to the last bit:
"""),
check("""
def same_weights(net_a, net_b):
    return all(np.array_equal(a.data().asnumpy(), b.data().asnumpy())
               for a, b in zip(net_a.collect_params().values(),
                               net_b.collect_params().values()))

print(resumed_trainer.optimizer.num_update == trainer.optimizer.num_update)
print(same_weights(resumed, net))
"""),
md("""
Why both files? Load only the parameters, and the fresh trainer starts its schedule
again with a warm-up and no momentum. The run goes on, but it is a different run:
"""),
check("""
weights_only = make_net()
weights_only_trainer = make_trainer(weights_only)
weights_only.load_parameters(f"{prefix}-0002.params")
print(weights_only_trainer.optimizer.num_update, weights_only_trainer.learning_rate)
for epoch in range(3, num_epochs):
    train_epoch(weights_only, weights_only_trainer, epoch)
print(same_weights(weights_only, net))
"""),
md("""
The finished model, checked so that this notebook fails if training stops working:
"""),
check("""
assert evaluate(net) > 0.93, evaluate(net)
assert final_loss < 0.2, final_loss
assert evaluate(resumed) == evaluate(net)
print("validation accuracy above 0.93, training loss below 0.2")
"""),
md("""
## Summary

* Count correct predictions over all examples; the mean of per-batch accuracies is
  wrong when batches differ in size. `mx.metric.Accuracy` and `mx.metric.Loss` count
  (`update(labels, predictions)`, `get()`, `reset()`).
* `mx.lr_scheduler`: `FactorScheduler`, `MultiFactorScheduler`, `CosineScheduler`,
  each with an optional linear warm-up; pass one as `lr_scheduler` to the optimizer.
  Without one, `trainer.set_learning_rate` changes the rate.
* A checkpoint is `net.save_parameters` plus `trainer.save_states`; resuming is
  `load_parameters` plus `load_states` on a fresh network and trainer, and a batch
  order that depends on the epoch only. Then the resumed run equals the run that never
  stopped.

## Exercises

1. Write `save_checkpoint(net, trainer, prefix, epoch)` and
   `load_checkpoint(net, trainer, prefix, epoch)` (the files' names must start with
   `prefix`). `check_checkpoint` stops a run with momentum and a schedule, resumes it
   with your functions and compares with the run that never stopped.
"""),
solution("""
def save_checkpoint(net, trainer, prefix, epoch):
    ### BEGIN SOLUTION
    net.save_parameters(f"{prefix}-{epoch:04d}.params")
    trainer.save_states(f"{prefix}-{epoch:04d}.states")
    ### END SOLUTION


def load_checkpoint(net, trainer, prefix, epoch):
    ### BEGIN SOLUTION
    net.load_parameters(f"{prefix}-{epoch:04d}.params")
    trainer.load_states(f"{prefix}-{epoch:04d}.states")
    ### END SOLUTION
""", "checkpoint"),
check("""
from dlkit.exercises_training import check_checkpoint

check_checkpoint(save_checkpoint, load_checkpoint)
"""),
md("""
2. Remove the `np.random.seed(epoch)` line from `train_epoch` and resume again. Are
   the weights still equal? Which single line would you add to the checkpoint instead?
3. Replace the cosine schedule by `trainer.set_learning_rate` calls that divide the rate
   by 10 after epochs 2 and 4 (no scheduler). Does resuming still give the same
   weights, and what must the resumed run do before its first epoch?
4. Plot `PolyScheduler(max_update=150, base_lr=0.5, pwr=2)` next to the others. How
   does it differ from the cosine near the end?

## Read the source

* `dlkit/metric/classification.py`: `Accuracy.update`; `dlkit/metric/base.py`:
  `EvalMetric.get`, `reset`; `dlkit/metric/regression.py`: `Loss`.
* `dlkit/lr_scheduler.py`: `LRScheduler.get_warmup_lr`, `FactorScheduler.__call__`,
  `MultiFactorScheduler.__call__`, `CosineScheduler.__call__`.
* `dlkit/optimizer/optimizer.py`: `Optimizer.learning_rate`, `set_learning_rate`,
  `_update_count`; `Updater.get_states`, `set_states`.
* `dlkit/optimizer/serialization.py`: `dumps`, `loads` (what a `.states` file holds).
* `dlkit/gluon/trainer.py`: `Trainer.set_learning_rate`, `save_states`,
  `load_states`; `dlkit/gluon/block.py`: `save_parameters`, `load_parameters`.
"""),
]
