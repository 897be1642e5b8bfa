"""The ``Optimizer`` base class, the optimizer registry and the ``Updater``.

An optimizer turns a gradient into a change of one weight. Module, Gluon's Trainer and
the KVStore all drive it the same way::

    optimizer = mx.optimizer.create("sgd", learning_rate=0.1, momentum=0.9)
    state = optimizer.create_state(index, weight)     # once per weight: momentum, ...
    optimizer.update(index, weight, grad, state)      # every step: weight changes

``update`` first counts the step for ``index`` (``num_update`` is the largest count, the
clock of the learning-rate scheduler), then asks ``_get_lr(index)`` / ``_get_wd(index)``
for this weight's rate and decay (global value times a per-name multiplier), then
applies the rule of the subclass. Each subclass's ``update`` works directly on the
NumPy/CuPy arrays inside the NDArrays, as MXNet's fused update operators do in C++.

An ``Updater`` (``get_updater``) remembers one state per index, so a caller only says
``updater(index, grad, weight)``. That is what runs when ``update_on_kvstore`` is off.
"""
import logging
import warnings

import numpy as np

from ..base import MXNetError
from ..ndarray import NDArray
from .serialization import dumps, loads

__all__ = ["Optimizer", "register", "create", "Updater", "get_updater"]


class Optimizer:
    """Base class of every optimizer: learning rate, weight decay and their multipliers.

    Parameters
    ----------
    rescale_grad : float
        Every gradient is multiplied by this first (Module sets ``1/batch_size``).
    param_idx2name : dict of int to str
        Names of the weights by index; names decide the default weight-decay multiplier.
    wd : float
        Weight decay (L2 penalty ``wd/2 * |w|^2`` added to the loss).
    clip_gradient : float or None
        Clip the rescaled gradient into ``[-clip_gradient, clip_gradient]``.
    learning_rate : float or None
        Initial learning rate (0.01 when neither this nor ``lr_scheduler`` gives one).
    lr_scheduler : LRScheduler or None
        Gives the learning rate as a function of ``num_update``.
    sym : Symbol or None
        Its ``__lr_mult__``/``__wd_mult__`` attributes set per-argument multipliers.
    begin_num_update : int
        The step count to start from (resuming training).
    multi_precision : bool
        Keep a float32 master copy of float16 weights and update that.
    param_dict : dict of int to gluon.Parameter
        Gluon's parameters; their ``lr_mult``/``wd_mult`` take precedence.

    Example
    -------
    >>> opt = mx.optimizer.SGD(learning_rate=0.1, wd=1e-4)
    >>> opt.update(0, weight, grad, opt.create_state(0, weight))
    """
    opt_registry = {}

    def __init__(self, rescale_grad=1.0, param_idx2name=None, wd=0.0,
                 clip_gradient=None, learning_rate=None, lr_scheduler=None, sym=None,
                 begin_num_update=0, multi_precision=False, param_dict=None):
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if lr_scheduler is not None and learning_rate is not None:
            if lr_scheduler.base_lr != learning_rate:
                logging.warning("learning rate from ``lr_scheduler`` has been "
                                "overwritten by ``learning_rate`` in optimizer.")
                lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.lr_mult = {}
        self.wd_mult = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._index_update_count = {}
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        if param_idx2name is None:
            param_idx2name = {}
        if not isinstance(param_idx2name, dict):
            raise MXNetError("Optimizer: param_idx2name must be a dict mapping index "
                             "to parameter name, got "
                             f"{type(param_idx2name).__name__}")
        self.idx2name = dict(param_idx2name)
        self.sym_info = ()
        if sym is not None:
            self.sym_info = (sym.attr_dict(), sym.list_arguments())
        self.param_dict = param_dict if param_dict else {}
        self.set_lr_mult({})
        self.set_wd_mult({})

    # ---- registry ----
    @staticmethod
    def register(klass):
        """Register an optimizer class under its lower-cased class name."""
        name = klass.__name__.lower()
        if name in Optimizer.opt_registry:
            warnings.warn(f"WARNING: New optimizer {klass.__module__}.{klass.__name__} "
                          f"is overriding existing optimizer {name}")
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name, **kwargs):
        """An instance of the optimizer registered as ``name`` (case-insensitive)."""
        klass = Optimizer.opt_registry.get(name.lower())
        if klass is None:
            raise ValueError(f"Cannot find optimizer {name}; registered optimizers are "
                             f"{sorted(Optimizer.opt_registry)}")
        return klass(**kwargs)

    # ---- states ----
    def create_state(self, index, weight):
        """The auxiliary state of one weight (momentum, moments ...), or None."""
        return None

    def create_state_multi_precision(self, index, weight):
        """Like ``create_state``; for float16 weights with ``multi_precision`` the
        state is ``(float32 master copy of the weight, state of that copy)``."""
        if self.multi_precision and weight.dtype == np.float16:
            master = weight.astype(np.float32)
            return (master, self.create_state(index, master))
        if weight.dtype == np.float16 and not self.multi_precision:
            warnings.warn("Accumulating with float16 in optimizer can lead to poor "
                          "accuracy or slow convergence. Consider using "
                          "multi_precision=True option of the optimizer")
        return self.create_state(index, weight)

    def update(self, index, weight, grad, state):
        """Update ``weight`` in place from ``grad``; subclasses define the rule."""
        raise NotImplementedError()

    def update_multi_precision(self, index, weight, grad, state):
        """``update``, through the float32 master copy when there is one."""
        if self.multi_precision and weight.dtype == np.float16:
            master, inner_state = state
            self.update(index, master, grad.astype(np.float32), inner_state)
            weight._data[...] = master._data.astype(weight._data.dtype)
        else:
            self.update(index, weight, grad, state)

    # ---- learning rate ----
    @property
    def learning_rate(self):
        """The current learning rate (from the scheduler when there is one)."""
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def set_learning_rate(self, lr):
        """Set a new learning rate; an error when a scheduler owns the rate."""
        if self.lr_scheduler is not None:
            raise UserWarning("LRScheduler of the optimizer has already been defined. "
                              "Note that set_learning_rate can mutate the value of "
                              "the learning rate of the optimizer only when the "
                              "LRScheduler of the optimizer is undefined.")
        self.lr = lr

    def set_lr_mult(self, args_lr_mult):
        """Per-weight learning-rate multipliers, by name or index.

        Symbol attributes ``__lr_mult__`` come first, then ``args_lr_mult`` overrides.
        """
        self.lr_mult = self._mult_from_sym("__lr_mult__")
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        """Per-weight weight-decay multipliers, by name or index.

        MXNet quirk kept: every named weight whose name does not end in ``_weight`` or
        ``_gamma`` (biases, ``beta`` ...) gets multiplier 0, so it is never decayed.
        """
        self.wd_mult = {}
        for name in self.idx2name.values():
            if not (name.endswith("_weight") or name.endswith("_gamma")):
                self.wd_mult[name] = 0.0
        self.wd_mult.update(self._mult_from_sym("__wd_mult__"))
        self.wd_mult.update(args_wd_mult)

    def _mult_from_sym(self, key):
        multipliers = {}
        if self.sym_info:
            attrs, arg_names = self.sym_info
            for name in arg_names:
                if name in attrs and key in attrs[name]:
                    multipliers[name] = float(attrs[name][key])
        return multipliers

    def _update_count(self, index):
        """Count one more step for ``index`` (an int, str or a list of them)."""
        indices = index if isinstance(index, (list, tuple)) else [index]
        for idx in indices:
            count = self._index_update_count.get(idx, self.begin_num_update) + 1
            self._index_update_count[idx] = count
            self.num_update = max(count, self.num_update)

    def _get_lr(self, index):
        """Learning rate of weight ``index``: the global rate times its multiplier."""
        lr = self.learning_rate
        if index in self.param_dict:
            return lr * self.param_dict[index].lr_mult
        if index in self.lr_mult:
            return lr * self.lr_mult[index]
        if index in self.idx2name:
            return lr * self.lr_mult.get(self.idx2name[index], 1.0)
        return lr

    def _get_lrs(self, indices):
        """``_get_lr`` of each index in a list."""
        return [self._get_lr(index) for index in indices]

    def _get_wds(self, indices):
        """``_get_wd`` of each index in a list."""
        return [self._get_wd(index) for index in indices]

    def _get_wd(self, index):
        """Weight decay of weight ``index``: the global decay times its multiplier."""
        wd = self.wd
        if index in self.param_dict:
            return wd * self.param_dict[index].wd_mult
        if index in self.wd_mult:
            return wd * self.wd_mult[index]
        if index in self.idx2name:
            return wd * self.wd_mult.get(self.idx2name[index], 1.0)
        return wd

    # ---- helpers for the update rules ----
    def _clip(self, xp, values):
        """Clip into ``[-clip_gradient, clip_gradient]`` when clipping is on."""
        if self.clip_gradient is None:
            return values
        return xp.clip(values, -self.clip_gradient, self.clip_gradient)


