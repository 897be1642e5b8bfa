"""Comparisons and conditionals: ``elemwise`` and ``broadcast`` forms of ``==``, ``!=``,
``>``, ``>=``, ``<``, ``<=``, logical and/or/xor, and ``where``.

A comparison returns 1.0 where it holds and 0.0 elsewhere, in the input's dtype (as
MXNet does), so it can be multiplied straight into other arrays. It is piecewise
constant, so its gradient is zero. Each comparison is a math piece (``forward`` and
zero partials) combined with a shape rule from ``binary.py``, like the arithmetic.
"""
from .binary import BroadcastBinary, SameShapeBinary, _Math
from .registry import Example, Op, register_op, same_shape, shape_error

_NO_GRAD = dict(grad=False, reason="comparisons have zero gradient")


def _comparison(compare):
    """Comparison math: 1.0/0.0 in the input dtype, zero gradient."""
    class _Compare(_Math):
        def forward(self, xp, lhs, rhs):
            return compare(xp, lhs, rhs).astype(lhs.dtype)

        def lhs_partial(self, xp, lhs, rhs, out, grad):
            return xp.zeros_like(lhs)

        def rhs_partial(self, xp, lhs, rhs, out, grad):
            return xp.zeros_like(rhs)
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


class SameShapeComparison(SameShapeBinary):
    """A comparison of two arrays of equal shape (``_equal``)."""
    examples = [Example(shapes=[(2, 3), (2, 3)], **_NO_GRAD)]


class BroadcastComparison(BroadcastBinary):
    """A comparison with broadcasting (``broadcast_equal``)."""
    examples = [Example(shapes=[(2, 3), (1, 3)], **_NO_GRAD)]


# --------------------------------------------------------------------------------------
# Same shapes.
# --------------------------------------------------------------------------------------
@register_op
class Equal(_Equal, SameShapeComparison):
    """1 where ``lhs == rhs`` else 0."""
    name = "_equal"


@register_op
class NotEqual(_NotEqual, SameShapeComparison):
    """1 where ``lhs != rhs`` else 0."""
    name = "_not_equal"


@register_op
class Greater(_Greater, SameShapeComparison):
    """1 where ``lhs > rhs`` else 0."""
    name = "_greater"


@register_op
class GreaterEqual(_GreaterEqual, SameShapeComparison):
    """1 where ``lhs >= rhs`` else 0."""
    name = "_greater_equal"


@register_op
class Lesser(_Lesser, SameShapeComparison):
    """1 where ``lhs < rhs`` else 0."""
    name = "_lesser"


@register_op
class LesserEqual(_LesserEqual, SameShapeComparison):
    """1 where ``lhs <= rhs`` else 0."""
    name = "_lesser_equal"


# --------------------------------------------------------------------------------------
# Broadcasting.
# --------------------------------------------------------------------------------------
@register_op
class BroadcastEqual(_Equal, BroadcastComparison):
    """1 where ``lhs == rhs`` else 0, with broadcasting."""
    name = "broadcast_equal"


@register_op
class BroadcastNotEqual(_NotEqual, BroadcastComparison):
    """1 where ``lhs != rhs`` else 0, with broadcasting."""
    name = "broadcast_not_equal"


@register_op
class BroadcastGreater(_Greater, BroadcastComparison):
    """1 where ``lhs > rhs`` else 0, with broadcasting."""
    name = "broadcast_greater"


@register_op
class BroadcastGreaterEqual(_GreaterEqual, BroadcastComparison):
    """1 where ``lhs >= rhs`` else 0, with broadcasting."""
    name = "broadcast_greater_equal"


@register_op
class BroadcastLesser(_Lesser, BroadcastComparison):
    """1 where ``lhs < rhs`` else 0, with broadcasting."""
    name = "broadcast_lesser"


@register_op
class BroadcastLesserEqual(_LesserEqual, BroadcastComparison):
    """1 where ``lhs <= rhs`` else 0, with broadcasting."""
    name = "broadcast_lesser_equal"


@register_op
class BroadcastLogicalAnd(_LogicalAnd, BroadcastComparison):
    """1 where both are non-zero, with broadcasting."""
    name = "broadcast_logical_and"


@register_op
class BroadcastLogicalOr(_LogicalOr, BroadcastComparison):
    """1 where either is non-zero, with broadcasting."""
    name = "broadcast_logical_or"


@register_op
class BroadcastLogicalXor(_LogicalXor, BroadcastComparison):
    """1 where exactly one is non-zero, with broadcasting."""
    name = "broadcast_logical_xor"


# --------------------------------------------------------------------------------------
# where: choose between two arrays by a condition.
# --------------------------------------------------------------------------------------
@register_op
class Where(Op):
    """``x`` where ``condition`` is non-zero, else ``y``; ``condition`` gets no
    gradient."""
    name = "where"
    examples = [Example(shapes=[(2, 3), (2, 3), (2, 3)],
                        values={"condition": [[1, 0, 1], [0, 0, 1]]})]

    def infer_shape(self, in_shapes):
        # x and y complete each other (MXNet infers both ways), e.g. zeros((0, 0))
        value_shapes, out_shapes = same_shape(self, in_shapes[1:])
        condition = in_shapes[0]
        if condition is not None and out_shapes[0] is not None and \
                condition != out_shapes[0] and (len(condition) != 1 or
                                                condition[0] != out_shapes[0][0]):
            raise shape_error(self, f"condition shape {condition} must equal x/y shape "
                                    f"{out_shapes[0]} or be its first dimension")
        return [condition] + value_shapes, out_shapes

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
