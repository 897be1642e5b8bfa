"""``mx.operator`` and the ``Custom`` op: Python-defined operators in every front end.

The golden cases (``tests/golden/operator.json``) come from MXNet 1.9.1 running the same
custom operators (``define_ops`` in ``tests/golden/gen_operator.py``, shared by both).
"""
import importlib.util
import json
import os
import warnings

import numpy as np
import pytest

import dlkit as mx
from golden_replay import GOLDEN, load_topic

_spec = importlib.util.spec_from_file_location(
    "gen_operator", os.path.join(GOLDEN, "gen_operator.py"))
gen_operator = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen_operator)
gen_operator.define_ops(mx)

CASES, ARRAYS = load_topic("operator")
INPUTS = {key: mx.nd.array(value) for key, value in gen_operator.fixed_inputs().items()}


def close(ours, key):
    ours = ours.asnumpy() if isinstance(ours, mx.nd.NDArray) else ours
    np.testing.assert_allclose(ours, ARRAYS[key], rtol=1e-5, atol=1e-6, err_msg=key)


# --------------------------------------------------------------------------------------
# Against MXNet 1.9.1.
# --------------------------------------------------------------------------------------
def test_golden_inputs_are_the_shared_ones():
    for key, value in gen_operator.fixed_inputs().items():
        np.testing.assert_array_equal(value, ARRAYS[f"in/{key}"])


def test_nd_custom_loss_head_under_autograd_matches_mxnet():
    x = INPUTS["x"].copy()
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Custom(x, INPUTS["label"], op_type="golden_softmax")
    y.backward()
    close(y, "nd_softmax/out")
    close(x.grad, "nd_softmax/grad")


def test_nd_custom_with_two_outputs_and_an_aux_state_matches_mxnet():
    a, b, calls = INPUTS["a"].copy(), INPUTS["b"].copy(), mx.nd.zeros((1,))
    a.attach_grad()
    b.attach_grad()
    with mx.autograd.record():
        total, product = mx.nd.Custom(a, b, calls, op_type="golden_pair", scale=2.5,
                                      shift=-1)
    mx.autograd.backward([total, product], [INPUTS["head_sum"], INPUTS["head_product"]])
    for key, value in (("sum", total), ("product", product), ("grad_a", a.grad),
                       ("grad_b", b.grad), ("calls", calls)):
        close(value, f"nd_pair/{key}")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["id"])
def test_symbol_names_shapes_types_and_json_match_mxnet(case):
    key = case["id"][len("symbol_"):]
    symbol = gen_operator.symbols(mx)[key]
    assert symbol.name == case["name"]
    assert symbol.list_arguments() == case["arguments"]
    assert symbol.list_outputs() == case["outputs"]
    assert symbol.list_auxiliary_states() == case["aux_states"]
    arg_shapes, out_shapes, aux_shapes = symbol.infer_shape(**gen_operator.SHAPES[key])
    assert [list(s) for s in arg_shapes] == case["arg_shapes"]
    assert [list(s) for s in out_shapes] == case["out_shapes"]
    assert [list(s) for s in aux_shapes] == case["aux_shapes"]
    types = symbol.infer_type(**{name: "float64" for name in symbol.list_arguments()})
    assert [[np.dtype(t).name for t in group] for group in types] == \
        [case["arg_types"], case["out_types"], case["aux_types"]]
    known = gen_operator.SHAPES[key]
    partial = symbol.infer_type_partial(**{name: "float16" for name in known})
    assert [[None if t is None else np.dtype(t).name for t in group]
            for group in partial] == case["partial_types"]
    assert symbol.tojson() == case["json"]


def test_executor_runs_custom_ops_as_mxnet_does():
    made = gen_operator.symbols(mx)
    executor = made["sigmoid"].simple_bind(mx.cpu(), data=(4, 5))
    executor.copy_params_from({"fc_weight": INPUTS["fc_weight"],
                               "fc_bias": INPUTS["fc_bias"]})
    executor.forward(is_train=True, data=INPUTS["x"])
    executor.backward([INPUTS["head_sig"]])
    close(executor.outputs[0], "executor_sigmoid/out")
    for name in ("data", "fc_weight", "fc_bias"):
        close(executor.grad_dict[name], f"executor_sigmoid/grad/{name}")
    executor = made["pair"].simple_bind(mx.cpu(), a=(2, 3), pair_rhs=(2, 3))
    for _ in range(2):
        executor.forward(is_train=True, a=INPUTS["a"], pair_rhs=INPUTS["b"])
    executor.backward([INPUTS["head_sum"], INPUTS["head_product"]])
    close(executor.outputs[0], "executor_pair/sum")
    close(executor.outputs[1], "executor_pair/product")
    close(executor.aux_dict["pair_calls"], "executor_pair/calls")
    close(executor.grad_dict["a"], "executor_pair/grad_a")
    close(executor.grad_dict["pair_rhs"], "executor_pair/grad_b")


