"""Module: runs one Symbol on one or several contexts (MXNet's ``mx.mod.Module``).

::

    Module(symbol)                       # knows data/label/param names
      .bind(data_shapes, label_shapes)   # DataParallelExecutorGroup: executors, buffers
      .init_params(initializer)          # cpu copies in _arg_params -> every executor
      .init_optimizer(kvstore, optimizer)
      .forward(batch) .backward() .update()   # per batch
      .get_params() / .save_checkpoint()      # averaged back from the devices

Parameters live twice, as in MXNet: the executors hold the working copies, and
``_arg_params``/``_aux_params`` hold cpu copies that ``get_params`` refreshes.
"""

import logging

from .. import optimizer as opt
from ..base import MXNetError
from ..context import Context, cpu
from ..fileio import write_atomically
from ..initializer import InitDesc, Uniform
from ..kvstore import create as create_kvstore
from ..ndarray.ndarray import zeros
from .base_module import (BaseModule, check_input_names, parse_data_desc, require)
from .executor_group import DataParallelExecutorGroup

__all__ = ["Module"]


class Module(BaseModule):
    """A module that runs ``symbol``.

    Parameters
    ----------
    symbol : Symbol
    data_names, label_names : list of str
        Arguments fed by the data iterator (``label_names=None`` for no labels).
    context : Context or list of Context
        Several contexts split each batch between them (data parallelism).
    work_load_list : list of float
        Relative batch share of each context.
    fixed_param_names : list of str
        Parameters never updated.
    state_names : list of str
        Extra inputs that keep their values between batches.

    Example
    -------
    >>> data = mx.sym.Variable('data')
    >>> net = mx.sym.FullyConnected(data, name='fc1', num_hidden=10)
    >>> out = mx.sym.SoftmaxOutput(net, name='softmax')
    >>> mod = mx.mod.Module(out)
    """

    def __init__(self, symbol, data_names=("data",), label_names=("softmax_label",),
                 logger=logging, context=cpu(), work_load_list=None,
                 fixed_param_names=None, state_names=None, group2ctxs=None,
                 compression_params=None):
        super().__init__(logger=logger)
        self._context = [context] if isinstance(context, Context) else list(context)
        self._work_load_list = work_load_list or [1] * len(self._context)
        if len(self._work_load_list) != len(self._context):
            raise MXNetError(
                f"work_load_list has {len(self._work_load_list)} entries for "
                f"{len(self._context)} contexts"
            )
        self._symbol = symbol
        self._data_names = list(data_names or [])
        self._label_names = list(label_names or [])
        self._state_names = list(state_names or [])
        self._fixed_param_names = list(fixed_param_names or [])
        check_input_names(symbol, self._data_names, "data", True)
        check_input_names(symbol, self._label_names, "label", False)
        check_input_names(symbol, self._state_names, "state", True)
        check_input_names(symbol, self._fixed_param_names, "fixed_param", True)
        inputs = self._data_names + self._label_names + self._state_names
        self._param_names = [n for n in symbol.list_arguments() if n not in inputs]
        self._aux_names = symbol.list_auxiliary_states()
        self._output_names = symbol.list_outputs()
        self._arg_params = None
        self._aux_params = None
        self._params_dirty = False
        self._optimizer = None
        self._kvstore = None
        self._update_on_kvstore = False
        self._updater = None
        self._preload_opt_states = None
        self._exec_group = None
        self._data_shapes = None
        self._label_shapes = None

    # ---- names and shapes ----
    @property
    def data_names(self):
        return self._data_names

    @property
    def label_names(self):
        return self._label_names

    @property
    def output_names(self):
        return self._output_names

    @property
    def data_shapes(self):
        require(self.binded, "data_shapes: call bind() first")
        return self._data_shapes

    @property
    def label_shapes(self):
        require(self.binded, "label_shapes: call bind() first")
        return self._label_shapes

    @property
    def output_shapes(self):
        require(self.binded, "output_shapes: call bind() first")
        outputs = self._exec_group.execs[0].outputs
        batch = self._exec_group.batch_size
        return [(name, (batch,) + tuple(out.shape[1:]) if out.ndim else out.shape)
                for name, out in zip(self._output_names, outputs)]

    # ---- bind ----
    def bind(self, data_shapes, label_shapes=None, for_training=True,
             inputs_need_grad=False, force_rebind=False, shared_module=None,
             grad_req="write"):
        """Allocate executors for these input shapes (``[('data', (32, 784))]``)."""
        if force_rebind:
            self._reset_bind()
        if self.binded:
            self.logger.warning("Already bound, ignoring bind()")
            return
        if not for_training and inputs_need_grad:
            raise MXNetError("bind: inputs_need_grad=True needs for_training=True")
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self._data_shapes, self._label_shapes = parse_data_desc(
            self._data_names, self._label_names, data_shapes, label_shapes)
        self._exec_group = DataParallelExecutorGroup(
            self._symbol, self._context, self._work_load_list, self._data_shapes,
            self._label_shapes, self._param_names, for_training, inputs_need_grad,
            self._fixed_param_names, grad_req, self._state_names,
            shared_group=(shared_module._exec_group if shared_module is not None
                          else None))
        self.binded = True
        if shared_module is not None:
            self._share_from(shared_module)
        elif self.params_initialized:
            self._exec_group.set_params(self._arg_params, self._aux_params)
        else:
            self._arg_params = {name: zeros(block[0].shape, dtype=block[0].dtype)
                                for name, block in zip(self._param_names,
                                                       self._exec_group.param_arrays)}
            self._aux_params = {name: zeros(block[0].shape, dtype=block[0].dtype)
                                for name, block in zip(self._aux_names,
                                                       self._exec_group.aux_arrays)}

    def _share_from(self, shared_module):
        require(
            shared_module.binded and shared_module.params_initialized,
            "bind(shared_module=...): the shared module must be bound and initialized",
        )
        self._arg_params = shared_module._arg_params
        self._aux_params = shared_module._aux_params
        self.params_initialized = True
        if shared_module.optimizer_initialized:
            self.borrow_optimizer(shared_module)

    def _reset_bind(self):
        self.binded = False
        self._exec_group = None
        self._data_shapes = None
        self._label_shapes = None

    def reshape(self, data_shapes, label_shapes=None):
        """Rebind for new input shapes, keeping the parameters."""
        require(self.binded, "reshape: call bind() first")
        self._data_shapes, self._label_shapes = parse_data_desc(
            self._data_names, self._label_names, data_shapes, label_shapes)
        self._exec_group.reshape(self._data_shapes, self._label_shapes)

    # ---- parameters ----
    def init_params(self, initializer=Uniform(0.01), arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        """Initialise parameters: copy from ``arg_params``/``aux_params`` when given,
        otherwise call ``initializer`` (in sorted name order, as MXNet)."""
        if self.params_initialized and not force_init:
            logging.warning("Parameters already initialized and force_init=False. "
                            "init_params call ignored.")
            return
        require(self.binded, "call bind before initializing the parameters")
        attrs = self._symbol.attr_dict()
        for params, given in ((self._arg_params, arg_params),
                              (self._aux_params, aux_params)):
            for name, target in sorted(params.items()):
                desc = InitDesc(name, attrs.get(name, None))
                self._init_one(desc, target, given, initializer, allow_missing)
        self.params_initialized = True
        self._params_dirty = False
        self._exec_group.set_params(self._arg_params, self._aux_params,
                                    allow_extra=allow_extra)

    @staticmethod
    def _init_one(desc, target, given, initializer, allow_missing):
        if given is None:
            initializer(desc, target)
            return
        if desc in given:
            source = given[desc]
            if source.shape != target.shape:
                raise MXNetError(
                    f"init_params: parameter {desc!s} has shape "
                    f"{source.shape} but the module expects {target.shape}"
                )
            if source is not target:
                source.copyto(target)
            return
        if not allow_missing:
            raise RuntimeError(f"{desc} is not presented")
        if initializer is not None:
            initializer(desc, target)

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True,
                   allow_extra=False):
        """Assign parameter values; with ``allow_missing`` only given ones change."""
        if not allow_missing:
            self.init_params(initializer=None, arg_params=arg_params,
                             aux_params=aux_params, allow_missing=allow_missing,
                             force_init=force_init, allow_extra=allow_extra)
            return
        if self.params_initialized and not force_init:
            logging.warning("Parameters already initialized and force_init=False. "
                            "set_params call ignored.")
            return
        self._exec_group.set_params(arg_params, aux_params, allow_extra=allow_extra)
        self._params_dirty = True
        self.params_initialized = True

    def get_params(self):
        """``(arg_params, aux_params)``: cpu copies refreshed from the devices."""
        require(self.binded and self.params_initialized,
                "get_params: call bind() and init_params() first")
        if self._params_dirty:
            self._sync_params_from_devices()
        return self._arg_params, self._aux_params

    def _sync_params_from_devices(self):
        self._exec_group.get_params(self._arg_params, self._aux_params)
        self._params_dirty = False

    # ---- optimizer ----
    def init_optimizer(self, kvstore="local", optimizer="sgd",
                       optimizer_params=(("learning_rate", 0.01),), force_init=False):
        """Create the optimizer (``rescale_grad = 1/batch_size`` unless given) and the
        kvstore that sums gradients over several devices."""
        require(self.binded and self.params_initialized,
                "init_optimizer: call bind() and init_params() first")
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring...")
            return
        if self._params_dirty:
            self._sync_params_from_devices()
        num_device = len(self._context)
        kvstore, update_on_kvstore = self._make_kvstore(kvstore, num_device)
        if update_on_kvstore:
            idx2name = dict(enumerate(self._param_names))
        else:
            idx2name = {
                i * num_device + k: name
                for i, name in enumerate(self._param_names)
                for k in range(num_device)
            }
        if isinstance(optimizer, str):
            params = dict(optimizer_params)
            params.setdefault("rescale_grad", 1.0 / self._exec_group.batch_size)
            optimizer = opt.create(optimizer, sym=self._symbol, param_idx2name=idx2name,
                                   **params)
        elif not isinstance(optimizer, opt.Optimizer):
            raise MXNetError(
                f"init_optimizer: optimizer must be a name or an Optimizer, "
                f"got {type(optimizer).__name__}"
            )
        elif not optimizer.idx2name:
            optimizer.idx2name = idx2name.copy()
        self._optimizer = optimizer
        self._kvstore = kvstore
        self._update_on_kvstore = update_on_kvstore
        self._updater = None
        if kvstore is not None:
            for index, name in enumerate(self._param_names):
                kvstore.init(name, self._arg_params[name])
                if update_on_kvstore:
                    kvstore.pull(
                        name, self._exec_group.param_arrays[index], priority=-index
                    )
            if update_on_kvstore:
                kvstore.set_optimizer(optimizer)
        if not update_on_kvstore:
            self._updater = opt.get_updater(optimizer)
        self.optimizer_initialized = True
        if self._preload_opt_states is not None:
            self.load_optimizer_states(self._preload_opt_states)
            self._preload_opt_states = None

    def _make_kvstore(self, kvstore, num_device):
        """MXNet's rule: one device and a local kvstore means no kvstore at all."""
        if kvstore is None:
            return None, False
        if isinstance(kvstore, str):
            if num_device == 1 and "dist" not in kvstore:
                return None, False
            kvstore = create_kvstore(kvstore)
        return kvstore, True

    def borrow_optimizer(self, shared_module):
        """Use another module's optimizer, kvstore and updater."""
        require(shared_module.optimizer_initialized,
                "borrow_optimizer: the shared module has no optimizer yet")
        self._optimizer = shared_module._optimizer
        self._kvstore = shared_module._kvstore
        self._update_on_kvstore = shared_module._update_on_kvstore
        self._updater = shared_module._updater
        self.optimizer_initialized = True

    # ---- computation ----
    def forward(self, data_batch, is_train=None):
        """Run forward on a DataBatch, re-binding first if its shapes changed."""
        require(self.binded and self.params_initialized,
                "forward: call bind() and init_params() first")
        current = tuple(d.shape for d in self._data_shapes)
        new = tuple(d.shape for d in data_batch.data)
        if current != new:
            self.reshape(
                self._descs_for(data_batch, new), self._label_descs_for(data_batch)
            )
        self._exec_group.forward(data_batch, is_train)

    def _descs_for(self, data_batch, new_shapes):
        provided = getattr(data_batch, "provide_data", None)
        if provided:
            return provided
        return [
            (desc.name, shape) for desc, shape in zip(self._data_shapes, new_shapes)
        ]

    def _label_descs_for(self, data_batch):
        provided = getattr(data_batch, "provide_label", None)
        if provided:
            return provided
        labels = getattr(data_batch, "label", None)
        if labels and self._label_shapes:
            return [(desc.name, label.shape) for desc, label in
                    zip(self._label_shapes, labels)]
        return None

    def backward(self, out_grads=None):
        """Backward on the last forward's batch (loss heads need no ``out_grads``)."""
        require(self.binded and self.params_initialized,
                "backward: call bind() and init_params() first")
        self._exec_group.backward(out_grads=out_grads)

    def update(self):
        """Apply the optimizer to every parameter with a gradient."""
        require(self.binded and self.params_initialized and self.optimizer_initialized,
                "update: call bind(), init_params() and init_optimizer() first")
        self._params_dirty = True
        group = self._exec_group
        num_device = len(self._context)
        updates = [[] for _ in range(num_device)]
        for index, (name, weights, grads) in enumerate(
                zip(self._param_names, group.param_arrays, group.grad_arrays)):
            if grads[0] is None:
                continue
            if self._kvstore is not None:
                if self._update_on_kvstore:
                    self._kvstore.push(name, grads, priority=-index)
                    self._kvstore.pull(name, weights, priority=-index)
                    continue
                self._kvstore.push(name, grads, priority=-index)
                self._kvstore.pull(name, grads, priority=-index)
            for device, (weight, grad) in enumerate(zip(weights, grads)):
                updates[device].append((index * num_device + device, grad, weight))
        for device_updates in updates:
            if device_updates:
                indices, grads, weights = zip(*device_updates)
                self._updater(list(indices), list(grads), list(weights))

    def get_outputs(self, merge_multi_context=True):
        """Outputs of the last forward."""
        require(self.binded and self.params_initialized,
                "get_outputs: call bind() and init_params() first")
        return self._exec_group.get_outputs(merge_multi_context)

    def get_input_grads(self, merge_multi_context=True):
        """Gradients with respect to the data inputs (needs inputs_need_grad=True)."""
        require(
            self.binded and self.params_initialized and self.inputs_need_grad,
            "get_input_grads: bind with inputs_need_grad=True and init_params() first",
        )
        return self._exec_group.get_input_grads(merge_multi_context)

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """Accumulate ``eval_metric`` on the last forward's outputs."""
        self._exec_group.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon):
        """Attach a ``mx.mon.Monitor`` to every executor."""
        require(self.binded, "install_monitor: call bind() first")
        self._exec_group.install_monitor(mon)

    # ---- checkpoints ----
    def save_checkpoint(self, prefix, epoch, save_optimizer_states=False,
                        remove_amp_cast=True):
        """Write ``prefix-symbol.json``, ``prefix-%04d.params`` (and ``.states``)."""
        self._symbol.save(f"{prefix}-symbol.json")
        param_name = "%s-%04d.params" % (prefix, epoch)
        self.save_params(param_name)
        logging.info('Saved checkpoint to "%s"', param_name)
        if save_optimizer_states:
            state_name = "%s-%04d.states" % (prefix, epoch)
            self.save_optimizer_states(state_name)
            logging.info('Saved optimizer state to "%s"', state_name)

    @staticmethod
    def load(prefix, epoch, load_optimizer_states=False, **kwargs):
        """A Module from a checkpoint; once bound it is ready (params initialized)."""
        from ..model import load_checkpoint
        symbol, args, auxs = load_checkpoint(prefix, epoch)
        module = Module(symbol=symbol, **kwargs)
        module._arg_params = args
        module._aux_params = auxs
        module.params_initialized = True
        if load_optimizer_states:
            module._preload_opt_states = "%s-%04d.states" % (prefix, epoch)
        return module

    def save_optimizer_states(self, fname):
        """Save the optimizer's state (momentum ...) to ``fname``."""
        require(
            self.optimizer_initialized, "save_optimizer_states: call init_optimizer()"
        )
        if self._update_on_kvstore:
            self._kvstore.save_optimizer_states(fname)
        else:
            write_atomically(fname, self._updater.get_states())

    def load_optimizer_states(self, fname):
        """Load optimizer state saved by ``save_optimizer_states``."""
        require(
            self.optimizer_initialized, "load_optimizer_states: call init_optimizer()"
        )
        if self._update_on_kvstore:
            self._kvstore.load_optimizer_states(fname)
        else:
            with open(fname, "rb") as handle:
                self._updater.set_states(handle.read())
