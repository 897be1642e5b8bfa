"""Hand-written tests for dlkit/ops/nn.py: what the registry sweep and the MXNet goldens
miss (moving statistics, random ops' statistics, quirks, error messages)."""
import numpy as np
import pytest

import dlkit as mx
from dlkit import autograd, nd
from dlkit.base import MXNetError
from dlkit.ops.registry import get_op
from golden_replay import decode, load_topic


def batch_norm_inputs(ctx, shape=(4, 3, 2), seed=0):
    random = np.random.RandomState(seed)
    channels = shape[1]
    values = [random.uniform(-1, 2, shape), random.uniform(0.5, 1.5, channels),
              random.uniform(-1, 1, channels), random.uniform(-1, 1, channels),
              random.uniform(0.5, 1.5, channels)]
    return [nd.array(v, ctx=ctx) for v in values]


# ---- BatchNorm ----------------------------------------------------------------------
def test_batch_norm_moving_statistics_match_mxnet_after_one_training_step():
    cases, arrays = load_topic("ops_nn")
    batch_norm_cases = [case for case in cases if case["op"] == "BatchNorm"]
    assert batch_norm_cases
    for case in batch_norm_cases:
        inputs = {name: nd.array(arrays[key])
                  for name, key in zip(case["input_names"], case["inputs"])}
        attrs = decode(case["attrs"])
        inputs["data"].attach_grad()
        with autograd.record(train_mode=case["is_train"]):
            result = nd.BatchNorm(**inputs, **attrs)
        autograd.backward(result if isinstance(result, list) else [result])
        for name in ("moving_mean", "moving_var"):
            np.testing.assert_allclose(inputs[name].asnumpy(),
                                       arrays[f"{case['id']}/aux/{name}"], rtol=1e-5,
                                       atol=1e-6, err_msg=f"{case['id']} {name}")


def hand_written_batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum,
                            is_training):
    """The from-scratch batch norm of the lessons (D2L style), in NumPy."""
    shape = (1, -1) + (1,) * (X.ndim - 2)
    axes = (0,) + tuple(range(2, X.ndim))
    if not is_training:
        mean, var = moving_mean.reshape(shape), moving_var.reshape(shape)
        X_hat = (X - mean) / np.sqrt(var + eps)
    else:
        mean = X.mean(axis=axes, keepdims=True)
        var = ((X - mean) ** 2).mean(axis=axes, keepdims=True)
        X_hat = (X - mean) / np.sqrt(var + eps)
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean.reshape(-1)
        moving_var = momentum * moving_var + (1.0 - momentum) * var.reshape(-1)
    Y = gamma.reshape(shape) * X_hat + beta.reshape(shape)
    return Y, moving_mean, moving_var


@pytest.mark.parametrize("is_training", [True, False])
@pytest.mark.parametrize("shape", [(4, 3), (4, 3, 2, 2)])
def test_batch_norm_matches_the_hand_written_formula_with_eps_1e_5(
        ctx, is_training, shape):
    data, gamma, beta, moving_mean, moving_var = batch_norm_inputs(ctx, shape)
    expected = hand_written_batch_norm(*(a.asnumpy() for a in (data, gamma, beta,
                                                               moving_mean,
                                                               moving_var)),
                                       eps=1e-5, momentum=0.9, is_training=is_training)
    data.attach_grad()
    with autograd.record(train_mode=is_training):
        Y = nd.BatchNorm(data, gamma, beta, moving_mean, moving_var, fix_gamma=False,
                         eps=1e-5, momentum=0.9)
    Y.backward()   # the moving statistics move in backward (MXNet's CPU kernel)
    for actual, wanted in zip((Y, moving_mean, moving_var), expected):
        np.testing.assert_allclose(actual.asnumpy(), wanted, rtol=1e-5, atol=1e-6)


