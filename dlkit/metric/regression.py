"""Regression metrics (MAE, MSE, RMSE, PearsonCorrelation) and Loss (with its
aliases for external criteria, Torch and Caffe)."""
import math

import numpy

from .base import EvalMetric, _host, alias, check_label_shapes, register
from ..ndarray import NDArray

__all__ = ["MAE", "MSE", "RMSE", "PearsonCorrelation", "Loss", "Torch", "Caffe"]


def _as_columns(label, pred):
    """1-D labels/preds become ``(n, 1)`` so that they never broadcast to ``(n, n)``."""
    label, pred = _host(label), _host(pred)
    if label.ndim == 1:
        label = label.reshape(label.shape[0], 1)
    if pred.ndim == 1:
        pred = pred.reshape(pred.shape[0], 1)
    return label, pred


class _Regression(EvalMetric):
    """MAE/MSE/RMSE: one batch adds its mean error and counts as one instance."""

    def __init__(self, name, output_names, label_names):
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label, pred = _as_columns(label, pred)
            self._add(float(self.batch_error(label - pred)), 1)


@register
class MAE(_Regression):
    """Mean absolute error, averaged over batches."""

    def __init__(self, name="mae", output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    def batch_error(self, difference):
        return numpy.abs(difference).mean()


@register
class MSE(_Regression):
    """Mean squared error, averaged over batches."""

    def __init__(self, name="mse", output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    def batch_error(self, difference):
        return (difference ** 2.0).mean()


@register
class RMSE(_Regression):
    """Root mean squared error of each batch, averaged over batches."""

    def __init__(self, name="rmse", output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    def batch_error(self, difference):
        return numpy.sqrt((difference ** 2.0).mean())


@register
@alias("pearsonr")
class PearsonCorrelation(EvalMetric):
    """Pearson correlation of predictions and labels.

    ``'macro'`` averages the per-batch correlation; ``'micro'`` correlates everything
    seen since ``reset()`` (``reset_local`` keeps those sums). MXNet quirk kept: in
    micro mode ``get_global`` reports 0 (its global sum is never filled).
    """

    def __init__(self, name="pearsonr", output_names=None, label_names=None,
                 average="macro"):
        self.average = average
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)

    def reset(self):
        super().reset()
        self._sums = numpy.zeros(6)  # n, sum x, sum y, sum xx, sum yy, sum xy

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            x = _host(label).ravel().astype("float64")
            y = _host(pred).ravel().astype("float64")
            check_label_shapes(x, y, False, True)
            if self.average == "macro":
                self._add(numpy.corrcoef(y, x)[0, 1], 1)
                continue
            self._sums += [x.size, x.sum(), y.sum(), (x * x).sum(), (y * y).sum(),
                           (x * y).sum()]
            self.sum_metric = self._pooled_correlation()
            self.num_inst = 1
            self.global_num_inst += 1

    def _pooled_correlation(self):
        n, sx, sy, sxx, syy, sxy = self._sums
        covariance = sxy - sx * sy / n
        return covariance / math.sqrt((sxx - sx * sx / n) * (syy - sy * sy / n))


@register
class Loss(EvalMetric):
    """Mean of the values in ``preds`` (already losses); labels are ignored."""

    def __init__(self, name="loss", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)

    def update(self, _, preds):
        if isinstance(preds, NDArray):
            preds = [preds]
        for pred in preds:
            pred = _host(pred)
            self._add(float(pred.sum()), pred.size)


@register
class Torch(Loss):
    """``Loss`` named 'torch': MXNet's placeholder for losses computed by Torch
    criteria (its Torch plugin); it averages the values in ``preds``."""

    def __init__(self, name="torch", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names)


@register
class Caffe(Loss):
    """``Loss`` named 'caffe': MXNet's placeholder for losses computed by Caffe
    layers (its Caffe plugin); it averages the values in ``preds``."""

    def __init__(self, name="caffe", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names)
