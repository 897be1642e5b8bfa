"""Element-wise operators on one array: unary math, rounding, ``clip``, ``Cast`` and
``BlockGrad``.

Every op here computes ``y = f(x)`` element by element. ``UnaryOp`` holds the pattern:
a subclass gives ``forward`` and ``derivative(xp, x, y)``, and the chain rule
``dx = dy * f'(x)`` is written once, in ``UnaryOp.backward``::

    x --forward--> y            dy --backward--> dx = dy * derivative(x, y)

The other element-wise families live beside this module:

* ``binary.py``: ``elemwise_add`` (equal shapes), ``broadcast_add`` (NumPy
  broadcasting) and the other arithmetic on two arrays, plus ``add_n``;
* ``compare.py``: ``==``, ``<``, logical and/or/xor, and ``where``;
* ``scalar.py``: an array with a Python number (``x + 1`` is ``_plus_scalar``).
"""
import math

from .registry import Dtype, Example, Float, Op, register_op, same_dtype, same_shape


def _keep_dtype(result, like):
    """MXNet keeps the input dtype (integer division truncates)."""
    return result.astype(like.dtype, copy=False)


# --------------------------------------------------------------------------------------
# Unary math.
# --------------------------------------------------------------------------------------
class UnaryOp(Op):
    """``y = f(x)`` element-wise; subclasses define ``forward`` and ``derivative``."""
    infer_shape, infer_type = same_shape, same_dtype
    examples = [Example(shapes=[(2, 3)])]

    def derivative(self, xp, x, y):
        raise NotImplementedError

    def backward(self, xp, inputs, outputs, out_grads):
        return [out_grads[0] * self.derivative(xp, inputs[0], outputs[0])]


@register_op
class Exp(UnaryOp):
    """Element-wise exponential, ``e ** x``."""
    name = "exp"

    def forward(self, xp, data):
        return xp.exp(data)

    def derivative(self, xp, x, y):
        return y  # d e^x / dx = e^x, already computed


@register_op
class Log(UnaryOp):
    """Element-wise natural logarithm."""
    name = "log"
    examples = [Example(shapes=[(2, 3)], low=0.5, high=2.0)]

    def forward(self, xp, data):
        return xp.log(data)

    def derivative(self, xp, x, y):
        return 1 / x


@register_op
class Log1p(UnaryOp):
    """Element-wise ``log(1 + x)``, accurate for small ``x``."""
    name = "log1p"
    examples = [Example(shapes=[(2, 3)], low=0.0, high=2.0)]

    def forward(self, xp, data):
        return xp.log1p(data)

    def derivative(self, xp, x, y):
        return 1 / (1 + x)


@register_op
class Expm1(UnaryOp):
    """Element-wise ``exp(x) - 1``, accurate for small ``x``."""
    name = "expm1"

    def forward(self, xp, data):
        return xp.expm1(data)

    def derivative(self, xp, x, y):
        return y + 1


@register_op
class Sqrt(UnaryOp):
    """Element-wise square root."""
    name = "sqrt"
    examples = [Example(shapes=[(2, 3)], low=0.5, high=2.0)]

    def forward(self, xp, data):
        return xp.sqrt(data)

    def derivative(self, xp, x, y):
        return 0.5 / y


@register_op
class Rsqrt(UnaryOp):
    """Element-wise ``1 / sqrt(x)``."""
    name = "rsqrt"
    examples = [Example(shapes=[(2, 3)], low=0.5, high=2.0)]

    def forward(self, xp, data):
        return 1 / xp.sqrt(data)

    def derivative(self, xp, x, y):
        return -0.5 * y / x


@register_op
class Square(UnaryOp):
    """Element-wise ``x ** 2``."""
    name = "square"

    def forward(self, xp, data):
        return xp.square(data)

    def derivative(self, xp, x, y):
        return 2 * x


@register_op
class Abs(UnaryOp):
    """Element-wise absolute value (gradient ``sign(x)``, 0 at 0)."""
    name = "abs"
    examples = [Example(shapes=[(2, 3)], low=0.1, high=1.0)]

    def forward(self, xp, data):
        return xp.abs(data)

    def derivative(self, xp, x, y):
        return xp.sign(x)


@register_op
class Sign(UnaryOp):
    """Element-wise sign: -1, 0 or 1 (gradient zero)."""
    name = "sign"

    def forward(self, xp, data):
        return xp.sign(data)

    def derivative(self, xp, x, y):
        return xp.zeros_like(x)