def test_module_fit_through_a_custom_op_matches_mxnet():
    module = mx.mod.Module(gen_operator.module_symbol(mx), context=mx.cpu(),
                           label_names=["lro_label"])
    train_iter = mx.io.NDArrayIter(INPUTS["X"], INPUTS["Y"], batch_size=4,
                                   shuffle=False, label_name="lro_label")
    module.fit(train_iter, num_epoch=2, optimizer="sgd",
               optimizer_params={"learning_rate": 0.3},
               arg_params={"fc_weight": INPUTS["fc_weight"],
                           "fc_bias": INPUTS["fc_bias"]},
               eval_metric="mse")
    arg_params, _ = module.get_params()
    for name, value in arg_params.items():
        close(value, f"module/{name}")


class _Net(mx.gluon.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.dense = mx.gluon.nn.Dense(3, in_units=5)

    def hybrid_forward(self, F, x):
        return F.Custom(self.dense(x), op_type="golden_sigmoid")


@pytest.mark.parametrize("hybridize", [False, True], ids=["imperative", "hybrid"])
def test_gluon_block_with_a_custom_op_matches_mxnet(hybridize):
    net = _Net(prefix="net_")
    net.initialize()
    net.dense.weight.set_data(INPUTS["fc_weight"])
    net.dense.bias.set_data(INPUTS["fc_bias"])
    if hybridize:
        net.hybridize()
    with mx.autograd.record():
        out = net(INPUTS["x"])
    out.backward(INPUTS["head_sig"])
    key = f"gluon_{'hybrid' if hybridize else 'imperative'}"
    close(out, f"{key}/out")
    close(net.dense.weight.grad(), f"{key}/grad_weight")
    close(net.dense.bias.grad(), f"{key}/grad_bias")


# --------------------------------------------------------------------------------------
# Loss heads in graphs (MXNet 1.9.1 crashes here, issue #18519; dlkit runs them).
# --------------------------------------------------------------------------------------
def test_executor_backward_of_a_custom_loss_head_needs_no_out_grads():
    loss = mx.sym.Custom(mx.sym.Variable("data"), op_type="golden_softmax", name="sm")
    executor = loss.simple_bind(mx.cpu(), data=(4, 5))
    executor.forward(is_train=True, data=INPUTS["x"], sm_label=INPUTS["label"])
    executor.backward()
    close(executor.outputs[0], "nd_softmax/out")
    close(executor.grad_dict["data"], "nd_softmax/grad")


def test_module_fit_with_a_custom_softmax_equals_softmax_output():
    labels = mx.nd.array([0, 2, 1, 2, 1, 0, 0, 1, 2, 2, 1, 0])

    def fit(head):
        fc = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=3, name="fc")
        module = mx.mod.Module(head(fc), context=mx.cpu())
        train_iter = mx.io.NDArrayIter(INPUTS["X"], labels, batch_size=4,
                                       shuffle=False, label_name="softmax_label")
        module.fit(train_iter, num_epoch=2, optimizer="sgd",
                   optimizer_params={"learning_rate": 0.3, "rescale_grad": 1.0},
                   arg_params={"fc_weight": INPUTS["fc_weight"],
                               "fc_bias": INPUTS["fc_bias"]})
        return module.get_params()[0]

    ours = fit(lambda fc: mx.sym.Custom(fc, op_type="golden_softmax", name="softmax"))
    builtin = fit(lambda fc: mx.sym.SoftmaxOutput(fc, name="softmax"))
    for name in ("fc_weight", "fc_bias"):
        np.testing.assert_allclose(ours[name].asnumpy(), builtin[name].asnumpy(),
                                   rtol=1e-5, atol=1e-6)


def test_executor_backward_of_a_custom_op_needing_top_grad_requires_out_grads():
    symbol = mx.sym.Custom(mx.sym.Variable("x"), op_type="golden_sigmoid")
    executor = symbol.simple_bind(mx.cpu(), x=(2, 3))
    executor.forward(is_train=True)
    with pytest.raises(mx.MXNetError, match="not a loss head"):
        executor.backward()


