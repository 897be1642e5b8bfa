"""dlkit/optimizer against MXNet 1.9.1 goldens (tests/golden/gen_optimizer.py)."""
import numpy as np
import pytest

import dlkit as mx
from golden_replay import decode, load_topic

CASES, ARRAYS = load_topic("optimizer")
RULES = [case for case in CASES if "name" in case]


def _run(case, ctx):
    kwargs = decode(case["kwargs"])
    dtype = case.get("dtype", "float32")
    optimizer = mx.optimizer.create(case["name"], **kwargs)
    weight = mx.nd.array(ARRAYS["weight"], ctx=ctx, dtype=dtype)
    state = optimizer.create_state_multi_precision(0, weight)
    weights = []
    for grad in ARRAYS["grads"]:
        grad = mx.nd.array(grad, ctx=ctx, dtype=dtype)
        optimizer.update_multi_precision(0, weight, grad, state)
        weights.append(weight.asnumpy())
    return np.stack(weights)


@pytest.mark.parametrize("case", RULES, ids=[case["id"] for case in RULES])
def test_update_rule_matches_mxnet_after_each_step(case, ctx):
    expected = ARRAYS[case["weights"]]
    tolerance = 1e-3 if case.get("dtype") == "float16" else 2e-5
    np.testing.assert_allclose(_run(case, ctx), expected, rtol=tolerance,
                               atol=tolerance)


def test_names_set_weight_decay_and_learning_rate_multipliers():
    case = next(c for c in CASES if c["id"] == "multipliers")
    scheduler = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=0.1)
    optimizer = mx.optimizer.SGD(momentum=0.5, lr_scheduler=scheduler, wd=0.1,
                                 param_idx2name={0: "fc_weight", 1: "fc_bias",
                                                 2: "bn_gamma", 3: "bn_beta"})
    optimizer.set_lr_mult({"fc_weight": 2.0})
    assert optimizer.wd_mult == case["wd_mult"]
    assert optimizer.lr_mult == case["lr_mult"]
    np.testing.assert_allclose([optimizer._get_lr(i) for i in range(4)], case["lrs"])
    np.testing.assert_allclose([optimizer._get_wd(i) for i in range(4)], case["wds"])
    # a scheduled run over two weights, learning rate recorded after each step
    history = []
    weights = [mx.nd.array(ARRAYS["weight"]) for _ in range(2)]
    states = [optimizer.create_state(i, w) for i, w in enumerate(weights)]
    for grad in ARRAYS["grads"]:
        for index in range(2):
            optimizer.update(index, weights[index], mx.nd.array(grad), states[index])
            history.append(weights[index].asnumpy())
        history.append(np.full((3, 4), optimizer.learning_rate, np.float32))
    scheduled = next(c for c in CASES if c["id"] == "scheduled")
    np.testing.assert_allclose(np.stack(history), ARRAYS["scheduled"], rtol=1e-5,
                               atol=1e-6)
    assert optimizer.num_update == scheduled["num_update"]


def test_defaults_follow_mxnet():
    optimizer = mx.optimizer.Optimizer()
    assert optimizer.lr == 0.01 and optimizer.wd == 0.0
    assert optimizer.rescale_grad == 1.0
    assert optimizer.clip_gradient is None and optimizer.num_update == 0
    assert mx.optimizer.Adam().lr == 0.001 and mx.optimizer.Adamax().lr == 0.002
    assert mx.optimizer.RMSProp().lr == 0.001 and mx.optimizer.Ftrl().lr == 0.1
    assert mx.optimizer.Signum().momentum == 0.9


def test_create_is_case_insensitive_and_lists_names_when_unknown():
    assert isinstance(mx.optimizer.create("SGD", learning_rate=0.3), mx.optimizer.SGD)
    assert isinstance(mx.optimizer.create("adam"), mx.optimizer.Adam)
    with pytest.raises(ValueError, match="Cannot find optimizer nope.*'sgd'"):
        mx.optimizer.create("nope")


def test_register_adds_a_new_optimizer():
    @mx.optimizer.register
    class HalfStep(mx.optimizer.Optimizer):
        def update(self, index, weight, grad, state):
            weight[:] = weight - 0.5 * grad

    weight = mx.nd.ones((2,))
    mx.optimizer.create("halfstep").update(0, weight, mx.nd.ones((2,)), None)
    np.testing.assert_allclose(weight.asnumpy(), [0.5, 0.5])
    del mx.optimizer.Optimizer.opt_registry["halfstep"]


def test_learning_rate_cannot_be_set_under_a_scheduler():
    optimizer = mx.optimizer.SGD(learning_rate=0.5,
                                 lr_scheduler=mx.lr_scheduler.FactorScheduler(2))
    assert optimizer.lr_scheduler.base_lr == 0.5  # learning_rate overrides base_lr
    with pytest.raises(UserWarning, match="LRScheduler"):
        optimizer.set_learning_rate(0.1)
    plain = mx.optimizer.SGD()
    plain.set_learning_rate(0.2)
    assert plain.learning_rate == 0.2


