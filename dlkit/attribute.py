"""``mx.AttrScope``: attributes given to every symbol created in a ``with`` block.

    with mx.AttrScope(ctx_group="dev1", lr_mult="0.1"):
        # fc, fc_weight and fc_bias carry __ctx_group__ and __lr_mult__
        fc = mx.sym.FullyConnected(data, num_hidden=10)

Scopes nest: an inner scope starts from the outer scope's attributes and adds its own.
A few well-known keys (``HIDDEN_KEYS``) are stored with double underscores, as MXNet
does, so ``lr_mult`` becomes ``__lr_mult__`` in the Symbol JSON.
"""

import threading

__all__ = ["AttrScope"]

# MXNet stores these keys as ``__key__`` and lists them under both spellings.
HIDDEN_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage",
               "profiler_scope")

_state = threading.local()


class AttrScope:
    """Attribute manager for scoping: ``with mx.AttrScope(ctx_group='dev1'): ...``.

    Parameters
    ----------
    **kwargs : str
        Attributes every symbol created in the scope receives. Values must be strings.

    Example
    -------
    >>> with mx.AttrScope(lr_mult="2"):
    ...     w = mx.sym.Variable("w")
    >>> w.attr("lr_mult")
    '2'
    """

    def __init__(self, **kwargs):
        for key, value in kwargs.items():
            if not isinstance(value, str):
                raise ValueError(f"AttrScope: attribute {key!r} must be a string, got "
                                 f"{value!r}; write it as str(value)")
        self._attr = kwargs
        self._old_scope = None

    def get(self, attr):
        """The scope's attributes updated with ``attr`` (the ones given at creation)."""
        if not self._attr:
            return dict(attr) if attr else {}
        result = dict(self._attr)
        if attr:
            result.update(attr)
        return result

    def __enter__(self):
        self._old_scope = current()
        merged = dict(self._old_scope._attr)
        merged.update(self._attr)
        self._attr = merged
        _state.scope = self
        return self

    def __exit__(self, *exc):
        _state.scope = self._old_scope


def current():
    """The innermost active ``AttrScope`` (an empty one outside any ``with`` block)."""
    scope = getattr(_state, "scope", None)
    if scope is None:
        scope = AttrScope()
        _state.scope = scope
    return scope
