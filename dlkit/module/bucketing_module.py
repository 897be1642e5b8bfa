"""BucketingModule: one Module per bucket key (e.g. length), all sharing parameters.

::

    sym_gen(key) -> (symbol, data_names, label_names)
    bucket 10 -> Module(symbol_10) --.
    bucket 20 -> Module(symbol_20) ---+--> one set of parameter arrays (shared memory)
    default   -> Module(symbol_d)  --'

A batch carries ``bucket_key``; ``forward`` switches to (or creates) that bucket's
module, binding it with the default module's arrays so all buckets train the same
weights.
"""

import logging

from ..base import MXNetError
from ..context import cpu
from .base_module import BaseModule, require
from .module import Module

__all__ = ["BucketingModule"]


class BucketingModule(BaseModule):
    """Parameters
    ----------
    sym_gen : callable
        ``sym_gen(bucket_key) -> (symbol, data_names, label_names)``.
    default_bucket_key : hashable
        The bucket bound first; its module owns the parameters.
    """

    def __init__(self, sym_gen, default_bucket_key=None, logger=logging, context=cpu(),
                 work_load_list=None, fixed_param_names=None, state_names=None,
                 group2ctxs=None, compression_params=None):
        super().__init__(logger=logger)
        if default_bucket_key is None:
            raise MXNetError("BucketingModule: default_bucket_key is required")
        self._sym_gen = sym_gen
        self._default_bucket_key = default_bucket_key
        self._module_args = dict(logger=logger, context=context,
                                 work_load_list=work_load_list,
                                 fixed_param_names=fixed_param_names,
                                 state_names=state_names)
        symbol, data_names, label_names = sym_gen(default_bucket_key)
        self._symbol = symbol
        self._data_names = list(data_names or [])
        self._label_names = list(label_names or [])
        self._buckets = {}
        self._curr_module = None
        self._curr_bucket_key = None
        self._monitor = None
        self._grad_req = "write"

    def _new_module(self, key):
        symbol, data_names, label_names = self._sym_gen(key)
        return Module(symbol, data_names=data_names, label_names=label_names,
                      **self._module_args)

    @property
    def data_names(self):
        return self._curr_module.data_names if self.binded else self._data_names

    @property
    def output_names(self):
        return self._curr_module.output_names if self.binded else \
            self._symbol.list_outputs()

    @property
    def data_shapes(self):
        require(self.binded, "data_shapes: call bind() first")
        return self._curr_module.data_shapes

    @property
    def label_shapes(self):
        require(self.binded, "label_shapes: call bind() first")
        return self._curr_module.label_shapes

    @property
    def output_shapes(self):
        require(self.binded, "output_shapes: call bind() first")
        return self._curr_module.output_shapes

    @property
    def symbol(self):
        require(self.binded, "symbol: call bind() first")
        return self._curr_module.symbol

    def bind(self, data_shapes, label_shapes=None, for_training=True,
             inputs_need_grad=False, force_rebind=False, shared_module=None,
             grad_req="write"):
        """Bind the default bucket's module."""
        if self.binded and not force_rebind:
            self.logger.warning("Already bound, ignoring bind()")
            return
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self._grad_req = grad_req
        module = self._new_module(self._default_bucket_key)
        module.bind(data_shapes, label_shapes, for_training, inputs_need_grad,
                    force_rebind=False, shared_module=None, grad_req=grad_req)
        self._buckets = {self._default_bucket_key: module}
        self._curr_module = module
        self._curr_bucket_key = self._default_bucket_key
        self.binded = True

    def switch_bucket(self, bucket_key, data_shapes, label_shapes=None):
        """Make ``bucket_key``'s module current; bind it (sharing parameters) if new."""
        require(self.binded, "switch_bucket: call bind() first")
        if bucket_key not in self._buckets:
            module = self._new_module(bucket_key)
            module.bind(data_shapes, label_shapes, self.for_training,
                        self.inputs_need_grad, force_rebind=False,
                        shared_module=self._buckets[self._default_bucket_key],
                        grad_req=self._grad_req)
            if self._monitor is not None:
                module.install_monitor(self._monitor)
            self._buckets[bucket_key] = module
        self._curr_module = self._buckets[bucket_key]
        self._curr_bucket_key = bucket_key

    def init_params(self, initializer=None, arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        from ..initializer import Uniform
        if self.params_initialized and not force_init:
            return
        require(self.binded, "call bind before initializing the parameters")
        self._curr_module.init_params(initializer or Uniform(0.01), arg_params,
                                      aux_params, allow_missing, force_init,
                                      allow_extra)
        self.params_initialized = True

    def get_params(self):
        require(self.binded and self.params_initialized,
                "get_params: call bind() and init_params() first")
        self._curr_module._params_dirty = True
        return self._curr_module.get_params()

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True,
                   allow_extra=False):
        self._curr_module.set_params(arg_params, aux_params, allow_missing, force_init,
                                     allow_extra)
        self.params_initialized = True

    def init_optimizer(self, kvstore="local", optimizer="sgd",
                       optimizer_params=(("learning_rate", 0.01),), force_init=False):
        require(self.binded and self.params_initialized,
                "init_optimizer: call bind() and init_params() first")
        self._curr_module.init_optimizer(
            kvstore, optimizer, optimizer_params, force_init
        )
        for module in self._buckets.values():
            if module is not self._curr_module:
                module.borrow_optimizer(self._curr_module)
        self.optimizer_initialized = True

    def prepare(self, data_batch, sparse_row_id_fn=None):
        """Switch to the batch's bucket before its forward."""
        key = getattr(data_batch, "bucket_key", None)
        if key is not None:
            self.switch_bucket(key, data_batch.provide_data, data_batch.provide_label)

    def forward(self, data_batch, is_train=None):
        require(self.binded and self.params_initialized,
                "forward: call bind() and init_params() first")
        key = getattr(data_batch, "bucket_key", None)
        key = self._default_bucket_key if key is None else key
        self.switch_bucket(key, data_batch.provide_data, data_batch.provide_label)
        if self.optimizer_initialized and not self._curr_module.optimizer_initialized:
            self._curr_module.borrow_optimizer(self._buckets[self._default_bucket_key])
        self._curr_module.forward(data_batch, is_train=is_train)

    def backward(self, out_grads=None):
        self._curr_module.backward(out_grads=out_grads)

    def update(self):
        require(self.optimizer_initialized, "update: call init_optimizer() first")
        self._curr_module.update()
        self._curr_module._params_dirty = True

    def get_outputs(self, merge_multi_context=True):
        return self._curr_module.get_outputs(merge_multi_context)

    def get_input_grads(self, merge_multi_context=True):
        return self._curr_module.get_input_grads(merge_multi_context)

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        self._curr_module.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon):
        self._monitor = mon
        for module in self._buckets.values():
            module.install_monitor(mon)
