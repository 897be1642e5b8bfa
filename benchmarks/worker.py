"""One framework's benchmark process, driven by ``run.py`` through JSON lines.

Started as ``python worker.py MODULE API`` (``dlkit mx``, ``mxnet mx``, ``torch torch``,
``numpy numpy``), it imports MODULE once and answers requests read from stdin::

    {"op": "setup", "workload": "add_small", "warmup": 2}  -> {"ok": true}
    {"op": "time", "workload": "add_small"}                -> {"seconds": 0.0123}
    {"op": "drop", "workload": "add_small"}                -> {"ok": true}

A request that fails answers ``{"error": "<the exception's last line>"}``.

Replies go to a private copy of the original stdout; the framework's own prints are sent
to stderr so that they cannot corrupt the protocol.
"""
import importlib
import json
import os
import sys
import time
import traceback

from workloads import get_workload


def _error_text(exc):
    """The last line of a traceback: what the table shows for a failed workload."""
    lines = traceback.format_exception_only(type(exc), exc)
    return lines[-1].strip()


def main(module_name, api):
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    module = importlib.import_module(module_name)
    steps = {}
    for line in sys.stdin:
        request = json.loads(line)
        name = request["workload"]
        try:
            if request["op"] == "setup":
                step = get_workload(name).setups[api](module)
                for _ in range(request.get("warmup", 2)):
                    step()
                steps[name] = step
                reply = {"ok": True}
            elif request["op"] == "time":
                step = steps[name]
                number = get_workload(name).number
                # one untimed call first: after the runner's pause between repeats the
                # caches (and on a VM the virtual CPU) are cold, for every framework
                step()
                start = time.perf_counter()
                for _ in range(number):
                    step()
                reply = {"seconds": time.perf_counter() - start}
            else:
                steps.pop(name, None)
                reply = {"ok": True}
        except Exception as exc:  # a missing API must not stop the other workloads
            reply = {"error": _error_text(exc)}
        channel.write(json.dumps(reply) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