@register_op
class Negative(UnaryOp):
    """Element-wise ``-x``."""
    name = "negative"

    def forward(self, xp, data):
        return xp.negative(data)

    def derivative(self, xp, x, y):
        return -xp.ones_like(x)


@register_op
class Reciprocal(UnaryOp):
    """Element-wise ``1 / x``."""
    name = "reciprocal"
    examples = [Example(shapes=[(2, 3)], low=0.5, high=2.0)]

    def forward(self, xp, data):
        return xp.reciprocal(data)

    def derivative(self, xp, x, y):
        return -y * y


@register_op
class Relu(UnaryOp):
    """Rectified linear unit, ``max(x, 0)``."""
    name = "relu"
    examples = [Example(shapes=[(2, 3)], low=0.1, high=1.0),
                Example(shapes=[(2, 3)], low=-1.0, high=-0.1)]

    def forward(self, xp, data):
        return relu(xp, data)

    def derivative(self, xp, x, y):
        return (y > 0).astype(y.dtype)


def relu(xp, data):
    """``max(data, 0)``, shared by ``relu`` and ``Activation(act_type='relu')``.

    The maximum is taken against an array of zeros, which then receives the result:
    NumPy vectorises ``maximum`` of two arrays but not of an array and a scalar, so this
    is about twice as fast as ``xp.maximum(data, 0)`` and gives the same values.
    """
    zeros = xp.zeros_like(data)
    return xp.maximum(data, zeros, out=zeros)


@register_op
class Sigmoid(UnaryOp):
    """Logistic sigmoid, ``1 / (1 + exp(-x))``."""
    name = "sigmoid"

    def forward(self, xp, data):
        return sigmoid(xp, data)

    def derivative(self, xp, x, y):
        return y * (1 - y)  # sigma' = sigma (1 - sigma): the output is enough


def sigmoid(xp, data):
    """``1 / (1 + exp(-data))``, shared by ``sigmoid`` and
    ``Activation(act_type='sigmoid')``; in place on the one new array, since on small
    arrays each new array costs time."""
    denominator = xp.exp(-data)
    denominator += 1
    return xp.reciprocal(denominator, out=denominator)


@register_op
class Tanh(UnaryOp):
    """Element-wise hyperbolic tangent."""
    name = "tanh"

    def forward(self, xp, data):
        return xp.tanh(data)

    def derivative(self, xp, x, y):
        return 1 - y * y  # d tanh(x)/dx = 1 - tanh(x)^2


@register_op
class Softsign(UnaryOp):
    """``x / (1 + |x|)``."""
    name = "softsign"

    def forward(self, xp, data):
        return data / (1 + xp.abs(data))

    def derivative(self, xp, x, y):
        return 1 / (1 + xp.abs(x)) ** 2


@register_op
class Sin(UnaryOp):
    """Element-wise sine."""
    name = "sin"

    def forward(self, xp, data):
        return xp.sin(data)

    def derivative(self, xp, x, y):
        return xp.cos(x)


@register_op
class Cos(UnaryOp):
    """Element-wise cosine."""
    name = "cos"

    def forward(self, xp, data):
        return xp.cos(data)

    def derivative(self, xp, x, y):
        return -xp.sin(x)


@register_op
class Tan(UnaryOp):
    """Element-wise tangent."""
    name = "tan"

    def forward(self, xp, data):
        return xp.tan(data)

    def derivative(self, xp, x, y):
        return 1 + y * y            # sec^2 x = 1 + tan^2 x: the output is enough


class _InverseTrig(UnaryOp):
    """``arcsin``/``arccos``/``arctanh``: defined on (-1, 1), so the examples stay
    inside it."""
    examples = [Example(shapes=[(2, 3)], low=-0.8, high=0.8)]


@register_op
class Arcsin(_InverseTrig):
    """Element-wise inverse sine, in ``[-pi/2, pi/2]``."""
    name = "arcsin"

    def forward(self, xp, data):
        return xp.arcsin(data)

    def derivative(self, xp, x, y):
        return 1 / xp.sqrt(1 - x * x)


@register_op
class Arccos(_InverseTrig):
    """Element-wise inverse cosine, in ``[0, pi]``."""
    name = "arccos"

    def forward(self, xp, data):
        return xp.arccos(data)

    def derivative(self, xp, x, y):
        return -1 / xp.sqrt(1 - x * x)


@register_op
class Arctan(UnaryOp):
    """Element-wise inverse tangent."""
    name = "arctan"

    def forward(self, xp, data):
        return xp.arctan(data)

    def derivative(self, xp, x, y):
        return 1 / (1 + x * x)