def test_update_counts_are_per_index_and_start_at_begin_num_update():
    optimizer = mx.optimizer.SGD(begin_num_update=10)
    updater = mx.optimizer.get_updater(optimizer)
    weight, grad = mx.nd.ones((2,)), mx.nd.ones((2,))
    updater(3, grad, weight)
    updater("a", grad, weight)
    updater("a", grad, weight)
    assert optimizer._index_update_count == {3: 11, "a": 12}
    assert optimizer.num_update == 12


def test_updater_states_round_trip_without_pickle(ctx):
    optimizer = mx.optimizer.Adam(learning_rate=0.1,
                                  lr_scheduler=mx.lr_scheduler.FactorScheduler(3, 0.5))
    updater = mx.optimizer.get_updater(optimizer)
    weight = mx.nd.array(ARRAYS["weight"], ctx=ctx)
    for grad in ARRAYS["grads"][:2]:
        updater(0, mx.nd.array(grad, ctx=ctx), weight)
    blob = updater.get_states(dump_optimizer=True)
    assert isinstance(blob, bytes) and b"pickle" not in blob[:4]
    restored = mx.optimizer.get_updater(mx.optimizer.SGD())
    restored.set_states(blob)
    assert isinstance(restored.optimizer, mx.optimizer.Adam)
    assert restored.optimizer.num_update == 2
    assert restored.optimizer.lr_scheduler.step == 3
    twin = weight.copy()
    updater(0, mx.nd.array(ARRAYS["grads"][2], ctx=ctx), weight)
    restored(0, mx.nd.array(ARRAYS["grads"][2], ctx=ctx), twin)
    np.testing.assert_allclose(twin.asnumpy(), weight.asnumpy(), rtol=1e-6)
    assert twin.context == ctx


def test_set_states_rejects_foreign_bytes():
    updater = mx.optimizer.get_updater(mx.optimizer.SGD())
    with pytest.raises(mx.MXNetError, match="pickled"):
        updater.set_states(b"\x80\x04not a dlkit archive")


def test_updater_accepts_lists_of_indices():
    updater = mx.optimizer.get_updater(mx.optimizer.SGD(learning_rate=1.0))
    weights = [mx.nd.ones((2,)), mx.nd.ones((3,))]
    updater([0, 1], [mx.nd.ones((2,)), mx.nd.ones((3,))], weights)
    assert [w.asnumpy().tolist() for w in weights] == [[0, 0], [0, 0, 0]]
    assert set(updater.states) == {0, 1}


def test_symbol_attributes_set_multipliers_as_in_mxnet():
    weight = mx.sym.Variable("w", lr_mult=2.0, wd_mult=0.5)
    net = mx.sym.FullyConnected(mx.sym.Variable("data"), weight=weight, num_hidden=2,
                                name="fc")
    optimizer = mx.optimizer.SGD(sym=net, param_idx2name={0: "w", 1: "fc_bias"}, wd=0.1)
    assert optimizer.lr_mult == {"w": 2.0}
    assert optimizer.wd_mult == {"w": 0.5, "fc_bias": 0.0}
    assert optimizer._get_lr(0) == pytest.approx(0.02)
    assert optimizer._get_wd(0) == pytest.approx(0.05)
    assert optimizer._get_wds([0, 1]) == [pytest.approx(0.05), 0.0]


def test_gluon_parameter_multipliers_take_precedence():
    param = mx.gluon.Parameter("x", shape=(2,), lr_mult=3.0, wd_mult=0.0)
    optimizer = mx.optimizer.SGD(param_dict={0: param}, wd=0.1)
    optimizer.set_lr_mult({0: 10.0})
    assert optimizer._get_lr(0) == pytest.approx(0.03)
    assert optimizer._get_wd(0) == 0.0


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_power_of_two_rescale_is_bit_identical_to_the_two_step_formula(momentum):
    # 1/128 is a power of two: SGD folds it into the learning rate (one multiply),
    # which must give exactly lr * (rescale_grad * grad)
    rng = np.random.default_rng(0)
    weight = rng.standard_normal(1000).astype(np.float32)
    grad = (rng.standard_normal(1000) * 10.0 ** rng.integers(-5, 3, 1000)).astype(
        np.float32)
    opt = mx.optimizer.SGD(learning_rate=0.1, momentum=momentum, rescale_grad=1 / 128)
    w = mx.nd.array(weight)
    state = opt.create_state(0, w)
    opt.update(0, w, mx.nd.array(grad), state)
    step = np.float32(1 / 128) * grad
    step *= np.float32(0.1)
    np.testing.assert_array_equal(w.asnumpy(), weight - step)   # momentum 0 -> m = -step
