"""Densities of the random distributions: ``_random_pdf_uniform``, ... ``_dirichlet``.

``_random_pdf_normal(sample, mu, sigma)`` evaluates the normal density at every
element of ``sample``. The parameters have one shape ``P``, which must be the leading
part of the sample's shape: element ``sample[i, j]`` is scored under the parameters
``mu[i], sigma[i]`` (as the draws of ``_sample_normal(mu, sigma, shape)`` are laid
out). The output has the sample's shape; ``is_log=True`` returns the log-density.

Unlike the samplers these are deterministic and differentiable, with respect to the
sample and the parameters, which is what fitting a distribution by maximum likelihood
needs. Each op writes its log-density ``log f`` and the partial derivatives of
``log f``; the shared base class turns them into

    output    log f                 or   f = exp(log f)
    gradient  head * d(log f)/dx    or   head * f * d(log f)/dx

and sums a parameter's gradient over the sample dimensions it was broadcast along.
Everything is evaluated in float64 and cast back to the inputs' dtype.

MXNet 1.9.1's formulas are kept, quirks included (the parameters are not checked):

* ``uniform`` is ``1 / (high - low)`` everywhere, also outside ``[low, high)``;
* ``normal``, ``uniform`` and ``exponential`` evaluate their formula as it stands, so
  a negative ``sigma``, ``high < low`` or negative ``lam`` gives a negative density
  (and NaN as a log-density);
* ``gamma``'s ``beta`` is a *rate* here (density ``beta**alpha x**(alpha-1)
  exp(-beta x) / Gamma(alpha)``), while ``_sample_gamma``'s ``beta`` is a scale;
* the discrete densities (``poisson``, the negative binomials) accept non-integer
  samples through ``gammaln`` and give the sample a zero gradient;
* ``generalized_negative_binomial`` is the negative binomial with ``k = 1 / alpha``,
  ``p = 1 / (1 + mu * alpha)``, so ``alpha = 0`` gives NaN;
* ``dirichlet`` does not check that a sample sums to one.
"""
import math

from ..base import MXNetError
from .registry import (Bool, Example, Op, check_float, merge_shape, register_op,
                       shape_error, unbroadcast)
from .special import _digamma, _gammaln, _quiet

_HALF_LOG_TWO_PI = 0.5 * math.log(2 * math.pi)


