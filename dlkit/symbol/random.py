"""``mx.sym.random``: random nodes in a graph, the Symbol twins of ``mx.nd.random``.

As in ``mx.nd.random``, numbers as parameters add a node of a scalar sampler and
Symbols a node of a per-element sampler::

    mx.sym.random.uniform(0, 1, shape=(2, 3))   ->  node _random_uniform0
    mx.sym.random.normal(mu, sigma, shape=4)    ->  node _sample_normal0 (inputs mu,
                                                    sigma; 4 draws per element)

The node is named after the operator (``_random_uniform0``), as in MXNet. Unlike the
``nd`` functions these take no ``ctx`` or ``out``, and an absent ``shape`` stays
absent: a graph may infer a scalar sampler's shape from its consumers (``x +
mx.sym.random.uniform()`` draws ``x``'s shape).

The ``*_like`` functions (``uniform_like(data)``) add a ``_random_*_like`` node that
draws ``data``'s shape and dtype; as in MXNet the node is named after the function
(``uniform_like0``).
"""
import numbers

from ..ndarray.random import _same_kind
from ..ops.registry import get_op
from .create import create
from .symbol import Symbol

__all__ = ["uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson",
           "negative_binomial", "generalized_negative_binomial", "multinomial",
           "shuffle", "uniform_like", "normal_like", "gamma_like", "exponential_like",
           "poisson_like", "negative_binomial_like",
           "generalized_negative_binomial_like"]


def _node(op_name, inputs, attrs):
    """Add one node of ``op_name``; ``name=`` and ``attr=`` go to the node itself."""
    attrs = dict(attrs)
    name = attrs.pop("name", None)
    attr = attrs.pop("attr", None)
    return create(get_op(op_name), op_name, list(inputs), attrs, name, attr)


def _random_helper(random_op, sample_op, params, shape, dtype, kwargs):
    """Numbers: a ``random_op`` node with the numbers as attributes. Symbols: a
    ``sample_op`` node with them as inputs. Mixing both is an error, as in MXNet."""
    values = list(params.values())
    attrs = dict(kwargs)
    if shape is not None:
        attrs["shape"] = shape
    if dtype is not None:
        attrs["dtype"] = dtype
    if isinstance(values[0], Symbol):
        kind = Symbol
    elif isinstance(values[0], numbers.Number):
        kind = numbers.Number
    else:
        raise ValueError("Distribution parameters must be either Symbol or numbers, but "
                         f"got {type(values[0])}.")
    _same_kind(values, kind)
    if kind is Symbol:
        return _node(sample_op, values, attrs)
    return _node(random_op, [], dict(params, **attrs))


def uniform(low=0, high=1, shape=None, dtype=None, **kwargs):
    """A node drawing from the uniform distribution on ``[low, high)``.

    Parameters
    ----------
    low, high : float or Symbol
        Numbers: one interval (``_random_uniform``). Symbols of one shape: an interval
        per element and ``shape`` draws each (``_sample_uniform``).
    shape : int or tuple of ints, optional
    dtype : {'float16', 'float32', 'float64'}, optional
        Default ``'float32'``.

    Returns
    -------
    Symbol

    Example
    -------
    >>> mx.sym.random.uniform(0, 1, shape=(2, 3)).infer_shape()
    ([], [(2, 3)], [])
    """
    return _random_helper("_random_uniform", "_sample_uniform",
                          {"low": low, "high": high}, shape, dtype, kwargs)


def normal(loc=0, scale=1, shape=None, dtype=None, **kwargs):
    """A node drawing from the normal distribution with mean ``loc`` and standard
    deviation ``scale`` (numbers or Symbols, as in ``uniform``).

    Example
    -------
    >>> mx.sym.random.normal(mx.sym.var("mu"), mx.sym.var("sigma"), shape=4).name
    '_sample_normal0'
    """
    return _random_helper("_random_normal", "_sample_normal",
                          {"loc": loc, "scale": scale}, shape, dtype, kwargs)


