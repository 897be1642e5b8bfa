"""``mx.gluon.contrib.estimator``: a ready-made training loop (MXNet 1.9.1).

    Estimator           fit(train_data, val_data, epochs=...), evaluate(val_data)
    BatchProcessor      what fit/evaluate do with one batch (override to customise)
    TrainBegin ...      the event mixins a handler inherits (events.py)
    *Handler            Stopping, Metric, Validation, Logging, Checkpoint,
                        EarlyStopping, GradientUpdate

Example
-------
>>> from dlkit.gluon.contrib.estimator import Estimator, CheckpointHandler
>>> est = Estimator(net, loss, trainer=trainer)               # doctest: +SKIP
>>> est.fit(train_data, val_data, epochs=2,
...         event_handlers=[CheckpointHandler('checkpoints')])  # doctest: +SKIP
"""
from . import batch_processor, estimator, event_handler, utils
from .batch_processor import BatchProcessor
from .estimator import Estimator
from .event_handler import (BatchBegin, BatchEnd, CheckpointHandler,
                            EarlyStoppingHandler, EpochBegin, EpochEnd,
                            GradientUpdateHandler, LoggingHandler, MetricHandler,
                            StoppingHandler, TrainBegin, TrainEnd, ValidationHandler)

__all__ = ["Estimator", "BatchProcessor", "TrainBegin", "TrainEnd", "EpochBegin",
           "EpochEnd", "BatchBegin", "BatchEnd", "StoppingHandler", "MetricHandler",
           "ValidationHandler", "LoggingHandler", "CheckpointHandler",
           "EarlyStoppingHandler", "GradientUpdateHandler"]
