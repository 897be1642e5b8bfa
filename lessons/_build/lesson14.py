"""Lesson 14 · Data parallelism: one network on several devices."""
from notebook import check, code, md, solution

NAME = "14-several-devices"
CELLS = [
md("""
# 14 · Training on several devices

**What you will build:** data-parallel training of the digit classifier on two
devices, three ways: with Gluon (`split_and_load` and a `Trainer` that sums the
gradients), by hand with a key-value store (`mx.kv`), and with a `Module` bound to a
list of contexts. Each time you check that two devices compute exactly what one device
computes on the whole batch.

Time: about 25 minutes. You need lessons 09 (Module.fit) and 13 (Gluon networks).
No GPU needed: without one, two CPU contexts play the two devices.
"""),
check("""
import numpy as np

import dlkit as mx
from dlkit import autograd, gluon, nd
from dlkit.gluon import nn

mx.random.seed(0)
np.random.seed(0)
"""),
md("""
## The idea

Say a machine has k devices. Data parallelism (the multi-GPU post among this course's
seeds) works like this: each device keeps a complete copy of the parameters. Each
mini-batch is cut into k parts, one per device. Each device computes the gradient on
its own part with its own copy. The k gradients are added up, and every device updates
its copy with the sum, so the copies stay identical:

```
batch -> part 0 -> device 0: forward, backward -> grad 0 \\
      -> part 1 -> device 1: forward, backward -> grad 1  -> sum -> update every copy
```

## Choosing the devices

Two GPUs if the machine has them, otherwise the GPU and the CPU, otherwise two CPU
contexts. dlkit runs `cpu(0)` and `cpu(1)` on the same processor, but keeps their arrays
apart exactly as it would two GPUs' arrays, so every step below is the real thing.
"""),
code("""
def two_devices():
    gpus = [mx.gpu(i) for i in range(mx.context.num_gpus())]
    return (gpus + [mx.cpu(0), mx.cpu(1)])[:2]

devices = two_devices()
print(devices)
"""),
md("""
The digits of lesson 13: 64 features per image, 10 classes.
"""),
check("""
def load_digits(train):
    dataset = gluon.data.vision.Digits(train=train)
    images, labels = next(iter(gluon.data.DataLoader(dataset, batch_size=len(dataset))))
    return images.reshape((len(dataset), 64)).astype("float32") / 16, labels

X_train, y_train = load_digits(train=True)
X_val, y_val = load_digits(train=False)
print(X_train.shape, X_val.shape)
"""),
md("""
## split_and_load

`gluon.utils.split_and_load(batch, devices)` cuts a batch along its first axis into
one part per device and copies each part to its device:
"""),
check("""
X, y = X_train[:8], y_train[:8]
X_parts = gluon.utils.split_and_load(X, devices)
y_parts = gluon.utils.split_and_load(y, devices)
print([part.shape for part in X_parts], [part.shape for part in y_parts])
print([part.context == ctx for part, ctx in zip(X_parts, devices)])
"""),
md("""
A batch that does not divide evenly is an error, unless you pass `even_split=False`
(then the first parts get one row more):
"""),
check("""
try:
    gluon.utils.split_and_load(X_train[:7], devices)
except ValueError as error:
    print(error)
print([p.shape for p in gluon.utils.split_and_load(X_train[:7], devices,
                                                   even_split=False)])
"""),
md("""
## A network on several contexts

`initialize(ctx=devices)` puts a copy of every parameter on each device. Giving the
first layer its `in_units` makes the shapes known at once, so the copies exist before
the first call. `list_ctx` names the devices, `list_data` returns the copies:
"""),
check("""
def make_net():
    net = nn.HybridSequential(prefix="digits_")
    with net.name_scope():
        net.add(nn.Dense(32, activation="relu", in_units=64), nn.Dense(10, in_units=32))
    return net

net = make_net()
net.initialize(mx.init.Xavier(), ctx=devices)
weight = net[0].weight
copies = [data.asnumpy() for data in weight.list_data()]
print(len(weight.list_ctx()), [c.shape for c in copies], np.array_equal(*copies))
"""),
md("""
## Forward and backward on each device

Each device runs the network on its own part, with its own copy; `net(X_part)` picks
the copy on `X_part`'s device. After `backward` each copy has its own gradient, which
differ since the parts differ:
"""),
check("""
loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
with autograd.record():
    losses = [loss_fn(net(X_part), y_part) for X_part, y_part in zip(X_parts, y_parts)]
for loss in losses:
    loss.backward()
grads = [grad.asnumpy() for grad in weight.list_grad()]
print([loss.shape for loss in losses], np.array_equal(*grads))
"""),
md("""
The loss is a sum over examples, so the gradient of the whole batch is the sum of the
parts' gradients. Check it on one device: a network with the same weights on one
context, the whole batch at once:
"""),
check("""
def copy_of(net, ctx):  # a new network on ctx (one or a list) with net's weights
    copy = make_net()
    copy.initialize(ctx=ctx)
    for name, param in copy.collect_params().items():
        param.set_data(net.collect_params()[name].data(devices[0]))
    return copy

single = copy_of(net, devices[0])
with autograd.record():
    loss = loss_fn(single(X.as_in_context(devices[0])), y.as_in_context(devices[0]))
loss.backward()
print(np.allclose(single[0].weight.grad().asnumpy(), grads[0] + grads[1], atol=1e-6))
"""),
md("""
## The Trainer sums the gradients

`trainer.step(batch_size)` does the "sum, then update every copy" part. It is two
steps you can also call yourself: `allreduce_grads()` replaces each device's gradient
by the sum over devices, then `update(batch_size)` applies the optimizer:
"""),
check("""
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.5})
trainer.allreduce_grads()
summed = [grad.asnumpy() for grad in weight.list_grad()]
print(np.array_equal(*summed), np.allclose(summed[0], grads[0] + grads[1]))
trainer.update(batch_size=8)
print(np.array_equal(*[data.asnumpy() for data in weight.list_data()]))
"""),
md("""
The one-device network takes the same step with its whole-batch gradient, and lands
on the same weights:
"""),
check("""
single_trainer = gluon.Trainer(single.collect_params(), "sgd", {"learning_rate": 0.5})
single_trainer.step(batch_size=8)
print(np.allclose(single[0].weight.data().asnumpy(), weight.data(devices[1]).asnumpy(),
                  atol=1e-6))
"""),
md("""
## A data-parallel training loop

Put together, one training step splits the batch, records a forward pass per device,
runs `backward` on every loss and steps with the size of the whole batch:
"""),
code("""
def train(net, trainer, devices, num_epochs, batch_size=64):
    train_data = gluon.data.DataLoader(gluon.data.ArrayDataset(X_train, y_train),
                                       batch_size=batch_size)
    for epoch in range(num_epochs):
        for X, y in train_data:
            X_parts = gluon.utils.split_and_load(X, devices, even_split=False)
            y_parts = gluon.utils.split_and_load(y, devices, even_split=False)
            with autograd.record():
                losses = [loss_fn(net(a), b) for a, b in zip(X_parts, y_parts)]
            for loss in losses:
                loss.backward()
            trainer.step(X.shape[0])
"""),
md("""
Train the two-device network and a one-device copy of it for three epochs. Their
weights still agree (up to the rounding of adding in a different order), and so do
their predictions:
"""),
check("""
single = copy_of(net, mx.cpu())
single_trainer = gluon.Trainer(single.collect_params(), "sgd", {"learning_rate": 0.5})
train(net, trainer, devices, num_epochs=3)
train(single, single_trainer, [mx.cpu()], num_epochs=3)
for name, param in net.collect_params().items():
    one = single.collect_params()[name].data().asnumpy()
    print(name, all(np.allclose(one, copy.asnumpy(), atol=1e-5)
                    for copy in param.list_data()))
"""),
check("""
def accuracy(net, ctx):
    y_hat = net(X_val.as_in_context(ctx))
    return float((y_hat.argmax(axis=1) == y_val.astype("float32").as_in_context(ctx))
                 .mean().asscalar())

print(accuracy(net, devices[0]) == accuracy(single, mx.cpu()),
      accuracy(net, devices[0]) > 0.9)
"""),
md("""
## The key-value store by hand

MXNet's Trainer hands the summing to a **KVStore**, and so can you.
`mx.kv.create('local')` makes a store on this machine. `init(key, value)` stores a
value, `push(key, [values])` sums the values pushed from all devices into it,
`pull(key, out=[arrays])` copies the stored value to every device:
"""),
check("""
kv = mx.kv.create("local")
kv.init("w", nd.zeros((2, 3)))
kv.push("w", [nd.ones((2, 3), ctx=ctx) * (i + 1) for i, ctx in enumerate(devices)])
outs = [nd.zeros((2, 3), ctx=ctx) for ctx in devices]
kv.pull("w", out=outs)
print(outs[1].asnumpy())
print(kv.type, kv.rank, kv.num_workers)
"""),
md("""
Without an optimizer, a push replaces the stored value by the sum (1 + 2 = 3). Give
a store an optimizer and a push *updates* the stored weight with the summed gradients
instead (MXNet's `update_on_kvstore`). With SGD, learning rate 0.1 and two gradients
of ones, a weight of 3 becomes 3 - 0.1 * 2:
"""),
check("""
kv = mx.kv.create("local")
kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1))
kv.init("w", nd.full((2, 3), 3))
kv.push("w", [nd.ones((2, 3), ctx=ctx) for ctx in devices])
kv.pull("w", out=outs)
print(outs[0].asnumpy())
"""),
md("""
That is a whole data-parallel update. Done for every parameter of the network, it
replaces `trainer.step`: one key per parameter holds the weight, the devices push
their gradients and pull the new weight:
"""),
code("""
def kvstore_step(net, kv):
    for index, param in enumerate(net.collect_params().values()):
        kv.push(index, param.list_grad())
        kv.pull(index, out=param.list_data())
"""),
md("""
`step(batch_size)` divides the gradients by the batch size; here the optimizer's
`rescale_grad` does it, for batches of 8. Start from equal weights, take one step each
way and compare:
"""),
code("""
by_hand = copy_of(net, devices)
kv = mx.kv.create("local")
for index, param in enumerate(by_hand.collect_params().values()):
    kv.init(index, param.data(devices[0]))
kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.5, rescale_grad=1 / 8))
"""),
md("""
Both networks run forward and backward on the same parts; the Trainer updates one,
the store the other:
"""),
check("""
for model in (net, by_hand):
    with autograd.record():
        losses = [loss_fn(model(a), b) for a, b in zip(X_parts, y_parts)]
    for loss in losses:
        loss.backward()
trainer.step(8)
kvstore_step(by_hand, kv)
print(all(np.allclose(a.data(ctx).asnumpy(), b.data(ctx).asnumpy(), atol=1e-6)
          for a, b in zip(net.collect_params().values(),
                          by_hand.collect_params().values()) for ctx in devices))
"""),
md("""
## Module on several contexts

A `Module` takes the list of contexts directly: `Module(sym, context=devices)`. At
`bind` it makes one Executor per device; each batch is sliced between them, and
`update` sums the gradients through its KVStore. The same symbolic network as
lesson 09, trained by `fit` on two devices and on one, from the same seed:
"""),
code("""
data = mx.sym.var("data")
net_sym = mx.sym.FullyConnected(data, num_hidden=32, name="fc1")
net_sym = mx.sym.Activation(net_sym, act_type="relu", name="relu1")
net_sym = mx.sym.FullyConnected(net_sym, num_hidden=10, name="fc2")
net_sym = mx.sym.SoftmaxOutput(net_sym, name="softmax")
train_iter = mx.io.NDArrayIter(X_train, y_train.astype("float32"), batch_size=64)
val_iter = mx.io.NDArrayIter(X_val, y_val.astype("float32"), batch_size=60)

def fit_on(context):
    mx.random.seed(1)
    train_iter.reset()
    mod = mx.mod.Module(net_sym, context=context)
    mod.fit(train_iter, num_epoch=3, initializer=mx.init.Xavier(), optimizer="sgd",
            optimizer_params={"learning_rate": 0.5})
    return mod
"""),
code("""
mod_two, mod_one = fit_on(devices), fit_on(devices[0])
"""),
md("""
The two logs agree. The two-device module holds two Executors, and ends with the
same parameters and the same validation accuracy:
"""),
check("""
print(len(mod_two._exec_group.execs), len(mod_one._exec_group.execs))
params_two, params_one = mod_two.get_params()[0], mod_one.get_params()[0]
print({name: np.allclose(params_two[name].asnumpy(), params_one[name].asnumpy(),
                         atol=1e-5) for name in params_one})
print(mod_two.score(val_iter, "acc") == mod_one.score(val_iter, "acc"))
"""),
md("""
## Summary

* Data parallelism: every device holds a copy of the parameters and computes the
  gradient of its part of the batch; the gradients are summed and every copy takes the
  same update, so the result equals one device on the whole batch.
* `gluon.utils.split_and_load(batch, devices)` cuts and copies a batch;
  `net.initialize(ctx=devices)` makes the copies (`list_ctx`, `list_data`,
  `list_grad`).
* `trainer.step(batch_size)` = `allreduce_grads()` (sum over devices) +
  `update(batch_size)`; step with the size of the *whole* batch.
* `mx.kv.create('local')`: `init`, `push` (sum, or update with `set_optimizer`),
  `pull`.
* `mx.mod.Module(sym, context=[...])` binds one Executor per device and slices each
  batch between them.

## Exercises

1. Write `parallel_step(net, trainer, loss_fn, X, y, devices)`: one data-parallel
   training step on a batch `X`, `y` for a network initialized on `devices`.
   `check_parallel_step` compares every copy of every weight with one SGD step computed
   in NumPy.
"""),
solution("""
def parallel_step(net, trainer, loss_fn, X, y, devices):
    ### BEGIN SOLUTION
    X_parts = gluon.utils.split_and_load(X, devices)
    y_parts = gluon.utils.split_and_load(y, devices)
    with autograd.record():
        losses = [loss_fn(net(a), b) for a, b in zip(X_parts, y_parts)]
    for loss in losses:
        loss.backward()
    trainer.step(X.shape[0])
    ### END SOLUTION
""", "parallel_step"),
check("""
from dlkit.exercises_training import check_parallel_step

check_parallel_step(parallel_step)
"""),
md("""
2. In `parallel_step`, call `trainer.step(X_parts[0].shape[0])` instead. What does the
   checker report, and by what factor is the step too large?
3. Train with `mx.kv.create('local')` but call `kv.pull` only into the first device's
   copy. After a few steps, how far apart are the two copies?
4. Bind a Module with `context=devices, work_load_list=[3, 1]`. How are the 64 rows of
   a batch split now? (`mod._exec_group.slices`)

## Read the source

* `dlkit/gluon/utils.py`: `split_data`, `split_and_load`.
* `dlkit/gluon/parameter.py`: `Parameter.initialize` (one copy per context),
  `list_ctx`, `list_data`, `list_grad`, `data(ctx)`.
* `dlkit/gluon/trainer.py`: `Trainer.step`, `_allreduce_grads`, `_update`.
* `dlkit/kvstore.py`: `KVStore.init`, `push`, `_sum`, `pull`, `set_optimizer`.
* `dlkit/module/executor_group.py`: `split_slices`, `DataParallelExecutorGroup`;
  `dlkit/module/module.py`: `Module.bind`, `Module.update`.
"""),
]
