"""BaseModule: the high-level API (``fit``, ``score``, ``predict``) written only in
terms of the intermediate API, so every module type gets it for free.

A module is a machine that runs a Symbol. It moves through four states, and each
intermediate call checks that the states before it were reached::

    created --bind()--> binded --init_params()--> params_initialized
                                                     |
                                          init_optimizer()
                                                     v
                                              optimizer_initialized
    forward/backward need binded + params_initialized;
    update needs optimizer_initialized

``fit`` is exactly: bind, init_params, init_optimizer, then per epoch
(forward_backward, update, update_metric, callbacks for each batch; log Train-metrics;
epoch-end callbacks; score on eval_data; reset the iterator).
"""

import logging
import time

import numpy as np

from .. import metric as metric_module
from ..base import MXNetError
from .._batch_end import BatchEndParam
from ..callback import StopTraining
from ..initializer import Uniform
from ..io import DataBatch, DataDesc, DataIter
from ..logging_setup import enable_notebook_logging, in_ipython
from ..ndarray.ndarray import NDArray, array, concatenate
from ..ndarray.serialization import load as nd_load, save as nd_save

__all__ = ["BaseModule", "ModuleStateError", "check_input_names", "parse_data_desc"]


class ModuleStateError(MXNetError, AssertionError):
    """A module method was called before the step it needs (bind, init_params ...).

    MXNet raises a bare ``AssertionError`` here; dlkit's error is also an
    ``AssertionError`` (so old ``except`` clauses still work) but says which step is
    missing.
    """


def require(condition, message):
    """Raise ``ModuleStateError(message)`` unless ``condition``."""
    if not condition:
        raise ModuleStateError(message)


def _as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def check_input_names(symbol, names, typename, throw):
    """Check that ``names`` are arguments of ``symbol`` (MXNet's message, as text)."""
    arguments = symbol.list_arguments()
    for name in names:
        if name in arguments:
            continue
        candidates = [
            a
            for a in arguments
            if not a.endswith(("_weight", "_bias", "_gamma", "_beta"))
        ]
        message = (f"You created Module with Module(..., {typename}_names={names}) but "
                   f"input with name '{name}' is not found in symbol.list_arguments(). "
                   "Did you mean one of:\n\t" + "\n\t".join(candidates))
        if throw:
            raise ValueError(message)
        logging.warning(message)


def _to_descs(shapes):
    descs = []
    for item in shapes or []:
        descs.append(item if isinstance(item, DataDesc) else DataDesc(*item))
    return descs


def parse_data_desc(data_names, label_names, data_shapes, label_shapes):
    """Turn ``[('data', (1, 10))]`` into DataDescs; check the names match the module."""
    data_shapes = _to_descs(data_shapes)
    given = [d.name for d in data_shapes]
    if sorted(given) != sorted(data_names):
        raise ValueError(f"Data provided by data_shapes don't match names specified by "
                         f"data_names ({data_shapes} vs. {list(data_names)})")
    if label_shapes is None:
        return data_shapes, None
    label_shapes = _to_descs(label_shapes)
    given = [d.name for d in label_shapes]
    if label_shapes and not label_names:
        raise ValueError(
            f"label_shapes {label_shapes} were given but the module has no "
            "label inputs (label_names is empty): bind without label_shapes "
            "or create the Module with label_names"
        )
    if label_shapes and sorted(given) != sorted(label_names):
        raise ValueError(
            f"Data provided by label_shapes don't match names specified by "
            f"label_names ({label_shapes} vs. {list(label_names)})"
        )
    return data_shapes, label_shapes


