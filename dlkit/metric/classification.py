"""Classification metrics: Accuracy, TopKAccuracy, F1, MCC, PCC, Perplexity,
CrossEntropy and NegativeLogLikelihood. Each works on NumPy copies of labels and
predictions."""
import math

import numpy

from .base import EvalMetric, _host, alias, check_label_shapes, register

__all__ = ["Accuracy", "TopKAccuracy", "F1", "MCC", "PCC", "Perplexity", "CrossEntropy",
           "NegativeLogLikelihood"]


@register
@alias("acc")
class Accuracy(EvalMetric):
    """Fraction of predictions equal to the label; class scores are argmax-ed over
    ``axis`` when their shape differs from the label's.

    Example
    -------
    >>> acc = mx.metric.Accuracy()
    >>> acc.update([mx.nd.array([0, 1])], [mx.nd.array([[0.3, 0.7], [0, 1.]])])
    >>> acc.get()
    ('accuracy', 0.5)
    """

    def __init__(self, axis=1, name="accuracy", output_names=None, label_names=None):
        super().__init__(name, axis=axis, output_names=output_names,
                         label_names=label_names, has_global_stats=True)
        self.axis = axis

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            pred, label = _host(pred), _host(label)
            if pred.shape != label.shape:
                pred = pred.argmax(axis=self.axis)
            pred = pred.astype("int32").ravel()
            label = label.astype("int32").ravel()
            check_label_shapes(label, pred)
            self._add(int((pred == label).sum()), len(pred))


@register
@alias("top_k_accuracy", "top_k_acc")
class TopKAccuracy(EvalMetric):
    """Fraction of samples whose label is among the ``top_k`` highest scores.

    The name becomes ``top_k_accuracy_<k>``.
    """

    def __init__(self, top_k=1, name="top_k_accuracy", output_names=None,
                 label_names=None):
        super().__init__(name, top_k=top_k, output_names=output_names,
                         label_names=label_names, has_global_stats=True)
        self.top_k = top_k
        if self.top_k <= 1:
            raise ValueError("Please use Accuracy if top_k is no more than 1 "
                             f"(got {top_k})")
        self.name += f"_{self.top_k}"

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            pred, label = _host(pred).astype("float32"), _host(label).astype("int32")
            if pred.ndim == 1:
                self._add(int((pred.astype("int32").ravel() == label.ravel()).sum()),
                          pred.shape[0])
                continue
            top = numpy.argsort(pred, axis=1)[:, -self.top_k:]
            hits = (top == label.reshape(-1, 1)).any(axis=1)
            self._add(int(hits.sum()), pred.shape[0])


class _BinaryCounts:
    """True/false positive/negative counts of a binary classifier (local and global)."""

    def __init__(self):
        self.local = numpy.zeros(4, dtype=numpy.int64)   # tp, fp, fn, tn
        self.global_ = numpy.zeros(4, dtype=numpy.int64)

    def update(self, label, pred):
        pred, label = _host(pred), _host(label).astype("int32").ravel()
        pred_label = pred.argmax(axis=1).ravel()
        check_label_shapes(label, pred_label)
        if len(numpy.unique(label)) > 2:
            raise ValueError(f"{type(self).__name__} currently only supports binary "
                             "classification (labels 0 and 1).")
        counts = numpy.array([((pred_label == 1) & (label == 1)).sum(),
                              ((pred_label == 1) & (label == 0)).sum(),
                              ((pred_label == 0) & (label == 1)).sum(),
                              ((pred_label == 0) & (label == 0)).sum()])
        self.local += counts
        self.global_ += counts

    @staticmethod
    def fscore(counts):
        tp, fp, fn, _ = (float(c) for c in counts)
        precision = tp / (tp + fp) if tp + fp > 0 else 0.0
        recall = tp / (tp + fn) if tp + fn > 0 else 0.0
        if precision + recall == 0:
            return 0.0
        return 2 * precision * recall / (precision + recall)

    @staticmethod
    def matthewscc(counts):
        tp, fp, fn, tn = (float(c) for c in counts)
        terms = [tp + fp, tp + fn, tn + fp, tn + fn]
        denominator = 1.0
        for term in terms:
            denominator *= term if term != 0 else 1.0
        return (tp * tn - fp * fn) / math.sqrt(denominator)


class _BinaryMetric(EvalMetric):
    """F1 and MCC: ``'macro'`` averages the per-batch score, ``'micro'`` scores the
    counts pooled over all batches."""
    score = None

    def __init__(self, name, output_names, label_names, average):
        self.average = average
        self.counts = _BinaryCounts()
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            self.counts.update(label, pred)
        if self.average == "macro":
            self._add(self.score(self.counts.local), self._one)
            self.counts.local[:] = 0
        else:
            local_total = int(self.counts.local.sum())
            global_total = int(self.counts.global_.sum())
            self.sum_metric = self.score(self.counts.local) * local_total
            self.num_inst = local_total
            self.global_sum_metric = self.score(self.counts.global_) * global_total
            self.global_num_inst = global_total

    def reset(self):
        super().reset()
        self.counts = _BinaryCounts()

    def reset_local(self):
        super().reset_local()
        self.counts.local[:] = 0


@register
class F1(_BinaryMetric):
    """F1 score ``2 P R / (P + R)`` of a binary classifier (class 1 is positive)."""
    score = staticmethod(_BinaryCounts.fscore)
    _one = 1

    def __init__(self, name="f1", output_names=None, label_names=None, average="macro"):
        super().__init__(name, output_names, label_names, average)