def randn(*shape, **kwargs):
    """A node of normal samples of shape ``shape``; keywords ``loc`` (default 0),
    ``scale`` (default 1) and ``dtype`` as in ``normal``.

    Example
    -------
    >>> mx.sym.random.randn(2, 3).infer_shape()
    ([], [(2, 3)], [])
    """
    loc = kwargs.pop("loc", 0)
    scale = kwargs.pop("scale", 1)
    dtype = kwargs.pop("dtype", None)
    return _random_helper("_random_normal", "_sample_normal",
                          {"loc": loc, "scale": scale}, shape, dtype, kwargs)


def randint(low, high, shape=None, dtype=None, **kwargs):
    """A node drawing integers uniformly from ``[low, high)`` (numbers only); dtype
    ``'int32'`` (default) or ``'int64'``.

    Example
    -------
    >>> mx.sym.random.randint(0, 10, shape=(5,)).infer_type()
    ([], [<class 'numpy.int32'>], [])
    """
    attrs = dict(kwargs, low=low, high=high)
    if shape is not None:
        attrs["shape"] = shape
    if dtype is not None:
        attrs["dtype"] = dtype
    return _node("_random_randint", [], attrs)


def exponential(scale=1, shape=None, dtype=None, **kwargs):
    """A node drawing from the exponential distribution with mean ``scale`` (the
    operator's rate ``lam`` is ``1 / scale``: for a Symbol ``scale``, a
    ``_rdiv_scalar`` node feeds ``_sample_exponential``).

    Example
    -------
    >>> mx.sym.random.exponential(2.0, shape=(3,)).list_attr()["lam"]
    '0.5'
    """
    return _random_helper("_random_exponential", "_sample_exponential",
                          {"lam": 1.0 / scale}, shape, dtype, kwargs)


def gamma(alpha=1, beta=1, shape=None, dtype=None, **kwargs):
    """A node drawing from the gamma distribution with shape ``alpha`` and scale
    ``beta``.

    Example
    -------
    >>> mx.sym.random.gamma(2, 3, shape=(2,)).name
    '_random_gamma0'
    """
    return _random_helper("_random_gamma", "_sample_gamma",
                          {"alpha": alpha, "beta": beta}, shape, dtype, kwargs)


def poisson(lam=1, shape=None, dtype=None, **kwargs):
    """A node drawing Poisson counts with rate ``lam`` (float32 values by default).

    Example
    -------
    >>> mx.sym.random.poisson(mx.sym.var("rate")).list_arguments()
    ['rate']
    """
    return _random_helper("_random_poisson", "_sample_poisson", {"lam": lam}, shape,
                          dtype, kwargs)


def negative_binomial(k=1, p=1, shape=None, dtype=None, **kwargs):
    """A node drawing the failures before the ``k``-th success of trials that
    succeed with probability ``p``.

    Example
    -------
    >>> mx.sym.random.negative_binomial(3, 0.4, shape=(2,)).name
    '_random_negative_binomial0'
    """
    return _random_helper("_random_negative_binomial", "_sample_negative_binomial",
                          {"k": k, "p": p}, shape, dtype, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=None, dtype=None, **kwargs):
    """A node drawing counts with mean ``mu`` and variance ``mu + alpha * mu**2``.

    Example
    -------
    >>> mx.sym.random.generalized_negative_binomial(2.0, 0.5, shape=(3,)).name
    '_random_generalized_negative_binomial0'
    """
    return _random_helper("_random_generalized_negative_binomial",
                          "_sample_generalized_negative_binomial",
                          {"mu": mu, "alpha": alpha}, shape, dtype, kwargs)


def multinomial(data, shape=None, get_prob=True, dtype="int32", **kwargs):
    """A ``_sample_multinomial`` node: category indices drawn from the probabilities
    in the last axis of ``data``.

    MXNet quirk kept: here ``get_prob`` defaults to True (two outputs, the draws and
    their log-probabilities), where ``mx.nd.random.multinomial`` defaults to False.

    Example
    -------
    >>> mx.sym.random.multinomial(mx.sym.var("probs")).list_outputs()
    ['_sample_multinomial0_output0', '_sample_multinomial0_output1']
    """
    attrs = dict(kwargs, get_prob=get_prob, dtype=dtype)
    if shape is not None:
        attrs["shape"] = shape
    return _node("_sample_multinomial", [data], attrs)


