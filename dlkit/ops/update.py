"""Optimizer updates: the fused rules that turn a gradient into a new weight.

Each operator here is one step of one optimizer, written as MXNet 1.9.1 writes it in
its C++ kernels, with the same float operations in the same order (so the numbers match
MXNet's bit for bit where NumPy rounds as C++ does). The optimizer classes
(``mx.optimizer.SGD``, ``Adam`` ...) apply these rules; ``sgd_mom_update`` is one step
of SGD with momentum::

    inputs:  weight  grad  mom            attributes: lr, momentum, wd,
                            |                         rescale_grad, clip_gradient
    forward: g   = clip(rescale_grad * grad)          (clip_gradient >= 0 turns it on)
             mom = momentum * mom - lr * wd * weight - lr * g     <- written INTO mom
             out = weight + mom                                   <- returned

**In-place states.** An optimizer's states (momentum, Adam's mean and variance, the
float32 master copy ``weight32`` of a float16 weight ...) are inputs that the forward
*overwrites*: after ``nd.sgd_mom_update(w, g, mom, lr=0.1)`` the array ``mom`` holds
the new momentum. The new weight is the output, so the usual call is
``nd.sgd_mom_update(w, g, mom, lr=0.1, out=w)``, which updates everything in place. In
a Symbol the states are auxiliary states (``list_auxiliary_states``), as in MXNet.

Two MXNet habits worth knowing: gradient clipping is on whenever ``clip_gradient >=
0`` (so ``clip_gradient=0`` clips every gradient to 0, though the docs say ``<= 0``
turns it off), and the attributes are cast to the weight's dtype before the kernel
uses them. The ``mp_*`` ("multi-precision") variants take a float16 ``weight``, do the
arithmetic on the float32 ``weight32`` and return it rounded to float16. The
``multi_*`` variants update several weights in one call (inputs interleaved:
``weight_0, grad_0, weight_1, grad_1, ...``); ``preloaded_*`` take the learning rates
and weight decays as arrays instead of attributes.

None of these operators has a gradient: autograd cannot differentiate through an
optimizer step (MXNet raises too).
"""
import math

import numpy as np

from ..base import MXNetError
from .attrs import FloatTuple
from .registry import (Bool, Example, Float, Int, Op, register_op, same_shape,
                       shape_error)

NO_GRADIENT = "an optimizer update has no gradient"


# --------------------------------------------------------------------------------------
# Shared pieces: attribute casts, gradient clipping, shapes and types.
# --------------------------------------------------------------------------------------
def _float32(value):
    """An attribute as MXNet stores it: a C ``float`` (float32), so a float64 weight
    sees ``momentum=0.9`` as 0.8999999762."""
    return float(np.float32(value))


def _cast(dtype, *values):
    """MXNet keeps every attribute as a float32 and casts it to the kernel's dtype
    before using it."""
    return [dtype.type(_float32(value)) for value in values]


def _clip(xp, values, bound):
    """MXNet's rule: clip into ``[-bound, bound]`` whenever ``bound >= 0``."""
    if bound >= 0:
        bound = _float32(bound)
        return xp.clip(values, -bound, bound)
    return values


class _Update(Op):
    """One update of one weight: every input has the weight's shape, and the output
    is the new weight (shape and dtype of ``weight``).

    ``states`` names the inputs the forward overwrites (MXNet's auxiliary states).
    """
    states = ()
    float32_inputs = ()   # inputs that MXNet requires to be float32 (mp_* variants)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.aux_names = cls.states

    def infer_shape(self, in_shapes, **attrs):
        return same_shape(self, in_shapes, **attrs)[0], [in_shapes[0]]

    def infer_type(self, in_types, **attrs):
        names = self.list_inputs(attrs)
        weight_type = in_types[0]
        types = []
        for name, given in zip(names, in_types):
            wanted = "float32" if name in self.float32_inputs else weight_type
            types.append(_require(self, name, given, wanted))
        return types, [weight_type]


def _require(op, name, given, wanted):
    """The dtype of input ``name``: ``given``, which must be ``wanted`` if both are
    known (MXNet converts nothing)."""
    if given is not None and wanted is not None and given != wanted:
        raise MXNetError(f"operator {op.name}: input {name!r} must be {wanted}, got "
                         f"{given}; convert it with astype({wanted!r})")
    return wanted if given is None else given


def _example(count, attrs, low=0.1):
    """``count`` inputs of shape (2, 3); positive values keep variances valid."""
    return Example(shapes=[(2, 3)] * count, attrs=attrs, low=low, grad=False,
                   reason=NO_GRADIENT)


# --------------------------------------------------------------------------------------
# SGD, momentum, Nesterov, sign.
# --------------------------------------------------------------------------------------
def _sgd(xp, weight, grad, lr, wd, rescale_grad, clip_gradient):
    """``(1 - lr * wd) * weight - lr * g``; without clipping MXNet folds
    ``lr * rescale_grad`` into one factor first."""
    lr, wd, rescale_grad = _cast(weight.dtype, lr, wd, rescale_grad)
    decayed = (1 - lr * wd) * weight
    if clip_gradient >= 0:
        return decayed - lr * _clip(xp, rescale_grad * grad, clip_gradient)
    return decayed - (lr * rescale_grad) * grad


def _sgd_mom(xp, weight, grad, mom, lr, momentum, wd, rescale_grad, clip_gradient):
    """Write the new momentum into ``mom``; return the new weight."""
    lr, momentum, wd, rescale_grad = _cast(weight.dtype, lr, momentum, wd,
                                           rescale_grad)
    if clip_gradient >= 0:
        step = lr * _clip(xp, rescale_grad * grad, clip_gradient)
    else:
        step = (lr * rescale_grad) * grad
    mom[...] = momentum * mom - (lr * wd) * weight - step
    return weight + mom