class Density(Op):
    """Base of the ``_random_pdf_*`` ops: inputs ``sample`` then the parameters.

    A subclass defines ``log_density(xp, sample, *params)`` and
    ``log_derivatives(xp, sample, *params)`` (one array per input, None for a zero
    gradient), on float64 arrays whose parameters are already reshaped to broadcast
    against the sample. ``density`` is ``exp(log_density)`` unless the subclass keeps
    MXNet's direct formula.
    """
    # Dirichlet scores vectors: its parameters and samples have a trailing event axis
    event_axis = False

    # ---- shapes and types ----
    def infer_shape(self, in_shapes, **attrs):
        names = self.list_inputs(attrs)
        sample, params = in_shapes[0], None
        for name, in_shape in zip(names[1:], in_shapes[1:]):
            try:
                params = merge_shape(self, "", params, in_shape)
            except MXNetError:
                described = ", ".join(f"{n} {s}" for n, s in zip(names[1:],
                                                                 in_shapes[1:]))
                raise shape_error(self, "the parameters must have the same shape, got "
                                        f"{described}") from None
        if params is not None:
            self._check_layout(sample, params)
        return [sample] + [params] * (len(names) - 1), [self._out_shape(sample)]

    def _check_layout(self, sample, params):
        if len(params) == 0:
            raise shape_error(self, "the parameters must have at least one axis, got "
                                    "shape (); reshape them to (1,)")
        if sample is None:
            return
        if len(params) > len(sample):
            raise shape_error(self, f"sample {sample} must have at least as many axes "
                                    f"as the parameters {params}")
        lead = len(params) - 1 if self.event_axis else len(params)
        expected = tuple(sample[:lead]) + (tuple(sample[-1:]) if self.event_axis
                                           else ())
        if tuple(params) != expected:
            where = ("leading and last" if self.event_axis else "leading")
            raise shape_error(self, f"the parameters' shape {params} must be the "
                                    f"{where} dimensions of sample's shape {sample}, "
                                    f"i.e. {expected}")

    def _out_shape(self, sample):
        return sample

    def infer_type(self, in_types, **attrs):
        known = [t for t in in_types if t is not None]
        for dtype in known:
            check_float(self, dtype)
        if len(set(known)) > 1:
            described = ", ".join(f"{n} {t}" for n, t in zip(self.list_inputs(attrs),
                                                              in_types))
            raise MXNetError(f"operator {self.name}: sample and parameters must have "
                             f"the same dtype, got {described}")
        first = known[0] if known else None
        return [first] * len(in_types), [first]

    # ---- computing ----
    def _widen(self, xp, inputs):
        """float64 copies; parameters reshaped to broadcast against the sample."""
        sample = inputs[0]
        wide = [sample.astype("float64")]
        for param in inputs[1:]:
            extra = (1,) * (sample.ndim - param.ndim)
            if self.event_axis:
                shape = param.shape[:-1] + extra + param.shape[-1:]
            else:
                shape = param.shape + extra
            wide.append(param.astype("float64").reshape(shape))
        return wide

    def density(self, xp, *wide):
        return xp.exp(self.log_density(xp, *wide))

    def evaluate(self, xp, inputs, is_log):
        self.infer_type([x.dtype.name for x in inputs])    # float, one dtype
        wide = self._widen(xp, inputs)
        with _quiet(xp):
            values = self.log_density(xp, *wide) if is_log else self.density(xp, *wide)
        out_shape = self._out_shape(inputs[0].shape)
        return values.reshape(out_shape).astype(inputs[0].dtype)

    def backward(self, xp, inputs, outputs, out_grads, *, is_log):
        wide = self._widen(xp, inputs)
        with _quiet(xp):
            head = out_grads[0].astype("float64")
            if self.event_axis:     # one value per vector: spread it along the vector
                head = head.reshape(wide[0].shape[:-1] + (1,))
            if not is_log:          # d f = f * d(log f)
                head = head * self.density(xp, *wide).reshape(head.shape)
            derivatives = self.log_derivatives(xp, *wide)
            grads = []
            for x, param, derivative in zip(inputs, wide, derivatives):
                if derivative is None:
                    grads.append(xp.zeros_like(x))
                    continue
                grad = xp.broadcast_to(head * derivative, wide[0].shape)
                grads.append(unbroadcast(xp, grad, param.shape).reshape(x.shape)
                             .astype(x.dtype))
        return grads


def _log_negative_binomial(xp, x, k, p):
    """log P(x failures before the k-th success), p the success probability."""
    return (_gammaln(xp, x + k) - _gammaln(xp, k) - _gammaln(xp, x + 1)
            + k * xp.log(p) + x * xp.log(1 - p))


def _negative_binomial_derivatives(xp, x, k, p):
    """d/dk and d/dp of ``_log_negative_binomial``."""
    return _digamma(xp, x + k) - _digamma(xp, k) + xp.log(p), k / p - x / (1 - p)


@register_op
class PdfUniform(Density):
    """Density of the uniform distribution on ``[low, high)``: ``1 / (high - low)``
    (MXNet does not check that the sample lies in the interval)."""
    name = "_random_pdf_uniform"
    aliases = ("random_pdf_uniform",)
    examples = [Example(shapes=[(2, 3), (2,), (2,)], values={"sample": [0.5] * 6,
                                                              "high": [2.5, 3.0]}),
                Example(shapes=[(2, 2), (2, 2), (2, 2)], attrs={"is_log": True},
                        values={"high": [2.0, 2.5, 3.0, 3.5]})]

    def forward(self, xp, sample, low, high, *, is_log: Bool = False):
        return self.evaluate(xp, [sample, low, high], is_log)

    def density(self, xp, sample, low, high):
        return xp.broadcast_to(1 / (high - low), sample.shape)

    def log_density(self, xp, sample, low, high):
        return xp.broadcast_to(-xp.log(high - low), sample.shape)

    def log_derivatives(self, xp, sample, low, high):
        width = high - low
        return [None, 1 / width, -1 / width]


