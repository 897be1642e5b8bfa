"""Module: the state machine, the intermediate API, fit/score/predict against MXNet 1.9.1
golden values (tests/golden/gen_module.py), checkpoints, and the seed 000 examples."""
import logging
from collections import namedtuple

import numpy as np
import pytest

import dlkit as mx
from golden_replay import load_topic

CASES, ARRAYS = load_topic("module")
CASE = {case["id"]: case for case in CASES}


def mlp():
    data = mx.sym.Variable("data")
    fc1 = mx.sym.FullyConnected(data, name="fc1", num_hidden=8)
    act1 = mx.sym.Activation(fc1, name="relu1", act_type="relu")
    fc2 = mx.sym.FullyConnected(act1, name="fc2", num_hidden=3)
    return mx.sym.SoftmaxOutput(fc2, name="softmax")


def initial_params():
    return {name: mx.nd.array(ARRAYS[f"initial/{name}"])
            for name in ("fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias")}


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.mark.parametrize("contexts", [1, 2])
def test_fit_matches_mxnet_parameters_logs_score_and_predict(contexts):
    X, y = ARRAYS["X"], ARRAYS["y"]
    train_iter = mx.io.NDArrayIter(X, y, batch_size=10, shuffle=False)
    val_iter = mx.io.NDArrayIter(X[:20], y[:20], batch_size=10)
    mod = mx.mod.Module(mlp(), context=[mx.cpu(i) for i in range(contexts)])
    capture = Capture()
    root = logging.getLogger()
    root.addHandler(capture)
    previous = root.level
    root.setLevel(logging.INFO)
    try:
        mod.fit(train_iter, eval_data=val_iter, num_epoch=2, optimizer="sgd",
                optimizer_params={"learning_rate": 0.5, "momentum": 0.9, "wd": 0.001},
                arg_params=initial_params(), eval_metric="acc")
    finally:
        root.removeHandler(capture)
        root.setLevel(previous)
    case = CASE[f"fit{contexts}"]
    logs = [line for line in capture.lines if "Epoch[" in line and "Time cost" not in line]
    assert logs == case["logs"]
    assert any("Time cost=" in line for line in capture.lines)
    arg_params, _ = mod.get_params()
    for name, value in arg_params.items():
        np.testing.assert_allclose(value.asnumpy(), ARRAYS[f"fit{contexts}/{name}"],
                                   rtol=1e-4, atol=1e-5, err_msg=name)
    score = mod.score(val_iter, ["acc", "ce"])
    for (name, value), (expected_name, expected) in zip(score, case["score"]):
        assert name == expected_name
        assert value == pytest.approx(expected, rel=1e-4)
    np.testing.assert_allclose(mod.predict(val_iter).asnumpy(),
                               ARRAYS[f"fit{contexts}/predict"], rtol=1e-4, atol=1e-6)
    assert [[n, list(s)] for n, s in mod.output_shapes] == case["output_shapes"]
    assert [[d.name, list(d.shape)] for d in mod.data_shapes] == case["data_shapes"]


@pytest.mark.parametrize("key", [c["id"] for c in CASES if c["id"].startswith("steps_")])
def test_forward_backward_update_matches_mxnet(key):
    case = CASE[key]
    X, y = ARRAYS["X"], ARRAYS["y"]
    mod = mx.mod.Module(mlp())
    mod.bind(data_shapes=[("data", (10, 6))], label_shapes=[("softmax_label", (10,))])
    mod.init_params(arg_params=initial_params())
    mod.init_optimizer(optimizer=case["optimizer"], optimizer_params=case["params"])
    for step in range(3):
        batch = mx.io.DataBatch([mx.nd.array(X[step * 10:(step + 1) * 10])],
                                [mx.nd.array(y[step * 10:(step + 1) * 10])])
        mod.forward(batch, is_train=True)
        mod.backward()
        mod.update()
    for name, value in mod.get_params()[0].items():
        np.testing.assert_allclose(value.asnumpy(), ARRAYS[f"{key}/{name}"], rtol=1e-4,
                                   atol=1e-6, err_msg=name)


