"""Checks the Estimator and its event handlers share: metric lists and references,
and how a monitored metric improves (``_comparison``).

Every handler that reads metrics (MetricHandler, LoggingHandler ...) must hold the very
metric objects of ``estimator.train_metrics``/``val_metrics``: the Estimator renames
them ('training accuracy') and MetricHandler updates them, so a handler holding a
different ``Accuracy`` object would log a metric that nobody updates.
"""
import warnings

import numpy as np

from ....metric import Accuracy, CompositeEvalMetric, EvalMetric
from ...loss import SoftmaxCrossEntropyLoss


def _check_metrics(metrics):
    """A list of metrics from None, one metric, a list, or a CompositeEvalMetric
    (whose children are taken out, recursively)."""
    if isinstance(metrics, CompositeEvalMetric):
        return [child for metric in metrics.metrics for child in _check_metrics(metric)]
    if isinstance(metrics, EvalMetric):
        return [metrics]
    metrics = metrics or []
    if not all(isinstance(metric, EvalMetric) for metric in metrics):
        raise ValueError("metrics must be a Metric or a list of Metric, "
                         f"refer to mxnet.metric.EvalMetric: {metrics}")
    return metrics


def _check_handler_metric_ref(handler, known_metrics):
    """Every attribute of ``handler`` whose name contains 'metric' must refer to
    known metrics. (MXNet 1.9.1 means to check 'monitor' attributes too, but its
    ``['metric' or 'monitor']`` is just ``['metric']``; the same is kept here.)"""
    for attribute in dir(handler):
        if "metric" not in attribute:
            continue
        reference = getattr(handler, attribute)
        if not reference:
            continue
        if isinstance(reference, list):
            for metric in reference:
                _check_metric_known(handler, metric, known_metrics)
        else:
            _check_metric_known(handler, reference, known_metrics)


def _check_metric_known(handler, metric, known_metrics):
    if metric not in known_metrics:
        raise ValueError(
            f"Event handler {type(handler).__name__} refers to a metric instance "
            f"{metric} outside of the known training and validation metrics. Please "
            "use the metrics from estimator.train_metrics and estimator.val_metrics "
            "instead.")


def _suggest_metric_for_loss(loss):
    """Accuracy for a classification loss; None (only the loss itself) otherwise."""
    if isinstance(loss, SoftmaxCrossEntropyLoss):
        return Accuracy()
    return None


def _comparison(handler_name, mode, monitor):
    """``np.less`` or ``np.greater``: how ``monitor`` improves under ``mode``.

    MXNet 1.9.1's 'auto' mode tests ``'acc' or 'f1' in name``, which is always true,
    so 'auto' always picks 'greater' (even for a loss); the same is kept here.
    """
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"{handler_name} mode {mode} is unknown, fallback to auto mode. "
                      "CheckpointHandler will usemax mode for f1 and accuracy metric "
                      "comparison and use min mode other wise", RuntimeWarning)
        mode = "auto"
    if mode == "min":
        return np.less
    if mode == "max":
        return np.greater
    warnings.warn(f"`greater` operator will be used to determine if {monitor.get()[0]} "
                  "has improved. Please specify `mode='min'` to use the `less` "
                  "operator. Specify `mode='max' to disable this warning.`")
    return np.greater
