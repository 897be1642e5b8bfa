"""``gluon.contrib.nn``: containers that run children side by side, and a few layers.

    Concurrent / HybridConcurrent   x -> [a], [b], [c] -> concat(a(x), b(x), c(x))
    Identity                        x -> x (a placeholder branch in a Concurrent)
    SparseEmbedding                 Embedding whose weight MXNet keeps row_sparse
    SyncBatchNorm                   BatchNorm with statistics over all devices
    PixelShuffle1D/2D/3D            (N, C*f, W) -> (N, C, W*f): channels become pixels

Every layer is built from registered ops (``Concat``, ``Embedding``, ``BatchNorm``,
``Reshape``, ``transpose``, ``SwapAxis``), so autograd and ``hybridize`` need nothing
special. Names, reprs and parameters follow MXNet 1.9.1.
"""
import warnings

from .... import ndarray
from ....base import MXNetError
from ....context import num_gpus
from ...block import Block
from ...hybrid_block import HybridBlock
from ...nn import BatchNorm, HybridSequential, Sequential

__all__ = ["Concurrent", "HybridConcurrent", "Identity", "SparseEmbedding",
           "SyncBatchNorm", "PixelShuffle1D", "PixelShuffle2D", "PixelShuffle3D"]


class Concurrent(Sequential):
    """Run every child on the same input and concatenate their outputs on ``axis``.

    Parameters
    ----------
    axis : int, default -1
        The axis on which to concatenate the outputs.

    Example
    -------
    >>> net = mx.gluon.contrib.nn.Concurrent(axis=1)
    >>> net.add(mx.gluon.nn.Dense(3), mx.gluon.contrib.nn.Identity())
    >>> net.initialize(); net(mx.nd.ones((2, 4))).shape
    (2, 7)
    """

    def __init__(self, axis=-1, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def forward(self, x):
        outputs = [block(x) for block in self._children.values()]
        return ndarray.concat(*outputs, dim=self.axis)


class HybridConcurrent(HybridSequential):
    """``Concurrent`` whose children are HybridBlocks, so it can be hybridized.

    Example
    -------
    >>> net = mx.gluon.contrib.nn.HybridConcurrent(axis=1)
    >>> net.add(mx.gluon.nn.Dense(3), mx.gluon.nn.Dense(2)); net.initialize()
    >>> net(mx.nd.ones((2, 4))).shape
    (2, 5)
    """

    def __init__(self, axis=-1, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def hybrid_forward(self, F, x):
        outputs = [block(x) for block in self._children.values()]
        return F.concat(*outputs, dim=self.axis)


class Identity(HybridBlock):
    """Return the input unchanged: the "skip" branch of a ``HybridConcurrent``.

    Example
    -------
    >>> net = mx.gluon.contrib.nn.HybridConcurrent(axis=1)
    >>> net.add(mx.gluon.contrib.nn.Identity(), mx.gluon.contrib.nn.Identity())
    >>> net(mx.nd.ones((2, 3))).shape
    (2, 6)
    """

    def hybrid_forward(self, F, x):
        return x


class SparseEmbedding(Block):
    """``Embedding`` whose weight and gradient MXNet stores as ``row_sparse``: only
    the rows looked up in a batch get a gradient and an update.

    Parameters
    ----------
    input_dim : int
        Size of the vocabulary (rows of the weight).
    output_dim : int
        Size of each embedding vector.
    dtype : str, default 'float32'
    weight_initializer : Initializer, optional

    The parameter is declared with ``stype`` and ``grad_stype`` ``'row_sparse'`` and
    the op is called with ``sparse_grad=True``, as in MXNet; it is a plain ``Block``
    (no ``hybridize``), as in MXNet.

    Differs from MXNet: dlkit has no sparse storage, so the weight and its gradient
    are dense arrays (the gradient is zero in the rows not looked up, the values are
    MXNet's) and the block runs without a Trainer (MXNet 1.9.1 refuses to run it
    until a Trainer holds its parameters). Optimizers therefore update every row,
    as MXNet does for a dense gradient: weight decay and momentum also touch the
    rows not looked up.

    Example
    -------
    >>> embedding = mx.gluon.contrib.nn.SparseEmbedding(10, 4); embedding.initialize()
    >>> embedding(mx.nd.array([1, 3])).shape
    (2, 4)
    """

    def __init__(self, input_dim, output_dim, dtype="float32", weight_initializer=None,
                 **kwargs):
        super().__init__(**kwargs)
        self._kwargs = {"input_dim": input_dim, "output_dim": output_dim,
                        "dtype": dtype, "sparse_grad": True}
        self.weight = self.params.get("weight", shape=(input_dim, output_dim),
                                      init=weight_initializer, dtype=dtype,
                                      grad_stype="row_sparse", stype="row_sparse")

    def forward(self, x):
        weight = self.weight.data(x.context)
        return ndarray.Embedding(x, weight, name="fwd", **self._kwargs)

    def __repr__(self):
        kwargs = self._kwargs
        return (f"{type(self).__name__}({kwargs['input_dim']} -> "
                f"{kwargs['output_dim']}, {kwargs['dtype']})")


class SyncBatchNorm(BatchNorm):
    """Batch normalization whose mean and variance MXNet computes over the batches of
    all devices together (op ``_contrib_SyncBatchNorm``), for small per-device
    batches.

    Parameters
    ----------
    in_channels : int, default 0
        Number of channels (axis 1); 0 infers it at the first call.
    num_devices : int, optional
        How many devices share the statistics; default: the number of GPUs (at
        least 1), with MXNet's warning.
    momentum, epsilon, center, scale, use_global_stats : as in ``nn.BatchNorm``
    beta_initializer, gamma_initializer, running_mean_initializer,
    running_variance_initializer : as in ``nn.BatchNorm``

    The parameters are ``gamma``, ``beta``, ``running_mean`` and ``running_var``,
    the channel axis is always 1, and the repr shows MXNet's op attributes
    (``ndev``, ``key``).

    Differs from MXNet: dlkit calls each device's copy of a block separately, so
    there is nothing to synchronize and the layer computes ``BatchNorm`` on each
    device's batch (op ``BatchNorm`` named ``fwd``, also in a hybridized graph):
    the same numbers as MXNet's ``SyncBatchNorm`` on one device, and the numbers of
    a per-device ``BatchNorm`` on several.

    Example
    -------
    >>> norm = mx.gluon.contrib.nn.SyncBatchNorm(num_devices=1); norm.initialize()
    >>> norm(mx.nd.ones((2, 3, 4, 4))).shape
    (2, 3, 4, 4)
    """

    def __init__(self, in_channels=0, num_devices=None, momentum=0.9, epsilon=1e-5,
                 center=True, scale=True, use_global_stats=False,
                 beta_initializer="zeros", gamma_initializer="ones",
                 running_mean_initializer="zeros", running_variance_initializer="ones",
                 **kwargs):
        super().__init__(axis=1, momentum=momentum, epsilon=epsilon, center=center,
                         scale=scale, use_global_stats=use_global_stats,
                         beta_initializer=beta_initializer,
                         gamma_initializer=gamma_initializer,
                         running_mean_initializer=running_mean_initializer,
                         running_variance_initializer=running_variance_initializer,
                         in_channels=in_channels, **kwargs)
        self._batch_norm_kwargs = dict(self._kwargs)
        # what MXNet's repr shows: _contrib_SyncBatchNorm's attributes
        self._kwargs = {"eps": epsilon, "momentum": momentum, "fix_gamma": not scale,
                        "use_global_stats": use_global_stats,
                        "ndev": self._get_num_devices(num_devices),
                        "key": self.prefix}

    @staticmethod
    def _get_num_devices(num_devices):
        if num_devices is not None:
            return num_devices
        warnings.warn("Caution using SyncBatchNorm: if not using all the GPUs, please "
                      "mannually set num_devices", UserWarning, stacklevel=3)
        return max(num_gpus(), 1)

    def hybrid_forward(self, F, x, gamma, beta, running_mean, running_var):
        return F.BatchNorm(x, gamma, beta, running_mean, running_var, name="fwd",
                           **self._batch_norm_kwargs)


def _factors(factor, count, name):
    """``factor`` as a tuple of ``count`` ints (one int is repeated)."""
    if isinstance(factor, (list, tuple)):
        factors = tuple(int(value) for value in factor)
        if len(factors) != count:
            raise MXNetError(f"{name}: factor needs {count} values, got "
                             f"{len(factors)}: {factor!r}")
        return factors
    return (int(factor),) * count


class _PixelShuffle(HybridBlock):
    """What the three PixelShuffle layers share: the factors and the channel check."""

    def _check_channels(self, F, x):
        """Only NDArrays have known shapes here; a Symbol fails in Reshape's rule."""
        product = 1
        for value in self._factors:
            product *= value
        if F is ndarray and x.shape[1] % product != 0:
            raise MXNetError(f"{type(self).__name__}: the {x.shape[1]} channels of the "
                             f"input {x.shape} are not divisible by the product of "
                             f"the factors {self._factors} ({product})")

    def __repr__(self):
        return f"{type(self).__name__}({self._factors})"


class PixelShuffle1D(_PixelShuffle):
    """Move groups of ``factor`` channels into the width: ``(N, C * f, W)`` becomes
    ``(N, C, W * f)``, output ``y[n, c, w * f + i] = x[n, c * f + i, w]``.

    Example
    -------
    >>> shuffle = mx.gluon.contrib.nn.PixelShuffle1D(2)
    >>> shuffle(mx.nd.ones((1, 4, 3))).shape
    (1, 2, 6)
    """

    def __init__(self, factor):
        super().__init__()
        self._factors = (int(factor),)

    def __repr__(self):
        return f"{type(self).__name__}({self._factors[0]})"

    def hybrid_forward(self, F, x):
        self._check_channels(F, x)
        factor = self._factors[0]
        x = F.reshape(x, (0, -4, -1, factor, 0))     # (N, C, f, W)
        x = F.transpose(x, (0, 1, 3, 2))            # (N, C, W, f)
        return F.reshape(x, (0, 0, -3))             # (N, C, W * f)


class PixelShuffle2D(_PixelShuffle):
    """Move channels into the height and width (sub-pixel convolution's upsampling):
    ``(N, C * f1 * f2, H, W)`` becomes ``(N, C, H * f1, W * f2)``.

    Parameters
    ----------
    factor : int or (int, int)
        Upsampling factors of the height and the width.

    Differs from MXNet: a factor of the wrong length, or an input whose channels the
    factors do not divide, raises ``MXNetError`` naming the layer (MXNet: an
    ``AssertionError``, or an error from ``Reshape``); likewise in the 1-D and 3-D
    layers.

    Example
    -------
    >>> shuffle = mx.gluon.contrib.nn.PixelShuffle2D((2, 3))
    >>> shuffle(mx.nd.ones((1, 12, 3, 5))).shape
    (1, 2, 6, 15)
    """

    def __init__(self, factor):
        super().__init__()
        self._factors = _factors(factor, 2, type(self).__name__)

    def hybrid_forward(self, F, x):
        self._check_channels(F, x)
        f1, f2 = self._factors
        x = F.reshape(x, (0, -4, -1, f1 * f2, 0, 0))    # (N, C, f1 * f2, H, W)
        x = F.reshape(x, (0, 0, -4, f1, f2, 0, 0))      # (N, C, f1, f2, H, W)
        x = F.transpose(x, (0, 1, 4, 2, 5, 3))          # (N, C, H, f1, W, f2)
        return F.reshape(x, (0, 0, -3, -3))             # (N, C, H * f1, W * f2)


class PixelShuffle3D(_PixelShuffle):
    """Move channels into depth, height and width: ``(N, C * f1 * f2 * f3, D, H, W)``
    becomes ``(N, C, D * f1, H * f2, W * f3)``.

    Parameters
    ----------
    factor : int or (int, int, int)

    Example
    -------
    >>> shuffle = mx.gluon.contrib.nn.PixelShuffle3D(2)
    >>> shuffle(mx.nd.ones((1, 8, 2, 2, 2))).shape
    (1, 1, 4, 4, 4)
    """

    def __init__(self, factor):
        super().__init__()
        self._factors = _factors(factor, 3, type(self).__name__)

    def hybrid_forward(self, F, x):
        # One axis at a time (transpose takes at most 6 axes in MXNet): move the
        # factor next to its axis with swapaxes, then merge the two.
        self._check_channels(F, x)
        f1, f2, f3 = self._factors
        x = F.reshape(x, (0, -4, -1, f1 * f2 * f3, 0, 0, 0))  # (N, C, f1f2f3, D, H, W)
        x = F.swapaxes(x, 2, 3)                               # (N, C, D, f1f2f3, H, W)
        x = F.reshape(x, (0, 0, 0, -4, f1, f2 * f3, 0, 0))    # (N, C, D, f1, f2f3, ..)
        x = F.reshape(x, (0, 0, -3, 0, 0, 0))                 # (N, C, D*f1, f2f3, H, W)
        x = F.swapaxes(x, 3, 4)                               # (N, C, D*f1, H, f2f3, W)
        x = F.reshape(x, (0, 0, 0, 0, -4, f2, f3, 0))         # (.., H, f2, f3, W)
        x = F.reshape(x, (0, 0, 0, -3, 0, 0))                 # (.., H*f2, f3, W)
        x = F.swapaxes(x, 4, 5)                               # (.., H*f2, W, f3)
        return F.reshape(x, (0, 0, 0, 0, -3))                 # (N, C, D*f1, H*f2, W*f3)
