"""``mx.nd.random``: draw random arrays (also ``mx.random``).

Each function is MXNet's Python helper over two sampler operators: numbers as
parameters call the scalar sampler of ``dlkit/ops/random.py``, NDArrays the
per-element sampler of ``dlkit/ops/random_sample.py``::

    mx.nd.random.uniform(0, 1, shape=(2, 3))   ->  _random_uniform(low=0, high=1, ...)
    mx.nd.random.uniform(low, high, shape=3)   ->  _sample_uniform(low, high, shape=3)
                                                   (one row of 3 draws per element)

MXNet's defaults are kept: float32 samples, ``shape=(1,)`` when numbers are given and
neither ``shape`` nor ``out`` is, the current context unless ``ctx`` says otherwise
(NDArray parameters decide the context themselves). Mixing numbers and NDArrays is an
error, as in MXNet.

The ``*_like`` helpers (``uniform_like`` ...) draw an array of ``data``'s shape and
dtype with the ``_random_*_like`` operators (``dlkit/ops/random_like.py``).

Differs from MXNet: the numbers differ (another generator).
"""
import numbers

from ..context import current_context
from .ndarray import NDArray, invoke

__all__ = ["uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson",
           "negative_binomial", "generalized_negative_binomial", "multinomial",
           "shuffle", "uniform_like", "normal_like", "gamma_like", "exponential_like",
           "poisson_like", "negative_binomial_like",
           "generalized_negative_binomial_like"]


def _same_kind(values, kind):
    """MXNet's check that every parameter is an NDArray, or every one a number."""
    for value in values[1:]:
        if not isinstance(value, kind):
            # an AssertionError, as MXNet's ``assert`` raises
            raise AssertionError("Distribution parameters must all have the same type, "
                                 f"but got both {type(values[0])} and {type(value)}.")


def _random_helper(random_op, sample_op, params, shape, dtype, ctx, out, kwargs):
    """Numbers: run ``random_op`` with MXNet's defaults for shape and ctx. NDArrays:
    run ``sample_op`` on them (``shape`` draws per element)."""
    values = list(params.values())
    if isinstance(values[0], NDArray):
        _same_kind(values, NDArray)
        attrs = dict(kwargs)
        if shape is not None:
            attrs["shape"] = shape
        if dtype is not None:
            attrs["dtype"] = dtype
        return invoke(sample_op, values, attrs, out)
    if isinstance(values[0], numbers.Number):
        _same_kind(values, numbers.Number)
        if shape is None:
            shape = out.shape if out is not None else (1,)
        if ctx is None:
            ctx = out.context if out is not None else current_context()
        attrs = dict(params, shape=shape, dtype=dtype, ctx=ctx, **kwargs)
        return invoke(random_op, [], attrs, out)
    raise ValueError("Distribution parameters must be either NDArray or numbers, but "
                     f"got {type(values[0])}.")


