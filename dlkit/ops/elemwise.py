"""Element-wise operators: unary math, binary (same-shape and broadcast), scalar forms,
comparisons, ``clip``, ``where``, ``Cast``, ``BlockGrad`` and ``add_n``.

Three families share one pattern:

* ``UnaryOp``: ``y = f(x)``; a subclass gives ``forward`` and ``derivative(xp, x, y)``
  and the chain rule ``dx = dy * f'(x)`` is written once, in ``UnaryOp.backward``.
* binary math (``_Add``, ``_Mul``...) defines ``forward`` and ``partials`` once; it is
  combined with ``SameShapeBinary`` (``elemwise_add``: shapes must match) or
  ``BroadcastBinary`` (``broadcast_add``: NumPy broadcasting, gradients summed back).
* scalar forms (``_plus_scalar``) take the number as the ``scalar`` attribute, which is
  what ``x + 1`` calls, and keep the array's dtype (MXNet: int32 * 2.5 stays int32).
"""
from .registry import (Bool, Dtype, Example, Float, Int, Op, broadcast_shape, register_op,
                       same_dtype, same_shape, shape_error, unbroadcast)


# ----------------------------------------------------------------------------------------
# Unary operators.
# ----------------------------------------------------------------------------------------
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
        return xp.maximum(data, 0)

    def derivative(self, xp, x, y):
        return (y > 0).astype(y.dtype)


@register_op
class Sigmoid(UnaryOp):
    """Logistic sigmoid, ``1 / (1 + exp(-x))``."""
    name = "sigmoid"

    def forward(self, xp, data):
        return 1 / (1 + xp.exp(-data))

    def derivative(self, xp, x, y):
        return y * (1 - y)  # sigma' = sigma (1 - sigma): the output is enough


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


class RoundingOp(UnaryOp):
    """Rounding has a zero gradient almost everywhere."""
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


@register_op
class Round(RoundingOp):
    """Round half away from zero (MXNet's rule, unlike NumPy's half-to-even)."""
    name = "round"

    def forward(self, xp, data):
        return xp.sign(data) * xp.floor(xp.abs(data) + 0.5)


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
    examples = [Example(shapes=[(2, 3)], grad=False, reason="gradient is zero by design")]

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


# ----------------------------------------------------------------------------------------
# Binary math, each defined once and used by the same-shape and broadcast families.
# ----------------------------------------------------------------------------------------
class _Add:
    def forward(self, xp, lhs, rhs):
        return xp.add(lhs, rhs)

    def partials(self, xp, lhs, rhs, out, grad):
        return grad, grad


class _Sub:
    def forward(self, xp, lhs, rhs):
        return xp.subtract(lhs, rhs)

    def partials(self, xp, lhs, rhs, out, grad):
        return grad, -grad


class _Mul:
    def forward(self, xp, lhs, rhs):
        return xp.multiply(lhs, rhs)

    def partials(self, xp, lhs, rhs, out, grad):
        return grad * rhs, grad * lhs


class _Div:
    def forward(self, xp, lhs, rhs):
        return _keep_dtype(xp.divide(lhs, rhs), lhs if hasattr(lhs, "dtype") else rhs)

    def partials(self, xp, lhs, rhs, out, grad):
        return grad / rhs, -grad * out / rhs


class _Mod:
    def forward(self, xp, lhs, rhs):
        return xp.mod(lhs, rhs)

    def partials(self, xp, lhs, rhs, out, grad):
        return grad, -grad * xp.floor(lhs / rhs)


class _Power:
    def forward(self, xp, lhs, rhs):
        return xp.power(lhs, rhs)

    def partials(self, xp, lhs, rhs, out, grad):
        return grad * rhs * xp.power(lhs, rhs - 1), grad * out * xp.log(lhs)


