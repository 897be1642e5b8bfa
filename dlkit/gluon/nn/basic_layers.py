"""Basic layers: containers, Dense, Dropout, normalizations, Embedding, Flatten, Lambda.

Each layer is a thin HybridBlock around one registry op: it owns the op's weights as
Parameters and calls ``F.<op>`` in ``hybrid_forward``. Layers whose weight shape depends
on the input (``Dense`` without ``in_units``) complete it at the first call with the
op's own ``infer_shape`` (``complete_shapes``).
"""
import warnings

import numpy as np

from ... import ndarray
from ..block import Block, _indent
from ..hybrid_block import HybridBlock, complete_shapes
from .activations import Activation

__all__ = ["Sequential", "HybridSequential", "Dense", "Dropout", "BatchNorm",
           "BatchNormReLU", "InstanceNorm", "LayerNorm", "GroupNorm", "Embedding",
           "Flatten", "Lambda", "HybridLambda"]


class _Chain:
    """What ``Sequential`` and ``HybridSequential`` share: children run in order."""

    def add(self, *blocks):
        """Append blocks, in order."""
        for block in blocks:
            self.register_child(block)

    def _run_children(self, x, args):
        """``x`` through every child in turn; a child that returns a tuple passes its
        extra items to the next child as extra arguments."""
        for block in self._children.values():
            x = block(x, *args)
            args = []
            if isinstance(x, (tuple, list)):
                args = x[1:]
                x = x[0]
        if args:
            x = tuple([x] + list(args))
        return x

    def __repr__(self):
        lines = "\n".join(f"  ({key}): {_indent(repr(child), 2)}"
                          for key, child in self._children.items())
        return f"{type(self).__name__}(\n{lines}\n)"

    def __getitem__(self, key):
        layers = list(self._children.values())[key]
        if not isinstance(layers, list):
            return layers
        net = type(self)(prefix=self._prefix)
        with net.name_scope():
            net.add(*layers)
        return net

    def __len__(self):
        return len(self._children)


class Sequential(_Chain, Block):
    """Stack blocks: ``net.add(a, b)`` then ``net(x)`` is ``b(a(x))``.

    Example
    -------
    >>> net = mx.gluon.nn.Sequential()
    >>> net.add(mx.gluon.nn.Dense(256, activation='relu'), mx.gluon.nn.Dense(10))
    """

    def forward(self, x, *args):
        return self._run_children(x, args)

    def hybridize(self, active=True, **kwargs):
        if self._children and all(isinstance(child, HybridBlock)
                                  for child in self._children.values()):
            warnings.warn(f"All children of this Sequential layer '{self.prefix}' are "
                          "HybridBlocks. Consider using HybridSequential for the best "
                          "performance.", stacklevel=2)
        super().hybridize(active, **kwargs)


class HybridSequential(_Chain, HybridBlock):
    """``Sequential`` whose children are HybridBlocks, so it can be hybridized."""

    def hybrid_forward(self, F, x, *args):
        return self._run_children(x, args)


