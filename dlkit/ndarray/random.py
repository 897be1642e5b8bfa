"""``mx.nd.random``: draw random arrays (also ``mx.random``).

Each function is MXNet's Python helper over one sampler operator of
``dlkit/ops/random.py``::

    mx.nd.random.uniform(0, 1, shape=(2, 3))   ->  _random_uniform(low=0, high=1, ...)

MXNet's defaults are kept: float32 samples, ``shape=(1,)`` when neither ``shape`` nor
``out`` is given, the current context unless ``ctx`` says otherwise.

Differs from MXNet: the numbers differ (another generator); parameters must be numbers
(MXNet also accepts NDArrays of per-row parameters, through its ``_sample_*`` ops).
"""
from ..base import MXNetError
from ..context import current_context
from .ndarray import NDArray, invoke

__all__ = ["uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson",
           "shuffle"]


def _sample(op_name, params, shape, dtype, ctx, out, kwargs):
    """Run a sampler: fill in MXNet's defaults for shape and ctx, then ``invoke``."""
    for name, value in params.items():
        if isinstance(value, NDArray):
            raise MXNetError(f"random.{op_name[8:]}: parameter {name} must be a "
                             "number; dlkit does not sample with NDArray parameters")
    if shape is None:
        shape = out.shape if out is not None else (1,)
    attrs = dict(params, shape=shape, dtype=dtype, **kwargs)
    if ctx is None:
        ctx = out.context if out is not None else current_context()
    attrs["ctx"] = ctx
    return invoke(op_name, [], attrs, out)


def uniform(low=0, high=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draw samples from the uniform distribution on ``[low, high)``.

    Parameters
    ----------
    low, high : float
        Bounds of the interval (``low`` included, ``high`` excluded).
    shape : int or tuple of ints, optional
        Output shape; ``(1,)`` if neither ``shape`` nor ``out`` is given.
    dtype : {'float16', 'float32', 'float64'}, optional
        Default ``'float32'``.
    ctx : Context, optional
        Device of the output; the current context by default.
    out : NDArray, optional
        Array to write the samples into.

    Returns
    -------
    NDArray

    Example
    -------
    >>> mx.random.seed(0)
    >>> mx.nd.random.uniform(0, 1, shape=(2, 3)).shape
    (2, 3)
    """
    return _sample("_random_uniform", {"low": low, "high": high}, shape, dtype, ctx,
                   out, kwargs)


def normal(loc=0, scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draw samples from the normal distribution with mean ``loc`` and standard
    deviation ``scale`` (other arguments as in ``uniform``).

    Example
    -------
    >>> mx.nd.random.normal(0, 1, shape=(4,)).dtype
    <class 'numpy.float32'>
    """
    return _sample("_random_normal", {"loc": loc, "scale": scale}, shape, dtype, ctx,
                   out, kwargs)


def randn(*shape, **kwargs):
    """Standard normal samples of shape ``shape``; keywords ``loc``, ``scale``,
    ``dtype``, ``ctx``, ``out`` as in ``normal``.

    Example
    -------
    >>> mx.nd.random.randn(2, 3).shape
    (2, 3)
    """
    loc = kwargs.pop("loc", 0)
    scale = kwargs.pop("scale", 1)
    dtype = kwargs.pop("dtype", None)
    ctx = kwargs.pop("ctx", None)
    out = kwargs.pop("out", None)
    return normal(loc, scale, shape, dtype, ctx, out, **kwargs)


def randint(low, high, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draw integers uniformly from ``[low, high)``; dtype ``'int32'`` (default) or
    ``'int64'``.

    Example
    -------
    >>> mx.nd.random.randint(0, 10, shape=(5,)).dtype
    <class 'numpy.int32'>
    """
    return _sample("_random_randint", {"low": low, "high": high}, shape, dtype, ctx,
                   out, kwargs)


def exponential(scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draw samples from the exponential distribution with mean ``scale`` (the
    operator's rate ``lam`` is ``1 / scale``).

    Example
    -------
    >>> mx.nd.random.exponential(2.0, shape=(3,)).shape
    (3,)
    """
    return _sample("_random_exponential", {"lam": 1.0 / scale}, shape, dtype, ctx, out,
                   kwargs)


def gamma(alpha=1, beta=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draw samples from the gamma distribution with shape ``alpha`` and scale
    ``beta`` (mean ``alpha * beta``).

    Example
    -------
    >>> mx.nd.random.gamma(2, 3, shape=(2,)).shape
    (2,)
    """
    return _sample("_random_gamma", {"alpha": alpha, "beta": beta}, shape, dtype, ctx,
                   out, kwargs)


def poisson(lam=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draw counts from the Poisson distribution with rate ``lam`` (float32 values by
    default, as in MXNet).

    Example
    -------
    >>> mx.nd.random.poisson(3, shape=(2,)).dtype
    <class 'numpy.float32'>
    """
    return _sample("_random_poisson", {"lam": lam}, shape, dtype, ctx, out, kwargs)


def shuffle(data, **kwargs):
    """A copy of ``data`` with its rows (first axis) in random order.

    Example
    -------
    >>> sorted(mx.nd.random.shuffle(mx.nd.arange(4)).asnumpy().tolist())
    [0.0, 1.0, 2.0, 3.0]
    """
    return invoke("_shuffle", [data], kwargs)
