"""``mx.init``: how parameters get their first values.

An initializer is called with a parameter's description and its array, and fills the
array in place. The description's name picks the rule (MXNet's name-based dispatch)::

    init(InitDesc("fc1_weight"), arr)
        desc.attrs["__init__"] set?   -> that initializer, '["normal", {"sigma": 1}]'
        name ends with "weight"       -> _init_weight  (the random part: Xavier ...)
                       "bias"         -> zeros
                       "gamma"        -> ones         "beta" -> zeros
                       "min" / "max"  -> zeros / ones
        anything else                 -> ValueError: say how to initialize it

BatchNorm's ``moving_mean``/``moving_var`` carry an ``__init__`` attribute (zeros/ones),
so the rule above reaches them through the first branch. Random initializers draw from
dlkit's generator (``mx.random.seed`` makes them repeatable).
"""
import json
import logging
import re
import warnings

import numpy as np

from .base import MXNetError
from .ndarray import load  # noqa: F401  (MXNet's module has nd.load as init.load)
from .ops.rng import generator

__all__ = ["InitDesc", "Initializer", "register", "alias", "create", "Uniform",
           "Normal", "Xavier", "MSRAPrelu", "Orthogonal", "Constant", "Zero", "One",
           "Mixed", "Load", "load", "Bilinear", "LSTMBias", "FusedRNN"]

_REGISTRY = {}


def register(klass):
    """Register an initializer class under its lower-cased name, for ``create``."""
    _REGISTRY[klass.__name__.lower()] = klass
    return klass


def alias(*aliases):
    """Class decorator: register the class under more names (``@alias('zeros')``)."""
    def decorate(klass):
        for name in aliases:
            _REGISTRY[name.lower()] = klass
        return klass
    return decorate


def create(initializer, **kwargs):
    """An initializer from an instance (returned as is), a registered name or the JSON
    form ``'["normal", {"sigma": 1}]'`` that ``dumps()`` writes.

    Differs from MXNet: an unknown name raises ``ValueError`` listing the registered
    names (MXNet raises ``AssertionError``).
    """
    if isinstance(initializer, Initializer):
        return initializer
    if not isinstance(initializer, str):
        raise ValueError(f"initializer must be an Initializer or a name, got "
                         f"{type(initializer).__name__}")
    if initializer.startswith("["):
        name, json_kwargs = json.loads(initializer)  # parsed as data, never evaluated
        return create(name, **json_kwargs, **kwargs)
    klass = _REGISTRY.get(initializer.lower())
    if klass is None:
        raise ValueError(f"{initializer} is not registered. Please register with "
                         f"initializer.register first; registered initializers are "
                         f"{sorted(_REGISTRY)}")
    return klass(**kwargs)


class InitDesc(str):
    """A parameter name (a ``str``) that also carries the variable's attributes.

    Parameters
    ----------
    name : str
        The parameter name.
    attrs : dict
        Symbol attributes; ``'__init__'`` names a specific initializer (JSON).
    global_init : Initializer
        The initializer the parameter would get otherwise.
    """

    def __new__(cls, name, attrs=None, global_init=None):
        desc = super().__new__(cls, name)
        desc.attrs = attrs or {}
        desc.global_init = global_init
        return desc


