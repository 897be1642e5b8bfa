"""Layer-wise learning rates for large batches: LARS, LAMB and LBSGD.

With very large batches one global learning rate is too big for some layers and too
small for others. These optimizers scale each weight's rate by a *trust ratio*, the
norm of the weight over the norm of its step, so every layer moves by a similar
fraction of its size::

    LARS:  lr_layer = lr * eta * ||w|| / (||g|| + wd * ||w|| + eps)   then SGD
    LAMB:  step = Adam direction + wd * w;  w = w - lr * ||w|| / ||step|| * step
    LBSGD: SGD whose rate warms up (or follows LARS) over macro-batches

As in MXNet, the arithmetic is done by fused update operators (``multi_lars``,
``preloaded_multi_sgd_update``, ``lamb_update_phase1``/``phase2``, ``sgd_update``
...) called through ``mx.nd``, each writing the weight in place with ``out=``.
"""
import logging
import math
import warnings

import numpy as np

from .. import ndarray
from ..ndarray import zeros_like
from .optimizer import Optimizer, register

__all__ = ["LARS", "LAMB", "LBSGD"]


def _as_lists(index, weight, grad, state):
    """One weight or a list of them (MXNet's aggregated call) -> four lists."""
    if isinstance(index, (list, tuple)):
        return list(index), list(weight), list(grad), list(state)
    return [index], [weight], [grad], [state]


def _interleave(*columns):
    """``[w0, g0, w1, g1, ...]`` from ``[w0, w1], [g0, g1]``."""
    return [array for group in zip(*columns) for array in group]


