"""Loss-head operators: ``SoftmaxOutput``, ``SVMOutput``, the regression outputs,
``MakeLoss``, ``softmax_cross_entropy`` and ``smooth_l1``.

The first four families are MXNet's *output layers*. Their forward computes a
prediction (softmax, identity, sigmoid) but their backward returns the gradient of a
loss that is never computed::

    forward :  data --softmax--> out                (what predict() shows)
    backward:  d(cross-entropy)/d(data) = out - one_hot(label)   (head gradient ignored)

So a network ending in ``SoftmaxOutput`` trains with ``backward()`` and no explicit
loss.
Because the backward is not the derivative of the forward, the numeric gradient check
of ``tests/test_registry.py`` cannot apply to them; their gradients are compared with
MXNet 1.9.1 in ``tests/golden/ops_loss.json`` instead.

``softmax_cross_entropy`` and ``smooth_l1`` are ordinary differentiable ops.
"""
import math

from .registry import (Bool, Choice, Example, Float, Op, first_dtype, known,
                       merge_shape, register_op, same_dtype, same_shape, shape_error)
from .softmax import _softmax

_NORMALIZATION = Choice("batch", "null", "valid")
_NOT_A_DERIVATIVE = "backward is a loss gradient, not the derivative of forward " \
                    "(compared with MXNet goldens instead)"


