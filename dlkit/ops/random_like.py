"""Samplers shaped like their input: ``_random_uniform_like`` and its six siblings.

``mx.nd.random.uniform_like(data, low, high)`` draws an array of ``data``'s shape and
dtype; only the shape and dtype of ``data`` are read, never its values::

    nd.random.normal_like(x, loc=0, scale=2)
      -> _random_normal_like(x, loc=0, scale=2)
      -> forward: draw_normal(xp, generator(xp), x.shape, loc=0, scale=2), as x.dtype

Each op borrows the parameter checks and the drawing function of its scalar sampler in
``random.py`` (``_random_normal``), so both draw the same distribution the same way.
``data`` gets a zero gradient, as in MXNet. Integer ``data`` is an error: these ops
draw floating-point values only.

Differs from MXNet: the numbers differ (another generator), so the ops set
``random = True`` and are tested on their distributions (``tests/ops/test_random.py``).
"""
from .random import (RandomExponential, RandomGamma, RandomGeneralizedNegativeBinomial,
                     RandomNegativeBinomial, RandomNormal, RandomPoisson, RandomUniform)
from .registry import Example, Float, Int, Op, register_op, same_dtype, shape_error
from .rng import generator

_VALUES = "a sample does not depend on the values of data (zero gradient)"


class LikeSampler(Op):
    """Base of the ``*_like`` samplers: ``sampler`` is the scalar sampler whose
    ``check`` and ``distribution`` they share."""
    random = True
    sampler = None
    infer_type = same_dtype

    def infer_shape(self, in_shapes, **params):
        self.sampler.check(self, **params)
        return list(in_shapes), [in_shapes[0]]

    def draw(self, xp, data, **params):
        if data.dtype.kind != "f":
            raise shape_error(self, f"data must be floating point, got {data.dtype}: "
                                    "the samples take its dtype; convert it with "
                                    "astype('float32')")
        self.sampler.check(self, **params)
        values = self.sampler.distribution(xp, generator(xp), data.shape, **params)
        return values.astype(data.dtype)

    def backward(self, xp, inputs, outputs, out_grads, **params):
        return [xp.zeros_like(inputs[0])]


@register_op
class RandomUniformLike(LikeSampler):
    """Samples from the uniform distribution on ``[low, high)``, shaped like
    ``data``."""
    name = "_random_uniform_like"
    sampler = RandomUniform
    examples = [Example(shapes=[(2, 3)], attrs={"low": -1.0, "high": 2.0},
                        grad=False, reason=_VALUES)]

    def forward(self, xp, data, *, low: Float = 0.0, high: Float = 1.0):
        return self.draw(xp, data, low=low, high=high)


@register_op
class RandomNormalLike(LikeSampler):
    """Samples from the normal distribution with mean ``loc`` and standard deviation
    ``scale``, shaped like ``data``."""
    name = "_random_normal_like"
    sampler = RandomNormal
    examples = [Example(shapes=[(3, 2)], attrs={"loc": 1.0, "scale": 2.0},
                        grad=False, reason=_VALUES)]

    def forward(self, xp, data, *, loc: Float = 0.0, scale: Float = 1.0):
        return self.draw(xp, data, loc=loc, scale=scale)


@register_op
class RandomGammaLike(LikeSampler):
    """Samples from the gamma distribution with shape ``alpha`` and scale ``beta``,
    shaped like ``data``."""
    name = "_random_gamma_like"
    sampler = RandomGamma
    examples = [Example(shapes=[(4,)], attrs={"alpha": 2.0, "beta": 0.5},
                        grad=False, reason=_VALUES)]

    def forward(self, xp, data, *, alpha: Float = 1.0, beta: Float = 1.0):
        return self.draw(xp, data, alpha=alpha, beta=beta)


@register_op
class RandomExponentialLike(LikeSampler):
    """Samples from the exponential distribution with rate ``lam``, shaped like
    ``data``."""
    name = "_random_exponential_like"
    sampler = RandomExponential
    examples = [Example(shapes=[(2, 2)], attrs={"lam": 2.0}, grad=False,
                        reason=_VALUES)]

    def forward(self, xp, data, *, lam: Float = 1.0):
        return self.draw(xp, data, lam=lam)


@register_op
class RandomPoissonLike(LikeSampler):
    """Poisson counts with rate ``lam`` (as floats), shaped like ``data``."""
    name = "_random_poisson_like"
    sampler = RandomPoisson
    examples = [Example(shapes=[(2, 3)], attrs={"lam": 3.0}, grad=False,
                        reason=_VALUES)]

    def forward(self, xp, data, *, lam: Float = 1.0):
        return self.draw(xp, data, lam=lam)


@register_op
class RandomNegativeBinomialLike(LikeSampler):
    """Failures before the ``k``-th success of trials that succeed with probability
    ``p``, shaped like ``data``.

    Differs from MXNet: ``p <= 0`` is an error (as for ``_random_negative_binomial``).
    """
    name = "_random_negative_binomial_like"
    sampler = RandomNegativeBinomial
    examples = [Example(shapes=[(2, 3)], attrs={"k": 3, "p": 0.4}, grad=False,
                        reason=_VALUES)]

    def forward(self, xp, data, *, k: Int = 1, p: Float = 1.0):
        return self.draw(xp, data, k=k, p=p)


@register_op
class RandomGeneralizedNegativeBinomialLike(LikeSampler):
    """Counts with mean ``mu`` and variance ``mu + alpha * mu**2``, shaped like
    ``data``."""
    name = "_random_generalized_negative_binomial_like"
    sampler = RandomGeneralizedNegativeBinomial
    examples = [Example(shapes=[(4,)], attrs={"mu": 2.0, "alpha": 0.5}, grad=False,
                        reason=_VALUES)]

    def forward(self, xp, data, *, mu: Float = 1.0, alpha: Float = 1.0):
        return self.draw(xp, data, mu=mu, alpha=alpha)