@register_op
class Sinh(UnaryOp):
    """Element-wise hyperbolic sine."""
    name = "sinh"

    def forward(self, xp, data):
        return xp.sinh(data)

    def derivative(self, xp, x, y):
        return xp.cosh(x)


@register_op
class Cosh(UnaryOp):
    """Element-wise hyperbolic cosine."""
    name = "cosh"

    def forward(self, xp, data):
        return xp.cosh(data)

    def derivative(self, xp, x, y):
        return xp.sinh(x)


@register_op
class Arcsinh(UnaryOp):
    """Element-wise inverse hyperbolic sine."""
    name = "arcsinh"

    def forward(self, xp, data):
        return xp.arcsinh(data)

    def derivative(self, xp, x, y):
        return 1 / xp.sqrt(x * x + 1)


@register_op
class Arccosh(UnaryOp):
    """Element-wise inverse hyperbolic cosine, defined for ``x >= 1``."""
    name = "arccosh"
    examples = [Example(shapes=[(2, 3)], low=1.5, high=3.0)]

    def forward(self, xp, data):
        return xp.arccosh(data)

    def derivative(self, xp, x, y):
        return 1 / xp.sqrt(x * x - 1)


@register_op
class Arctanh(_InverseTrig):
    """Element-wise inverse hyperbolic tangent, defined on (-1, 1)."""
    name = "arctanh"

    def forward(self, xp, data):
        return xp.arctanh(data)

    def derivative(self, xp, x, y):
        return 1 / (1 - x * x)


class _Scale(UnaryOp):
    """``x * factor``: ``degrees`` and ``radians``."""
    factor = 1.0

    def forward(self, xp, data):
        return data * data.dtype.type(self.factor)

    def derivative(self, xp, x, y):
        return x.dtype.type(self.factor)


@register_op
class Degrees(_Scale):
    """Radians to degrees, ``x * 180 / pi``."""
    name, factor = "degrees", 180 / math.pi


@register_op
class Radians(_Scale):
    """Degrees to radians, ``x * pi / 180``."""
    name, factor = "radians", math.pi / 180


class _PositiveExamples(UnaryOp):
    """Ops whose examples stay in ``[0.5, 2)``: logarithms need x > 0, and the cube
    roots' derivatives blow up at 0."""
    examples = [Example(shapes=[(2, 3)], low=0.5, high=2.0)]


@register_op
class Log2(_PositiveExamples):
    """Element-wise base-2 logarithm."""
    name = "log2"

    def forward(self, xp, data):
        return xp.log2(data)

    def derivative(self, xp, x, y):
        return 1 / (x * math.log(2))


@register_op
class Log10(_PositiveExamples):
    """Element-wise base-10 logarithm."""
    name = "log10"

    def forward(self, xp, data):
        return xp.log10(data)

    def derivative(self, xp, x, y):
        return 1 / (x * math.log(10))


@register_op
class Cbrt(_PositiveExamples):
    """Element-wise cube root (real, sign kept)."""
    name = "cbrt"

    def forward(self, xp, data):
        return xp.cbrt(data)

    def derivative(self, xp, x, y):
        return 1 / (3 * y * y)


@register_op
class Rcbrt(_PositiveExamples):
    """Element-wise reciprocal cube root, ``1 / cbrt(x)``."""
    name = "rcbrt"

    def forward(self, xp, data):
        return 1 / xp.cbrt(data)

    def derivative(self, xp, x, y):
        return -y / (3 * x)        # d x^(-1/3) = -1/3 x^(-4/3) = -y / (3 x)


class RoundingOp(UnaryOp):
    """Rounding, and any other piecewise-constant map (``logical_not``), has a zero
    gradient almost everywhere."""
    examples = [Example(shapes=[(2, 3)], grad=False, reason="piecewise constant")]

    def derivative(self, xp, x, y):
        return xp.zeros_like(x)


@register_op
class Floor(RoundingOp):
    """Element-wise floor."""
    name = "floor"

    def forward(self, xp, data):
        return xp.floor(data)


@register_op
class Ceil(RoundingOp):
    """Element-wise ceiling."""
    name = "ceil"

    def forward(self, xp, data):
        return xp.ceil(data)


def _round_half_away(xp, values):
    """C's ``round``: halves go away from zero (NumPy's ``round`` goes to even)."""
    return xp.sign(values) * xp.floor(xp.abs(values) + 0.5)


@register_op
class Round(RoundingOp):
    """Round half away from zero (MXNet's rule, unlike NumPy's half-to-even)."""
    name = "round"

    def forward(self, xp, data):
        return _round_half_away(xp, data)


