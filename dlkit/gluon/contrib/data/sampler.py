"""``IntervalSampler``: every ``interval``-th index, then the skipped ones in turn.

    IntervalSampler(10, 3)                  0 3 6 9 | 1 4 7 | 2 5 8
    IntervalSampler(10, 3, rollover=False)  0 3 6 9

Useful to cut one long sequence into ``interval`` interleaved streams (truncated
back-propagation through time over a corpus).
"""
from ...data.sampler import Sampler

__all__ = ["IntervalSampler"]


class IntervalSampler(Sampler):
    """Sample ``[0, length)`` at fixed intervals.

    Parameters
    ----------
    length : int
        Length of the sequence.
    interval : int
        Step between two samples; at most ``length``.
    rollover : bool, default True
        After reaching the end, start again from the first skipped index, until every
        index is visited; False stops at the end.

    MXNet quirk kept: ``len()`` is ``length`` even with ``rollover=False``, where
    fewer indices come out.

    Differs from MXNet: ``interval > length`` raises ``ValueError`` (MXNet: an
    ``AssertionError`` with the same message).

    Example
    -------
    >>> list(mx.gluon.contrib.data.IntervalSampler(13, interval=3))
    [0, 3, 6, 9, 12, 1, 4, 7, 10, 2, 5, 8, 11]
    >>> list(mx.gluon.contrib.data.IntervalSampler(13, interval=3, rollover=False))
    [0, 3, 6, 9, 12]
    """

    def __init__(self, length, interval, rollover=True):
        if interval > length:
            raise ValueError(f"Interval {interval} must be smaller than or equal to "
                             f"length {length}")
        self._length = length
        self._interval = interval
        self._rollover = rollover

    def __iter__(self):
        starts = range(self._interval) if self._rollover else [0]
        for start in starts:
            yield from range(start, self._length, self._interval)

    def __len__(self):
        return self._length