# --------------------------------------------------------------------------------------
# What the user's classes receive.
# --------------------------------------------------------------------------------------
SEEN = []


class _Probe(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        SEEN.append(("forward", is_train, list(req), mx.autograd.is_recording(),
                     mx.autograd.is_training()))
        self.assign(out_data[0], req[0], in_data[0] * 2)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        SEEN.append(("backward", list(req), mx.autograd.is_recording()))
        self.assign(in_grad[0], req[0], out_grad[0] * 2)
        self.assign(in_grad[1], req[1], out_grad[0] * 0)


@mx.operator.register("test_probe")
class _ProbeProp(mx.operator.CustomOpProp):
    def __init__(self, **kwargs):
        super().__init__()
        SEEN.append(("init", kwargs))

    def list_arguments(self):
        return ["data", "other"]

    def infer_shape(self, in_shape):
        SEEN.append(("infer_shape", in_shape))
        return in_shape, [in_shape[0]], []

    def create_operator(self, ctx, in_shapes, in_dtypes):
        SEEN.append(("create", ctx, in_shapes, in_dtypes))
        return _Probe()


def test_keywords_reach_the_prop_as_strings():
    SEEN.clear()
    mx.nd.Custom(mx.nd.ones(2), mx.nd.ones(2), op_type="test_probe", alpha=1.5,
                 flag=True, sizes=(1, 2), nothing=None)
    assert ("init", {"alpha": "1.5", "flag": "True", "sizes": "(1, 2)",
                     "nothing": "None"}) in SEEN


def test_prop_sees_lists_and_create_operator_gets_context_and_type_numbers():
    SEEN.clear()
    mx.nd.Custom(mx.nd.ones((2, 3)), mx.nd.ones((2, 3), dtype="float64"),
                 op_type="test_probe")
    assert ("infer_shape", [[2, 3], [2, 3]]) in SEEN
    assert ("create", mx.cpu(0), [[2, 3], [2, 3]], [0, 1]) in SEEN


def test_partial_shapes_reach_the_prop_with_minus_one_for_unknown():
    SEEN.clear()
    symbol = mx.sym.Custom(mx.sym.Variable("x"), op_type="test_probe", name="p")
    arg_shapes, out_shapes, _ = symbol.infer_shape_partial(x=(0, 3))
    assert ("infer_shape", [[-1, 3], []]) in SEEN
    assert arg_shapes == [(0, 3), ()] and out_shapes == [(0, 3)]


def test_user_code_runs_unrecorded_with_req_null_for_inputs_without_grad():
    SEEN.clear()
    x, other = mx.nd.ones(2), mx.nd.ones(2)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Custom(x, other, op_type="test_probe")
    y.backward()
    assert ("forward", 1, ["write"], False, True) in SEEN
    assert ("backward", ["write", "null"], False) in SEEN
    np.testing.assert_array_equal(x.grad.asnumpy(), [2, 2])
    mx.nd.Custom(x, other, op_type="test_probe")
    assert SEEN[-1] == ("forward", 0, ["write"], False, False)


def test_json_round_trip_keeps_the_prop_keywords():
    SEEN.clear()
    symbol = mx.sym.Custom(mx.sym.Variable("x"), op_type="test_probe", name="p",
                           alpha=2, attr={"lr_mult": "3"})
    loaded = mx.sym.load_json(symbol.tojson())
    assert loaded.tojson() == symbol.tojson()
    assert loaded.list_arguments() == ["x", "p_other"]
    assert json.loads(symbol.tojson())["nodes"][-1]["attrs"] == {
        "__lr_mult__": "3", "alpha": "2", "op_type": "test_probe"}
    assert ("init", {"alpha": "2"}) in SEEN   # the hidden key stays with the graph


def test_symbol_inputs_by_keyword_and_missing_ones_become_variables():
    symbol = mx.sym.Custom(other=mx.sym.Variable("o"), op_type="test_probe", name="p")
    assert symbol.list_arguments() == ["p_data", "o"]


def test_assign_honours_req():
    op, dst = mx.operator.CustomOp(), mx.nd.ones(2)
    op.assign(dst, "add", mx.nd.ones(2))
    op.assign(dst, "null", mx.nd.zeros(2))
    np.testing.assert_array_equal(dst.asnumpy(), [2, 2])
    op.assign(dst, "inplace", np.array([5.0, 6.0]))
    np.testing.assert_array_equal(dst.asnumpy(), [5, 6])
    with pytest.raises(mx.MXNetError, match="unknown req 'bogus'"):
        op.assign(dst, "bogus", mx.nd.ones(2))


def test_default_prop_methods_follow_mxnet():
    prop = mx.operator.CustomOpProp(need_top_grad=False)
    assert prop.need_top_grad_ is False
    assert prop.list_arguments() == ["data"] and prop.list_outputs() == ["output"]
    assert prop.infer_shape([[2, 3]]) == ([[2, 3]], ([2, 3],), ())
    assert prop.infer_type([np.float32]) == ([np.float32], [np.float32], [])
    assert prop.declare_backward_dependency([1], [2, 3], [4]) == [2, 3, 4]
    assert mx.operator.CustomOpProp().declare_backward_dependency([1], [2], [3]) == \
        [1, 2, 3]


def test_registry_functions():
    names = mx.operator.get_all_registered_operators()
    assert "Custom" in names and "FullyConnected" in names and names == sorted(names)
    arguments = mx.operator.get_operator_arguments("Custom")
    assert arguments.names[:2] == ["data", "op_type"]
    assert arguments.types[:2] == ["NDArray-or-Symbol[]", "string, required"]


# --------------------------------------------------------------------------------------
# Errors.
# --------------------------------------------------------------------------------------
def test_unknown_op_type_names_the_registered_ones():
    with pytest.raises(mx.MXNetError, match=r"cannot find custom operator 'nosuch'; "
                                            r"registered ones are \[.*'golden_pair'"):
        mx.nd.Custom(mx.nd.ones(2), op_type="nosuch")
    with pytest.raises(mx.MXNetError, match="cannot find custom operator 'nosuch'"):
        mx.sym.Custom(mx.sym.Variable("x"), op_type="nosuch")


def test_missing_op_type():
    with pytest.raises(mx.MXNetError, match="required attribute 'op_type'"):
        mx.nd.Custom(mx.nd.ones(2))


class _Identity(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0])


