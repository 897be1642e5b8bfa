"""Random operators: samplers such as ``_random_uniform``, and ``_shuffle``.

A sampler has no array inputs: its attributes say what to draw (``low``, ``high``),
how many (``shape``), where (``ctx``) and as which ``dtype``::

    nd.random.uniform(0, 1, shape=(2, 3))
      -> _random_uniform(low=0, high=1, shape=(2, 3))
      -> forward: draw_uniform(xp, generator(xp), (2, 3), low=0, high=1)

Each distribution is drawn by one function here (``draw_uniform``, ``draw_gamma``,
...). Its parameters may be numbers or arrays that broadcast to the requested shape,
so the per-element samplers of ``random_sample.py`` (``_sample_uniform`` with arrays
``low`` and ``high``) call the very same functions. The densities of these
distributions are in ``random_pdf.py``.

Numbers come from ``rng.generator(xp)``, the one generator per array module that
``mx.random.seed`` reseeds, so a seeded program repeats exactly.

Differs from MXNet: the values differ from MXNet's (another generator), so these ops
set ``random = True`` and are tested on their distributions
(``tests/ops/test_random.py``), not against MXNet goldens.
"""
from ..base import MXNetError, dtype_np
from ..context import Context
from .registry import AttrType, Example, Float, Int, Op, Shape, register_op, shape_error
from .rng import generator

_NO_INPUTS = "a sampler has no inputs to differentiate"


class SampleDtype(AttrType):
    """``dtype`` of a sampler: one of a few dtype names, or None (the op's default)
    unless ``allow_none=False``."""

    def __init__(self, *names, allow_none=True):
        self.names = names
        self.allow_none = allow_none
        shown = ", ".join(repr(n) for n in names)
        self.name = "None or one of " + shown if allow_none else "one of " + shown

    def parse(self, value):
        if self.allow_none and (value is None or value == "None"):
            return None
        name = dtype_np(value).name
        if name not in self.names:
            valid = ("None, " if self.allow_none else "") + ", ".join(
                repr(n) for n in self.names)
            raise ValueError(f"{name!r} is not valid; valid values are {valid}")
        return name

    def format(self, value):
        return "None" if value is None else value


class ContextAttr(AttrType):
    """MXNet's ``ctx`` attribute: a string such as ``'gpu(1)'`` in Symbol JSON; here
    parsed into a ``Context`` (a Context object is accepted too), or None."""
    name = "context such as 'cpu(0)' or 'gpu(1)'"

    def parse(self, value):
        if value is None or isinstance(value, Context):
            return value
        text = str(value).strip()
        if text in ("", "None"):
            return None
        device_type, _, rest = text.partition("(")
        device_id = rest.rstrip(")") or "0"
        if not device_id.isdigit():
            raise ValueError(f"expected a context such as 'cpu(0)', got {value!r}")
        try:
            return Context(device_type, int(device_id))
        except MXNetError as error:
            raise ValueError(str(error)) from None

    def format(self, value):
        return "" if value is None else str(value)


FLOAT_DTYPE = SampleDtype("float16", "float32", "float64")
INT_DTYPE = SampleDtype("int32", "int64")
CTX = ContextAttr()


# --------------------------------------------------------------------------------------
# The distributions. Parameters are numbers or float64 arrays broadcasting to ``shape``.
# --------------------------------------------------------------------------------------
def draw_uniform(xp, rng, shape, low, high):
    """Uniform on ``[low, high)``."""
    return low + (high - low) * rng.random(shape)


def draw_normal(xp, rng, shape, loc, scale):
    """Normal with mean ``loc`` and standard deviation ``scale``."""
    return loc + scale * rng.standard_normal(shape)


def draw_integers(xp, rng, shape, low, high):
    """Integers uniform on ``[low, high)``."""
    return rng.integers(low, high, size=shape)


def draw_exponential(xp, rng, shape, lam):
    """Exponential with rate ``lam`` (mean ``1 / lam``)."""
    return rng.standard_exponential(shape) / lam


def draw_gamma(xp, rng, shape, alpha, beta):
    """Gamma with shape ``alpha`` and scale ``beta`` (mean ``alpha * beta``)."""
    return rng.standard_gamma(alpha, size=shape) * beta


def draw_poisson(xp, rng, shape, lam):
    """Poisson counts with rate ``lam``; a negative rate draws 0, as in MXNet (NumPy
    would raise)."""
    return rng.poisson(xp.maximum(xp.asarray(lam, dtype="float64"), 0), size=shape)


def draw_negative_binomial(xp, rng, shape, k, p):
    """Failures before the ``k``-th success of trials that succeed with probability
    ``p``. Drawn as MXNet does, as a gamma-Poisson mixture: a Poisson count whose rate
    is Gamma(``k``, scale ``(1 - p) / p``)."""
    rate = rng.standard_gamma(k, size=shape) * ((1 - p) / p)
    return draw_poisson(xp, rng, shape, rate)


