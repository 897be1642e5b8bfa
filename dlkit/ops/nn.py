"""Neural-network layer operators: activations, dropout and embedding.

Convolution and ``FullyConnected`` live in ``conv.py`` and pooling in ``pooling.py``;
this module holds the layers around them:

* activations: ``Activation`` (relu, sigmoid, tanh, softrelu, softsign) and
  ``LeakyReLU`` (leaky, elu, selu, gelu, prelu with a learned ``gamma``, rrelu);
* (normalization, ``BatchNorm`` and friends, lives in ``norm.py``);
* ``Dropout`` and ``Embedding``;
* ``IdentityAttachKLSparseReg``, a sparsity penalty for autoencoders;
* (the softmax family, ``softmax``, ``log_softmax`` and friends, lives in
  ``softmax.py``).

Ops that behave differently in training (``BatchNorm``, ``Dropout``, ``LeakyReLU``
rrelu) are ``train_aware``. What backward needs is returned as hidden outputs, as MXNet
does: ``Dropout`` returns its mask.
"""
import math

from ..base import MXNetError
from .registry import (Bool, Choice, Dtype, Example, Float, Int, Op, Shape, register_op,
                       same_dtype, same_shape, shape_error)
from .elemwise import relu, sigmoid
from .indexing import _scatter_add
from .norm import _axis_index, _channel_view, _vector_shapes
from .rng import generator


