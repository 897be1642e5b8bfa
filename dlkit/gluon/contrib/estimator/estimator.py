"""``Estimator``: the Gluon training loop, written once, extended by event handlers.

``fit`` is the loop a Gluon tutorial writes by hand, cut into events::

    handlers = user's + defaults, sorted by priority
    train_begin
    while no handler said stop:
        epoch_begin                          MetricHandler resets the metrics
        for batch in train_data:
            batch_begin
            BatchProcessor.fit_batch         forward under record, backward
            batch_end                        GradientUpdateHandler: trainer.step
                                             MetricHandler: update metrics
                                             StoppingHandler: enough batches?
        epoch_end                            ValidationHandler: evaluate(val_data)
                                             StoppingHandler: enough epochs?
    train_end                                LoggingHandler: summary

The default handlers are added only when the user passed none of that class, so a
user's ``LoggingHandler(log_interval=1)`` replaces the default one.
"""
import copy
import logging
import sys
import warnings

from ....context import Context, cpu, gpu, num_gpus
from ....metric import Loss as LossMetric
from ...data import DataLoader
from ...loss import Loss
from ...trainer import Trainer
from .batch_processor import BatchProcessor
from .event_handler import (GradientUpdateHandler, LoggingHandler, MetricHandler,
                            StoppingHandler, ValidationHandler)
from .events import (BatchBegin, BatchEnd, EpochBegin, EpochEnd, TrainBegin, TrainEnd,
                     _check_event_handlers)
from .utils import _check_handler_metric_ref, _check_metrics, _suggest_metric_for_loss

__all__ = ["Estimator"]

_NOT_A_LOADER = ("Estimator only support input as Gluon DataLoader. Alternatively, you "
                 "can transform your DataIter or any NDArray into Gluon DataLoader. "
                 "Refer to {}")


