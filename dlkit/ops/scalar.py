"""Scalar forms of the binary math: an array with a Python number.

``x + 1`` is ``_plus_scalar(x, scalar=1)``; ``1 - x`` is ``_rminus_scalar(x, scalar=1)``
(``reverse`` puts the number on the left). The math is the same piece that
``binary.py`` and ``compare.py`` define (``_Add``, ``_Equal``...), so each scalar op is
one line of wiring. MXNet casts the number to the array's dtype first and keeps that
dtype: ``int32 * 2.5`` is ``int32 * 2``.
"""
from .binary import _Add, _Div, _Maximum, _Minimum, _Mod, _Mul, _Power, _Sub
from .compare import (_NO_GRAD, _Equal, _Greater, _GreaterEqual, _Lesser, _LesserEqual,
                      _NotEqual)
from .elemwise import _keep_dtype
from .registry import Bool, Example, Float, Op, register_op, same_dtype, same_shape


class ScalarOp(Op):
    """Binary math with a Python number; ``reverse`` puts the number on the left."""
    infer_shape, infer_type = same_shape, same_dtype
    reverse = False
    examples = [Example(shapes=[(2, 3)], attrs={"scalar": 1.5}, low=0.5, high=2.0)]

    def _operands(self, data, scalar):
        """``(lhs, rhs)`` for the math, the number cast to the array's dtype first."""
        scalar = data.dtype.type(scalar)
        return (scalar, data) if self.reverse else (data, scalar)

    def forward(self, xp, data, *, scalar: Float = 1.0, is_int: Bool = True):
        scalar = data.dtype.type(scalar)   # _operands, written out: x * 2 is hot
        lhs, rhs = (scalar, data) if self.reverse else (data, scalar)
        result = self.math.forward(self, xp, lhs, rhs)
        if type(result) is not type(data):   # NumPy gives a scalar for a 0-d array
            result = xp.asarray(result)
        if result.dtype != data.dtype:       # most results already match: skip a call
            result = _keep_dtype(result, data)
        return result

    def backward(self, xp, inputs, outputs, out_grads, *, scalar, is_int):
        data = inputs[0]
        grad = self.data_grad(xp, data, scalar, outputs[0], out_grads[0])
        # a partial may be a plain number
        if getattr(grad, "shape", None) != data.shape:
            grad = xp.broadcast_to(grad, data.shape)
        if grad.dtype != data.dtype:   # usually equal already: skip the astype call
            grad = grad.astype(data.dtype)
        return [grad]

    def data_grad(self, xp, data, scalar, out, grad):
        """The gradient for ``data``: the math's partial for the array's side only
        (the number needs none)."""
        lhs, rhs = self._operands(data, scalar)
        partial = self.math.rhs_partial if self.reverse else self.math.lhs_partial
        # for / % ** a partial may divide by zero, and NumPy would warn where MXNet
        # does not (CuPy has no errstate and does not warn). Entering errstate costs
        # about a microsecond, so only those pay it.
        if self.math.may_warn and hasattr(xp, "errstate"):
            with xp.errstate(invalid="ignore", divide="ignore"):
                return partial(self, xp, lhs, rhs, out, grad)
        return partial(self, xp, lhs, rhs, out, grad)


_SCALAR_NO_GRAD = [Example(shapes=[(2, 3)], attrs={"scalar": 0.0}, **_NO_GRAD)]


@register_op
class PlusScalar(ScalarOp):
    """``data + scalar``."""
    name, math = "_plus_scalar", _Add
    aliases = ("_PlusScalar",)

    def data_grad(self, xp, data, scalar, out, grad):
        return grad   # d(x + c)/dx = 1: nothing to compute, not even the operands


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

    def data_grad(self, xp, data, scalar, out, grad):
        # x * lr is the hottest scalar op: its partial, written out
        return grad * data.dtype.type(scalar)


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
