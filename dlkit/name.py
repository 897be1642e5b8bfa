"""``mx.name``: automatic names for symbols (``fullyconnected0``, ``activation1`` ...).

A ``NameManager`` counts how many nodes of each op it has named. ``with
mx.name.Prefix('net_'):`` prepends a prefix to every name made inside the block.
"""
import threading

__all__ = ["NameManager", "Prefix", "current"]

_state = threading.local()


class NameManager:
    """Gives each new node a unique name: ``hint`` + a counter per hint."""

    def __init__(self):
        self._counter = {}
        self._old_manager = None

    def get(self, name, hint):
        """``name`` if given, else ``hint`` followed by this manager's next count."""
        if name:
            return name
        count = self._counter.get(hint, 0)
        self._counter[hint] = count + 1
        return f"{hint}{count}"

    def __enter__(self):
        self._old_manager = current()
        _state.manager = self
        return self

    def __exit__(self, *exc):
        _state.manager = self._old_manager


class Prefix(NameManager):
    """A ``NameManager`` that puts ``prefix`` before every name it returns."""

    def __init__(self, prefix):
        super().__init__()
        self._prefix = prefix

    def get(self, name, hint):
        return self._prefix + super().get(name, hint)


def current():
    """The active name manager (a process-wide one outside any ``with`` block)."""
    manager = getattr(_state, "manager", None)
    if manager is None:
        manager = NameManager()
        _state.manager = manager
    return manager