@register
class LARS(Optimizer):
    """LARS (You et al., "Large Batch Training of Convolutional Networks"): SGD with
    momentum where each weight's rate is scaled by its trust ratio::

        lr_layer = lr * eta * ||w|| / (rescale_grad * ||g|| + wd * ||w|| + eps)

    (``lr`` alone when either norm is 0). Biases and normalization parameters
    (names ending in ``gamma``, ``beta`` or ``bias``) keep the plain rate.

    Parameters
    ----------
    momentum : float
        Momentum of the SGD step.
    lazy_update : bool
        For row_sparse gradients in MXNet; dlkit is dense, so no effect.
    eta : float
        LARS coefficient that scales the trust ratio.
    eps : float
        Added to the denominator, for tiny gradients.
    momentum_correction : bool
        Scale the momentum by ``lr_now / lr_before`` when a scheduler changes the
        rate (Goyal et al.).

    MXNet quirks kept: only names ending in ``_weight`` are decayed (not ``_gamma``),
    and with ``multi_precision`` the state is ``(momentum, float32 weight)``, the
    reverse of other optimizers.

    Example
    -------
    >>> opt = mx.optimizer.create("lars", learning_rate=0.1, momentum=0.9, eta=0.01)
    """

    def __init__(self, momentum=0.0, lazy_update=True, eta=0.001, eps=0,
                 momentum_correction=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.momentum_correction = momentum_correction
        self.lazy_update = lazy_update
        self.eta = eta
        self.eps = eps
        self.last_lr = None
        self.cur_lr = None

    def set_wd_mult(self, args_wd_mult):
        self.wd_mult = {name: 0.0 for name in self.idx2name.values()
                        if not name.endswith("_weight")}
        self.wd_mult.update(self._mult_from_sym("__wd_mult__"))
        self.wd_mult.update(args_wd_mult)

    def _get_lrs(self, indices):
        """The rates of ``indices``; also remembers the previous global rate, for
        the momentum correction."""
        lr = self.learning_rate
        self.last_lr = lr if self.cur_lr is None else self.cur_lr
        self.cur_lr = lr
        return [self._get_lr(index) for index in indices]

    def create_state(self, index, weight):
        return zeros_like(weight) if self.momentum != 0.0 else None

    def create_state_multi_precision(self, index, weight):
        if self.multi_precision and weight.dtype == np.float16:
            master = weight.astype(np.float32)
            return (self.create_state(index, master), master)
        if weight.dtype == np.float16:
            warnings.warn("Accumulating with float16 in optimizer can lead to poor "
                          "accuracy or slow convergence. Consider using "
                          "multi_precision=True option of the SGD optimizer")
        return self.create_state(index, weight)

    def update(self, index, weight, grad, state):
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index, weight, grad, state):
        first = weight[0] if isinstance(weight, (list, tuple)) else weight
        use_master = self.multi_precision and first.dtype == np.float16
        self._update_impl(index, weight, grad, state, multi_precision=use_master)

    def _skips_lars(self, index):
        name = self.idx2name.get(index, str(index))
        return name.endswith(("gamma", "beta", "bias"))

    def _update_impl(self, index, weight, grad, state, multi_precision):
        # 1. rates: global rate times multipliers, then the trust ratio (multi_lars)
        #    for every weight that is not a bias or normalization parameter
        indices, weights, grads, states = _as_lists(index, weight, grad, state)
        self._update_count(indices)
        lrs = self._get_lrs(indices)
        wds = self._get_wds(indices)
        ctx = weights[0].context
        lars = [i for i, index in enumerate(indices) if not self._skips_lars(index)]
        order = lars + [i for i in range(len(indices)) if i not in lars]
        new_lrs = ndarray.array([lrs[i] for i in order], ctx=ctx, dtype="float32")
        new_wds = ndarray.array([wds[i] for i in order], ctx=ctx, dtype="float32")
        weights = [weights[i] for i in order]
        grads = [grads[i] for i in order]
        states = [states[i] for i in order]
        if lars:
            count = len(lars)
            weight_sums = ndarray.multi_sum_sq(*weights[:count], num_arrays=count)
            grad_sums = ndarray.multi_sum_sq(*grads[:count], num_arrays=count)
            new_lrs[:count] = ndarray.multi_lars(
                new_lrs[:count], weight_sums, grad_sums, new_wds[:count], eta=self.eta,
                eps=self.eps, rescale_grad=self.rescale_grad)
        # 2. one SGD step for all weights, with the rates as arrays
        kwargs = {"rescale_grad": self.rescale_grad, "num_weights": len(weights)}
        if self.momentum > 0:
            momentum = self.momentum
            if self.momentum_correction and self.last_lr != 0:
                momentum = self.momentum * (self.cur_lr / self.last_lr)
            kwargs["momentum"] = momentum
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        columns = [weights, grads]
        if multi_precision:   # states are (momentum or None, float32 weight)
            moms, masters = zip(*states)
            columns += [moms, masters] if self.momentum > 0 else [masters]
        elif self.momentum > 0:
            columns.append(states)
        name = "preloaded_multi_" + ("mp_" if multi_precision else "") + "sgd_"
        name += "mom_update" if self.momentum > 0 else "update"
        update = getattr(ndarray, name)
        update(*_interleave(*columns), new_lrs, new_wds, out=weights, **kwargs)