@register_op
class SGDUpdate(_Update):
    """SGD: ``weight - lr * (clip(rescale_grad * grad) + wd * weight)``.

    ``lazy_update`` matters only for row_sparse gradients, which dlkit does not have.
    """
    name = "sgd_update"
    examples = [_example(2, {"lr": 0.1, "wd": 0.01}),
                _example(2, {"lr": 0.1, "clip_gradient": 0.5, "rescale_grad": 2.0})]

    def forward(self, xp, weight, grad, *, lr: Float, wd: Float = 0.0,
                rescale_grad: Float = 1.0, clip_gradient: Float = -1.0,
                lazy_update: Bool = True):
        return _sgd(xp, weight, grad, lr, wd, rescale_grad, clip_gradient)


@register_op
class SGDMomUpdate(_Update):
    """SGD with momentum; ``mom`` is overwritten::

        mom = momentum * mom - lr * wd * weight - lr * clip(rescale_grad * grad)
        out = weight + mom
    """
    name = "sgd_mom_update"
    states = ("mom",)
    examples = [_example(3, {"lr": 0.1, "momentum": 0.9, "wd": 0.01}),
                _example(3, {"lr": 0.1, "momentum": 0.9, "clip_gradient": 0.5})]

    def forward(self, xp, weight, grad, mom, *, lr: Float, momentum: Float = 0.0,
                wd: Float = 0.0, rescale_grad: Float = 1.0,
                clip_gradient: Float = -1.0, lazy_update: Bool = True):
        return _sgd_mom(xp, weight, grad, mom, lr, momentum, wd, rescale_grad,
                        clip_gradient)


@register_op
class NAGMomUpdate(_Update):
    """Nesterov accelerated gradient; ``mom`` is overwritten::

        g   = clip(rescale_grad * grad) + wd * weight
        mom = momentum * mom
        out = weight - mom + (momentum + 1) * (mom - lr * g)
        mom = mom - lr * g

    MXNet quirk (not reproduced): its kernel writes ``out`` before it computes the new
    ``mom`` from ``weight``, so with ``out=weight`` the decay term ``wd * weight`` of
    the momentum sees the *new* weight. dlkit always computes from the old weight, as
    MXNet does without ``out=``.
    """
    name = "nag_mom_update"
    states = ("mom",)
    examples = [_example(3, {"lr": 0.1, "momentum": 0.9, "wd": 0.01})]

    def forward(self, xp, weight, grad, mom, *, lr: Float, momentum: Float = 0.0,
                wd: Float = 0.0, rescale_grad: Float = 1.0,
                clip_gradient: Float = -1.0):
        lr, momentum, wd, rescale_grad = _cast(weight.dtype, lr, momentum, wd,
                                               rescale_grad)
        g = _clip(xp, rescale_grad * grad, clip_gradient) + wd * weight
        mom *= momentum
        out = weight - mom + (momentum + 1) * (mom - lr * g)
        mom -= lr * g
        return out


@register_op
class SignSGDUpdate(_Update):
    """signSGD: ``(1 - lr * wd) * weight - lr * sign(grad)``.

    MXNet quirk kept: ``rescale_grad`` and ``clip_gradient`` are accepted and ignored
    (neither changes a sign).
    """
    name = "signsgd_update"
    examples = [_example(2, {"lr": 0.1, "wd": 0.01}, low=-1.0)]

    def forward(self, xp, weight, grad, *, lr: Float, wd: Float = 0.0,
                rescale_grad: Float = 1.0, clip_gradient: Float = -1.0):
        lr, wd = _cast(weight.dtype, lr, wd)
        return (1 - lr * wd) * weight - lr * xp.sign(grad)


@register_op
class SignumUpdate(_Update):
    """Signum (sign of the momentum); ``mom`` is overwritten::

        mom = momentum * mom - (1 - momentum) * wd * weight
              - (1 - momentum) * clip(rescale_grad * grad)
        out = (1 - lr * wd_lh) * weight + lr * sign(mom)
    """
    name = "signum_update"
    states = ("mom",)
    examples = [_example(3, {"lr": 0.1, "momentum": 0.9, "wd_lh": 0.01}, low=-1.0)]

    def forward(self, xp, weight, grad, mom, *, lr: Float, momentum: Float = 0.0,
                wd: Float = 0.0, rescale_grad: Float = 1.0,
                clip_gradient: Float = -1.0, wd_lh: Float = 0.0):
        lr, momentum, wd, rescale_grad, wd_lh = _cast(weight.dtype, lr, momentum, wd,
                                                      rescale_grad, wd_lh)
        rest = 1 - momentum
        if clip_gradient >= 0:
            step = rest * _clip(xp, rescale_grad * grad, clip_gradient)
        else:
            step = (rest * rescale_grad) * grad
        mom[...] = momentum * mom - rest * wd * weight - step
        return (1 - lr * wd_lh) * weight + lr * xp.sign(mom)


# --------------------------------------------------------------------------------------
# Adaptive rules: Adam, RMSProp, FTRL, FTML.
# --------------------------------------------------------------------------------------
def _rescaled_with_decay(xp, weight, grad, rescale_grad, wd, clip_gradient):
    """``clip(rescale_grad * grad + wd * weight)``: Adam and RMSProp fold the weight
    decay into the gradient before clipping."""
    return _clip(xp, grad * rescale_grad + weight * wd, clip_gradient)


@register_op
class AdamUpdate(_Update):
    """Adam; ``mean`` and ``var`` are overwritten::

        g    = clip(rescale_grad * grad + wd * weight)
        mean = beta1 * mean + (1 - beta1) * g
        var  = beta2 * var + (1 - beta2) * g * g
        out  = weight - lr * mean / (sqrt(var) + epsilon)

    No bias correction here: the ``Adam`` optimizer folds it into ``lr``.
    """
    name = "adam_update"
    states = ("mean", "var")
    examples = [_example(4, {"lr": 0.01, "wd": 0.01})]

    def forward(self, xp, weight, grad, mean, var, *, lr: Float, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-8, wd: Float = 0.0,
                rescale_grad: Float = 1.0, clip_gradient: Float = -1.0,
                lazy_update: Bool = True):
        lr, beta1, beta2, epsilon, wd, rescale_grad = _cast(
            weight.dtype, lr, beta1, beta2, epsilon, wd, rescale_grad)
        g = _rescaled_with_decay(xp, weight, grad, rescale_grad, wd, clip_gradient)
        mean[...] = beta1 * mean + (1 - beta1) * g
        var[...] = beta2 * var + (1 - beta2) * g * g
        return weight - lr * mean / (xp.sqrt(var) + epsilon)


