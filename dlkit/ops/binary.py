"""Binary arithmetic on two arrays: ``elemwise_*`` (equal shapes), ``broadcast_*``
(NumPy broadcasting) and ``add_n``.

Each piece of math (``_Add``, ``_Mul``...) is written once, as ``forward`` and one
partial per side (``lhs_partial``, ``rhs_partial``), and combined with one of two shape
rules::

    _Mul + SameShapeBinary  -> elemwise_mul    shapes must match
    _Mul + BroadcastBinary  -> broadcast_mul   shapes broadcast; each gradient is
                                               summed back to its input's shape

``compare.py`` (comparisons) and ``scalar.py`` (``x * 2``) reuse the same pieces.
"""
from .elemwise import _keep_dtype
from .registry import (Example, Int, Op, broadcast_shape, register_op, same_dtype,
                       same_shape, unbroadcast)


# --------------------------------------------------------------------------------------
# Binary math, each defined once and used by the same-shape and broadcast families.
# --------------------------------------------------------------------------------------
class _Math:
    """One piece of binary math: ``forward`` and the gradient of each side.

    ``lhs_partial``/``rhs_partial`` take the output gradient ``grad`` to the gradient
    of that side. ``scalar.py`` asks only for the array's side (``x / 2`` needs no
    gradient for the 2); the two-array ops ask for both through ``partials``.
    ``may_warn``: the partials can divide by zero or take a log of x <= 0.
    """
    may_warn = False

    def partials(self, xp, lhs, rhs, out, grad):
        return (self.lhs_partial(xp, lhs, rhs, out, grad),
                self.rhs_partial(xp, lhs, rhs, out, grad))


class _Add(_Math):
    def forward(self, xp, lhs, rhs):
        return xp.add(lhs, rhs)

    def lhs_partial(self, xp, lhs, rhs, out, grad):
        return grad

    def rhs_partial(self, xp, lhs, rhs, out, grad):
        return grad


class _Sub(_Math):
    def forward(self, xp, lhs, rhs):
        return xp.subtract(lhs, rhs)

    def lhs_partial(self, xp, lhs, rhs, out, grad):
        return grad

    def rhs_partial(self, xp, lhs, rhs, out, grad):
        return -grad


class _Mul(_Math):
    def forward(self, xp, lhs, rhs):
        return xp.multiply(lhs, rhs)

    def lhs_partial(self, xp, lhs, rhs, out, grad):
        return grad * rhs

    def rhs_partial(self, xp, lhs, rhs, out, grad):
        return grad * lhs


class _Div(_Math):
    may_warn = True

    def forward(self, xp, lhs, rhs):
        return _keep_dtype(xp.divide(lhs, rhs), lhs if hasattr(lhs, "dtype") else rhs)

    def lhs_partial(self, xp, lhs, rhs, out, grad):
        return grad / rhs

    def rhs_partial(self, xp, lhs, rhs, out, grad):
        return -grad * out / rhs


class _Mod(_Math):
    may_warn = True

    def forward(self, xp, lhs, rhs):
        return xp.mod(lhs, rhs)

    def lhs_partial(self, xp, lhs, rhs, out, grad):
        return grad

    def rhs_partial(self, xp, lhs, rhs, out, grad):
        return -grad * xp.floor(lhs / rhs)


class _Power(_Math):
    may_warn = True

    def forward(self, xp, lhs, rhs):
        return xp.power(lhs, rhs)

    def lhs_partial(self, xp, lhs, rhs, out, grad):
        return grad * rhs * xp.power(lhs, rhs - 1)

    def rhs_partial(self, xp, lhs, rhs, out, grad):
        return grad * out * xp.log(lhs)


class _Maximum(_Math):
    def forward(self, xp, lhs, rhs):
        return xp.maximum(lhs, rhs)

    def lhs_partial(self, xp, lhs, rhs, out, grad):
        return grad * (lhs >= rhs)   # ties send the gradient to lhs, as MXNet does

    def rhs_partial(self, xp, lhs, rhs, out, grad):
        return grad * ~(lhs >= rhs)


class _Minimum(_Math):
    def forward(self, xp, lhs, rhs):
        return xp.minimum(lhs, rhs)

    def lhs_partial(self, xp, lhs, rhs, out, grad):
        return grad * (lhs <= rhs)

    def rhs_partial(self, xp, lhs, rhs, out, grad):
        return grad * ~(lhs <= rhs)


class _Hypot(_Math):
    def forward(self, xp, lhs, rhs):
        return xp.hypot(lhs, rhs)

    def lhs_partial(self, xp, lhs, rhs, out, grad):
        return grad * lhs / out

    def rhs_partial(self, xp, lhs, rhs, out, grad):
        return grad * rhs / out


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


# --------------------------------------------------------------------------------------
# Same shapes: elemwise_add, ... (MXNet maps ``Symbol + Symbol`` to these).
# --------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------
# Broadcasting: broadcast_add, ... (what ``x + y`` calls on NDArrays).
# --------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------
# add_n: the sum of many arrays.
# --------------------------------------------------------------------------------------
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
