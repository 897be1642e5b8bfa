"""``mx.model.FeedForward``: MXNet's oldest training API (deprecated there in favour of
``mx.mod.Module``), kept for old scripts. Here it is a thin layer over Module::

    FeedForward(symbol, num_epoch=..., optimizer=...)
        .fit(X, y)     builds a Module, binds it, runs MXNet's legacy epoch loop
        .predict(X)    an inference executor on ctx[0]; NumPy outputs
        .save(prefix)  model.py's save_checkpoint; FeedForward.load reads it back

``mx.model`` (``model.py``) re-exports it next to the checkpoint functions.
"""
import logging
import time
import warnings

import numpy as np

from ._batch_end import BatchEndParam


def _check_arguments(symbol):
    """MXNet's check that no two arguments (or auxiliary states) share a name."""
    for kind, names in (("argument", symbol.list_arguments()),
                        ("auxiliary", symbol.list_auxiliary_states())):
        seen = set()
        for name in names:
            if name in seen:
                raise ValueError(f'Find duplicated {kind} name "{name}", please make '
                                 f"the weight name non-duplicated(using name "
                                 f"arguments), arguments are {names}")
            seen.add(name)


def _call_all(callbacks, *args):
    if callbacks is None:
        return
    for callback in callbacks if isinstance(callbacks, list) else [callbacks]:
        callback(*args)