@register_op
class RMSPropUpdate(_Update):
    """RMSProp (Tieleman & Hinton); ``n`` is overwritten::

        g   = clip(rescale_grad * grad + wd * weight)
        n   = (1 - gamma1) * g * g + gamma1 * n
        out = clip_weights(weight - lr * g / sqrt(n + epsilon))
    """
    name = "rmsprop_update"
    states = ("n",)
    examples = [_example(3, {"lr": 0.01, "clip_weights": 0.5})]

    def forward(self, xp, weight, grad, n, *, lr: Float, gamma1: Float = 0.95,
                epsilon: Float = 1e-8, wd: Float = 0.0, rescale_grad: Float = 1.0,
                clip_gradient: Float = -1.0, clip_weights: Float = -1.0):
        lr, gamma1, epsilon, wd, rescale_grad = _cast(
            weight.dtype, lr, gamma1, epsilon, wd, rescale_grad)
        g = _rescaled_with_decay(xp, weight, grad, rescale_grad, wd, clip_gradient)
        n[...] = (1 - gamma1) * (g * g) + gamma1 * n
        return _clip(xp, weight - lr * (g / xp.sqrt(n + epsilon)), clip_weights)


@register_op
class RMSPropAlexUpdate(_Update):
    """Graves' centered RMSProp; ``n``, ``g`` and ``delta`` are overwritten::

        grad  = clip(rescale_grad * grad + wd * weight)
        n     = (1 - gamma1) * grad * grad + gamma1 * n
        g     = (1 - gamma1) * grad + gamma1 * g
        delta = gamma2 * delta - lr * grad / sqrt(n - g * g + epsilon)
        out   = clip_weights(weight + delta)
    """
    name = "rmspropalex_update"
    states = ("n", "g", "delta")
    # n >= g * g keeps the square root real, as running moments do
    examples = [Example(shapes=[(2, 3)] * 5, attrs={"lr": 0.01}, low=0.1,
                        values={"n": [1.0] * 6}, grad=False, reason=NO_GRADIENT)]

    def forward(self, xp, weight, grad, n, g, delta, *, lr: Float,
                gamma1: Float = 0.95, gamma2: Float = 0.9, epsilon: Float = 1e-8,
                wd: Float = 0.0, rescale_grad: Float = 1.0,
                clip_gradient: Float = -1.0, clip_weights: Float = -1.0):
        lr, gamma1, gamma2, epsilon, wd, rescale_grad = _cast(
            weight.dtype, lr, gamma1, gamma2, epsilon, wd, rescale_grad)
        rescaled = _rescaled_with_decay(xp, weight, grad, rescale_grad, wd,
                                        clip_gradient)
        n[...] = (1 - gamma1) * rescaled * rescaled + gamma1 * n
        g[...] = (1 - gamma1) * rescaled + gamma1 * g
        delta[...] = gamma2 * delta - lr * rescaled / xp.sqrt(n - g * g + epsilon)
        return _clip(xp, weight + delta, clip_weights)


@register_op
class FtrlUpdate(_Update):
    """FTRL-proximal (McMahan et al.); ``z`` and ``n`` are overwritten::

        g   = clip(rescale_grad * grad)
        z  += g - (sqrt(n + g * g) - sqrt(n)) * weight / lr
        n  += g * g
        out = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / lr + wd) * (|z| > lamda1)
    """
    name = "ftrl_update"
    states = ("z", "n")
    examples = [_example(4, {"lr": 0.1, "lamda1": 0.3})]

    def forward(self, xp, weight, grad, z, n, *, lr: Float, lamda1: Float = 0.01,
                beta: Float = 1.0, wd: Float = 0.0, rescale_grad: Float = 1.0,
                clip_gradient: Float = -1.0):
        lr, lamda1, beta, wd, rescale_grad = _cast(weight.dtype, lr, lamda1, beta, wd,
                                                   rescale_grad)
        g = _clip(xp, grad * rescale_grad, clip_gradient)
        z += g - (xp.sqrt(n + g * g) - xp.sqrt(n)) * weight / lr
        n += g * g
        active = xp.abs(z) > lamda1
        return (xp.sign(z) * lamda1 - z) / ((beta + xp.sqrt(n)) / lr + wd) * active


@register_op
class FtmlUpdate(_Update):
    """FTML, Follow the Moving Leader (Zheng & Kwok); ``d``, ``v``, ``z`` are
    overwritten (``t`` is the step count, from 1)::

        g   = clip(rescale_grad * grad + wd * weight)
        v   = beta2 * v + (1 - beta2) * g * g
        d_t = (1 - beta1^t) / lr * (sqrt(v / (1 - beta2^t)) + epsilon)
        z   = beta1 * z + (1 - beta1^t) * g - (d_t - beta1 * d) * weight
        d   = d_t
        out = -z / d

    MXNet spells the clipping attribute ``clip_grad`` here.
    """
    name = "ftml_update"
    states = ("d", "v", "z")
    examples = [_example(5, {"lr": 0.1, "t": 2})]

    def forward(self, xp, weight, grad, d, v, z, *, lr: Float, beta1: Float = 0.6,
                beta2: Float = 0.999, epsilon: Float = 1e-8, t: Int,
                wd: Float = 0.0, rescale_grad: Float = 1.0, clip_grad: Float = -1.0):
        lr, beta1, beta2, epsilon, wd, rescale_grad = _cast(
            weight.dtype, lr, beta1, beta2, epsilon, wd, rescale_grad)
        g = _rescaled_with_decay(xp, weight, grad, rescale_grad, wd, clip_grad)
        v[...] = beta2 * v + (1 - beta2) * (g * g)
        t = weight.dtype.type(t)
        d_t = (1 - beta1 ** t) / lr * (xp.sqrt(v / (1 - beta2 ** t)) + epsilon)
        z[...] = beta1 * z + (1 - beta1) * g - (d_t - beta1 * d) * weight
        d[...] = d_t
        return -z / d_t