class _Maximum:
    def forward(self, xp, lhs, rhs):
        return xp.maximum(lhs, rhs)

    def partials(self, xp, lhs, rhs, out, grad):
        mask = lhs >= rhs  # ties send the gradient to lhs, as MXNet does
        return grad * mask, grad * ~mask


class _Minimum:
    def forward(self, xp, lhs, rhs):
        return xp.minimum(lhs, rhs)

    def partials(self, xp, lhs, rhs, out, grad):
        mask = lhs <= rhs
        return grad * mask, grad * ~mask


class _Hypot:
    def forward(self, xp, lhs, rhs):
        return xp.hypot(lhs, rhs)

    def partials(self, xp, lhs, rhs, out, grad):
        return grad * lhs / out, grad * rhs / out


def _keep_dtype(result, like):
    """MXNet keeps the input dtype (integer division truncates)."""
    return result.astype(like.dtype, copy=False)


def _comparison(compare):
    """Comparison math: 1.0/0.0 in the input dtype, zero gradient."""
    class _Compare:
        def forward(self, xp, lhs, rhs):
            return compare(xp, lhs, rhs).astype(lhs.dtype)

        def partials(self, xp, lhs, rhs, out, grad):
            return xp.zeros_like(lhs), xp.zeros_like(rhs)
    return _Compare


_Equal = _comparison(lambda xp, a, b: a == b)
_NotEqual = _comparison(lambda xp, a, b: a != b)
_Greater = _comparison(lambda xp, a, b: a > b)
_GreaterEqual = _comparison(lambda xp, a, b: a >= b)
_Lesser = _comparison(lambda xp, a, b: a < b)
_LesserEqual = _comparison(lambda xp, a, b: a <= b)
_LogicalAnd = _comparison(lambda xp, a, b: (a != 0) & (b != 0))
_LogicalOr = _comparison(lambda xp, a, b: (a != 0) | (b != 0))
_LogicalXor = _comparison(lambda xp, a, b: (a != 0) ^ (b != 0))


class SameShapeBinary(Op):
    """Binary op on two arrays of the same shape (MXNet's ``elemwise_*``)."""
    infer_shape, infer_type = same_shape, same_dtype
    examples = [Example(shapes=[(2, 3), (2, 3)], low=0.5, high=2.0)]

    def backward(self, xp, inputs, outputs, out_grads):
        return list(self.partials(xp, inputs[0], inputs[1], outputs[0], out_grads[0]))


class BroadcastBinary(Op):
    """Binary op with NumPy broadcasting; each gradient is summed back to its input."""
    infer_shape, infer_type = broadcast_shape, same_dtype
    examples = [Example(shapes=[(2, 3), (2, 3)], low=0.5, high=2.0),
                Example(shapes=[(2, 1, 3), (4, 1)], low=0.5, high=2.0)]

    def backward(self, xp, inputs, outputs, out_grads):
        lhs, rhs = inputs
        dlhs, drhs = self.partials(xp, lhs, rhs, outputs[0], out_grads[0])
        return [unbroadcast(xp, dlhs, lhs.shape), unbroadcast(xp, drhs, rhs.shape)]


_NO_GRAD = dict(grad=False, reason="comparisons have zero gradient")


@register_op
class ElemwiseAdd(_Add, SameShapeBinary):
    """``lhs + rhs`` for arrays of equal shape."""
    name = "elemwise_add"
    aliases = ("_plus", "_add", "_Plus")


@register_op
class ElemwiseSub(_Sub, SameShapeBinary):
    """``lhs - rhs`` for arrays of equal shape."""
    name = "elemwise_sub"
    aliases = ("_minus", "_sub", "_Minus")


@register_op
class ElemwiseMul(_Mul, SameShapeBinary):
    """``lhs * rhs`` for arrays of equal shape."""
    name = "elemwise_mul"
    aliases = ("_mul", "_Mul")


@register_op
class ElemwiseDiv(_Div, SameShapeBinary):
    """``lhs / rhs`` for arrays of equal shape."""
    name = "elemwise_div"
    aliases = ("_div", "_Div")


