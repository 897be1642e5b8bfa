"""Hand-written tests for dlkit/ops/update.py, the optimizer-update operators.

The golden cases (``tests/golden/gen_ops_update.py``) also hold the value of every
state input after MXNet's call (momentum, moments, ``weight32``): the generic replay
checks only outputs, so the in-place writes are checked here, tightly. The rest covers
MXNet quirks, the symbol view (states are auxiliary states) and errors.
"""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError
from golden_replay import decode, load_topic

CASES, ARRAYS = load_topic("ops_update")


def _run_case(case, ctx):
    names = case["input_names"]
    inputs = [mx.nd.array(ARRAYS[key], ctx=ctx, dtype=ARRAYS[key].dtype)
              for key in case["inputs"]]
    function = getattr(mx.nd, case["op"])
    attrs = decode(case["attrs"])
    if case["positional"]:
        result = function(*inputs, **attrs)
    else:
        result = function(**dict(zip(names, inputs)), **attrs)
    outputs = result if isinstance(result, list) else [result]
    return dict(zip(names, inputs)), outputs


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_states_are_written_in_place_as_mxnet_does(case, ctx):
    inputs, outputs = _run_case(case, ctx)
    for index, key in enumerate(case["outputs"]):
        np.testing.assert_allclose(outputs[index].asnumpy(), ARRAYS[key], rtol=1e-6,
                                   atol=1e-7, err_msg=f"output {index}")
    for name, key in zip(case["input_names"], case["inputs"]):
        expected = ARRAYS[case["states"].get(name, key)]  # absent: left unchanged
        got = inputs[name].asnumpy()
        assert got.dtype == expected.dtype, name
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7,
                                   err_msg=f"input {name} after the call")


def test_out_weight_updates_weight_and_momentum_in_place():
    weight = mx.nd.array([1.0, 2.0])
    mom = mx.nd.array([0.5, -0.5])
    result = mx.nd.sgd_mom_update(weight, mx.nd.array([1.0, 1.0]), mom, lr=0.1,
                                  momentum=0.9, out=weight)
    assert result is weight
    np.testing.assert_allclose(mom.asnumpy(), [0.35, -0.55], rtol=1e-6)
    np.testing.assert_allclose(weight.asnumpy(), [1.35, 1.45], rtol=1e-6)


def test_without_out_the_weight_is_left_alone():
    weight = mx.nd.array([1.0, 2.0])
    new = mx.nd.sgd_update(weight, mx.nd.array([1.0, 1.0]), lr=0.5)
    assert weight.asnumpy().tolist() == [1.0, 2.0]
    assert new.asnumpy().tolist() == [0.5, 1.5]


def test_clip_gradient_zero_clips_every_gradient_to_zero():
    # MXNet clips whenever clip_gradient >= 0, though its docs say <= 0 is "off"
    weight = mx.nd.array([1.0, 2.0])
    new = mx.nd.sgd_update(weight, mx.nd.array([5.0, -5.0]), lr=0.1, clip_gradient=0)
    assert new.asnumpy().tolist() == [1.0, 2.0]


def test_signsgd_ignores_rescale_and_clipping():
    weight = mx.nd.array([0.0, 0.0, 0.0])
    grad = mx.nd.array([3.0, -0.001, 0.0])
    new = mx.nd.signsgd_update(weight, grad, lr=0.5, rescale_grad=-1.0,
                               clip_gradient=0.0)
    assert new.asnumpy().tolist() == [-0.5, 0.5, 0.0]


def test_update_ops_have_no_gradient():
    weight = mx.nd.array([1.0, 2.0])
    weight.attach_grad()
    with mx.autograd.record():
        new = mx.nd.sgd_update(weight, mx.nd.array([1.0, 1.0]), lr=0.1)
    with pytest.raises(MXNetError, match="sgd_update"):
        new.backward()


def test_lr_is_required():
    with pytest.raises(MXNetError, match="'lr'"):
        mx.nd.sgd_update(mx.nd.ones(3), mx.nd.ones(3))


def test_mismatched_shapes_name_the_inputs():
    with pytest.raises(MXNetError, match=r"sgd_mom_update.*mom \(3, 2\)"):
        mx.nd.sgd_mom_update(mx.nd.ones((2, 3)), mx.nd.ones((2, 3)), mx.nd.ones((3, 2)),
                             lr=0.1)