class Initializer:
    """Base class: the name-based dispatch; subclasses define ``_init_weight``.

    Example
    -------
    >>> weight = mx.nd.zeros((3, 4))
    >>> mx.init.Xavier()(mx.init.InitDesc("fc_weight"), weight)
    """

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False
        self._print_func = None

    def set_verbosity(self, verbose=False, print_func=None):
        """Log every initialized array, with ``print_func(arr)`` (default: its RMS)."""
        self._verbose = verbose
        if print_func is None:
            def print_func(arr):
                values = arr.asnumpy()
                return str(np.linalg.norm(values) / np.sqrt(values.size))
        self._print_func = print_func
        return self

    def _verbose_print(self, desc, init, arr):
        if self._verbose and self._print_func:
            logging.info("Initialized %s as %s: %s", desc, init, self._print_func(arr))

    def dumps(self):
        """This initializer as JSON, ``'["xavier", {"magnitude": 3, ...}]'``."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, desc, arr):
        """Fill ``arr`` (an NDArray) in place as ``desc``'s name and attributes say."""
        if not isinstance(desc, InitDesc):
            self._legacy_init(desc, arr)
            return
        if desc.global_init is None:
            desc.global_init = self
        init = desc.attrs.get("__init__", "")
        if init:
            create(init)._init_weight(desc, arr)
            self._verbose_print(desc, init, arr)
            return
        for suffix, method in [("weight", self._init_weight), ("bias", self._init_bias),
                               ("gamma", self._init_gamma), ("beta", self._init_beta),
                               ("min", self._init_zero), ("max", self._init_one)]:
            if desc.endswith(suffix):
                method(desc, arr)
                self._verbose_print(desc, suffix, arr)
                return
        self._init_default(desc, arr)

    def _legacy_init(self, name, arr):
        """Plain-string names (deprecated in MXNet); also knows BatchNorm's moving
        statistics."""
        warnings.warn("Calling initializer with init(str, NDArray) has been "
                      "deprecated. please use init(mx.init.InitDesc(...), NDArray) "
                      "instead.",
                      DeprecationWarning, stacklevel=3)
        if not isinstance(name, str):
            raise TypeError("name must be string")
        rules = [("weight", self._init_weight), ("bias", self._init_bias),
                 ("gamma", self._init_gamma), ("beta", self._init_beta),
                 ("moving_mean", self._init_zero), ("moving_var", self._init_one),
                 ("moving_inv_var", self._init_zero), ("moving_avg", self._init_zero),
                 ("min", self._init_zero), ("max", self._init_one)]
        for suffix, method in rules:
            if name.endswith(suffix):
                method(name, arr)
                return
        self._init_default(name, arr)

    # ---- the rules; _init_weight is what subclasses change ----
    def _init_zero(self, _, arr):
        arr[:] = 0.0

    def _init_one(self, _, arr):
        arr[:] = 1.0

    def _init_bias(self, _, arr):
        arr[:] = 0.0

    def _init_gamma(self, _, arr):
        arr[:] = 1.0

    def _init_beta(self, _, arr):
        arr[:] = 0.0

    def _init_weight(self, name, arr):
        raise NotImplementedError("Must override it")

    def _init_default(self, name, _):
        raise ValueError(
            f"Unknown initialization pattern for {name}. Default initialization is now "
            'limited to "weight", "bias", "gamma" (1.0), and "beta" (0.0).Please use '
            "mx.sym.Variable(init=mx.init.*) to set initialization pattern")


def _fill(arr, values):
    """Write host or device ``values`` into the NDArray ``arr``, keeping its dtype (the
    assignment converts as it copies: no converted temporary the size of ``arr``)."""
    arr._data[...] = values


@register
class Uniform(Initializer):
    """Weights uniform in ``[-scale, scale]``."""

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        rng = generator(arr.context.xp)
        _fill(arr, rng.uniform(-self.scale, self.scale, arr.shape))


@register
class Normal(Initializer):
    """Weights normal with mean 0 and standard deviation ``sigma``."""

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        rng = generator(arr.context.xp)
        _fill(arr, rng.normal(0.0, self.sigma, arr.shape))


@register
class Constant(Initializer):
    """Every value (weights, and anything routed to ``_init_weight``) is ``value``."""

    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _, arr):
        arr[:] = self.value


@register
@alias("zeros")
class Zero(Initializer):
    """Weights are 0."""

    def _init_weight(self, _, arr):
        arr[:] = 0.0


@register
@alias("ones")
class One(Initializer):
    """Weights are 1."""

    def _init_weight(self, _, arr):
        arr[:] = 1.0


