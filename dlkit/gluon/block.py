"""Gluon's ``Block``: a piece of network that owns parameters and child blocks.

A block is built in ``__init__`` and run by calling it::

    class MLP(gluon.Block):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)          # prefix 'mlp0_', params ParameterDict
            with self.name_scope():             # children get 'mlp0_dense0_' ...
                self.hidden = nn.Dense(256)     # __setattr__ registers the child
        def forward(self, x):
            return self.hidden(x)

Names: a block with no ``prefix`` gets ``<class name lower><count>_``. Outside any
``name_scope`` the count comes from the process-wide ``mx.name`` manager (``dense0_``,
``dense1_``); inside a parent's ``name_scope`` it restarts per parent and the parent's
prefix goes first (``sequential0_dense0_``). Parameter names are prefix + own name
(``dense0_weight``). ``HybridBlock`` (``hybrid_block.py``) adds ``hybridize``.
"""
import re
import threading
import warnings
from collections import OrderedDict

from .. import name as _name
from .. import ndarray
from ..base import MXNetError
from .parameter import Parameter, _brief_list
from .parameter_dict import ParameterDict

__all__ = ["Block"]


class _BlockScope:
    """The name scope of one block: counts the children created inside it."""
    _current = threading.local()

    def __init__(self, block):
        self._block = block
        self._counter = {}
        self._old_scope = None
        self._name_scope = None

    @staticmethod
    def create(prefix, params, hint):
        """``(prefix, ParameterDict)`` for a new block whose class name is ``hint``."""
        current = getattr(_BlockScope._current, "value", None)
        if current is None:
            if prefix is None:
                prefix = _name.current().get(None, hint) + "_"
            if params is None:
                params = ParameterDict(prefix)
            else:
                params = ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = f"{hint}{count}_"
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self):
        if self._block._empty_prefix:
            return self
        self._old_scope = getattr(_BlockScope._current, "value", None)
        _BlockScope._current.value = self
        # symbols made inside (hybrid_forward with F=symbol) get the prefix too
        self._name_scope = _name.Prefix(self._block.prefix)
        self._name_scope.__enter__()
        return self

    def __exit__(self, *exc):
        if self._block._empty_prefix:
            return
        self._name_scope.__exit__(*exc)
        self._name_scope = None
        _BlockScope._current.value = self._old_scope


def _indent(text, spaces):
    """Indent every line but the first (how MXNet nests child reprs)."""
    lines = text.split("\n")
    return "\n".join([lines[0]] + [" " * spaces + line for line in lines[1:]])