# --------------------------------------------------------------------------------------
# Multi-precision variants: float16 weight, float32 master copy weight32.
# --------------------------------------------------------------------------------------
class _MultiPrecision(_Update):
    """The rule runs in float32 on ``weight32`` (overwritten) with the gradient cast
    to float32; the output is the new ``weight32`` cast to ``weight``'s dtype."""
    float32_inputs = ("mom", "weight32")


@register_op
class MPSGDUpdate(_MultiPrecision):
    """``sgd_update`` on the float32 master copy ``weight32`` (overwritten)."""
    name = "mp_sgd_update"
    states = ("weight32",)
    examples = [_example(3, {"lr": 0.1, "wd": 0.01})]

    def forward(self, xp, weight, grad, weight32, *, lr: Float, wd: Float = 0.0,
                rescale_grad: Float = 1.0, clip_gradient: Float = -1.0,
                lazy_update: Bool = True):
        grad = grad.astype(weight32.dtype, copy=False)
        weight32[...] = _sgd(xp, weight32, grad, lr, wd, rescale_grad, clip_gradient)
        return weight32.astype(weight.dtype)


@register_op
class MPSGDMomUpdate(_MultiPrecision):
    """``sgd_mom_update`` on the float32 master copy ``weight32``; ``mom`` (float32)
    and ``weight32`` are overwritten."""
    name = "mp_sgd_mom_update"
    states = ("mom", "weight32")
    examples = [_example(4, {"lr": 0.1, "momentum": 0.9, "wd": 0.01})]

    def forward(self, xp, weight, grad, mom, weight32, *, lr: Float,
                momentum: Float = 0.0, wd: Float = 0.0, rescale_grad: Float = 1.0,
                clip_gradient: Float = -1.0, lazy_update: Bool = True):
        grad = grad.astype(weight32.dtype, copy=False)
        weight32[...] = _sgd_mom(xp, weight32, grad, mom, lr, momentum, wd,
                                 rescale_grad, clip_gradient)
        return weight32.astype(weight.dtype)


@register_op
class MPNAGMomUpdate(_MultiPrecision):
    """``nag_mom_update`` on the float32 master copy ``weight32``; ``mom`` and
    ``weight32`` are overwritten.

    MXNet quirk kept: ``weight32`` is written first, so the decay term of the new
    momentum uses the new ``weight32``.
    """
    name = "mp_nag_mom_update"
    states = ("mom", "weight32")
    examples = [_example(4, {"lr": 0.1, "momentum": 0.9, "wd": 0.01})]

    def forward(self, xp, weight, grad, mom, weight32, *, lr: Float,
                momentum: Float = 0.0, wd: Float = 0.0, rescale_grad: Float = 1.0,
                clip_gradient: Float = -1.0):
        lr, momentum, wd, rescale_grad = _cast(weight32.dtype, lr, momentum, wd,
                                               rescale_grad)
        g = _clip(xp, rescale_grad * grad.astype(weight32.dtype), clip_gradient)
        mom *= momentum
        weight32[...] = (weight32 - mom
                         + (momentum + 1) * (mom - lr * (g + wd * weight32)))
        mom -= lr * (g + wd * weight32)
        return weight32.astype(weight.dtype)


# --------------------------------------------------------------------------------------
# AdamW (contrib) and LAMB.
# --------------------------------------------------------------------------------------
def _adamw(xp, weight, grad, mean, var, rescale_grad, lr, beta1, beta2, epsilon, wd,
           eta, clip_gradient, write_grad=False):
    """AdamW on ``weight`` (a copy when the step is skipped); mean and var in place,
    and ``grad`` too with ``write_grad``."""
    scale = float(rescale_grad.reshape(-1)[0])
    if not math.isfinite(scale) or scale == 0:
        return weight.copy()
    lr, beta1, beta2, epsilon, wd, eta, scale = _cast(
        weight.dtype, lr, beta1, beta2, epsilon, wd, eta, scale)
    g = _clip(xp, grad * scale, clip_gradient)
    if write_grad:
        grad[...] = g
    mean[...] = beta1 * mean + (1 - beta1) * g
    var[...] = beta2 * var + (1 - beta2) * (g * g)
    return weight - eta * (lr * mean / (xp.sqrt(var) + epsilon) + weight * wd)


class _OneElementInputs(_Update):
    """Shapes: the inputs named in ``one_element`` have shape (1,); the others share
    the weight's shape."""
    one_element = ()

    def infer_shape(self, in_shapes, **attrs):
        names = self.list_inputs(attrs)
        for name, shape in zip(names, in_shapes):
            if name in self.one_element and shape is not None and shape != (1,):
                raise shape_error(self, f"{name} must have shape (1,), got {shape}")
        same = [s for n, s in zip(names, in_shapes) if n not in self.one_element]
        same = same_shape(self, same)[0]
        shapes = [(1,) if n in self.one_element else same[0] for n in names]
        return shapes, [same[0]]


class _AdamW(_OneElementInputs):
    """Shapes: ``rescale_grad`` is a one-element array; the others share a shape."""
    one_element = ("rescale_grad",)

    def infer_type(self, in_types, **attrs):
        names = self.list_inputs(attrs)
        index = names.index("rescale_grad")
        others = in_types[:index] + in_types[index + 1:]
        types, out_types = super().infer_type(others, **attrs)
        # rescale_grad is float32 whatever the weight's dtype
        types.insert(index, _require(self, "rescale_grad", in_types[index], "float32"))
        return types, out_types


