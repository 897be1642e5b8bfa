"""Less common relatives of SGD: SGLD (sampling), DCASGD (asynchronous training),
ccSGD (an old name of SGD) and Test (used by MXNet's own tests).

MXNet writes these rules with NDArray arithmetic rather than a fused operator, and so
does dlkit: each line below is one NDArray operation, in MXNet's order.
"""
import math

from .. import ndarray
from ..ndarray import zeros_like
from .optimizer import Optimizer, register
from .sgd import SGD

__all__ = ["SGLD", "DCASGD", "ccSGD", "Test"]


def _rescaled(optimizer, grad):
    """``clip(rescale_grad * grad)`` as a new NDArray (clipping when not None)."""
    grad = grad * optimizer.rescale_grad
    if optimizer.clip_gradient is not None:
        grad = ndarray.clip(grad, -optimizer.clip_gradient, optimizer.clip_gradient)
    return grad


@register
class SGLD(Optimizer):
    """Stochastic Gradient Langevin Dynamics: half an SGD step plus Gaussian noise,
    so the weights become samples of the posterior instead of one optimum::

        w = w - lr / 2 * (g + wd * w) + noise,   noise ~ Normal(0, sqrt(lr))

    (MXNet's docstring names the Riemannian variant of Patterson & Teh; the rule
    it runs is this plain one.) The noise comes from dlkit's generator, so the
    weights differ from MXNet's run for run; their distribution is the same.

    Example
    -------
    >>> opt = mx.optimizer.create("sgld", learning_rate=0.01)
    """

    def create_state(self, index, weight):
        return None

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        grad = _rescaled(self, grad)
        weight[:] += -lr / 2 * (grad + wd * weight)
        weight[:] += ndarray.random.normal(0, math.sqrt(lr), shape=weight.shape,
                                           dtype=weight.dtype, ctx=weight.context)


@register
class DCASGD(Optimizer):
    """Delay-compensated asynchronous SGD (Zheng et al., 2016): a worker's gradient
    was computed at older weights, so it is corrected by a cheap estimate of the
    Hessian, ``lamda * g * g``, times how far the weights moved since::

        step = -lr * (g + wd * w + lamda * g * g * (w - w_previous))
        m = momentum * m + step   (or m = step without momentum);  w = w + m

    The state is ``(momentum or None, previous weight)``.

    Parameters
    ----------
    momentum : float
        Momentum value.
    lamda : float
        Scale of the delay compensation (MXNet's spelling).

    Differs from MXNet: with ``momentum != 0`` MXNet 1.9.1 fails (it tests the
    momentum array with ``if mom:``, which raises for more than one element);
    dlkit applies the momentum rule above.
    """

    def __init__(self, momentum=0.0, lamda=0.04, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.weight_previous = {}
        self.lamda = lamda

    def create_state(self, index, weight):
        momentum = zeros_like(weight) if self.momentum != 0.0 else None
        return (momentum, weight.copy())

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        grad = _rescaled(self, grad)
        momentum, previous_weight = state
        step = -lr * (grad + wd * weight
                      + self.lamda * grad * grad * (weight - previous_weight))
        if momentum is not None:
            momentum[:] *= self.momentum
            momentum[:] += step
            step = momentum
        previous_weight[:] = weight
        weight[:] += step


@register
class ccSGD(SGD):  # noqa: N801  (MXNet's name)
    """Deprecated in MXNet: the same as ``SGD``, kept so old code still runs."""


@register
class Test(Optimizer):
    """The toy optimizer of MXNet's tests: ``w = w + rescale_grad * grad`` (a step
    *up* the gradient), and the state becomes a float32 copy of the new weight.

    MXNet quirk kept: it does not count updates (``num_update`` stays put).
    """

    def create_state(self, index, weight):
        return ndarray.zeros(weight.shape, weight.context)

    def update(self, index, weight, grad, state):
        weight[:] += grad * self.rescale_grad
        state[:] = weight
