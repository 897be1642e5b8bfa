"""``nd.add``, ``nd.maximum`` ...: Python helpers that accept arrays *or* numbers.

MXNet's ``nd.maximum(x, 0)`` is not an operator itself: it picks ``broadcast_maximum``
for two arrays and ``_maximum_scalar`` when one side is a number. These helpers make the
same choice and then call the registered ops.
"""
import numbers

from .ndarray import NDArray, invoke

__all__ = ["add", "subtract", "multiply", "divide", "true_divide", "modulo", "power",
           "maximum", "minimum", "equal", "not_equal", "greater", "greater_equal",
           "lesser", "lesser_equal", "logical_and", "logical_or", "logical_xor"]


def _ufunc(lhs, rhs, array_op, scalar_op, reverse_scalar_op, python_op):
    """Dispatch on which sides are arrays (MXNet's ``_ufunc_helper``)."""
    if isinstance(lhs, numbers.Number) and isinstance(rhs, numbers.Number):
        return python_op(lhs, rhs)
    if isinstance(rhs, numbers.Number):
        return invoke(scalar_op, [lhs], {"scalar": rhs})
    if isinstance(lhs, numbers.Number):
        return invoke(reverse_scalar_op, [rhs], {"scalar": lhs})
    if not isinstance(lhs, NDArray) or not isinstance(rhs, NDArray):
        raise TypeError(f"expected NDArrays or numbers, got {type(lhs).__name__} and "
                        f"{type(rhs).__name__}")
    return invoke(array_op, [lhs, rhs], {})


def add(lhs, rhs):
    """``lhs + rhs`` with broadcasting; either side may be a number."""
    return _ufunc(lhs, rhs, "broadcast_add", "_plus_scalar", "_plus_scalar",
                  lambda a, b: a + b)


def subtract(lhs, rhs):
    """``lhs - rhs`` with broadcasting."""
    return _ufunc(lhs, rhs, "broadcast_sub", "_minus_scalar", "_rminus_scalar",
                  lambda a, b: a - b)


def multiply(lhs, rhs):
    """``lhs * rhs`` with broadcasting."""
    return _ufunc(lhs, rhs, "broadcast_mul", "_mul_scalar", "_mul_scalar",
                  lambda a, b: a * b)


def divide(lhs, rhs):
    """``lhs / rhs`` with broadcasting."""
    return _ufunc(lhs, rhs, "broadcast_div", "_div_scalar", "_rdiv_scalar",
                  lambda a, b: a / b)


true_divide = divide


def modulo(lhs, rhs):
    """``lhs % rhs`` with broadcasting."""
    return _ufunc(lhs, rhs, "broadcast_mod", "_mod_scalar", "_rmod_scalar",
                  lambda a, b: a % b)


def power(base, exp):
    """``base ** exp`` with broadcasting."""
    return _ufunc(base, exp, "broadcast_power", "_power_scalar", "_rpower_scalar",
                  lambda a, b: a ** b)


def maximum(lhs, rhs):
    """Element-wise maximum; ``nd.maximum(x, 0)`` is a ReLU."""
    return _ufunc(lhs, rhs, "broadcast_maximum", "_maximum_scalar", "_maximum_scalar",
                  max)


def minimum(lhs, rhs):
    """Element-wise minimum."""
    return _ufunc(lhs, rhs, "broadcast_minimum", "_minimum_scalar", "_minimum_scalar",
                  min)


def equal(lhs, rhs):
    """1 where equal else 0."""
    return _ufunc(lhs, rhs, "broadcast_equal", "_equal_scalar", "_equal_scalar",
                  lambda a, b: float(a == b))


def not_equal(lhs, rhs):
    """1 where different else 0."""
    return _ufunc(lhs, rhs, "broadcast_not_equal", "_not_equal_scalar",
                  "_not_equal_scalar", lambda a, b: float(a != b))


def greater(lhs, rhs):
    """1 where ``lhs > rhs`` else 0."""
    return _ufunc(lhs, rhs, "broadcast_greater", "_greater_scalar", "_lesser_scalar",
                  lambda a, b: float(a > b))


def greater_equal(lhs, rhs):
    """1 where ``lhs >= rhs`` else 0."""
    return _ufunc(lhs, rhs, "broadcast_greater_equal", "_greater_equal_scalar",
                  "_lesser_equal_scalar", lambda a, b: float(a >= b))


def lesser(lhs, rhs):
    """1 where ``lhs < rhs`` else 0."""
    return _ufunc(lhs, rhs, "broadcast_lesser", "_lesser_scalar", "_greater_scalar",
                  lambda a, b: float(a < b))


def lesser_equal(lhs, rhs):
    """1 where ``lhs <= rhs`` else 0."""
    return _ufunc(lhs, rhs, "broadcast_lesser_equal", "_lesser_equal_scalar",
                  "_greater_equal_scalar", lambda a, b: float(a <= b))


def logical_and(lhs, rhs):
    """1 where both are non-zero."""
    return invoke("broadcast_logical_and", [lhs, rhs], {})


def logical_or(lhs, rhs):
    """1 where either is non-zero."""
    return invoke("broadcast_logical_or", [lhs, rhs], {})


def logical_xor(lhs, rhs):
    """1 where exactly one is non-zero."""
    return invoke("broadcast_logical_xor", [lhs, rhs], {})
