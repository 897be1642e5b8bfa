"""Show the ``logging.info`` lines of ``Module.fit`` and ``Speedometer`` in notebooks.

MXNet logs training progress with ``logging.info``. A plain Python session prints
nothing at INFO level (the root logger starts at WARNING) and a Jupyter kernel shows
nothing either, so learners see a silent ``fit``. ``enable_notebook_logging`` adds ONE
handler that prints INFO records to ``sys.stdout`` (where notebook cells show output)
when nobody has configured logging yet. It never adds a second handler and never
touches a logging set-up the user made; records still go through ``logging``, so
``logging.basicConfig(...)`` or ``logger.setLevel`` keep working as usual.
"""

import logging
import sys

__all__ = ["enable_notebook_logging", "in_ipython"]

_HANDLER_NAME = "dlkit-notebook"


def in_ipython():
    """True when running under IPython or Jupyter."""
    return "IPython" in sys.modules and getattr(
        sys.modules["IPython"], "get_ipython", lambda: None)() is not None


class _StdoutHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stdout`` is *now* (Jupyter swaps it per cell)."""

    def __init__(self):
        super().__init__()
        self.set_name(_HANDLER_NAME)

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, value):
        # logging.StreamHandler assigns it; we always use sys.stdout
        pass


def enable_notebook_logging(force=False):
    """Print INFO records of the root logger to stdout, once; return True if added.

    Does nothing (returns False) when the root logger already has a handler (the user or
    a library configured logging) unless ``force``, or when it was already enabled.
    """
    root = logging.getLogger()
    if any(handler.get_name() == _HANDLER_NAME for handler in root.handlers):
        return False
    if root.handlers and not force:
        return False
    handler = _StdoutHandler()
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    return True
