"""Optimizers with per-coordinate step sizes: AdaGrad, RMSProp, AdaDelta, Adam, Adamax,
Nadam, Ftrl and FTML.

Each keeps running statistics of the gradient in its state and divides by (a function
of) them, so coordinates with large gradients take smaller steps. ``update`` writes the
arrays inside the NDArrays in place, as MXNet's fused update operators do.
"""
import math

from .. import ndarray
from ..ndarray import zeros_like
from .optimizer import Optimizer, register

__all__ = ["AdaGrad", "RMSProp", "AdaDelta", "Adam", "Adamax", "Nadam", "Ftrl", "FTML"]


def _zeros(weight, count):
    return tuple(zeros_like(weight) for _ in range(count))


@register
class AdaGrad(Optimizer):
    """AdaGrad: divide by the root of the sum of all past squared gradients.

    Parameters
    ----------
    eps : float
        Added inside the square root, to avoid dividing by zero.
    """

    def __init__(self, eps=1e-7, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        return zeros_like(weight)

    def update(self, index, weight, grad, state):
        # g = clip(rescale_grad * grad);  h = h + g^2
        # w = w - lr * (g / sqrt(h + eps) + wd * w)
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        xp = weight.context.xp
        w, h = weight._data, state._data
        g = self._clip(xp, self.rescale_grad * grad._data)
        h[...] = h + g * g
        w[...] = w - lr * (g / xp.sqrt(h + self.float_stable_eps) + wd * w)


@register
class RMSProp(Optimizer):
    """RMSProp (Tieleman & Hinton), or Graves' centered version with ``centered=True``.

    Parameters
    ----------
    learning_rate : float
        Step size (default 0.001).
    gamma1 : float
        Decay of the running mean of squared gradients.
    gamma2 : float
        Momentum factor (centered version only).
    epsilon : float
        Added to the denominator.
    centered : bool
        Also track the mean gradient and divide by the estimated standard deviation.
    clip_weights : float or None
        Clip the weights into ``[-clip_weights, clip_weights]`` after each step.
    """

    def __init__(self, learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8,
                 centered=False, clip_weights=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1 = gamma1
        self.gamma2 = gamma2
        self.centered = centered
        self.epsilon = epsilon
        self.clip_weights = clip_weights

    def create_state(self, index, weight):
        # (n,) or, centered, (n, mean gradient, delta)
        return _zeros(weight, 3) if self.centered else _zeros(weight, 1)

    def update(self, index, weight, grad, state):
        # g = clip(rescale_grad * grad + wd * w);  n = (1 - gamma1) * g^2 + gamma1 * n
        # plain:     w = w - lr * g / sqrt(n + epsilon)
        # centered:  mg = (1 - gamma1) * g + gamma1 * mg
        #            delta = gamma2 * delta - lr * g / sqrt(n - mg^2 + epsilon)
        #            w = w + delta
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        xp = weight.context.xp
        w = weight._data
        g = self._clip(xp, self.rescale_grad * grad._data + wd * w)
        n = state[0]._data
        n[...] = (1 - self.gamma1) * g * g + self.gamma1 * n
        if not self.centered:
            w[...] = w - lr * g / xp.sqrt(n + self.epsilon)
        else:
            mean_grad, delta = state[1]._data, state[2]._data
            mean_grad[...] = (1 - self.gamma1) * g + self.gamma1 * mean_grad
            root = xp.sqrt(n - mean_grad * mean_grad + self.epsilon)
            delta[...] = self.gamma2 * delta - lr * g / root
            w[...] = w + delta
        if self.clip_weights:
            w[...] = xp.clip(w, -self.clip_weights, self.clip_weights)


@register
class AdaDelta(Optimizer):
    """AdaDelta: steps sized by the ratio of past update and gradient magnitudes.

    MXNet quirk kept: the learning rate is not used.

    Parameters
    ----------
    rho : float
        Decay of both running averages.
    epsilon : float
        Added inside both square roots.
    """

    def __init__(self, rho=0.90, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def create_state(self, index, weight):
        return _zeros(weight, 2)  # (running mean of g^2, running mean of delta^2)

    def update(self, index, weight, grad, state):
        # g = clip(rescale_grad * grad);  acc_g = rho * acc_g + (1 - rho) * g^2
        # delta = sqrt(acc_delta + eps) / sqrt(acc_g + eps) * g
        # acc_delta = rho * acc_delta + (1 - rho) * delta^2;  w = w - (delta + wd * w)
        self._update_count(index)
        wd = self._get_wd(index)
        xp = weight.context.xp
        w = weight._data
        acc_g, acc_delta = state[0]._data, state[1]._data
        g = self._clip(xp, self.rescale_grad * grad._data)
        acc_g[...] = self.rho * acc_g + (1 - self.rho) * g * g
        delta = xp.sqrt(acc_delta + self.epsilon) / xp.sqrt(acc_g + self.epsilon) * g
        acc_delta[...] = self.rho * acc_delta + (1 - self.rho) * delta * delta
        w[...] = w - (delta + wd * w)


@register
class Adam(Optimizer):
    """Adam: momentum on the gradient, divided by the root of its running square.

    Parameters
    ----------
    learning_rate : float
        Step size (default 0.001).
    beta1, beta2 : float
        Decay of the first and second moment estimates.
    epsilon : float
        Added to the denominator.
    lazy_update : bool
        Only matters for row_sparse gradients; dlkit is dense, so no effect.
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 lazy_update=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        return _zeros(weight, 2)  # (mean, variance)

    def update(self, index, weight, grad, state):
        # t = step count;  lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)  (bias
        # correction of the zero-initialised moments)
        # g = clip(rescale_grad * grad + wd * w)
        # m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g^2
        # w = w - lr_t * m / (sqrt(v) + epsilon)
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        lr *= math.sqrt(1.0 - self.beta2 ** t) / (1.0 - self.beta1 ** t)
        xp = weight.context.xp
        w, m, v = weight._data, state[0]._data, state[1]._data
        g = self._clip(xp, self.rescale_grad * grad._data + wd * w)
        m[...] = self.beta1 * m + (1 - self.beta1) * g
        v[...] = self.beta2 * v + (1 - self.beta2) * g * g
        w[...] = w - lr * m / (xp.sqrt(v) + self.epsilon)


@register
class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm in place of the second moment.

    Parameters
    ----------
    learning_rate : float
        Step size (default 0.002).
    beta1, beta2 : float
        Decay of the first moment and of the infinity norm.
    """

    def __init__(self, learning_rate=0.002, beta1=0.9, beta2=0.999, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2

    def create_state(self, index, weight):
        return _zeros(weight, 2)  # (mean, infinity norm)

    def update(self, index, weight, grad, state):
        # g = clip(rescale_grad * grad + wd * w);  lr_t = lr / (1 - beta1^t)
        # m = beta1 * m + (1 - beta1) * g;  u = max(beta2 * u, |g|)
        # w = w - lr_t * m / u
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        lr /= 1.0 - self.beta1 ** t
        xp = weight.context.xp
        w, m, u = weight._data, state[0]._data, state[1]._data
        g = self._clip(xp, self.rescale_grad * grad._data + wd * w)
        m[...] = self.beta1 * m + (1 - self.beta1) * g
        u[...] = xp.maximum(self.beta2 * u, xp.abs(g))
        w[...] = w - lr * m / u


@register
class Nadam(Optimizer):
    """Nadam: Adam with Nesterov momentum and a warming-up momentum schedule.

    MXNet quirk kept: the schedule product ``m_schedule`` lives on the optimizer and is
    shared by all weights, so it advances once per weight update.

    Parameters
    ----------
    learning_rate : float
        Step size (default 0.001).
    beta1, beta2 : float
        Decay of the first and second moment estimates.
    epsilon : float
        Added to the denominator.
    schedule_decay : float
        How fast the momentum schedule warms up.
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 schedule_decay=0.004, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.0

    def create_state(self, index, weight):
        return _zeros(weight, 2)  # (mean, variance)

    def update(self, index, weight, grad, state):
        # mu_t = beta1 * (1 - 0.5 * 0.96^(t * schedule_decay))
        # prod_t = mu_1 * ... * mu_t
        # m, v as in Adam;  g' = g / (1 - prod_t);  m' = m / (1 - prod_t * mu_{t+1})
        # v' = v / (1 - beta2^t)
        # w = w - lr * ((1 - mu_t) g' + mu_{t+1} m') / (sqrt(v') + eps)
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        xp = weight.context.xp
        w, m, v = weight._data, state[0]._data, state[1]._data
        g = self._clip(xp, self.rescale_grad * grad._data + wd * w)
        momentum_t = self.beta1 * (1.0 - 0.5 * 0.96 ** (t * self.schedule_decay))
        decay = self.schedule_decay
        momentum_next = self.beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * decay))
        self.m_schedule = self.m_schedule * momentum_t
        m_schedule_next = self.m_schedule * momentum_next
        m[...] = self.beta1 * m + (1.0 - self.beta1) * g
        v[...] = self.beta2 * v + (1.0 - self.beta2) * g * g
        g_prime = g / (1.0 - self.m_schedule)
        m_prime = m / (1.0 - m_schedule_next)
        v_prime = v / (1.0 - self.beta2 ** t)
        m_bar = (1.0 - momentum_t) * g_prime + momentum_next * m_prime
        w[...] = w - lr * m_bar / (xp.sqrt(v_prime) + self.epsilon)


@register
class Ftrl(Optimizer):
    """FTRL-proximal (McMahan et al.), with L1 (``lamda1``) and L2 (``wd``) terms.

    Parameters
    ----------
    lamda1 : float
        L1 strength; coordinates with ``|z| <= lamda1`` become exactly 0 (MXNet spells
        it ``lamda``).
    learning_rate : float
        Default 0.1.
    beta : float
        Per-coordinate learning rate correlation parameter.
    """

    def __init__(self, lamda1=0.01, learning_rate=0.1, beta=1, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.lamda1 = lamda1
        self.beta = beta

    def create_state(self, index, weight):
        return _zeros(weight, 2)  # (z, n)

    def update(self, index, weight, grad, state):
        # g = clip(rescale_grad * grad)
        # z += g - (sqrt(n + g^2) - sqrt(n)) * w / lr;  n += g^2
        # w = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / lr + wd) * (|z| > lamda1)
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        xp = weight.context.xp
        w, z, n = weight._data, state[0]._data, state[1]._data
        g = self._clip(xp, self.rescale_grad * grad._data)
        z[...] = z + g - (xp.sqrt(n + g * g) - xp.sqrt(n)) * w / lr
        n[...] = n + g * g
        active = xp.abs(z) > self.lamda1
        denominator = (self.beta + xp.sqrt(n)) / lr + wd
        w[...] = (xp.sign(z) * self.lamda1 - z) / denominator * active


@register
class FTML(Optimizer):
    """FTML, Follow the Moving Leader (Zheng & Kwok, 2017): Adam-like moments with a
    step that stays close to the previous weights.

    The rule is the fused operator ``ftml_update`` (see its docstring), called as
    ``mx.nd.ftml_update(..., out=weight)``, as MXNet's FTML does.

    Parameters
    ----------
    beta1 : float
        Decay of the accumulated ``z`` (0 < beta1 < 1, usually near 0.5).
    beta2 : float
        Decay of the second moment ``v`` (near 1).
    epsilon : float
        Added to the root of ``v``, to avoid dividing by zero.

    Example
    -------
    >>> opt = mx.optimizer.create("ftml", learning_rate=0.01)
    """

    def __init__(self, beta1=0.6, beta2=0.999, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def create_state(self, index, weight):
        return _zeros(weight, 3)  # (d, v, z), as ftml_update names them

    def update(self, index, weight, grad, state):
        self._update_count(index)
        kwargs = {"beta1": self.beta1, "beta2": self.beta2, "epsilon": self.epsilon,
                  "rescale_grad": self.rescale_grad,
                  "t": self._index_update_count[index]}
        # MXNet quirk kept: clip_gradient=0 means no clipping here (the op itself
        # would clip every gradient to 0)
        if self.clip_gradient:
            kwargs["clip_grad"] = self.clip_gradient
        d, v, z = state
        ndarray.ftml_update(weight, grad, d, v, z, out=weight,
                            lr=self._get_lr(index), wd=self._get_wd(index), **kwargs)
