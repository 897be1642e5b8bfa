"""Special functions: ``erf``, ``erfinv``, ``gamma`` and ``gammaln``.

NumPy has none of them, so each is built here from elementary functions:

* ``erf``: for ``|x| < 3`` the series ``2 / sqrt(pi) * exp(-x^2) * sum_n (2 x^2)^n x /
  (1 * 3 * ... * (2n + 1))`` (every term positive, so nothing cancels), above it
  ``1 - erfc(x)`` with ``erfc`` from its continued fraction (relative error about
  1e-15, so float64 inputs get float64 accuracy as in MXNet);
* ``gammaln`` (``log|Gamma(x)|``): Lanczos' approximation for ``x >= 0.5`` (relative
  error about 1e-15) and Euler's reflection formula ``Gamma(x) Gamma(1 - x) =
  pi / sin(pi x)`` below, so negative non-integers work too;
* ``gamma``: ``sign * exp(gammaln(x))``, the sign read off ``floor(x)``;
* ``erfinv``: Giles' polynomial in ``w = -log(1 - x^2)`` (relative error below 4e-7),
  then two Newton steps on ``erf(y) = x`` (float64 accuracy);
* ``_digamma`` (``psi = Gamma' / Gamma``, MXNet 1.9.1 has no ``digamma`` operator):
  the recurrence ``psi(x) = psi(x + 1) - 1 / x`` up to ``x >= 10``, then the
  asymptotic series, and reflection for ``x < 0.5``. It gives the gradients
  ``gammaln' = psi`` and ``gamma' = gamma * psi``.

Every function is evaluated in float64 and the result cast to the input's dtype, so
float16 and float32 get correctly rounded values. MXNet quirks kept:

* integer inputs give integer results, cut toward zero as C casts do (``gammaln(4)``
  is 1); NaN, infinity and overflow become the smallest int32 (int64 for int64), which
  narrower types then wrap (0 for int8 and uint8);
* ``digamma`` at its poles (0, -1, -2, ...) is the largest float64, which is inf in
  float32: ``gammaln``'s gradient there is +inf.
"""
import contextlib
import math

from .registry import Example, Op, register_op, same_dtype, same_shape

# Lanczos' coefficients for g = 7, nine terms.
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028,
            771.32342877765313, -176.61502916214059, 12.507343278686905,
            -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7)
_HALF_LOG_TWO_PI = 0.5 * math.log(2 * math.pi)

# Giles (2010), "Approximating the erfinv function": two polynomials in w.
_ERFINV_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                   0.00021858087, -0.00125372503, -0.00417768164, 0.246640727,
                   1.50140941)
_ERFINV_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
                0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)


def _quiet(xp):
    """Silence NumPy's warnings for poles and overflow (MXNet returns inf or NaN
    there without a word); CuPy never warns and has no ``errstate``."""
    if hasattr(xp, "errstate"):
        return xp.errstate(divide="ignore", invalid="ignore", over="ignore")
    return contextlib.nullcontext()


def _cast(xp, values, dtype, nan_as=None):
    """Cast float64 ``values`` to ``dtype`` as MXNet does (see the module docstring).

    ``nan_as``: what NaN becomes in an integer dtype before the cast (MXNet's
    ``erfinv`` gives 0 for ints beyond +-1, where ``gamma`` gives the smallest int).
    """
    if dtype.kind == "f":
        return values.astype(dtype)
    if nan_as is not None:
        values = xp.where(xp.isnan(values), nan_as, values)
    wide = xp.int64 if dtype == xp.int64 else xp.int32
    limits = xp.iinfo(wide)
    invalid = ~(xp.abs(values) < -float(limits.min))   # NaN, inf, too large
    values = xp.where(invalid, limits.min, xp.trunc(values))
    return values.astype(wide).astype(dtype)


def _is_pole(xp, x):
    """True at 0, -1, -2, ... (and -inf), where Gamma has its poles."""
    return (x <= 0) & (x == xp.floor(x))


