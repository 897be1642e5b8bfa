"""Lesson 11 · Gluon networks: an MLP and a LeNet on handwritten digits."""
from notebook import check, code, md, solution

NAME = "11-gluon-networks"
CELLS = [
md("""
# 11 · Gluon networks: digits with an MLP and a LeNet

**What you will build:** two classifiers for handwritten digits: a multilayer
perceptron and a small LeNet-style convolutional network, both with BatchNorm and
Dropout, trained with a Gluon loop. You print their layer tables with `net.summary`,
watch training live on a `TrainingDashboard`, and look at how the weights move with a
`WeightsMonitor`. Both networks reach over 90% test accuracy in a few seconds.

Time: about 30 minutes. You need lesson 10 (Gluon basics).
"""),
check("""
import numpy as np

import dlkit as mx
from dlkit import autograd, gluon, nd
from dlkit.gluon import nn
from dlkit.gluon.data.vision import Digits

mx.random.seed(0)
np.random.seed(0)
"""),
md("""
## The digits

`Digits` ships with dlkit: 1797 scanned digits of 8x8 pixels, split into 1437 for
training and 360 for testing. Each sample is `(image, label)`, the image in HWC
layout (height, width, channels) as `uint8`:
"""),
check("""
train_data = Digits(train=True)
test_data = Digits(train=False)
image, label = train_data[0]
print(len(train_data), len(test_data), image.shape, image.dtype, label)
"""),
md("""
The pixel values go from 0 (white) to 16 (black). Printed as numbers, the first
image is recognizably its label:
"""),
check("""
print(image[:, :, 0].asnumpy())
"""),
md("""
Networks want float32 in CHW layout (channels first, lesson 04) with values near
0..1. A transform function does that for each image as it is read;
`transform_first` applies it to the image and leaves the label alone (lesson 12 has
the details).
"""),
check("""
def to_input(image):
    return image.transpose((2, 0, 1)).astype('float32') / 16

train = train_data.transform_first(to_input)
test = test_data.transform_first(to_input)
train_loader = gluon.data.DataLoader(train, batch_size=64, shuffle=True)
test_loader = gluon.data.DataLoader(test, batch_size=120)
X, y = next(iter(train_loader))
print(X.shape, X.dtype, y.shape, len(train_loader))
"""),
md("""
## An MLP

`Flatten` turns each (1, 8, 8) image into 64 numbers. One hidden layer of 64 units,
then BatchNorm (normalizes each unit over the batch) and Dropout (zeroes 20% of the
units while training), then 10 outputs: one score per digit.
"""),
check("""
mlp = nn.Sequential()
mlp.add(nn.Flatten(),
        nn.Dense(64, activation='relu'),
        nn.BatchNorm(),
        nn.Dropout(0.2),
        nn.Dense(10))
mlp.initialize(mx.init.Xavier())
"""),
md("""
`summary` runs one batch through the network and prints each layer's output shape
and parameter count. BatchNorm's 256 parameters include its 128 running statistics,
which are not trained by gradient: the "Non-trainable params".
"""),
check("""
mlp.summary(X[:2])
"""),
md("""
## Measuring accuracy

`mx.metric.Accuracy` (the metric of lesson 09) compares the highest score of each
row with the label. Outside `autograd.record()` the network runs in prediction mode:
Dropout off, BatchNorm on its running statistics.
"""),
code("""
def accuracy(net, loader):
    metric = mx.metric.Accuracy()
    for X, y in loader:
        metric.update([y], [net(X)])
    return metric.get()[1]
"""),
md("""
## The training loop, with a dashboard

The loop of lesson 10, with `SoftmaxCrossEntropyLoss` for classification and the
Adam optimizer. A `TrainingDashboard` is an ordinary object: after each batch call
`dash.update(...)` with the numbers to plot, after each epoch with the validation
accuracy (`validation=True`). It redraws at most every `redraw_interval` seconds and
its Stop button sets `dash.stopped`.
"""),
code("""
loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()

def train(net, num_epochs, dash, monitor=None):
    trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.01})
    for epoch in range(num_epochs):
        for batch, (X, y) in enumerate(train_loader):
            with autograd.record():
                loss = loss_fn(net(X), y)
            loss.backward()
            if monitor is not None:
                monitor.update(net.collect_params())
            trainer.step(X.shape[0])
            dash.update(epoch, batch, {'loss': loss.mean().asscalar()}, samples=X.shape[0])
            if dash.stopped:
                return
        dash.update(epoch, None, {'accuracy': accuracy(net, test_loader)}, validation=True)
"""),
code("""
from dlkit.widgets import TrainingDashboard

dash = TrainingDashboard(num_epochs=5, batches_per_epoch=len(train_loader))
train(mlp, 5, dash)
dash.finish()
"""),
md("""
The loss curve falls within the first epoch; the accuracy dots are on the test set.
The history stays in `dash.history` for plotting or checking:
"""),
check("""
print(list(dash.history), len(dash.history['loss']['train']),
      len(dash.history['accuracy']['validation']))
"""),
md("""
## A LeNet

LeNet is a convolutional network: small filters that slide over the image
(`Conv2D`), each followed by pooling that halves the resolution (`MaxPool2D`), then
dense layers. Here with 3x3 filters and padding 1 so that the 8x8 images are not
shrunk by the filters, BatchNorm after the first convolution (it normalizes each of
the 16 channels) and Dropout before the output.
"""),
check("""
lenet = nn.HybridSequential()
lenet.add(nn.Conv2D(16, kernel_size=3, padding=1, activation='relu'),
          nn.BatchNorm(),
          nn.MaxPool2D(pool_size=2),
          nn.Conv2D(32, kernel_size=3, padding=1, activation='relu'),
          nn.MaxPool2D(pool_size=2),
          nn.Flatten(),
          nn.Dense(64, activation='relu'),
          nn.Dropout(0.5),
          nn.Dense(10))
lenet.initialize(mx.init.Xavier())
"""),
check("""
lenet.summary(X[:2])
"""),
md("""
Follow the shapes: 8x8 becomes 4x4, then 2x2; 32 channels of 2x2 flatten to 128
inputs for the first Dense layer. The first convolution has 16 filters of 1x3x3
weights plus 16 biases: 160 parameters.

`HybridSequential` can be `hybridize`d: the first call traces the network into a
Symbol graph (lessons 05-07) and later calls run that graph. Same results, less
Python per batch.
"""),
code("""
lenet.hybridize()
"""),
md("""
## Watching the weights

A `WeightsMonitor` stores, every `interval` calls, a histogram of each parameter and
of its gradient; here once per epoch, at its first batch. Call `monitor.update(net.collect_params())` after `loss.backward()`
(our `train` does when given a monitor); `pattern` selects parameters by name.
"""),
code("""
from dlkit.widgets import WeightsMonitor

monitor = WeightsMonitor(interval=len(train_loader), pattern='.*weight')
dash = TrainingDashboard(num_epochs=4, batches_per_epoch=len(train_loader))
train(lenet, 4, dash, monitor)
dash.finish()
"""),
check("""
print([row[:2] for row in monitor.rows()])
"""),
md("""
Four weights (the two convolutions, the two dense layers), 4 snapshots each (one per
epoch). The names count layers of each kind in this
notebook: the MLP took `dense0` and `dense1`. Each row of the picture shows one
parameter: weight histograms on the left, gradient histograms on the right, early
snapshots light and late ones dark. The table above it gives the last root mean
squares. Look for two things: the weights start flat (Xavier draws them uniformly)
and become bell-shaped; the gradients are wide at the first batch and narrow once
the loss is small.
"""),
code("""
from IPython.display import Image

print(monitor)
Image(monitor.png())
"""),
md("""
## Both networks learned

This check fails the notebook if training ever stops working:
"""),
check("""
for name, net in (("mlp", mlp), ("lenet", lenet)):
    test_accuracy = accuracy(net, test_loader)
    assert test_accuracy >= 0.9, (name, test_accuracy)
print("both above 0.9")
"""),
md("""
## Summary

* `Digits` gives 8x8 handwritten digits as `(image, label)`, HWC `uint8`;
  `transform_first` turns the images into CHW float32 for the network.
* `nn.Sequential` / `nn.HybridSequential` stack layers; `Conv2D`, `MaxPool2D`,
  `Flatten`, `Dense`, `BatchNorm`, `Dropout` are the building blocks of a LeNet.
* `net.summary(x)` prints each layer's output shape and parameter count.
* `hybridize()` traces a HybridBlock into a graph once and reuses it.
* `TrainingDashboard.update(epoch, batch, metrics, samples)` and
  `WeightsMonitor.update(params)` plug into any Gluon loop.

## Exercises

1. Write `evaluate_accuracy(net, data_iter)` without `mx.metric`: the fraction of all
   examples whose highest score is the label. Careful: the last batch may be smaller
   than the others. `check_evaluate_accuracy` tests it.
"""),
solution("""
def evaluate_accuracy(net, data_iter):
    ### BEGIN SOLUTION
    correct, total = 0.0, 0
    for X, y in data_iter:
        predicted = net(X).argmax(axis=1)
        correct += (predicted == y.astype('float32')).sum().asscalar()
        total += y.shape[0]
    return correct / total
    ### END SOLUTION
""", "evaluate_accuracy"),
check("""
from dlkit.exercises_gluon import check_evaluate_accuracy

check_evaluate_accuracy(evaluate_accuracy)
print(evaluate_accuracy(lenet, test_loader) == accuracy(lenet, test_loader))
"""),
md("""
2. Remove the BatchNorm layer from the LeNet and train again with `'sgd'` and
   `learning_rate` 0.1. How many epochs until it reaches 90%?
3. Put the LeNet's Dropout at 0.9. What happens to the training loss, and to the test
   accuracy?
4. Click Stop on the dashboard during training. Where does `train` return, and what
   state are the parameters in?

## Read the source

* `dlkit/gluon/data/vision/datasets.py`: `Digits`.
* `dlkit/gluon/nn/basic_layers.py`: `Sequential`, `HybridSequential`, `Dense`,
  `BatchNorm`, `Dropout`, `Flatten`; `dlkit/gluon/nn/conv_layers.py`: `Conv2D`,
  `MaxPool2D`.
* `dlkit/ops/im2col.py`: how a convolution becomes matrix products (the module
  docstring, then `_column_layout`: why the same numbers can be laid out three ways);
  `dlkit/ops/windows.py`: the sliding windows that convolution and pooling share.
* `dlkit/gluon/summary.py`: `print_summary` (what `Block.summary` calls).
* `dlkit/gluon/hybrid_block.py`: `HybridBlock.hybridize`;
  `dlkit/gluon/cached_graph.py`: the traced graph.
* `dlkit/gluon/loss.py`: `SoftmaxCrossEntropyLoss`.
* `dlkit/widgets/dashboard.py`: `TrainingDashboard.update`;
  `dlkit/widgets/weights_monitor.py`: `WeightsMonitor.update`.
"""),
]