@register_op
class Mod(_Mod, SameShapeBinary):
    """``lhs % rhs`` for arrays of equal shape."""
    name = "_mod"
    examples = [Example(shapes=[(2, 3), (2, 3)], low=1.1, high=1.9)]


@register_op
class Power(_Power, SameShapeBinary):
    """``lhs ** rhs`` for arrays of equal shape."""
    name = "_power"
    aliases = ("_Power",)


@register_op
class Maximum(_Maximum, SameShapeBinary):
    """Element-wise maximum of two arrays of equal shape."""
    name = "_maximum"
    aliases = ("_Maximum",)


@register_op
class Minimum(_Minimum, SameShapeBinary):
    """Element-wise minimum of two arrays of equal shape."""
    name = "_minimum"
    aliases = ("_Minimum",)


@register_op
class Hypot(_Hypot, SameShapeBinary):
    """``sqrt(lhs**2 + rhs**2)`` for arrays of equal shape."""
    name = "_hypot"


@register_op
class Equal(_Equal, SameShapeBinary):
    """1 where ``lhs == rhs`` else 0."""
    name = "_equal"
    examples = [Example(shapes=[(2, 3), (2, 3)], **_NO_GRAD)]


@register_op
class NotEqual(_NotEqual, SameShapeBinary):
    """1 where ``lhs != rhs`` else 0."""
    name = "_not_equal"
    examples = [Example(shapes=[(2, 3), (2, 3)], **_NO_GRAD)]


@register_op
class Greater(_Greater, SameShapeBinary):
    """1 where ``lhs > rhs`` else 0."""
    name = "_greater"
    examples = [Example(shapes=[(2, 3), (2, 3)], **_NO_GRAD)]


@register_op
class GreaterEqual(_GreaterEqual, SameShapeBinary):
    """1 where ``lhs >= rhs`` else 0."""
    name = "_greater_equal"
    examples = [Example(shapes=[(2, 3), (2, 3)], **_NO_GRAD)]


@register_op
class Lesser(_Lesser, SameShapeBinary):
    """1 where ``lhs < rhs`` else 0."""
    name = "_lesser"
    examples = [Example(shapes=[(2, 3), (2, 3)], **_NO_GRAD)]


@register_op
class LesserEqual(_LesserEqual, SameShapeBinary):
    """1 where ``lhs <= rhs`` else 0."""
    name = "_lesser_equal"
    examples = [Example(shapes=[(2, 3), (2, 3)], **_NO_GRAD)]


@register_op
class BroadcastAdd(_Add, BroadcastBinary):
    """``lhs + rhs`` with broadcasting (what ``x + y`` calls on NDArrays)."""
    name = "broadcast_add"
    aliases = ("broadcast_plus",)


@register_op
class BroadcastSub(_Sub, BroadcastBinary):
    """``lhs - rhs`` with broadcasting."""
    name = "broadcast_sub"
    aliases = ("broadcast_minus",)


@register_op
class BroadcastMul(_Mul, BroadcastBinary):
    """``lhs * rhs`` with broadcasting."""
    name = "broadcast_mul"


@register_op
class BroadcastDiv(_Div, BroadcastBinary):
    """``lhs / rhs`` with broadcasting."""
    name = "broadcast_div"


@register_op
class BroadcastMod(_Mod, BroadcastBinary):
    """``lhs % rhs`` with broadcasting."""
    name = "broadcast_mod"
    examples = [Example(shapes=[(2, 3), (2, 3)], low=1.1, high=1.9)]


@register_op
class BroadcastPower(_Power, BroadcastBinary):
    """``lhs ** rhs`` with broadcasting."""
    name = "broadcast_power"


@register_op
class BroadcastMaximum(_Maximum, BroadcastBinary):
    """Element-wise maximum with broadcasting."""
    name = "broadcast_maximum"


