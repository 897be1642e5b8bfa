"""Samplers with per-element parameters, ``_sample_uniform`` to ``_sample_multinomial``.

Where ``_random_normal`` (``random.py``) takes numbers, ``_sample_normal`` takes arrays
``mu`` and ``sigma`` of one shape ``P`` and draws ``shape`` values for every element,
so the output has shape ``P + shape``::

    mu = [0, 10], sigma = [1, 1], shape = (3,)
      -> [[ 0.1, -1.2,  0.4],      row i: 3 draws from Normal(mu[i], sigma[i])
          [ 9.7, 10.3, 10.9]]

Each parameter is reshaped to ``P + (1, 1, ...)``, which broadcasts against ``P +
shape``, and handed to the same ``draw_*`` function that ``random.py``'s sampler uses.

MXNet's rules are kept: the output is float32 unless ``dtype`` says otherwise (whatever
the parameters' dtype); the parameters must share a shape and a dtype; the gradient
with respect to the parameters is zero (MXNet does not differentiate through the
draws). Parameter values are not checked, as in MXNet (``low > high`` simply draws from
``[high, low)``), except where MXNet would loop forever or return garbage: a negative
gamma ``alpha``, negative-binomial ``k`` or generalized ``alpha``, or ``p <= 0``.

``_sample_multinomial`` draws category indices from rows of probabilities and can also
return the log-probability of each draw, with a gradient (see its docstring).
"""
import math

from ..base import MXNetError
from .random import (FLOAT_DTYPE, SampleDtype, draw_exponential, draw_gamma,
                     draw_generalized_negative_binomial, draw_negative_binomial,
                     draw_normal, draw_poisson, draw_uniform)
from .registry import (Bool, Example, Op, Shape, check_float, merge_shape, register_op,
                       shape_error)
from .rng import generator

_ZERO_GRADIENT = "a draw; MXNet gives its parameters a zero gradient"
MULTINOMIAL_DTYPE = SampleDtype("float16", "float32", "float64", "int32", "uint8",
                                allow_none=False)


class ParamSampler(Op):
    """Base of the ``_sample_*`` ops: inputs are the parameters (one shape ``P``), the
    output has shape ``P + shape``.

    A subclass sets ``distribution`` (a ``draw_*`` function of ``random.py``) and may
    define ``check(xp, **params)`` to reject values MXNet cannot handle.
    """
    random = True
    distribution = None

    def check(self, xp, **params):
        """Raise ``MXNetError`` for parameter values that cannot be sampled."""

    def infer_shape(self, in_shapes, *, shape=(), **attrs):
        if any(dim <= 0 for dim in shape or ()):
            raise shape_error(self, f"shape must have sizes > 0, got {shape}")
        names = self.list_inputs(attrs)
        params = None
        for name, in_shape in zip(names, in_shapes):
            try:
                params = merge_shape(self, "", params, in_shape)
            except MXNetError:
                described = ", ".join(f"{n} {s}" for n, s in zip(names, in_shapes))
                raise shape_error(self, f"the parameters must have the same shape, got "
                                        f"{described}") from None
        if params is not None and len(params) == 0:
            raise shape_error(self, "the parameters must have at least one axis, got "
                                    "shape (); reshape them to (1,)")
        out = None if params is None else tuple(params) + tuple(shape or ())
        return [params] * len(names), [out]

    def infer_type(self, in_types, *, dtype=None, **attrs):
        known = [t for t in in_types if t is not None]
        if len(set(known)) > 1:
            names = ", ".join(f"{n} {t}" for n, t in zip(self.list_inputs(attrs),
                                                          in_types))
            raise MXNetError(f"operator {self.name}: the parameters must have the same "
                             f"dtype, got {names}")
        first = known[0] if known else None
        return [first] * len(in_types), [dtype or "float32"]

    def draw(self, xp, shape, dtype, **params):
        """Reshape every parameter to ``P + (1, ...)``, then draw ``P + shape``."""
        self.infer_type([value.dtype.name for value in params.values()])  # one dtype
        extra = tuple(shape or ())
        wide = {name: value.astype("float64").reshape(value.shape + (1,) * len(extra))
                for name, value in params.items()}
        self.check(xp, **wide)
        out_shape = next(iter(params.values())).shape + extra
        values = self.distribution(xp, generator(xp), out_shape, **wide)
        return values.astype(dtype or "float32")

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        return [xp.zeros_like(x) for x in inputs]


def _require_all(op, xp, condition, message):
    if not bool(xp.all(condition)):
        raise MXNetError(f"operator {op.name}: {message}")


