"""``mx.engine``: bulk execution settings, kept for MXNet code that sets them.

MXNet pushes every operator to an asynchronous engine, which can bundle ("bulk") up to
``size`` small operators into one task to save scheduling work. dlkit has no engine: an
operator runs the moment it is called, so the bulk size is remembered and returned but
changes nothing.

Example
-------
>>> with mx.engine.bulk(10):
...     x = mx.nd.zeros((1,))
...     for i in range(100):
...         x += 1
"""
import operator

from .base import MXNetError

__all__ = ["set_bulk_size", "bulk"]

_bulk_size = 0   # MXNet's imperative bulk size starts at 0 (no bulking)


def set_bulk_size(size):
    """Set the bulk size (the most operators MXNet would bundle) and return the
    previous one.

    Differs from MXNet: no effect on execution (dlkit runs each operator eagerly).

    Parameters
    ----------
    size : int
        Maximum number of operators that can be bundled in a bulk.

    Returns
    -------
    int
        Previous bulk size.
    """
    global _bulk_size
    size = operator.index(size)   # a TypeError for non-integers, as in MXNet
    if size < 0:
        raise MXNetError(f"engine.set_bulk_size: size must be >= 0, got {size}")
    previous = _bulk_size
    _bulk_size = size
    return previous


class _BulkScope:
    """``with bulk(size):`` sets the bulk size and restores the previous one after."""

    def __init__(self, size):
        self._size = size
        self._old_size = None

    def __enter__(self):
        self._old_size = set_bulk_size(self._size)
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        set_bulk_size(self._old_size)


def bulk(size):
    """A scope in which the bulk size is ``size`` (see ``set_bulk_size``; no effect in
    dlkit).

    Example
    -------
    >>> with mx.engine.bulk(10):
    ...     y = mx.nd.ones((2,)) + 1
    """
    return _BulkScope(size)