@register_op
class BroadcastMinimum(_Minimum, BroadcastBinary):
    """Element-wise minimum with broadcasting."""
    name = "broadcast_minimum"


@register_op
class BroadcastHypot(_Hypot, BroadcastBinary):
    """``sqrt(lhs**2 + rhs**2)`` with broadcasting."""
    name = "broadcast_hypot"


@register_op
class BroadcastEqual(_Equal, BroadcastBinary):
    """1 where ``lhs == rhs`` else 0, with broadcasting."""
    name = "broadcast_equal"
    examples = [Example(shapes=[(2, 3), (1, 3)], **_NO_GRAD)]


@register_op
class BroadcastNotEqual(_NotEqual, BroadcastBinary):
    """1 where ``lhs != rhs`` else 0, with broadcasting."""
    name = "broadcast_not_equal"
    examples = [Example(shapes=[(2, 3), (1, 3)], **_NO_GRAD)]


@register_op
class BroadcastGreater(_Greater, BroadcastBinary):
    """1 where ``lhs > rhs`` else 0, with broadcasting."""
    name = "broadcast_greater"
    examples = [Example(shapes=[(2, 3), (1, 3)], **_NO_GRAD)]


@register_op
class BroadcastGreaterEqual(_GreaterEqual, BroadcastBinary):
    """1 where ``lhs >= rhs`` else 0, with broadcasting."""
    name = "broadcast_greater_equal"
    examples = [Example(shapes=[(2, 3), (1, 3)], **_NO_GRAD)]


@register_op
class BroadcastLesser(_Lesser, BroadcastBinary):
    """1 where ``lhs < rhs`` else 0, with broadcasting."""
    name = "broadcast_lesser"
    examples = [Example(shapes=[(2, 3), (1, 3)], **_NO_GRAD)]


@register_op
class BroadcastLesserEqual(_LesserEqual, BroadcastBinary):
    """1 where ``lhs <= rhs`` else 0, with broadcasting."""
    name = "broadcast_lesser_equal"
    examples = [Example(shapes=[(2, 3), (1, 3)], **_NO_GRAD)]


@register_op
class BroadcastLogicalAnd(_LogicalAnd, BroadcastBinary):
    """1 where both are non-zero, with broadcasting."""
    name = "broadcast_logical_and"
    examples = [Example(shapes=[(2, 3), (1, 3)], **_NO_GRAD)]


@register_op
class BroadcastLogicalOr(_LogicalOr, BroadcastBinary):
    """1 where either is non-zero, with broadcasting."""
    name = "broadcast_logical_or"
    examples = [Example(shapes=[(2, 3), (1, 3)], **_NO_GRAD)]


@register_op
class BroadcastLogicalXor(_LogicalXor, BroadcastBinary):
    """1 where exactly one is non-zero, with broadcasting."""
    name = "broadcast_logical_xor"
    examples = [Example(shapes=[(2, 3), (1, 3)], **_NO_GRAD)]


# ----------------------------------------------------------------------------------------
# Scalar forms: ``x + 1`` is ``_plus_scalar(x, scalar=1)``; ``1 - x`` is ``_rminus_scalar``.
# ----------------------------------------------------------------------------------------
class ScalarOp(Op):
    """Binary math with a Python number; ``reverse`` puts the number on the left."""
    infer_shape, infer_type = same_shape, same_dtype
    reverse = False
    examples = [Example(shapes=[(2, 3)], attrs={"scalar": 1.5}, low=0.5, high=2.0)]

    def forward(self, xp, data, *, scalar: Float = 1.0, is_int: Bool = True):
        # MXNet casts the scalar to the array's dtype first: int32 * 2.5 is int32 * 2
        scalar = data.dtype.type(scalar)
        lhs, rhs = (scalar, data) if self.reverse else (data, scalar)
        return _keep_dtype(xp.asarray(self.math.forward(self, xp, lhs, rhs)), data)

    def backward(self, xp, inputs, outputs, out_grads, *, scalar, is_int):
        data = inputs[0]
        scalar = data.dtype.type(scalar)
        lhs, rhs = (scalar, data) if self.reverse else (data, scalar)
        # partials() also computes the gradient for the scalar side, which is thrown
        # away; it may be invalid (x ** 2 takes log(x) of a negative x), so NumPy's
        # warning about it is silenced (CuPy does not warn)
        errstate = getattr(xp, "errstate", None)
        if errstate is None:
            partials = self.math.partials(self, xp, lhs, rhs, outputs[0], out_grads[0])
        else:
            with errstate(invalid="ignore", divide="ignore"):
                partials = self.math.partials(self, xp, lhs, rhs, outputs[0],
                                              out_grads[0])
        grad = partials[1] if self.reverse else partials[0]
        if getattr(grad, "shape", None) != data.shape:  # a partial may be a plain number
            grad = xp.broadcast_to(grad, data.shape)
        return [grad.astype(data.dtype, copy=False)]


