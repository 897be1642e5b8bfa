"""Creation operators: ``_zeros``, ``_ones``, ``_full``, ``_arange``, ``_linspace``,
``_eye``.

Like the random samplers, they take no array inputs: the attributes say what to make
(``value``, ``start``/``stop``/``step``), its ``shape``, ``ctx`` and ``dtype``. They
are what ``mx.sym.zeros((2, 3))`` puts in a graph (MXNet's JSON shows a node
``{"op": "_zeros", "attrs": {"shape": "(2, 3)", "dtype": "float32"}}``)::

    mx.sym.zeros((0, 4))   -> _zeros(shape=(0, 4))    0 = unknown dimension
    x + that               -> shape inference completes it from x: (2, 4)
    bind / forward         -> the executor calls forward with shape=(2, 4)

That is how a recurrent cell's ``begin_state(func=mx.sym.zeros)`` gets its batch size
from the data. Nothing to differentiate: the gradient of a constant is not needed.

Differs from MXNet: ``mx.nd.zeros/ones/full/arange`` keep their direct
implementations in ``ndarray/ndarray.py`` (same results); ``mx.nd._zeros`` etc. run
these ops.
"""
import math

from .random import CTX
from .registry import (Bool, Dtype, Example, Float, Int, Op, OptionalFloat,
                       Shape, register_op, shape_error)

_CONSTANT = "a created array has no inputs to differentiate"


class CreationOp(Op):
    """Base of the creation ops: no inputs, one output of ``dtype`` (float32 by
    default)."""

    def infer_type(self, in_types, *, dtype=None, **attrs):
        return [], [dtype or "float32"]

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        return []


class FilledOp(CreationOp):
    """``_zeros``/``_ones``/``_full``: an array of ``shape`` holding one value."""

    def infer_shape(self, in_shapes, *, shape=None, **attrs):
        if shape is None:
            raise shape_error(self, "the attribute shape is required, e.g. "
                                    "shape=(2, 3)")
        if any(dim < 0 for dim in shape):
            raise shape_error(self, f"shape must not have negative sizes, got {shape}")
        # MXNet's 0 marks a dimension a graph infers from the consumers of this node
        return [], [tuple(None if dim == 0 else dim for dim in shape)]


@register_op
class Zeros(FilledOp):
    """An array of zeros (``mx.sym.zeros``)."""
    name = "_zeros"
    examples = [Example(shapes=[], attrs={"shape": (2, 3)}, grad=False,
                        reason=_CONSTANT)]

    def forward(self, xp, *, shape: Shape = (), ctx: CTX = None,
                dtype: Dtype = "float32"):
        return xp.zeros(tuple(shape), dtype=dtype or "float32")


@register_op
class Ones(FilledOp):
    """An array of ones (``mx.sym.ones``)."""
    name = "_ones"
    examples = [Example(shapes=[], attrs={"shape": (2, 3), "dtype": "int32"},
                        grad=False, reason=_CONSTANT)]

    def forward(self, xp, *, shape: Shape = (), ctx: CTX = None,
                dtype: Dtype = "float32"):
        return xp.ones(tuple(shape), dtype=dtype or "float32")


@register_op
class Full(FilledOp):
    """An array filled with ``value`` (``mx.sym.full``)."""
    name = "_full"
    examples = [Example(shapes=[], attrs={"shape": (2, 3), "value": 2.5},
                        grad=False, reason=_CONSTANT)]

    def forward(self, xp, *, shape: Shape = None, ctx: CTX = None,
                dtype: Dtype = "float32", value: Float):
        return xp.full(tuple(shape), value, dtype=dtype or "float32")


@register_op
class Arange(CreationOp):
    """Evenly spaced values ``start, start + step, ...`` below ``stop``, each repeated
    ``repeat`` times. With ``stop=None`` the range is ``[0, start)``, like Python's
    ``range(start)``. ``infer_range`` is accepted and, as in MXNet 1.9.1's
    ``nd.arange``, has no effect when ``stop`` is given.
    """
    name = "_arange"
    examples = [Example(shapes=[], attrs={"start": 1.0, "stop": 4.0, "step": 0.5,
                                          "repeat": 2}, grad=False, reason=_CONSTANT),
                Example(shapes=[], attrs={"start": 3.0, "dtype": "int32"},
                        grad=False, reason=_CONSTANT)]

    def _range(self, start, stop, step):
        """``(first value, step, count)``; raises for an empty or endless range."""
        if stop is None:
            start, stop = 0.0, start
        if step == 0:
            raise shape_error(self, "step must not be 0")
        if (stop - start) / step <= 0:
            raise shape_error(self, f"invalid range (start, stop, step) = ({start}, "
                                    f"{stop}, {step}): it holds no values")
        return start, step, int(math.ceil((stop - start) / step))

    def infer_shape(self, in_shapes, *, start, stop, step, repeat, infer_range,
                    **attrs):
        if stop is None and infer_range:
            raise shape_error(self, "infer_range=True without stop is not supported "
                                    "by dlkit; give stop")
        if repeat < 1:
            raise shape_error(self, f"repeat must be at least 1, got {repeat}")
        count = self._range(start, stop, step)[2]
        return [], [(count * repeat,)]

    def forward(self, xp, *, start: Float, stop: OptionalFloat = None,
                step: Float = 1.0, repeat: Int = 1, infer_range: Bool = False,
                ctx: CTX = None, dtype: Dtype = "float32"):
        first, step, count = self._range(start, stop, step)
        # computed in float64 then cast, so float32 ranges match MXNet's values
        values = first + step * xp.arange(count, dtype="float64")
        if repeat != 1:
            values = xp.repeat(values, repeat)
        return values.astype(dtype or "float32")


@register_op
class Linspace(CreationOp):
    """``num`` evenly spaced values from ``start`` to ``stop`` (included unless
    ``endpoint=False``)."""
    name = "_linspace"
    examples = [Example(shapes=[], attrs={"start": 0.0, "stop": 1.0, "num": 5},
                        grad=False, reason=_CONSTANT)]

    def infer_shape(self, in_shapes, *, num, **attrs):
        if num < 0:
            raise shape_error(self, f"num must not be negative, got {num}")
        return [], [(num,)]

    def forward(self, xp, *, start: Float, stop: Float,
                num: Int, endpoint: Bool = True, ctx: CTX = None,
                dtype: Dtype = "float32"):
        values = xp.linspace(start, stop, num, endpoint=endpoint, dtype="float64")
        return values.astype(dtype or "float32")


@register_op
class Eye(CreationOp):
    """An ``N x M`` matrix with ones on diagonal ``k`` (``M=0`` means ``M = N``;
    ``k > 0`` is above the main diagonal)."""
    name = "_eye"
    examples = [Example(shapes=[], attrs={"N": 3, "M": 4, "k": 1}, grad=False,
                        reason=_CONSTANT)]

    def infer_shape(self, in_shapes, *, N, M, **attrs):  # noqa: N803  (MXNet's names)
        if N < 0 or M < 0:
            raise shape_error(self, f"N and M must not be negative, got N={N}, M={M}")
        return [], [(N, M or N)]

    def forward(self, xp, *, N: Int, M: Int = 0, k: Int = 0,  # noqa: N803
                ctx: CTX = None, dtype: Dtype = "float32"):
        return xp.eye(N, M or N, k, dtype=dtype or "float32")