class Dense(HybridBlock):
    """Fully connected layer: ``activation(dot(x, weight.T) + bias)`` (op
    ``FullyConnected``).

    Parameters
    ----------
    units : int
        Output size.
    activation : str, optional
        Activation applied to the output ('relu', 'sigmoid', ...).
    use_bias : bool
    flatten : bool
        Flatten all axes but the first (True) or act on the last axis only.
    in_units : int
        Input size; 0 means infer it at the first call.
    """

    def __init__(self, units, activation=None, use_bias=True, flatten=True,
                 dtype="float32", weight_initializer=None, bias_initializer="zeros",
                 in_units=0, **kwargs):
        super().__init__(**kwargs)
        self._flatten = flatten
        with self.name_scope():
            self._units = units
            self._in_units = in_units
            self.weight = self.params.get("weight", shape=(units, in_units),
                                          init=weight_initializer, dtype=dtype,
                                          allow_deferred_init=True)
            self.bias = None
            if use_bias:
                self.bias = self.params.get("bias", shape=(units,),
                                            init=bias_initializer, dtype=dtype,
                                            allow_deferred_init=True)
            self.act = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + "_")

    def infer_shape(self, x, *args):
        inputs = [x, self.weight] + ([self.bias] if self.bias is not None else [])
        complete_shapes("FullyConnected", inputs, num_hidden=self._units,
                        no_bias=self.bias is None, flatten=self._flatten)

    def hybrid_forward(self, F, x, weight, bias=None):
        inputs = [x, weight] if bias is None else [x, weight, bias]
        out = F.FullyConnected(*inputs, no_bias=bias is None, num_hidden=self._units,
                               flatten=self._flatten, name="fwd")
        if self.act is not None:
            out = self.act(out)
        return out

    def __repr__(self):
        shape = self.weight.shape
        in_units = shape[1] if shape[1] else None
        act = self.act if self.act else "linear"
        return f"{type(self).__name__}({in_units} -> {shape[0]}, {act})"


class Dropout(HybridBlock):
    """Zero a fraction ``rate`` of the inputs in training (scaling the rest by
    ``1/(1-rate)``); the identity in prediction. ``axes`` shares one mask along them."""

    def __init__(self, rate, axes=(), **kwargs):
        super().__init__(**kwargs)
        self._rate = rate
        self._axes = axes

    def hybrid_forward(self, F, x):
        if self._rate > 0:
            return F.Dropout(x, p=self._rate, axes=self._axes, name="fwd",
                             cudnn_off=False)
        return F.identity(x)

    def __repr__(self):
        return f"{type(self).__name__}(p = {self._rate}, axes={self._axes})"


class _Normalization(HybridBlock):
    """Shared by the norm layers: per-channel parameters and MXNet's repr."""

    def _vector(self, name, in_channels, init, trainable=True):
        return self.params.get(name, grad_req="write" if trainable else "null",
                               shape=(in_channels,), init=init,
                               allow_deferred_init=True, differentiable=trainable)

    def infer_shape(self, x, *args):
        inputs = [x] + [getattr(self, name) for name in self._param_names]
        complete_shapes(self._op_name, inputs, **self._op_attrs())

    def _op_attrs(self):
        return {"axis": self._axis}

    def _content(self):
        return ", ".join(f"{key}={value!r}" for key, value in self._kwargs.items())