_SCALAR_NO_GRAD = [Example(shapes=[(2, 3)], attrs={"scalar": 0.0}, **_NO_GRAD)]


@register_op
class PlusScalar(ScalarOp):
    """``data + scalar``."""
    name, math = "_plus_scalar", _Add
    aliases = ("_PlusScalar",)


@register_op
class MinusScalar(ScalarOp):
    """``data - scalar``."""
    name, math = "_minus_scalar", _Sub
    aliases = ("_MinusScalar",)


@register_op
class RMinusScalar(ScalarOp):
    """``scalar - data``."""
    name, math, reverse = "_rminus_scalar", _Sub, True
    aliases = ("_RMinusScalar",)


@register_op
class MulScalar(ScalarOp):
    """``data * scalar``."""
    name, math = "_mul_scalar", _Mul
    aliases = ("_MulScalar",)


@register_op
class DivScalar(ScalarOp):
    """``data / scalar``."""
    name, math = "_div_scalar", _Div
    aliases = ("_DivScalar",)


@register_op
class RDivScalar(ScalarOp):
    """``scalar / data``."""
    name, math, reverse = "_rdiv_scalar", _Div, True
    aliases = ("_RDivScalar",)


@register_op
class ModScalar(ScalarOp):
    """``data % scalar``."""
    name, math = "_mod_scalar", _Mod
    aliases = ("_ModScalar",)


@register_op
class RModScalar(ScalarOp):
    """``scalar % data``."""
    name, math, reverse = "_rmod_scalar", _Mod, True
    aliases = ("_RModScalar",)
    examples = [Example(shapes=[(2, 3)], attrs={"scalar": 2.5}, low=1.1, high=1.4)]


@register_op
class PowerScalar(ScalarOp):
    """``data ** scalar``."""
    name, math = "_power_scalar", _Power
    aliases = ("_PowerScalar",)


@register_op
class RPowerScalar(ScalarOp):
    """``scalar ** data``."""
    name, math, reverse = "_rpower_scalar", _Power, True
    aliases = ("_RPowerScalar",)


@register_op
class MaximumScalar(ScalarOp):
    """``max(data, scalar)`` element-wise."""
    name, math = "_maximum_scalar", _Maximum
    aliases = ("_MaximumScalar",)


@register_op
class MinimumScalar(ScalarOp):
    """``min(data, scalar)`` element-wise."""
    name, math = "_minimum_scalar", _Minimum
    aliases = ("_MinimumScalar",)


@register_op
class EqualScalar(ScalarOp):
    """1 where ``data == scalar`` else 0."""
    name, math, examples = "_equal_scalar", _Equal, _SCALAR_NO_GRAD
    aliases = ("_EqualScalar",)


@register_op
class NotEqualScalar(ScalarOp):
    """1 where ``data != scalar`` else 0."""
    name, math, examples = "_not_equal_scalar", _NotEqual, _SCALAR_NO_GRAD
    aliases = ("_NotEqualScalar",)


