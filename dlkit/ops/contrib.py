"""Array helpers among the ``contrib`` operators: what MXNet files as ``_contrib_*``
and shows as ``mx.nd.contrib.X`` / ``mx.sym.contrib.X`` (``dlkit/ndarray/contrib.py``
builds that namespace from the registered names).

Two groups, in this order:

* selecting and building arrays: ``boolean_mask``, ``index_copy``, ``index_array``,
  ``arange_like``;
* element-wise: ``div_sqrt_dim``, ``quadratic``, ``allclose``.

The other ``contrib`` operators live with their topic: resizing images
(``BilinearResize2D``, ``AdaptiveAvgPooling2D``) in ``resize.py``; boxes for object
detection (``box_iou``, ``box_nms``, ``bipartite_matching``) in ``boxes.py``;
``ROIAlign`` with ``ROIPooling`` in ``roi.py``.
"""
import math

import numpy as np

from .registry import (Bool, Example, Float, Int, Op, Optional, OptionalInt, Shape, Str,
                       first_dtype, known, register_op, same_dtype, same_shape,
                       shape_error)
from .shape import _AllZeroGrad, _axis, _unknown


# --------------------------------------------------------------------------------------
# Selecting and building arrays: boolean_mask, index_copy, index_array, arange_like.
# --------------------------------------------------------------------------------------
@register_op
class BooleanMask(Op):
    """The rows of ``data`` (slices along axis 0) where ``index`` is non-zero: a 1-D
    ``index`` of length ``data.shape[0]`` selects rows, so the output length depends on
    the values (``infer_shape`` leaves it unknown, ``None``). The gradient goes back to
    the selected rows; ``index`` gets zeros.

    As in MXNet 1.9.1 only ``axis=0`` is supported; other axes raise an error.
    """
    name = "_contrib_boolean_mask"
    infer_type = first_dtype
    examples = [Example(shapes=[(4, 3), (4,)], values={"index": [0, 1, 0, 1]}),
                Example(shapes=[(3, 2, 2), (3,)], values={"index": [1, 1, 0]})]

    def infer_shape(self, in_shapes, *, axis):
        if axis != 0:
            raise shape_error(self, f"axis={axis} is not supported (MXNet 1.9.1 masks "
                                    "axis 0 only); move the axis first with "
                                    "swapaxes or transpose")
        data, index = in_shapes
        if not known(data) or not known(index):
            return _unknown(self, in_shapes)
        if len(index) != 1 or index[0] != data[0]:
            raise shape_error(self, "index must be 1-D with one value per row of "
                                    f"data: data has shape {tuple(data)}, index "
                                    f"{tuple(index)}")
        return list(in_shapes), [(None,) + tuple(data[1:])]

    def forward(self, xp, data, index, *, axis: Int = 0):
        return data[index != 0]

    def backward(self, xp, inputs, outputs, out_grads, *, axis):
        data, index = inputs
        grad = xp.zeros(data.shape, out_grads[0].dtype)
        grad[index != 0] = out_grads[0]
        return [grad, xp.zeros_like(index)]


