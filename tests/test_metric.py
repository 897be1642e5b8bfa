"""dlkit/metric against MXNet 1.9.1 goldens (tests/golden/gen_metric.py)."""
import math

import numpy as np
import pytest

import dlkit as mx
from golden_replay import load_topic

CASES, ARRAYS = load_topic("metric")
RUNS = [case for case in CASES if "batches" in case]


def _nd(keys):
    return [mx.nd.array(ARRAYS[key]) for key in keys]


def _assert_get(actual, expected):
    assert actual[0] == expected[0]
    if isinstance(expected[1], list):
        np.testing.assert_allclose(actual[1], expected[1], rtol=1e-5)
    else:
        np.testing.assert_allclose(actual[1], expected[1], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("case", RUNS, ids=[case["id"] for case in RUNS])
def test_metric_values_match_mxnet_over_batches_and_resets(case):
    metric = mx.metric.create(case["name"], **case["kwargs"])
    batches = case["batches"]
    for batch, expected in zip(batches[:2], case["gets"]):
        metric.update(_nd(batch["labels"]), _nd(batch["preds"]))
        _assert_get(metric.get(), expected)
    metric.reset_local()
    metric.update(_nd(batches[2]["labels"]), _nd(batches[2]["preds"]))
    _assert_get(metric.get(), case["after_reset_local"])
    _assert_get(metric.get_global(), case["global"])
    assert metric.num_inst == pytest.approx(case["num_inst"])
    assert metric.global_num_inst == pytest.approx(case["global_num_inst"])


def _custom_feval(label, pred):
    return float(np.abs(label - pred.argmax(axis=1)).sum())


def _pair_feval(label, pred):
    return float((label == pred.argmax(axis=1)).sum()), label.size


@pytest.mark.parametrize("feval", [_custom_feval, _pair_feval])
def test_numpy_custom_metric_matches_mxnet(feval):
    case = next(c for c in CASES if c.get("feval") == feval.__name__.lstrip("_"))
    metric = mx.metric.np(feval, name=case["name"])
    metric.update(_nd(case["labels"]), _nd(case["preds"]))
    _assert_get(metric.get(), case["get"])


def test_composite_metric_reports_every_child():
    case = next(c for c in CASES if c["id"] == "composite")
    metric = mx.metric.create(["acc", "ce", mx.metric.TopKAccuracy(top_k=2)])
    metric.update(_nd(case["labels"]), _nd(case["preds"]))
    _assert_get(metric.get(), case["get"])
    names = [name for name, _ in metric.get_name_value()]
    assert names == [name for name, _ in case["name_value"]]
    assert isinstance(metric.get_metric(1), mx.metric.CrossEntropy)
    with pytest.raises(ValueError, match="out of range"):
        metric.get_metric(5)


def test_registry_knows_mxnet_names():
    expected = {"acc": "accuracy", "accuracy": "accuracy", "ce": "cross-entropy",
                "top_k_accuracy": "top_k_accuracy_2", "f1": "f1", "mae": "mae",
                "mse": "mse", "rmse": "rmse", "nll_loss": "nll-loss",
                "pearsonr": "pearsonr", "loss": "loss", "mcc": "mcc"}
    for key, name in expected.items():
        kwargs = {"top_k": 2} if key == "top_k_accuracy" else {}
        assert mx.metric.create(key, **kwargs).name == name
    assert mx.metric.create("perplexity", ignore_label=None).name == "perplexity"
    assert mx.metric.create("ACC").name == "accuracy"


def test_create_accepts_instance_callable_and_rejects_unknown_names():
    metric = mx.metric.Accuracy()
    assert mx.metric.create(metric) is metric
    assert mx.metric.create(lambda label, pred: 1.0).name == "custom(<lambda>)"
    with pytest.raises(ValueError, match="nope is not registered.*'acc'"):
        mx.metric.create("nope")
    with pytest.raises(ValueError, match="metric must be"):
        mx.metric.create(3)


def test_register_and_alias_add_names():
    @mx.metric.register
    @mx.metric.alias("always_one")
    class AlwaysOne(mx.metric.EvalMetric):
        def __init__(self):
            super().__init__("one")

        def update(self, labels, preds):
            self._add(1.0, 1)

    assert isinstance(mx.metric.create("always_one"), AlwaysOne)
    assert isinstance(mx.metric.create("alwaysone"), AlwaysOne)


def test_fresh_metric_is_nan_and_prints_like_mxnet():
    metric = mx.metric.Accuracy()
    assert math.isnan(metric.get()[1])
    assert str(metric) == "EvalMetric: {'accuracy': nan}"
    assert metric.get_config() == {"axis": 1, "metric": "Accuracy", "name": "accuracy",
                                   "output_names": None, "label_names": None}


def test_update_dict_picks_named_outputs_and_labels():
    metric = mx.metric.Accuracy(output_names=["out"], label_names=["lab"])
    metric.update_dict({"lab": mx.nd.array([1, 0]), "extra": mx.nd.array([0])},
                       {"out": mx.nd.array([[0, 1], [0, 1]])})
    assert metric.get() == ("accuracy", 0.5)


def test_reset_local_keeps_global_average():
    metric = mx.metric.Accuracy()
    metric.update([mx.nd.array([1, 0])], [mx.nd.array([[0, 1], [0, 1]])])
    metric.reset_local()
    assert math.isnan(metric.get()[1])
    assert metric.get_global() == ("accuracy", 0.5)
    assert metric.get_global_name_value() == [("accuracy", 0.5)]
    metric.reset()
    assert math.isnan(metric.get_global()[1])


def test_accuracy_compares_labels_directly_when_shapes_match():
    metric = mx.metric.Accuracy()
    metric.update(mx.nd.array([1, 0, 1]), mx.nd.array([1, 0, 0]))
    assert metric.get()[1] == pytest.approx(2 / 3)


def test_mismatched_label_and_prediction_counts_raise():
    with pytest.raises(ValueError, match="Shape of labels 1 does not match shape of "
                                         "predictions 2"):
        mx.metric.Accuracy().update([mx.nd.ones(3)],
                                    [mx.nd.ones((3, 2)), mx.nd.ones(2)])


def test_f1_refuses_more_than_two_classes():
    with pytest.raises(ValueError, match="binary"):
        mx.metric.F1().update([mx.nd.array([0, 1, 2])], [mx.nd.ones((3, 3))])


def test_top_k_of_one_is_refused():
    with pytest.raises(ValueError, match="Please use Accuracy"):
        mx.metric.TopKAccuracy(top_k=1)


def test_loss_averages_every_value_and_ignores_labels():
    metric = mx.metric.Loss()
    metric.update(None, mx.nd.array([1, 2]))
    assert metric.get() == ("loss", 1.5)


# ---- PCC, Torch and Caffe (gen_misc_training.py) ----
MISC_CASES, _ = load_topic("misc_training")
MISC_METRICS = {case["metric"]: case for case in MISC_CASES if case["kind"] == "metric"}


def test_pcc_matches_mxnet_as_classes_grow_and_after_reset_local():
    case = MISC_METRICS["pcc"]
    metric = mx.metric.create("pcc")
    assert metric.get()[0] == case["name"]
    for step, (label, pred, expected) in enumerate(zip(case["labels"], case["preds"],
                                                       case["values"])):
        metric.update([mx.nd.array(label)], [mx.nd.array(pred)])
        np.testing.assert_allclose([metric.get()[1], metric.get_global()[1]], expected,
                                   rtol=1e-6)
        if step == 1:
            metric.reset_local()
    assert metric.k == 4     # class 3 appeared in the last batch


@pytest.mark.parametrize("name", ["torch", "caffe"])
def test_torch_and_caffe_average_the_given_losses_as_mxnet(name):
    case = MISC_METRICS[name]
    metric = mx.metric.create(name)
    metric.update(None, [mx.nd.array(pred) for pred in case["preds"]])
    _assert_get(metric.get(), case["get"])
    _assert_get(metric.get_global(), case["global"])
    assert isinstance(metric, mx.metric.Loss)


def test_pcc_equals_mcc_for_two_classes():
    labels = [mx.nd.array([0, 1, 1, 0, 1, 1])]
    preds = [mx.nd.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7], [0.1, 0.9],
                          [0.4, 0.6]])]
    pcc, mcc = mx.metric.PCC(), mx.metric.MCC()
    pcc.update(labels, preds)
    mcc.update(labels, preds)
    assert pcc.get()[1] == pytest.approx(mcc.get()[1])


def test_pcc_is_nan_before_updates_and_for_one_predicted_class():
    metric = mx.metric.PCC()
    assert math.isnan(metric.get()[1])
    metric.update([mx.nd.array([0, 1])], [mx.nd.array([1, 1])])
    assert math.isnan(metric.get()[1])     # a column total of 0: undefined