# --------------------------------------------------------------------------------------
# SoftmaxOutput.
# --------------------------------------------------------------------------------------
@register_op
class SoftmaxOutput(Op):
    """Softmax in forward; gradient of the cross-entropy loss in backward.

    Forward: softmax over the classes. The class axis is axis 1 of ``data`` viewed as
    ``(N, -1)`` by default (the last axis of 2-D data), the last axis with
    ``preserve_shape``, and axis 1 with ``multi_output`` (data ``(N, C, d1, ...)``, one
    label per position: label ``(N, d1*d2...)`` or ``(N, d1, d2, ...)``).

    Backward ignores the head gradient and returns::

        (out - target) * grad_scale / norm

    ``target`` is ``one_hot(int(label))`` (a label outside ``[0, C)`` selects no class),
    or with ``smooth_alpha`` a: ``1 - a`` at the label and ``a / (C - 1)`` elsewhere
    (MXNet applies no smoothing with ``multi_output``; dlkit neither).
    ``use_ignore`` zeroes positions whose label is ``ignore_label``. ``norm`` is 1
    (``'null'``), the number of labels (``'batch'``) or the number of labels different
    from ``ignore_label`` (``'valid'``, counted even without ``use_ignore``, as MXNet
    does); with ``multi_output``, ``'null'`` and ``'batch'`` also divide by the number
    of positions ``d1*d2...``. The label gets no gradient.

    MXNet quirk kept: ``out_grad=True`` multiplies the gradient by the *output*, not by
    the head gradient (MXNet's gradient node passes the output in that slot).
    """
    name = "SoftmaxOutput"
    is_loss = True  # backward ignores out_grads
    aliases = ("Softmax",)
    examples = [
        Example(shapes=[(3, 4), (3,)], values={"label": [0, 3, 1]}, grad=False,
                reason=_NOT_A_DERIVATIVE),
        Example(shapes=[(2, 3, 2), (2, 2)], values={"label": [0, 2, 1, 1]},
                attrs={"multi_output": True, "normalization": "valid"}, grad=False,
                reason=_NOT_A_DERIVATIVE),
        Example(shapes=[(2, 2, 3), (2, 2)], values={"label": [0, 2, -1, 1]},
                attrs={"preserve_shape": True, "use_ignore": True}, grad=False,
                reason=_NOT_A_DERIVATIVE),
    ]
    infer_type = same_dtype   # MXNet requires label and data to share one dtype

    def infer_shape(self, in_shapes, *, multi_output=False, **attrs):
        data, label = in_shapes
        if data is None:
            return [data, label], [None]
        if len(data) == 0:
            raise shape_error(self, "data must have at least one dimension, got ()")
        if multi_output:
            label = self._multi_output_label(data, label)
        else:
            expected = data[:-1] if len(data) >= 2 else data
            label = merge_shape(self, f"label for data {data} (one label per row "
                                      f"{expected})", expected, label)
        return [data, label], [data]

    def _multi_output_label(self, data, label):
        """``(N, d1*d2...)`` is inferred; ``(N, d1, d2, ...)`` is accepted too."""
        flat = (data[0], math.prod(data[2:])) if known(data) else (data[0], None)
        if label is None:
            return flat
        if known(data) and tuple(label) in (flat, (data[0],) + tuple(data[2:])):
            return tuple(label)
        if not known(data) or not known(label):
            return merge_shape(self, "label", flat, label)
        raise shape_error(self, f"with multi_output=True and data {data}, label must "
                                f"have shape {flat} or {(data[0],) + tuple(data[2:])}, "
                                f"got {label}")

    def forward(self, xp, data, label, *, grad_scale: Float = 1.0,
                ignore_label: Float = -1.0, multi_output: Bool = False,
                use_ignore: Bool = False, preserve_shape: Bool = False,
                normalization: _NORMALIZATION = "null", out_grad: Bool = False,
                smooth_alpha: Float = 0.0):
        classes_view = _class_view(data, multi_output, preserve_shape)
        return _softmax(xp, data.reshape(classes_view), axis=1).reshape(data.shape)

    def backward(self, xp, inputs, outputs, out_grads, *, grad_scale, ignore_label,
                 multi_output, use_ignore, preserve_shape, normalization, out_grad,
                 smooth_alpha):
        data, label = inputs
        out = outputs[0].reshape(_class_view(data, multi_output, preserve_shape))
        labels = label.reshape(-1).astype("int64")    # int() truncates, as MXNet's cast
        if multi_output:
            labels = labels.reshape(out.shape[0], 1, out.shape[2])   # (N, 1, D)
        else:
            labels = labels[:out.shape[0], None]   # MXNet reads the first N labels
        classes = xp.arange(out.shape[1]).reshape((1, -1) + (1,) * (out.ndim - 2))
        hit = labels == classes
        if smooth_alpha and not multi_output:   # MXNet ignores it with multi_output
            off_value = smooth_alpha / max(out.shape[1] - 1, 1)
            grad = out - xp.where(hit, 1.0 - smooth_alpha, off_value)
        else:
            grad = out - hit
        if use_ignore:
            grad = grad * (labels != int(ignore_label))
        if out_grad:
            grad = grad * out
        valid = int((label.reshape(-1).astype("int64") != int(ignore_label)).sum())
        norm = {"null": 1, "batch": label.size if not multi_output else data.shape[0],
                "valid": max(valid, 1)}[normalization]
        if multi_output and normalization != "valid":
            norm = norm * out.shape[2]
        grad = grad * (grad_scale / norm)
        return [grad.astype(data.dtype).reshape(data.shape), None]


def _class_view(data, multi_output, preserve_shape):
    """The shape in which the classes lie on axis 1: ``(N, C, D)`` or ``(rows, C)``."""
    if multi_output:
        return (data.shape[0], data.shape[1], -1) if data.ndim >= 2 else (-1, 1, 1)
    if preserve_shape:
        return (-1, data.shape[-1])
    return (data.shape[0], -1)


