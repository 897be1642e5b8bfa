"""Momentum-style optimizers: SGD, NAG (Nesterov) and Signum.

Each ``update`` writes ``weight`` in place, working on the arrays inside the NDArrays
(``weight._data``), as MXNet's fused ``sgd_update``/``sgd_mom_update`` operators do.
"""
import math

from ..ndarray import zeros_like
from .optimizer import Optimizer, register

__all__ = ["SGD", "NAG", "Signum"]


@register
class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and weight decay.

    Parameters
    ----------
    momentum : float
        Fraction of the previous step kept in the next one (0 = plain SGD).
    lazy_update : bool
        MXNet applies lazy updates to row_sparse gradients; dlkit arrays are always
        dense, so this is accepted and has no effect.

    Example
    -------
    >>> opt = mx.optimizer.SGD(learning_rate=0.1, momentum=0.9)
    """

    def __init__(self, momentum=0.0, lazy_update=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        return zeros_like(weight) if self.momentum != 0.0 else None

    def update(self, index, weight, grad, state):
        # g = clip(rescale_grad * grad)
        # without momentum:  w = w - lr * (g + wd * w)
        # with momentum:     m = momentum * m - lr * (g + wd * w);  w = w + m
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        xp = weight.context.xp
        w = weight._data
        if not wd and self.clip_gradient is None and _is_power_of_two(self.rescale_grad):
            # rescale_grad = 1 / batch_size is often a power of two, and multiplying by
            # one is exact: lr * (rescale_grad * g) == (lr * rescale_grad) * g bit for
            # bit (outside the subnormal range), so one pass over g does both
            step = grad._data * (lr * self.rescale_grad)
        else:
            # the same float32 operations in the same order as the formulas above,
            # in place on one fresh array: no weight-sized temporaries per step
            step = self._clip(xp, self.rescale_grad * grad._data)
            if wd:
                step += wd * w
            step *= lr
        if state is None:
            w -= step
            return
        m = state._data
        m *= self.momentum
        m -= step
        w += m


def _is_power_of_two(value):
    """Whether ``value`` is ``2 ** k`` for some integer ``k`` (1/128 is, 0.1 is not)."""
    return value > 0 and math.frexp(value)[0] == 0.5


@register
class NAG(Optimizer):
    """Nesterov accelerated gradient: SGD that looks one momentum step ahead.

    Parameters
    ----------
    momentum : float
        The momentum value (0 gives plain SGD).
    """

    def __init__(self, momentum=0.0, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum

    def create_state(self, index, weight):
        return zeros_like(weight) if self.momentum != 0.0 else None

    def update(self, index, weight, grad, state):
        # g = clip(rescale_grad * grad);  step = g + wd * w
        # without momentum:  w = w - lr * step
        # with momentum (m holds -lr times the velocity, as in MXNet):
        #     w = w + momentum * (momentum * m - lr * step) - lr * step
        #     m = momentum * m - lr * (g + wd * w_new)
        # MXNet quirk kept: the decay term of the new momentum uses the weight that was
        # just updated (its fused kernel writes the weight first).
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        xp = weight.context.xp
        w = weight._data
        g = self._clip(xp, self.rescale_grad * grad._data)
        step = g + wd * w
        if state is None:
            w[...] = w - lr * step
            return
        m = state._data
        w[...] = w + self.momentum * (self.momentum * m - lr * step) - lr * step
        m[...] = self.momentum * m - lr * (g + wd * w)


@register
class Signum(Optimizer):
    """signSGD / Signum: step by the sign of the gradient (or of its momentum).

    Parameters
    ----------
    learning_rate : float
        Step size (default 0.01).
    momentum : float
        Momentum of the averaged gradient; 0 gives signSGD.
    wd_lh : float
        Decoupled weight decay: ``w *= 1 - lr * wd_lh`` every step.
    """

    def __init__(self, learning_rate=0.01, momentum=0.9, wd_lh=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.wd_lh = wd_lh

    def create_state(self, index, weight):
        return zeros_like(weight) if self.momentum != 0.0 else None

    def update(self, index, weight, grad, state):
        # g = clip(rescale_grad * grad)
        # signSGD: w = (1 - lr * wd) * w - lr * sign(g)
        # Signum:  m = momentum * m - (1 - momentum) * (g + wd * w)
        #          w = (1 - lr * wd_lh) * w + lr * sign(m)
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        xp = weight.context.xp
        w = weight._data
        g = self._clip(xp, self.rescale_grad * grad._data)
        if state is None:
            w[...] = (1 - lr * wd) * w - lr * xp.sign(g)
            return
        g = g + wd * w
        m = state._data
        m[...] = self.momentum * m - (1 - self.momentum) * g
        w[...] = (1 - lr * self.wd_lh) * w + lr * xp.sign(m)
