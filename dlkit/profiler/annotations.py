"""Your own entries in the profiler's trace: timed regions (``Task``, ``Frame``,
``Event``), values over time (``Counter``) and instants (``Marker``), grouped by
``Domain``::

    domain = mx.profiler.Domain("data")
    task = domain.new_task("decode")    task.start() ... task.stop()  -> a bar
    counter = domain.new_counter("queued", 0)    counter += 32        -> a graph

Each is recorded only while the profiler runs and is not paused (``recorder.py``).
"""
from ..base import MXNetError
from .recorder import _add_duration, _add_event, _now_us, _recording


class Domain:
    """A named group for your own tasks, frames, counters and markers (it becomes
    their category in the trace and their section in ``dumps``).

    Example
    -------
    >>> domain = mx.profiler.Domain("data")
    >>> task = domain.new_task("decode")
    >>> task.start(); task.stop()
    """

    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name

    def new_task(self, name):
        """A ``Task`` in this domain."""
        return Task(self, name)

    def new_frame(self, name):
        """A ``Frame`` in this domain."""
        return Frame(self, name)

    def new_counter(self, name, value=None):
        """A ``Counter`` in this domain, optionally starting at ``value``."""
        return Counter(self, name, value)

    def new_marker(self, name):
        """A ``Marker`` in this domain."""
        return Marker(self, name)


class _Duration:
    """What ``Task``, ``Frame`` and ``Event`` share: ``start()``/``stop()`` time a
    region, recorded while the profiler runs and is not paused."""
    _category = ""

    def __init__(self, name, section):
        self.name = name
        self._section = section
        self._start_us = None

    def __str__(self):
        return self.name

    def start(self):
        """Start timing (again, if already started)."""
        self._start_us = _now_us()

    def stop(self):
        """Stop timing and record the region."""
        if self._start_us is None:
            raise MXNetError(f"profiler {type(self).__name__} {self.name!r}: stop() "
                             "without start()")
        duration_us = _now_us() - self._start_us
        if _recording():
            _add_duration(self.name, self._section, self._section, self._start_us,
                          duration_us)
        self._start_us = None


class Task(_Duration):
    """A unit of work you time with ``start()``/``stop()``; every pass adds to one row
    of its domain's statistics.

    Parameters
    ----------
    domain : Domain
    name : str
    """

    def __init__(self, domain, name):
        super().__init__(name, str(domain))


class Frame(_Duration):
    """Like ``Task``, for repeated periods such as one training iteration; listed in
    section ``'<domain>,frame'``."""

    def __init__(self, domain, name):
        super().__init__(name, f"{domain},frame")


class Event(_Duration):
    """A timed region that belongs to no domain (section ``'event'``).

    Example
    -------
    >>> event = mx.profiler.Event("epoch")
    >>> event.start(); event.stop()
    """

    def __init__(self, name):
        super().__init__(name, "event")


class Counter:
    """A value that changes over time, drawn as a graph in the trace.

    Example
    -------
    >>> samples = mx.profiler.Domain("data").new_counter("samples", 0)
    >>> samples += 32
    >>> samples.value
    32
    """

    def __init__(self, domain, name, value=None):
        self.name = name
        self._domain = str(domain)
        self.value = 0
        if value is not None:
            self.set_value(value)

    def __str__(self):
        return self.name

    def set_value(self, value):
        """Set the counter to ``value`` (an integer)."""
        self.value = int(value)
        if _recording():
            _add_event({"name": self.name, "cat": self._domain, "ph": "C",
                        "ts": _now_us(), "args": {self.name: self.value}})

    def increment(self, delta=1):
        """Add ``delta`` to the counter."""
        self.set_value(self.value + int(delta))

    def decrement(self, delta=1):
        """Subtract ``delta`` from the counter."""
        self.set_value(self.value - int(delta))

    def __iadd__(self, delta):
        self.increment(delta)
        return self

    def __isub__(self, delta):
        self.decrement(delta)
        return self


_SCOPES = {"global": "g", "process": "p", "thread": "t", "task": "t", "marker": "t"}


class Marker:
    """An instant in time, drawn as a line ('global', 'process') or a dot ('thread')
    in the trace."""

    def __init__(self, domain, name):
        self.name = name
        self.domain = domain

    def mark(self, scope="process"):
        """Record the marker now; ``scope`` is 'global', 'process', 'thread', 'task'
        or 'marker'."""
        if scope not in _SCOPES:
            raise MXNetError(f"Marker.mark: invalid scope {scope!r}; valid values are "
                             f"{sorted(_SCOPES)}")
        if _recording():
            _add_event({"name": self.name, "cat": f"{self.domain},instant_marker",
                        "ph": "i", "ts": _now_us(), "s": _SCOPES[scope]})