# --------------------------------------------------------------------------------------
# SVMOutput.
# --------------------------------------------------------------------------------------
@register_op
class SVMOutput(Op):
    """Identity in forward; gradient of a one-vs-rest hinge loss in backward.

    The classes lie on the last axis of ``data``: each row of ``data`` viewed as
    ``(-1, C)`` holds the scores of one example, and ``label`` (shape
    ``data.shape[:-1]``) its class ``k = int(label)``. With ``m`` the ``margin`` and
    ``r`` the ``regularization_coefficient``, backward ignores the head gradient and
    returns, for the score ``x`` of class ``j``::

        L2-SVM (default), loss r * max(0, m - y x)^2 with y = +1 at j = k, else -1:
            j == k:  -2 r max(0, m - x)          j != k:  2 r max(0, m + x)
        L1-SVM (use_linear=True), loss r * max(0, m - y x):
            j == k:  -r [x < m]                  j != k:  r [x > -m]

    There is no division by the batch size. A label outside ``[0, C)`` selects no
    class (every score is pushed below ``-m``); the label gets no gradient.
    """
    name = "SVMOutput"
    is_loss = True  # backward ignores out_grads
    examples = [Example(shapes=[(3, 4), (3,)], values={"label": [2, 0, 3]}, low=-2,
                        high=2, grad=False, reason=_NOT_A_DERIVATIVE),
                Example(shapes=[(2, 3, 2), (2, 3)],
                        values={"label": [0, 1, 1, 0, 5, 1]},
                        attrs={"use_linear": True, "margin": 0.5}, low=-2, high=2,
                        grad=False, reason=_NOT_A_DERIVATIVE)]
    infer_type = same_dtype   # MXNet gives the label data's dtype

    def infer_shape(self, in_shapes, **attrs):
        data, label = in_shapes
        if data is None:
            return [data, label], [None]
        if len(data) < 2:
            raise shape_error(self, f"data must have a class axis and at least one "
                                    f"example axis, got shape {tuple(data)}; give a "
                                    "single example the shape (1, classes)")
        label = merge_shape(self, f"label for data {tuple(data)} (one label per row "
                                  f"{tuple(data[:-1])})", tuple(data[:-1]), label)
        return [data, label], [data]

    def forward(self, xp, data, label, *, margin: Float = 1.0,
                regularization_coefficient: Float = 1.0, use_linear: Bool = False):
        return data.copy()

    def backward(self, xp, inputs, outputs, out_grads, *, margin,
                 regularization_coefficient, use_linear):
        data, label = inputs
        scores = data.reshape(-1, data.shape[-1])
        labels = label.reshape(-1, 1).astype("int64")   # int() truncates, as MXNet
        hit = labels == xp.arange(scores.shape[1])[None, :]
        if use_linear:
            grad = xp.where(hit, -1.0 * (scores < margin), 1.0 * (scores > -margin))
        else:
            grad = xp.where(hit, -2 * xp.maximum(margin - scores, 0),
                            2 * xp.maximum(margin + scores, 0))
        grad = grad * regularization_coefficient
        return [grad.astype(data.dtype).reshape(data.shape), None]


# --------------------------------------------------------------------------------------
# Regression outputs.
# --------------------------------------------------------------------------------------
class RegressionOutput(Op):
    """``out = f(data)``; backward ignores the head gradient and returns
    ``dloss(out, label) * grad_scale / num_output``, where ``num_output`` is the number
    of values per example (``label.size / label.shape[0]``), so the gradient is a mean
    over outputs and a sum over the batch.

    The label has ``data``'s shape, or ``(N,)`` when data is ``(N, 1)``; any label with
    the same first dimension and size is accepted. It gets no gradient.
    """
    is_loss = True  # backward ignores out_grads
    examples = [Example(shapes=[(3, 2), (3, 2)], grad=False, reason=_NOT_A_DERIVATIVE),
                Example(shapes=[(4, 1), (4,)], grad=False, reason=_NOT_A_DERIVATIVE)]
    infer_type = same_dtype

    def infer_shape(self, in_shapes, **attrs):
        data, label = in_shapes
        if data is None:
            return [data, label], [None]
        if label is None:
            label = data[:1] if len(data) == 2 and data[1] == 1 else data
        elif known(data) and known(label):
            if len(label) == 0 or label[0] != data[0] or \
                    math.prod(label) != math.prod(data):
                raise shape_error(self, f"label shape {label} does not match data "
                                        f"shape {data}; give label the shape {data}")
        return [data, label], [data]

    def prediction(self, xp, data):
        raise NotImplementedError

    def loss_gradient(self, xp, out, label):
        """d loss / d out, before scaling."""
        return out - label

    def forward(self, xp, data, label, *, grad_scale: Float = 1.0):
        return self.prediction(xp, data)

    def backward(self, xp, inputs, outputs, out_grads, *, grad_scale):
        data, label = inputs
        out = outputs[0]
        num_output = label.size // label.shape[0] if label.ndim else 1
        grad = self.loss_gradient(xp, out, label.reshape(out.shape))
        return [(grad * (grad_scale / num_output)).astype(data.dtype), None]


