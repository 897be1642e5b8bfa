"""End to end: a LeNet trained on the bundled 8x8 digits reaches >= 95% validation."""
import numpy as np

import dlkit as mx
from dlkit import autograd, gluon
from dlkit.gluon import nn
from dlkit.gluon.data.vision import Digits, transforms


def _lenet():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(8, kernel_size=3, padding=1, activation="relu"),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Conv2D(16, kernel_size=3, padding=1, activation="relu"),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Flatten(),
                nn.Dense(32, activation="relu"),
                nn.Dense(10))
    return net


def test_lenet_on_digits_reaches_95_percent_validation_accuracy():
    mx.random.seed(42)
    np.random.seed(42)
    to_tensor = transforms.Compose([transforms.ToTensor(),
                                    transforms.Normalize(0.03, 0.05)])
    train = gluon.data.DataLoader(Digits(train=True).transform_first(to_tensor),
                                  batch_size=64, shuffle=True)
    valid = gluon.data.DataLoader(Digits(train=False).transform_first(to_tensor),
                                  batch_size=120)
    net = _lenet()
    net.initialize(mx.init.Xavier())
    net.hybridize()
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.01})
    for epoch in range(5):
        for X, y in train:
            with autograd.record():
                loss = loss_fn(net(X), y)
            loss.backward()
            trainer.step(X.shape[0])
    correct = total = 0
    for X, y in valid:
        y_hat = net(X).argmax(axis=1)
        correct += int((y_hat == y.astype("float32")).sum().asscalar())
        total += X.shape[0]
    print(f"validation accuracy {correct / total:.3f}")
    assert correct / total >= 0.95