@register_op
class GreaterScalar(ScalarOp):
    """1 where ``data > scalar`` else 0."""
    name, math, examples = "_greater_scalar", _Greater, _SCALAR_NO_GRAD
    aliases = ("_GreaterScalar",)


@register_op
class GreaterEqualScalar(ScalarOp):
    """1 where ``data >= scalar`` else 0."""
    name, math, examples = "_greater_equal_scalar", _GreaterEqual, _SCALAR_NO_GRAD
    aliases = ("_GreaterEqualScalar",)


@register_op
class LesserScalar(ScalarOp):
    """1 where ``data < scalar`` else 0."""
    name, math, examples = "_lesser_scalar", _Lesser, _SCALAR_NO_GRAD
    aliases = ("_LesserScalar",)


@register_op
class LesserEqualScalar(ScalarOp):
    """1 where ``data <= scalar`` else 0."""
    name, math, examples = "_lesser_equal_scalar", _LesserEqual, _SCALAR_NO_GRAD
    aliases = ("_LesserEqualScalar",)


# ----------------------------------------------------------------------------------------
# clip, where, add_n.
# ----------------------------------------------------------------------------------------
@register_op
class Clip(Op):
    """Limit values to ``[a_min, a_max]``; the gradient passes only inside the range."""
    name = "clip"
    infer_shape, infer_type = same_shape, same_dtype
    examples = [Example(shapes=[(3, 4)], attrs={"a_min": -0.5, "a_max": 0.5})]

    def forward(self, xp, data, *, a_min: Float, a_max: Float):
        return _keep_dtype(xp.clip(data, a_min, a_max), data)

    def backward(self, xp, inputs, outputs, out_grads, *, a_min, a_max):
        data = inputs[0]
        inside = (data >= a_min) & (data <= a_max)
        return [out_grads[0] * inside]


@register_op
class Where(Op):
    """``x`` where ``condition`` is non-zero, else ``y``; ``condition`` gets no gradient."""
    name = "where"
    examples = [Example(shapes=[(2, 3), (2, 3), (2, 3)],
                        values={"condition": [[1, 0, 1], [0, 0, 1]]})]

    def infer_shape(self, in_shapes):
        _, out_shapes = same_shape(self, in_shapes[1:])
        condition = in_shapes[0]
        if condition is not None and out_shapes[0] is not None and \
                condition != out_shapes[0] and (len(condition) != 1 or
                                                condition[0] != out_shapes[0][0]):
            raise shape_error(self, f"condition shape {condition} must equal x/y shape "
                                    f"{out_shapes[0]} or be its first dimension")
        return list(in_shapes), out_shapes

    def infer_type(self, in_types):
        return list(in_types), [in_types[1]]

    def _mask(self, condition, like):
        if condition.ndim == 1 and like.ndim > 1:
            condition = condition.reshape((-1,) + (1,) * (like.ndim - 1))
        return condition != 0

    def forward(self, xp, condition, x, y):
        return xp.where(self._mask(condition, x), x, y)

    def backward(self, xp, inputs, outputs, out_grads):
        condition, x, _ = inputs
        mask = self._mask(condition, x)
        grad = out_grads[0]
        return [None, xp.where(mask, grad, 0), xp.where(mask, 0, grad)]


@register_op
class AddN(Op):
    """Sum of any number of arrays of the same shape."""
    name = "add_n"
    aliases = ("ElementWiseSum", "_contrib_add_n")
    infer_shape, infer_type = same_shape, same_dtype
    examples = [Example(shapes=[(2, 3), (2, 3), (2, 3)], attrs={"num_args": 3})]

    def forward(self, xp, *data, num_args: Int):
        total = data[0].copy()
        for array in data[1:]:
            total += array
        return total

    def backward(self, xp, inputs, outputs, out_grads, *, num_args):
        return [out_grads[0]] * num_args