def _example(shapes, attrs):
    return Example(shapes=shapes, attrs=attrs, low=0.5, high=2.0, grad=False,
                   reason=_ZERO_GRADIENT)


@register_op
class SampleUniform(ParamSampler):
    """For each element, ``shape`` draws from the uniform distribution on
    ``[low, high)``."""
    name = "_sample_uniform"
    aliases = ("sample_uniform",)
    distribution = staticmethod(draw_uniform)
    examples = [_example([(2,), (2,)], {"shape": (3,)}),
                _example([(2, 2), (2, 2)], {"dtype": "float64"})]

    def forward(self, xp, low, high, *, shape: Shape = (), dtype: FLOAT_DTYPE = None):
        return self.draw(xp, shape, dtype, low=low, high=high)


@register_op
class SampleNormal(ParamSampler):
    """For each element, ``shape`` draws from the normal distribution with mean ``mu``
    and standard deviation ``sigma``."""
    name = "_sample_normal"
    aliases = ("sample_normal",)
    distribution = staticmethod(draw_normal)
    examples = [_example([(3,), (3,)], {"shape": (2, 2)})]

    def forward(self, xp, mu, sigma, *, shape: Shape = (), dtype: FLOAT_DTYPE = None):
        return self.draw(xp, shape, dtype, loc=mu, scale=sigma)


@register_op
class SampleGamma(ParamSampler):
    """For each element, ``shape`` draws from the gamma distribution with shape
    ``alpha`` and scale ``beta`` (mean ``alpha * beta``)."""
    name = "_sample_gamma"
    aliases = ("sample_gamma",)
    distribution = staticmethod(draw_gamma)
    examples = [_example([(2,), (2,)], {"shape": (4,)})]

    def check(self, xp, *, alpha, beta):
        _require_all(self, xp, alpha >= 0, "alpha must be >= 0")

    def forward(self, xp, alpha, beta, *, shape: Shape = (), dtype: FLOAT_DTYPE = None):
        return self.draw(xp, shape, dtype, alpha=alpha, beta=beta)


@register_op
class SampleExponential(ParamSampler):
    """For each element, ``shape`` draws from the exponential distribution with rate
    ``lam`` (mean ``1 / lam``)."""
    name = "_sample_exponential"
    aliases = ("sample_exponential",)
    distribution = staticmethod(draw_exponential)
    examples = [_example([(2, 3)], {"shape": (2,)})]

    def forward(self, xp, lam, *, shape: Shape = (), dtype: FLOAT_DTYPE = None):
        return self.draw(xp, shape, dtype, lam=lam)


@register_op
class SamplePoisson(ParamSampler):
    """For each element, ``shape`` Poisson counts with rate ``lam`` (float32 values by
    default; a negative rate draws 0, as in MXNet)."""
    name = "_sample_poisson"
    aliases = ("sample_poisson",)
    distribution = staticmethod(draw_poisson)
    examples = [_example([(3,)], {"shape": (2,)})]

    def forward(self, xp, lam, *, shape: Shape = (), dtype: FLOAT_DTYPE = None):
        return self.draw(xp, shape, dtype, lam=lam)


@register_op
class SampleNegativeBinomial(ParamSampler):
    """For each element, ``shape`` draws of the number of failures before the
    ``k``-th success of trials that succeed with probability ``p`` (``k`` may be
    fractional here)."""
    name = "_sample_negative_binomial"
    aliases = ("sample_negative_binomial",)
    distribution = staticmethod(draw_negative_binomial)
    examples = [Example(shapes=[(2,), (2,)], attrs={"shape": (3,)}, low=0.2, high=0.9,
                        grad=False, reason=_ZERO_GRADIENT)]

    def check(self, xp, *, k, p):
        _require_all(self, xp, k >= 0, "k must be >= 0")
        _require_all(self, xp, p > 0, "p (the success probability) must be > 0")

    def forward(self, xp, k, p, *, shape: Shape = (), dtype: FLOAT_DTYPE = None):
        return self.draw(xp, shape, dtype, k=k, p=p)


@register_op
class SampleGeneralizedNegativeBinomial(ParamSampler):
    """For each element, ``shape`` counts with mean ``mu`` and variance ``mu + alpha *
    mu**2`` (``alpha = 0``: Poisson)."""
    name = "_sample_generalized_negative_binomial"
    aliases = ("sample_generalized_negative_binomial",)
    distribution = staticmethod(draw_generalized_negative_binomial)
    examples = [_example([(2,), (2,)], {"shape": (3,)})]

    def check(self, xp, *, mu, alpha):
        _require_all(self, xp, alpha >= 0, "alpha must be >= 0")

    def forward(self, xp, mu, alpha, *, shape: Shape = (), dtype: FLOAT_DTYPE = None):
        return self.draw(xp, shape, dtype, mu=mu, alpha=alpha)