@register_op
class AdamWUpdate(_AdamW):
    """AdamW (Loshchilov & Hutter): Adam with weight decay kept out of the moments;
    ``mean`` and ``var`` are overwritten::

        g    = clip(rescale_grad * grad)
        mean = beta1 * mean + (1 - beta1) * g
        var  = beta2 * var + (1 - beta2) * g * g
        out  = weight - eta * (lr * mean / (sqrt(var) + epsilon) + wd * weight)

    MXNet quirk kept: ``grad`` is overwritten too, with ``g`` (the float16 gradient
    of ``mp_adamw_update`` is not). ``rescale_grad`` is a one-element array; if it
    holds NaN, Inf or 0 the step is skipped (states untouched). MXNet then leaves
    the output unwritten; dlkit returns the weight unchanged.
    """
    name = "_contrib_adamw_update"
    aliases = ("_adamw_update",)
    states = ("mean", "var")
    examples = [Example(shapes=[(2, 3)] * 4 + [(1,)],
                        attrs={"lr": 0.01, "eta": 0.5, "wd": 0.1}, low=0.1,
                        grad=False, reason=NO_GRADIENT)]

    def forward(self, xp, weight, grad, mean, var, rescale_grad, *, lr: Float,
                beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                wd: Float = 0.0, eta: Float, clip_gradient: Float = -1.0):
        return _adamw(xp, weight, grad, mean, var, rescale_grad, lr, beta1, beta2,
                      epsilon, wd, eta, clip_gradient, write_grad=True)


@register_op
class MPAdamWUpdate(_AdamW):
    """``adamw_update`` on the float32 master copy ``weight32``; ``mean``, ``var``
    and ``weight32`` are overwritten (all float32)."""
    name = "_contrib_mp_adamw_update"
    aliases = ("_mp_adamw_update",)
    states = ("mean", "var", "weight32")
    float32_inputs = ("mean", "var", "weight32")
    examples = [Example(shapes=[(2, 3)] * 5 + [(1,)],
                        attrs={"lr": 0.01, "eta": 0.5, "wd": 0.1}, low=0.1,
                        grad=False, reason=NO_GRADIENT)]

    def forward(self, xp, weight, grad, mean, var, weight32, rescale_grad, *,
                lr: Float, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, wd: Float = 0.0, eta: Float,
                clip_gradient: Float = -1.0):
        grad = grad.astype(weight32.dtype, copy=False)
        weight32[...] = _adamw(xp, weight32, grad, mean, var, rescale_grad, lr, beta1,
                               beta2, epsilon, wd, eta, clip_gradient)
        return weight32.astype(weight.dtype)


def _lamb_direction(xp, weight, grad, mean, var, beta1, beta2, epsilon, t,
                    bias_correction, wd, rescale_grad, clip_gradient):
    """LAMB phase 1 in ``weight``'s dtype; mean and var in place."""
    beta1, beta2, epsilon, wd, rescale_grad = _cast(weight.dtype, beta1, beta2,
                                                    epsilon, wd, rescale_grad)
    g = _clip(xp, grad * rescale_grad, clip_gradient)
    mean[...] = beta1 * mean + (1 - beta1) * g
    var[...] = beta2 * var + (1 - beta2) * g * g
    if not bias_correction:
        return mean / (xp.sqrt(var) + epsilon) + wd * weight
    t = weight.dtype.type(t)
    mean_hat = mean / (1 - beta1 ** t)
    var_hat = var / (1 - beta2 ** t)
    return mean_hat / (xp.sqrt(var_hat) + epsilon) + wd * weight


def _lamb_step(weight, g, r1, r2, lr, lower_bound, upper_bound):
    """LAMB phase 2: ``weight - lr * r1 / r2 * g`` (the trust ratio), bounds on r1."""
    r1 = float(r1.reshape(-1)[0])
    r2 = float(r2.reshape(-1)[0])
    if lower_bound >= 0:
        r1 = max(r1, _float32(lower_bound))
    if upper_bound >= 0:
        r1 = min(r1, _float32(upper_bound))
    lr = weight.dtype.type(_float32(lr))
    if r1 != 0 and r2 != 0:
        lr = lr * (weight.dtype.type(r1) / weight.dtype.type(r2))
    return weight - lr * g


@register_op
class LambUpdatePhase1(_Update):
    """LAMB phase 1 (You et al.): the Adam direction plus weight decay, returned as
    ``g``; ``mean`` and ``var`` are overwritten::

        grad = clip(rescale_grad * grad)
        mean = beta1 * mean + (1 - beta1) * grad
        var  = beta2 * var + (1 - beta2) * grad * grad
        g    = mean_hat / (sqrt(var_hat) + epsilon) + wd * weight

    where ``mean_hat = mean / (1 - beta1^t)`` and ``var_hat = var / (1 - beta2^t)``
    with ``bias_correction`` (else the plain moments).
    """
    name = "lamb_update_phase1"
    states = ("mean", "var")
    examples = [_example(4, {"t": 2, "wd": 0.01})]

    def forward(self, xp, weight, grad, mean, var, *, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-6, t: Int,
                bias_correction: Bool = True, wd: Float, rescale_grad: Float = 1.0,
                clip_gradient: Float = -1.0):
        return _lamb_direction(xp, weight, grad, mean, var, beta1, beta2, epsilon, t,
                               bias_correction, wd, rescale_grad, clip_gradient)


class _LambPhase2(_OneElementInputs):
    """Shapes: ``r1`` and ``r2`` (norms of weight and ``g``) have shape (1,)."""
    one_element = ("r1", "r2")


@register_op
class LambUpdatePhase2(_LambPhase2):
    """LAMB phase 2: ``weight - lr * (r1 / r2) * g``, where ``r1 = ||weight||`` and
    ``r2 = ||g||`` (one-element arrays) and ``g`` comes from phase 1.

    ``r1`` is first raised to ``lower_bound`` and lowered to ``upper_bound`` (each
    when ``>= 0``; MXNet's docs say ``max`` for both, its kernel takes the ``min``
    for the upper bound). If ``r1`` or ``r2`` is 0 the ratio is left out.
    """
    name = "lamb_update_phase2"
    examples = [Example(shapes=[(2, 3), (2, 3), (1,), (1,)], attrs={"lr": 0.1},
                        low=0.1, grad=False, reason=NO_GRADIENT)]

    def forward(self, xp, weight, g, r1, r2, *, lr: Float, lower_bound: Float = -1.0,
                upper_bound: Float = -1.0):
        return _lamb_step(weight, g, r1, r2, lr, lower_bound, upper_bound)