@register_op
class PdfNormal(Density):
    """Density of the normal distribution with mean ``mu`` and standard deviation
    ``sigma``."""
    name = "_random_pdf_normal"
    aliases = ("random_pdf_normal",)
    examples = [Example(shapes=[(2, 3), (2,), (2,)], low=0.5, high=2.0),
                Example(shapes=[(3, 2, 2), (3, 2), (3, 2)], attrs={"is_log": True},
                        low=0.5, high=2.0)]

    def forward(self, xp, sample, mu, sigma, *, is_log: Bool = False):
        return self.evaluate(xp, [sample, mu, sigma], is_log)

    def density(self, xp, sample, mu, sigma):
        z = (sample - mu) / sigma
        return xp.exp(-0.5 * z * z) / (sigma * math.sqrt(2 * math.pi))

    def log_density(self, xp, sample, mu, sigma):
        z = (sample - mu) / sigma
        return -0.5 * z * z - xp.log(sigma) - _HALF_LOG_TWO_PI

    def log_derivatives(self, xp, sample, mu, sigma):
        z = (sample - mu) / sigma
        return [-z / sigma, z / sigma, (z * z - 1) / sigma]


@register_op
class PdfGamma(Density):
    """Density of the gamma distribution with shape ``alpha`` and *rate* ``beta``:
    ``beta**alpha x**(alpha-1) exp(-beta x) / Gamma(alpha)`` (MXNet's formula; the
    sampler ``_sample_gamma`` reads ``beta`` as a scale)."""
    name = "_random_pdf_gamma"
    aliases = ("random_pdf_gamma",)
    examples = [Example(shapes=[(2, 3), (2,), (2,)], low=0.5, high=2.0),
                Example(shapes=[(2, 2), (2, 2), (2, 2)], attrs={"is_log": True},
                        low=0.5, high=2.0)]

    def forward(self, xp, sample, alpha, beta, *, is_log: Bool = False):
        return self.evaluate(xp, [sample, alpha, beta], is_log)

    def log_density(self, xp, sample, alpha, beta):
        return (alpha * xp.log(beta) + (alpha - 1) * xp.log(sample) - beta * sample
                - _gammaln(xp, alpha))

    def log_derivatives(self, xp, sample, alpha, beta):
        return [(alpha - 1) / sample - beta,
                xp.log(beta) + xp.log(sample) - _digamma(xp, alpha),
                alpha / beta - sample]


@register_op
class PdfExponential(Density):
    """Density of the exponential distribution with rate ``lam``:
    ``lam * exp(-lam * x)``."""
    name = "_random_pdf_exponential"
    aliases = ("random_pdf_exponential",)
    examples = [Example(shapes=[(2, 3), (2,)], low=0.5, high=2.0),
                Example(shapes=[(4,), (4,)], attrs={"is_log": True}, low=0.5, high=2.0)]

    def forward(self, xp, sample, lam, *, is_log: Bool = False):
        return self.evaluate(xp, [sample, lam], is_log)

    def density(self, xp, sample, lam):
        return lam * xp.exp(-lam * sample)

    def log_density(self, xp, sample, lam):
        return xp.log(lam) - lam * sample

    def log_derivatives(self, xp, sample, lam):
        return [-lam, 1 / lam - sample]


@register_op
class PdfPoisson(Density):
    """Probability of ``sample`` events under the Poisson distribution with rate
    ``lam``: ``lam**x exp(-lam) / x!`` (``x!`` as ``Gamma(x + 1)``)."""
    name = "_random_pdf_poisson"
    aliases = ("random_pdf_poisson",)
    examples = [Example(shapes=[(2, 3), (2,)], values={"sample": [0, 1, 2, 3, 4, 5]},
                        low=0.5, high=3.0),
                Example(shapes=[(3,), (3,)], attrs={"is_log": True},
                        values={"sample": [0, 2, 7]}, low=0.5, high=3.0)]

    def forward(self, xp, sample, lam, *, is_log: Bool = False):
        return self.evaluate(xp, [sample, lam], is_log)

    def log_density(self, xp, sample, lam):
        return sample * xp.log(lam) - lam - _gammaln(xp, sample + 1)

    def log_derivatives(self, xp, sample, lam):
        return [None, sample / lam - 1]


