"""``mx.profiler``: where the time goes, operator by operator.

Every operator dlkit runs passes through one of three loops: ``invoke`` (``mx.nd``,
ndarray/dispatch.py), the Executor's forward and backward (``mx.sym``, ``Module``,
hybridized Gluon; executor.py) and the autograd tape's backward (tape.py). Each loop
holds a module-level ``_profile_hook``, ``None`` while the profiler is off, so an
unprofiled op pays for one ``is not None`` test and nothing else. ``set_state('run')``
sets the hooks to ``_record_operator``, which times each op into two stores::

    set_config(filename=..., aggregate_stats=True)   what to record, where to write it
          |
    set_state('run') --- pause() / resume() --- set_state('stop')
          |                                          |
          |  every op: a trace event ('X', start, duration) -> dump(): Chrome trace
          |            + statistics (count, total, min, max) -> dumps(): a table

Open the trace file in ``chrome://tracing`` or https://ui.perfetto.dev to see each op as
a bar on a timeline. ``Domain``/``Task``/``Frame``/``Event``/``Counter``/``Marker`` add
your own bars, counters and instants to the same trace.

Differs from MXNet: dlkit runs each op when it is called, so a bar is the op's real
duration in Python; on a GPU the profiler waits for the device after each op to time it
(MXNet times the engine's asynchronous execution instead). dlkit has no C API or memory
pool to profile: ``profile_api`` and ``profile_memory`` are accepted and record nothing,
and ``continuous_dump`` does not write periodically (call ``dump``).
"""
import json
import os
import tempfile
import threading
import time

from . import executor, tape
from .base import MXNetError
from .ndarray import dispatch

__all__ = ["set_config", "profiler_set_config", "set_state", "profiler_set_state",
           "dump", "dump_profile", "dumps", "pause", "resume", "Domain", "Task",
           "Frame", "Event", "Counter", "Marker"]

_BOOLEAN_OPTIONS = ("profile_all", "profile_symbolic", "profile_imperative",
                    "profile_memory", "profile_api", "continuous_dump",
                    "aggregate_stats")
_DEFAULTS = {"profile_all": False, "profile_symbolic": True, "profile_imperative": True,
             "profile_memory": True, "profile_api": True, "filename": "profile.json",
             "continuous_dump": True, "dump_period": 1.0, "aggregate_stats": False,
             "profile_process": "worker"}

_config = dict(_DEFAULTS)
_lock = threading.Lock()   # user threads may record while another one dumps
_events = []       # trace events since set_state('run'), in Chrome's JSON format
_stats = {}        # {(section, name): [count, total_ms, min_ms, max_ms]}
_running = False   # set_state('run') and not yet 'stop'
_paused = False
_started = False   # something to dump: set by 'run', cleared by dump(finished=True)


# ---- configuration and state ----
def set_config(**kwargs):
    """Configure the profiler (keyword arguments only).

    Parameters
    ----------
    filename : str
        Where ``dump`` writes the trace, default ``'profile.json'``.
    profile_all : bool
        Turn every ``profile_*`` option on.
    profile_symbolic, profile_imperative : bool
        Time Executor ops (``mx.sym``, ``Module``, hybridized Gluon) and ``mx.nd``/
        autograd ops; both default to True.
    aggregate_stats : bool
        Keep per-op statistics for ``dumps``; default False (``dumps`` returns '').
    profile_memory, profile_api, continuous_dump, dump_period, profile_process
        Accepted as in MXNet; dlkit records nothing for them (see the module docstring).

    Example
    -------
    >>> mx.profiler.set_config(profile_all=True, aggregate_stats=True,
    ...                        filename="trace.json")
    """
    parsed = {}
    for key, value in kwargs.items():
        if key not in _DEFAULTS:
            raise MXNetError(f"profiler.set_config: cannot find argument {key!r}; the "
                             f"arguments are {sorted(_DEFAULTS)}")
        parsed[key] = _parse_option(key, value)
    if parsed.get("profile_process") == "server":
        raise MXNetError("profiler.set_config: profile_process='server' profiles a "
                         "distributed kvstore server, which dlkit does not have")
    _config.update(parsed)
    _switch_hooks()