# --------------------------------------------------------------------------------------
# The error function, for the exact gelu.
# --------------------------------------------------------------------------------------
def _erf(xp, x):
    """Error function (neither NumPy nor CuPy has one): Abramowitz & Stegun 7.1.26,
    absolute error below 1.5e-7, about float32's resolution. The ``erf`` operator uses
    ``special._erf64`` (float64 accuracy, but a 70-term series); gelu keeps this cheap
    one on its hot path."""
    sign = xp.sign(x)
    z = xp.abs(x)
    t = 1 / (1 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (
        1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1 - poly * xp.exp(-z * z))


# --------------------------------------------------------------------------------------
# Activations.
# --------------------------------------------------------------------------------------
@register_op
class Activation(Op):
    """Element-wise activation chosen by ``act_type``.

    relu ``max(x, 0)``, sigmoid ``1 / (1 + e^-x)``, tanh, softrelu ``log(1 + e^x)``
    (softplus), softsign ``x / (1 + |x|)``.
    """
    name = "Activation"
    infer_shape, infer_type = same_shape, same_dtype
    examples = [Example(shapes=[(2, 3)], attrs={"act_type": kind})
                for kind in ("sigmoid", "tanh", "softrelu", "softsign")]
    examples += [Example(shapes=[(2, 3)], attrs={"act_type": "relu"}, low=0.1),
                 Example(shapes=[(2, 3)], attrs={"act_type": "relu"}, high=-0.1)]

    def forward(self, xp, data, *,
                act_type: Choice("relu", "sigmoid", "softrelu", "softsign", "tanh")):
        if act_type == "relu":
            return relu(xp, data)
        if act_type == "sigmoid":
            return sigmoid(xp, data)
        if act_type == "tanh":
            return xp.tanh(data)
        if act_type == "softrelu":
            # log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): e^x cannot overflow this way
            return xp.maximum(data, 0) + xp.log1p(xp.exp(-xp.abs(data)))
        return data / (1 + xp.abs(data))

    def backward(self, xp, inputs, outputs, out_grads, *, act_type):
        x, y = inputs[0], outputs[0]
        if act_type == "relu":
            slope = (y > 0).astype(y.dtype)
        elif act_type == "sigmoid":
            slope = y * (1 - y)
        elif act_type == "tanh":
            slope = 1 - y * y
        elif act_type == "softrelu":
            slope = 1 - xp.exp(-y)       # e^-y = 1 / (1 + e^x), so this is sigmoid(x)
        else:
            slope = 1 / (1 + xp.abs(x)) ** 2
        return [out_grads[0] * slope]


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946


@register_op
class LeakyReLU(Op):
    """ReLU variants that let some signal through for ``x < 0``, chosen by ``act_type``.

    leaky ``x`` or ``slope * x``; elu ``x`` or ``slope * (e^x - 1)``; selu
    ``lambda * elu_alpha(x)`` with the self-normalizing constants; gelu ``x * Phi(x)``
    (the exact, erf-based form, as MXNet 1.9.1); prelu ``x`` or ``gamma[c] * x`` with a
    learned slope per channel (axis 1; for 1-D data, per element), the extra input
    ``gamma`` of shape ``(C,)`` (or ``(1,)``); rrelu a random slope in
    ``[lower_bound, upper_bound]`` per element while training and their mean in
    prediction. rrelu also returns its slopes as a second
    output (MXNet's mask, zeros in prediction).

    Differs from MXNet: the gradients are the true derivatives. MXNet 1.9.1 computes
    selu's as ``lambda * (y + alpha)`` for x < 0 (instead of ``y + lambda * alpha``),
    picks leaky's and elu's branch from the sign of the output (with a negative
    ``slope`` every gradient is then 1), and rrelu's in prediction is not a
    derivative; its rrelu fails in training on CPU.
    """
    name = "LeakyReLU"
    train_aware = True
    examples = [Example(shapes=[(2, 3)], attrs={"act_type": kind, "slope": 0.3})
                for kind in ("leaky", "elu", "selu", "gelu")]
    examples += [Example(shapes=[(2, 3, 2), (3,)], attrs={"act_type": "prelu"}),
                 Example(shapes=[(4,), (4,)], attrs={"act_type": "prelu"}),
                 Example(shapes=[(2, 3)], attrs={"act_type": "rrelu"}),
                 Example(shapes=[(2, 3)], attrs={"act_type": "rrelu"}, is_train=True)]

    def list_inputs(self, attrs):
        return ["data", "gamma"] if attrs["act_type"] == "prelu" else ["data"]

    def num_outputs(self, attrs):
        return 2 if attrs["act_type"] == "rrelu" else 1

    def list_outputs(self, attrs):
        return ["output", "mask"] if attrs["act_type"] == "rrelu" else ["output"]

    def infer_shape(self, in_shapes, *, act_type, **attrs):
        data = in_shapes[0]
        count = 2 if act_type == "rrelu" else 1
        if act_type != "prelu" or data is None:
            return list(in_shapes), [data] * count
        if len(data) < 1:
            raise shape_error(self, f"prelu needs data with at least one axis, got "
                                    f"shape {tuple(data)}")
        in_shapes = _vector_shapes(self, data, _prelu_axis(len(data)), in_shapes,
                                   {1: "gamma"}, allow_one=True)
        return in_shapes, [data]

    def forward(self, xp, data, gamma=None, *,
                act_type: Choice("elu", "gelu", "leaky", "prelu", "rrelu",
                                 "selu") = "leaky",
                slope: Float = 0.25, lower_bound: Float = 0.125,
                upper_bound: Float = 0.334,
                is_train=False):
        positive = data > 0
        if act_type == "leaky":
            return xp.where(positive, data, slope * data)
        if act_type == "elu":
            return xp.where(positive, data, slope * xp.expm1(data))
        if act_type == "selu":
            return SELU_LAMBDA * xp.where(positive, data, SELU_ALPHA * xp.expm1(data))
        if act_type == "gelu":
            return 0.5 * data * (1 + _erf(xp, data / math.sqrt(2)))
        if act_type == "prelu":
            if gamma is None:
                raise MXNetError("operator LeakyReLU: act_type='prelu' needs the input "
                                 "gamma (one slope per channel)")
            slopes = gamma.reshape(_channel_view(data.ndim, _prelu_axis(data.ndim)))
            return xp.where(positive, data, slopes * data)
        if is_train:
            slopes = generator(xp).uniform(lower_bound, upper_bound, data.shape)
            slopes = slopes.astype(data.dtype)
            return xp.where(positive, data, slopes * data), slopes
        mean_slope = (lower_bound + upper_bound) / 2
        return xp.where(positive, data, mean_slope * data), xp.zeros_like(data)

    def backward(self, xp, inputs, outputs, out_grads, *, act_type, slope, lower_bound,
                 upper_bound, is_train=False):
        x, y, out_grad = inputs[0], outputs[0], out_grads[0]
        positive = x > 0
        if act_type == "leaky":
            return [out_grad * xp.where(positive, 1, slope).astype(x.dtype)]
        if act_type == "elu":
            # for x < 0, y + slope = slope * e^x, the derivative
            return [out_grad * xp.where(positive, 1, y + slope)]
        if act_type == "selu":
            negative_slope = y + SELU_LAMBDA * SELU_ALPHA      # lambda alpha e^x
            return [out_grad * xp.where(positive, SELU_LAMBDA, negative_slope)]
        if act_type == "gelu":
            # d/dx x Phi(x) = Phi(x) + x phi(x), phi the standard normal density
            cdf = 0.5 * (1 + _erf(xp, x / math.sqrt(2)))
            pdf = xp.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
            return [out_grad * (cdf + x * pdf)]
        if act_type == "prelu":
            gamma = inputs[1]
            channel = _prelu_axis(x.ndim)
            slopes = gamma.reshape(_channel_view(x.ndim, channel))
            data_grad = out_grad * xp.where(positive, 1, slopes)
            other_axes = tuple(axis for axis in range(x.ndim) if axis != channel)
            gamma_grad = (out_grad * xp.where(positive, 0, x)).sum(axis=other_axes)
            if gamma.size == 1:                  # one slope shared by every channel
                gamma_grad = gamma_grad.sum(keepdims=True)
            return [data_grad, gamma_grad]
        slopes = outputs[1] if is_train else (lower_bound + upper_bound) / 2
        return [out_grad * xp.where(positive, 1, slopes).astype(x.dtype)]


def _prelu_axis(ndim):
    """prelu's channel axis: 1, or 0 for 1-D data (MXNet then pairs one slope with
    each element)."""
    return 1 if ndim >= 2 else 0


# --------------------------------------------------------------------------------------
# Dropout and Embedding.
# --------------------------------------------------------------------------------------
@register_op
class Dropout(Op):
    """Randomly zero a fraction ``p`` of the inputs and scale the rest by
    ``1 / (1 - p)``, so the expected value is unchanged and prediction needs no
    rescaling.

    Drops only while training (``autograd.record()``), unless ``mode='always'``;
    otherwise it is the identity. ``axes`` shares one draw along the listed axes
    (variational dropout). The hidden second output is the scaled mask, which backward
    multiplies by. ``cudnn_off`` is accepted and unused. The random numbers differ from
    MXNet's. Differs from MXNet: ``p=1`` gives zeros (MXNet gives NaN).
    """
    name = "Dropout"
    train_aware = True
    random = True
    infer_type = same_dtype
    examples = [Example(shapes=[(4, 5)], is_train=True),
                Example(shapes=[(3, 4, 2)], attrs={"p": 0.3, "axes": (1,)},
                        is_train=True),
                Example(shapes=[(4, 5)]),
                Example(shapes=[(4, 5)], attrs={"mode": "always", "p": 0.2})]

    def num_outputs(self, attrs):
        return 2

    def num_visible_outputs(self, attrs):
        return 1

    def infer_shape(self, in_shapes, *, p, axes, **attrs):
        if not 0 <= p <= 1:
            raise MXNetError(f"operator Dropout: p={p} is outside [0, 1]; p is the "
                             "fraction of the inputs that is dropped")
        data = in_shapes[0]
        if data is not None:
            for axis in axes:
                _axis_index(self, axis, len(data), "axes entry")
        return list(in_shapes), [data, data]

    def forward(self, xp, data, *, p: Float = 0.5,
                mode: Choice("always", "training") = "training", axes: Shape = (),
                cudnn_off: Bool = False, is_train=False):
        if not (is_train or mode == "always") or p == 0:
            return data.copy(), xp.ones_like(data)
        shared = [axis % data.ndim for axis in axes]
        draw_shape = tuple(1 if axis in shared else size
                           for axis, size in enumerate(data.shape))
        keep = generator(xp).random(draw_shape) >= p       # True with probability 1 - p
        scale = 1 / (1 - p) if p < 1 else 0.0
        mask = xp.broadcast_to(keep * scale, data.shape).astype(data.dtype)
        return data * mask, mask

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        return [out_grads[0] * outputs[1]]


@register_op
class Embedding(Op):
    """Look up rows of ``weight`` (``input_dim`` x ``output_dim``): the output has shape
    ``data.shape + (output_dim,)``.

    ``data`` holds indices stored as floats (MXNet's habit); they are truncated to
    integers and clipped into ``[0, input_dim - 1]``, as MXNet does. The gradient of
    ``weight`` adds each output row's gradient into the row it came from (a row used
    twice gets both); ``data`` has no gradient. The gradient's storage type is the
    weight's gradient buffer's: ``attach_grad(stype='row_sparse')`` or Gluon's
    ``Embedding(sparse_grad=True)`` make it a RowSparseNDArray (values held densely).
    Differs from MXNet: a ``sparse_grad`` that does not match the buffer's stype is
    not an error.
    """
    name = "Embedding"
    examples = [Example(shapes=[(2, 3), (5, 4)],
                        attrs={"input_dim": 5, "output_dim": 4},
                        values={"data": [[0, 4, 1], [1, 1, 3]]})]

    def infer_shape(self, in_shapes, *, input_dim, output_dim, **attrs):
        data, weight = in_shapes
        expected = (input_dim, output_dim)
        if weight is not None and (len(weight) != 2 or any(
                dim not in (None, want) for dim, want in zip(weight, expected))):
            raise shape_error(self, f"weight has shape {tuple(weight)} but "
                                    f"input_dim={input_dim}, output_dim={output_dim} "
                                    f"need {expected}")
        out = None if data is None else tuple(data) + (output_dim,)
        return [data, expected], [out]

    def infer_type(self, in_types, *, dtype, **attrs):
        weight_type = in_types[1] or dtype
        return [in_types[0], weight_type], [weight_type]

    def forward(self, xp, data, weight, *, input_dim: Int, output_dim: Int,
                dtype: Dtype = "float32", sparse_grad: Bool = False):
        indices = xp.clip(data.astype("int64"), 0, input_dim - 1)
        return weight[indices]

    def backward(self, xp, inputs, outputs, out_grads, *, input_dim, output_dim,
                 **attrs):
        data, weight = inputs
        indices = xp.clip(data.astype("int64"), 0, input_dim - 1)
        weight_grad = xp.zeros_like(weight)
        # repeated indices must add up (weight_grad[indices] += ... would keep one)
        rows = out_grads[0].reshape(-1, output_dim)
        _scatter_add(xp, weight_grad, indices.reshape(-1), rows)
        return [None, weight_grad]


# --------------------------------------------------------------------------------------
# A sparsity regularizer.
# --------------------------------------------------------------------------------------
@register_op
class IdentityAttachKLSparseReg(Op):
    """Identity in forward; backward adds the gradient of a sparsity penalty to the
    head gradient, for the sigmoid activations ``data`` ``(N, C)`` of a sparse
    autoencoder.

    The penalty is ``penalty * sum_c KL(t || rho_c)``, the Kullback-Leibler divergence
    between the ``sparseness_target`` t and each unit's average activation rho_c::

        d/d rho KL(t || rho) = -t / rho + (1 - t) / (1 - rho)

    rho is the auxiliary state ``moving_avg`` ``(C,)``, which the backward first moves
    IN PLACE towards the batch mean, ``momentum * moving_avg + (1 - momentum) *
    mean(data, axis=0)`` (whether training or not, as MXNet 1.9.1 does); then every
    row's gradient gets ``penalty * (-t / rho + (1 - t) / (1 - rho))``. The forward
    leaves ``moving_avg`` alone. MXNet 1.9.1 computes the op for 2-D data only.
    """
    name = "IdentityAttachKLSparseReg"
    aux_names = ("moving_avg",)
    examples = [Example(shapes=[(3, 4), (4,)], low=0.1, high=0.9, grad=False,
                        reason="backward adds a penalty gradient to the identity's"),
                Example(shapes=[(2, 3), (3,)], low=0.1, high=0.9, grad=False,
                        attrs={"sparseness_target": 0.3, "penalty": 0.5,
                               "momentum": 0.5},
                        reason="backward adds a penalty gradient to the identity's")]

    def infer_shape(self, in_shapes, **attrs):
        data = in_shapes[0]
        if data is None:
            return list(in_shapes), [None]
        if len(data) != 2:
            raise shape_error(self, f"data has shape {tuple(data)}; the op takes 2-D "
                                    "(batch, units) data, as in MXNet 1.9.1 (reshape "
                                    "it to (N, -1) first)")
        in_shapes = _vector_shapes(self, data, 1, in_shapes, {1: "moving_avg"})
        return in_shapes, [tuple(data)]

    def forward(self, xp, data, moving_avg, *, sparseness_target: Float = 0.1,
                penalty: Float = 0.001, momentum: Float = 0.9):
        return data.copy()

    def backward(self, xp, inputs, outputs, out_grads, *, sparseness_target, penalty,
                 momentum):
        data, moving_avg = inputs
        moving_avg[...] = momentum * moving_avg + (1 - momentum) * data.mean(axis=0)
        target = sparseness_target
        kl_grad = -target / moving_avg + (1 - target) / (1 - moving_avg)
        return [out_grads[0] + penalty * kl_grad, None]