def _gammaln(xp, x):
    """``log|Gamma(x)|`` for a float64 array (poles and infinities give +inf)."""
    reflect = x < 0.5
    y = xp.where(reflect, 1 - x, x) - 1
    y = xp.where(xp.isinf(y), 1, y)                # infinities are set at the end
    series = xp.full_like(y, _LANCZOS[0])
    for k, coefficient in enumerate(_LANCZOS[1:], start=1):
        series = series + coefficient / (y + k)
    t = y + _LANCZOS_G + 0.5
    result = _HALF_LOG_TWO_PI + (y + 0.5) * xp.log(t) - t + xp.log(series)
    # reflection: log|Gamma(x)| = log(pi / |sin(pi x)|) - log|Gamma(1 - x)|; sin is
    # taken of x minus its nearest integer, which keeps it exact for large |x|
    sine = xp.abs(xp.sin(math.pi * (x - xp.round(x))))
    result = xp.where(reflect, xp.log(math.pi / sine) - result, result)
    return xp.where(xp.isinf(x), xp.inf, result)


def _gamma(xp, x):
    """``Gamma(x)`` for a float64 array: ``sign * exp(gammaln(x))``."""
    # Gamma is negative on (-1, 0), (-3, -2), ...: where floor(x) is odd
    negative = (x < 0) & (xp.floor(x) % 2 == 1)
    sign = xp.where(negative, -1.0, 1.0)
    sign = xp.where(x == 0, xp.copysign(1.0, x), sign)   # Gamma(-0) = -inf
    result = sign * xp.exp(_gammaln(xp, x))
    # Gamma(n) = (n - 1)! is a whole number: rounding makes it exact up to n = 15 or
    # so, and an integer input's result is not cut from 23.999999999999996 to 23
    result = xp.where((x > 0) & (x == xp.floor(x)), xp.round(result), result)
    return xp.where(_is_pole(xp, x) & (x != 0), xp.nan, result)


def _digamma(xp, x):
    """``psi(x) = d log|Gamma(x)| / dx`` for a float64 array."""
    reflect = x < 0.5
    y = xp.where(reflect, 1 - x, x)
    shift = xp.zeros_like(y)
    for _ in range(10):                 # psi(y) = psi(y + 1) - 1 / y until y >= 10
        small = y < 10
        shift = shift + xp.where(small, 1 / y, 0)
        y = xp.where(small, y + 1, y)
    inverse_square = 1 / (y * y)
    tail = inverse_square * (1 / 12 - inverse_square * (1 / 120 - inverse_square * (
        1 / 252 - inverse_square * (1 / 240 - inverse_square / 132))))
    result = xp.log(y) - 0.5 / y - tail - shift
    # reflection: psi(x) = psi(1 - x) - pi / tan(pi x); tan has period pi
    cotangent = math.pi / xp.tan(math.pi * (x - xp.round(x)))
    result = xp.where(reflect, result - cotangent, result)
    return xp.where(_is_pole(xp, x), xp.finfo(xp.float64).max, result)


def _erf_parts(xp, a):
    """``(erf(a), erfc(a))`` for a float64 array ``a >= 0`` (NaN stays NaN)."""
    small = a < 3
    s = xp.where(small, a, 0.0)
    # the series: term n = term n-1 * 2 s^2 / (2n + 1); 70 terms reach 1e-16 at s = 3
    term = s
    total = s
    for n in range(1, 70):
        term = term * (2 * s * s) / (2 * n + 1)
        total = total + term
    erf_small = 2 / math.sqrt(math.pi) * xp.exp(-s * s) * total
    # erfc(b) = exp(-b^2) / sqrt(pi) / (b + (1/2) / (b + 1 / (b + (3/2) / (b + ...))))
    # evaluated from the bottom up; 50 levels reach 1e-15 at b = 3
    b = xp.where(small, 3.0, a)
    fraction = b
    for k in range(50, 0, -1):
        fraction = b + (k / 2) / fraction
    erfc_large = xp.exp(-b * b) / (math.sqrt(math.pi) * fraction)
    return (xp.where(small, erf_small, 1 - erfc_large),
            xp.where(small, 1 - erf_small, erfc_large))


def _erf64(xp, x):
    """``erf`` of a float64 array, odd: ``erf(-x) = -erf(x)``."""
    return xp.copysign(_erf_parts(xp, xp.abs(x))[0], x)


def _erfinv(xp, x):
    """The inverse error function for a float64 array (+-inf at +-1, NaN beyond)."""
    inside = xp.abs(x) < 1
    safe = xp.where(inside, x, 0)
    y = xp.abs(_erfinv_rough(xp, safe))
    target = xp.abs(safe)
    for _ in range(2):     # Newton on erf(y) = target; erfc keeps the tail exact
        erf, erfc = _erf_parts(xp, y)
        residual = xp.where(target > 0.5, (1 - target) - erfc, erf - target)
        y = y - residual / (2 / math.sqrt(math.pi) * xp.exp(-y * y))
    result = xp.where(inside, xp.copysign(y, safe), xp.nan)
    return xp.where(xp.abs(x) == 1, xp.copysign(xp.inf, x), result)