@register
class LAMB(Optimizer):
    """LAMB (You et al., "Large Batch Optimization for Deep Learning"): the Adam
    direction plus weight decay, scaled by the trust ratio ``||w|| / ||step||``.

    Phase 1 (``lamb_update_phase1``) updates the moments and returns the step ``g``;
    phase 2 (``lamb_update_phase2``) applies ``w = w - lr * r1 / r2 * g`` with
    ``r1 = ||w||`` (clipped into ``[lower_bound, upper_bound]``) and ``r2 = ||g||``.

    Parameters
    ----------
    learning_rate : float
        Default 0.001.
    beta1, beta2 : float
        Decay of the first and second moment estimates.
    epsilon : float
        Added to the root of the second moment.
    lower_bound, upper_bound : float or None
        Bounds of ``||w||`` in the trust ratio (None: unbounded).
    bias_correction : bool
        Divide the moments by ``1 - beta^t`` as Adam does.

    Differs from MXNet: a list of indices (MXNet's aggregated call, which runs
    ``multi_lamb_update``) is updated one weight at a time with the two phases.

    Example
    -------
    >>> opt = mx.optimizer.create("lamb", learning_rate=0.01, wd=0.01)
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-6,
                 lower_bound=None, upper_bound=None, bias_correction=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.bias_correction = bias_correction

    def create_state(self, index, weight):
        return (zeros_like(weight), zeros_like(weight))  # (mean, var)

    def update(self, index, weight, grad, state):
        for one in zip(*_as_lists(index, weight, grad, state)):
            self._update_one(*one, multi_precision=False)

    def update_multi_precision(self, index, weight, grad, state):
        for one in zip(*_as_lists(index, weight, grad, state)):
            use_master = self.multi_precision and one[1].dtype == np.float16
            self._update_one(*one, multi_precision=use_master)

    def _update_one(self, index, weight, grad, state, multi_precision):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        phase1 = {"beta1": self.beta1, "beta2": self.beta2, "epsilon": self.epsilon,
                  "bias_correction": self.bias_correction,
                  "rescale_grad": self.rescale_grad,
                  "t": self._index_update_count[index], "wd": wd}
        if self.clip_gradient:
            phase1["clip_gradient"] = self.clip_gradient
        phase2 = {"lr": lr}
        # MXNet quirk kept: a bound of 0 counts as no bound
        if self.lower_bound:
            phase2["lower_bound"] = self.lower_bound
        if self.upper_bound:
            phase2["upper_bound"] = self.upper_bound
        if multi_precision:   # state is (float32 weight, (mean, var))
            master, (mean, var) = state
            g = ndarray.mp_lamb_update_phase1(weight, grad, mean, var, master,
                                              **phase1)
            ndarray.mp_lamb_update_phase2(weight, g, master.norm(), g.norm(), master,
                                          out=weight, **phase2)
            return
        mean, var = state
        g = ndarray.lamb_update_phase1(weight, grad, mean, var, **phase1)
        ndarray.lamb_update_phase2(weight, g, weight.norm(), g.norm(), out=weight,
                                   **phase2)


@register
class LBSGD(Optimizer):
    """Large-batch SGD: gradients are summed over ``batch_scale`` calls (a
    macro-batch), then one SGD step is taken with a rate multiplied by a warm-up
    factor that grows from 1 to ``batch_scale`` over ``warmup_epochs``.

    ``warmup_strategy`` picks the factor at update ``n`` of ``N = warmup_epochs *
    updates_per_epoch``: ``'linear'`` ``1 + (batch_scale - 1) n / N``, ``'power2'``
    ``1 + (batch_scale - 1) (n / N)^2``, ``'sqrt'`` ``1 + (batch_scale - 1)
    sqrt(n / N)``, or ``'lars'`` a trust ratio ``sqrt(|w|^2 / (|g|^2 + wd |w|^2))``
    clipped into [0.01, 100]. Between macro-batch ends the weight is passed through
    ``sgd_update`` with ``lr=0``, as MXNet does.

    Parameters
    ----------
    momentum : float
        Momentum of the SGD step.
    multi_precision : bool
        Keep a float32 copy of float16 weights.
    warmup_strategy : str
        'linear', 'power2', 'sqrt' or 'lars'.
    warmup_epochs, updates_per_epoch : int
        Length of the warm-up, in epochs and updates per epoch.
    batch_scale : int
        Number of calls summed into one macro-batch (and the final rate factor).
    begin_epoch : int
        Epoch to start from; update counts start at ``begin_epoch *
        updates_per_epoch``.
    num_epochs : int
        Stored only, as in MXNet.

    MXNet quirk kept: the rate is read before the update is counted, so a
    scheduler sees the previous step number. Differs from MXNet: the first
    gradient of a run is copied; MXNet keeps the caller's array itself, so a
    gradient buffer that is refilled before the macro-batch ends is counted twice.
    Optimizer states saved with ``dump_optimizer`` (no pickle in dlkit) leave out
    the partial macro-batch sums.
    """

    def __init__(self, momentum=0.0, multi_precision=False, warmup_strategy="linear",
                 warmup_epochs=5, batch_scale=1, updates_per_epoch=32, begin_epoch=0,
                 num_epochs=60, **kwargs):
        super().__init__(**kwargs)
        logging.info("Running Large-Batch SGD Algorithm")
        logging.info("(Batch_scale=%f, warmup_epochs=%d, warmup_strategy=%s, "
                     "updates_per_epoch=%d)", batch_scale, warmup_epochs,
                     warmup_strategy, updates_per_epoch)
        self.momentum = momentum
        self.multi_precision = multi_precision
        self.warmup_strategy = warmup_strategy
        self.warmup_epochs = warmup_epochs
        self.batch_scale = batch_scale
        self.updates_per_epoch = updates_per_epoch
        self.init_updates = begin_epoch * updates_per_epoch
        self.num_epochs = num_epochs
        self.lbmult = 1
        self.cumgrads = {}
        self.adaptive = False
        self.admult = 1

    def create_state(self, index, weight):
        if self.multi_precision and weight.dtype == np.float16:
            master = weight.astype(np.float32)
            momentum = zeros_like(master) if self.momentum != 0.0 else None
            return (momentum, master)
        if weight.dtype == np.float16 and not self.multi_precision:
            warnings.warn("Accumulating with float16 in optimizer can lead to poor "
                          "accuracy or slow convergence. Consider using "
                          "multi_precision=True option of the SGD optimizer")
        return zeros_like(weight) if self.momentum != 0.0 else None

    def _get_lbmult(self, count):
        """The warm-up factor after ``count`` updates (see the class docstring)."""
        warmup = self.warmup_epochs * self.updates_per_epoch
        final = float(self.batch_scale)
        if count >= warmup:
            return final
        if warmup <= 1:
            return 1.0
        if self.warmup_strategy == "linear":
            return 1.0 + (final - 1) * count / warmup
        if self.warmup_strategy == "power2":
            return 1.0 + (final - 1) * (count * count) / (warmup * warmup)
        if self.warmup_strategy == "sqrt":
            return 1.0 + (final - 1) * math.sqrt(float(count) / warmup)
        return 1.0

    def _get_lars(self, weight, grad, wd):
        """Trust ratio from squared norms, clipped into [0.01, 100]."""
        weight2 = float((weight * weight).asnumpy().sum())
        grad2 = float((grad * grad).asnumpy().sum())
        lars = math.sqrt(weight2 / (grad2 + wd * weight2 + 1e-18))
        return min(max(lars, 0.01), 100)

    def _cumulate_gradient(self, grad, index):
        """Add ``grad`` to this index's macro-batch sum; return ``(sum, count)``."""
        if not hasattr(self, "cumgrads"):
            # Updater.get_states saves plain settings only, so a restored LBSGD
            # has no sums of arrays: it starts new macro-batches
            self.cumgrads = {}
        summed = self.cumgrads.get(index)
        if summed and summed["num_cums"] > 0:
            summed = {"cum_grad": summed["cum_grad"] + grad,
                      "num_cums": summed["num_cums"] + 1}
        else:
            summed = {"cum_grad": grad.copy(), "num_cums": self.init_updates + 1}
        self.cumgrads[index] = summed
        return summed

    def update(self, index, weight, grad, state):
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        self._update_count(index)
        summed = self._cumulate_gradient(grad, index)
        if summed["num_cums"] % self.batch_scale != 0:
            ndarray.sgd_update(weight, grad, out=weight, lr=0.0, wd=wd)
            return
        grad = summed["cum_grad"] / self.batch_scale
        if self.warmup_strategy == "lars":
            lr *= self._get_lars(weight, grad, wd)
        else:
            lr *= self._get_lbmult(summed["num_cums"])
        kwargs = {"rescale_grad": self.rescale_grad, "lr": lr, "wd": wd}
        if self.momentum > 0:
            kwargs["momentum"] = self.momentum
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        if isinstance(state, (list, tuple)):   # (momentum or None, float32 weight)
            momentum, master = state
            if momentum is not None:
                ndarray.mp_sgd_mom_update(weight, grad, momentum, master, out=weight,
                                          **kwargs)
            else:
                ndarray.mp_sgd_update(weight, grad, master, out=weight, **kwargs)
        elif state is not None:
            ndarray.sgd_mom_update(weight, grad, state, out=weight, **kwargs)
        else:
            ndarray.sgd_update(weight, grad, out=weight, **kwargs)
        summed["cum_grad"] = 0   # the macro-batch is over