class FeedForward:
    """MXNet's legacy model: a Symbol plus its parameters, with ``fit``,
    ``predict``, ``score``, ``save`` and ``load`` (deprecated in MXNet; use
    ``mx.mod.Module``).

    Parameters
    ----------
    symbol : Symbol or callable
        The network, or ``sym_gen(bucket_key) -> Symbol`` for bucketing data.
    ctx : Context or list of Context
        Training devices (prediction uses the first).
    num_epoch : int
        Train until this epoch.
    epoch_size : int or None
        Batches per epoch (default: one pass over the data).
    optimizer : str or Optimizer
        Created with ``rescale_grad=1/batch_size`` and the extra ``kwargs``
        (``learning_rate=0.1, momentum=0.9`` ...) when given by name.
    initializer : Initializer
        Called as ``initializer(name, array)`` for parameters not in ``arg_params``.
    numpy_batch_size : int
        Batch size when ``fit``/``predict`` get NumPy arrays.
    arg_params, aux_params : dict of str to NDArray
    allow_extra_params : bool
        Drop entries of ``arg_params``/``aux_params`` the symbol does not use.
    begin_epoch : int

    ``fit`` builds an ``mx.mod.Module`` and runs MXNet's legacy loop on its
    intermediate API: batch-end callbacks see ``nbatch`` counted from 1, the epoch
    logs ``Resetting Data Iterator`` and ``Time cost``, no training metric is
    logged, and validation is reported by ``eval_end_callback``.

    Differs from MXNet: no pickling (``__getstate__``); use ``save``/``load``.

    Example
    -------
    >>> model = mx.model.FeedForward(net, num_epoch=10, learning_rate=0.1)
    >>> model.fit(X=train_iter, eval_data=val_iter)
    >>> model.save('mlp')          # mlp-symbol.json, mlp-0010.params
    """

    def __init__(self, symbol, ctx=None, num_epoch=None, epoch_size=None,
                 optimizer="sgd", initializer=None, numpy_batch_size=128,
                 arg_params=None, aux_params=None, allow_extra_params=False,
                 begin_epoch=0, **kwargs):
        from .context import Context, cpu
        from .initializer import Uniform
        from .symbol import Symbol
        warnings.warn("\033[91mmxnet.model.FeedForward has been deprecated. Please "
                      "use mxnet.mod.Module instead.\033[0m", DeprecationWarning,
                      stacklevel=2)
        if isinstance(symbol, Symbol):
            self.symbol, self.sym_gen = symbol, None
        else:
            if not callable(symbol):
                raise AssertionError("FeedForward: symbol must be a Symbol or a "
                                     "callable sym_gen(bucket_key)")
            self.symbol, self.sym_gen = None, symbol
        self.arg_params = arg_params
        self.aux_params = aux_params
        self.allow_extra_params = allow_extra_params
        self.argument_checked = False
        if self.sym_gen is None:
            self._check_arguments()
        if ctx is None:
            ctx = [cpu()]
        elif isinstance(ctx, Context):
            ctx = [ctx]
        self.ctx = ctx
        self.num_epoch = num_epoch
        self.epoch_size = epoch_size
        self.kwargs = kwargs.copy()
        self.optimizer = optimizer
        self.initializer = initializer if initializer is not None else Uniform(0.01)
        self.numpy_batch_size = numpy_batch_size
        self._pred_exec = None
        self.begin_epoch = begin_epoch

    def _check_arguments(self):
        """Reject duplicated names; with ``allow_extra_params`` drop unused
        parameters."""
        if self.argument_checked:
            return
        self.argument_checked = True
        _check_arguments(self.symbol)
        if self.allow_extra_params:
            if self.arg_params:
                names = set(self.symbol.list_arguments())
                self.arg_params = {k: v for k, v in self.arg_params.items()
                                   if k in names}
            if self.aux_params:
                names = set(self.symbol.list_auxiliary_states())
                self.aux_params = {k: v for k, v in self.aux_params.items()
                                   if k in names}

    def _init_params(self, inputs, overwrite=False):
        """Create every parameter from the input shapes, in ``list_arguments``
        order: copied from ``arg_params``/``aux_params`` or initialized."""
        from .io import DataDesc
        from .ndarray.ndarray import zeros
        inputs = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in inputs]
        shapes = {item.name: item.shape for item in inputs}
        arg_shapes, _, aux_shapes = self.symbol.infer_shape(**shapes)
        arg_types, _, aux_types = self.symbol.infer_type(
            **{item.name: item.dtype for item in inputs})
        arg_names = self.symbol.list_arguments()
        param_names = [name for name in arg_names if name not in shapes]
        aux_names = self.symbol.list_auxiliary_states()
        new_params = []
        for names, all_shapes, types, given in (
                (arg_names, arg_shapes, arg_types, self.arg_params),
                (aux_names, aux_shapes, aux_types, self.aux_params)):
            params = {}
            for name, shape, dtype in zip(names, all_shapes, types):
                if names is arg_names and name not in param_names:
                    continue
                params[name] = zeros(shape, dtype=dtype)
                if given and name in given and not overwrite:
                    params[name][:] = given[name]
                else:
                    self.initializer(name, params[name])
            new_params.append(params)
        self.arg_params, self.aux_params = new_params
        return arg_names, param_names, aux_names

    def _init_iter(self, X, y, is_train):
        """A DataIter from ``X`` (a DataIter, or arrays with labels ``y``)."""
        from .io import DataIter, NDArrayIter
        from .ndarray.ndarray import NDArray
        if isinstance(X, (np.ndarray, NDArray)):
            if y is None:
                if is_train:
                    raise ValueError("y must be specified when X is numpy.ndarray")
                y = np.zeros(X.shape[0])
            if not isinstance(y, (np.ndarray, NDArray)):
                raise TypeError("y must be ndarray when X is numpy.ndarray")
            if X.shape[0] != y.shape[0]:
                raise ValueError("The numbers of data points and labels not equal")
            if y.ndim == 2 and y.shape[1] == 1:
                y = y.flatten()
            if y.ndim != 1:
                raise ValueError("Label must be 1D or 2D (with 2nd dimension being 1)")
            batch_size = min(X.shape[0], self.numpy_batch_size)
            if is_train:
                return NDArrayIter(X, y, batch_size, shuffle=True,
                                   last_batch_handle="roll_over")
            return NDArrayIter(X, y, batch_size, shuffle=False)
        if not isinstance(X, DataIter):
            raise TypeError("X must be DataIter, NDArray or numpy.ndarray")
        return X

    def _init_eval_iter(self, eval_data):
        """``eval_data`` as a DataIter (it may be an ``(X, y)`` pair)."""
        from .io import DataIter
        if eval_data is None:
            return None
        if isinstance(eval_data, (tuple, list)) and len(eval_data) == 2:
            if eval_data[0] is None:
                raise ValueError("Eval data is NONE")
            if eval_data[1] is None and isinstance(eval_data[0], DataIter):
                return eval_data[0]
            data, label = (np.array(x) if isinstance(x, list) else x
                           for x in eval_data)
            return self._init_iter(data, label, is_train=True)
        if not isinstance(eval_data, DataIter):
            raise TypeError("Eval data must be DataIter, or NDArray/numpy.ndarray/"
                            "list pair (i.e. tuple/list of length 2)")
        return eval_data

    def _init_predictor(self, data_shapes, type_dict=None):
        """Bind (or reuse) an inference executor on ``ctx[0]``."""
        shapes = {name: value.shape for name, value in self.arg_params.items()}
        shapes.update({desc[0]: tuple(desc[1]) for desc in data_shapes})
        if self._pred_exec is not None:
            arg_shapes, _, _ = self.symbol.infer_shape(**shapes)
            if arg_shapes == [x.shape for x in self._pred_exec.arg_arrays]:
                return
        executor = self.symbol.simple_bind(self.ctx[0], grad_req="null",
                                           type_dict=type_dict, **shapes)
        executor.copy_params_from(self.arg_params, self.aux_params)
        self._pred_exec = executor

    def _prepare_prediction(self, X, reset):
        X = self._init_iter(X, None, is_train=False)
        if reset:
            X.reset()
        type_dict = {key: value.dtype for key, value in self.arg_params.items()}
        for desc in X.provide_data:
            type_dict[desc[0]] = getattr(desc, "dtype", np.float32)
        self._init_predictor(X.provide_data, type_dict)
        inputs = [self._pred_exec.arg_dict[desc[0]] for desc in X.provide_data]
        return X, inputs

    def predict(self, X, num_batch=None, return_data=False, reset=True):
        """Outputs for ``X`` as NumPy arrays (padding removed); one array for a
        single output. With ``return_data``: ``(outputs, data, label)``."""
        X, inputs = self._prepare_prediction(X, reset)
        outputs = [[] for _ in self._pred_exec.outputs]
        data_list = [[] for _ in X.provide_data]
        label_list = [[] for _ in X.provide_label]
        for i, batch in enumerate(X):
            for target, value in zip(inputs, batch.data):
                target[:] = value
            self._pred_exec.forward(is_train=False)
            real_size = X.batch_size - (batch.pad or 0)
            for collected, output in zip(outputs, self._pred_exec.outputs):
                collected.append(output[0:real_size].asnumpy())
            if return_data:
                for collected, value in zip(data_list, batch.data):
                    collected.append(value[0:real_size].asnumpy())
                for collected, value in zip(label_list, batch.label):
                    collected.append(value[0:real_size].asnumpy())
            if num_batch is not None and i + 1 == num_batch:
                break
        outputs = _single([np.concatenate(x) for x in outputs])
        if not return_data:
            return outputs
        return (outputs, _single([np.concatenate(x) for x in data_list]),
                _single([np.concatenate(x) for x in label_list]))

    def score(self, X, eval_metric="acc", num_batch=None, batch_end_callback=None,
              reset=True):
        """The value of ``eval_metric`` over ``X``."""
        from .metric import EvalMetric, create
        if not isinstance(eval_metric, EvalMetric):
            eval_metric = create(eval_metric)
        X, inputs = self._prepare_prediction(X, reset)
        for i, batch in enumerate(X):
            if num_batch is not None and i == num_batch:
                break
            for target, value in zip(inputs, batch.data):
                target[:] = value
            self._pred_exec.forward(is_train=False)
            eval_metric.update(batch.label, self._pred_exec.outputs)
            _call_all(batch_end_callback, BatchEndParam(
                epoch=0, nbatch=i, eval_metric=eval_metric, locals=locals()))
        return eval_metric.get()[1]

    def fit(self, X, y=None, eval_data=None, eval_metric="acc",
            epoch_end_callback=None, batch_end_callback=None, kvstore="local",
            logger=None, work_load_list=None, monitor=None, eval_end_callback=None,
            eval_batch_end_callback=None):
        """Train from ``begin_epoch`` to ``num_epoch`` on ``X`` (a DataIter, or
        arrays with labels ``y``).

        ``eval_end_callback`` defaults to ``LogValidationMetricsCallback()``, which
        logs ``Epoch[e] Validation-<metric>=...``.
        """
        from .callback import LogValidationMetricsCallback
        from .metric import EvalMetric, create
        if eval_end_callback is None:
            eval_end_callback = LogValidationMetricsCallback()
        logger = logger or logging
        data = self._init_iter(X, y, is_train=True)
        eval_data = self._init_eval_iter(eval_data)
        if self.sym_gen:
            self.symbol = self.sym_gen(data.default_bucket_key)
            self._check_arguments()
        self._init_params(list(data.provide_data) + list(data.provide_label))
        if not isinstance(eval_metric, EvalMetric):
            eval_metric = create(eval_metric)
        module = self._make_module(data, kvstore, work_load_list, logger)
        if monitor is not None:
            module.install_monitor(monitor)
        logger.info("Start training with %s", str(self.ctx))
        data.reset()
        for epoch in range(self.begin_epoch, self.num_epoch):
            tic = time.time()
            self._train_epoch(module, epoch, data, eval_metric, batch_end_callback,
                              monitor, logger)
            logger.info("Epoch[%d] Time cost=%.3f", epoch, time.time() - tic)
            if epoch_end_callback or epoch + 1 == self.num_epoch:
                self._copy_params_from(module)
            _call_all(epoch_end_callback, epoch, self.symbol, self.arg_params,
                      self.aux_params)
            if eval_data:
                self._evaluate(module, epoch, eval_data, eval_metric,
                               eval_end_callback, eval_batch_end_callback)

    def _make_module(self, data, kvstore, work_load_list, logger):
        """A bound, initialized Module with its optimizer, holding our parameters."""
        from .module import BucketingModule, Module
        data_names = [desc[0] for desc in data.provide_data]
        label_names = [desc[0] for desc in data.provide_label]
        if self.sym_gen is None:
            module = Module(self.symbol, data_names, label_names, logger=logger,
                            context=self.ctx, work_load_list=work_load_list)
        else:
            def sym_gen(key):
                return self.sym_gen(key), data_names, label_names
            module = BucketingModule(sym_gen, data.default_bucket_key, logger=logger,
                                     context=self.ctx, work_load_list=work_load_list)
        module.bind(data.provide_data, data.provide_label, for_training=True)
        module.init_params(arg_params=self.arg_params, aux_params=self.aux_params)
        if isinstance(self.optimizer, str):
            params = dict(self.kwargs, rescale_grad=1.0 / data.batch_size)
            module.init_optimizer(kvstore, self.optimizer, params)
        else:
            module.init_optimizer(kvstore, self.optimizer)
        return module

    def _train_epoch(self, module, epoch, data, eval_metric, batch_end_callback,
                     monitor, logger):
        """MXNet's legacy epoch: ``epoch_size`` batches, restarting the iterator
        when it runs out first."""
        eval_metric.reset()
        nbatch = 0
        while True:
            do_reset = True
            for data_batch in data:
                if monitor is not None:
                    monitor.tic()
                module.forward_backward(data_batch)
                module.update()
                if monitor is not None:
                    monitor.toc_print()
                module.update_metric(eval_metric, data_batch.label)
                nbatch += 1
                _call_all(batch_end_callback, BatchEndParam(
                    epoch=epoch, nbatch=nbatch, eval_metric=eval_metric,
                    locals=locals()))
                if self.epoch_size is not None and nbatch >= self.epoch_size:
                    do_reset = False
                    break
            if do_reset:
                logger.info("Epoch[%d] Resetting Data Iterator", epoch)
                data.reset()
            if self.epoch_size is None or nbatch >= self.epoch_size:
                break

    @staticmethod
    def _evaluate(module, epoch, eval_data, eval_metric, eval_end_callback,
                  eval_batch_end_callback):
        """``Module.score`` over ``eval_data``, left reset for the next epoch."""
        module.score(eval_data, eval_metric, batch_end_callback=eval_batch_end_callback,
                     score_end_callback=eval_end_callback, epoch=epoch)
        eval_data.reset()

    def _copy_params_from(self, module):
        """Copy the trained values into our ``arg_params``/``aux_params`` arrays."""
        arg_params, aux_params = module.get_params()
        for mine, trained in ((self.arg_params, arg_params),
                              (self.aux_params, aux_params)):
            for name, value in trained.items():
                mine[name][:] = value
        self._pred_exec = None

    def save(self, prefix, epoch=None, remove_amp_cast=True):
        """Write ``prefix-symbol.json`` and ``prefix-%04d.params`` (``epoch``
        defaults to ``num_epoch``)."""
        if epoch is None:
            epoch = self.num_epoch
        from .model import save_checkpoint   # model.py imports this module
        if epoch is None:
            raise AssertionError("FeedForward.save: give epoch (num_epoch is None)")
        save_checkpoint(prefix, epoch, self.symbol, self.arg_params, self.aux_params,
                        remove_amp_cast=remove_amp_cast)

    @staticmethod
    def load(prefix, epoch, ctx=None, **kwargs):
        """A FeedForward from a checkpoint (``begin_epoch=epoch``, so ``fit``
        resumes)."""
        from .model import load_checkpoint   # model.py imports this module
        symbol, arg_params, aux_params = load_checkpoint(prefix, epoch)
        return FeedForward(symbol, ctx=ctx, arg_params=arg_params,
                           aux_params=aux_params, begin_epoch=epoch, **kwargs)

    @staticmethod
    def create(symbol, X, y=None, ctx=None, num_epoch=None, epoch_size=None,
               optimizer="sgd", initializer=None, eval_data=None, eval_metric="acc",
               epoch_end_callback=None, batch_end_callback=None, kvstore="local",
               logger=None, work_load_list=None, eval_end_callback=None,
               eval_batch_end_callback=None, **kwargs):
        """Make a FeedForward and ``fit`` it; returns the trained model."""
        model = FeedForward(symbol, ctx=ctx, num_epoch=num_epoch,
                            epoch_size=epoch_size, optimizer=optimizer,
                            initializer=initializer, **kwargs)
        model.fit(X, y, eval_data=eval_data, eval_metric=eval_metric,
                  epoch_end_callback=epoch_end_callback,
                  batch_end_callback=batch_end_callback, kvstore=kvstore,
                  logger=logger, work_load_list=work_load_list,
                  eval_end_callback=eval_end_callback,
                  eval_batch_end_callback=eval_batch_end_callback)
        return model


def _single(values):
    return values[0] if len(values) == 1 else values
