"""Executor: bind/simple_bind, forward/backward against MXNet 1.9.1 numbers, and errors."""
import sys

import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError
from golden_replay import GOLDEN, load_topic

sys.path.insert(0, GOLDEN)
from symbol_cases import build  # noqa: E402

CASES, ARRAYS = load_topic("symbol")
RUNS = [c for c in CASES if c["kind"] == "run"]


def close(ours, key):
    np.testing.assert_allclose(ours.asnumpy(), ARRAYS[key], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", RUNS, ids=lambda c: c["name"])
def test_simple_bind_forward_backward_match_mxnet(case, ctx):
    executor = build(mx, case["graph"]).simple_bind(ctx, **case["shapes"])
    for name, key in case["inputs"].items():
        target = executor.arg_dict.get(name, executor.aux_dict.get(name))
        target[:] = ARRAYS[key]
    executor.forward(is_train=True)
    for output, key in zip(executor.outputs, case["train_outputs"]):
        close(output, key)
    heads = None if case["head_grads"] is None else \
        [mx.nd.array(ARRAYS[key], ctx=ctx) for key in case["head_grads"]]
    executor.backward(heads)
    for name, key in case["grads"].items():
        close(executor.grad_dict[name], key)
    for name, key in case["aux_after"].items():
        close(executor.aux_dict[name], key)
    executor.forward(is_train=False)
    for output, key in zip(executor.outputs, case["predict_outputs"]):
        close(output, key)


def test_bind_with_list_or_dict_and_grad_req_add():
    a, b = mx.sym.Variable("a"), mx.sym.Variable("b")
    args = [mx.nd.array([1, 2]), mx.nd.array([3, 4])]
    grads = {"a": mx.nd.zeros(2)}
    executor = (a * b).bind(mx.cpu(), args, args_grad=grads, grad_req={"a": "add"})
    assert executor.grad_dict["b"] is None
    for _ in range(2):
        executor.forward(is_train=True)
        executor.backward(mx.nd.ones(2))
    np.testing.assert_array_equal(executor.grad_dict["a"].asnumpy(), [6, 8])


def test_outputs_are_stable_objects_and_forward_kwargs_copy_in():
    a = mx.sym.Variable("a")
    executor = (a * 2).bind(mx.cpu(), {"a": mx.nd.array([1, 2])})
    held = executor.outputs[0]
    executor.forward(a=mx.nd.array([5, 6]))
    assert executor.outputs[0] is held
    np.testing.assert_array_equal(held.asnumpy(), [10, 12])
    np.testing.assert_array_equal(executor.arg_dict["a"].asnumpy(), [5, 6])


def test_batchnorm_aux_states_update_in_place_while_training():
    net = mx.sym.BatchNorm(mx.sym.Variable("data"), name="bn")
    executor = net.simple_bind(mx.cpu(), data=(4, 3))
    moving_mean = executor.aux_dict["bn_moving_mean"]
    executor.arg_dict["data"][:] = np.arange(12).reshape(4, 3)
    executor.forward(is_train=True)
    executor.backward(mx.nd.ones((4, 3)))
    assert executor.aux_dict["bn_moving_mean"] is moving_mean
    np.testing.assert_allclose(moving_mean.asnumpy(), [0.45, 0.55, 0.65], rtol=1e-5)


def test_reshape_shares_smaller_arrays_and_refuses_up_sizing():
    net = mx.sym.Variable("a") * mx.sym.Variable("b")
    executor = net.simple_bind(mx.cpu(), a=(4, 3))
    smaller = executor.reshape(a=(2, 3), b=(2, 3))
    smaller.arg_dict["a"][:] = 7
    assert executor.arg_dict["a"].asnumpy()[0, 0] == 7  # same memory
    with pytest.raises(MXNetError, match="larger than the original"):
        executor.reshape(a=(8, 3), b=(8, 3))
    with pytest.raises(MXNetError, match="partial_shaping=True"):
        executor.reshape(a=(2, 3))
    bigger = executor.reshape(allow_up_sizing=True, a=(8, 3), b=(8, 3))
    assert bigger.forward()[0].shape == (8, 3)


def test_copy_params_from_and_extra_params():
    executor = build(mx, "mlp").simple_bind(mx.cpu(), data=(2, 8))
    executor.copy_params_from({"fc1_bias": mx.nd.ones(16)})
    assert executor.arg_dict["fc1_bias"].asnumpy().sum() == 16
    with pytest.raises(MXNetError, match="'extra' is not an argument"):
        executor.copy_params_from({"extra": mx.nd.ones(1)})
    executor.copy_params_from({"extra": mx.nd.ones(1)}, allow_extra_params=True)
    with pytest.raises(MXNetError, match="shape mismatch"):
        executor.copy_params_from({"fc1_bias": mx.nd.ones(3)})


def test_monitor_plan_memory_summary_and_debug_str():
    executor = build(mx, "mlp").simple_bind(mx.cpu(), data=(2, 8))
    seen = []
    executor.set_monitor_callback(lambda name, array: seen.append((name, array.shape)))
    executor.forward()
    assert seen == [("fc1_output", (2, 16)), ("relu1_output", (2, 16)),
                    ("fc2_output", (2, 10)), ("softmax_output", (2, 10))]
    assert [row["name"] for row in executor.plan] == ["fc1", "relu1", "fc2", "softmax"]
    assert executor.plan[0]["output_shapes"] == [(2, 16)]
    summary = executor.memory_summary()
    assert summary["arguments"] == 4 * (2 * 8 + 16 * 8 + 16 + 10 * 16 + 10 + 2)
    assert summary["intermediate"] > 0
    assert "Op:FullyConnected, Name=fc1" in executor.debug_str()


# ----------------------------------------------------------------------------------------
# Bad input: each error names what is wrong and what was expected.
# ----------------------------------------------------------------------------------------
def test_bind_missing_or_extra_argument():
    net = mx.sym.Variable("a") + mx.sym.Variable("b")
    with pytest.raises(MXNetError, match="'b' is missing in args.*\\['a', 'b'\\]"):
        net.bind(mx.cpu(), {"a": mx.nd.ones(2)})
    with pytest.raises(MXNetError, match="'z', which is not one of"):
        net.bind(mx.cpu(), {"a": mx.nd.ones(2), "b": mx.nd.ones(2), "z": mx.nd.ones(2)})
    with pytest.raises(ValueError, match="3 arrays but the symbol has 2"):
        net.bind(mx.cpu(), [mx.nd.ones(2)] * 3)


def test_bind_wrong_shape_names_node_and_shapes():
    net = mx.sym.Variable("a") + mx.sym.Variable("b")
    with pytest.raises(MXNetError, match="_plus\\d+ \\(elemwise_add\\).*\\(2, 2\\)"):
        net.bind(mx.cpu(), {"a": mx.nd.ones(3), "b": mx.nd.ones((2, 2))})


def test_forward_unknown_keyword_and_wrong_shape():
    executor = (mx.sym.Variable("a") * 2).bind(mx.cpu(), {"a": mx.nd.ones(3)})
    with pytest.raises(MXNetError, match="unknown argument 'z'.*\\['a'\\]"):
        executor.forward(z=mx.nd.ones(3))
    with pytest.raises(MXNetError, match="holds \\(3,\\) but got \\(2,\\)"):
        executor.forward(a=mx.nd.ones(2))


def test_backward_needs_a_training_forward_and_head_gradients():
    net = mx.sym.Variable("a") * 2
    executor = net.simple_bind(mx.cpu(), a=(3,))
    with pytest.raises(MXNetError, match="forward\\(is_train=True\\) first"):
        executor.backward(mx.nd.ones(3))
    executor.forward(is_train=False)
    with pytest.raises(MXNetError, match="is_train=False"):
        executor.backward(mx.nd.ones(3))
    executor.forward(is_train=True)
    with pytest.raises(MXNetError, match="not a loss head.*MakeLoss"):
        executor.backward()


def test_simple_bind_undecidable_shapes():
    net = mx.sym.Variable("a") * mx.sym.Variable("b")
    with pytest.raises(MXNetError, match="cannot decide the shapes of \\['a', 'b'\\]"):
        net.simple_bind(mx.cpu())


def test_gradients_returns_backward_results_without_storing_them():
    a, b = mx.sym.Variable("a"), mx.sym.Variable("b")
    args = {"a": mx.nd.array([1, 2]), "b": mx.nd.array([3, 4])}
    grads = {"a": mx.nd.zeros(2), "b": mx.nd.zeros(2)}
    executor = (a * b).bind(mx.cpu(), args, args_grad=grads)
    executor.forward(is_train=True)
    grad_a, grad_b = executor.gradients([mx.nd.ones(2)])
    np.testing.assert_array_equal(grad_a, [3, 4])
    np.testing.assert_array_equal(grad_b, [1, 2])
    assert executor.grad_dict["a"].asnumpy().tolist() == [0, 0]   # untouched
    executor.backward([mx.nd.ones(2)])
    assert executor.grad_dict["a"].asnumpy().tolist() == [3, 4]


def test_fully_connected_writes_weight_gradients_into_grad_arrays():
    data = mx.sym.Variable("data")
    net = mx.sym.FullyConnected(data, num_hidden=2, name="fc")
    weight = net.get_internals()["fc_weight"]       # the same node, used twice
    twice = net + mx.sym.FullyConnected(data * 2, weight=weight, num_hidden=2,
                                        no_bias=True, name="fc2")
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    for symbol, factor in ((net, 1), (twice, 3)):
        executor = symbol.simple_bind(mx.cpu(), data=(2, 3))
        executor.arg_dict["data"][:] = x
        buffer = executor.grad_dict["fc_weight"]._data
        executor.forward(is_train=True)
        executor.backward(mx.nd.ones((2, 2)))
        assert executor.grad_dict["fc_weight"]._data is buffer
        np.testing.assert_allclose(executor.grad_dict["fc_weight"].asnumpy(),
                                   factor * (np.ones((2, 2)).T @ x))
        np.testing.assert_allclose(executor.grad_dict["fc_bias"].asnumpy(), [2, 2])


def test_outputs_before_forward_have_the_inferred_dtype():
    """MXNet allocates ``exe.outputs`` in the inferred dtype at bind time (float64
    arguments give a float64 sum; Cast gives its target type)."""
    a, b = mx.sym.var("a"), mx.sym.var("b")
    args = {"a": mx.nd.ones(2, dtype="float64"), "b": mx.nd.ones(2, dtype="float64")}
    assert (a + b).bind(mx.cpu(), args).outputs[0].dtype == np.float64
    cast = mx.sym.Cast(a, dtype="int32").simple_bind(mx.cpu(), a=(2,))
    assert cast.outputs[0].dtype == np.int32
    assert (a * 2).simple_bind(mx.cpu(), a=(3,)).outputs[0].dtype == np.float32
