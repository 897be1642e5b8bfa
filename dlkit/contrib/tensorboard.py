"""``mx.contrib.tensorboard``: a training callback that writes metrics for TensorBoard.

``LogMetricsCallback`` is used like ``mx.callback.Speedometer``: ``Module.fit`` calls it
with a ``BatchEndParam`` and it writes each metric as a scalar (step = epoch) into an
event file that ``tensorboard --logdir=...`` shows. Writing event files is a separate
library's job; the first one installed is used (imported only when a callback is made):

1. ``mxboard`` (what MXNet uses),
2. ``tensorboardX``,
3. ``torch.utils.tensorboard`` (PyTorch with the ``tensorboard`` package).
"""
import importlib

__all__ = ["LogMetricsCallback"]

_WRITERS = ("mxboard", "tensorboardX", "torch.utils.tensorboard")


def _summary_writer_class():
    """The ``SummaryWriter`` of the first event-file library that imports."""
    for module_name in _WRITERS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        return module.SummaryWriter
    raise ImportError("mx.contrib.tensorboard.LogMetricsCallback needs a TensorBoard "
                      "event writer and none is installed: pip install mxboard (or "
                      "tensorboardX, or torch and tensorboard)")


class LogMetricsCallback:
    """Write the evaluation metric's values to TensorBoard at every call.

    Parameters
    ----------
    logging_dir : str
        Directory of the event files (``tensorboard --logdir=logging_dir``).
    prefix : str, optional
        Written before each metric name (``'train-accuracy'``), so that train and eval
        curves of the same metric can be told apart.

    Differs from MXNet: with no writer library installed, making the callback raises
    ``ImportError`` (MXNet logs an error and fails later, at the first call).

    Example
    -------
    >>> module.fit(train_iter, eval_data=val_iter, num_epoch=2,
    ...            batch_end_callback=LogMetricsCallback("logs/train"),
    ...            eval_end_callback=LogMetricsCallback("logs/eval"))
    """

    def __init__(self, logging_dir, prefix=None):
        self.prefix = prefix
        self.summary_writer = _summary_writer_class()(logging_dir)

    def __call__(self, param):
        """Write ``param.eval_metric``'s name-value pairs at step ``param.epoch``."""
        if param.eval_metric is None:
            return
        for name, value in param.eval_metric.get_name_value():
            if self.prefix is not None:
                name = f"{self.prefix}-{name}"
            self.summary_writer.add_scalar(name, value, global_step=param.epoch)