class Estimator:
    """Trains and evaluates a Gluon network with event handlers.

    Parameters
    ----------
    net : gluon.Block
    loss : gluon.loss.Loss
    train_metrics, val_metrics : EvalMetric or list of EvalMetric
        Default training metrics: Accuracy for SoftmaxCrossEntropyLoss, and always a
        ``metric.Loss`` named after the loss ('softmaxcrossentropyloss'). Their names
        get the prefix 'training '; the validation metrics (default: copies of the
        training metrics) get 'validation '.
    initializer : Initializer
        Used if the net is not fully initialized (otherwise a warning).
    trainer : gluon.Trainer
        Default: SGD with learning rate 0.001 (with a warning).
    context : Context or list of Context
        Default: gpu(0) if there is a GPU, else cpu().
    val_net, val_loss : gluon.Block, gluon.loss.Loss
        For validation; default: ``net`` and ``loss``.
    batch_processor : BatchProcessor
        Its ``fit_batch``/``evaluate_batch`` run each batch.

    Example
    -------
    >>> est = Estimator(net, gluon.loss.SoftmaxCrossEntropyLoss(),
    ...                 trainer=trainer)                       # doctest: +SKIP
    >>> est.fit(train_data, val_data, epochs=2)                 # doctest: +SKIP
    """

    logger = None
    """A ``logging.Logger`` named 'Estimator' (level INFO) writing to stdout; every
    handler logs through it. Add a ``logging.FileHandler`` to keep a log file."""

    def __init__(self, net, loss, train_metrics=None, val_metrics=None,
                 initializer=None, trainer=None, context=None, val_net=None,
                 val_loss=None, batch_processor=None):
        self.net = net
        self.loss = self._check_loss(loss)
        self._train_metrics = _check_metrics(train_metrics)
        self._val_metrics = _check_metrics(val_metrics)
        self._add_default_training_metrics()
        self._add_validation_metrics()
        self.val_loss = self.loss if val_loss is None else self._check_loss(val_loss)
        self.val_net = self.net if val_net is None else val_net
        # a fresh Logger (not logging.getLogger): it has no parent to propagate to
        self.logger = logging.Logger(name="Estimator", level=logging.INFO)
        self.logger.addHandler(logging.StreamHandler(sys.stdout))
        self.context = self._check_context(context)
        self._initialize(initializer)
        self.trainer = self._check_trainer(trainer)
        self.batch_processor = self._check_batch_processor(batch_processor)

    # ---- checking the arguments ----
    def _check_loss(self, loss):
        if not isinstance(loss, Loss):
            raise ValueError(f"loss must be a Loss, refer to gluon.loss.Loss:{loss}")
        return loss

    def _check_context(self, context):
        available_gpus = [gpu(index) for index in range(num_gpus())]
        if not context:
            if len(available_gpus) > 1:
                warnings.warn("You have multiple GPUs, gpu(0) will be used by "
                              "default.To utilize all your GPUs, specify context as a "
                              "list of gpus, e.g. context=[mx.gpu(0), mx.gpu(1)] ")
            return [gpu(0)] if available_gpus else [cpu()]
        if isinstance(context, Context):
            context = [context]
        elif not (isinstance(context, list)
                  and all(isinstance(ctx, Context) for ctx in context)):
            raise ValueError("context must be a Context or a list of Context, for "
                             "example mx.cpu() or [mx.gpu(0), mx.gpu(1)], refer to "
                             f"mxnet.Context:{context}")
        for ctx in context:
            assert ctx in available_gpus or str(ctx).startswith("cpu"), \
                (f"{ctx} is not available, please make sure your context is in one of: "
                 f"mx.cpu(), {', '.join(str(gpu_ctx) for gpu_ctx in available_gpus)}")
        return context

    def _check_batch_processor(self, batch_processor):
        if batch_processor is None:
            return BatchProcessor()
        if not (callable(getattr(batch_processor, "fit_batch", None))
                and callable(getattr(batch_processor, "evaluate_batch", None))):
            raise ValueError("Customized Batch Processor must contain fit_batch() and "
                             "evaluate_batch() methods")
        return batch_processor

    def _initialize(self, initializer):
        if not self._is_initialized():
            # initialize() skips the parameters that are already initialized
            self.net.initialize(init=initializer, ctx=self.context)
        elif initializer:
            warnings.warn("Network already fully initialized, skipping initialization. "
                          "You don't need to pass initializer if you already "
                          "initialized your net. You can use "
                          "net.initialize(init=your_initializer, force_reinit=True)"
                          "to force re-initialize.")

    def _is_initialized(self):
        for param in self.net.collect_params().values():
            try:
                param.list_ctx()
            except RuntimeError:
                return False
        return True

    def _check_trainer(self, trainer):
        if not trainer:
            warnings.warn("No trainer specified, default SGD optimizer with learning "
                          "rate 0.001 is used.")
            return Trainer(self.net.collect_params(), "sgd", {"learning_rate": 0.001})
        if not isinstance(trainer, Trainer):
            raise ValueError("Trainer must be a Gluon Trainer instance, refer to "
                             f"gluon.Trainer:{trainer}")
        return trainer

    # ---- metrics ----
    def _add_default_training_metrics(self):
        if not self._train_metrics:
            suggested = _suggest_metric_for_loss(self.loss)
            if suggested:
                self._train_metrics = [suggested]
            # 'softmaxcrossentropyloss0' -> 'softmaxcrossentropyloss'
            self._train_metrics.append(LossMetric(self.loss.name.rstrip("1234567890")))
        # the prefix is how handlers tell training metrics from validation ones
        for metric in self._train_metrics:
            metric.name = "training " + metric.name

    def _add_validation_metrics(self):
        if not self._val_metrics:
            self._val_metrics = [copy.deepcopy(metric)
                                 for metric in self._train_metrics]
        for metric in self._val_metrics:
            if "training" in metric.name:
                metric.name = metric.name.replace("training", "validation")
            else:
                metric.name = "validation " + metric.name

    @property
    def train_metrics(self):
        return self._train_metrics

    @property
    def val_metrics(self):
        return self._val_metrics

    # ---- evaluate and fit ----
    def evaluate(self, val_data, batch_axis=0, event_handlers=None):
        """Run ``val_net`` over ``val_data`` once and update the validation metrics.

        A MetricHandler and a LoggingHandler on ``val_metrics`` are added unless
        ``event_handlers`` has one of that class.
        """
        if not isinstance(val_data, DataLoader):
            raise ValueError(_NOT_A_LOADER.format("gluon.data.DataLoader"))
        for metric in self.val_metrics:
            metric.reset()
        handlers = self._prepare_default_validation_handlers(event_handlers)
        _, epoch_begin, batch_begin, batch_end, epoch_end, _ = \
            self._categorize_handlers(handlers)
        for handler in epoch_begin:
            handler.epoch_begin(self)
        for batch in val_data:
            for handler in batch_begin:
                handler.batch_begin(self, batch=batch)
            _, label, pred, loss = self.batch_processor.evaluate_batch(self, batch,
                                                                       batch_axis)
            for handler in batch_end:
                handler.batch_end(self, batch=batch, pred=pred, label=label, loss=loss)
        for handler in epoch_end:
            handler.epoch_end(self)

    def fit(self, train_data, val_data=None, epochs=None, event_handlers=None,
            batches=None, batch_axis=0):
        """Train for ``epochs`` epochs or ``batches`` batches (exactly one of them).

        Besides ``event_handlers``, a StoppingHandler, GradientUpdateHandler,
        MetricHandler, LoggingHandler and (with ``val_data``) ValidationHandler are
        added unless a handler of that class is given.

        Differs from MXNet: the ``event_handlers`` list is left as it is (MXNet 1.9.1
        appends the default handlers to the caller's list and sorts it).
        """
        if not isinstance(train_data, DataLoader):
            raise ValueError(_NOT_A_LOADER.format("gluon.data.dataloader"))
        if (not epochs) == (not batches):
            raise ValueError("Fit only support exactly one type of iteration, train by "
                             "number of epochs or number of batches.Please specify one "
                             "and only one of: epochs or batches.")
        self.max_epoch = epochs
        self.max_batch = batches
        self.batch_axis = batch_axis
        handlers = self._prepare_default_handlers(val_data, event_handlers)
        train_begin, epoch_begin, batch_begin, batch_end, epoch_end, train_end = \
            self._categorize_handlers(handlers)
        for handler in train_begin:
            handler.train_begin(self)
        stop = False
        while not stop:
            for handler in epoch_begin:
                handler.epoch_begin(self)
            for batch in train_data:
                for handler in batch_begin:
                    handler.batch_begin(self, batch=batch)
                _, label, pred, loss = self.batch_processor.fit_batch(self, batch,
                                                                      batch_axis)
                # every handler runs (a list, not a short-circuit any) before stopping
                results = [handler.batch_end(self, batch=batch, pred=pred, label=label,
                                             loss=loss) for handler in batch_end]
                if any(results):
                    break
            results = [handler.epoch_end(self) for handler in epoch_end]
            stop = any(results)
        for handler in train_end:
            handler.train_end(self)

    # ---- handlers ----
    def _prepare_default_handlers(self, val_data, event_handlers):
        handlers = _check_event_handlers(event_handlers)
        defaults = [StoppingHandler(self.max_epoch, self.max_batch)]
        if not _has(handlers, GradientUpdateHandler):
            defaults.append(GradientUpdateHandler())
        if not _has(handlers, MetricHandler):
            defaults.append(MetricHandler(metrics=self.train_metrics))
        if not _has(handlers, ValidationHandler) and val_data:
            defaults.append(ValidationHandler(val_data=val_data, eval_fn=self.evaluate))
        if not _has(handlers, LoggingHandler):
            defaults.append(LoggingHandler(metrics=self.train_metrics))
        return self._combine(handlers, defaults,
                             set(self.train_metrics + self.val_metrics))

    def _prepare_default_validation_handlers(self, event_handlers):
        handlers = _check_event_handlers(event_handlers)
        defaults = []
        if not _has(handlers, MetricHandler):
            defaults.append(MetricHandler(metrics=self.val_metrics))
        if not _has(handlers, LoggingHandler):
            defaults.append(LoggingHandler(metrics=self.val_metrics))
        return self._combine(handlers, defaults, set(self.val_metrics))

    @staticmethod
    def _combine(handlers, defaults, known_metrics):
        """The user's handlers, then the defaults, stably sorted by priority. When
        both are present they must share the Estimator's metric objects."""
        combined = handlers + defaults
        if handlers and defaults:
            for handler in combined:
                _check_handler_metric_ref(handler, known_metrics)
        combined.sort(key=lambda handler: getattr(handler, "priority", 0))
        return combined

    @staticmethod
    def _categorize_handlers(handlers):
        """Six lists, one per event, of the handlers that inherit its mixin."""
        return tuple([handler for handler in handlers if isinstance(handler, mixin)]
                     for mixin in (TrainBegin, EpochBegin, BatchBegin, BatchEnd,
                                   EpochEnd, TrainEnd))


def _has(handlers, cls):
    return any(isinstance(handler, cls) for handler in handlers)
