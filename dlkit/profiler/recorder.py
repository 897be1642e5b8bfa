"""The profiler's recorder: its configuration and state, the hook every op loop calls
while it runs, the two stores it fills, and ``dump``/``dumps``, which write them out.

Each op loop (``invoke`` in ndarray/dispatch.py, the Executor in executor.py, the
autograd tape in tape.py) holds a module-level ``_profile_hook``, ``None`` while the
profiler is off. ``_switch_hooks`` points it at ``_record_operator`` when recording
starts and back at ``None`` when it stops or pauses::

    _record_operator(name, mode, start_ns, xp)
        -> _events: one trace event ('X', start, duration)   -> dump(): Chrome trace
        -> _stats:  count, total, min, max per (section, name) -> dumps(): a table

``annotations.py`` adds your own events to the same two stores.
"""
import json
import os
import tempfile
import threading
import time

from .. import executor, tape
from ..base import MXNetError
from ..ndarray import dispatch


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
        Accepted as in MXNet; dlkit records nothing for them (see ``mx.profiler``).

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
