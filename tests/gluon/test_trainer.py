"""gluon.Trainer: steps, several contexts, stale gradients, learning rate, states."""
import numpy as np
import pytest

import dlkit as mx
from dlkit import autograd, gluon, nd
from dlkit.gluon import nn


def _step(net, trainer, x, batch_size=None):
    with autograd.record():
        loss = net(x).sum()
    loss.backward()
    trainer.step(batch_size or x.shape[0])


def test_step_scales_the_gradient_by_one_over_batch_size():
    net = nn.Dense(1, in_units=2, use_bias=False)
    net.initialize(mx.init.Zero())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 1.0})
    _step(net, trainer, nd.array([[1, 2], [3, 4]]))
    assert net.weight.data().asnumpy().tolist() == [[-2, -3]]


def test_gradients_on_two_contexts_are_summed_and_copies_stay_equal():
    net = nn.Dense(1, in_units=2, use_bias=False)
    net.initialize(mx.init.Zero(), ctx=[mx.cpu(0), mx.cpu(1)])
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 1.0})
    x = nd.array([[1, 2], [3, 4]])
    with autograd.record():
        losses = [net(part).sum() for part in
                  gluon.utils.split_and_load(x, [mx.cpu(0), mx.cpu(1)])]
    autograd.backward(losses)
    trainer.step(2)
    for ctx in (mx.cpu(0), mx.cpu(1)):
        assert net.weight.data(ctx).asnumpy().tolist() == [[-2, -3]]


def test_stale_gradient_raises_unless_ignored():
    net = nn.Dense(1, in_units=2)
    net.initialize()
    trainer = gluon.Trainer(net.collect_params(), "sgd")
    _step(net, trainer, nd.ones((1, 2)))
    with pytest.raises(mx.MXNetError, match="ignore_stale_grad=True"):
        trainer.step(1)
    before = net.weight.data().asnumpy()
    trainer.step(1, ignore_stale_grad=True)
    np.testing.assert_array_equal(net.weight.data().asnumpy(), before)


def test_learning_rate_and_allreduce_update_split():
    net = nn.Dense(1, in_units=2, use_bias=False)
    net.initialize(mx.init.Zero())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.5})
    assert trainer.learning_rate == 0.5
    trainer.set_learning_rate(1.0)
    with autograd.record():
        loss = net(nd.array([[1, 2]])).sum()
    loss.backward()
    trainer.allreduce_grads()
    gluon.utils.clip_global_norm([net.weight.grad()], 1.0)
    trainer.update(1)
    np.testing.assert_allclose(net.weight.data().asnumpy(), [[-0.4472136, -0.8944272]],
                               rtol=1e-5)


def test_bad_params_argument_is_rejected():
    with pytest.raises(ValueError, match="list or dict of Parameters"):
        gluon.Trainer(nd.ones(2), "sgd")


def test_save_and_load_states_restore_adam_moments(tmp_path):
    net = nn.Dense(1, in_units=2)
    net.initialize()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.1})
    _step(net, trainer, nd.ones((1, 2)))
    filename = str(tmp_path / "trainer.states")
    trainer.save_states(filename)
    weights = net.weight.data().asnumpy()
    _step(net, trainer, nd.ones((1, 2)))
    expected = net.weight.data().asnumpy()
    net.weight.set_data(nd.array(weights))
    trainer.load_states(filename)
    _step(net, trainer, nd.ones((1, 2)))
    np.testing.assert_allclose(net.weight.data().asnumpy(), expected, rtol=1e-6)
