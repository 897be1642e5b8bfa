"""Gluon parameters: a named weight, with its gradient, on one or more contexts.

A ``Parameter`` goes through three states::

    created --initialize()--> deferred --first forward--> initialized
       |          (shape has an unknown 0)   (layer completes the shape)     ^
       '-------------- initialize() with a fully known shape ---------------'

Once initialized it holds one data array and one gradient array per context
(``list_data()``, ``list_grad()``); the data arrays are autograd leaves whose gradient
goes straight into the parameter's gradient arrays (``autograd.mark_variables``).

``ParameterDict`` (``parameter_dict.py``) maps full names to parameters.

MXNet quirk kept: a public shape writes an unknown dimension as ``0``
(``Parameter dense0_weight (shape=(256, 0), ...)``); dlkit's ops use ``None`` inside,
and the translation happens in ``shape_with_none``.
"""
import warnings

import numpy as np

from .. import autograd, initializer, ndarray
from ..base import MXNetError, mx_real_t
from ..context import Context, cpu, current_context

__all__ = ["Parameter", "Constant", "DeferredInitializationError"]


class DeferredInitializationError(MXNetError):
    """A parameter's data was asked for before its deferred initialization happened."""


def shape_with_none(shape):
    """MXNet's public shape (``0`` = unknown) as dlkit's internal one (``None``)."""
    if shape is None:
        return None
    return tuple(None if dim == 0 else dim for dim in shape)