@register_op
class PdfNegativeBinomial(Density):
    """Probability of ``sample`` failures before the ``k``-th success, each trial
    succeeding with probability ``p``: ``Gamma(x + k) / (Gamma(k) x!) p**k
    (1 - p)**x``."""
    name = "_random_pdf_negative_binomial"
    aliases = ("random_pdf_negative_binomial",)
    examples = [Example(shapes=[(2, 3), (2,), (2,)], low=0.2, high=0.9,
                        values={"sample": [0, 1, 2, 3, 4, 5]}),
                Example(shapes=[(2, 2), (2, 2), (2, 2)], attrs={"is_log": True},
                        values={"sample": [0, 3, 1, 6]}, low=0.2, high=0.9)]

    def forward(self, xp, sample, k, p, *, is_log: Bool = False):
        return self.evaluate(xp, [sample, k, p], is_log)

    def log_density(self, xp, sample, k, p):
        return _log_negative_binomial(xp, sample, k, p)

    def log_derivatives(self, xp, sample, k, p):
        return [None, *_negative_binomial_derivatives(xp, sample, k, p)]


@register_op
class PdfGeneralizedNegativeBinomial(Density):
    """Probability of ``sample`` under the negative binomial with mean ``mu`` and
    variance ``mu + alpha * mu**2``, i.e. ``k = 1 / alpha`` and ``p = 1 / (1 + mu *
    alpha)``."""
    name = "_random_pdf_generalized_negative_binomial"
    aliases = ("random_pdf_generalized_negative_binomial",)
    examples = [Example(shapes=[(2, 3), (2,), (2,)], low=0.2, high=0.9,
                        values={"sample": [0, 1, 2, 3, 4, 5]}),
                Example(shapes=[(3,), (3,), (3,)], attrs={"is_log": True},
                        values={"sample": [0, 2, 5]}, low=0.2, high=0.9)]

    def forward(self, xp, sample, mu, alpha, *, is_log: Bool = False):
        return self.evaluate(xp, [sample, mu, alpha], is_log)

    def log_density(self, xp, sample, mu, alpha):
        return _log_negative_binomial(xp, sample, 1 / alpha, 1 / (1 + mu * alpha))

    def log_derivatives(self, xp, sample, mu, alpha):
        k, p = 1 / alpha, 1 / (1 + mu * alpha)
        d_k, d_p = _negative_binomial_derivatives(xp, sample, k, p)
        # chain rule: dk/dalpha = -k^2; dp/dmu = -alpha p^2; dp/dalpha = -mu p^2
        return [None, d_p * (-alpha * p * p), d_k * (-k * k) + d_p * (-mu * p * p)]


@register_op
class PdfDirichlet(Density):
    """Density of the Dirichlet distribution with concentrations ``alpha`` (shape
    ``P + (k,)``) at vectors ``sample`` (shape ``P + S + (k,)``): ``Gamma(sum alpha) /
    prod Gamma(alpha_i) * prod x_i**(alpha_i - 1)``. The output has shape ``P + S``
    (the vector axis is scored away; MXNet returns ``(1,)`` for a single vector).
    MXNet does not check that a sample sums to one, and neither does this op.
    """
    name = "_random_pdf_dirichlet"
    aliases = ("random_pdf_dirichlet",)
    event_axis = True
    examples = [Example(shapes=[(2, 4, 3), (2, 3)], low=0.2, high=0.9),
                Example(shapes=[(5, 3), (3,)], attrs={"is_log": True}, low=0.2,
                        high=0.9)]

    def forward(self, xp, sample, alpha, *, is_log: Bool = False):
        return self.evaluate(xp, [sample, alpha], is_log)

    def _out_shape(self, sample):
        if sample is None:
            return None
        return tuple(sample[:-1]) or (1,)

    def log_density(self, xp, sample, alpha):
        return (_gammaln(xp, alpha.sum(axis=-1)) - _gammaln(xp, alpha).sum(axis=-1)
                + ((alpha - 1) * xp.log(sample)).sum(axis=-1))

    def log_derivatives(self, xp, sample, alpha):
        total = alpha.sum(axis=-1, keepdims=True)
        return [(alpha - 1) / sample,
                _digamma(xp, total) - _digamma(xp, alpha) + xp.log(sample)]
