"""KernelEvents: widget clicks handled during a running cell, closed when it ends."""
import sys
import types

from dlkit.widgets import ui_events
from dlkit.widgets.ui_events import KernelEvents


def test_poll_outside_a_notebook_does_nothing():
    events = KernelEvents()
    assert events.poll() is False
    events.close()


class _FakeEvents:
    def __init__(self):
        self.callbacks = []

    def register(self, name, callback):
        assert name == "post_run_cell"
        self.callbacks.append(callback)

    def unregister(self, name, callback):
        self.callbacks.remove(callback)

    def end_cell(self):
        for callback in list(self.callbacks):
            callback()


class _FakeUiEvents:
    """Stands in for jupyter_ui_poll.ui_events(): counts polls, enters and exits."""

    def __init__(self, log):
        self.log = log

    def __enter__(self):
        self.log.append("enter")
        return lambda count: self.log.append(f"poll {count}")

    def __exit__(self, *exc):
        self.log.append("exit")


def test_poll_opens_once_polls_each_time_and_closes_at_cell_end(monkeypatch):
    log = []
    shell_events = _FakeEvents()
    fake_poll = types.ModuleType("jupyter_ui_poll")
    fake_poll.ui_events = lambda: _FakeUiEvents(log)
    fake_ipython = types.SimpleNamespace(events=shell_events)
    monkeypatch.setitem(sys.modules, "jupyter_ui_poll", fake_poll)
    monkeypatch.setattr(ui_events, "in_notebook", lambda: True)
    monkeypatch.setattr("IPython.get_ipython", lambda: fake_ipython)

    events = KernelEvents()
    assert events.poll() is True
    assert events.poll(3) is True
    assert log == ["enter", "poll 10", "poll 3"]
    shell_events.end_cell()
    assert log[-1] == "exit" and shell_events.callbacks == []
    assert events.poll() is True          # a later cell opens a new polling context
    assert log[-2:] == ["enter", "poll 10"]
