"""``gluon.loss``: loss functions as HybridBlocks built from registry ops.

Every loss returns one value per sample: the element-wise loss, times ``weight`` and
``sample_weight`` if given, averaged over every axis but ``batch_axis``::

    loss(pred, label) -> (batch,)      then   loss.backward()   sums over the batch

Because each is written with ``F.<op>``, its gradient comes from the ops' own backward
methods, and a hybridized loss runs as one graph.
"""
import math

from .. import ndarray
from .hybrid_block import HybridBlock

__all__ = ["Loss", "L2Loss", "L1Loss", "SigmoidBinaryCrossEntropyLoss",
           "SigmoidBCELoss",
           "SoftmaxCrossEntropyLoss", "SoftmaxCELoss", "KLDivLoss", "HuberLoss",
           "HingeLoss", "SquaredHingeLoss", "LogisticLoss", "TripletLoss",
           "CosineEmbeddingLoss", "CTCLoss", "PoissonNLLLoss", "SDMLLoss"]


def _apply_weighting(F, loss, weight=None, sample_weight=None):
    """Scale by a per-sample array (broadcast) and a global number."""
    if sample_weight is not None:
        loss = F.broadcast_mul(loss, sample_weight)
    if weight is not None:
        if not isinstance(weight, (int, float)):
            raise ValueError(f"weight must be a number, got {type(weight).__name__}")
        loss = loss * weight
    return loss


def _reshape_like(F, x, y):
    """``x`` reshaped to ``y``'s shape (labels often come as (N,) for (N, 1) preds)."""
    if F is ndarray:
        return x.reshape(y.shape)
    return F.reshape_like(x, y)


def _softrelu_of_minus_abs(F, pred):
    # log(1 + exp(-|x|)): the stable part of log(1 + exp(x)) = max(x, 0) + this
    return F.Activation(-F.abs(pred), act_type="softrelu")


class Loss(HybridBlock):
    """Base class: stores ``weight`` (a global scale) and ``batch_axis``."""

    def __init__(self, weight, batch_axis, **kwargs):
        super().__init__(**kwargs)
        self._weight = weight
        self._batch_axis = batch_axis

    def __repr__(self):
        return f"{type(self).__name__}(batch_axis={self._batch_axis}, w={self._weight})"

    def _mean(self, F, loss):
        return F.mean(loss, axis=self._batch_axis, exclude=True)