@register_op
class Rint(RoundingOp):
    """Round to the nearest integer, halves DOWN (``rint(2.5) = 2``, ``rint(-2.5) =
    -3``): MXNet's rule, unlike NumPy's half-to-even ``rint`` and unlike ``round``."""
    name = "rint"

    def forward(self, xp, data):
        low = xp.floor(data)
        return xp.where(data - low > 0.5, low + 1, low)


@register_op
class Fix(RoundingOp):
    """Round toward zero (``fix(-1.9) = -1``)."""
    name = "fix"

    def forward(self, xp, data):
        return xp.trunc(data)


@register_op
class Trunc(RoundingOp):
    """Drop the fractional part: round toward zero, as ``fix``."""
    name = "trunc"

    def forward(self, xp, data):
        return xp.trunc(data)


@register_op
class LogicalNot(RoundingOp):
    """``1`` where ``x == 0``, else ``0``, in the data's dtype (no gradient)."""
    name = "logical_not"

    def forward(self, xp, data):
        return (data == 0).astype(data.dtype)


@register_op
class HardSigmoid(Op):
    """``clip(alpha * x + beta, 0, 1)``: a piecewise-linear sigmoid; the gradient is
    ``alpha`` where the line is not clipped."""
    name = "hard_sigmoid"
    infer_shape, infer_type = same_shape, same_dtype
    examples = [Example(shapes=[(2, 3)], low=-4.0, high=4.0),
                Example(shapes=[(2, 3)], attrs={"alpha": 0.5, "beta": 0.25})]

    def forward(self, xp, data, *, alpha: Float = 0.2, beta: Float = 0.5):
        line = data * data.dtype.type(alpha) + data.dtype.type(beta)
        return xp.clip(line, 0, 1, out=line)

    def backward(self, xp, inputs, outputs, out_grads, *, alpha, beta):
        y = outputs[0]
        inside = (y > 0) & (y < 1)
        return [out_grads[0] * inside * inputs[0].dtype.type(alpha)]


@register_op
class Identity(UnaryOp):
    """Copy the input (``_copy``/``identity``)."""
    name = "_copy"
    aliases = ("identity",)

    def forward(self, xp, data):
        return data.copy()

    def derivative(self, xp, x, y):
        return xp.ones_like(x)


@register_op
class BlockGrad(Op):
    """Pass values through but stop gradients: the input receives zero gradient."""
    name = "BlockGrad"
    aliases = ("stop_gradient",)
    infer_shape, infer_type = same_shape, same_dtype
    examples = [Example(shapes=[(2, 3)], grad=False,
                        reason="gradient is zero by design")]

    def forward(self, xp, data):
        return data

    def backward(self, xp, inputs, outputs, out_grads):
        return [xp.zeros_like(inputs[0])]


@register_op
class Cast(Op):
    """Convert to another dtype; the gradient is cast back."""
    name = "Cast"
    aliases = ("cast",)
    infer_shape = same_shape
    examples = [Example(shapes=[(2, 3)], attrs={"dtype": "float64"})]

    def infer_type(self, in_types, *, dtype):
        return list(in_types), [dtype]

    def forward(self, xp, data, *, dtype: Dtype):
        return data.astype(dtype)

    def backward(self, xp, inputs, outputs, out_grads, *, dtype):
        return [out_grads[0].astype(inputs[0].dtype)]


# --------------------------------------------------------------------------------------
# clip.
# --------------------------------------------------------------------------------------
@register_op
class Clip(Op):
    """Limit values to ``[a_min, a_max]``; the gradient passes only inside the range.

    MXNet quirk kept: with ``a_min > a_max`` MXNet tests ``a_max`` first
    (``x > a_max ? a_max : x < a_min ? a_min : x``), so values below both become
    ``a_min``; NumPy's ``clip`` would give ``a_max`` everywhere.
    """
    name = "clip"
    infer_shape, infer_type = same_shape, same_dtype
    examples = [Example(shapes=[(3, 4)], attrs={"a_min": -0.5, "a_max": 0.5})]

    def forward(self, xp, data, *, a_min: Float, a_max: Float):
        if a_min > a_max:
            clipped = xp.where(data > a_max, a_max, xp.where(data < a_min, a_min, data))
        else:
            clipped = xp.clip(data, a_min, a_max)
        return _keep_dtype(clipped, data)

    def backward(self, xp, inputs, outputs, out_grads, *, a_min, a_max):
        data = inputs[0]
        inside = (data >= a_min) & (data <= a_max)
        return [out_grads[0] * inside]
