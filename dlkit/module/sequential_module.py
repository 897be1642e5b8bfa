"""SequentialModule: modules chained so that one's outputs are the next one's data.

::

    batch.data -> module0 -> outputs -> module1 -> ... -> moduleN -> outputs
    backward:     module0 <- input grads <- module1 <- ... <- moduleN

``add(module, take_labels=True)`` lets a module see the batch's labels (usually the
last, which holds the loss); ``auto_wiring=True`` renames the previous outputs to the
module's data names.
"""
import copy
import logging

from ..base import MXNetError
from .base_module import BaseModule, require

__all__ = ["SequentialModule"]


class SequentialModule(BaseModule):
    """A container of modules run one after another."""
    META_TAKE_LABELS = "take_labels"
    META_AUTO_WIRING = "auto_wiring"

    def __init__(self, logger=logging):
        super().__init__(logger=logger)
        self._modules = []
        self._metas = []
        self._label_shapes = None
        self._data_shapes = None

    def add(self, module, **kwargs):
        """Append ``module``; returns ``self`` so calls can be chained."""
        for key in kwargs:
            if key not in (self.META_TAKE_LABELS, self.META_AUTO_WIRING):
                raise MXNetError(f"SequentialModule.add: unknown meta {key!r}; use "
                                 f"take_labels or auto_wiring")
        self._modules.append(module)
        self._metas.append(kwargs)
        self.binded = self.params_initialized = self.optimizer_initialized = False
        return self

    @property
    def data_names(self):
        return self._modules[0].data_names if self._modules else []

    @property
    def output_names(self):
        return self._modules[-1].output_names if self._modules else []

    @property
    def data_shapes(self):
        require(self.binded, "data_shapes: call bind() first")
        return self._modules[0].data_shapes

    @property
    def label_shapes(self):
        require(self.binded, "label_shapes: call bind() first")
        return self._label_shapes

    @property
    def output_shapes(self):
        require(self.binded, "output_shapes: call bind() first")
        return self._modules[-1].output_shapes

    @property
    def symbol(self):
        return self._modules[-1].symbol if self._modules else None

    def bind(self, data_shapes, label_shapes=None, for_training=True,
             inputs_need_grad=False, force_rebind=False, shared_module=None,
             grad_req="write"):
        """Bind each module to the previous one's output shapes."""
        if self.binded and not force_rebind:
            self.logger.warning("Already bound, ignoring bind()")
            return
        if shared_module is not None:
            raise MXNetError("SequentialModule.bind: shared_module is not supported")
        if not self._modules:
            raise MXNetError("SequentialModule.bind: add() at least one module first")
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        my_data_shapes = data_shapes
        any_labels = False
        for index, (module, meta) in enumerate(zip(self._modules, self._metas)):
            takes_labels = meta.get(self.META_TAKE_LABELS, False)
            any_labels = any_labels or takes_labels
            if meta.get(self.META_AUTO_WIRING, False):
                names = module.data_names
                if len(names) != len(my_data_shapes):
                    raise MXNetError(
                        f"auto_wiring: module {index} takes {len(names)} data "
                        f"inputs but gets {len(my_data_shapes)}"
                    )
                my_data_shapes = [(name, tuple(desc[1])) for name, desc in
                                  zip(names, my_data_shapes)]
            # every module after the first must pass gradients back to its predecessor
            need_grad = inputs_need_grad if index == 0 else for_training
            module.bind(data_shapes=my_data_shapes,
                        label_shapes=label_shapes if takes_labels else None,
                        for_training=for_training, inputs_need_grad=need_grad,
                        force_rebind=force_rebind, grad_req=grad_req)
            my_data_shapes = module.output_shapes
        self._label_shapes = label_shapes if any_labels else None
        self.binded = True

    def init_params(self, initializer=None, arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        """Initialise every module (parameter names must be unique across modules)."""
        from ..initializer import Uniform
        if self.params_initialized and not force_init:
            return
        require(self.binded, "call bind before initializing the parameters")
        seen = {}
        for index, module in enumerate(self._modules):
            symbol = module.symbol  # None for a PythonModule (no parameters)
            for name in symbol.list_arguments() if symbol is not None else []:
                if name in module.data_names or name in module.label_names:
                    continue
                if name in seen:
                    raise MXNetError(
                        f"Duplicated parameter name {name!r} in modules "
                        f"{seen[name]} and {index} of the SequentialModule"
                    )
                seen[name] = index
            module.init_params(initializer=initializer or Uniform(0.01),
                               arg_params=arg_params, aux_params=aux_params,
                               allow_missing=allow_missing, force_init=force_init,
                               allow_extra=True)
        self.params_initialized = True

    def get_params(self):
        arg_params, aux_params = {}, {}
        for module in self._modules:
            args, auxs = module.get_params()
            arg_params.update(args)
            aux_params.update(auxs)
        return arg_params, aux_params

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True,
                   allow_extra=False):
        for module in self._modules:
            module.set_params(arg_params, aux_params, allow_missing=True,
                              force_init=force_init, allow_extra=True)
        self.params_initialized = True

    def init_optimizer(self, kvstore="local", optimizer="sgd",
                       optimizer_params=(("learning_rate", 0.01),), force_init=False):
        require(self.binded and self.params_initialized,
                "init_optimizer: call bind() and init_params() first")
        for module in self._modules:
            module.init_optimizer(kvstore=kvstore, optimizer=optimizer,
                                  optimizer_params=optimizer_params,
                                  force_init=force_init)
        self.optimizer_initialized = True

    def forward(self, data_batch, is_train=None):
        require(self.binded and self.params_initialized,
                "forward: call bind() and init_params() first")
        batch = copy.copy(data_batch)
        for index, module in enumerate(self._modules):
            module.forward(batch, is_train=is_train)
            if index + 1 == len(self._modules):
                break
            batch.data = module.get_outputs()
            if getattr(batch, "provide_data", None) is not None:
                batch.provide_data = [(name, out.shape) for name, out in
                                      zip(module.output_names, batch.data)]

    def backward(self, out_grads=None):
        require(self.binded and self.params_initialized,
                "backward: call bind() and init_params() first")
        for index in reversed(range(len(self._modules))):
            module = self._modules[index]
            module.backward(out_grads=out_grads)
            if index == 0:
                break
            out_grads = module.get_input_grads()

    def update(self):
        require(self.optimizer_initialized, "update: call init_optimizer() first")
        for module in self._modules:
            module.update()

    def get_outputs(self, merge_multi_context=True):
        return self._modules[-1].get_outputs(merge_multi_context)

    def get_input_grads(self, merge_multi_context=True):
        require(
            self.inputs_need_grad, "get_input_grads: bind with inputs_need_grad=True"
        )
        return self._modules[0].get_input_grads(merge_multi_context)

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        for module, meta in zip(self._modules, self._metas):
            if meta.get(self.META_TAKE_LABELS, False):
                module.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon):
        for module in self._modules:
            module.install_monitor(mon)