@register_op
class MPLambUpdatePhase1(_MultiPrecision):
    """``lamb_update_phase1`` in float32: the gradient is cast to float32 and the
    decay term uses ``weight32``; returns float32 ``g``."""
    name = "mp_lamb_update_phase1"
    states = ("mean", "var")
    float32_inputs = ("mean", "var", "weight32")
    examples = [_example(5, {"t": 2, "wd": 0.01})]

    def infer_type(self, in_types, **attrs):
        types, _ = super().infer_type(in_types, **attrs)
        return types, ["float32"]

    def forward(self, xp, weight, grad, mean, var, weight32, *, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-6, t: Int,
                bias_correction: Bool = True, wd: Float, rescale_grad: Float = 1.0,
                clip_gradient: Float = -1.0):
        # MXNet quirk kept: the rescaled gradient is rounded to weight's dtype
        # (float16) before the float32 arithmetic
        float32 = weight32.dtype
        rescaled = grad.astype(float32) * float32.type(rescale_grad)
        rescaled = rescaled.astype(weight.dtype).astype(float32)
        return _lamb_direction(xp, weight32, rescaled, mean, var, beta1, beta2,
                               epsilon, t, bias_correction, wd, 1.0, clip_gradient)


@register_op
class MPLambUpdatePhase2(_LambPhase2):
    """``lamb_update_phase2`` on the float32 master copy ``weight32`` (overwritten);
    returns it cast to ``weight``'s dtype."""
    name = "mp_lamb_update_phase2"
    states = ("weight32",)
    float32_inputs = ("g", "r1", "r2", "weight32")
    examples = [Example(shapes=[(2, 3), (2, 3), (1,), (1,), (2, 3)],
                        attrs={"lr": 0.1}, low=0.1, grad=False, reason=NO_GRADIENT)]

    def forward(self, xp, weight, g, r1, r2, weight32, *, lr: Float,
                lower_bound: Float = -1.0, upper_bound: Float = -1.0):
        new_weight32 = _lamb_step(weight32, g, r1, r2, lr, lower_bound, upper_bound)
        return new_weight32.astype(weight.dtype)


# --------------------------------------------------------------------------------------
# Many weights in one call: multi_* and preloaded_multi_* SGD.
# --------------------------------------------------------------------------------------
class _Numbered(tuple):
    """Names of per-weight states, numbered per weight: ``"mom_3" in
    _Numbered(("mom",))`` is True (how the registry asks for auxiliary states)."""

    def __contains__(self, name):
        return name.rpartition("_")[0] in tuple(self)


class _MultiSGD(Op):
    """SGD (with momentum) on ``num_weights`` weights, one kernel for all.

    Inputs come interleaved per weight (``weight_0, grad_0, [mom_0,] [weight32_0,]
    weight_1, ...``), then ``lrs, wds`` arrays for the preloaded variants. Output
    ``i`` is the new weight ``i``. Each weight takes the momentum rule::

        mom = momentum * mom - lr_i * wd_i * w - lr_i * clip(rescale_grad * grad)
        w   = w + mom

    with ``mom = 0`` when the op keeps no momentum (so not quite ``sgd_update``'s
    rounding). MXNet 1.9.1 cannot infer these outputs' shapes, so there the call
    needs ``out=``; dlkit infers them and needs none. An ``mp`` variant subclasses
    its float twin and changes only ``per_weight`` (adding ``weight32``).
    """
    per_weight = ("weight", "grad")
    preloaded = False
    float32_inputs = ("mom", "weight32")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.aux_names = _Numbered(name for name in cls.per_weight
                                  if name in ("mom", "weight32"))

    def list_inputs(self, attrs):
        names = [f"{name}_{index}" for index in range(attrs["num_weights"])
                 for name in self.per_weight]
        return names + ["lrs", "wds"] if self.preloaded else names

    def num_outputs(self, attrs):
        return attrs["num_weights"]

    def _groups(self, inputs, num_weights):
        """Split the flat inputs into one tuple per weight (and the rate arrays)."""
        count = len(self.per_weight)
        groups = [inputs[index * count:(index + 1) * count]
                  for index in range(num_weights)]
        return groups, inputs[num_weights * count:]

    def infer_shape(self, in_shapes, *, num_weights, **attrs):
        for name in ("lrs", "wds"):
            values = attrs.get(name, ())
            if not self.preloaded and len(values) != num_weights:
                raise MXNetError(f"operator {self.name}: {name} needs one value per "
                                 f"weight (num_weights={num_weights}), got {values}")
        groups, rates = self._groups(list(in_shapes), num_weights)
        shapes, out_shapes = [], []
        for index, group in enumerate(groups):
            shape = None
            for name, given in zip(self.per_weight, group):
                if shape is not None and given is not None and given != shape:
                    raise shape_error(self, f"{name}_{index} has shape {given} but "
                                            f"weight_{index} has {shape}")
                shape = shape if given is None else given
            shapes += [shape] * len(group)
            out_shapes.append(shape)
        for name, given in zip(("lrs", "wds"), rates):
            if given is not None and given != (num_weights,):
                raise shape_error(self, f"{name} must have shape ({num_weights},), "
                                        f"one value per weight, got {given}")
            shapes.append((num_weights,))
        return shapes, out_shapes

    def infer_type(self, in_types, *, num_weights, **attrs):
        groups, rates = self._groups(list(in_types), num_weights)
        types, out_types = [], []
        for group in groups:
            weight_type = group[0]
            for name, given in zip(self.per_weight, group):
                wanted = "float32" if name in self.float32_inputs else weight_type
                types.append(_require(self, name, given, wanted))
            out_types.append(weight_type)
        return types + [_require(self, name, given, "float32")
                        for name, given in zip(("lrs", "wds"), rates)], out_types

    def _update(self, xp, inputs, lrs, wds, momentum, rescale_grad, clip_gradient,
                num_weights):
        groups, rates = self._groups(inputs, num_weights)
        if self.preloaded:
            lrs, wds = (rate.tolist() for rate in rates)
        outputs = []
        for group, lr, wd in zip(groups, lrs, wds):
            named = dict(zip(self.per_weight, group))
            weight = named.get("weight32", named["weight"])
            grad = named["grad"].astype(weight.dtype, copy=False)
            mom = named.get("mom", xp.zeros_like(weight))
            new_weight = _sgd_mom(xp, weight, grad, mom, lr, momentum, wd,
                                  rescale_grad, clip_gradient)
            if "weight32" in named:
                weight[...] = new_weight
            outputs.append(new_weight.astype(named["weight"].dtype, copy=False))
        return outputs


