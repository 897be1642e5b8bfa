"""``ParameterDict``: an ordered map from full names (``dense0_weight``) to Parameters.

Blocks share parameters by sharing dicts (``params=other.collect_params()``);
``get`` creates a parameter on first use and returns the same object afterwards.
``save``/``load`` use MXNet's binary ``.params`` file (``mx.nd.save``/``mx.nd.load``),
``load_dict`` also accepts the ``arg:``/``aux:`` keys of files written by ``export``.
"""
import re
from collections import OrderedDict

import numpy as np

from .. import initializer, ndarray
from ..base import MXNetError
from .parameter import Constant, Parameter, _brief_list

__all__ = ["ParameterDict"]


class ParameterDict:
    """An ordered ``{full name: Parameter}`` map with a common prefix.

    Example
    -------
    >>> params = mx.gluon.ParameterDict('net_')
    >>> params.get('weight', shape=(2, 2))
    Parameter net_weight (shape=(2, 2), dtype=<class 'numpy.float32'>)
    """

    def __init__(self, prefix="", shared=None):
        self._prefix = prefix
        self._params = OrderedDict()
        self._shared = shared

    def __repr__(self):
        name = self._prefix + " " if self._prefix else ""
        content = "\n".join(f"  {value}" for value in self.values())
        return f"{name}(\n{content}\n)"

    def __getitem__(self, key):
        return self._params[key]

    def __iter__(self):
        return iter(self._params)

    def __contains__(self, key):
        return key in self._params

    def __len__(self):
        return len(self._params)

    def items(self):
        return self._params.items()

    def keys(self):
        return self._params.keys()

    def values(self):
        return self._params.values()

    @property
    def prefix(self):
        """The prefix every name ``get`` creates starts with."""
        return self._prefix

    def _get_impl(self, name):
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._params[name]
        return None

    def get(self, name, **kwargs):
        """The parameter ``prefix + name``, created with ``kwargs`` if it is new.

        An existing one must agree with ``kwargs``; a 0 in either shape is completed
        from the other.
        """
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            param = Parameter(name, **kwargs)
            self._params[name] = param
            return param
        for key, value in kwargs.items():
            existing = getattr(param, key, None)
            if existing is None or value is None:
                if value is not None:
                    setattr(param, key, value)
                continue
            if key == "shape":
                value = (value,) if isinstance(value, int) else tuple(value)
                if len(value) == len(existing) and all(
                        a == b or 0 in (a, b) for a, b in zip(value, existing)):
                    param._shape = tuple(max(a, b) for a, b in zip(value, existing))
                    continue
            elif key == "dtype" and np.dtype(value) == np.dtype(existing):
                continue
            if value != existing:
                raise MXNetError(f"Cannot retrieve Parameter '{name}' because desired "
                                 f"attribute does not match with stored for attribute "
                                 f"'{key}': desired '{value}' vs stored '{existing}'.")
        return param

    def get_constant(self, name, value=None):
        """The constant ``prefix + name`` (created from ``value`` if new)."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise MXNetError(f"No constant named '{name}'. Please specify value if "
                                 "you want to create a new constant.")
            param = Constant(name, value)
            self._params[name] = param
        return param

    def update(self, other):
        """Add the parameters of another dict (same name must mean same Parameter)."""
        for name, value in other.items():
            if name in self._params and self._params[name] is not value:
                raise MXNetError(f"Cannot update self with other because they have "
                                 f"different Parameters with the same name '{name}'")
            self._params[name] = value

    def initialize(self, init=None, ctx=None, verbose=False, force_reinit=False):
        """Initialize every parameter; ``init`` (default ``Uniform()``) is the default
        initializer, a parameter's own ``init`` wins over it."""
        if init is None:
            init = initializer.Uniform()
        if verbose and hasattr(init, "set_verbosity"):
            init.set_verbosity(verbose=verbose)
        for param in self.values():
            param.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self):
        """Set every gradient to 0."""
        for param in self.values():
            param.zero_grad()

    def reset_ctx(self, ctx):
        """Move every parameter to ``ctx``."""
        for param in self.values():
            param.reset_ctx(ctx)

    def list_ctx(self):
        """Every context used by some parameter."""
        contexts = []
        for param in self.values():
            for ctx in param.list_ctx():
                if ctx not in contexts:
                    contexts.append(ctx)
        return contexts

    def setattr(self, name, value):
        """Set one attribute on every parameter: ``setattr('grad_req', 'null')``."""
        for param in self.values():
            setattr(param, name, value)

    def select(self, pattern):
        """The parameters whose name matches a regular expression (a new dict)."""
        regex = re.compile(pattern)
        selected = ParameterDict(self._prefix)
        selected.update({k: v for k, v in self.items() if regex.match(k)})
        return selected

    def save(self, filename, strip_prefix=""):
        """Write every parameter to an MXNet ``.params`` file (names minus
        ``strip_prefix``)."""
        arrays = {}
        for param in self.values():
            if not param.name.startswith(strip_prefix):
                raise MXNetError(
                    f"Prefix '{strip_prefix}' is to be striped before saving, but "
                    f"Parameter's name '{param.name}' does not start with "
                    f"'{strip_prefix}'. This may be due to your Block sharing "
                    "parameters from other Blocks or forgetting 'with name_scope()' "
                    "when creating child blocks.")
            arrays[param.name[len(strip_prefix):]] = param._reduce()
        ndarray.save(filename, arrays)

    def load(self, filename, ctx=None, allow_missing=False, ignore_extra=False,
             restore_prefix="", cast_dtype=False, dtype_source="current"):
        """Read parameters from a ``.params`` file (names plus ``restore_prefix``)."""
        for name in self.keys():
            if restore_prefix and not name.startswith(restore_prefix):
                raise MXNetError(f"restore_prefix is '{restore_prefix}' but "
                                 f"Parameter's name '{name}' does not start with "
                                 f"'{restore_prefix}'")
        self.load_dict(ndarray.load(filename), ctx, allow_missing, ignore_extra,
                       restore_prefix, filename, cast_dtype, dtype_source)

    def load_dict(self, param_dict, ctx=None, allow_missing=False, ignore_extra=False,
                  restore_prefix="", filename=None, cast_dtype=False,
                  dtype_source="current"):
        """Take parameters from a ``{name: NDArray}`` dict (``arg:``/``aux:`` stripped).
        """
        loaded = {}
        for key, value in param_dict.items():
            if key.startswith(("arg:", "aux:")):
                key = key[4:]
            loaded[restore_prefix + key] = value
        source = f"file: {filename}" if filename else "param_dict"
        if not allow_missing:
            for name in self.keys():
                if name not in loaded:
                    raise MXNetError(
                        f"Parameter '{name}' is missing in {source}, which contains "
                        f"parameters: {_brief_list(loaded)}. Please make sure source "
                        "and target networks have the same prefix, or set "
                        "allow_missing=True to ignore missing parameters.")
        for name, value in loaded.items():
            if name not in self._params:
                if not ignore_extra:
                    raise MXNetError(
                        f"Parameter '{name}' loaded from {source} is not present in "
                        f"ParameterDict, choices are: {_brief_list(self.keys())}. Set "
                        "ignore_extra=True to ignore. Please make sure source and "
                        "target networks have the same prefix.")
                continue
            self[name]._load_init(value, ctx, cast_dtype=cast_dtype,
                                  dtype_source=dtype_source)
