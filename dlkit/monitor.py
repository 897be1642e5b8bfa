"""``mx.mon``: watch statistics of the arrays inside an executor while training.

``Monitor`` asks each installed executor to report every op output (and input, with
``monitor_all``) during forward. Every ``interval`` batches it collects a statistic of
those arrays whose names match ``pattern``, plus the arguments and auxiliary states::

    mon = mx.mon.Monitor(interval=100, pattern=".*weight|.*output")
    mod.fit(..., monitor=mon)          # fit calls mon.tic() before and
                                       # mon.toc_print() after each batch
    Batch:     100 fc1_output                     0.0423

The default statistic is ``norm(x) / sqrt(x.size)``, the root mean square.
"""
import logging
import math
import re

from .ndarray import NDArray

__all__ = ["Monitor"]


def _root_mean_square(array):
    """``norm(x) / sqrt(size)`` as a one-element NDArray."""
    xp = array.context.xp
    value = xp.sqrt(xp.sum(array._data.astype("float64") ** 2)) / math.sqrt(array.size)
    return NDArray(xp.asarray([value], dtype=array._data.dtype), array.context)


class Monitor:
    """Collect a statistic of matching arrays every ``interval`` batches.

    Parameters
    ----------
    interval : int
        Collect on batches ``0, interval, 2*interval, ...`` (counted by ``tic``).
    stat_func : callable or None
        ``NDArray -> NDArray`` (or a list of them); default: root mean square.
    pattern : str
        Regular expression (``re.match``) the array names must match.
    sort : bool
        Sort the report by name.
    monitor_all : bool
        Also report every op's inputs, not only its outputs.

    Example
    -------
    >>> mon = mx.mon.Monitor(1, pattern=".*output")
    >>> mon.install(executor); mon.tic(); executor.forward(); mon.toc_print()
    """

    def __init__(self, interval, stat_func=None, pattern=".*", sort=False,
                 monitor_all=False):
        self.stat_func = stat_func if stat_func is not None else _root_mean_square
        self.interval = interval
        self.activated = False
        self.queue = []
        self.step = 0
        self.exes = []
        self.re_prog = re.compile(pattern)
        self.sort = sort
        self.monitor_all = monitor_all

    def stat_helper(self, name, array):
        """The callback executors call with each ``(name, NDArray)`` during forward."""
        if not self.activated or not self.re_prog.match(name):
            return
        self.queue.append((self.step, name, self.stat_func(array)))

    def install(self, exe):
        """Attach to an executor (``exe.set_monitor_callback``)."""
        exe.set_monitor_callback(self.stat_helper, self.monitor_all)
        self.exes.append(exe)

    def tic(self):
        """Start a batch; collecting is on when the batch count is a multiple of
        ``interval``."""
        if self.step % self.interval == 0:
            self.queue = []
            self.activated = True
        self.step += 1

    def toc(self):
        """End the batch: add the arguments and aux states, and return
        ``[(step, name, text)]`` (empty when this batch was not collected)."""
        if not self.activated:
            return []
        for exe in self.exes:
            for name, array in list(exe.arg_dict.items()) + list(exe.aux_dict.items()):
                if self.re_prog.match(name):
                    self.queue.append((self.step, name, self.stat_func(array)))
        self.activated = False
        if self.sort:
            self.queue.sort(key=lambda entry: entry[1])
        result = [(step, name, _format(stats)) for step, name, stats in self.queue]
        self.queue = []
        return result

    def toc_print(self):
        """``toc`` and log each entry as ``Batch: <step> <name> <value>``."""
        for step, name, text in self.toc():
            logging.info("Batch: {:7d} {:30s} {:s}".format(step, name, text))


def _format(stats):
    """Tab-separated text of one or more statistic arrays."""
    stats = stats if isinstance(stats, list) else [stats]
    text = ""
    for value in stats:
        if value.shape in ((1,), ()):
            text += str(value.asscalar()) + "\t"
        else:
            text += str(value.asnumpy()) + "\t"
    return text