class L2Loss(Loss):
    """``1/2 * (label - pred)^2`` (note MXNet's factor 1/2).

    Example
    -------
    >>> mx.gluon.loss.L2Loss()(mx.nd.array([[1.]]), mx.nd.array([[3.]])).asnumpy()
    array([2.], dtype=float32)
    """

    def __init__(self, weight=1.0, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        label = _reshape_like(F, label, pred)
        loss = F.square(label - pred)
        loss = _apply_weighting(F, loss, self._weight / 2, sample_weight)
        return self._mean(F, loss)


class L1Loss(Loss):
    """``|label - pred|``."""

    def __init__(self, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        label = _reshape_like(F, label, pred)
        loss = F.abs(label - pred)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return self._mean(F, loss)


class SigmoidBinaryCrossEntropyLoss(Loss):
    """Binary cross entropy on logits (``from_sigmoid=False``) or probabilities.

    On logits it uses the stable form ``max(x, 0) - x z + log(1 + exp(-|x|))``;
    ``pos_weight`` scales the positive term.
    """

    def __init__(self, from_sigmoid=False, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._from_sigmoid = from_sigmoid

    def hybrid_forward(self, F, pred, label, sample_weight=None, pos_weight=None):
        label = _reshape_like(F, label, pred)
        if not self._from_sigmoid:
            if pos_weight is None:
                loss = F.relu(pred) - pred * label + _softrelu_of_minus_abs(F, pred)
            else:
                log_weight = 1 + F.broadcast_mul(pos_weight - 1, label)
                loss = pred - pred * label + log_weight * (
                    _softrelu_of_minus_abs(F, pred) + F.relu(-pred))
        else:
            eps = 1e-12  # keeps log() finite at probabilities of exactly 0 or 1
            positive = F.log(pred + eps) * label
            if pos_weight is not None:
                positive = F.broadcast_mul(positive, pos_weight)
            loss = -(positive + F.log(1.0 - pred + eps) * (1.0 - label))
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return self._mean(F, loss)


SigmoidBCELoss = SigmoidBinaryCrossEntropyLoss


class SoftmaxCrossEntropyLoss(Loss):
    """``-log softmax(pred)[label]`` (``sparse_label``) or ``-sum(label * log
    softmax(pred))``; ``from_logits=True`` means ``pred`` is already a log-softmax.

    Example
    -------
    >>> loss = mx.gluon.loss.SoftmaxCrossEntropyLoss()
    >>> loss(mx.nd.array([[0., 0.]]), mx.nd.array([1])).asnumpy()
    array([0.6931472], dtype=float32)
    """

    def __init__(self, axis=-1, sparse_label=True, from_logits=False, weight=None,
                 batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._axis = axis
        self._sparse_label = sparse_label
        self._from_logits = from_logits

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        if not self._from_logits:
            pred = F.log_softmax(pred, axis=self._axis)
        if self._sparse_label:
            loss = -F.pick(pred, label, axis=self._axis, keepdims=True)
        else:
            label = _reshape_like(F, label, pred)
            loss = -F.sum(pred * label, axis=self._axis, keepdims=True)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return self._mean(F, loss)


SoftmaxCELoss = SoftmaxCrossEntropyLoss


class KLDivLoss(Loss):
    """``sum(label * (log(label) - pred))`` over the non-batch axes, with ``pred`` a
    log-probability (``from_logits=True``, the default) or logits.

    MXNet quirk kept: unlike the other losses (and its own docstring) MXNet 1.9.1
    sums over the non-batch axes instead of averaging.
    """

    def __init__(self, from_logits=True, axis=-1, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._axis = axis

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        if not self._from_logits:
            pred = F.log_softmax(pred, axis=self._axis)
        loss = label * (F.log(label + 1e-12) - pred)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        # MXNet quirk kept: summed (not averaged) over the non-batch axes
        return F.sum(loss, axis=self._batch_axis, exclude=True)


class HuberLoss(Loss):
    """``|d| - rho/2`` where ``|d| > rho``, else ``d^2 / (2 rho)``, with
    ``d = label - pred``."""

    def __init__(self, rho=1, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._rho = rho

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        label = _reshape_like(F, label, pred)
        loss = F.abs(label - pred)
        loss = F.where(loss > self._rho, loss - 0.5 * self._rho,
                       (0.5 / self._rho) * F.square(loss))
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return self._mean(F, loss)


class HingeLoss(Loss):
    """``max(0, margin - pred * label)`` with labels -1 or 1."""

    def __init__(self, margin=1, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        label = _reshape_like(F, label, pred)
        loss = F.relu(self._margin - pred * label)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return self._mean(F, loss)


class SquaredHingeLoss(Loss):
    """``max(0, margin - pred * label)^2``."""

    def __init__(self, margin=1, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        label = _reshape_like(F, label, pred)
        loss = F.square(F.relu(self._margin - pred * label))
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return self._mean(F, loss)


class LogisticLoss(Loss):
    """``log(1 + exp(-pred * label))`` for labels in {-1, 1} (``'signed'``) or {0, 1}
    (``'binary'``)."""

    def __init__(self, weight=None, batch_axis=0, label_format="signed", **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        if label_format not in ("signed", "binary"):
            raise ValueError(f"label_format can only be signed or binary, received "
                             f"{label_format}.")
        self._label_format = label_format

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        label = _reshape_like(F, label, pred)
        if self._label_format == "signed":
            label = (label + 1.0) / 2.0  # now in {0, 1}: the binary form below applies
        loss = F.relu(pred) - pred * label + _softrelu_of_minus_abs(F, pred)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return self._mean(F, loss)


class TripletLoss(Loss):
    """``max(0, |pos - pred|^2 - |neg - pred|^2 + margin)`` per sample."""

    def __init__(self, margin=1, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F, pred, positive, negative, sample_weight=None):
        positive = _reshape_like(F, positive, pred)
        negative = _reshape_like(F, negative, pred)
        loss = F.sum(F.square(positive - pred) - F.square(negative - pred),
                     axis=self._batch_axis, exclude=True)
        loss = F.relu(loss + self._margin)
        return _apply_weighting(F, loss, self._weight, sample_weight)


class CosineEmbeddingLoss(Loss):
    """``1 - cos(a, b)`` for label 1, ``max(0, cos(a, b) - margin)`` for label -1;
    the result has shape ``(batch, 1)``."""

    def __init__(self, weight=None, batch_axis=0, margin=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F, input1, input2, label, sample_weight=None):
        input1 = _reshape_like(F, input1, input2)
        label = label.reshape((-1, 1))
        cos_sim = self._cosine_similarity(F, input1, input2)
        same = label == 1
        different = label == -1
        loss = (1 - cos_sim) * same + F.relu(different * (cos_sim - self._margin))
        return _apply_weighting(F, loss, self._weight, sample_weight)

    def _cosine_similarity(self, F, x, y, axis=-1):
        x_norm = F.norm(x, axis=axis).reshape((-1, 1))
        y_norm = F.norm(y, axis=axis).reshape((-1, 1))
        x_dot_y = F.sum(x * y, axis=axis).reshape((-1, 1))
        # 1e-12 keeps zero vectors from dividing by zero, as in MXNet
        return x_dot_y / F.maximum(x_norm * y_norm, 1e-12)


class CTCLoss(Loss):
    """Connectionist Temporal Classification loss of unnormalised scores ``pred``, one
    value per sample: the ``CTCLoss`` operator (``dlkit/ops/ctc.py``, where the
    algorithm is explained) with the blank as the *last* class.

    ``layout`` is ``'NTC'`` (default) or ``'TNC'`` for ``pred`` (batch, time,
    classes); ``label_layout`` is ``'NT'`` or ``'TN'``, and labels are padded with
    -1. ``pred_lengths`` and ``label_lengths`` (batch,) are optional.

    Example
    -------
    >>> loss = mx.gluon.loss.CTCLoss()
    >>> pred = mx.nd.zeros((1, 2, 3))        # 2 frames, classes a, b and the blank
    >>> loss(pred, mx.nd.array([[0]])).asnumpy()      # 3 of 9 paths read "a"
    array([1.0986123], dtype=float32)
    """

    def __init__(self, layout="NTC", label_layout="NT", weight=None, **kwargs):
        if layout not in ("NTC", "TNC"):
            raise AssertionError(f"Only 'NTC' and 'TNC' layouts for pred are "
                                 f"supported. Got: {layout}")
        if label_layout not in ("NT", "TN"):
            raise AssertionError(f"Only 'NT' and 'TN' layouts for label are "
                                 f"supported. Got: {label_layout}")
        self._layout = layout
        self._label_layout = label_layout
        super().__init__(weight, label_layout.find("N"), **kwargs)

    def hybrid_forward(self, F, pred, label, pred_lengths=None, label_lengths=None,
                       sample_weight=None):
        if self._layout == "NTC":
            pred = F.swapaxes(pred, 0, 1)     # the operator wants time first
        if self._batch_axis == 1:
            label = F.swapaxes(label, 0, 1)
        loss = F.CTCLoss(pred, label, pred_lengths, label_lengths,
                         use_data_lengths=pred_lengths is not None,
                         use_label_lengths=label_lengths is not None,
                         blank_label="last")
        return _apply_weighting(F, loss, self._weight, sample_weight)


class PoissonNLLLoss(Loss):
    """Negative log-likelihood of counts ``target`` under a Poisson distribution of
    mean ``pred``, averaged over *all* elements (one number, shape (1,))::

        from_logits=True  (pred is log(mean)):  exp(pred) - target * pred
        from_logits=False (pred is the mean):   pred - target * log(pred + epsilon)

    ``compute_full=True`` adds Stirling's approximation of ``log(target!)``,
    ``target * log(target) - target + 0.5 * log(2 * pi * target)``, where
    ``target > 1`` (0 elsewhere); it does not change the gradient with respect to
    ``pred``. ``epsilon`` (default 1e-08) is an argument of the call, as in MXNet.

    MXNet quirk kept: unlike the other losses the result is the mean over the whole
    batch, not one value per sample. Differs from MXNet: ``compute_full=True`` also
    works under ``autograd.record()`` and hybridized (MXNet 1.9.1 multiplies in
    place there, ``*=``, and raises).

    Example
    -------
    >>> loss = mx.gluon.loss.PoissonNLLLoss()
    >>> loss(mx.nd.array([0.0]), mx.nd.array([1.0])).asnumpy()     # exp(0) - 0
    array([1.], dtype=float32)
    """

    def __init__(self, weight=None, from_logits=True, batch_axis=0, compute_full=False,
                 **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._compute_full = compute_full

    def hybrid_forward(self, F, pred, target, sample_weight=None, epsilon=1e-08):
        target = _reshape_like(F, target, pred)
        if self._from_logits:
            loss = F.exp(pred) - target * pred
        else:
            loss = pred - target * F.log(pred + epsilon)
        if self._compute_full:
            stirling = target * F.log(target) - target + 0.5 * F.log(
                2 * target * math.pi)
            # log(0!) = log(1!) = 0: keep the approximation only where target > 1
            # (at target = 0 it is NaN, and NaN * 0 stays NaN, as in MXNet)
            stirling = stirling * (target > 1)
            loss = loss + stirling
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return F.mean(loss)


class SDMLLoss(Loss):
    """Smoothed Deep Metric Learning loss (Bonadiman et al., 2019) of two aligned
    batches of vectors: ``x1[i]`` and ``x2[i]`` are a positive pair, every other
    row of ``x2`` is a negative for ``x1[i]``. One value per sample::

        distances[i, j] = |x1[i] - x2[j]|^2            (batch, batch)
        labels = (1 - s) on the diagonal, s / (batch - 1) elsewhere
        loss[i] = KLDivLoss(log_softmax(-distances)[i], labels[i])

    with ``s = smoothing_parameter``. Inputs have shape (batch, dim).

    MXNet quirks kept: ``weight`` is stored but not applied, and the block cannot
    be hybridized (it reads ``x1.shape``).

    Example
    -------
    >>> loss = mx.gluon.loss.SDMLLoss()
    >>> loss(mx.nd.eye(3), mx.nd.eye(3)).shape
    (3,)
    """

    def __init__(self, smoothing_parameter=0.3, weight=1.0, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self.kl_loss = KLDivLoss(from_logits=True)
        self.smoothing_parameter = smoothing_parameter

    def _compute_distances(self, x1, x2):
        """Squared euclidean distance of every row of ``x1`` to every row of ``x2``."""
        if x1.shape != x2.shape:
            raise ValueError(f"SDMLLoss: x1 and x2 must have the same shape (batch, "
                             f"dim), got {x1.shape} and {x2.shape}")
        batch_size, dim = x1.shape
        x1_ = x1.expand_dims(1).broadcast_to([batch_size, batch_size, dim])
        x2_ = x2.expand_dims(0).broadcast_to([batch_size, batch_size, dim])
        return ((x1_ - x2_) ** 2).sum(axis=2)

    def _compute_labels(self, F, batch_size):
        """The identity, smoothed: mass ``s`` spread over the other samples."""
        gold = F.eye(batch_size)
        smoothing = self.smoothing_parameter
        return gold * (1 - smoothing) + (1 - gold) * smoothing / (batch_size - 1)

    def hybrid_forward(self, F, x1, x2):
        labels = self._compute_labels(F, x1.shape[0])
        distances = self._compute_distances(x1, x2)
        log_probabilities = F.log_softmax(-distances, axis=1)
        return self.kl_loss(log_probabilities, labels.as_in_context(distances.context))