def uniform(low=0, high=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draw samples from the uniform distribution on ``[low, high)``.

    Parameters
    ----------
    low, high : float or NDArray
        Bounds of the interval (``low`` included, ``high`` excluded). NDArrays (of one
        shape) give each element its own interval: ``shape`` draws per element.
    shape : int or tuple of ints, optional
        Output shape; ``(1,)`` if neither ``shape`` nor ``out`` is given. With NDArray
        parameters the output shape is ``low.shape + shape``.
    dtype : {'float16', 'float32', 'float64'}, optional
        Default ``'float32'``.
    ctx : Context, optional
        Device of the output; the current context by default (ignored for NDArray
        parameters, whose context is used).
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
    >>> mx.nd.random.uniform(mx.nd.array([0, 10]), mx.nd.array([1, 11]), shape=4).shape
    (2, 4)
    """
    return _random_helper("_random_uniform", "_sample_uniform",
                          {"low": low, "high": high}, shape, dtype, ctx, out, kwargs)


def normal(loc=0, scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draw samples from the normal distribution with mean ``loc`` and standard
    deviation ``scale`` (numbers or NDArrays; other arguments as in ``uniform``).

    Example
    -------
    >>> mx.nd.random.normal(0, 1, shape=(4,)).dtype
    <class 'numpy.float32'>
    """
    return _random_helper("_random_normal", "_sample_normal",
                          {"loc": loc, "scale": scale}, shape, dtype, ctx, out, kwargs)


def randn(*shape, **kwargs):
    """Normal samples of shape ``shape``; keywords ``loc`` (default 0), ``scale``
    (default 1), ``dtype``, ``ctx``, ``out`` as in ``normal``.

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
    """Draw integers uniformly from ``[low, high)`` (numbers only, as in MXNet); dtype
    ``'int32'`` (default) or ``'int64'``.

    Example
    -------
    >>> mx.nd.random.randint(0, 10, shape=(5,)).dtype
    <class 'numpy.int32'>
    """
    if isinstance(low, NDArray) or isinstance(high, NDArray):
        raise TypeError("random.randint: low and high must be numbers; MXNet has no "
                        "per-element randint")
    return _random_helper("_random_randint", None, {"low": low, "high": high}, shape,
                          dtype, ctx, out, kwargs)


def exponential(scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draw samples from the exponential distribution with mean ``scale`` (the
    operator's rate ``lam`` is ``1 / scale``, an NDArray for NDArray ``scale``).

    Example
    -------
    >>> mx.nd.random.exponential(2.0, shape=(3,)).shape
    (3,)
    """
    return _random_helper("_random_exponential", "_sample_exponential",
                          {"lam": 1.0 / scale}, shape, dtype, ctx, out, kwargs)


def gamma(alpha=1, beta=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draw samples from the gamma distribution with shape ``alpha`` and scale
    ``beta`` (mean ``alpha * beta``).

    Example
    -------
    >>> mx.nd.random.gamma(2, 3, shape=(2,)).shape
    (2,)
    """
    return _random_helper("_random_gamma", "_sample_gamma",
                          {"alpha": alpha, "beta": beta}, shape, dtype, ctx, out,
                          kwargs)


def poisson(lam=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draw counts from the Poisson distribution with rate ``lam`` (float32 values by
    default, as in MXNet).

    Example
    -------
    >>> mx.nd.random.poisson(3, shape=(2,)).dtype
    <class 'numpy.float32'>
    """
    return _random_helper("_random_poisson", "_sample_poisson", {"lam": lam}, shape,
                          dtype, ctx, out, kwargs)


def negative_binomial(k=1, p=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Draw the number of failures before the ``k``-th success of trials that
    succeed with probability ``p`` (mean ``k (1 - p) / p``; float32 values). A
    number ``k`` must be an integer, an NDArray ``k`` may be fractional.

    Example
    -------
    >>> mx.nd.random.negative_binomial(3, 0.4, shape=(2,)).shape
    (2,)
    """
    return _random_helper("_random_negative_binomial", "_sample_negative_binomial",
                          {"k": k, "p": p}, shape, dtype, ctx, out, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=None, dtype=None, ctx=None,
                                  out=None, **kwargs):
    """Draw counts with mean ``mu`` and variance ``mu + alpha * mu**2`` (``alpha = 0``
    gives Poisson counts; float32 values).

    Example
    -------
    >>> mx.nd.random.generalized_negative_binomial(2.0, 0.5, shape=(3,)).shape
    (3,)
    """
    return _random_helper("_random_generalized_negative_binomial",
                          "_sample_generalized_negative_binomial",
                          {"mu": mu, "alpha": alpha}, shape, dtype, ctx, out, kwargs)


def multinomial(data, shape=None, get_prob=False, out=None, dtype="int32", **kwargs):
    """Draw category indices from the probabilities in the last axis of ``data``.

    Parameters
    ----------
    data : NDArray
        Shape ``(..., k)``: each row holds the probabilities of categories 0..k-1.
    shape : int or tuple of ints, optional
        Draws per row; the output has shape ``data.shape[:-1] + shape``.
    get_prob : bool, default False
        Also return the log-probability of each draw (differentiable w.r.t. ``data``,
        for REINFORCE-style training).
    out : NDArray, optional
    dtype : {'int32', 'uint8', 'float16', 'float32', 'float64'}, default 'int32'

    Returns
    -------
    NDArray, or a list ``[samples, log_probabilities]`` with ``get_prob=True``

    Example
    -------
    >>> mx.nd.random.multinomial(mx.nd.array([[0.0, 1.0], [1.0, 0.0]]), shape=2)
    <BLANKLINE>
    [[1 1]
     [0 0]]
    <NDArray 2x2 @cpu(0)>
    """
    if not isinstance(data, NDArray):
        # an AssertionError, as MXNet's ``assert`` raises
        raise AssertionError(f"Argument data must have NDArray type, but got {data}")
    attrs = dict(kwargs, get_prob=get_prob, dtype=dtype)
    if shape is not None:
        attrs["shape"] = shape
    return invoke("_sample_multinomial", [data], attrs, out)


def shuffle(data, **kwargs):
    """A copy of ``data`` with its rows (first axis) in random order.

    Example
    -------
    >>> sorted(mx.nd.random.shuffle(mx.nd.arange(4)).asnumpy().tolist())
    [0.0, 1.0, 2.0, 3.0]
    """
    return invoke("_shuffle", [data], kwargs)


# --------------------------------------------------------------------------------------
# Samplers shaped like an array: MXNet's generated wrappers of ``_random_*_like``.
# --------------------------------------------------------------------------------------
def _like(op_name, data, params, out, kwargs):
    """Run ``op_name`` on ``data``; parameters left as None keep the op's default (and
    are not stored, as MXNet leaves them out)."""
    attrs = dict(kwargs)
    attrs.update({key: value for key, value in params.items() if value is not None})
    return invoke(op_name, [data], attrs, out)


def uniform_like(data=None, low=None, high=None, out=None, **kwargs):
    """Uniform samples on ``[low, high)`` (defaults 0 and 1) with the shape and dtype
    of ``data`` (a float NDArray; only its shape and dtype are read).

    Example
    -------
    >>> mx.nd.random.uniform_like(mx.nd.zeros((2, 3), dtype="float64")).dtype
    <class 'numpy.float64'>
    """
    return _like("_random_uniform_like", data, {"low": low, "high": high}, out,
                 kwargs)


def normal_like(data=None, loc=None, scale=None, out=None, **kwargs):
    """Normal samples with mean ``loc`` (default 0) and standard deviation ``scale``
    (default 1), shaped like ``data``.

    Example
    -------
    >>> mx.nd.random.normal_like(mx.nd.zeros((4,)), loc=5).shape
    (4,)
    """
    return _like("_random_normal_like", data, {"loc": loc, "scale": scale}, out,
                 kwargs)


def gamma_like(data=None, alpha=None, beta=None, out=None, **kwargs):
    """Gamma samples with shape ``alpha`` and scale ``beta`` (defaults 1), shaped like
    ``data``.

    Example
    -------
    >>> mx.nd.random.gamma_like(mx.nd.zeros((2,)), alpha=2).shape
    (2,)
    """
    return _like("_random_gamma_like", data, {"alpha": alpha, "beta": beta}, out,
                 kwargs)


def exponential_like(data=None, lam=None, out=None, **kwargs):
    """Exponential samples with rate ``lam`` (default 1; mean ``1 / lam``), shaped like
    ``data``. Unlike ``exponential`` it takes the rate, not the scale, as MXNet does.

    Example
    -------
    >>> mx.nd.random.exponential_like(mx.nd.zeros((3,)), lam=4).shape
    (3,)
    """
    return _like("_random_exponential_like", data, {"lam": lam}, out, kwargs)


def poisson_like(data=None, lam=None, out=None, **kwargs):
    """Poisson counts with rate ``lam`` (default 1), as floats shaped like ``data``.

    Example
    -------
    >>> mx.nd.random.poisson_like(mx.nd.zeros((2, 2)), lam=3).shape
    (2, 2)
    """
    return _like("_random_poisson_like", data, {"lam": lam}, out, kwargs)


def negative_binomial_like(data=None, k=None, p=None, out=None, **kwargs):
    """Failures before the ``k``-th success (default 1) of trials that succeed with
    probability ``p`` (default 1), as floats shaped like ``data``.

    Example
    -------
    >>> mx.nd.random.negative_binomial_like(mx.nd.zeros((2,)), k=3, p=0.4).shape
    (2,)
    """
    return _like("_random_negative_binomial_like", data, {"k": k, "p": p}, out, kwargs)


def generalized_negative_binomial_like(data=None, mu=None, alpha=None, out=None,
                                       **kwargs):
    """Counts with mean ``mu`` and variance ``mu + alpha * mu**2`` (defaults 1), as
    floats shaped like ``data``.

    Example
    -------
    >>> mx.nd.random.generalized_negative_binomial_like(mx.nd.zeros((3,))).shape
    (3,)
    """
    return _like("_random_generalized_negative_binomial_like", data,
                 {"mu": mu, "alpha": alpha}, out, kwargs)