class HookHandle:
    """Returned by ``register_forward_hook``; ``detach()`` removes the hook."""

    def __init__(self, hooks, hook):
        self._hooks = hooks
        self._key = id(hook)
        hooks[self._key] = hook

    def detach(self):
        self._hooks.pop(self._key, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.detach()


class Block:
    """Base class of every Gluon layer and model (MXNet's ``gluon.Block``).

    Parameters
    ----------
    prefix : str, optional
        Prefix of this block's name and its parameters' names.
    params : ParameterDict, optional
        Share these parameters instead of creating new ones.
    """

    def __init__(self, prefix=None, params=None):
        self._empty_prefix = prefix == ""
        self._prefix, self._params = _BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith("_") else self._prefix
        self._scope = _BlockScope(self)
        self._children = OrderedDict()
        self._reg_params = {}
        self._forward_hooks = OrderedDict()
        self._forward_pre_hooks = OrderedDict()

    def _alias(self):
        return type(self).__name__.lower()

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Notebook display: MXNet's repr plus a summary (see widgets/display.py)."""
        from ..widgets.display import block_mimebundle
        return block_mimebundle(self)

    def __repr__(self):
        children = "\n".join(f"  ({key}): {_indent(repr(value), 2)}"
                             for key, value in self.__dict__.items()
                             if isinstance(value, Block))
        return f"{type(self).__name__}(\n{children}\n)"

    def __setattr__(self, name, value):
        """Attributes that are Blocks become children; Parameters get registered."""
        if hasattr(self, name):
            existing = getattr(self, name)
            if isinstance(existing, (Parameter, Block)) and not isinstance(
                    value, type(existing)):
                raise TypeError(f"Changing attribute type for {name} from "
                                f"{type(existing)} to {type(value)} is not allowed.")
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            if name in self._reg_params:
                raise MXNetError(
                    f"Overriding Parameter attribute {name} is not allowed. "
                    "If you want to share parameters between blocks, please "
                    "set 'params' at Block construction instead."
                )
            self._reg_params[name] = value
        super().__setattr__(name, value)

    # ---- names and parameters ----
    @property
    def prefix(self):
        """The prefix of this block's and its parameters' names (``dense0_``)."""
        return self._prefix

    @property
    def name(self):
        """The prefix without its trailing underscore (``dense0``)."""
        return self._name

    def name_scope(self):
        """``with block.name_scope():`` prefixes children (and symbols) made inside."""
        return self._scope

    @property
    def params(self):
        """This block's own ParameterDict (children's parameters not included)."""
        return self._params

    def collect_params(self, select=None):
        """A ParameterDict with the parameters of this block and all its children.

        ``select`` is a regular expression matched against full names, such as
        ``'.*weight|.*bias'``.
        """
        collected = ParameterDict(self._params.prefix)
        if select is None:
            collected.update(self.params)
        else:
            pattern = re.compile(select)
            collected.update({name: value for name, value in self.params.items()
                              if pattern.match(name)})
        for child in self._children.values():
            collected.update(child.collect_params(select=select))
        return collected

    def _collect_params_with_prefix(self, prefix=""):
        """``{'0.weight': Parameter}``: structural names used by ``save_parameters``."""
        if prefix:
            prefix += "."
        result = {prefix + key: value for key, value in self._reg_params.items()}
        for child_name, child in self._children.items():
            result.update(child._collect_params_with_prefix(prefix + child_name))
        return result

    def register_child(self, block, name=None):
        """Make ``block`` a child (``net.add`` and attribute assignment call this)."""
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def register_forward_pre_hook(self, hook):
        """Call ``hook(block, inputs)`` before every forward; returns a HookHandle."""
        return HookHandle(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook):
        """Call ``hook(block, inputs, outputs)`` after every forward."""
        return HookHandle(self._forward_hooks, hook)

    def apply(self, fn):
        """Call ``fn(block)`` on every child (recursively), then on this block."""
        for child in self._children.values():
            child.apply(fn)
        fn(self)
        return self

    def initialize(self, init=None, ctx=None, verbose=False, force_reinit=False):
        """Initialize the parameters of this block and its children (default init:
        ``mx.init.Uniform()``)."""
        self.collect_params().initialize(init, ctx, verbose, force_reinit)

    def hybridize(self, active=True, **kwargs):
        """A plain Block cannot be compiled; its HybridBlock children are."""
        for child in self._children.values():
            child.hybridize(active, **kwargs)

    def cast(self, dtype):
        """Cast every parameter to ``dtype`` (``'float16'`` ...)."""
        for child in self._children.values():
            child.cast(dtype)
        for param in self.params.values():
            param.cast(dtype)

    def zero_grad(self):
        """Set the gradient of every parameter to 0."""
        self.collect_params().zero_grad()

    def reset_ctx(self, ctx):
        """Move every parameter to ``ctx``."""
        self.collect_params().reset_ctx(ctx)

    # ---- running ----
    def __call__(self, *args):
        """Run pre-hooks, ``forward``, then hooks."""
        if self._forward_pre_hooks:     # (a list: a hook may remove itself)
            for hook in list(self._forward_pre_hooks.values()):
                hook(self, args)
        out = self.forward(*args)
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                hook(self, args, out)
        return out

    def forward(self, *args):
        """Override this to compute the output from NDArray inputs."""
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def summary(self, *inputs):
        """Print each layer's output shape and parameter count (MXNet's table).

        Differs from MXNet: works after ``hybridize()`` too (the summary pass runs
        imperatively).
        """
        from .summary import print_summary
        print_summary(self, inputs)

    # ---- saving and loading ----
    def save_parameters(self, filename, deduplicate=False):
        """Save parameters under structural names (``'0.weight'``, ``'a.bias'``)."""
        params = self._collect_params_with_prefix()
        if deduplicate:
            first_name = {}
            for key, param in params.items():
                first_name.setdefault(id(param), key)
            params = {key: p for key, p in params.items() if first_name[id(p)] == key}
        ndarray.save(filename, {key: param._reduce() for key, param in params.items()})

    def load_parameters(self, filename, ctx=None, allow_missing=False,
                        ignore_extra=False, cast_dtype=False, dtype_source="current"):
        """Load parameters saved by ``save_parameters`` (or, for files without
        structural names, by ``save_params``)."""
        loaded = ndarray.load(filename)
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        if not any("." in key for key in loaded):
            # an older file written by save_params: full names minus this block's prefix
            self.collect_params().load(filename, ctx, allow_missing, ignore_extra,
                                       self.prefix, cast_dtype=cast_dtype,
                                       dtype_source=dtype_source)
            return
        if not allow_missing:
            names_of = {}
            for key, param in params.items():
                names_of.setdefault(id(param), []).append(key)
            for key, param in params.items():
                if not any(name in loaded for name in names_of[id(param)]):
                    raise MXNetError(
                        f"Parameter '{key}' is missing in file '{filename}', which "
                        f"contains parameters: {_brief_list(loaded)}. Set "
                        "allow_missing=True to ignore missing parameters.")
        for key, value in loaded.items():
            if key not in params:
                if not ignore_extra:
                    raise MXNetError(
                        f"Parameter '{key}' loaded from file '{filename}' is not "
                        f"present in ParameterDict, which contains parameters "
                        f"{_brief_list(params)}. Set ignore_extra=True to ignore."
                    )
                continue
            params[key]._load_init(value, ctx, cast_dtype=cast_dtype,
                                   dtype_source=dtype_source)

    def save(self, prefix):
        """Save the structure and parameters: ``<prefix>-model.json`` and
        ``<prefix>-model.params`` (new in MXNet 1.9; format in ``block_files.py``).

        ``load`` needs a model built the same way, in the same order.

        Parameters
        ----------
        prefix : str
            Start of both file names.

        Example
        -------
        >>> net = mx.gluon.nn.Dense(2, in_units=3); net.initialize()
        >>> net.save('/tmp/dense')      # /tmp/dense-model.json, /tmp/dense-model.params
        """
        from .block_files import save_model
        save_model(self, prefix)

    def load(self, prefix):
        """Load a model written by ``save`` (by dlkit or by MXNet 1.9).

        Blocks, parameters and children get back the names they had when saved; a
        block that was hybridized gets its saved graph back and runs it.

        Parameters
        ----------
        prefix : str
            Start of both file names.
        """
        from .block_files import load_model
        load_model(self, prefix)

    def save_params(self, filename):
        """Deprecated in MXNet: save under full names minus this block's prefix."""
        warnings.warn("save_params is deprecated. Please use save_parameters.",
                      stacklevel=2)
        self.collect_params().save(filename, strip_prefix=self.prefix)

    def load_params(self, filename, ctx=None, allow_missing=False, ignore_extra=False):
        """Deprecated in MXNet: the counterpart of ``save_params``."""
        warnings.warn("load_params is deprecated. Please use load_parameters.",
                      stacklevel=2)
        self.load_parameters(filename, ctx, allow_missing, ignore_extra)