@register
class Xavier(Initializer):
    """Glorot/Xavier: keep the variance of activations about equal across layers.

    With ``fan_in = shape[1] * receptive field`` and ``fan_out = shape[0] * receptive
    field``, ``factor`` is their average (``'avg'``), ``fan_in`` (``'in'``) or
    ``fan_out`` (``'out'``) and ``scale = sqrt(magnitude / factor)``. Values are uniform
    in ``[-scale, scale]`` (``rnd_type='uniform'``) or normal with std ``scale``.
    """

    def __init__(self, rnd_type="uniform", factor_type="avg", magnitude=3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type,
                         magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        shape = arr.shape
        if len(shape) < 2:
            raise ValueError(f"Xavier initializer cannot be applied to vector {name}. "
                             "It requires at least 2D.")
        receptive_field = int(np.prod(shape[2:])) if len(shape) > 2 else 1
        fan_in, fan_out = shape[1] * receptive_field, shape[0] * receptive_field
        factors = {"avg": (fan_in + fan_out) / 2.0, "in": fan_in, "out": fan_out}
        if self.factor_type not in factors:
            raise ValueError(f"Incorrect factor type {self.factor_type!r}; use 'avg', "
                             "'in' or 'out'")
        scale = np.sqrt(self.magnitude / factors[self.factor_type])
        rng = generator(arr.context.xp)
        if self.rnd_type == "uniform":
            _fill(arr, rng.uniform(-scale, scale, shape))
        elif self.rnd_type == "gaussian":
            _fill(arr, rng.normal(0.0, scale, shape))
        else:
            raise ValueError(f"Unknown random type {self.rnd_type!r}; use 'uniform' or "
                             "'gaussian'")


@register
class MSRAPrelu(Xavier):
    """He/MSRA initialization for (P)ReLU nets: gaussian Xavier with
    ``magnitude = 2 / (1 + slope^2)``."""

    def __init__(self, factor_type="avg", slope=0.25):
        magnitude = 2.0 / (1 + slope ** 2)
        super().__init__("gaussian", factor_type, magnitude)
        self._kwargs = {"factor_type": factor_type, "slope": slope}


@register
class Orthogonal(Initializer):
    """A random orthogonal matrix (rows or columns orthonormal) times ``scale``.

    ``rand_type`` is ``'uniform'`` or ``'normal'``: the distribution of the random
    matrix whose SVD supplies the orthogonal factor.
    """

    def __init__(self, scale=1.414, rand_type="uniform"):
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _, arr):
        num_out = arr.shape[0]
        num_in = int(np.prod(arr.shape[1:]))
        rng = generator(arr.context.xp)
        if self.rand_type == "uniform":
            matrix = rng.uniform(-1.0, 1.0, (num_out, num_in))
        elif self.rand_type == "normal":
            matrix = rng.normal(0.0, 1.0, (num_out, num_in))
        else:
            raise ValueError(f"Unknown rand_type {self.rand_type!r}; use 'uniform' or "
                             "'normal'")
        xp = arr.context.xp
        left, _, right = xp.linalg.svd(matrix, full_matrices=False)
        orthogonal = left if left.shape == matrix.shape else right
        _fill(arr, self.scale * orthogonal.reshape(arr.shape))