def test_mp_update_wants_a_float32_master_copy():
    half = mx.nd.ones((2, 3), dtype="float16")
    symbol = mx.sym.mp_sgd_update(mx.sym.var("w"), mx.sym.var("g"), mx.sym.var("w32"),
                                  lr=0.1)
    _, out_types, _ = symbol.infer_type(w="float16")
    assert out_types == [np.float16]
    with pytest.raises(MXNetError, match="weight32.*float32"):
        symbol.infer_type(w="float16", w32="float16")
    out = mx.nd.mp_sgd_update(half, half, mx.nd.ones((2, 3)), lr=0.5)
    assert out.dtype == np.float16


def test_states_are_auxiliary_states_of_a_symbol():
    symbol = mx.sym.adam_update(mx.sym.var("w"), mx.sym.var("g"), mx.sym.var("m"),
                                mx.sym.var("v"), lr=0.1)
    assert symbol.list_arguments() == ["w", "g"]
    assert symbol.list_auxiliary_states() == ["m", "v"]
    multi = mx.sym.multi_mp_sgd_mom_update(*[mx.sym.var(f"x{i}") for i in range(8)],
                                           lrs=(0.1, 0.2), wds=(0.0, 0.0),
                                           num_weights=2, name="up")
    assert multi.list_outputs() == ["up_output0", "up_output1"]


def test_multi_update_names_its_inputs_per_weight():
    from dlkit.ops.registry import get_op
    op = get_op("multi_mp_sgd_mom_update")
    names = op.list_inputs({"num_weights": 2})
    assert names == ["weight_0", "grad_0", "mom_0", "weight32_0",
                     "weight_1", "grad_1", "mom_1", "weight32_1"]
    assert [n for n in names if n in op.aux_names] == ["mom_0", "weight32_0", "mom_1",
                                                       "weight32_1"]


def test_multi_update_needs_one_rate_per_weight():
    with pytest.raises(MXNetError, match="lrs needs one value per weight"):
        mx.nd.multi_sgd_update(mx.nd.ones(3), mx.nd.ones(3), lrs=(0.1, 0.2), wds=(0.0,),
                               num_weights=1)


def test_multi_update_writes_every_weight_through_out():
    weights = [mx.nd.ones(3), mx.nd.ones((2, 2))]
    grads = [mx.nd.ones(3), mx.nd.ones((2, 2))]
    mx.nd.multi_sgd_update(weights[0], grads[0], weights[1], grads[1], lrs=(0.5, 0.25),
                           wds=(0.0, 0.0), num_weights=2, out=weights)
    assert weights[0].asnumpy().tolist() == [0.5] * 3
    assert weights[1].asnumpy().tolist() == [[0.75, 0.75]] * 2


@pytest.mark.parametrize("scale", [0.0, float("nan"), float("inf")])
def test_adamw_skips_the_step_when_rescale_grad_is_not_usable(scale):
    weight, grad = mx.nd.array([1.0, 2.0]), mx.nd.array([1.0, 1.0])
    mean, var = mx.nd.array([0.1, 0.2]), mx.nd.array([0.3, 0.4])
    mx.nd.contrib.adamw_update(weight, grad, mean, var, mx.nd.array([scale]), lr=0.1,
                               eta=1.0, out=weight)
    assert weight.asnumpy().tolist() == [1.0, 2.0]
    np.testing.assert_array_equal(mean.asnumpy(), np.float32([0.1, 0.2]))
    np.testing.assert_array_equal(var.asnumpy(), np.float32([0.3, 0.4]))


def test_adamw_overwrites_grad_with_the_rescaled_clipped_gradient():
    grad = mx.nd.array([4.0, -0.1])
    mx.nd.contrib.adamw_update(mx.nd.ones(2), grad, mx.nd.zeros(2), mx.nd.zeros(2),
                               mx.nd.array([0.5]), lr=0.1, eta=1.0, clip_gradient=1.0)
    np.testing.assert_allclose(grad.asnumpy(), [1.0, -0.05], rtol=1e-6)


def test_lamb_phase2_upper_bound_lowers_r1():
    # MXNet's docs say max(r1, upper_bound); its kernel (and dlkit) take the min
    weight, g = mx.nd.array([1.0]), mx.nd.array([1.0])
    new = mx.nd.lamb_update_phase2(weight, g, mx.nd.array([8.0]), mx.nd.array([4.0]),
                                   lr=0.1, upper_bound=2.0)
    np.testing.assert_allclose(new.asnumpy(), [0.95], rtol=1e-6)