def draw_generalized_negative_binomial(xp, rng, shape, mu, alpha):
    """Counts with mean ``mu`` and variance ``mu + alpha * mu**2``: a Poisson count
    whose rate is Gamma(``1 / alpha``, scale ``alpha * mu``); ``alpha = 0`` is its
    limit, a plain Poisson(``mu``)."""
    mu = xp.asarray(mu, dtype="float64")
    alpha = xp.asarray(alpha, dtype="float64")
    plain = alpha == 0
    alpha = xp.where(plain, 1.0, alpha)     # a safe divisor where alpha is 0
    rate = rng.standard_gamma(1 / alpha, size=shape) * (alpha * mu)
    return draw_poisson(xp, rng, shape, xp.where(plain, mu, rate))


# --------------------------------------------------------------------------------------
# Samplers with scalar parameters.
# --------------------------------------------------------------------------------------
class Sampler(Op):
    """Base of the samplers: no inputs; one output of ``shape`` and ``dtype``.

    ``check(attrs)`` validates the distribution's parameters before anything is drawn;
    ``distribution(xp, rng, shape, **params)`` (one of the functions above) draws
    float64 (or int) values.

    Without ``shape`` the output shape is unknown, as in MXNet: a graph may infer it
    from the consumers (``x + mx.sym.random.uniform()``), an ``nd`` call cannot.
    """
    random = True
    default_dtype = "float32"
    distribution = None

    def check(self, **attrs):
        """Raise ``MXNetError`` for invalid distribution parameters."""

    def infer_shape(self, in_shapes, *, shape=None, **attrs):
        self.check(**attrs)
        if not shape:
            return [], [None]
        if any(dim < 0 for dim in shape):
            raise shape_error(self, f"shape must not have negative sizes, got {shape}")
        return [], [tuple(shape)]

    def infer_type(self, in_types, *, dtype=None, **attrs):
        return [], [dtype or self.default_dtype]

    def draw(self, xp, shape, dtype, **params):
        if not shape:
            raise shape_error(self, "the attribute shape is required, e.g. "
                                    "shape=(2, 3)")
        values = self.distribution(xp, generator(xp), tuple(shape), **params)
        return values.astype(dtype or self.default_dtype)


def _require(op, condition, message):
    if not condition:
        raise MXNetError(f"operator {op.name}: {message}")


@register_op
class RandomUniform(Sampler):
    """Samples from the uniform distribution on ``[low, high)``."""
    name = "_random_uniform"
    aliases = ("random_uniform", "uniform")
    distribution = staticmethod(draw_uniform)
    examples = [Example(shapes=[], attrs={"low": -1.0, "high": 2.0, "shape": (2, 3)},
                        grad=False, reason=_NO_INPUTS)]

    def check(self, *, low, high, **attrs):
        _require(self, low <= high, f"low must be <= high, got low={low}, high={high}")

    def forward(self, xp, *, low: Float = 0.0, high: Float = 1.0, shape: Shape = None,
                ctx: CTX = None, dtype: FLOAT_DTYPE = None):
        return self.draw(xp, shape, dtype, low=low, high=high)


@register_op
class RandomNormal(Sampler):
    """Samples from the normal distribution with mean ``loc`` and std ``scale``."""
    name = "_random_normal"
    aliases = ("random_normal", "normal")
    distribution = staticmethod(draw_normal)
    examples = [Example(shapes=[], attrs={"loc": 1.0, "scale": 2.0, "shape": (3, 2),
                                          "dtype": "float64"},
                        grad=False, reason=_NO_INPUTS)]

    def check(self, *, loc, scale, **attrs):
        _require(self, scale > 0, f"scale must be > 0, got {scale}")

    def forward(self, xp, *, loc: Float = 0.0, scale: Float = 1.0, shape: Shape = None,
                ctx: CTX = None, dtype: FLOAT_DTYPE = None):
        return self.draw(xp, shape, dtype, loc=loc, scale=scale)


@register_op
class RandomRandint(Sampler):
    """Samples integers uniformly from ``[low, high)``; int32 unless dtype='int64'."""
    name = "_random_randint"
    aliases = ("random_randint",)
    default_dtype = "int32"
    distribution = staticmethod(draw_integers)
    examples = [Example(shapes=[], attrs={"low": -3, "high": 5, "shape": (4,)},
                        grad=False, reason=_NO_INPUTS)]

    def check(self, *, low, high, **attrs):
        _require(self, low < high, f"low must be < high, got low={low}, high={high}")

    def forward(self, xp, *, low: Int, high: Int, shape: Shape = None, ctx: CTX = None,
                dtype: INT_DTYPE = None):
        return self.draw(xp, shape, dtype, low=low, high=high)


@register_op
class RandomExponential(Sampler):
    """Samples from the exponential distribution with rate ``lam`` (mean ``1/lam``)."""
    name = "_random_exponential"
    aliases = ("random_exponential",)
    distribution = staticmethod(draw_exponential)
    examples = [Example(shapes=[], attrs={"lam": 2.0, "shape": (2, 2)},
                        grad=False, reason=_NO_INPUTS)]

    def check(self, *, lam, **attrs):
        _require(self, lam > 0, f"lam (the rate) must be > 0, got {lam}")

    def forward(self, xp, *, lam: Float = 1.0, shape: Shape = None, ctx: CTX = None,
                dtype: FLOAT_DTYPE = None):
        return self.draw(xp, shape, dtype, lam=lam)