def _brief_list(names, limit=10):
    names = list(names)
    if len(names) > limit:
        names = names[:limit // 2] + ["..."] + names[-limit // 2:]
    return ", ".join(f"'{name}'" for name in names)


class Parameter:
    """A weight of a Block (MXNet's ``gluon.Parameter``).

    Parameters
    ----------
    name : str
        Full name, such as ``dense0_weight``.
    grad_req : {'write', 'add', 'null'}
        How gradients are stored; 'null' means no gradient.
    shape : int or tuple of int, optional
        ``0`` marks a dimension known only at the first forward pass.
    dtype : numpy dtype or str
    lr_mult, wd_mult : float
        Multipliers of the optimizer's learning rate and weight decay.
    init : Initializer or str, optional
        This parameter's own initializer (else the one passed to ``initialize``).
    allow_deferred_init : bool
        Allow ``initialize`` before the shape is fully known.

    Example
    -------
    >>> w = mx.gluon.Parameter('w', shape=(2, 3)); w.initialize(mx.init.One())
    >>> w.data().shape
    (2, 3)
    """

    def __init__(self, name, grad_req="write", shape=None, dtype=mx_real_t, lr_mult=1.0,
                 wd_mult=1.0, init=None, allow_deferred_init=False, differentiable=True,
                 stype="default", grad_stype="default"):
        self._var = None
        self._data = None
        self._grad = None
        self._ctx_list = None
        self._deferred_init = ()
        self._differentiable = differentiable
        self._allow_deferred_init = allow_deferred_init
        self._grad_req = None
        if isinstance(shape, int):
            shape = (shape,)
        self._shape = shape
        self.name = name
        self._dtype = dtype
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.grad_req = grad_req
        self.init = init
        self._stype = stype
        self._grad_stype = grad_stype

    def __repr__(self):
        return f"Parameter {self.name} (shape={self.shape}, dtype={self.dtype})"

    # ---- attributes with side effects ----
    @property
    def grad_req(self):
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req):
        if req not in ("write", "add", "null"):
            raise MXNetError(f"Parameter '{self.name}': grad_req must be 'write', "
                             f"'add' or 'null', got {req!r}")
        if not self._differentiable:
            req = "null"
        if self._grad_req == req:
            return
        self._grad_req = req
        if req == "null" and self._grad is not None:
            self._grad = None
            self._data = [array.detach() for array in self._data]
        elif self._data is not None:
            self._init_grad()

    @property
    def dtype(self):
        return self._dtype

    @dtype.setter
    def dtype(self, dtype):
        self._dtype = dtype

    @property
    def shape(self):
        return self._shape

    @shape.setter
    def shape(self, new_shape):
        """Complete unknown (0) dimensions; a known dimension may not change."""
        if new_shape is not None:
            new_shape = tuple(0 if dim is None else int(dim) for dim in new_shape)
        if self._shape is None:
            self._shape = new_shape
            return
        compatible = len(self._shape) == len(new_shape) and all(
            old in (0, new) for old, new in zip(self._shape, new_shape))
        if not compatible:
            raise MXNetError(f"Parameter '{self.name}': expected shape {new_shape} is "
                             f"incompatible with given shape {self._shape}")
        self._shape = new_shape

    def _shape_known(self):
        return self._shape is not None and all(dim > 0 for dim in self._shape)

    # ---- initialization ----
    def initialize(self, init=None, ctx=None, default_init=None, force_reinit=False):
        """Create the data (and gradient) arrays on ``ctx`` (a Context or a list).

        ``init`` wins over the parameter's own ``init``, which wins over
        ``default_init`` (None means ``mx.init.Uniform()``, scale 0.07). With an unknown
        dimension and ``allow_deferred_init`` the work waits for the first forward pass.
        """
        if self._data is not None and not force_reinit:
            warnings.warn(f"Parameter '{self.name}' is already initialized, ignoring. "
                          "Set force_reinit=True to re-initialize.", stacklevel=2)
            return
        self._data = self._grad = None
        if ctx is None:
            ctx = [current_context()]
        if isinstance(ctx, Context):
            ctx = [ctx]
        if default_init is None:
            default_init = initializer.Uniform()
        if init is None:
            init = default_init if self.init is None else self.init
        if not self._shape_known():
            if self._allow_deferred_init:
                self._deferred_init = (init, ctx, default_init, None)
                return
            raise MXNetError(f"Cannot initialize Parameter '{self.name}' because it "
                             f"has invalid shape: {self.shape}. Give the full shape "
                             "(or the layer's in_units/in_channels).")
        self._deferred_init = (init, ctx, default_init, None)
        self._finish_deferred_init()

    def _finish_deferred_init(self):
        """Run the initialization that ``initialize`` postponed (shape now known)."""
        if not self._deferred_init:
            return
        init, ctx, default_init, data = self._deferred_init
        self._deferred_init = ()
        if not self._shape_known():
            raise MXNetError(f"Cannot initialize Parameter '{self.name}' because it "
                             f"has invalid shape: {self.shape}. Please specify "
                             "in_units, in_channels, etc for `Block`s.")
        with autograd.pause():
            if data is None:
                data = self._initial_data(init, default_init)
            self._init_impl(data, ctx)

    def _initial_data(self, init, default_init):
        """Fresh values on cpu: ``default_init`` dispatches on the name (weight, bias,
        gamma ...) unless ``init`` is given, exactly as MXNet's InitDesc does."""
        data = ndarray.zeros(self.shape, ctx=cpu(), dtype=self.dtype)
        description = initializer.InitDesc(self.name, {"__init__": init})
        initializer.create(default_init)(description, data)
        return data

    def _init_impl(self, data, ctx_list):
        self._ctx_list = list(ctx_list)
        self._data = [data.copyto(ctx) for ctx in self._ctx_list]
        self._init_grad()

    def _init_grad(self):
        """Gradient arrays, and the data arrays marked as autograd leaves writing there.
        """
        if self.grad_req == "null":
            self._grad = None
            return
        # grad_stype='row_sparse' (Embedding(sparse_grad=True)): RowSparseNDArrays
        self._grad = [ndarray.sparse.zeros(self._grad_stype, array.shape,
                                           ctx=array.context, dtype=array.dtype)
                      for array in self._data]
        autograd.mark_variables(self._data, self._grad, self.grad_req)

    def _load_init(self, data, ctx, cast_dtype=False, dtype_source="current"):
        """Take values loaded from a file (checking shape and dtype)."""
        if self.shape:
            pairs = zip(self.shape, data.shape)
            if len(self.shape) != len(data.shape) or any(
                    mine not in (0, saved) for mine, saved in pairs):
                raise MXNetError(f"Failed loading Parameter '{self.name}' from saved "
                                 f"params: shape incompatible expected {self.shape} vs "
                                 f"saved {data.shape}")
        self.shape = data.shape
        if np.dtype(self.dtype) != np.dtype(data.dtype):
            if not cast_dtype:
                raise MXNetError(f"Failed loading Parameter '{self.name}' from saved "
                                 f"params: dtype incompatible expected {self.dtype} vs "
                                 f"saved {data.dtype}. Set cast_dtype=True to cast the "
                                 "dtype of saved params.")
            if dtype_source == "current":
                data = data.astype(self.dtype)
            else:
                self.dtype = data.dtype
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data is None:
            if self._deferred_init:
                ctx = self._deferred_init[1] if ctx is None else ctx
            elif ctx is None:
                ctx = [cpu()]
            self._init_impl(data, ctx)
        else:
            self.set_data(data)
        self._deferred_init = ()

    # ---- access ----
    def _check_and_get(self, arrays, ctx):
        if arrays is not None:
            if ctx is list:
                return arrays
            if ctx is None:
                if len(arrays) == 1:
                    return arrays[0]
                ctx = current_context()
            for index, known_ctx in enumerate(self._ctx_list):
                if known_ctx == ctx:
                    return arrays[index]
            raise MXNetError(f"Parameter '{self.name}' was not initialized on context "
                             f"{ctx}. It was only initialized on {self._ctx_list}.")
        if self._deferred_init:
            raise DeferredInitializationError(
                f"Parameter '{self.name}' has not been initialized yet because "
                "initialization was deferred. Actual initialization happens during the "
                "first forward pass. Please pass one batch of data through the network "
                "before accessing Parameters. You can also avoid deferred "
                "initialization by specifying in_units, num_features, etc., for "
                "network layers.")
        raise MXNetError(f"Parameter '{self.name}' has not been initialized. Call "
                         "net.initialize() (or net.collect_params().initialize()) "
                         "first. Note that you should initialize parameters and create "
                         "Trainer with Block.collect_params() instead of Block.params "
                         "because the later does not include Parameters of nested "
                         "child Blocks")

    def data(self, ctx=None):
        """The value on ``ctx`` (the only context if there is just one)."""
        return self._check_and_get(self._data, ctx)

    def list_data(self):
        """The values on every context, in ``list_ctx()`` order."""
        return self._check_and_get(self._data, list)

    def grad(self, ctx=None):
        """The gradient on ``ctx``."""
        if self._data is not None and self._grad is None:
            raise MXNetError(f"Cannot get gradient array for Parameter '{self.name}' "
                             "because grad_req='null'")
        return self._check_and_get(self._grad, ctx)

    def list_grad(self):
        """The gradients on every context."""
        if self._data is not None and self._grad is None:
            raise MXNetError(f"Cannot get gradient array for Parameter '{self.name}' "
                             "because grad_req='null'")
        return self._check_and_get(self._grad, list)

    def list_ctx(self):
        """The contexts this parameter lives on."""
        if self._data is None:
            if self._deferred_init:
                return self._deferred_init[1]
            raise MXNetError(f"Parameter '{self.name}' has not been initialized")
        return self._ctx_list

    def zero_grad(self):
        """Set the gradient on every context to 0."""
        if self._grad is None:
            return
        for gradient in self._grad:
            gradient[:] = 0

    def set_data(self, data):
        """Set the value on every context (before deferred init: remember it)."""
        self.shape = data.shape
        if self._data is None:
            if not self._deferred_init:
                raise MXNetError(f"Parameter '{self.name}' has not been initialized")
            self._deferred_init = self._deferred_init[:3] + (data,)
            return
        for array in self._data:
            array[:] = data

    def _reduce(self):
        """The average over contexts, on cpu (what ``save`` writes)."""
        arrays = self.list_data()
        total = arrays[0].copyto(cpu())
        for array in arrays[1:]:
            total = total + array.copyto(cpu())
        return total / len(arrays) if len(arrays) > 1 else total

    def reset_ctx(self, ctx):
        """Move the parameter to other context(s), keeping its value."""
        if ctx is None:
            ctx = [current_context()]
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data is not None:
            data = self._reduce()
            with autograd.pause():
                self._init_impl(data, ctx)
        elif self._deferred_init:
            init, _, default_init, data = self._deferred_init
            self._deferred_init = (init, ctx, default_init, data)
        else:
            raise MXNetError(f"Cannot reset context for Parameter '{self.name}' "
                             "because it has not been initialized.")

    def var(self):
        """The Symbol variable standing for this parameter in a traced graph."""
        if self._var is None:
            from .. import symbol
            self._var = symbol.var(self.name, shape=self.shape, dtype=self.dtype,
                                   lr_mult=self.lr_mult, wd_mult=self.wd_mult,
                                   init=self.init, stype=self._stype)
        return self._var

    def cast(self, dtype):
        """Change the dtype of the data and gradient arrays."""
        self.dtype = dtype
        if self._data is None:
            return
        with autograd.pause():
            self._data = [array.astype(dtype) for array in self._data]
            if self._grad is None:
                return
            self._grad = [array.astype(dtype) for array in self._grad]
            autograd.mark_variables(self._data, self._grad, self.grad_req)


class Constant(Parameter):
    """A parameter that never changes (``grad_req='null'``), initialized to ``value``.

    Example
    -------
    >>> c = mx.gluon.Constant('c', [1, 2]); c.initialize()
    >>> c.data().asnumpy()
    array([1., 2.], dtype=float32)
    """

    def __init__(self, name, value):
        if not isinstance(value, ndarray.NDArray):
            value = ndarray.array(value)
        self.value = value
        super().__init__(name, grad_req="null", shape=value.shape, dtype=value.dtype)

    def __repr__(self):
        return f"Constant {self.name} (shape={self.shape}, dtype={self.dtype})"

    def _initial_data(self, init, default_init):
        """A constant ignores initializers: its value is its initial data."""
        return self.value.copyto(cpu())

    @property
    def grad_req(self):
        return "null"

    @grad_req.setter
    def grad_req(self, req):
        if req != "null":
            warnings.warn(f"Constant parameter '{self.name}' does not support grad_req "
                          f"other than 'null', and new value '{req}' is ignored.")