def _erfinv_rough(xp, safe):
    """Giles' single-precision approximation, for ``|safe| < 1``."""
    w = -xp.log((1 - safe) * (1 + safe))
    central = w < 5
    w = xp.where(central, w - 2.5, xp.sqrt(w) - 3)
    p = xp.where(central, _ERFINV_CENTRAL[0], _ERFINV_TAIL[0])
    for a, b in zip(_ERFINV_CENTRAL[1:], _ERFINV_TAIL[1:]):
        p = xp.where(central, a, b) + p * w
    return p * safe


class _SpecialFunction(Op):
    """Element-wise: ``function`` in float64, cast back to the input's dtype."""
    infer_shape, infer_type = same_shape, same_dtype
    nan_as = None           # what NaN becomes for integer inputs (see ``_cast``)

    def forward(self, xp, data):
        with _quiet(xp):
            values = self.function(xp, data.astype(xp.float64))
            return _cast(xp, values, data.dtype, self.nan_as)

    def backward(self, xp, inputs, outputs, out_grads):
        data = inputs[0]
        with _quiet(xp):
            derivative = self.derivative(xp, data.astype(xp.float64), outputs[0])
            return [_cast(xp, out_grads[0] * derivative, data.dtype)]


@register_op
class Erf(Op):
    """Element-wise error function ``erf(x) = 2 / sqrt(pi) * integral_0^x
    exp(-t^2) dt``."""
    name = "erf"
    infer_shape, infer_type = same_shape, same_dtype
    examples = [Example(shapes=[(2, 3)], low=-2.0, high=2.0)]

    def forward(self, xp, data):
        with _quiet(xp):
            return _erf64(xp, data.astype(xp.float64)).astype(data.dtype)

    def backward(self, xp, inputs, outputs, out_grads):
        data = inputs[0]
        return [out_grads[0] * (2 / math.sqrt(math.pi)) * xp.exp(-data * data)]


@register_op
class ErfInv(_SpecialFunction):
    """Element-wise inverse error function: ``erfinv(erf(x)) = x``.

    ``erfinv(+-1) = +-inf``; beyond [-1, 1] the result is NaN (0 for integer inputs,
    as in MXNet). The gradient is ``sqrt(pi) / 2 * exp(erfinv(x)^2)``.
    """
    name = "erfinv"
    nan_as = 0
    examples = [Example(shapes=[(2, 3)], low=-0.9, high=0.9)]

    def function(self, xp, x):
        return _erfinv(xp, x)

    def derivative(self, xp, x, out):
        # the inverse function's slope: 1 / erf'(y) at y = erfinv(x)
        return math.sqrt(math.pi) / 2 * xp.exp(_erfinv(xp, x) ** 2)


@register_op
class Gamma(_SpecialFunction):
    """Element-wise gamma function, ``Gamma(n) = (n - 1)!`` for whole ``n``.

    ``Gamma(+-0) = +-inf``; at -1, -2, ... and at -inf the result is NaN. Its gradient
    is ``Gamma(x) * digamma(x)``.
    """
    name = "gamma"
    examples = [Example(shapes=[(2, 3)], low=0.2, high=4.0),
                Example(shapes=[(2, 3)], low=-2.9, high=-2.1)]

    def function(self, xp, x):
        return _gamma(xp, x)

    def derivative(self, xp, x, out):
        return _gamma(xp, x) * _digamma(xp, x)


@register_op
class GammaLn(_SpecialFunction):
    """Element-wise ``log|Gamma(x)|``, finite where ``Gamma`` overflows (``gammaln(200)
    = 857.93``); +inf at the poles 0, -1, -2, ... Its gradient is ``digamma(x)``.
    """
    name = "gammaln"
    examples = [Example(shapes=[(2, 3)], low=0.2, high=6.0),
                Example(shapes=[(2, 3)], low=-3.9, high=-3.1)]

    def function(self, xp, x):
        return _gammaln(xp, x)

    def derivative(self, xp, x, out):
        return _digamma(xp, x)