@register_op
class RandomGamma(Sampler):
    """Samples from the gamma distribution with shape ``alpha`` and scale ``beta``
    (mean ``alpha * beta``)."""
    name = "_random_gamma"
    aliases = ("random_gamma",)
    distribution = staticmethod(draw_gamma)
    examples = [Example(shapes=[], attrs={"alpha": 2.0, "beta": 0.5, "shape": (3,)},
                        grad=False, reason=_NO_INPUTS)]

    def check(self, *, alpha, beta, **attrs):
        _require(self, alpha > 0 and beta > 0,
                 f"alpha and beta must be > 0, got alpha={alpha}, beta={beta}")

    def forward(self, xp, *, alpha: Float = 1.0, beta: Float = 1.0, shape: Shape = None,
                ctx: CTX = None, dtype: FLOAT_DTYPE = None):
        return self.draw(xp, shape, dtype, alpha=alpha, beta=beta)


@register_op
class RandomPoisson(Sampler):
    """Samples counts from the Poisson distribution with rate ``lam``; float32 by
    default, as in MXNet."""
    name = "_random_poisson"
    aliases = ("random_poisson",)
    distribution = staticmethod(draw_poisson)
    examples = [Example(shapes=[], attrs={"lam": 3.0, "shape": (2, 3)},
                        grad=False, reason=_NO_INPUTS)]

    def check(self, *, lam, **attrs):
        _require(self, lam >= 0, f"lam must be >= 0, got {lam}")

    def forward(self, xp, *, lam: Float = 1.0, shape: Shape = None, ctx: CTX = None,
                dtype: FLOAT_DTYPE = None):
        return self.draw(xp, shape, dtype, lam=lam)


@register_op
class RandomNegativeBinomial(Sampler):
    """Samples the number of failures before the ``k``-th success, each trial
    succeeding with probability ``p`` (mean ``k (1 - p) / p``); float32 by default.

    Differs from MXNet: ``p <= 0`` is an error here (MXNet returns -2147483648 for
    ``p = 0``); ``p > 1`` draws zeros in both.
    """
    name = "_random_negative_binomial"
    aliases = ("random_negative_binomial",)
    distribution = staticmethod(draw_negative_binomial)
    examples = [Example(shapes=[], attrs={"k": 3, "p": 0.4, "shape": (2, 3)},
                        grad=False, reason=_NO_INPUTS)]

    def check(self, *, k, p, **attrs):
        _require(self, k >= 0, f"k must be >= 0, got {k}")
        _require(self, p > 0, f"p (the success probability) must be > 0, got {p}")

    def forward(self, xp, *, k: Int = 1, p: Float = 1.0, shape: Shape = None,
                ctx: CTX = None, dtype: FLOAT_DTYPE = None):
        return self.draw(xp, shape, dtype, k=k, p=p)


@register_op
class RandomGeneralizedNegativeBinomial(Sampler):
    """Samples counts with mean ``mu`` and variance ``mu + alpha * mu**2`` (the
    negative binomial with ``k = 1 / alpha``, ``p = 1 / (1 + alpha * mu)``; ``alpha =
    0`` gives the Poisson distribution); float32 by default."""
    name = "_random_generalized_negative_binomial"
    aliases = ("random_generalized_negative_binomial",)
    distribution = staticmethod(draw_generalized_negative_binomial)
    examples = [Example(shapes=[], attrs={"mu": 2.0, "alpha": 0.5, "shape": (4,)},
                        grad=False, reason=_NO_INPUTS)]

    def check(self, *, mu, alpha, **attrs):
        _require(self, mu >= 0, f"mu must be >= 0, got {mu}")
        _require(self, alpha >= 0, f"alpha must be >= 0, got {alpha}")

    def forward(self, xp, *, mu: Float = 1.0, alpha: Float = 1.0, shape: Shape = None,
                ctx: CTX = None, dtype: FLOAT_DTYPE = None):
        return self.draw(xp, shape, dtype, mu=mu, alpha=alpha)


@register_op
class Shuffle(Op):
    """A random permutation of ``data`` along its first axis (rows stay intact)."""
    name = "_shuffle"
    aliases = ("shuffle",)
    random = True
    examples = [Example(shapes=[(5, 2)], grad=False,
                        reason="a random permutation; MXNet gives it no gradient")]

    def infer_shape(self, in_shapes, **attrs):
        data = in_shapes[0]
        if data is not None and len(data) == 0:
            raise shape_error(self, "data must have at least one axis to shuffle, got "
                                    "shape ()")
        return [data], [data]

    def forward(self, xp, data):
        # Sorting random keys gives a uniformly random order, on NumPy and CuPy alike.
        order = xp.argsort(generator(xp).random(data.shape[0]))
        return data[order]