register = Optimizer.register


def create(name, **kwargs):
    """Make an optimizer by registered name, case-insensitive: ``create('Adam')``."""
    return Optimizer.create_optimizer(name, **kwargs)


# ------------------------------------------------------------------------------------
# Updater and its safe state format.
# ------------------------------------------------------------------------------------
class Updater:
    """Applies an optimizer to many weights, keeping one state per index.

    Call it as ``updater(index, grad, weight)`` (note MXNet's argument order).
    ``get_states``/``set_states`` save and restore the states.

    Differs from MXNet: states are serialised as a NumPy ``.npz`` archive with a JSON
    description, never with pickle, so loading a file cannot run code. Files written by
    MXNet's ``get_states`` (pickles) cannot be read.
    """

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.states = {}
        self.states_synced = {}

    def __call__(self, index, grad, weight):
        if isinstance(index, (list, tuple)):
            for one_index, one_grad, one_weight in zip(index, grad, weight):
                self(one_index, one_grad, one_weight)
            return
        if index not in self.states:
            optimizer = self.optimizer
            self.states[index] = optimizer.create_state_multi_precision(index, weight)
            self.states_synced[index] = True
        elif not self.states_synced[index]:
            state = self.states[index]
            self.states[index] = self.sync_state_context(state, weight.context)
            self.states_synced[index] = True
        self.optimizer.update_multi_precision(index, weight, grad, self.states[index])

    def sync_state_context(self, state, context):
        """Move a (possibly nested) state onto ``context``."""
        if isinstance(state, NDArray):
            return state.as_in_context(context)
        if isinstance(state, (tuple, list)):
            return type(state)(self.sync_state_context(s, context) for s in state)
        return state

    def set_states(self, states):
        """Restore states (and the optimizer, if it was dumped) from ``get_states``."""
        loaded = loads(states, Optimizer.opt_registry)
        if "optimizer" in loaded:
            self.optimizer = loaded["optimizer"]
        self.states = loaded["states"]
        self.states_synced = dict.fromkeys(self.states, False)

    def get_states(self, dump_optimizer=False):
        """The states as bytes; with ``dump_optimizer`` the optimizer's settings too."""
        return dumps(self.states, self.optimizer if dump_optimizer else None)


def get_updater(optimizer):
    """An ``Updater`` closure over ``optimizer``: ``updater(index, grad, weight)``."""
    return Updater(optimizer)