@register_op
class SampleMultinomial(Op):
    """Draws category indices from rows of probabilities: ``data`` has shape
    ``(..., k)``, each row gives the probabilities of categories ``0 .. k-1``, and
    ``shape`` draws are made per row, so the output has shape ``data.shape[:-1] +
    shape``.

    With ``get_prob=True`` a second output holds ``log(data[..., index])`` for each
    draw, in data's dtype. Its gradient reaches ``data``: a draw of index ``j`` with
    head gradient ``g`` adds ``g / data[..., j]`` to ``data[..., j]``, the derivative
    of the log. This is the score-function (REINFORCE) estimator's building block.

    MXNet quirks kept: the rows are not normalized (a draw is the first index whose
    running sum exceeds a uniform number in [0, 1); if none does, the index is ``k``);
    an output of shape ``()`` (1-D data, no ``shape``) is returned as ``(1,)``.
    Differs from MXNet: the log-probability of an out-of-range index ``k`` is that of
    category ``k - 1``, and so is its gradient (MXNet reads past the row).
    """
    name = "_sample_multinomial"
    aliases = ("sample_multinomial",)
    random = True
    examples = [Example(shapes=[(2, 3)], attrs={"shape": (4,), "get_prob": True},
                        low=0.1, high=0.4),
                Example(shapes=[(4,)], low=0.1, high=0.3, grad=False,
                        reason="without get_prob there is nothing to differentiate")]

    def num_outputs(self, attrs):
        return 2 if attrs["get_prob"] else 1

    def _out_shape(self, data, shape):
        out = tuple(data[:-1]) + tuple(shape or ())
        return out if out else (1,)

    def infer_shape(self, in_shapes, *, shape=(), get_prob=False, **attrs):
        data = in_shapes[0]
        if data is None:
            return [None], [None] * (2 if get_prob else 1)
        if len(data) == 0 or data[-1] == 0:
            raise shape_error(self, f"data must have shape (..., k) with k >= 1 "
                                    f"categories, got {data}")
        out = self._out_shape(data, shape)
        return [data], [out] * (2 if get_prob else 1)

    def infer_type(self, in_types, *, get_prob=False, dtype="int32", **attrs):
        check_float(self, in_types[0])
        return [in_types[0]], [dtype] + ([in_types[0]] if get_prob else [])

    def forward(self, xp, data, *, shape: Shape = (), get_prob: Bool = False,
                dtype: MULTINOMIAL_DTYPE = "int32"):
        check_float(self, data.dtype)
        categories = data.shape[-1]
        probs = data.astype("float64").reshape(-1, categories)       # (rows, k)
        draws = math.prod(shape or ())
        uniform = generator(xp).random((probs.shape[0], draws, 1))   # (rows, draws, 1)
        # the first category whose running sum exceeds the uniform number
        exceeds = uniform < xp.cumsum(probs, axis=1)[:, None, :]     # (rows, draws, k)
        index = xp.where(exceeds.any(axis=2), exceeds.argmax(axis=2), categories)
        out_shape = self._out_shape(data.shape, shape)
        samples = index.reshape(out_shape).astype(dtype)
        if not get_prob:
            return samples
        picked = xp.take_along_axis(probs, xp.minimum(index, categories - 1), axis=1)
        return [samples, xp.log(picked).reshape(out_shape).astype(data.dtype)]

    def backward(self, xp, inputs, outputs, out_grads, *, shape, get_prob, dtype):
        data = inputs[0]
        if not get_prob:
            return [xp.zeros_like(data)]
        categories = data.shape[-1]
        probs = data.reshape(-1, categories)
        index = outputs[0].reshape(probs.shape[0], -1).astype("int64")
        index = xp.minimum(index, categories - 1)    # as forward read the log-prob
        head = out_grads[1].reshape(index.shape)
        picked = xp.take_along_axis(probs, index, axis=1)
        # d log(p_j) / d p_j = 1 / p_j, summed over the draws that picked j
        chosen = index[:, :, None] == xp.arange(categories)          # (rows, draws, k)
        grad = xp.where(chosen, (head / picked)[:, :, None], 0).sum(axis=1)
        return [grad.reshape(data.shape).astype(data.dtype)]
