"""``mx.lr_scheduler``: the learning rate as a function of the update count.

An optimizer with a scheduler asks ``scheduler(num_update)`` for its rate before each
step. Every scheduler can start with a warm-up of ``warmup_steps`` updates that rises
linearly from ``warmup_begin_lr`` to ``base_lr`` (``warmup_mode='linear'``) or stays at
``warmup_begin_lr`` (``'constant'``)::

    lr
    base_lr |      /‾‾‾‾‾‾‾‾‾‾|____            FactorScheduler(step, factor)
            |     /                |_____
            |    /                       |___
            |___/________________________________ num_update
              warmup

MXNet quirk kept: ``FactorScheduler`` and ``MultiFactorScheduler`` are stateful. They
lower ``base_lr`` as time passes and never raise it again, so ask them for increasing
``num_update`` only (as an optimizer does).
"""
import logging
import math

__all__ = ["LRScheduler", "FactorScheduler", "MultiFactorScheduler", "PolyScheduler",
           "CosineScheduler"]


class LRScheduler:
    """Base class: holds ``base_lr`` and computes the warm-up rate.

    Parameters
    ----------
    base_lr : float
        The rate after warm-up (an optimizer's ``learning_rate`` overrides it).
    warmup_steps : int
        Number of warm-up updates.
    warmup_begin_lr : float
        The rate at update 0.
    warmup_mode : str
        ``'linear'`` (rise to ``base_lr``) or ``'constant'``.
    """

    def __init__(self, base_lr=0.01, warmup_steps=0, warmup_begin_lr=0,
                 warmup_mode="linear"):
        self.base_lr = base_lr
        if not isinstance(warmup_steps, int):
            raise ValueError(f"warmup_steps must be an int, got {warmup_steps!r}")
        if warmup_steps < 0:
            raise ValueError(f"warmup_steps must be >= 0, got {warmup_steps}")
        if warmup_begin_lr > base_lr:
            raise ValueError(f"Base lr {base_lr} has to be higher than warmup_begin_lr "
                             f"{warmup_begin_lr}")
        if warmup_mode not in ("linear", "constant"):
            raise ValueError(f"Supports only linear and constant modes of warmup, got "
                             f"{warmup_mode!r}")
        self.warmup_steps = warmup_steps
        self.warmup_begin_lr = warmup_begin_lr
        self.warmup_final_lr = base_lr
        self.warmup_mode = warmup_mode

    def get_warmup_lr(self, num_update):
        """The rate during warm-up (``num_update < warmup_steps``)."""
        assert num_update < self.warmup_steps
        if self.warmup_mode == "constant":
            return self.warmup_begin_lr
        increase = (self.warmup_final_lr - self.warmup_begin_lr) * num_update
        return self.warmup_begin_lr + increase / self.warmup_steps

    def __call__(self, num_update):
        """The learning rate for update number ``num_update``."""
        raise NotImplementedError("must override this")


class FactorScheduler(LRScheduler):
    """Multiply the rate by ``factor`` every ``step`` updates, down to
    ``stop_factor_lr``.

    The rate changes after update ``step``, ``2*step`` ... counted from 0 (warm-up
    included).

    Example
    -------
    >>> sched = mx.lr_scheduler.FactorScheduler(step=100, factor=0.5, base_lr=0.1)
    """

    def __init__(self, step, factor=1, stop_factor_lr=1e-8, base_lr=0.01,
                 warmup_steps=0, warmup_begin_lr=0, warmup_mode="linear"):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if step < 1:
            raise ValueError("Schedule step must be greater or equal than 1 round")
        if factor > 1.0:
            raise ValueError("Factor must be no more than 1 to make lr reduce")
        self.step = step
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr
        self.count = 0

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        # Catch up on every step boundary passed since the last call.
        while num_update > self.count + self.step:
            self.count += self.step
            self.base_lr *= self.factor
            if self.base_lr < self.stop_factor_lr:
                self.base_lr = self.stop_factor_lr
                logging.info("Update[%d]: now learning rate arrived at %0.5e, will not "
                             "change in the future", num_update, self.base_lr)
            else:
                logging.info("Update[%d]: Change learning rate to %0.5e",
                             num_update, self.base_lr)
        return self.base_lr


class MultiFactorScheduler(LRScheduler):
    """Multiply the rate by ``factor`` after each update count listed in ``step``.

    Example
    -------
    >>> sched = mx.lr_scheduler.MultiFactorScheduler(step=[30, 60], factor=0.1)
    """

    def __init__(self, step, factor=1, base_lr=0.01, warmup_steps=0, warmup_begin_lr=0,
                 warmup_mode="linear"):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if not isinstance(step, list) or len(step) < 1:
            raise ValueError(f"step must be a non-empty list of ints, got {step!r}")
        for index, value in enumerate(step):
            if index != 0 and step[index] <= step[index - 1]:
                raise ValueError("Schedule step must be an increasing integer list")
            if value < 1:
                raise ValueError("Schedule step must be greater or equal than 1 round")
        if factor > 1.0:
            raise ValueError("Factor must be no more than 1 to make lr reduce")
        self.step = step
        self.cur_step_ind = 0
        self.factor = factor
        self.count = 0

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        while self.cur_step_ind < len(self.step):
            if num_update <= self.step[self.cur_step_ind]:
                break
            self.count = self.step[self.cur_step_ind]
            self.cur_step_ind += 1
            self.base_lr *= self.factor
            logging.info("Update[%d]: Change learning rate to %0.5e",
                         num_update, self.base_lr)
        return self.base_lr


class PolyScheduler(LRScheduler):
    """Polynomial decay from ``base_lr`` to ``final_lr`` at ``max_update``.

    ``lr = final_lr + (base_lr - final_lr) * (1 - t / T) ** pwr``, where ``t`` counts
    updates after warm-up and ``T = max_update - warmup_steps``.
    """

    def __init__(self, max_update, base_lr=0.01, pwr=2, final_lr=0, warmup_steps=0,
                 warmup_begin_lr=0, warmup_mode="linear"):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if not isinstance(max_update, int) or max_update < 1:
            raise ValueError("maximum number of updates must be strictly positive")
        self.power = pwr
        self.base_lr_orig = self.base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.max_steps = self.max_update - self.warmup_steps

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        if num_update <= self.max_update:
            done = float(num_update - self.warmup_steps) / float(self.max_steps)
            remaining = 1 - done
            self.base_lr = (self.final_lr + (self.base_lr_orig - self.final_lr)
                            * pow(remaining, self.power))
        return self.base_lr


class CosineScheduler(LRScheduler):
    """Half-cosine decay from ``base_lr`` to ``final_lr`` at ``max_update``.

    ``lr = final_lr + (base_lr - final_lr) * (1 + cos(pi * t / T)) / 2``, with ``t`` and
    ``T`` as in ``PolyScheduler``.
    """

    def __init__(self, max_update, base_lr=0.01, final_lr=0, warmup_steps=0,
                 warmup_begin_lr=0, warmup_mode="linear"):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if not isinstance(max_update, int) or max_update < 1:
            raise ValueError("maximum number of updates must be strictly positive")
        self.base_lr_orig = base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.max_steps = self.max_update - self.warmup_steps

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        if num_update <= self.max_update:
            progress = math.pi * (num_update - self.warmup_steps) / self.max_steps
            self.base_lr = (self.final_lr + (self.base_lr_orig - self.final_lr)
                            * (1 + math.cos(progress)) / 2)
        return self.base_lr
