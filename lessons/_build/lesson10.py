"""Lesson 10 · Gluon basics: linear regression from scratch, then with Gluon."""
from notebook import check, code, md, solution

NAME = "10-gluon-basics"
CELLS = [
md("""
# 10 · Gluon basics: linear regression twice

**What you will build:** a linear regression model, first from scratch with NDArray,
autograd and SGD written by hand, then again with Gluon: `ArrayDataset` and
`DataLoader` for the data, `nn.Sequential` and `nn.Dense` for the model, `L2Loss` and
`gluon.Trainer` for the training. Then you look inside the model: how parameters are
named, how they are saved and loaded, and why BatchNorm and Dropout behave
differently in training and in prediction.

The Gluon code is the example of a Chinese blog post on MXNet's APIs; it runs here
unchanged with `import dlkit as mx`.

Time: about 30 minutes. You need lessons 02 (NDArray) and 03 (autograd).
"""),
check("""
import os
import tempfile

import numpy as np

import dlkit as mx
from dlkit import autograd, gluon, nd

mx.random.seed(0)
np.random.seed(0)
"""),
md("""
## Autograd in three lines

A reminder of lesson 03: mark an array with `attach_grad`, compute under
`autograd.record()`, call `backward`. Here $y = 2 x^\\top x$, so the gradient is $4x$:
"""),
check("""
x = nd.arange(4).reshape((4, 1))
x.attach_grad()
with autograd.record():
    y = 2 * nd.dot(x.T, x)
y.backward()
print('x.grad: ', x.grad)
"""),
md("""
## The data

1000 points with two features, and labels from a known linear function plus a little
noise: $y = 2 x_1 - 3.4 x_2 + 4.2 + \\epsilon$. Training should recover the 2, -3.4 and
4.2.
"""),
check("""
num_inputs = 2
num_examples = 1000
true_w = [2, -3.4]
true_b = 4.2
features = nd.random.normal(scale=1, shape=(num_examples, num_inputs))
labels = true_w[0] * features[:, 0] + true_w[1] * features[:, 1] + true_b
labels += nd.random.normal(scale=0.01, shape=labels.shape)
print(features.shape, labels.shape)
"""),
md("""
## From scratch

A generator of shuffled mini-batches: a random order of the indices, cut into
pieces, and `nd.take` to gather the rows.
"""),
code("""
def data_iter(batch_size, features, labels):
    indices = np.random.permutation(len(features))
    for i in range(0, len(indices), batch_size):
        batch = nd.array(indices[i:i + batch_size])
        yield features.take(batch), labels.take(batch)
"""),
md("""
The parameters, the model, the loss and the optimizer, each a few lines. `sgd`
changes the parameters *in place* (`param[:] = ...`): the arrays that carry the
gradients must stay the same objects.
"""),
code("""
w = nd.random.normal(scale=1, shape=(num_inputs, 1))
b = nd.zeros(shape=(1,))
params = [w, b]
for param in params:
    param.attach_grad()

def net(X, w, b):
    return nd.dot(X, w) + b

def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2

def sgd(params, lr, batch_size):
    for param in params:
        param[:] = param - lr * param.grad / batch_size
"""),
md("""
The training loop: for every mini-batch, record the forward pass, backpropagate the
summed loss, take one SGD step. After each epoch print the loss over the whole data.
"""),
code("""
lr, num_epochs, batch_size = 0.03, 3, 10
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        with autograd.record():
            loss = squared_loss(net(X, w, b), y)
        loss.backward()  # a non-scalar loss: backward sums it first
        sgd(params, lr, batch_size)
    train_loss = squared_loss(net(features, w, b), labels).mean().asscalar()
    print(f"epoch {epoch + 1}, loss {train_loss:.6f}")
"""),
check("""
print(np.round(w.asnumpy().ravel(), 2), np.round(b.asscalar(), 2))
"""),
md("""
Close to `[2, -3.4]` and `4.2`. Now the same with Gluon.

## Gluon: data

`ArrayDataset` zips arrays of equal length; `DataLoader` draws shuffled mini-batches
from it: what `data_iter` did by hand.
"""),
code("""
from dlkit.gluon import data as gdata

batch_size = 10
dataset = gdata.ArrayDataset(features, labels)
data_iter = gdata.DataLoader(dataset, batch_size, shuffle=True)
for X, y in data_iter:
    print(X, y)
    break
"""),
check("""
print(len(dataset), len(data_iter), X.shape, y.shape)
"""),
md("""
1000 examples make 100 batches of 10 rows.

## Gluon: the model

`nn.Sequential` chains layers; `nn.Dense(1)` is $Xw + b$ with one output. Its input
size is not given: Gluon learns it from the first batch (deferred initialization).
"""),
check("""
net = gluon.nn.Sequential()
with net.name_scope():
    net.add(gluon.nn.Dense(1))
net.collect_params().initialize(mx.init.Normal(sigma=1))
print(net)
"""),
md("""
`collect_params()` returns every parameter of the model in a `ParameterDict`. Before
any data went through, the weight's input size is unknown and shows as 0:
"""),
check("""
print(net.collect_params())
"""),
md("""
## Gluon: loss, Trainer and the loop

`gluon.loss.L2Loss` is the `squared_loss` above (averaged over each example's
outputs). `gluon.Trainer` applies an optimizer to a `ParameterDict`;
`trainer.step(batch_size)` does one update and divides the gradient by `batch_size`.
`wd` is weight decay (an L2 penalty on the weights); this model needs none.
"""),
code("""
learning_rate = 0.03
weight_decay = 0.0
trainer = gluon.Trainer(net.collect_params(), 'sgd', {
    'learning_rate': learning_rate, 'wd': weight_decay})
square_loss = gluon.loss.L2Loss()
"""),
md("""
The seed's loop records a training and a test loss after each epoch, with a `test`
helper; split the data 800/200 for it.
"""),
code("""
def test(net, X, y):
    return square_loss(net(X), y).mean().asscalar()

X_train, y_train = features[:800], labels[:800]
X_test, y_test = features[800:], labels[800:]
data_iter_train = gdata.DataLoader(gdata.ArrayDataset(X_train, y_train), batch_size,
                                   shuffle=True)
train_loss, test_loss = [], []
"""),
code("""
epochs = 5
for e in range(epochs):
    for data, label in data_iter_train:
        with autograd.record():
            output = net(data)
            loss = square_loss(output, label)
        loss.backward()
        trainer.step(batch_size)
    train_loss.append(test(net, X_train, y_train))
    test_loss.append(test(net, X_test, y_test))
print(["%.6f" % v for v in train_loss])
"""),
md("""
The parameters live in the layer: `net[0]` is the Dense layer, `weight` and `bias` its
`Parameter`s, `.data()` their values.
"""),
check("""
dense = net[0]
print(np.round(dense.weight.data().asnumpy(), 2), np.round(dense.bias.data().asnumpy(), 2))
"""),
md("""
## Parameter names

Every block has a `prefix`; its parameters are named prefix + name. A `Dense` created
at the top level is `dense0_`, the next `dense1_`; inside `net.name_scope()` the
counter restarts and the prefix of the container comes first.
"""),
check("""
layer = gluon.nn.Dense(3, in_units=2)
print(layer.prefix, layer.weight.name, layer.bias.name)
print(dense.prefix, dense.weight.name)
print(gluon.nn.Dense(4).weight.name)
"""),
md("""
`collect_params` takes a regular expression to select by name, which is how you give
one group of parameters its own learning rate or freeze it (`grad_req = 'null'`):
"""),
check("""
print(net.collect_params('.*weight'))
print(list(net.collect_params().keys()))
"""),
md("""
## Saving and loading

`save_parameters` writes the values to a file with `nd.save`, under *structural* names:
the path of the layer inside the model (`0.weight`), not the prefix. So the file
loads into any model of the same structure, whatever its prefixes.
"""),
check("""
folder = tempfile.mkdtemp()
path = os.path.join(folder, "linreg.params")
net.save_parameters(path)
print(sorted(nd.load(path)))
"""),
check("""
net2 = gluon.nn.Sequential()
with net2.name_scope():
    net2.add(gluon.nn.Dense(1))
net2.load_parameters(path, ctx=mx.cpu())
print(net2[0].weight.name, (net2[0].weight.data() == dense.weight.data()).min().asscalar())
"""),
md("""
`net2`'s weight is `sequential1_dense0_weight` (a second Sequential), yet it loads
the values: all entries are equal.
The seed uses the older pair `save_params`/`load_params`, deprecated in MXNet 1.x: they
still work and warn, and write *parameter* names without the model's own prefix
(`dense0_weight`):
"""),
code("""
import warnings

old = os.path.join(folder, "linreg-old.params")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    net.save_params(old)
    net.load_params(old, mx.cpu())
print(sorted(nd.load(old)))
print(caught[0].message)
"""),
md("""
`reset_ctx` moves every parameter to another device: a GPU when there is one, here
the CPU they are already on.
"""),
check("""
net.collect_params().reset_ctx(mx.cpu())
print(dense.weight.list_ctx())
"""),
md("""
## A tour of gluon.nn

The seed post lists the layers you will use most, each with the arguments it shows.
Apply each to a batch of two 1x8x8 images and look at the output shapes:
"""),
check("""
from dlkit.gluon import nn

x = nd.random.uniform(shape=(2, 1, 8, 8))
layers = [nn.Flatten(), nn.Conv2D(1, kernel_size=(1, 2)),
          nn.Conv2D(channels=6, kernel_size=5, activation='sigmoid'),
          nn.MaxPool2D(pool_size=2, strides=2), nn.Dense(256, activation="relu"),
          nn.Activation("relu"), nn.BatchNorm(axis=1)]
for layer in layers:
    layer.initialize()
    print(f"{type(layer).__name__:10}", layer(x).shape)
"""),
md("""
`Conv2D` slides a kernel over height and width (a 1x2 kernel makes the width 7, a 5x5
one makes 8x8 into 4x4) and `MaxPool2D` halves them; lesson 11 builds networks from
these. `Dense` flattens its input first. For classification, the loss is
`SoftmaxCrossEntropyLoss`: the softmax of the scores, then minus the log of the
label's probability, one value per example.
"""),
check("""
loss = gluon.loss.SoftmaxCrossEntropyLoss()
print(loss(nd.array([[2., 0.], [0., 2.]]), nd.array([0, 0])))
"""),
md("""
The loss is not one special operator. Given Symbols instead of arrays, its
`hybrid_forward` builds a graph, and the graph shows the four registry ops it calls,
named as MXNet names them: `log_softmax`; `pick`, which takes the label's entry of each
row; `_mulscalar`, which multiplies by -1; and `mean` over the non-batch axes.
"""),
check("""
graph = loss(mx.sym.var("pred"), mx.sym.var("label"))
print(graph.get_internals().list_outputs())
"""),
md("""
Autograd chains their four backward methods, and the result is a short formula: the
gradient with respect to the scores is the softmax minus the one-hot label.

* `pick`'s backward puts each row's gradient at the label's place, with exact zeros
  elsewhere.
* `log_softmax`'s backward turns that into `softmax - one_hot`.

Compare the two:
"""),
check("""
scores, labels = nd.array([[2., 0.], [0., 2.]]), nd.array([0, 0])
scores.attach_grad()
with autograd.record():
    per_example = loss(scores, labels)
per_example.backward()
print(scores.grad.asnumpy().round(5))
print((nd.softmax(scores) - nd.one_hot(labels, 2)).asnumpy().round(5))
"""),
md("""
Module's `SoftmaxOutput` (lesson 08) computes this gradient in one step. The four small
ops are in `dlkit/ops/softmax.py` (`LogSoftmax`), `dlkit/ops/indexing.py` (`Pick`),
`dlkit/ops/scalar.py` and `dlkit/ops/reduce.py` (`Mean`).
"""),
md("""
## Training mode and prediction mode

Two layers behave differently while training. `Dropout` zeroes random entries (and
scales the rest) in training, and does nothing in prediction. `BatchNorm` normalizes
with the batch's mean and variance in training and keeps moving averages of them for
prediction. Gluon uses training mode inside `autograd.record()`:
"""),
check("""
x = nd.array([[1., 2.], [3., 6.]])
dropout = gluon.nn.Dropout(0.5)
print(dropout(x))
with autograd.record():
    print(autograd.is_training(), dropout(x))
"""),
md("""
Outside `record` Dropout returned `x` unchanged; inside it, each entry was kept (and
doubled) or zeroed at random. Now BatchNorm, with its four parameters: `gamma` and
`beta` learned, `running_mean` and `running_var` updated by training itself:
"""),
check("""
bn = gluon.nn.BatchNorm(in_channels=2)
bn.initialize()
print(bn.collect_params())
"""),
md("""
In training mode each column is normalized with the batch's statistics. One training
step also moves the running statistics 10% of the way (`momentum=0.9`) toward the
batch's: mean `[2, 4]`, variance `[1, 4]`. (MXNet 1.9.1 updates them in the
backward pass, so we run one.)
"""),
check("""
x.attach_grad()
with autograd.record():
    out = bn(x)
out.backward()
print(out)
print(bn.running_mean.data(), bn.running_var.data())
"""),
md("""
In prediction mode BatchNorm uses the running statistics instead, so the same input
gives a different output. `autograd.train_mode()` and `autograd.predict_mode()` switch
the mode explicitly (for example to evaluate inside `record`).
"""),
check("""
print(bn(x))
with autograd.train_mode():
    print(autograd.is_training())
"""),
md("""
## Check your training

The Gluon model learned the true parameters, and the test loss is at the noise level
($0.01^2/2 = 5 \\cdot 10^{-5}$):
"""),
check("""
learned_w = dense.weight.data().asnumpy().ravel()
assert np.allclose(learned_w, true_w, atol=0.01), learned_w
assert abs(dense.bias.data().asscalar() - true_b) < 0.01
assert test_loss[-1] < 1e-4, test_loss
print("weights, bias and loss as expected")
"""),
md("""
## Summary

* From scratch: parameters with `attach_grad`, `autograd.record()`, `backward()`, and
  an in-place update `param[:] = param - lr * param.grad / batch_size`.
* Gluon: `ArrayDataset` + `DataLoader` (data), `nn.Sequential` + `nn.Dense` (model),
  `loss.L2Loss` (loss), `Trainer(params, 'sgd', {...})` + `step(batch_size)` (update).
* Parameters are named prefix + name (`dense0_weight`); `collect_params(regex)`
  selects them.
* `save_parameters`/`load_parameters` use structural names (`0.weight`); the
  deprecated `save_params`/`load_params` use parameter names.
* Dropout and BatchNorm train inside `autograd.record()` and predict outside it.

## Exercises

1. The seed post says the Trainer's `wd` does `w = w - lr*grad - wd*w`. MXNet's SGD
   actually does `w = w - lr * (grad / batch_size + wd * w)`. Write `sgd_wd(params, lr,
   batch_size, wd)` that does what `Trainer(..., 'sgd', {'learning_rate': lr, 'wd':
   wd}).step(batch_size)` does, in place; `check_sgd_wd` tests it.
"""),
solution("""
def sgd_wd(params, lr, batch_size, wd):
    ### BEGIN SOLUTION
    for param in params:
        param[:] = param - lr * (param.grad / batch_size + wd * param)
    ### END SOLUTION
""", "sgd_wd"),
check("""
from dlkit.exercises_gluon import check_sgd_wd

check_sgd_wd(sgd_wd)
"""),
md("""
2. Train the Gluon model with `'wd': 0.1`. How far do the learned weights move from
   `true_w`, and in which direction?
3. Replace `L2Loss` by `gluon.loss.L1Loss()`. Does training still find the weights?
4. Load `linreg.params` into a `Sequential` holding `nn.Dense(2)`. What does the error
   message say?

## Read the source

* `dlkit/gluon/data/dataset.py`: `ArrayDataset`; `dlkit/gluon/data/dataloader.py`:
  `DataLoader`.
* `dlkit/gluon/nn/basic_layers.py`: `Sequential`, `Dense`, `Dropout`, `BatchNorm`;
  `dlkit/gluon/nn/conv_layers.py`: `Conv2D`, `MaxPool2D`.
* `dlkit/gluon/block.py`: `Block.name_scope`, `collect_params`, `save_parameters`,
  `load_parameters`, `save_params`, `load_params`.
* `dlkit/gluon/parameter.py`: `Parameter` (deferred initialization, `data`, `grad`);
  `dlkit/gluon/parameter_dict.py`: `ParameterDict` (`initialize`, `reset_ctx`).
* `dlkit/gluon/trainer.py`: `Trainer.step`; `dlkit/optimizer/sgd.py`: `SGD` (the `wd` term).
* `dlkit/gluon/loss.py`: `L2Loss`, `SoftmaxCrossEntropyLoss`; `dlkit/autograd.py`: `record`, `train_mode`,
  `predict_mode`, `is_training`.
"""),
]
