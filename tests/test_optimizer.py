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


# ---- FTML, LAMB, LARS, LBSGD, DCASGD, ccSGD, Test, SGLD (gen_misc_training.py) ----
MISC_CASES, MISC_ARRAYS = load_topic("misc_training")
MISC_RULES = [case for case in MISC_CASES if case["kind"] == "optimizer"]


@pytest.mark.parametrize("case", MISC_RULES, ids=[case["id"] for case in MISC_RULES])
def test_more_update_rules_match_mxnet_after_each_step(case, ctx):
    kwargs = decode(case["kwargs"])
    dtype = case.get("dtype", "float32")
    optimizer = mx.optimizer.create(case["name"], **kwargs)
    weight = mx.nd.array(MISC_ARRAYS["optimizer/weight"], ctx=ctx, dtype=dtype)
    state = optimizer.create_state_multi_precision(0, weight)
    weights = []
    for grad in MISC_ARRAYS["optimizer/grads"]:
        grad = mx.nd.array(grad, ctx=ctx, dtype=dtype)
        optimizer.update_multi_precision(0, weight, grad, state)
        weights.append(weight.asnumpy())
    tolerance = 1e-3 if dtype == "float16" else 2e-5
    np.testing.assert_allclose(np.stack(weights), MISC_ARRAYS[case["weights"]],
                               rtol=tolerance, atol=tolerance)