class BatchNorm(_Normalization):
    """Batch normalization (op ``BatchNorm``); running statistics are updated in
    training mode (inside ``autograd.record()``).

    MXNet quirk kept: Gluon passes ``fix_gamma = not scale`` to the op.
    """
    _op_name = "BatchNorm"
    _param_names = ("gamma", "beta", "running_mean", "running_var")

    def __init__(self, axis=1, momentum=0.9, epsilon=1e-5, center=True, scale=True,
                 use_global_stats=False, beta_initializer="zeros",
                 gamma_initializer="ones", running_mean_initializer="zeros",
                 running_variance_initializer="ones", in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self._kwargs = {"axis": axis, "eps": epsilon, "momentum": momentum,
                        "fix_gamma": not scale, "use_global_stats": use_global_stats}
        self._axis = axis
        if in_channels != 0:
            self.in_channels = in_channels
        self.gamma = self._vector("gamma", in_channels, gamma_initializer, scale)
        self.beta = self._vector("beta", in_channels, beta_initializer, center)
        self.running_mean = self._vector("running_mean", in_channels,
                                         running_mean_initializer, False)
        self.running_var = self._vector("running_var", in_channels,
                                        running_variance_initializer, False)

    def cast(self, dtype):
        # MXNet keeps BatchNorm's statistics in float32 under float16
        if np.dtype(dtype).name == "float16":
            dtype = "float32"
        super().cast(dtype)

    def hybrid_forward(self, F, x, gamma, beta, running_mean, running_var):
        return F.BatchNorm(x, gamma, beta, running_mean, running_var, name="fwd",
                           **self._kwargs)

    def __repr__(self):
        in_channels = self.gamma.shape[0]
        return (f"{type(self).__name__}({self._content()}, "
                f"in_channels={in_channels if in_channels else None})")


class BatchNormReLU(BatchNorm):
    """``BatchNorm`` followed by ``relu``: the same parameters and arguments, the
    output ``max(0, batch_norm(x))``.

    Differs from MXNet: MXNet 1.9.1 calls its fused ``_contrib_BatchNormWithReLU``,
    which runs only in its oneDNN (MKL-DNN) build on 4-D inputs and fails elsewhere;
    dlkit composes the two registered ops (``BatchNorm``, then ``relu`` named
    ``fwd``, so the output keeps MXNet's name ``<prefix>fwd_output``) and accepts
    any input ``BatchNorm`` accepts.
    """

    def hybrid_forward(self, F, x, gamma, beta, running_mean, running_var):
        normalized = F.BatchNorm(x, gamma, beta, running_mean, running_var,
                                 name="bn", **self._kwargs)
        return F.relu(normalized, name="fwd")


class _ScaleShiftNorm(_Normalization):
    """``InstanceNorm`` and ``LayerNorm``: a ``gamma`` and a ``beta`` per channel, no
    running statistics."""
    _param_names = ("gamma", "beta")

    def _init_scale_shift(self, axis, epsilon, center, scale, beta_initializer,
                          gamma_initializer, in_channels):
        self._kwargs = {"eps": epsilon, "axis": axis, "center": center, "scale": scale}
        self._axis = axis
        self._epsilon = epsilon
        self.gamma = self._vector("gamma", in_channels, gamma_initializer, scale)
        self.beta = self._vector("beta", in_channels, beta_initializer, center)

    def __repr__(self):
        return (f"{type(self).__name__}({self._content()}, "
                f"in_channels={self.gamma.shape[0]})")


class InstanceNorm(_ScaleShiftNorm):
    """Normalize each sample and channel over its spatial axes (op ``InstanceNorm``)."""
    _op_name = "InstanceNorm"

    def __init__(self, axis=1, epsilon=1e-5, center=True, scale=False,
                 beta_initializer="zeros", gamma_initializer="ones", in_channels=0,
                 **kwargs):
        super().__init__(**kwargs)
        self._init_scale_shift(axis, epsilon, center, scale, beta_initializer,
                               gamma_initializer, in_channels)

    def infer_shape(self, x, *args):
        channels = x.shape[self._axis]
        for param in (self.gamma, self.beta):
            param.shape = (channels,)

    def hybrid_forward(self, F, x, gamma, beta):
        if self._axis == 1:
            return F.InstanceNorm(x, gamma, beta, name="fwd", eps=self._epsilon)
        x = x.swapaxes(1, self._axis)
        out = F.InstanceNorm(x, gamma, beta, name="fwd", eps=self._epsilon)
        return out.swapaxes(1, self._axis)


class LayerNorm(_ScaleShiftNorm):
    """Normalize each sample over ``axis`` (op ``LayerNorm``)."""
    _op_name = "LayerNorm"

    def __init__(self, axis=-1, epsilon=1e-5, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", in_channels=0,
                 **kwargs):
        super().__init__(**kwargs)
        self._init_scale_shift(axis, epsilon, center, scale, beta_initializer,
                               gamma_initializer, in_channels)

    def hybrid_forward(self, F, data, gamma, beta):
        return F.LayerNorm(data, gamma=gamma, beta=beta, axis=self._axis,
                           eps=self._epsilon)


class GroupNorm(_Normalization):
    """Normalize each sample over groups of ``num_groups`` channels and the spatial
    axes (op ``GroupNorm``).

    MXNet 1.9.1 quirk kept: ``gamma`` and ``beta`` have one entry per group, shape
    ``(num_groups,)``, known at once (no deferred initialization). ``scale=False``
    and ``center=False`` keep them at their initial values (``grad_req='null'``).
    """
    _op_name = "GroupNorm"
    _param_names = ("gamma", "beta")

    def __init__(self, num_groups=1, epsilon=1e-5, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        self._kwargs = {"eps": epsilon, "num_groups": num_groups, "center": center,
                        "scale": scale}
        self._num_groups = num_groups
        self._epsilon = epsilon
        self.gamma = self._vector("gamma", num_groups, gamma_initializer, scale)
        self.beta = self._vector("beta", num_groups, beta_initializer, center)

    def _op_attrs(self):
        return {"num_groups": self._num_groups}

    def hybrid_forward(self, F, data, gamma, beta):
        return F.GroupNorm(data, gamma=gamma, beta=beta, num_groups=self._num_groups,
                           eps=self._epsilon)

    def __repr__(self):
        return f"{type(self).__name__}({self._content()})"


class Embedding(HybridBlock):
    """Look up rows of a ``(input_dim, output_dim)`` weight by integer index (op
    ``Embedding``).

    With ``sparse_grad=True`` the weight's gradient is a ``RowSparseNDArray``
    (``weight.grad().stype == 'row_sparse'``): only the looked-up rows are non-zero.
    Its values are held densely (see ``dlkit/ndarray/sparse.py``), so this changes
    the gradient's type, not the memory it takes or the update it gives.
    """

    def __init__(self, input_dim, output_dim, dtype="float32", weight_initializer=None,
                 sparse_grad=False, **kwargs):
        super().__init__(**kwargs)
        self._kwargs = {"input_dim": input_dim, "output_dim": output_dim,
                        "dtype": dtype, "sparse_grad": sparse_grad}
        self.weight = self.params.get("weight", shape=(input_dim, output_dim),
                                      init=weight_initializer, dtype=dtype,
                                      allow_deferred_init=True,
                                      grad_stype="row_sparse" if sparse_grad
                                      else "default")

    def hybrid_forward(self, F, x, weight):
        return F.Embedding(x, weight, name="fwd", **self._kwargs)

    def __repr__(self):
        kwargs = self._kwargs
        return (f"{type(self).__name__}({kwargs['input_dim']} -> "
                f"{kwargs['output_dim']}, {kwargs['dtype']})")


class Flatten(HybridBlock):
    """Reshape ``(N, ...)`` to ``(N, -1)``."""

    def hybrid_forward(self, F, x):
        return F.Flatten(x)

    def __repr__(self):
        return type(self).__name__


class Lambda(Block):
    """Wrap a function (or the name of an ``mx.nd`` function) as a Block."""

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            if not hasattr(ndarray, function):
                raise ValueError(f"Function name {function} is not found in ndarray.")
            self._func_impl = getattr(ndarray, function)
        elif callable(function):
            self._func_impl = function
        else:
            raise ValueError(f"Unrecognized function in lambda: {function} of type "
                             f"{type(function)}")
        self._func_name = getattr(function, "__name__", function)

    def forward(self, *args):
        return self._func_impl(*args)

    def __repr__(self):
        return f"{type(self).__name__}({self._func_name})"


class HybridLambda(HybridBlock):
    """Wrap ``function(F, *args)`` (or the name of an op) as a HybridBlock."""

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            name = function
            self._func = lambda F, *args: getattr(F, name)(*args)
            self._func_name = function
        elif callable(function):
            self._func = function
            self._func_name = function.__name__
        else:
            raise ValueError(f"Unrecognized function in lambda: {function} of type "
                             f"{type(function)}")

    def hybrid_forward(self, F, x, *args):
        return self._func(F, x, *args)

    def __repr__(self):
        return f"{type(self).__name__}({self._func_name})"