@register
class Bilinear(Initializer):
    """Bilinear-interpolation kernels, for an upsampling Deconvolution's weights."""

    def _init_weight(self, _, arr):
        shape = arr.shape
        size = int(np.prod(shape))
        factor = np.ceil(shape[3] / 2.0)
        center = (2 * factor - 1 - factor % 2) / (2.0 * factor)
        flat = np.arange(size)
        x = flat % shape[3]
        y = (flat // shape[3]) % shape[2]
        weight = (1 - np.abs(x / factor - center)) * (1 - np.abs(y / factor - center))
        arr[:] = weight.reshape(shape)


@register
class LSTMBias(Initializer):
    """LSTM biases: 0, except ``forget_bias`` for the forget gate (second quarter)."""

    def __init__(self, forget_bias=1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, _, arr):
        arr[:] = 0.0
        num_hidden = arr.shape[0] // 4
        arr[num_hidden:2 * num_hidden] = self.forget_bias


_FUSED_MODES = ("rnn_relu", "rnn_tanh", "lstm", "gru")


@register
class FusedRNN(Initializer):
    """Initialize the single flat ``parameters`` vector of a fused RNN (the ``RNN``
    operator, ``mx.rnn.FusedRNNCell``) as if it were separate matrices.

    The vector holds, for each layer and direction (``l`` left-to-right, ``r``
    right-to-left), every gate's input and hidden weight matrices, and after all
    weights every gate's biases::

        l0_i2h_i_weight (H, I), l0_i2h_f_weight, ..., l0_h2h_i_weight (H, H), ...
        [r0_..., l1_i2h_i_weight (H, D*H), ...]   then   l0_i2h_i_bias (H,), ...

    ``FusedRNNCell.unpack_weights`` cuts it into these pieces (the layout is
    defined there, once); each piece gets its own initializer call under its name,
    so ``Xavier`` sees the real fan-in and fan-out and biases get zeros. With
    ``mode='lstm'`` the forget-gate biases (``*_f_bias``) are set to
    ``forget_bias``. ``pack_weights`` joins the pieces again.

    Parameters
    ----------
    init : Initializer, its JSON string, or None
        Applied to each piece; None uses the global initializer.
    num_hidden, num_layers : int
        As given to the fused RNN.
    mode : str
        'rnn_relu', 'rnn_tanh', 'lstm' or 'gru'.
    bidirectional : bool
        Two directions per layer.
    forget_bias : float
        LSTM forget-gate bias.

    Differs from MXNet: an inner initializer is rebuilt from the JSON form that a
    Variable's ``__init__`` attribute holds (MXNet 1.9.1 fails there with a
    ``KeyError``), and an unknown ``mode`` is refused at once.

    Example
    -------
    >>> init = mx.init.FusedRNN(mx.init.One(), num_hidden=2, num_layers=1, mode="gru")
    >>> weights = mx.nd.zeros((36,))                      # input size 1
    >>> init(mx.init.InitDesc("rnn_parameters", {"__init__": init.dumps()}), weights)
    """

    def __init__(self, init, num_hidden, num_layers, mode, bidirectional=False,
                 forget_bias=1.0):
        if isinstance(init, str):
            init = create(init)
        if mode not in _FUSED_MODES:
            raise ValueError(f"FusedRNN: mode must be one of {_FUSED_MODES}, got "
                             f"{mode!r}")
        super().__init__(init=init.dumps() if init is not None else None,
                         num_hidden=num_hidden, num_layers=num_layers, mode=mode,
                         bidirectional=bidirectional, forget_bias=forget_bias)
        self._init = init
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._forget_bias = forget_bias

    def _init_weight(self, desc, arr):
        from .rnn import FusedRNNCell   # rnn imports this module: import on use
        cell = FusedRNNCell(self._num_hidden, self._num_layers, self._mode,
                            self._bidirectional, forget_bias=self._forget_bias,
                            prefix="")
        pieces = cell.unpack_weights({"parameters": arr})
        for name, piece in pieces.items():
            piece_desc = InitDesc(name, global_init=desc.global_init)
            if self._mode == "lstm" and name.endswith("_f_bias"):
                piece[:] = self._forget_bias
            elif self._init is None:
                desc.global_init(piece_desc, piece)
            else:
                self._init(piece_desc, piece)
        arr[:] = cell.pack_weights(pieces)["parameters"]


class Mixed:
    """Pick an initializer by the first regular expression that matches the name.

    Parameters
    ----------
    patterns : list of str
        Regular expressions, tried in order with ``re.match``.
    initializers : list of Initializer
        One per pattern.

    Example
    -------
    >>> init = mx.init.Mixed(["bias", ".*"], [mx.init.Zero(), mx.init.Uniform(0.1)])
    """

    def __init__(self, patterns, initializers):
        if len(patterns) != len(initializers):
            raise ValueError(f"Mixed: {len(patterns)} patterns but {len(initializers)} "
                             "initializers; give one initializer per pattern")
        self.map = list(zip([re.compile(p) for p in patterns], initializers))

    def __call__(self, name, arr):
        for pattern, init in self.map:
            if pattern.match(name):
                init(name, arr)
                return
        raise ValueError(f"Parameter name {name} did not match any pattern. Consider "
                         'add a ".*" pattern at the and with default Initializer.')


class Load:
    """Initialize from saved parameters, falling back to ``default_init``.

    Parameters
    ----------
    param : str or dict of str to NDArray
        A file written by ``nd.save`` or a dict; ``arg:``/``aux:`` prefixes are dropped.
    default_init : Initializer or None
        For names not found in ``param``.
    verbose : bool
        Log where every parameter came from.

    Differs from MXNet: a missing name or a shape mismatch raises ``MXNetError``
    (MXNet raises ``AssertionError``).
    """

    def __init__(self, param, default_init=None, verbose=False):
        if isinstance(param, str):
            from .ndarray import load
            param = load(param)
        if not isinstance(param, dict):
            raise MXNetError("Load: param must be a file name or a dict of name to "
                             "NDArray")
        self.param = {}
        for name, arr in param.items():
            if name.startswith("arg:") or name.startswith("aux:"):
                name = name[4:]
            self.param[name] = arr
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name, arr):
        if name in self.param:
            loaded = self.param[name]
            if arr.shape != loaded.shape:
                raise MXNetError(f"Parameter {name} cannot be initialized from "
                                 f"loading. Shape mismatch, target {arr.shape} vs "
                                 f"loaded {loaded.shape}")
            arr[:] = loaded
            if self.verbose:
                logging.info("Initialized %s by loading", name)
            return
        if self.default_init is None:
            raise MXNetError(f"Cannot Initialize {name}. Not found in loaded param and "
                             "no default Initializer is provided.")
        self.default_init(name, arr)
        if self.verbose:
            logging.info("Initialized %s by default", name)