@register_op
class LinearRegressionOutput(RegressionOutput):
    """Identity forward; backward is the gradient of the squared loss
    ``0.5 * (out - label)**2``: ``out - label`` (scaled, see ``RegressionOutput``)."""
    name = "LinearRegressionOutput"

    def prediction(self, xp, data):
        return data.copy()


@register_op
class LogisticRegressionOutput(RegressionOutput):
    """Sigmoid forward; backward ``out - label``: the gradient of the binary
    cross-entropy with respect to the logits (scaled, see ``RegressionOutput``)."""
    name = "LogisticRegressionOutput"

    def prediction(self, xp, data):
        return 1 / (1 + xp.exp(-data))


@register_op
class MAERegressionOutput(RegressionOutput):
    """Identity forward; backward ``sign(out - label)``, the gradient of the absolute
    error (scaled, see ``RegressionOutput``)."""
    name = "MAERegressionOutput"

    def prediction(self, xp, data):
        return data.copy()

    def loss_gradient(self, xp, out, label):
        return xp.sign(out - label)


# --------------------------------------------------------------------------------------
# MakeLoss.
# --------------------------------------------------------------------------------------
@register_op
class MakeLoss(Op):
    """Mark ``data`` as a loss: forward is the identity, backward returns ``grad_scale``
    for every element whatever the head gradient, divided by the batch size
    (``normalization='batch'``) or by the number of elements above ``valid_thresh``
    (``'valid'``, at least 1). MXNet quirk kept: the "batch size" is the product of
    every axis but the last, so ``(2, 3, 2)`` data divides by 6 and a vector by 1.

    So ``MakeLoss(my_loss)`` ends a Symbol graph whose ``backward()`` minimizes the sum
    of ``my_loss``.
    """
    name = "MakeLoss"
    is_loss = True  # backward ignores out_grads
    examples = [Example(shapes=[(2, 3)], grad=False, reason=_NOT_A_DERIVATIVE),
                Example(shapes=[(2, 3)], attrs={"normalization": "valid"}, grad=False,
                        reason=_NOT_A_DERIVATIVE)]

    def infer_shape(self, in_shapes, **attrs):
        return list(in_shapes), [in_shapes[0]]

    def forward(self, xp, data, *, grad_scale: Float = 1.0, valid_thresh: Float = 0.0,
                normalization: _NORMALIZATION = "null"):
        return data.copy()

    def backward(self, xp, inputs, outputs, out_grads, *, grad_scale, valid_thresh,
                 normalization):
        data = inputs[0]
        norm = 1
        if normalization == "batch":
            # MXNet's "batch size" here is every axis but the last: N for (N, C), but
            # N * T for (N, T, C) and 1 for a vector (a quirk kept)
            norm = max(data.size // data.shape[-1], 1) if data.ndim else 1
        elif normalization == "valid":
            norm = max(int((data > valid_thresh).sum()), 1)
        return [xp.full(data.shape, grad_scale / norm, dtype=data.dtype)]


@register_op
class MakeLossNoAttrs(Op):
    """``make_loss``: mark ``data`` as a loss. A separate MXNet op from ``MakeLoss``,
    without its attributes: forward is the identity and backward returns 1 for every
    element whatever the head gradient, so ``backward()`` minimizes the sum."""
    name = "make_loss"
    is_loss = True  # backward ignores out_grads
    infer_shape, infer_type = same_shape, same_dtype
    examples = [Example(shapes=[(2, 3)], grad=False, reason=_NOT_A_DERIVATIVE)]

    def forward(self, xp, data):
        return data.copy()

    def backward(self, xp, inputs, outputs, out_grads):
        return [xp.ones_like(inputs[0])]


# --------------------------------------------------------------------------------------
# Differentiable losses.
# --------------------------------------------------------------------------------------
@register_op
class SoftmaxCrossEntropy(Op):
    """Cross-entropy of ``softmax(data)`` with integer labels, summed over the batch.

    ``data`` is ``(N, C)``, ``label`` is ``(N,)`` (same dtype as data); the output has
    shape ``(1,)``: ``-sum_i log(max(softmax(data)[i, int(label[i])], 1e-8))``.

    Differs from MXNet: a label outside ``[0, C)`` picks probability 0 here, giving
    ``-log(1e-8)``; MXNet 1.9.1 reads a neighbouring row's value (undefined).
    Gradient: ``(softmax(data) - one_hot(label)) * head``; the label gets none.
    """
    name = "softmax_cross_entropy"
    examples = [Example(shapes=[(3, 4), (3,)], values={"label": [1, 0, 3]})]
    infer_type = same_dtype

    def infer_shape(self, in_shapes, **attrs):
        data, label = in_shapes
        if data is not None and len(data) != 2:
            raise shape_error(self, f"data must be 2-D (batch, classes), got {data}")
        if label is not None and len(label) != 1:
            raise shape_error(self, f"label must be 1-D (batch,), got {label}")
        batch = (data[0],) if data is not None else None
        label = merge_shape(self, f"label for data {data}", batch, label)
        return [data, label], [(1,)]

    def forward(self, xp, data, label):
        probabilities = _softmax(xp, data, axis=1)
        picked = (probabilities * _one_hot(xp, label, data.shape[1])).sum(axis=1)
        loss = -xp.log(xp.maximum(picked, 1e-8)).sum()
        return loss.reshape(1).astype(data.dtype)

    def backward(self, xp, inputs, outputs, out_grads):
        data, label = inputs
        grad = _softmax(xp, data, axis=1) - _one_hot(xp, label, data.shape[1])
        return [(grad * out_grads[0]).astype(data.dtype), None]


def _one_hot(xp, label, depth):
    """``(N, depth)``: 1 where the column is ``int(label)``; all 0 when out of range."""
    hit = label.astype("int64")[:, None] == xp.arange(depth)[None, :]
    return hit.astype(label.dtype)


@register_op
class SmoothL1(Op):
    """Smooth L1 (Huber-like) loss, element-wise, with ``scalar`` as sigma::

        f(x) = 0.5 * (sigma * x)**2     if |x| < 1 / sigma**2
               |x| - 0.5 / sigma**2     otherwise

    Quadratic near 0 (smooth gradient), linear far away (robust to outliers).
    """
    name = "smooth_l1"
    examples = [Example(shapes=[(2, 4)], attrs={"scalar": 2.0},
                        values={"data": [-2.0, -0.6, -0.1, 0.05, 0.2, 0.7, 1.5, 3.0]})]
    infer_type = first_dtype

    def infer_shape(self, in_shapes, **attrs):
        return list(in_shapes), [in_shapes[0]]

    def forward(self, xp, data, *, scalar: Float = 1.0):
        sigma2 = scalar * scalar
        if not sigma2:
            return xp.zeros_like(data)   # 1 / sigma**2 is infinite: all quadratic, 0
        absolute = xp.abs(data)
        quadratic = 0.5 * sigma2 * data * data
        linear = absolute - 0.5 / sigma2
        return xp.where(absolute < 1 / sigma2, quadratic, linear).astype(data.dtype)

    def backward(self, xp, inputs, outputs, out_grads, *, scalar):
        data = inputs[0]
        sigma2 = scalar * scalar
        if not sigma2:
            return [xp.zeros_like(data)]
        inside = xp.abs(data) < 1 / sigma2
        return [(out_grads[0] * xp.where(inside, sigma2 * data, xp.sign(data)))
                .astype(data.dtype)]