def shuffle(data, **kwargs):
    """A ``_shuffle`` node: ``data`` with its rows (first axis) in random order.

    Example
    -------
    >>> mx.sym.random.shuffle(mx.sym.var("data")).name
    '_shuffle0'
    """
    return _node("_shuffle", [data], kwargs)


# --------------------------------------------------------------------------------------
# Samplers shaped like a Symbol: nodes of ``_random_*_like``.
# --------------------------------------------------------------------------------------
def _like(op_name, short_name, data, params, kwargs):
    """A node of ``op_name`` on ``data``, named like MXNet's ``uniform_like0``;
    parameters left as None keep the op's default and are not stored."""
    attrs = dict(kwargs)
    attrs.update({key: value for key, value in params.items() if value is not None})
    name = attrs.pop("name", None)
    attr = attrs.pop("attr", None)
    inputs = [] if data is None else [data]
    return create(get_op(op_name), short_name, inputs, attrs, name, attr)


def uniform_like(data=None, low=None, high=None, **kwargs):
    """A node of uniform samples on ``[low, high)`` shaped like ``data``.

    Example
    -------
    >>> mx.sym.random.uniform_like(mx.sym.var("x")).infer_shape(x=(2, 3))[1]
    [(2, 3)]
    """
    return _like("_random_uniform_like", "uniform_like", data,
                 {"low": low, "high": high}, kwargs)


def normal_like(data=None, loc=None, scale=None, **kwargs):
    """A node of normal samples (mean ``loc``, std ``scale``) shaped like ``data``.

    Example
    -------
    >>> mx.sym.random.normal_like(mx.sym.var("x")).name
    'normal_like0'
    """
    return _like("_random_normal_like", "normal_like", data,
                 {"loc": loc, "scale": scale}, kwargs)


def gamma_like(data=None, alpha=None, beta=None, **kwargs):
    """A node of gamma samples (shape ``alpha``, scale ``beta``) shaped like ``data``.

    Example
    -------
    >>> mx.sym.random.gamma_like(mx.sym.var("x"), alpha=2).list_attr()
    {'alpha': '2'}
    """
    return _like("_random_gamma_like", "gamma_like", data,
                 {"alpha": alpha, "beta": beta}, kwargs)


def exponential_like(data=None, lam=None, **kwargs):
    """A node of exponential samples with rate ``lam`` shaped like ``data``.

    Example
    -------
    >>> mx.sym.random.exponential_like(mx.sym.var("x")).name
    'exponential_like0'
    """
    return _like("_random_exponential_like", "exponential_like", data, {"lam": lam},
                 kwargs)


def poisson_like(data=None, lam=None, **kwargs):
    """A node of Poisson counts with rate ``lam`` shaped like ``data``.

    Example
    -------
    >>> mx.sym.random.poisson_like(mx.sym.var("x")).name
    'poisson_like0'
    """
    return _like("_random_poisson_like", "poisson_like", data, {"lam": lam}, kwargs)


def negative_binomial_like(data=None, k=None, p=None, **kwargs):
    """A node of negative binomial counts (``k`` successes, probability ``p``) shaped
    like ``data``.

    Example
    -------
    >>> mx.sym.random.negative_binomial_like(mx.sym.var("x")).name
    'negative_binomial_like0'
    """
    return _like("_random_negative_binomial_like", "negative_binomial_like", data,
                 {"k": k, "p": p}, kwargs)


def generalized_negative_binomial_like(data=None, mu=None, alpha=None, **kwargs):
    """A node of counts with mean ``mu`` and variance ``mu + alpha * mu**2`` shaped
    like ``data``.

    Example
    -------
    >>> mx.sym.random.generalized_negative_binomial_like(mx.sym.var("x")).name
    'generalized_negative_binomial_like0'
    """
    return _like("_random_generalized_negative_binomial_like",
                 "generalized_negative_binomial_like", data, {"mu": mu, "alpha": alpha},
                 kwargs)