def test_lars_updates_a_list_of_named_weights_as_mxnet():
    case = next(c for c in MISC_CASES if c["kind"] == "lars_many")
    names = {int(index): name for index, name in case["names"].items()}
    sched = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=0.1)
    lars = mx.optimizer.LARS(momentum=0.9, eta=0.01, wd=0.1, lr_scheduler=sched,
                             param_idx2name=names)
    assert lars.wd_mult == case["wd_mult"]   # bn_gamma is not decayed under LARS
    weight0 = MISC_ARRAYS["optimizer/weight"]
    weights = [mx.nd.array(weight0 * (index + 1)) for index in range(3)]
    states = [lars.create_state(index, weight) for index, weight in enumerate(weights)]
    history = []
    for grad in MISC_ARRAYS["optimizer/grads"]:
        grads = [mx.nd.array(grad * (index + 1)) for index in range(3)]
        lars.update([0, 1, 2], weights, grads, states)
        history += [weight.asnumpy() for weight in weights]
    np.testing.assert_allclose(np.stack(history), MISC_ARRAYS[case["weights"]],
                               rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("name", ["sgld", "dcasgd", "lars", "lamb", "lbsgd", "ftml",
                                  "ccsgd", "test", "SGLD", "LAMB"])
def test_new_optimizers_are_registered_and_drive_a_trainer(name):
    assert isinstance(mx.optimizer.create(name), mx.optimizer.Optimizer)
    net = mx.gluon.nn.Dense(2, in_units=3)
    net.initialize(mx.init.One())
    trainer = mx.gluon.Trainer(net.collect_params(), name.lower(),
                               {"learning_rate": 0.1})
    with mx.autograd.record():
        loss = net(mx.nd.ones((4, 3))).sum()
    loss.backward()
    before = net.weight.data().asnumpy()
    trainer.step(4)
    assert not np.array_equal(net.weight.data().asnumpy(), before)


def test_ccsgd_is_the_deprecated_name_of_sgd():
    assert issubclass(mx.optimizer.ccSGD, mx.optimizer.SGD)
    assert mx.optimizer.ccSGD().momentum == 0.0


def test_state_layouts_follow_mxnet():
    weight = mx.nd.ones((2, 3))
    assert len(mx.optimizer.FTML().create_state(0, weight)) == 3        # d, v, z
    assert len(mx.optimizer.LAMB().create_state(0, weight)) == 2        # mean, var
    assert mx.optimizer.LARS().create_state(0, weight) is None
    mom, previous = mx.optimizer.DCASGD().create_state(0, weight)
    assert mom is None and previous.asnumpy().tolist() == weight.asnumpy().tolist()
    # LARS keeps (momentum, float32 weight) for float16: the reverse of the others
    half = mx.nd.ones((2, 3), dtype="float16")
    mom, master = mx.optimizer.LARS(momentum=0.9, multi_precision=True) \
        .create_state_multi_precision(0, half)
    assert mom.dtype == np.float32 and master.dtype == np.float32
    mom, master = mx.optimizer.LBSGD(momentum=0.9, multi_precision=True) \
        .create_state(0, half)
    assert master.dtype == np.float32
    assert mx.optimizer.Test().create_state(0, half).dtype == np.float32


def test_dcasgd_with_momentum_follows_the_documented_rule():
    # MXNet 1.9.1 raises here (``if mom:`` on an array); dlkit applies the rule
    opt = mx.optimizer.DCASGD(momentum=0.5, lamda=0.1, learning_rate=0.1)
    w0 = np.array([1.0, -2.0], np.float32)
    weight = mx.nd.array(w0)
    state = opt.create_state(0, weight)
    mom = np.zeros(2, np.float32)
    previous = w0.copy()
    w = w0.copy()
    for grad in ([0.5, 1.0], [-1.0, 2.0]):
        g = np.array(grad, np.float32)
        opt.update(0, weight, mx.nd.array(g), state)
        mom = 0.5 * mom - 0.1 * (g + 0.1 * g * g * (w - previous))
        previous = w.copy()
        w = w + mom
    np.testing.assert_allclose(weight.asnumpy(), w, rtol=1e-6)
    np.testing.assert_allclose(state[1].asnumpy(), previous, rtol=1e-6)


def test_sgld_moves_by_half_a_step_plus_noise_of_variance_lr():
    mx.random.seed(3)
    lr, size = 0.04, 200000
    opt = mx.optimizer.SGLD(learning_rate=lr, wd=0.5)
    weight = mx.nd.ones((size,))
    grad = mx.nd.full((size,), 2.0)
    opt.update(0, weight, grad, opt.create_state(0, weight))
    noise = weight.asnumpy() - (1 - lr / 2 * (2.0 + 0.5 * 1.0))
    assert abs(noise.mean()) < 4 * np.sqrt(lr / size)
    assert noise.std() == pytest.approx(np.sqrt(lr), rel=0.01)
    # the samples are Gaussian: about 68% lie within one standard deviation
    assert np.mean(np.abs(noise) < np.sqrt(lr)) == pytest.approx(0.6827, abs=0.005)


def test_sgld_clips_the_rescaled_gradient():
    mx.random.seed(0)
    opt = mx.optimizer.SGLD(learning_rate=1.0, rescale_grad=10.0, clip_gradient=1.0)
    weight = mx.nd.zeros((100000,))
    opt.update(0, weight, mx.nd.full((100000,), 5.0), None)
    # drift -lr/2 * clip(50) = -0.5; the noise mean is ~0.003 (unclipped: -25)
    assert weight.asnumpy().mean() == pytest.approx(-0.5, abs=0.02)


def test_lbsgd_steps_only_at_the_end_of_a_macro_batch():
    opt = mx.optimizer.LBSGD(learning_rate=0.1, batch_scale=2, warmup_epochs=0)
    weight = mx.nd.zeros((2,))
    opt.update(0, weight, mx.nd.array([1.0, 2.0]), None)
    assert weight.asnumpy().tolist() == [0.0, 0.0]     # half a macro-batch: no step
    opt.update(0, weight, mx.nd.array([3.0, 4.0]), None)
    # mean gradient (2, 3), warm-up over, so the rate is lr * batch_scale = 0.2
    np.testing.assert_allclose(weight.asnumpy(), [-0.4, -0.6], rtol=1e-6)


def test_lbsgd_warmup_factor_follows_the_strategy():
    opt = mx.optimizer.LBSGD(batch_scale=5, warmup_epochs=2, updates_per_epoch=4)
    assert opt._get_lbmult(2) == pytest.approx(1 + 4 * 2 / 8)
    assert opt._get_lbmult(8) == 5.0
    opt.warmup_strategy = "power2"
    assert opt._get_lbmult(4) == pytest.approx(1 + 4 * 0.25)
    opt.warmup_strategy = "sqrt"
    assert opt._get_lbmult(2) == pytest.approx(1 + 4 * 0.5)


def test_lamb_treats_a_zero_bound_as_no_bound():
    kwargs = {"learning_rate": 0.1, "wd": 0.01}
    results = []
    for bounds in ({}, {"lower_bound": 0, "upper_bound": 0}):
        opt = mx.optimizer.LAMB(**kwargs, **bounds)
        weight = mx.nd.array([[0.5, -1.0, 2.0]])
        opt.update(0, weight, mx.nd.array([[1.0, 0.5, -0.2]]),
                   opt.create_state(0, weight))
        results.append(weight.asnumpy())
    np.testing.assert_array_equal(results[0], results[1])


def test_test_optimizer_steps_up_the_gradient_and_counts_nothing():
    opt = mx.optimizer.Test(rescale_grad=0.5)
    weight = mx.nd.ones((2,))
    state = opt.create_state(0, weight)
    opt.update(0, weight, mx.nd.array([2.0, 4.0]), state)
    assert weight.asnumpy().tolist() == [2.0, 3.0]
    assert state.asnumpy().tolist() == [2.0, 3.0]
    assert opt.num_update == 0


@pytest.mark.parametrize("name", ["sgld", "dcasgd", "lars", "lamb", "lbsgd", "ftml",
                                  "ccsgd", "test"])
def test_new_optimizers_survive_a_states_round_trip(name):
    kwargs = {"batch_scale": 2} if name == "lbsgd" else {}
    updater = mx.optimizer.get_updater(mx.optimizer.create(name, **kwargs))
    weight = mx.nd.ones((2, 3))
    updater(0, mx.nd.ones((2, 3)), weight)
    restored = mx.optimizer.get_updater(mx.optimizer.SGD())
    restored.set_states(updater.get_states(dump_optimizer=True))
    assert type(restored.optimizer).__name__.lower() == name
    restored(0, mx.nd.ones((2, 3)), weight)    # the restored optimizer runs on