def _parse_option(key, value):
    if key in _BOOLEAN_OPTIONS:
        text = str(value).strip().lower()
        if text not in ("true", "false", "1", "0"):
            raise MXNetError(f"profiler.set_config: {key} must be a boolean, got "
                             f"{value!r}")
        return text in ("true", "1")
    if key == "dump_period":
        return float(value)
    if key == "profile_process" and value not in ("worker", "server"):
        raise MXNetError(f"profiler.set_config: profile_process must be 'worker' or "
                         f"'server', got {value!r}")
    return str(value)


def profiler_set_config(mode="symbolic", filename="profile.json"):
    """Deprecated form of ``set_config``: turns on ``profile_<mode>`` ('symbolic' or
    'all') and sets the file name."""
    import warnings
    warnings.warn("profiler.profiler_set_config() is deprecated. "
                  "Please use profiler.set_config() instead")
    set_config(**{"profile_" + mode: True, "filename": filename})


def set_state(state="stop", profile_process="worker"):
    """Start (``'run'``) or stop (``'stop'``) recording.

    Starting keeps what an earlier run recorded until ``dump`` writes it or
    ``dumps(reset=True)`` clears the statistics.

    Example
    -------
    >>> mx.profiler.set_state("run")
    >>> y = mx.nd.ones((3,)) * 2      # recorded
    >>> mx.profiler.set_state("stop")
    """
    global _running, _paused, _started
    if state not in ("run", "stop"):
        raise MXNetError(f"profiler.set_state: state must be 'run' or 'stop', got "
                         f"{state!r}")
    _check_process(profile_process)
    _running = state == "run"
    _paused = False
    _started = _started or _running
    _switch_hooks()


def profiler_set_state(state="stop"):
    """Deprecated form of ``set_state``."""
    import warnings
    warnings.warn("profiler.profiler_set_state() is deprecated. "
                  "Please use profiler.set_state() instead")
    set_state(state)


def pause(profile_process="worker"):
    """Stop recording for a while, without ending the run (see ``resume``)."""
    global _paused
    _check_process(profile_process)
    _paused = True
    _switch_hooks()


def resume(profile_process="worker"):
    """Record again after ``pause``."""
    global _paused
    _check_process(profile_process)
    _paused = False
    _switch_hooks()


def _check_process(profile_process):
    if profile_process != "worker":
        raise MXNetError(f"profiler: profile_process={profile_process!r} needs a "
                         "distributed kvstore server, which dlkit does not have; use "
                         "'worker'")


def _recording():
    return _running and not _paused


def _switch_hooks():
    """Point the three op loops at ``_record_operator``, or at None to switch off."""
    on = _recording()
    everything = _config["profile_all"]
    imperative = _record_operator if on and (
        everything or _config["profile_imperative"]) else None
    symbolic = _record_operator if on and (
        everything or _config["profile_symbolic"]) else None
    dispatch._profile_hook = imperative
    tape._profile_hook = imperative
    executor._profile_hook = symbolic


# ---- recording ----
def _now_us():
    return time.perf_counter_ns() / 1000.0


def _record_operator(name, mode, start_ns, xp):
    """The hook: called after an op ran with the ``perf_counter_ns`` it started at.

    ``mode`` is 'imperative' or 'symbolic'. CuPy returns before the GPU finishes, so
    wait for it: the bar then shows the op's real duration.
    """
    if xp.__name__ == "cupy":
        xp.cuda.get_current_stream().synchronize()
    end_ns = time.perf_counter_ns()
    _add_duration(name, f"operator,{mode}", "operator", start_ns / 1000.0,
                  (end_ns - start_ns) / 1000.0)


def _add_duration(name, category, section, start_us, duration_us):
    """One complete event ('X') for the trace, plus statistics if asked for."""
    event = {"name": name, "cat": category, "ph": "X", "ts": round(start_us, 3),
             "dur": round(duration_us, 3), "pid": os.getpid(),
             "tid": threading.get_ident()}
    with _lock:
        _events.append(event)
        if _config["aggregate_stats"]:
            milliseconds = duration_us / 1000.0
            row = _stats.get((section, name))
            if row is None:
                _stats[(section, name)] = [1, milliseconds, milliseconds, milliseconds]
            else:
                row[0] += 1
                row[1] += milliseconds
                row[2] = min(row[2], milliseconds)
                row[3] = max(row[3], milliseconds)


def _add_event(event):
    event.update(pid=os.getpid(), tid=threading.get_ident())
    with _lock:
        _events.append(event)


