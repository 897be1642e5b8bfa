"""The Gluon examples of seed 003 (a Chinese MXNet blog), run unchanged on dlkit."""
import warnings

import numpy as np

import dlkit as mx
from dlkit import autograd, gluon, nd


def test_linear_regression_with_array_dataset_trainer_and_save_params(tmp_path):
    num_inputs = 2
    num_examples = 1000
    true_w = [2, -3.4]
    true_b = 4.2
    features = nd.random.normal(scale=1, shape=(num_examples, num_inputs))
    labels = true_w[0] * features[:, 0] + true_w[1] * features[:, 1] + true_b
    labels += nd.random.normal(scale=0.01, shape=labels.shape)
    from dlkit.gluon import data as gdata
    batch_size = 10
    dataset = gdata.ArrayDataset(features, labels)
    data_iter = gdata.DataLoader(dataset, batch_size, shuffle=True)
    for X, y in data_iter:
        assert X.shape == (10, 2) and y.shape == (10,)
        break
    net = gluon.nn.Sequential()
    with net.name_scope():
        net.add(gluon.nn.Dense(1))
    net.collect_params().initialize(mx.init.Normal(sigma=1))
    square_loss = gluon.loss.L2Loss()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {
        'learning_rate': 0.03, 'wd': 0.0})
    for e in range(2):
        for data, label in data_iter:
            with autograd.record():
                output = net(data)
                loss = square_loss(output, label)
            loss.backward()
            trainer.step(batch_size)
    np.testing.assert_allclose(net[0].weight.data().asnumpy(), [true_w], atol=0.02)
    net.collect_params().reset_ctx(mx.cpu())
    filename = str(tmp_path / "linear.params")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        net.save_params(filename)
        fresh = gluon.nn.Sequential()
        with fresh.name_scope():
            fresh.add(gluon.nn.Dense(1))
        fresh.load_params(filename, mx.cpu())
    np.testing.assert_array_equal(fresh[0].weight.data().asnumpy(),
                                  net[0].weight.data().asnumpy())


def test_layer_constructors_from_the_blog():
    net = gluon.nn.Sequential()
    net.add(gluon.nn.Conv2D(channels=6, kernel_size=5, activation='sigmoid'),
            gluon.nn.MaxPool2D(pool_size=2, strides=2),
            gluon.nn.Conv2D(1, kernel_size=(1, 2)),
            gluon.nn.BatchNorm(axis=1),
            gluon.nn.Flatten(),
            gluon.nn.Dense(256, activation="relu"),
            gluon.nn.Activation("relu"))
    net.initialize()
    assert net(nd.ones((2, 1, 12, 12))).shape == (2, 256)
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    assert loss(nd.zeros((2, 3)), nd.array([0, 2])).shape == (2,)
