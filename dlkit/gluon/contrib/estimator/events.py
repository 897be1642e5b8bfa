"""The six event mixins a handler inherits from, one per point of the training loop.

``Estimator.fit`` calls, for each handler that inherits the mixin::

    train_begin
    repeat:                               until a handler returns True
        epoch_begin
        for batch in train_data:
            batch_begin(batch=...)
            ...                           BatchProcessor.fit_batch
            batch_end(batch=, pred=, label=, loss=)      True: leave the epoch
        epoch_end                                        True: stop training
    train_end

``Estimator.evaluate`` calls epoch_begin, batch_begin, batch_end and epoch_end once
over the validation data.
"""

__all__ = ["TrainBegin", "TrainEnd", "EpochBegin", "EpochEnd", "BatchBegin", "BatchEnd"]


class EventHandler:
    """Base class of the event mixins."""


def _check_event_handlers(handlers):
    """A list of handlers from None, one handler or a list."""
    if isinstance(handlers, EventHandler):
        return [handlers]
    handlers = handlers or []
    if not all(isinstance(handler, EventHandler) for handler in handlers):
        raise ValueError("handlers must be an EventHandler or a list of EventHandler, "
                         f"got: {handlers}")
    return handlers


class TrainBegin(EventHandler):
    def train_begin(self, estimator, *args, **kwargs):
        pass


class TrainEnd(EventHandler):
    def train_end(self, estimator, *args, **kwargs):
        pass


class EpochBegin(EventHandler):
    def epoch_begin(self, estimator, *args, **kwargs):
        pass


class EpochEnd(EventHandler):
    def epoch_end(self, estimator, *args, **kwargs):
        """Return True to stop training."""
        return False


class BatchBegin(EventHandler):
    def batch_begin(self, estimator, *args, **kwargs):
        pass


class BatchEnd(EventHandler):
    def batch_end(self, estimator, *args, **kwargs):
        """Called with ``batch``, ``pred``, ``label`` and ``loss``; return True to
        stop training."""
        return False