@register_op
class IndexCopy(Op):
    """A copy of ``old_tensor`` whose rows ``index_vector[i]`` are replaced by the rows
    ``new_tensor[i]`` (index values are truncated to ints; for a repeated index the
    last row wins). Gradients: ``old_tensor`` gets the output gradient with the
    replaced rows zeroed, ``new_tensor`` the gradient rows it was copied to,
    ``index_vector`` zeros.

    Differs from MXNet: an index outside ``[0, old rows)`` is an error (MXNet writes
    out of bounds or skips it).
    """
    name = "_contrib_index_copy"
    examples = [Example(shapes=[(5, 3), (3,), (3, 3)],
                        values={"index_vector": [0, 4, 2]}),
                Example(shapes=[(4,), (2,), (2,)], values={"index_vector": [3, 1]})]

    def infer_shape(self, in_shapes, **attrs):
        old, index, new = in_shapes
        if not (known(old) and known(index) and known(new)):
            return _unknown(self, in_shapes)
        if len(index) != 1 or index[0] != new[0]:
            raise shape_error(self, "index_vector must be 1-D with one index per row "
                                    f"of new_tensor: got index_vector {tuple(index)} "
                                    f"and new_tensor {tuple(new)}")
        if len(old) != len(new) or tuple(old[1:]) != tuple(new[1:]) or old[0] < new[0]:
            raise shape_error(self, f"new_tensor {tuple(new)} does not fit old_tensor "
                                    f"{tuple(old)}: rows must have the same shape and "
                                    "old_tensor needs at least as many rows")
        return list(in_shapes), [tuple(old)]

    def infer_type(self, in_types, **attrs):
        old, index, new = in_types
        if old is not None and new is not None and np.dtype(old) != np.dtype(new):
            raise shape_error(self, f"old_tensor ({old}) and new_tensor ({new}) must "
                                    "have the same dtype")
        return list(in_types), [old if old is not None else new]

    def _rows(self, xp, index, length):
        rows = index.astype(xp.int64)
        if bool(((rows < 0) | (rows >= length)).any()):
            raise shape_error(self, f"index_vector {rows.tolist()} has a value outside "
                                    f"[0, {length}), the rows of old_tensor")
        return rows

    def forward(self, xp, old_tensor, index_vector, new_tensor):
        self.infer_type([old_tensor.dtype, None, new_tensor.dtype])
        result = old_tensor.copy()
        result[self._rows(xp, index_vector, old_tensor.shape[0])] = new_tensor
        return result

    def backward(self, xp, inputs, outputs, out_grads):
        old, index, new = inputs
        rows = self._rows(xp, index, old.shape[0])
        old_grad = out_grads[0].copy()
        old_grad[rows] = 0
        return [old_grad, xp.zeros_like(index), out_grads[0][rows]]


@register_op
class IndexArray(_AllZeroGrad, Op):
    """The index of every element: for ``data`` of shape ``(d1, ..., dn)`` an int64
    array of shape ``(d1, ..., dn, n)`` with ``out[i1, ..., in, :] = [i1, ..., in]``.
    ``axes`` keeps only those positions, in that order (negative values count from
    the end). Only the shape of ``data`` is read, so its gradient is zero.
    """
    name = "_contrib_index_array"
    examples = [Example(shapes=[(2, 3)], grad=False, reason="an integer output"),
                Example(shapes=[(3, 2, 2)], attrs={"axes": (1, -3)}, grad=False,
                        reason="an integer output")]

    def _axes(self, ndim, axes):
        if axes is None:
            return list(range(ndim))
        return [_axis(self, axis, ndim, "axes") for axis in axes]

    def infer_shape(self, in_shapes, *, axes):
        data = in_shapes[0]
        if data is None:
            return _unknown(self, in_shapes)
        return list(in_shapes), [tuple(data) + (len(self._axes(len(data), axes)),)]

    def infer_type(self, in_types, **attrs):
        return list(in_types), ["int64"]

    def forward(self, xp, data, *, axes: Optional(Shape) = None):
        positions = xp.indices(data.shape, dtype=xp.int64)
        chosen = [positions[axis] for axis in self._axes(data.ndim, axes)]
        if not chosen:
            return xp.zeros(data.shape + (0,), xp.int64)
        return xp.stack(chosen, axis=-1)