def test_seed_000_forward_rebinds_for_a_new_batch_shape():
    Batch = namedtuple("Batch", ["data"])
    data = mx.sym.Variable("data")
    out = data * 2
    mod = mx.mod.Module(symbol=out, label_names=None)
    mod.bind(data_shapes=[("data", (1, 10))])
    mod.init_params()
    mod.forward(Batch([mx.nd.ones((1, 10))]))
    np.testing.assert_array_equal(mod.get_outputs()[0].asnumpy(), np.full((1, 10), 2.0))
    mod.forward(Batch([mx.nd.ones((3, 5))]))
    np.testing.assert_array_equal(mod.get_outputs()[0].asnumpy(), np.full((3, 5), 2.0))
    assert mod.data_shapes[0].shape == (3, 5)


def test_seed_000_module_states_and_intermediate_api(tmp_path):
    mod = mx.mod.Module(mlp())
    assert (mod.binded, mod.params_initialized, mod.optimizer_initialized) == \
        (False, False, False)
    mod.bind(data_shapes=[("data", (4, 6))], label_shapes=[("softmax_label", (4,))])
    assert mod.binded and mod.for_training and not mod.inputs_need_grad
    mod.init_params()
    mod.init_optimizer(kvstore="local", optimizer="sgd",
                       optimizer_params=(("learning_rate", 0.01),))
    assert mod.optimizer_initialized
    batch = mx.io.DataBatch([mx.nd.ones((4, 6))], [mx.nd.zeros((4,))])
    before = mod.get_params()[0]["fc2_weight"].asnumpy().copy()
    mod.forward(batch)
    mod.backward()
    mod.update()
    after = mod.get_params()[0]["fc2_weight"].asnumpy()
    assert not np.allclose(before, after)
    metric = mx.metric.Accuracy()
    mod.update_metric(metric, batch.label)
    assert metric.get()[0] == "accuracy"
    mod.save_params(str(tmp_path / "myfile"))
    other = mx.mod.Module(mlp())
    other.bind(data_shapes=[("data", (4, 6))], label_shapes=[("softmax_label", (4,))])
    other.load_params(str(tmp_path / "myfile"))
    np.testing.assert_array_equal(other.get_params()[0]["fc2_weight"].asnumpy(), after)


def test_checkpoint_round_trip_and_module_load(tmp_path):
    prefix = str(tmp_path / "mlp")
    mod = mx.mod.Module(mlp())
    mod.bind(data_shapes=[("data", (5, 6))], label_shapes=[("softmax_label", (5,))])
    mod.init_params(arg_params=initial_params())
    mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.1,
                                                          "momentum": 0.9})
    mod.save_checkpoint(prefix, 3, save_optimizer_states=True)
    symbol, arg_params, aux_params = mx.model.load_checkpoint(prefix, 3)
    assert symbol.list_arguments() == mlp().list_arguments()
    loaded = mx.mod.Module.load(prefix, 3, load_optimizer_states=True)
    loaded.bind(data_shapes=[("data", (5, 6))], label_shapes=[("softmax_label", (5,))])
    loaded.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.1,
                                                             "momentum": 0.9})
    X = mx.nd.array(ARRAYS["X"][:5])
    np.testing.assert_allclose(loaded.predict(X).asnumpy(), mod.predict(X).asnumpy())


def test_fixed_params_are_not_updated_and_input_grads_are_available():
    mod = mx.mod.Module(mlp(), fixed_param_names=["fc1_weight"])
    mod.bind(data_shapes=[("data", (10, 6))], label_shapes=[("softmax_label", (10,))],
             inputs_need_grad=True)
    mod.init_params(arg_params=initial_params())
    mod.init_optimizer(optimizer_params={"learning_rate": 1.0})
    batch = mx.io.DataBatch([mx.nd.array(ARRAYS["X"][:10])], [mx.nd.array(ARRAYS["y"][:10])])
    mod.forward_backward(batch)
    mod.update()
    params = mod.get_params()[0]
    np.testing.assert_array_equal(params["fc1_weight"].asnumpy(),
                                  ARRAYS["initial/fc1_weight"])
    assert not np.allclose(params["fc2_weight"].asnumpy(), ARRAYS["initial/fc2_weight"])
    assert mod.get_input_grads()[0].shape == (10, 6)


def test_predict_merges_batches_and_removes_padding():
    mod = mx.mod.Module(mlp())
    data_iter = mx.io.NDArrayIter(ARRAYS["X"][:25], ARRAYS["y"][:25], batch_size=10)
    mod.bind(data_iter.provide_data, data_iter.provide_label, for_training=False)
    mod.init_params(arg_params=initial_params())
    assert mod.predict(data_iter).shape == (25, 3)
    assert mod.predict(data_iter, num_batch=1).shape == (10, 3)
    per_batch = mod.predict(data_iter, merge_batches=False)
    assert [len(outputs) for outputs in per_batch] == [1, 1, 1]
    assert per_batch[2][0].shape == (5, 3)