@mx.operator.register("test_bad_shapes")
class _BadShapesProp(mx.operator.CustomOpProp):
    def infer_shape(self, in_shape):
        return in_shape, [], []

    def create_operator(self, ctx, in_shapes, in_dtypes):
        return _Identity()


@mx.operator.register("test_bad_return")
class _BadReturnProp(mx.operator.CustomOpProp):
    def infer_shape(self, in_shape):
        return in_shape


def test_infer_shape_returning_the_wrong_number_of_shapes():
    with pytest.raises(mx.MXNetError, match=r"_BadShapesProp.infer_shape returned 0 "
                                            r"output shapes \[\], but list_outputs\(\)"
                                            r" names 1"):
        mx.nd.Custom(mx.nd.ones(2), op_type="test_bad_shapes")
    symbol = mx.sym.Custom(mx.sym.Variable("x"), op_type="test_bad_shapes")
    with pytest.raises(mx.MXNetError, match="returned 0 output shapes"):
        symbol.infer_shape(x=(2,))
    with pytest.raises(mx.MXNetError, match=r"must return \(in_shapes, out_shapes\)"):
        mx.nd.Custom(mx.nd.ones(2), op_type="test_bad_return")


def test_wrong_number_of_inputs():
    with pytest.raises(mx.MXNetError, match=r"takes 1: \['data'\]"):
        mx.nd.Custom(mx.nd.ones(2), mx.nd.ones(2), op_type="test_bad_shapes")
    with pytest.raises(mx.MXNetError, match="too many inputs"):
        mx.sym.Custom(mx.sym.Variable("x"), mx.sym.Variable("y"),
                      op_type="test_bad_shapes")
    with pytest.raises(mx.MXNetError, match="'foo' is not an input"):
        mx.sym.Custom(foo=mx.sym.Variable("x"), op_type="test_bad_shapes")


def test_arrays_by_keyword_are_refused_in_nd():
    with pytest.raises(mx.MXNetError, match="pass the inputs positionally"):
        mx.nd.Custom(data=mx.nd.ones(2), op_type="test_bad_shapes")


def test_register_checks_the_class_and_warns_on_a_second_registration():
    with pytest.raises(TypeError, match="subclass of mx.operator.CustomOpProp"):
        mx.operator.register("test_not_a_prop")(int)
    mx.operator.register("test_twice")(_BadShapesProp)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mx.operator.register("test_twice")(_BadReturnProp)
    assert "overriding existing custom operator test_twice" in str(caught[0].message)