def _multi_example(per_weight, attrs, preloaded=False):
    shapes = [(2, 3)] * per_weight + [(4,)] * per_weight
    if preloaded:
        shapes += [(2,), (2,)]
    else:
        attrs = {"lrs": (0.1, 0.2), "wds": (0.01, 0.0), **attrs}
    return Example(shapes=shapes, attrs={"num_weights": 2, **attrs}, low=0.1,
                   grad=False, reason=NO_GRADIENT)


@register_op
class MultiSGDUpdate(_MultiSGD):
    """``sgd_update`` for many weights: ``lrs``, ``wds`` give one value per weight."""
    name = "multi_sgd_update"
    examples = [_multi_example(2, {"rescale_grad": 0.5})]

    def forward(self, xp, *data, lrs: FloatTuple, wds: FloatTuple,
                rescale_grad: Float = 1.0, clip_gradient: Float = -1.0,
                num_weights: Int = 1):
        return self._update(xp, data, lrs, wds, 0.0, rescale_grad, clip_gradient,
                            num_weights)


@register_op
class MultiSGDMomUpdate(_MultiSGD):
    """``sgd_mom_update`` for many weights; every ``mom_i`` is overwritten."""
    name = "multi_sgd_mom_update"
    per_weight = ("weight", "grad", "mom")
    examples = [_multi_example(3, {"momentum": 0.9})]

    def forward(self, xp, *data, lrs: FloatTuple, wds: FloatTuple,
                momentum: Float = 0.0, rescale_grad: Float = 1.0,
                clip_gradient: Float = -1.0, num_weights: Int = 1):
        return self._update(xp, data, lrs, wds, momentum, rescale_grad,
                            clip_gradient, num_weights)


@register_op
class MultiMPSGDUpdate(MultiSGDUpdate):
    """``mp_sgd_update`` for many weights; every ``weight32_i`` is overwritten."""
    name = "multi_mp_sgd_update"
    per_weight = ("weight", "grad", "weight32")
    examples = [_multi_example(3, {})]


@register_op
class MultiMPSGDMomUpdate(MultiSGDMomUpdate):
    """``mp_sgd_mom_update`` for many weights; ``mom_i`` and ``weight32_i`` are
    overwritten."""
    name = "multi_mp_sgd_mom_update"
    per_weight = ("weight", "grad", "mom", "weight32")
    examples = [_multi_example(4, {"momentum": 0.9})]


@register_op
class PreloadedMultiSGDUpdate(_MultiSGD):
    """``multi_sgd_update`` with the rates as arrays: inputs end with ``lrs, wds``
    (shape ``(num_weights,)``), so a schedule can change them without new
    attributes."""
    name = "preloaded_multi_sgd_update"
    preloaded = True
    examples = [_multi_example(2, {}, preloaded=True)]

    def forward(self, xp, *data, rescale_grad: Float = 1.0,
                clip_gradient: Float = -1.0, num_weights: Int = 1):
        return self._update(xp, data, None, None, 0.0, rescale_grad, clip_gradient,
                            num_weights)


@register_op
class PreloadedMultiSGDMomUpdate(_MultiSGD):
    """``multi_sgd_mom_update`` with the rates as arrays ``lrs, wds``."""
    name = "preloaded_multi_sgd_mom_update"
    per_weight = ("weight", "grad", "mom")
    preloaded = True
    examples = [_multi_example(3, {"momentum": 0.9}, preloaded=True)]

    def forward(self, xp, *data, momentum: Float = 0.0, rescale_grad: Float = 1.0,
                clip_gradient: Float = -1.0, num_weights: Int = 1):
        return self._update(xp, data, None, None, momentum, rescale_grad,
                            clip_gradient, num_weights)


@register_op
class PreloadedMultiMPSGDUpdate(PreloadedMultiSGDUpdate):
    """``multi_mp_sgd_update`` with the rates as arrays ``lrs, wds``."""
    name = "preloaded_multi_mp_sgd_update"
    per_weight = ("weight", "grad", "weight32")
    examples = [_multi_example(3, {}, preloaded=True)]


@register_op
class PreloadedMultiMPSGDMomUpdate(PreloadedMultiSGDMomUpdate):
    """``multi_mp_sgd_mom_update`` with the rates as arrays ``lrs, wds``."""
    name = "preloaded_multi_mp_sgd_mom_update"
    per_weight = ("weight", "grad", "mom", "weight32")
    examples = [_multi_example(4, {"momentum": 0.9}, preloaded=True)]


# --------------------------------------------------------------------------------------
# Helpers of the optimizers: norms for LARS, overflow checks.
# --------------------------------------------------------------------------------------
class _ManyArrays(Op):
    """Takes ``num_arrays`` arrays of any shapes (``array_0, array_1, ...``)."""

    def list_inputs(self, attrs):
        return [f"array_{index}" for index in range(attrs["num_arrays"])]

    def infer_type(self, in_types, **attrs):
        return list(in_types), ["float32"] * self.num_outputs(attrs)


