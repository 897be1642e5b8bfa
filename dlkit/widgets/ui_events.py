"""Letting a widget click reach Python while a notebook cell is still running.

A Jupyter kernel handles one message at a time. While a cell runs ``mod.fit(...)``,
the click on the dashboard's Stop button is a message that waits in the queue until
the cell has finished, which is too late to stop anything::

    browser --click--> [ queue: comm_msg(Stop) ]  kernel: busy running fit ...
                                                   ... fit ends, then the click lands

``KernelEvents.poll()``, called from the dashboard's (throttled) redraw, lets the kernel
handle the queued widget messages right there, between two batches, so ``stop()`` runs
and ``fit`` ends at the next batch boundary. The hard part (asking ipykernel for one
iteration of its loop while it is busy, and holding back real cell executions until the
current cell is done) is done by the small ``jupyter-ui-poll`` package, installed with
``pip install -e ".[lessons]"``. Without it, or outside a kernel, ``poll`` does nothing
and a click is handled after the cell, as in plain ipywidgets.
"""
from ._common import in_notebook

__all__ = ["KernelEvents"]


class KernelEvents:
    """Process pending widget events of the running kernel, on demand.

    Example
    -------
    >>> events = KernelEvents()
    >>> events.poll()      # inside a running cell: button clicks are handled now
    >>> events.close()     # done automatically when the cell ends
    """

    def __init__(self):
        self._context = None
        self._poll = None

    def poll(self, max_events=10):
        """Handle up to ``max_events`` pending widget messages; False if impossible."""
        if self._poll is None and not self._open():
            return False
        self._poll(max_events)
        return True

    def _open(self):
        if not in_notebook():
            return False
        try:
            from jupyter_ui_poll import ui_events
        except ImportError:
            return False
        from IPython import get_ipython

        self._context = ui_events()
        self._poll = self._context.__enter__()
        # the polling helper runs a thread; end it when the learner's cell ends
        get_ipython().events.register("post_run_cell", self._close_after_cell)
        return True

    def _close_after_cell(self, *args):
        from IPython import get_ipython

        get_ipython().events.unregister("post_run_cell", self._close_after_cell)
        self.close()

    def close(self):
        """Stop polling (the next ``poll`` starts again)."""
        if self._context is not None:
            context = self._context
            self._context = None
            self._poll = None
            context.__exit__(None, None, None)