def test_batch_norm_moves_moving_statistics_in_backward_not_forward(ctx):
    # MXNet 1.9.1 on CPU: forward alone leaves the aux states, each backward applies
    # one momentum update (values printed by MXNet for this input).
    data = nd.array(np.arange(12).reshape(4, 3), ctx=ctx)
    data.attach_grad()
    moving_mean, moving_var = nd.zeros((3,), ctx=ctx), nd.ones((3,), ctx=ctx)
    gamma, beta = nd.ones((3,), ctx=ctx), nd.zeros((3,), ctx=ctx)
    with autograd.record():
        Y = nd.BatchNorm(data, gamma, beta, moving_mean, moving_var)
    np.testing.assert_array_equal(moving_mean.asnumpy(), [0, 0, 0])
    Y.backward(retain_graph=True)
    np.testing.assert_allclose(moving_mean.asnumpy(), [0.45, 0.55, 0.65], rtol=1e-5)
    Y.backward()
    np.testing.assert_allclose(moving_mean.asnumpy(), [0.855, 1.045, 1.235],
                               rtol=1e-5)
    np.testing.assert_allclose(moving_var.asnumpy(), 0.81 + 0.19 * 11.25, rtol=1e-5)


def test_batch_norm_fix_gamma_ignores_gamma_and_gives_it_zero_gradient(ctx):
    data, gamma, beta, moving_mean, moving_var = batch_norm_inputs(ctx)
    gamma.attach_grad()
    with autograd.record():
        fixed = nd.BatchNorm(data, gamma, beta, moving_mean, moving_var)
        ones = nd.BatchNorm(data, nd.ones((3,), ctx=ctx), beta, moving_mean, moving_var)
    fixed.backward()
    np.testing.assert_allclose(fixed.asnumpy(), ones.asnumpy(), rtol=1e-6)
    assert np.all(gamma.grad.asnumpy() == 0)


def test_batch_norm_prediction_gradient_is_the_affine_map(ctx):
    data, gamma, beta, moving_mean, moving_var = batch_norm_inputs(ctx)
    data.attach_grad()
    with autograd.record(train_mode=False):
        Y = nd.BatchNorm(data, gamma, beta, moving_mean, moving_var, fix_gamma=False)
    Y.backward()
    slope = gamma.asnumpy() / np.sqrt(moving_var.asnumpy() + 1e-3)
    expected = np.broadcast_to(slope.reshape(1, 3, 1), (4, 3, 2))
    np.testing.assert_allclose(data.grad.asnumpy(), expected, rtol=1e-5)


def test_batch_norm_output_mean_var_returns_mean_and_inverse_std(ctx):
    data, gamma, beta, moving_mean, moving_var = batch_norm_inputs(ctx)
    with autograd.train_mode():
        Y, mean, inv_std = nd.BatchNorm(data, gamma, beta, moving_mean, moving_var,
                                        output_mean_var=True)
    x = data.asnumpy()
    np.testing.assert_allclose(mean.asnumpy(), x.mean(axis=(0, 2)), rtol=1e-5)
    expected_inv_std = 1 / np.sqrt(x.var(axis=(0, 2)) + 1e-3)
    np.testing.assert_allclose(inv_std.asnumpy(), expected_inv_std, rtol=1e-5)


def test_batch_norm_infer_shape_completes_channel_vectors_from_data_axis():
    op = get_op("BatchNorm")
    attrs = op.parse_attrs({"axis": -1})
    in_shapes, out_shapes = op.infer_shape([(2, 5, 7), None, None, None, None], **attrs)
    assert in_shapes[1:] == [(7,)] * 4
    assert out_shapes == [(2, 5, 7), (7,), (7,)]
    assert op.list_inputs(attrs)[-2:] == ["moving_mean", "moving_var"]
    assert op.aux_names == ("moving_mean", "moving_var")


def test_batch_norm_rejects_wrong_gamma_shape(ctx):
    data, gamma, beta, moving_mean, moving_var = batch_norm_inputs(ctx)
    with pytest.raises(MXNetError, match=r"BatchNorm: gamma has shape \(4,\).*\(3,\)"):
        nd.BatchNorm(data, nd.ones((4,), ctx=ctx), beta, moving_mean, moving_var)


# ---- other normalizations
# --------------------------------------------------------------
def test_layer_norm_rejects_gamma_of_the_wrong_axis():
    with pytest.raises(MXNetError, match=r"LayerNorm: gamma has shape \(3,\).*\(4,\)"):
        nd.LayerNorm(nd.ones((2, 3, 4)), nd.ones((3,)), nd.zeros((4,)))