@register_op
class MultiSumSq(_ManyArrays):
    """The sum of squares of each array, as one float32 vector of ``num_arrays``
    values (LARS and LAMB use the norms ``sqrt`` of these). The arrays must share
    one dtype, as in MXNet."""
    name = "multi_sum_sq"
    examples = [Example(shapes=[(2, 3), (4,)], attrs={"num_arrays": 2}, grad=False,
                        reason="MXNet registers no gradient for it")]

    def infer_shape(self, in_shapes, *, num_arrays):
        return list(in_shapes), [(num_arrays,)]

    def infer_type(self, in_types, **attrs):
        known_types = {t for t in in_types if t is not None}
        if len(known_types) > 1:
            raise MXNetError(f"operator {self.name}: all arrays must have one dtype, "
                             f"got {sorted(known_types)}")
        return list(in_types), ["float32"]

    def forward(self, xp, *data, num_arrays: Int):
        # MXNet squares in the arrays' dtype and adds the squares one after another
        # in float32; a cumulative sum rounds exactly that way (xp.sum would add
        # pairwise and round differently)
        sums = xp.zeros(num_arrays, dtype="float32")
        for index, array in enumerate(data):
            if array.size:
                squares = (array * array).astype("float32").reshape(-1)
                sums[index] = xp.cumsum(squares, dtype="float32")[-1]
        return sums


@register_op
class MultiLars(Op):
    """LARS (You et al.): per-layer learning rates from the weight and gradient norms::

        lr_i = lrs_i * eta * ||w_i|| / (rescale_grad * ||g_i|| + wds_i * ||w_i|| + eps)

    where ``||w_i|| = sqrt(weights_sum_sq_i)`` (from ``multi_sum_sq``); ``lr_i``
    stays ``lrs_i`` when either norm is 0. All inputs and the output have shape
    ``(num_layers,)``.
    """
    name = "multi_lars"
    examples = [Example(shapes=[(3,)] * 4, attrs={"eta": 0.01, "eps": 1e-6}, low=0.1,
                        grad=False, reason="MXNet registers no gradient for it")]

    def infer_shape(self, in_shapes, **attrs):
        shapes, _ = same_shape(self, in_shapes, **attrs)
        return shapes, [shapes[0]]

    def forward(self, xp, lrs, weights_sum_sq, grads_sum_sq, wds, *, eta: Float,
                eps: Float, rescale_grad: Float = 1.0):
        float32 = xp.float32
        weight_norm = xp.sqrt(weights_sum_sq.astype(float32))
        grad_norm = xp.sqrt(grads_sum_sq.astype(float32)) * float32(rescale_grad)
        scaled = (lrs * float32(eta) * weight_norm
                  / (grad_norm + wds * weight_norm + float32(eps)))
        both = (weight_norm > 0) & (grad_norm > 0)
        return xp.where(both, scaled, lrs).astype(lrs.dtype)


def _all_finite(xp, arrays):
    finite = all(bool(xp.isfinite(array).all()) for array in arrays)
    return xp.full((1,), 1.0 if finite else 0.0, dtype="float32")


@register_op
class AllFinite(Op):
    """``[1.]`` if every value of ``data`` is finite, else ``[0.]`` (float32): the
    overflow check of mixed-precision training.

    ``init_output=False`` tells MXNet not to set the output to 1 first, so with
    ``out=`` a 0 already there survives. Differs from MXNet: dlkit writes the whole
    result, so that accumulation does not happen.
    """
    name = "all_finite"
    examples = [Example(shapes=[(2, 3)], grad=False,
                        reason="MXNet registers no gradient for it")]

    def infer_shape(self, in_shapes, **attrs):
        return list(in_shapes), [(1,)]

    def infer_type(self, in_types, **attrs):
        return list(in_types), ["float32"]

    def forward(self, xp, data, *, init_output: Bool = True):
        if data.dtype.kind != "f":
            raise MXNetError(f"operator {self.name}: data must be floating point, got "
                             f"{data.dtype}")
        return _all_finite(xp, [data])


@register_op
class MultiAllFinite(_ManyArrays):
    """``[1.]`` if every value of every array is finite, else ``[0.]`` (float32);
    ``init_output`` as in ``all_finite``."""
    name = "multi_all_finite"
    examples = [Example(shapes=[(2, 3), (4,)], attrs={"num_arrays": 2}, grad=False,
                        reason="MXNet registers no gradient for it")]

    def infer_shape(self, in_shapes, **attrs):
        return list(in_shapes), [(1,)]

    def forward(self, xp, *data, num_arrays: Int = 1, init_output: Bool = True):
        return _all_finite(xp, data)


@register_op
class ResetArrays(_ManyArrays):
    """Set every element of every input array to 0, in place; there is no output.

    MXNet uses it to clear gradient arrays in one call
    (``nd.reset_arrays(*grads, num_arrays=len(grads))``); the call returns an empty
    list. The arrays must be floating point, as in MXNet.

    Differs from MXNet: a Symbol of it has no outputs, so it has nothing to bind
    (MXNet 1.9.1 crashes on such a Symbol); use it through ``mx.nd``.
    """
    name = "reset_arrays"
    examples = [Example(shapes=[(2, 3), (4,)], attrs={"num_arrays": 2}, grad=False,
                        reason="no outputs: nothing to differentiate")]

    def num_outputs(self, attrs):
        return 0

    def infer_shape(self, in_shapes, **attrs):
        return list(in_shapes), []

    def infer_type(self, in_types, **attrs):
        for given in in_types:
            if given is not None and not given.startswith("float"):
                raise MXNetError(f"operator {self.name}: This operation only support "
                                 f"floating point types, not {given}")
        return list(in_types), []

    def forward(self, xp, *data, num_arrays: Int):
        for array in data:
            if array.dtype.kind != "f":
                raise MXNetError(f"operator {self.name}: This operation only support "
                                 f"floating point types, not {array.dtype}")
        for array in data:
            array[...] = 0
        return []
