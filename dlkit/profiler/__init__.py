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

Two modules: ``recorder.py`` (configuration, state, the hook, ``dump``/``dumps``) and
``annotations.py`` (your own entries).

Differs from MXNet: dlkit runs each op when it is called, so a bar is the op's real
duration in Python; on a GPU the profiler waits for the device after each op to time it
(MXNet times the engine's asynchronous execution instead). dlkit has no C API or memory
pool to profile: ``profile_api`` and ``profile_memory`` are accepted and record nothing,
and ``continuous_dump`` does not write periodically (call ``dump``).
"""
from .annotations import Counter, Domain, Event, Frame, Marker, Task
from .recorder import (dump, dump_profile, dumps, pause, profiler_set_config,
                       profiler_set_state, resume, set_config, set_state)

__all__ = ["set_config", "profiler_set_config", "set_state", "profiler_set_state",
           "dump", "dump_profile", "dumps", "pause", "resume", "Domain", "Task",
           "Frame", "Event", "Counter", "Marker"]