@register
class MCC(_BinaryMetric):
    """Matthews correlation coefficient of a binary classifier (in [-1, 1])."""
    score = staticmethod(_BinaryCounts.matthewscc)
    _one = 1.0

    def __init__(self, name="mcc", output_names=None, label_names=None,
                 average="macro"):
        super().__init__(name, output_names, label_names, average)


@register
class PCC(EvalMetric):
    """Multiclass Matthews correlation ("Pearson correlation coefficient" of the
    one-hot predictions and labels), from a K x K confusion matrix ``C``::

        n = sum(C),  x = row sums (predicted),  y = column sums (true)
        PCC = (n * trace(C) - x . y) / sqrt((n^2 - x . x) * (n^2 - y . y))

    With two classes this is ``MCC``. Predictions are class scores (argmax-ed over
    axis 1) or class indices (when shaped like the labels). The matrix grows when a
    larger class index appears. ``get()`` is the PCC of every batch since the last
    reset (NaN while a row or column total is 0), not an average of batch values.
    """

    def __init__(self, name="pcc", output_names=None, label_names=None,
                 has_global_stats=True):
        self.k = 2
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=has_global_stats)

    def _grow(self, extra):
        widths = ((0, extra), (0, extra))
        self.lcm = numpy.pad(self.lcm, widths, "constant", constant_values=0)
        self.gcm = numpy.pad(self.gcm, widths, "constant", constant_values=0)
        self.k += extra

    @staticmethod
    def _calc_mcc(cmat):
        n = cmat.sum()
        x = cmat.sum(axis=1)
        y = cmat.sum(axis=0)
        cov_xx = numpy.sum(x * (n - x))
        cov_yy = numpy.sum(y * (n - y))
        if cov_xx == 0 or cov_yy == 0:
            return float("nan")
        cov_xy = numpy.sum(cmat.diagonal() * n - x * y)
        return cov_xy / (cov_xx * cov_yy) ** 0.5

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label = _host(label).astype("int32")
            pred = _host(pred)
            if pred.shape != label.shape:
                pred = pred.argmax(axis=1)
            pred = pred.astype("int32").ravel()
            label = label.ravel()
            largest = max(pred.max(), label.max())
            if largest >= self.k:
                self._grow(largest + 1 - self.k)
            batch = numpy.zeros((self.k, self.k))
            numpy.add.at(batch, (pred, label), 1)
            self.lcm += batch
            self.gcm += batch
        # MXNet counts one instance per update call, whatever the batch size
        self.num_inst += 1
        self.global_num_inst += 1

    @property
    def sum_metric(self):
        return self._calc_mcc(self.lcm) * self.num_inst

    @property
    def global_sum_metric(self):
        return self._calc_mcc(self.gcm) * self.global_num_inst

    def reset(self):
        self.global_num_inst = 0
        self.gcm = numpy.zeros((self.k, self.k))
        self.reset_local()

    def reset_local(self):
        self.num_inst = 0
        self.lcm = numpy.zeros((self.k, self.k))


@register
class Perplexity(EvalMetric):
    """``exp`` of the mean negative log-probability of the labels; labels equal to
    ``ignore_label`` are skipped. (``ignore_label`` has no default, as in MXNet.)"""

    def __init__(self, ignore_label, axis=-1, name="perplexity", output_names=None,
                 label_names=None):
        super().__init__(name, ignore_label=ignore_label, output_names=output_names,
                         label_names=label_names, has_global_stats=True)
        self.ignore_label = ignore_label
        self.axis = axis

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        loss, count = 0.0, 0
        for label, pred in zip(labels, preds):
            label, pred = _host(label).astype("int64"), _host(pred)
            if label.size != pred.size // pred.shape[self.axis]:
                raise ValueError(f"Perplexity: labels of shape {label.shape} do not "
                                 f"fit predictions of shape {pred.shape}")
            pred = numpy.moveaxis(pred, self.axis, -1).reshape(label.size, -1)
            probs = pred[numpy.arange(label.size), label.ravel()]
            if self.ignore_label is not None:
                ignore = (label.ravel() == self.ignore_label).astype(pred.dtype)
                count -= ignore.sum()
                probs = probs * (1 - ignore) + ignore
            loss -= numpy.log(numpy.maximum(1e-10, probs)).sum()
            count += probs.size
        self._add(float(loss), count)

    def get(self):
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.sum_metric / self.num_inst))

    def get_global(self):
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.global_sum_metric / self.global_num_inst))


@register
@alias("ce")
class CrossEntropy(EvalMetric):
    """Mean of ``-log(p[label] + eps)`` over samples; ``preds`` are probabilities."""

    def __init__(self, eps=1e-12, name="cross-entropy", output_names=None,
                 label_names=None):
        super().__init__(name, eps=eps, output_names=output_names,
                         label_names=label_names, has_global_stats=True)
        self.eps = eps

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label, pred = _host(label).ravel(), _host(pred)
            if label.shape[0] != pred.shape[0]:
                raise ValueError(f"{self.name}: {label.shape[0]} labels but "
                                 f"{pred.shape[0]} predictions")
            prob = pred[numpy.arange(label.shape[0]), numpy.int64(label)]
            self._add(float((-numpy.log(prob + self.eps)).sum()), label.shape[0])


@register
@alias("nll_loss")
class NegativeLogLikelihood(CrossEntropy):
    """Negative log-likelihood of the labels: ``CrossEntropy`` named ``nll-loss``."""

    def __init__(self, eps=1e-12, name="nll-loss", output_names=None, label_names=None):
        super().__init__(eps=eps, name=name, output_names=output_names,
                         label_names=label_names)