def test_all_finite_rejects_integer_data():
    with pytest.raises(MXNetError, match="all_finite.*floating point"):
        mx.nd.all_finite(mx.nd.array([1, 2], dtype="int32"))


def test_multi_sum_sq_wants_one_dtype():
    symbol = mx.sym.multi_sum_sq(mx.sym.var("a"), mx.sym.var("b"), num_arrays=2)
    with pytest.raises(MXNetError, match="one dtype"):
        symbol.infer_type(a="float32", b="float16")


# --------------------------------------------------------------------------------------
# reset_arrays: no outputs; its inputs are set to zero in place (ops_contrib_misc).
# --------------------------------------------------------------------------------------
RESET_CASES, RESET_ARRAYS = load_topic("ops_contrib_misc")


@pytest.mark.parametrize("case", RESET_CASES, ids=[case["id"] for case in RESET_CASES])
def test_reset_arrays_zeroes_its_inputs_in_place_as_mxnet_does(case, ctx):
    inputs = [mx.nd.array(RESET_ARRAYS[key], ctx=ctx, dtype=RESET_ARRAYS[key].dtype)
              for key in case["inputs"]]
    result = mx.nd.reset_arrays(*inputs, **decode(case["attrs"]))
    assert result == []
    for name, array in zip(case["input_names"], inputs):
        expected = RESET_ARRAYS[case["states"][name]]
        assert array.dtype == expected.dtype
        np.testing.assert_array_equal(array.asnumpy(), expected)


def test_reset_arrays_rejects_integer_arrays():
    with pytest.raises(MXNetError, match="reset_arrays.*floating point.*int32"):
        mx.nd.reset_arrays(mx.nd.ones(2, dtype="int32"), num_arrays=1)


def test_reset_arrays_needs_num_arrays_matching_its_inputs():
    with pytest.raises(MXNetError, match="num_arrays"):
        mx.nd.reset_arrays(mx.nd.ones(2))
    with pytest.raises(MXNetError, match="array_1"):
        mx.nd.reset_arrays(mx.nd.ones(2), num_arrays=2)


def test_reset_arrays_under_record_leaves_gradients_flowing_elsewhere():
    # the reset writes into the array itself; later ops see zeros
    x = mx.nd.ones((2,))
    x.attach_grad()
    with mx.autograd.record():
        y = x * 2
        mx.nd.reset_arrays(y, num_arrays=1)
        z = (x * 3).sum()
    z.backward()
    assert y.asnumpy().tolist() == [0, 0]
    assert x.grad.asnumpy().tolist() == [3, 3]


def test_attributes_are_float32_even_for_a_float64_weight():
    # MXNet keeps lr, momentum, wd ... as C floats: momentum=0.9 is 0.8999999762
    weight = mx.nd.array([0.3, -0.7], dtype="float64")
    grad = mx.nd.array([0.5, 0.2], dtype="float64")
    mom = mx.nd.array([0.1, -0.4], dtype="float64")
    out = mx.nd.sgd_mom_update(weight, grad, mom, lr=0.1, momentum=0.9, wd=0.05)
    np.testing.assert_allclose(out.asnumpy(), [0.3384999968260527, -1.0764999906569719],
                               rtol=1e-15)
    np.testing.assert_allclose(mom.asnumpy(), [0.03849999682605268, -0.376499990656972],
                               rtol=1e-15)


def test_adamw_rescale_grad_must_be_float32_in_a_symbol():
    names = ["weight", "grad", "mean", "var", "rescale_grad"]
    net = mx.sym._contrib_adamw_update(*[mx.sym.var(n) for n in names], lr=0.1,
                                       eta=1.0)
    types = dict.fromkeys(names[:4], "float64")
    arg_types, out_types, _ = net.infer_type(**types, rescale_grad="float32")
    assert out_types == [np.float64]
    with pytest.raises(MXNetError, match="rescale_grad.*float32"):
        net.infer_type(**types, rescale_grad="float64")


def test_preloaded_rates_must_be_float32_in_a_symbol():
    names = ["weight_0", "grad_0", "lrs", "wds"]
    net = mx.sym.preloaded_multi_sgd_update(*[mx.sym.var(n) for n in names],
                                            num_weights=1)
    with pytest.raises(MXNetError, match="lrs.*float32"):
        net.infer_type(weight_0="float64", grad_0="float64", lrs="float64",
                       wds="float32")