# ---- output ----
def dump(finished=True, profile_process="worker"):
    """Write the trace recorded so far to the configured ``filename``.

    The file is Chrome's trace format (``{"traceEvents": [...]}``), written to a
    temporary file first and then renamed, so a reader never sees half a file.
    ``finished=True`` also stops the profiler and forgets the trace.

    Example
    -------
    >>> mx.profiler.dump()   # then open profile.json in chrome://tracing
    """
    global _started
    _check_process(profile_process)
    if not _started:
        raise MXNetError("profiler.dump: the profiler hasn't been run; call "
                         "set_config(...) and set_state('run') first")
    with _lock:
        events = list(_events)
        if finished:
            _events.clear()
    metadata = {"name": "process_name", "ph": "M", "pid": os.getpid(),
                "args": {"name": "dlkit"}}
    _write_atomically(_config["filename"],
                      {"traceEvents": [metadata] + events, "displayTimeUnit": "ms"})
    if finished:
        set_state("stop")
        _started = False


def _write_atomically(filename, document):
    folder = os.path.dirname(os.path.abspath(filename))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".profile-",
                                         suffix=".json")
    try:
        with os.fdopen(handle, "w") as file:
            json.dump(document, file)
        os.replace(temporary, filename)
    except BaseException:
        os.unlink(temporary)
        raise


def dump_profile():
    """Deprecated form of ``dump()``."""
    import warnings
    warnings.warn("profiler.dump_profile() is deprecated. "
                  "Please use profiler.dump() instead")
    dump(True)


_SORT_COLUMNS = {"total": 1, "avg": None, "min": 2, "max": 3, "count": 0}
_HEADER = ("Name                          Total Count        Time (ms)    Min Time (ms)"
           "    Max Time (ms)    Avg Time (ms)\n"
           "----                          -----------        ---------    -------------"
           "    -------------    -------------\n")


def dumps(reset=False, format="table", sort_by="total", ascending=False):
    """The aggregate statistics as text: per section, one row per name with its
    count and total, min, max and average time in milliseconds.

    Needs ``set_config(aggregate_stats=True)`` (else it returns ''). ``format`` is
    'table' or 'json'; rows are sorted by ``sort_by`` ('total', 'avg', 'min', 'max'
    or 'count'); ``reset=True`` clears the statistics after reading them.

    Example
    -------
    >>> print(mx.profiler.dumps())   # doctest: +SKIP
    operator
    =================
    Name                          Total Count        Time (ms) ...
    broadcast_add                           2           0.0120 ...
    """
    if format not in ("table", "json"):
        raise MXNetError(f"profiler.dumps: format must be 'table' or 'json', got "
                         f"{format!r}")
    if sort_by not in _SORT_COLUMNS:
        raise MXNetError(f"profiler.dumps: sort_by must be one of "
                         f"{list(_SORT_COLUMNS)}, got {sort_by!r}")
    if not _config["aggregate_stats"]:
        return ""
    with _lock:
        sections = {}
        for (section, name), row in _stats.items():
            sections.setdefault(section, []).append((name, *row, row[1] / row[0]))
        if reset:
            _stats.clear()
    column = _SORT_COLUMNS[sort_by]
    column = 5 if column is None else column + 1   # +1: the name comes first
    for rows in sections.values():
        rows.sort(key=lambda row: row[column], reverse=not ascending)
    if format == "json":
        return _stats_json(sections)
    text = ("\nProfile Statistics:\n"
            "\tNote the difference in units for different entries.\n")
    for section in sorted(sections):
        text += f"{section}\n=================\n" + _HEADER
        for name, count, total, low, high, average in sections[section]:
            text += (f"{name:<30}{count:>11}{total:>17.4f}{low:>17.4f}{high:>17.4f}"
                     f"{average:>17.4f}\n")
        text += "\n"
    return text


def _stats_json(sections):
    time_stats = {section: {name: {"Count": count, "Total": round(total, 6),
                                   "Min": round(low, 6), "Max": round(high, 6),
                                   "Avg": round(average, 6)}
                            for name, count, total, low, high, average in rows}
                  for section, rows in sorted(sections.items())}
    return json.dumps({"Time": time_stats, "Memory": {},
                       "Unit": {"Time": "ms", "Memory": "kB"}}, indent=4)


# ---- user annotations ----
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
