"""``BatchProcessor``: what the Estimator does with one batch.

``fit_batch`` is the body of a hand-written training loop, without the optimizer step
(GradientUpdateHandler takes it at batch end)::

    data, label = split_and_load(batch)      # one slice per context
    with autograd.record():
        pred = [net(x) for x in data]
        loss = [loss_fn(y_hat, y) ...]
    for l in loss: l.backward()

Subclass it and pass ``Estimator(..., batch_processor=...)`` to train differently
(several inputs, a custom loss call) while keeping the handlers.
"""
from .... import autograd
from ...utils import split_and_load

__all__ = ["BatchProcessor"]


class BatchProcessor:
    """Runs the network on one batch for ``Estimator.fit`` and ``evaluate``.

    Both methods return ``(data, label, pred, loss)``, each a list with one NDArray per
    context of ``estimator.context``.

    Example
    -------
    >>> class MyProcessor(BatchProcessor):          # doctest: +SKIP
    ...     def fit_batch(self, estimator, train_batch, batch_axis=0): ...
    """

    def __init__(self):
        pass

    def _get_data_and_label(self, batch, ctx, batch_axis=0):
        """Split a ``(data, label)`` batch over the contexts ``ctx``."""
        data = split_and_load(batch[0], ctx_list=ctx, batch_axis=batch_axis)
        label = split_and_load(batch[1], ctx_list=ctx, batch_axis=batch_axis)
        return data, label

    def evaluate_batch(self, estimator, val_batch, batch_axis=0):
        """Predictions and losses of ``estimator.val_net`` (no gradients)."""
        data, label = self._get_data_and_label(val_batch, estimator.context, batch_axis)
        pred = [estimator.val_net(x) for x in data]
        loss = [estimator.val_loss(y_hat, y) for y_hat, y in zip(pred, label)]
        return data, label, pred, loss

    def fit_batch(self, estimator, train_batch, batch_axis=0):
        """Forward under ``autograd.record`` and backward: fills the gradients; the
        update itself is left to the event handlers (GradientUpdateHandler)."""
        data, label = self._get_data_and_label(train_batch, estimator.context,
                                               batch_axis)
        with autograd.record():
            pred = [estimator.net(x) for x in data]
            loss = [estimator.loss(y_hat, y) for y_hat, y in zip(pred, label)]
        for value in loss:
            value.backward()
        return data, label, pred, loss