@pytest.mark.parametrize("call, step", [
    ("forward", "bind"), ("init_params", "bind"), ("update", "init_optimizer")])
def test_calls_out_of_order_name_the_missing_step(call, step):
    mod = mx.mod.Module(mlp())
    batch = mx.io.DataBatch([mx.nd.ones((2, 6))], [mx.nd.zeros((2,))])
    if call == "update":
        mod.bind(data_shapes=[("data", (2, 6))], label_shapes=[("softmax_label", (2,))])
        mod.init_params()
    with pytest.raises(mx.MXNetError, match=step) as info:
        {"forward": lambda: mod.forward(batch), "init_params": mod.init_params,
         "update": mod.update}[call]()
    assert isinstance(info.value, AssertionError)  # MXNet raised AssertionError here


def test_bind_with_wrong_data_names_or_unexpected_labels_is_a_clear_error():
    mod = mx.mod.Module(mlp())
    with pytest.raises(ValueError, match="data_names"):
        mod.bind(data_shapes=[("images", (2, 6))])
    with pytest.raises(ValueError, match="not found in symbol.list_arguments"):
        mx.mod.Module(mlp(), data_names=["images"])
    plain = mx.mod.Module(mx.sym.Variable("data") * 2, label_names=None)
    with pytest.raises(ValueError, match="no label inputs"):
        plain.bind(data_shapes=[("data", (2, 3))], label_shapes=[("softmax_label", (2,))])


def _two_part_sequential():
    data = mx.sym.Variable("data")
    fc1 = mx.sym.FullyConnected(data, name="fc1", num_hidden=8)
    first = mx.sym.Activation(fc1, name="relu1", act_type="relu")
    hidden = mx.sym.Variable("hidden")
    fc2 = mx.sym.FullyConnected(hidden, name="fc2", num_hidden=3)
    second = mx.sym.SoftmaxOutput(fc2, name="softmax")
    seq = mx.mod.SequentialModule()
    seq.add(mx.mod.Module(first, label_names=None))
    seq.add(mx.mod.Module(second, data_names=["hidden"]), take_labels=True, auto_wiring=True)
    return seq


def test_sequential_module_trains_like_the_single_module():
    X, y = ARRAYS["X"], ARRAYS["y"]
    results = []
    for mod in (_two_part_sequential(), mx.mod.Module(mlp())):
        train_iter = mx.io.NDArrayIter(X, y, batch_size=10, shuffle=False)
        mod.fit(train_iter, num_epoch=2, optimizer_params={"learning_rate": 0.5},
                arg_params=initial_params(), allow_missing=False)
        results.append(mod.get_params()[0])
    for name in ("fc1_weight", "fc2_weight", "fc2_bias"):
        np.testing.assert_allclose(results[0][name].asnumpy(), results[1][name].asnumpy(),
                                   rtol=1e-5, atol=1e-6, err_msg=name)


def test_bucketing_module_shares_parameters_between_buckets():
    def sym_gen(bucket_key):
        return mlp(), ("data",), ("softmax_label",)

    mod = mx.mod.BucketingModule(sym_gen, default_bucket_key=10)
    mod.bind(data_shapes=[("data", (10, 6))], label_shapes=[("softmax_label", (10,))])
    mod.init_params(arg_params=initial_params())
    mod.init_optimizer(optimizer_params={"learning_rate": 1.0})
    X, y = ARRAYS["X"], ARRAYS["y"]
    small = mx.io.DataBatch([mx.nd.array(X[:5])], [mx.nd.array(y[:5])], bucket_key=5,
                            provide_data=[("data", (5, 6))],
                            provide_label=[("softmax_label", (5,))])
    mod.forward(small, is_train=True)
    mod.backward()
    mod.update()
    updated = mod.get_params()[0]["fc2_weight"].asnumpy()
    assert not np.allclose(updated, ARRAYS["initial/fc2_weight"])
    big = mx.io.DataBatch([mx.nd.array(X[:10])], [mx.nd.array(y[:10])], bucket_key=10,
                          provide_data=[("data", (10, 6))],
                          provide_label=[("softmax_label", (10,))])
    mod.forward(big, is_train=False)
    np.testing.assert_array_equal(mod.get_params()[0]["fc2_weight"].asnumpy(), updated)
    assert sorted(mod._buckets) == [5, 10]