@register_op
class ArangeLike(_AllZeroGrad, Op):
    """Evenly spaced values shaped like ``data`` (or, with ``axis``, a 1-D array as long
    as that axis): ``start + (i // repeat) * step`` for the ``i``-th element, in
    ``data``'s dtype. As in MXNet, ``start`` and ``step`` are first converted to that
    dtype (an int32 ``data`` with ``start=0.5`` starts at 0). ``ctx`` is accepted for
    MXNet compatibility; the output lives where ``data`` does. Only the shape of
    ``data`` is read, so its gradient is zero.

    Differs from MXNet: float16 gives the values (MXNet 1.9.1 returns zeros).
    """
    name = "_contrib_arange_like"
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3)], grad=False, reason="values from the shape"),
                Example(shapes=[(2, 3)], attrs={"start": 1.5, "step": 0.5,
                                                "repeat": 2, "axis": -1},
                        grad=False, reason="values from the shape")]

    def infer_shape(self, in_shapes, *, start, step, repeat, ctx, axis):
        if repeat < 1:
            raise shape_error(self, f"repeat must be at least 1, got {repeat}")
        data = in_shapes[0]
        if not known(data):
            return _unknown(self, in_shapes)
        if axis is None:
            return list(in_shapes), [tuple(data)]
        return list(in_shapes), [(data[_axis(self, axis, len(data))],)]

    def forward(self, xp, data, *, start: Float = 0.0, step: Float = 1.0,
                repeat: Int = 1, ctx: Str = "", axis: OptionalInt = None):
        shape = data.shape if axis is None else (data.shape[axis],)
        count = math.prod(shape)
        if data.dtype.kind == "f":
            first, spacing = np.asarray([start, step]).astype(data.dtype)
        else:    # C casts: truncate, then wrap into the integer type
            first, spacing = np.asarray([int(start), int(step)]).astype(data.dtype)
        steps = (xp.arange(count) // repeat).astype(data.dtype)
        return (first + steps * spacing).astype(data.dtype).reshape(shape)


# --------------------------------------------------------------------------------------
# Element-wise: div_sqrt_dim, quadratic, allclose.
# --------------------------------------------------------------------------------------
def _truncate_to(xp, values, dtype):
    """Float ``values`` as integer ``dtype`` the way C converts: truncate toward zero,
    then wrap (``-3.3`` becomes ``-3``, which is 253 as uint8)."""
    return xp.trunc(values).astype(xp.int64).astype(dtype)


@register_op
class DivSqrtDim(Op):
    """``data / sqrt(d)`` with ``d = data.shape[-1]``: the scaling of attention scores
    in a Transformer. For integer data MXNet divides by ``int(sqrt(d))`` and
    truncates, and so does dlkit."""
    name = "_contrib_div_sqrt_dim"
    infer_shape, infer_type = same_shape, same_dtype
    examples = [Example(shapes=[(2, 4)]), Example(shapes=[(3, 2, 5)])]

    def forward(self, xp, data):
        root = math.sqrt(data.shape[-1])
        if data.dtype.kind == "f":
            return data / data.dtype.type(root)
        return _truncate_to(xp, data / int(root), data.dtype)

    def backward(self, xp, inputs, outputs, out_grads):
        data = inputs[0]
        return [out_grads[0] / data.dtype.type(math.sqrt(data.shape[-1]))]


@register_op
class Quadratic(Op):
    """Element-wise ``a * x^2 + b * x + c``; its gradient is ``2 * a * x + b`` times
    the output gradient. Integer data is computed in floating point and truncated
    (as in MXNet)."""
    name = "_contrib_quadratic"
    infer_shape, infer_type = same_shape, same_dtype
    examples = [Example(shapes=[(2, 3)], attrs={"a": 1.5, "b": -2.0, "c": 0.5})]

    def forward(self, xp, data, *, a: Float = 0.0, b: Float = 0.0, c: Float = 0.0):
        if data.dtype.kind == "f":
            return a * data * data + b * data + c
        values = data.astype(xp.float64)
        return _truncate_to(xp, a * values * values + b * values + c, data.dtype)

    def backward(self, xp, inputs, outputs, out_grads, *, a, b, c):
        return [out_grads[0] * (2 * a * inputs[0] + b)]


@register_op
class AllClose(Op):
    """1 (uint8, shape ``()``) if every element satisfies
    ``|a - b| <= atol + rtol * |b|``, else 0: NumPy's ``allclose`` for two arrays of
    the same shape and dtype. Equal values (infinities included) count as close;
    ``equal_nan`` (default True, unlike NumPy) treats NaN as equal to NaN. Not
    differentiable, as in MXNet."""
    name = "_contrib_allclose"
    examples = [Example(shapes=[(2, 3), (2, 3)], grad=False,
                        reason="a yes/no answer is not differentiable")]

    def infer_shape(self, in_shapes, **attrs):
        a, b = in_shapes
        if known(a) and known(b) and tuple(a) != tuple(b):
            raise shape_error(self, f"a and b must have the same shape, got {tuple(a)} "
                                    f"and {tuple(b)}")
        return list(in_shapes), [()]

    def infer_type(self, in_types, **attrs):
        a, b = in_types
        if a is not None and b is not None and np.dtype(a) != np.dtype(b):
            raise shape_error(self, f"a ({a}) and b ({b}) must have the same dtype; "
                                    "convert one with astype")
        return list(in_types), ["uint8"]

    def forward(self, xp, a, b, *, rtol: Float = 1e-5, atol: Float = 1e-8,
                equal_nan: Bool = True):
        self.infer_type([a.dtype, b.dtype])
        with np.errstate(invalid="ignore"):   # inf - inf is NaN: close only if equal
            close = (a == b) | (xp.abs(a - b) <= atol + rtol * xp.abs(b))
        if equal_nan:
            close = close | (xp.isnan(a) & xp.isnan(b))
        return xp.asarray(close.all(), dtype=xp.uint8)