def test_layer_norm_output_is_zero_mean_unit_variance_along_axis():
    data = nd.array(np.random.uniform(-3, 5, (2, 3, 4)))
    Y, mean, std = nd.LayerNorm(data, nd.ones((3,)), nd.zeros((3,)), axis=1,
                                output_mean_var=True)
    np.testing.assert_allclose(Y.asnumpy().mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(Y.asnumpy().var(axis=1), 1, rtol=1e-3)
    assert mean.shape == std.shape == (2, 1, 4)


def test_instance_norm_needs_a_spatial_axis():
    with pytest.raises(MXNetError, match=r"InstanceNorm: data must be .*\(2, 3\)"):
        nd.InstanceNorm(nd.ones((2, 3)), nd.ones((3,)), nd.zeros((3,)))


def test_l2_normalization_gives_unit_norm_rows_and_rejects_spatial_on_2d():
    Y = nd.L2Normalization(nd.array(np.random.uniform(1, 2, (3, 4))))
    np.testing.assert_allclose(np.linalg.norm(Y.asnumpy(), axis=1), 1, rtol=1e-5)
    with pytest.raises(MXNetError, match="L2Normalization: mode='spatial'"):
        nd.L2Normalization(nd.ones((3, 4)), mode="spatial")


# ---- activations
# -----------------------------------------------------------------------
def test_activation_unknown_act_type_lists_the_valid_values():
    valid = "'relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'"
    with pytest.raises(MXNetError,
                       match=rf"Activation.*'rleu'.*valid values are {valid}"):
        nd.Activation(nd.ones((2,)), act_type="rleu")


def test_activation_softrelu_does_not_overflow():
    Y = nd.Activation(nd.array([-1000.0, 0.0, 1000.0]), act_type="softrelu")
    np.testing.assert_allclose(Y.asnumpy(), [0.0, np.log(2), 1000.0], rtol=1e-6)


def test_prelu_needs_gamma_of_one_slope_per_channel():
    with pytest.raises(MXNetError, match="act_type='prelu' needs the input gamma"):
        nd.LeakyReLU(nd.ones((2, 3)), act_type="prelu")
    with pytest.raises(MXNetError, match=r"LeakyReLU: gamma has shape \(2,\).*\(3,\)"):
        nd.LeakyReLU(nd.ones((2, 3)), nd.ones((2,)), act_type="prelu")


def test_rrelu_draws_slopes_between_the_bounds_in_training():
    data = nd.array(-np.ones((50, 40)))
    with autograd.train_mode():
        Y, slopes = nd.LeakyReLU(data, act_type="rrelu", lower_bound=0.1,
                                 upper_bound=0.3)
    slopes = slopes.asnumpy()
    assert 0.1 <= slopes.min() and slopes.max() <= 0.3 and slopes.std() > 0.03
    np.testing.assert_allclose(Y.asnumpy(), -slopes)
    predicted, _ = nd.LeakyReLU(data, act_type="rrelu", lower_bound=0.1,
                                upper_bound=0.3)
    np.testing.assert_allclose(predicted.asnumpy(), -0.2, rtol=1e-6)


# ---- Dropout
# ---------------------------------------------------------------------------
def test_dropout_drops_fraction_p_and_scales_the_rest(ctx):
    data = nd.ones((200, 100), ctx=ctx)
    with autograd.train_mode():
        Y = nd.Dropout(data, p=0.3).asnumpy()
    assert abs((Y == 0).mean() - 0.3) < 0.02
    np.testing.assert_allclose(Y[Y != 0], 1 / 0.7, rtol=1e-6)


def test_dropout_is_the_identity_in_prediction_unless_mode_always(ctx):
    data = nd.array(np.random.uniform(1, 2, (20, 30)), ctx=ctx)
    np.testing.assert_array_equal(nd.Dropout(data, p=0.5).asnumpy(), data.asnumpy())
    always = nd.Dropout(data, p=0.5, mode="always").asnumpy()
    assert 0.4 < (always == 0).mean() < 0.6


def test_dropout_gradient_uses_the_same_mask(ctx):
    data = nd.ones((30, 40), ctx=ctx)
    data.attach_grad()
    with autograd.record():
        Y = nd.Dropout(data, p=0.5)
    Y.backward()
    np.testing.assert_array_equal(data.grad.asnumpy(), Y.asnumpy())


def test_dropout_axes_share_one_draw_along_the_axis(ctx):
    with autograd.train_mode():
        Y = nd.Dropout(nd.ones((20, 5, 30), ctx=ctx), p=0.5, axes=(1,)).asnumpy()
    assert np.all(Y == Y[:, :1, :])
    assert 0.3 < (Y == 0).mean() < 0.7


def test_dropout_is_reproducible_after_seeding():
    data = nd.ones((10, 10))
    draws = []
    for _ in range(2):
        mx.random.seed(3)
        with autograd.train_mode():
            draws.append(nd.Dropout(data).asnumpy())
    np.testing.assert_array_equal(draws[0], draws[1])


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_rejects_p_outside_0_1(p):
    with pytest.raises(MXNetError, match=rf"Dropout: p={p} is outside \[0, 1\]"):
        nd.Dropout(nd.ones((2, 3)), p=p)


# ---- Embedding
# -------------------------------------------------------------------------
def test_embedding_gradient_adds_up_repeated_indices(ctx):
    weight = nd.ones((4, 2), ctx=ctx)
    weight.attach_grad()
    with autograd.record():
        Y = nd.Embedding(nd.array([1, 1, 3, 1], ctx=ctx), weight, input_dim=4,
                         output_dim=2)
    Y.backward()
    np.testing.assert_array_equal(weight.grad.asnumpy(),
                                  [[0, 0], [3, 3], [0, 0], [1, 1]])


def test_embedding_rejects_weight_of_the_wrong_shape():
    with pytest.raises(MXNetError,
                       match=r"Embedding: weight has shape \(5, 3\).*\(4, 3\)"):
        nd.Embedding(nd.array([0, 1]), nd.ones((5, 3)), input_dim=4, output_dim=3)


# ---- softmax family
# --------------------------------------------------------------------
def test_softmax_and_log_softmax_are_stable_for_large_inputs():
    data = nd.array([[1000.0, 0.0, -1000.0]])
    np.testing.assert_allclose(nd.softmax(data).asnumpy(), [[1, 0, 0]], atol=1e-7)
    np.testing.assert_allclose(nd.log_softmax(data).asnumpy(), [[0, -1000, -2000]])


def test_softmax_with_length_gives_masked_entries_probability_zero():
    Y = nd.softmax(nd.zeros((2, 4)), nd.array([1, 3], dtype="int32"), use_length=True)
    np.testing.assert_allclose(Y.asnumpy(), [[1, 0, 0, 0], [1 / 3, 1 / 3, 1 / 3, 0]],
                               rtol=1e-6)


def test_softmax_rejects_integer_data_and_wrong_length_shape():
    with pytest.raises(MXNetError, match="softmax: data must be floating point"):
        nd.softmax(nd.array([1, 2], dtype="int32"))
    with pytest.raises(MXNetError, match=r"softmax: length has shape \(3,\)"):
        nd.softmax(nd.zeros((2, 4)), nd.array([1, 2, 3]), use_length=True)


def test_softmin_is_softmax_of_the_negation():
    data = nd.array(np.random.uniform(-2, 2, (3, 4)))
    np.testing.assert_allclose(nd.softmin(data).asnumpy(), nd.softmax(-data).asnumpy(),
                               rtol=1e-6)


def test_log_softmax_with_temperature_forward_and_backward_match_mxnet(ctx):
    # values printed by MXNet 1.9.1 for the same call
    x = nd.array([[1, 2, 3], [4, 5, 6]], ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = nd.log_softmax(x, axis=0, temperature=2.0)
    y.backward(nd.array([[1, -2, 0.5], [0.25, 3, 1]], ctx=ctx))
    np.testing.assert_allclose(y.asnumpy(), [[-1.70141304] * 3, [-0.20141301] * 3],
                               atol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(),
                               [[0.385984, -1.091213, 0.113181],
                                [-0.385984, 1.091213, -0.113181]], rtol=1e-5)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("axis", [2, -3])
def test_softmax_family_refuses_an_axis_the_data_lacks(name, axis):
    # MXNet 1.9.1 raises MXNetError here; NumPy's AxisError must not leak out
    with pytest.raises(MXNetError, match=f"{name}: axis={axis} is out of range for "
                                         "data with 2 dimensions"):
        getattr(mx.nd, name)(mx.nd.ones((2, 3)), axis=axis)


# ---- GroupNorm ---------------------------------------------------------------------
def test_group_norm_takes_one_gamma_per_group_as_mxnet_1_9_1(ctx):
    symbol = mx.sym.GroupNorm(mx.sym.var("data"), num_groups=2, name="gn")
    arg_shapes, out_shapes, _ = symbol.infer_shape(data=(2, 4, 3, 3))
    assert arg_shapes == [(2, 4, 3, 3), (2,), (2,)]
    assert out_shapes == [(2, 4, 3, 3)]
    with pytest.raises(MXNetError, match=r"one gamma per group: shape \(2,\)"):
        nd.GroupNorm(nd.ones((2, 4, 3), ctx=ctx), nd.ones((4,), ctx=ctx),
                     nd.zeros((4,), ctx=ctx), num_groups=2)


@pytest.mark.parametrize("shape, groups, message", [
    ((2, 4, 3), 3, "does not divide"), ((2, 4), 2, "at least 3 dimensions"),
    ((2, 4, 3), 0, "at least 1")])
def test_group_norm_rejects_bad_groups_and_shapes(shape, groups, message):
    with pytest.raises(MXNetError, match=message):
        nd.GroupNorm(nd.ones(shape), nd.ones((max(groups, 1),)),
                     nd.zeros((max(groups, 1),)), num_groups=groups)


def test_group_norm_with_a_group_per_channel_is_instance_norm(ctx):
    x = np.random.uniform(-1, 2, (2, 3, 4, 2))
    gamma, beta = np.array([0.5, 1.0, 2.0]), np.array([0.1, -0.2, 0.3])
    args = [nd.array(v, ctx=ctx) for v in (x, gamma, beta)]
    grouped = nd.GroupNorm(*args, num_groups=3, eps=1e-3)
    instance = nd.InstanceNorm(*args, eps=1e-3)
    np.testing.assert_allclose(grouped.asnumpy(), instance.asnumpy(), rtol=1e-5,
                               atol=1e-6)


def test_group_norm_mean_and_std_outputs_are_per_sample_and_group(ctx):
    x = np.random.uniform(-1, 2, (3, 4, 5)).astype(np.float32)
    out, mean, std = nd.GroupNorm(nd.array(x, ctx=ctx), nd.ones((2,), ctx=ctx),
                                  nd.zeros((2,), ctx=ctx), num_groups=2,
                                  output_mean_var=True)
    groups = x.reshape(3, 2, -1)
    np.testing.assert_allclose(mean.asnumpy(), groups.mean(axis=2), rtol=1e-5)
    np.testing.assert_allclose(std.asnumpy(), np.sqrt(groups.var(axis=2) + 1e-5),
                               rtol=1e-5)
    assert out.shape == x.shape


# ---- BatchNorm_v1 and IdentityAttachKLSparseReg: auxiliary states -------------------
AUX_OPS = ("BatchNorm_v1", "IdentityAttachKLSparseReg")


def test_auxiliary_states_match_mxnet_after_one_forward_and_backward():
    # MXNet's nd functions of these ops take no auxiliary states, so their goldens
    # come from an Executor; dlkit's nd takes them as inputs and updates them in place
    cases, arrays = load_topic("ops_nn2")
    aux_cases = [case for case in cases if case["op"] in AUX_OPS]
    assert {case["op"] for case in aux_cases} == set(AUX_OPS)
    for case in aux_cases:
        inputs = {name: nd.array(arrays[key])
                  for name, key in zip(case["input_names"], case["inputs"])}
        for name in case["grads"]:
            inputs[name].attach_grad()
        with autograd.record(train_mode=case["is_train"]):
            result = getattr(nd, case["op"])(**inputs, **decode(case["attrs"]))
        outputs = result if isinstance(result, list) else [result]
        heads = [nd.array(arrays[key]) for key in case["head_grads"]]
        autograd.backward(outputs, heads)
        checked = 0
        for name in inputs:
            key = f"{case['id']}/aux/{name}"
            if key in arrays:
                checked += 1
                np.testing.assert_allclose(inputs[name].asnumpy(), arrays[key],
                                           rtol=1e-5, atol=1e-6,
                                           err_msg=f"{case['id']} {name}")
        assert checked == len(get_op(case["op"]).aux_names)


def test_batch_norm_v1_var_output_is_the_variance_not_batch_norms_inverse_std(ctx):
    data, gamma, beta, moving_mean, moving_var = batch_norm_inputs(ctx, (4, 3, 2, 2))
    with autograd.train_mode():
        _, mean, var = nd.BatchNorm_v1(data, gamma, beta, moving_mean, moving_var,
                                       output_mean_var=True)
        _, _, inv_std = nd.BatchNorm(data, gamma, beta, moving_mean, moving_var,
                                     output_mean_var=True)
    x = data.asnumpy()
    np.testing.assert_allclose(mean.asnumpy(), x.mean(axis=(0, 2, 3)), rtol=1e-5)
    np.testing.assert_allclose(var.asnumpy(), x.var(axis=(0, 2, 3)), rtol=1e-5)
    np.testing.assert_allclose(inv_std.asnumpy(), 1 / np.sqrt(var.asnumpy() + 1e-3),
                               rtol=1e-5)
    # in prediction the hidden outputs are the moving statistics themselves
    _, mean, var = nd.BatchNorm_v1(data, gamma, beta, moving_mean, moving_var,
                                   output_mean_var=True)
    np.testing.assert_array_equal(var.asnumpy(), moving_var.asnumpy())


def test_batch_norm_v1_has_no_axis_and_takes_2d_or_4d_data():
    data, gamma, beta, moving_mean, moving_var = batch_norm_inputs(mx.cpu())
    with pytest.raises(MXNetError, match="2-D .* or 4-D"):
        nd.BatchNorm_v1(data, gamma, beta, moving_mean, moving_var)
    with pytest.raises(MXNetError, match="unknown attribute 'axis'"):
        nd.BatchNorm_v1(data.reshape((4, 3, 2, 1)), gamma, beta, moving_mean,
                        moving_var, axis=1)


def test_identity_attach_kl_sparse_reg_moves_its_average_in_backward_only(ctx):
    x = np.array([[0.2, 0.6], [0.4, 0.8]], dtype=np.float32)
    data = nd.array(x, ctx=ctx)
    moving_avg = nd.array([0.5, 0.5], ctx=ctx)
    data.attach_grad()
    with autograd.record():
        out = nd.IdentityAttachKLSparseReg(data, moving_avg, sparseness_target=0.1,
                                           penalty=0.5, momentum=0.5)
    np.testing.assert_array_equal(out.asnumpy(), x)
    np.testing.assert_array_equal(moving_avg.asnumpy(), [0.5, 0.5])
    out.backward(nd.ones((2, 2), ctx=ctx) * 2)
    rho = 0.5 * 0.5 + 0.5 * x.mean(axis=0)            # [0.4, 0.6]
    np.testing.assert_allclose(moving_avg.asnumpy(), rho, rtol=1e-5)
    penalty = 0.5 * (-0.1 / rho + 0.9 / (1 - rho))
    np.testing.assert_allclose(data.grad.asnumpy(), 2 + np.tile(penalty, (2, 1)),
                               rtol=1e-5)


def test_identity_attach_kl_sparse_reg_takes_2d_data():
    symbol = mx.sym.IdentityAttachKLSparseReg(mx.sym.var("data"), name="kl")
    assert symbol.list_auxiliary_states() == ["kl_moving_avg"]
    assert symbol.infer_shape(data=(3, 4))[2] == [(4,)]
    with pytest.raises(MXNetError, match=r"2-D \(batch, units\)"):
        symbol.infer_shape(data=(3, 4, 5))
