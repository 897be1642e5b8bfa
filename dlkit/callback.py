"""``mx.callback``: functions ``fit`` calls after each batch or each epoch.

Batch-end callbacks receive one ``BatchEndParam(epoch, nbatch, eval_metric, locals)``;
epoch-end callbacks receive ``(epoch, symbol, arg_params, aux_params)``::

    mod.fit(train_iter, num_epoch=5,
            batch_end_callback=mx.callback.Speedometer(batch_size, frequent=50),
            epoch_end_callback=mx.callback.do_checkpoint("mlp"))

The logging callbacks write with ``logging.info`` in MXNet's exact text, so configure
``logging.basicConfig(level=logging.INFO)`` to see them.
"""
import logging
import math
import time

__all__ = ["Speedometer", "do_checkpoint", "module_checkpoint", "log_train_metric",
           "ProgressBar", "LogValidationMetricsCallback", "StopTraining",
           "save_checkpoint"]


class StopTraining(Exception):
    """Raise it in a ``batch_end_callback`` to end ``Module.fit`` after this batch.

    ``fit`` catches it, logs ``Epoch[e] Training stopped after batch n: <reason>``,
    syncs the parameters across devices and returns: the parameters are those after
    the last completed batch, and no further validation or epoch-end callbacks run.
    The TrainingDashboard's Stop button works this way.

    Differs from MXNet: MXNet 1.9.1 has no way to stop ``fit`` early; there, any
    exception from a callback propagates. Nothing changes for callbacks that never
    raise it.

    Example
    -------
    >>> def stop_when_good(param):
    ...     if param.eval_metric.get()[1] > 0.99:
    ...         raise mx.callback.StopTraining("accuracy above 0.99")
    """


def module_checkpoint(mod, prefix, period=1, save_optimizer_states=False):
    """Epoch-end callback: ``mod.save_checkpoint(prefix, epoch + 1, ...)`` every
    ``period`` epochs."""
    period = int(max(1, period))

    def _callback(iter_no, sym=None, arg=None, aux=None):
        if (iter_no + 1) % period == 0:
            mod.save_checkpoint(prefix, iter_no + 1, save_optimizer_states)
    return _callback


def do_checkpoint(prefix, period=1):
    """Epoch-end callback: save ``prefix-symbol.json`` and ``prefix-%04d.params`` (epoch
    number counted from 1) every ``period`` epochs, with ``mx.model.save_checkpoint``.

    Example
    -------
    >>> checkpoint = mx.callback.do_checkpoint("net")
    >>> mod.fit(train_iter, num_epoch=2, epoch_end_callback=checkpoint)
    """
    period = int(max(1, period))

    def _callback(iter_no, sym, arg, aux):
        if (iter_no + 1) % period == 0:
            from .model import save_checkpoint  # model sits above callback: import late
            save_checkpoint(prefix, iter_no + 1, sym, arg, aux)
    return _callback


def save_checkpoint(prefix, epoch, symbol, arg_params, aux_params,
                    remove_amp_cast=True):
    """``mx.model.save_checkpoint`` (MXNet's callback module re-exports it).

    Example
    -------
    >>> mx.callback.save_checkpoint('mlp', 3, net, arg_params, aux_params)
    """
    from .model import save_checkpoint as model_save_checkpoint  # model sits above
    model_save_checkpoint(prefix, epoch, symbol, arg_params, aux_params,
                          remove_amp_cast=remove_amp_cast)


def log_train_metric(period, auto_reset=False):
    """Batch-end callback: log each training metric every ``period`` batches as
    ``Iter[epoch] Batch[nbatch] Train-name=value``; with ``auto_reset`` the metric's
    local average restarts after each log."""

    def _callback(param):
        if param.nbatch % period == 0 and param.eval_metric is not None:
            for name, value in param.eval_metric.get_name_value():
                logging.info("Iter[%d] Batch[%d] Train-%s=%f",
                             param.epoch, param.nbatch, name, value)
            if auto_reset:
                param.eval_metric.reset_local()
    return _callback


class Speedometer:
    """Batch-end callback: every ``frequent`` batches log the speed and the metrics.

    The line reads ``Epoch[e] Batch [a-b]\\tSpeed: s samples/sec\\tname=value``.

    Parameters
    ----------
    batch_size : int
        Samples per batch (for the speed).
    frequent : int
        Log every this many batches.
    auto_reset : bool
        Reset the metric's *local* average after each log, so each line reports only
        the last ``frequent`` batches.

    MXNet pitfall kept: with ``auto_reset=True`` (the default) the callback resets the
    metric it is given. Used as ``eval_batch_end_callback`` of ``fit``/``score``, the
    validation result then covers only the batches since the last log, not the whole
    validation set; pass ``auto_reset=False`` there. (The global average that ``fit``
    reports at the end of an epoch survives, since only ``reset_local`` is called.)

    Example
    -------
    >>> speedometer = mx.callback.Speedometer(batch_size=32, frequent=50)
    """

    def __init__(self, batch_size, frequent=50, auto_reset=True):
        self.batch_size = batch_size
        self.frequent = frequent
        self.init = False
        self.tic = 0
        self.last_count = 0
        self.auto_reset = auto_reset

    def __call__(self, param):
        count = param.nbatch
        if self.last_count > count:  # a new epoch started
            self.init = False
        self.last_count = count
        if not self.init:
            self.init = True
            self.tic = time.time()
            return
        if count % self.frequent != 0:
            return
        elapsed = time.time() - self.tic
        speed = float("inf")
        if elapsed > 0:
            speed = self.frequent * self.batch_size / elapsed
        if param.eval_metric is None:
            logging.info("Iter[%d] Batch [%d]\tSpeed: %.2f samples/sec",
                         param.epoch, count, speed)
        else:
            name_value = param.eval_metric.get_name_value()
            values = [item for pair in name_value for item in pair]
            if self.auto_reset:
                param.eval_metric.reset_local()
                message = "Epoch[%d] Batch [%d-%d]\tSpeed: %.2f samples/sec"
                message += "\t%s=%f" * len(name_value)
                logging.info(message, param.epoch, count - self.frequent, count, speed,
                             *values)
            else:
                message = "Epoch[%d] Batch [0-%d]\tSpeed: %.2f samples/sec"
                message += "\t%s=%f" * len(name_value)
                logging.info(message, param.epoch, count, speed, *values)
        self.tic = time.time()


class ProgressBar:
    """Batch-end callback: log a text progress bar ``[====------] 40%``.

    Parameters
    ----------
    total : int
        Batches per epoch.
    length : int
        Characters in the bar.
    """

    def __init__(self, total, length=80):
        self.bar_len = length
        self.total = total

    def __call__(self, param):
        count = param.nbatch
        filled_len = int(round(self.bar_len * count / float(self.total)))
        percents = math.ceil(100.0 * count / float(self.total))
        prog_bar = "=" * filled_len + "-" * (self.bar_len - filled_len)
        logging.info("[%s] %s%s\r", prog_bar, percents, "%")


class LogValidationMetricsCallback:
    """Eval-end callback: log ``Epoch[e] Validation-name=value`` for each metric."""

    def __call__(self, param):
        if not param.eval_metric:
            return
        for name, value in param.eval_metric.get_name_value():
            logging.info("Epoch[%d] Validation-%s=%f", param.epoch, name, value)