class BaseModule:
    """The base of every module; see the module docstring for the state machine."""

    def __init__(self, logger=logging):
        self.logger = logger
        self.binded = False
        self.for_training = False
        self.inputs_need_grad = False
        self.params_initialized = False
        self.optimizer_initialized = False
        self._symbol = None
        self._total_exec_bytes = 0

    # ---- high-level API ----
    def forward_backward(self, data_batch):
        """``forward(is_train=True)`` then ``backward()``."""
        self.forward(data_batch, is_train=True)
        self.backward()

    def score(self, eval_data, eval_metric, num_batch=None, batch_end_callback=None,
              score_end_callback=None, reset=True, epoch=0, sparse_row_id_fn=None):
        """Run prediction on ``eval_data`` and evaluate ``eval_metric``.

        Returns the metric's ``get_name_value()`` list, e.g. ``[('accuracy', 0.93)]``.
        MXNet pitfall kept: a ``Speedometer`` passed as ``batch_end_callback`` resets
        the metric it prints, so the returned value covers only the batches since its
        last print (use ``auto_reset=False``).
        """
        require(self.binded and self.params_initialized,
                "score: call bind() and init_params() first")
        if reset:
            eval_data.reset()
        if not isinstance(eval_metric, metric_module.EvalMetric):
            eval_metric = metric_module.create(eval_metric)
        eval_metric.reset()
        actual_num_batch = 0
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            self.update_metric(eval_metric, eval_batch.label)
            for callback in _as_list(batch_end_callback):
                callback(BatchEndParam(epoch=epoch, nbatch=nbatch,
                                       eval_metric=eval_metric, locals=locals()))
            actual_num_batch += 1
        for callback in _as_list(score_end_callback):
            callback(BatchEndParam(epoch=epoch, nbatch=actual_num_batch,
                                   eval_metric=eval_metric, locals=locals()))
        return eval_metric.get_name_value()

    def iter_predict(
        self, eval_data, num_batch=None, reset=True, sparse_row_id_fn=None
    ):
        """Yield ``(outputs, nbatch, batch)`` for each batch, padding removed."""
        require(self.binded and self.params_initialized,
                "iter_predict: call bind() and init_params() first")
        if reset:
            eval_data.reset()
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            pad = eval_batch.pad or 0
            outputs = [out[0:out.shape[0] - pad] for out in self.get_outputs()]
            yield outputs, nbatch, eval_batch

    def predict(self, eval_data, num_batch=None, merge_batches=True, reset=True,
                always_output_list=False, sparse_row_id_fn=None):
        """Outputs for every batch of ``eval_data`` (an iterator or one array).

        With ``merge_batches`` the batches are concatenated (padding removed); a single
        output is returned as an NDArray unless ``always_output_list``.
        """
        require(self.binded and self.params_initialized,
                "predict: call bind() and init_params() first")
        if isinstance(eval_data, (NDArray, np.ndarray)):
            if isinstance(eval_data, np.ndarray):
                eval_data = array(eval_data)
            self.forward(DataBatch([eval_data]))
            return self.get_outputs()[0]
        if not isinstance(eval_data, DataIter):
            raise ValueError("eval_data must be of type NDArray or DataIter")
        output_list = [[out.copy() for out in outputs] for outputs, _, _ in
                       self.iter_predict(eval_data, num_batch, reset, sparse_row_id_fn)]
        if not output_list or not merge_batches:
            return output_list
        num_outputs = len(output_list[0])
        if any(len(outputs) != num_outputs for outputs in output_list):
            raise MXNetError(
                "Cannot merge batches, as num of outputs is not the same in "
                "mini-batches. Maybe bucketing is used?"
            )
        merged = [concatenate([outputs[i] for outputs in output_list])
                  for i in range(num_outputs)]
        if num_outputs == 1 and not always_output_list:
            return merged[0]
        return merged

    def fit(self, train_data, eval_data=None, eval_metric="acc",
            epoch_end_callback=None, batch_end_callback=None, kvstore="local",
            optimizer="sgd", optimizer_params=(("learning_rate", 0.01),),
            eval_end_callback=None, eval_batch_end_callback=None,
            initializer=Uniform(0.01), arg_params=None, aux_params=None,
            allow_missing=False, force_rebind=False, force_init=False, begin_epoch=0,
            num_epoch=None, validation_metric=None, monitor=None,
            sparse_row_id_fn=None):
        """Train: bind, init params, init optimizer, then ``num_epoch`` epochs.

        Logs ``Epoch[e] Train-<metric>=...``, ``Epoch[e] Time cost=...`` and
        ``Epoch[e] Validation-<metric>=...`` through ``logging`` as MXNet does.
        """
        if num_epoch is None:
            raise MXNetError("fit: please specify num_epoch")
        if in_ipython():
            enable_notebook_logging()  # MXNet's log lines are invisible in notebooks
        self.bind(data_shapes=train_data.provide_data,
                  label_shapes=train_data.provide_label, for_training=True,
                  force_rebind=force_rebind)
        if monitor is not None:
            self.install_monitor(monitor)
        self.init_params(initializer=initializer, arg_params=arg_params,
                         aux_params=aux_params, allow_missing=allow_missing,
                         force_init=force_init)
        self.init_optimizer(kvstore=kvstore, optimizer=optimizer,
                            optimizer_params=optimizer_params)
        if validation_metric is None:
            validation_metric = eval_metric
        if not isinstance(eval_metric, metric_module.EvalMetric):
            eval_metric = metric_module.create(eval_metric)
        for epoch in range(begin_epoch, num_epoch):
            tic = time.time()
            try:
                name_values = self._train_epoch(epoch, train_data, eval_metric,
                                                batch_end_callback, monitor,
                                                sparse_row_id_fn)
            except StopTraining as stop:   # a dlkit extension, see mx.callback
                self._stop_training(epoch, stop)
                return
            for name, value in name_values:
                self.logger.info("Epoch[%d] Train-%s=%f", epoch, name, value)
            self.logger.info("Epoch[%d] Time cost=%.3f", epoch, time.time() - tic)
            arg_params, aux_params = self.get_params()  # sync aux states across devices
            self.set_params(arg_params, aux_params)
            for callback in _as_list(epoch_end_callback):
                callback(epoch, self.symbol, arg_params, aux_params)
            if eval_data:
                results = self.score(eval_data, validation_metric,
                                     score_end_callback=eval_end_callback,
                                     batch_end_callback=eval_batch_end_callback,
                                     epoch=epoch)
                for name, value in results:
                    self.logger.info("Epoch[%d] Validation-%s=%f", epoch, name, value)
            train_data.reset()

    def _stop_training(self, epoch, stop):
        """End ``fit`` early: log why and sync parameters across devices."""
        nbatch = getattr(stop, "nbatch", None)
        where = "" if nbatch is None else f" after batch {nbatch}"
        self.logger.info("Epoch[%d] Training stopped%s: %s", epoch, where, stop)
        arg_params, aux_params = self.get_params()
        self.set_params(arg_params, aux_params)

    def _train_epoch(self, epoch, train_data, eval_metric, batch_end_callback, monitor,
                     sparse_row_id_fn):
        """One pass over ``train_data``; returns the epoch's metric values.

        The next batch is fetched (and ``prepare``d) before the callbacks run, as MXNet
        does, so a callback sees whether this was the last batch.
        """
        eval_metric.reset()
        data_iter = iter(train_data)
        next_batch = next(data_iter)
        nbatch, end_of_batch, name_values = 0, False, []
        while not end_of_batch:
            data_batch = next_batch
            if monitor is not None:
                monitor.tic()
            self.forward_backward(data_batch)
            self.update()
            self.update_metric(eval_metric, data_batch.label)
            try:
                next_batch = next(data_iter)
                self.prepare(next_batch, sparse_row_id_fn=sparse_row_id_fn)
            except StopIteration:
                end_of_batch = True
            if monitor is not None:
                monitor.toc_print()
            if end_of_batch:
                name_values = eval_metric.get_global_name_value()
            try:
                for callback in _as_list(batch_end_callback):
                    callback(BatchEndParam(epoch=epoch, nbatch=nbatch,
                                           eval_metric=eval_metric, locals=locals()))
            except StopTraining as stop:
                stop.nbatch = nbatch   # for fit's log line
                raise
            nbatch += 1
        return name_values

    # ---- parameters ----
    def get_params(self):
        raise NotImplementedError

    def init_params(self, initializer=Uniform(0.01), arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        raise NotImplementedError

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True,
                   allow_extra=False):
        """Assign parameter values (through ``init_params``)."""
        self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init,
                         allow_extra=allow_extra)

    def save_params(self, fname):
        """Save parameters to ``fname`` with ``arg:``/``aux:`` keys (MXNet's format)."""
        arg_params, aux_params = self.get_params()
        save_dict = {f"arg:{k}": v for k, v in arg_params.items()}
        save_dict.update({f"aux:{k}": v for k, v in aux_params.items()})
        nd_save(fname, save_dict)

    def load_params(self, fname):
        """Load parameters saved by ``save_params`` (or MXNet); ``set_params`` them."""
        arg_params, aux_params = {}, {}
        for key, value in nd_load(fname).items():
            kind, _, name = key.partition(":")
            if kind == "arg":
                arg_params[name] = value
            elif kind == "aux":
                aux_params[name] = value
            else:
                raise ValueError(
                    f"Invalid param file {fname}: key {key!r} does not start "
                    "with 'arg:' or 'aux:'"
                )
        self.set_params(arg_params, aux_params)

    # ---- hooks a module type may override ----
    def prepare(self, data_batch, sparse_row_id_fn=None):
        """Get ready for ``data_batch`` (nothing to do for dense data)."""

    def install_monitor(self, mon):
        raise NotImplementedError

    @property
    def symbol(self):
        """The Symbol this module runs."""
        return self._symbol
