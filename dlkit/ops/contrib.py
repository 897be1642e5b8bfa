"""The ``contrib`` operators: what MXNet files as ``_contrib_*`` and shows as
``mx.nd.contrib.X`` / ``mx.sym.contrib.X`` (``dlkit/ndarray/contrib.py`` builds that
namespace from these registered names).

Four groups, in this order:

* resizing images (``NCHW``): ``BilinearResize2D``, ``AdaptiveAvgPooling2D``;
* selecting and building arrays: ``boolean_mask``, ``index_copy``, ``index_array``,
  ``arange_like``, plus the element-wise ``div_sqrt_dim``, ``quadratic``, ``allclose``;
* boxes for object detection: ``box_iou``, ``box_nms``, ``bipartite_matching``;
* a detection layer: ``ROIAlign``.

Both resizers and ``ROIAlign`` are *separable* linear maps: each output row mixes input
rows with fixed weights, and each output column mixes input columns. So they are two
small matrices, one per axis, and the gradient uses their transposes::

    forward   out  = Mh @ x @ Mw.T     Mh: (out height, height), Mw: (out width, width)
    backward  grad = Mh.T @ g @ Mw       (each input pixel collects what it gave)

The box operators make discrete choices (which box survives, which pair matches), so
their outputs are piecewise constant in the box coordinates: ``box_iou`` and
``bipartite_matching`` pass zero gradients, as MXNet does, and ``box_nms`` moves each
kept row's gradient back to the row it came from.
"""
import math

import numpy as np

from .registry import (REQUIRED, Bool, Choice, Example, Float, Int, Op, Optional,
                       OptionalFloat, OptionalInt, Shape, Str, check_float, first_dtype,
                       known, register_op, same_dtype, same_shape, shape_error)
from .shape import _axis, _unknown
from .sort import _stable_argsort


def _four_d(op, shape, what="data"):
    """Reject anything but an ``NCHW`` shape, naming the shape."""
    if len(shape) != 4:
        raise shape_error(op, f"{what} must be 4-D (batch, channel, height, width), "
                              f"got shape {tuple(shape)}")


def _resize_2d(xp, data, rows, columns):
    """``rows @ data @ columns.T`` over the last two axes: the separable linear map."""
    return xp.matmul(xp.matmul(rows, data), columns.T)


# --------------------------------------------------------------------------------------
# Resizing images: BilinearResize2D, AdaptiveAvgPooling2D.
# --------------------------------------------------------------------------------------
def _bilinear_matrix(xp, in_size, out_size, align_corners, dtype):
    """The ``(out_size, in_size)`` weights of bilinear interpolation along one axis.

    Output position ``d`` reads the input at ``s = d * (in - 1) / (out - 1)``
    (``align_corners``: the first and last pixels line up) or at
    ``s = (d + 0.5) * in / out - 0.5`` clipped at 0 (pixel centres line up), and mixes
    the two neighbours ``floor(s)`` and ``floor(s) + 1`` by distance. As in MXNet, an
    output of size 1 reads position 0 in both conventions.
    """
    positions = np.arange(out_size, dtype=np.float64)
    if out_size > 1 and align_corners:
        source = positions * ((in_size - 1) / (out_size - 1))
    elif out_size > 1:
        source = np.maximum((positions + 0.5) * (in_size / out_size) - 0.5, 0.0)
    else:
        source = positions * 0.0
    low = np.minimum(np.floor(source).astype(np.int64), in_size - 1)
    high = np.minimum(low + 1, in_size - 1)
    fraction = source - low
    matrix = np.zeros((out_size, in_size))
    np.add.at(matrix, (np.arange(out_size), low), 1 - fraction)
    np.add.at(matrix, (np.arange(out_size), high), fraction)
    return xp.asarray(matrix.astype(dtype))


@register_op
class BilinearResize2D(Op):
    """Resize ``NCHW`` images by bilinear interpolation.

    The output size comes from ``mode``: ``'size'`` gives ``(height, width)``, or
    ``int(H * scale_height), int(W * scale_width)`` when ``scale_height`` is given;
    ``'odd_scale'`` scales an odd side as ``(side - 1) * scale + 1``; ``'like'`` takes
    the height and width of the second input ``like``; ``'to_even_down'``,
    ``'to_even_up'``, ``'to_odd_down'`` and ``'to_odd_up'`` move each side to the
    nearest even or odd size. ``align_corners=True`` (MXNet's default) lines up the
    corner pixels of input and output. The gradient is the transposed interpolation;
    ``like`` gets zeros.
    """
    name = "_contrib_BilinearResize2D"
    examples = [Example(shapes=[(2, 1, 3, 4)], attrs={"height": 5, "width": 6}),
                Example(shapes=[(1, 2, 4, 3)], attrs={"height": 3, "width": 5,
                                                      "align_corners": False}),
                Example(shapes=[(1, 1, 3, 4)], attrs={"mode": "odd_scale",
                                                      "scale_height": 2.0,
                                                      "scale_width": 0.5}),
                Example(shapes=[(1, 1, 3, 4), (2, 3, 5, 2)], attrs={"mode": "like"})]

    def list_inputs(self, attrs):
        return ["data", "like"] if attrs["mode"] == "like" else ["data"]

    def _out_size(self, height, width, like, attrs):
        """The output ``(height, width)`` for input sides ``height, width``."""
        mode = attrs["mode"]
        scale_height, scale_width = attrs["scale_height"], attrs["scale_width"]
        if mode == "like":
            return like[2], like[3]
        if mode.startswith("to_"):
            return _to_parity(height, mode), _to_parity(width, mode)
        if mode == "size" and scale_height is None:
            return attrs["height"], attrs["width"]
        if scale_height is None or scale_width is None:
            raise shape_error(self, f"mode={mode!r} needs both scale_height and "
                                    f"scale_width, got {scale_height} and "
                                    f"{scale_width}")
        if mode == "size":
            return int(height * scale_height), int(width * scale_width)
        return _odd_scale(height, scale_height), _odd_scale(width, scale_width)

    def infer_shape(self, in_shapes, **attrs):
        if attrs["height"] < 1 or attrs["width"] < 1:
            raise shape_error(self, f"height and width must be at least 1, got "
                                    f"{attrs['height']} and {attrs['width']}")
        if not all(known(shape) for shape in in_shapes):
            return _unknown(self, in_shapes)
        _four_d(self, in_shapes[0])
        like = in_shapes[1] if attrs["mode"] == "like" else None
        if like is not None:
            _four_d(self, like, "like")
        batch, channels, height, width = in_shapes[0]
        return list(in_shapes), [(batch, channels,
                                  *self._out_size(height, width, like, attrs))]

    def _matrices(self, xp, data, like, attrs):
        height, width = data.shape[2:]
        like_shape = None if like is None else like.shape
        out_height, out_width = self._out_size(height, width, like_shape, attrs)
        align = attrs["align_corners"]
        return (_bilinear_matrix(xp, height, out_height, align, data.dtype),
                _bilinear_matrix(xp, width, out_width, align, data.dtype))

    def forward(self, xp, data, like=None, *, height: Int = 1, width: Int = 1,
                scale_height: OptionalFloat = None, scale_width: OptionalFloat = None,
                mode: Choice("like", "odd_scale", "size", "to_even_down", "to_even_up",
                             "to_odd_down", "to_odd_up") = "size",
                align_corners: Bool = True):
        check_float(self, data.dtype)
        attrs = dict(height=height, width=width, scale_height=scale_height,
                     scale_width=scale_width, mode=mode, align_corners=align_corners)
        rows, columns = self._matrices(xp, data, like, attrs)
        return _resize_2d(xp, data, rows, columns)

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        data = inputs[0]
        like = inputs[1] if len(inputs) > 1 else None
        rows, columns = self._matrices(xp, data, like, attrs)
        grad = xp.matmul(xp.matmul(rows.T, out_grads[0]), columns)
        if like is None:
            return [grad]
        return [grad, xp.zeros_like(like)]


def _odd_scale(side, scale):
    """``mode='odd_scale'``: an odd side keeps its end pixels on the grid,
    ``(side - 1) * scale + 1``; an even side is simply scaled."""
    if side % 2:
        return int((side - 1) * scale + 1)
    return int(side * scale)


def _to_parity(side, mode):
    """``side`` moved to the nearest even or odd size, down or up (``mode``)."""
    wants_even = mode.startswith("to_even")
    if (side % 2 == 0) == wants_even:
        return side
    return side - 1 if mode.endswith("down") else side + 1


def _pooling_matrix(xp, in_size, out_size, dtype):
    """The ``(out_size, in_size)`` averaging weights of adaptive pooling along one axis:
    output ``i`` averages inputs ``floor(i * in / out)`` to ``ceil((i + 1) * in / out)``
    (exclusive), so the bins cover the input and may overlap."""
    matrix = np.zeros((out_size, in_size))
    for index in range(out_size):
        start = (index * in_size) // out_size
        end = -((-(index + 1) * in_size) // out_size)   # ceiling division
        matrix[index, start:end] = 1.0 / (end - start)
    return xp.asarray(matrix.astype(dtype))


@register_op
class AdaptiveAvgPooling2D(Op):
    """Average pooling of ``NCHW`` data to a fixed ``output_size``: one int ``s`` for
    ``(s, s)``, a pair ``(height, width)``, or ``()`` (the default) for ``(1, 1)``.
    Kernel and stride follow from the sizes (see ``_pooling_matrix``); the gradient
    spreads each output gradient evenly over its bin.

    Differs from MXNet: an ``output_size`` of three or more numbers is an error (MXNet
    silently pools to ``(1, 1)``).
    """
    name = "_contrib_AdaptiveAvgPooling2D"
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3, 5, 7)], attrs={"output_size": (2, 3)}),
                Example(shapes=[(1, 2, 3, 4)], attrs={"output_size": 5}),
                Example(shapes=[(1, 1, 4, 4)])]

    def _out_size(self, output_size):
        if len(output_size) > 2 or any(size < 0 for size in output_size):
            raise shape_error(self, "output_size must be () for (1, 1), one size or a "
                                    f"(height, width) pair of sizes >= 0, got "
                                    f"{output_size}")
        if not output_size:
            return 1, 1
        return output_size[0], output_size[-1]

    def infer_shape(self, in_shapes, *, output_size):
        out_height, out_width = self._out_size(output_size)
        if not known(in_shapes[0]):
            return _unknown(self, in_shapes)
        _four_d(self, in_shapes[0])
        return list(in_shapes), [tuple(in_shapes[0][:2]) + (out_height, out_width)]

    def _matrices(self, xp, data, output_size):
        out_height, out_width = self._out_size(output_size)
        return (_pooling_matrix(xp, data.shape[2], out_height, data.dtype),
                _pooling_matrix(xp, data.shape[3], out_width, data.dtype))

    def forward(self, xp, data, *, output_size: Shape = ()):
        check_float(self, data.dtype)
        rows, columns = self._matrices(xp, data, output_size)
        return _resize_2d(xp, data, rows, columns)

    def backward(self, xp, inputs, outputs, out_grads, *, output_size):
        rows, columns = self._matrices(xp, inputs[0], output_size)
        return [xp.matmul(xp.matmul(rows.T, out_grads[0]), columns)]


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


class _ZeroGradient:
    """Mixin: outputs built from shapes and positions only; every input gets zeros."""
    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        return [xp.zeros_like(x) for x in inputs]


@register_op
class IndexArray(_ZeroGradient, Op):
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
class ArangeLike(_ZeroGradient, Op):
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


# --------------------------------------------------------------------------------------
# Boxes: box_iou, box_nms, bipartite_matching.
# --------------------------------------------------------------------------------------
BOX_FORMAT = Choice("center", "corner")


def _corners(xp, boxes, box_format):
    """Boxes ``(..., 4)`` as corners ``[xmin, ymin, xmax, ymax]``; ``'center'`` boxes
    are ``[x, y, width, height]``."""
    if box_format == "corner":
        return boxes
    center, half = boxes[..., :2], boxes[..., 2:] / 2
    return xp.concatenate([center - half, center + half], axis=-1)


def _centers(xp, corners):
    """Corner boxes ``(..., 4)`` as ``[x, y, width, height]``."""
    low, high = corners[..., :2], corners[..., 2:]
    return xp.concatenate([(low + high) / 2, high - low], axis=-1)


def _pairwise_iou(xp, lhs, rhs):
    """Intersection over union of every corner box in ``lhs (n, 4)`` with every one in
    ``rhs (m, 4)``: ``(n, m)``. An empty intersection (or an inverted box) gives 0,
    and so does an empty union."""
    low = xp.maximum(lhs[:, None, :2], rhs[None, :, :2])
    high = xp.minimum(lhs[:, None, 2:], rhs[None, :, 2:])
    sides = xp.maximum(high - low, 0)
    intersection = sides[..., 0] * sides[..., 1]
    area_lhs = (lhs[:, 2] - lhs[:, 0]) * (lhs[:, 3] - lhs[:, 1])
    area_rhs = (rhs[:, 2] - rhs[:, 0]) * (rhs[:, 3] - rhs[:, 1])
    union = area_lhs[:, None] + area_rhs[None, :] - intersection
    safe = xp.where(union > 0, union, 1)
    return xp.where(union > 0, intersection / safe, 0).astype(lhs.dtype)


@register_op
class BoxIoU(_ZeroGradient, Op):
    """Intersection over union of every box in ``lhs (..., 4)`` with every box in
    ``rhs (..., 4)``; the output shape is ``lhs.shape[:-1] + rhs.shape[:-1]``.
    ``format`` says how a box is written: ``'corner'`` ``[xmin, ymin, xmax, ymax]``
    or ``'center'`` ``[x, y, width, height]``. Zero gradients, as in MXNet."""
    name = "_contrib_box_iou"
    examples = [Example(shapes=[(3, 4), (2, 4)], grad=False,
                        values={"lhs": [[0.5, 0.5, 1.0, 1.0], [0.0, 0.0, 0.5, 0.5],
                                        [0.1, 0.2, 0.9, 0.6]],
                                "rhs": [[0.25, 0.25, 0.75, 0.75], [0, 0, 1, 1]]},
                        reason="zero gradient by definition (as in MXNet)"),
                Example(shapes=[(2, 1, 4), (3, 4)], attrs={"format": "center"},
                        low=0.2, high=1.0, grad=False,
                        reason="zero gradient by definition (as in MXNet)")]

    def infer_shape(self, in_shapes, *, format):
        if not all(known(shape) for shape in in_shapes):
            return _unknown(self, in_shapes)
        for name, shape in zip(("lhs", "rhs"), in_shapes):
            if len(shape) < 2 or shape[-1] != 4:
                raise shape_error(self, f"{name} must have at least 2 dimensions and 4 "
                                        f"numbers per box (..., 4), got {tuple(shape)}")
        lhs, rhs = in_shapes
        return list(in_shapes), [tuple(lhs[:-1]) + tuple(rhs[:-1])]

    def forward(self, xp, lhs, rhs, *, format: BOX_FORMAT = "corner"):
        check_float(self, lhs.dtype)
        overlaps = _pairwise_iou(xp, _corners(xp, lhs.reshape(-1, 4), format),
                                 _corners(xp, rhs.reshape(-1, 4), format))
        return overlaps.reshape(lhs.shape[:-1] + rhs.shape[:-1])


@register_op
class BoxNMS(Op):
    """Non-maximum suppression of boxes in ``data (..., n, k)``: per batch, ``n`` rows
    of ``k`` numbers, by default ``[id, score, xmin, ymin, xmax, ymax, ...]``.

    For each batch: keep rows whose score (column ``score_index``) is above
    ``valid_thresh`` and, with ``id_index >= 0``, whose class is not ``background_id``;
    sort them by score, highest first (ties keep their order); keep the ``topk`` best
    (``-1``: all); then walk down the list and drop every later box whose IoU with a
    kept box is above ``overlap_thresh`` (only boxes of the same class unless
    ``force_suppress`` or ``id_index < 0``). The kept rows come first, in score order,
    coordinates written in ``out_format``; the other rows are filled with -1.

    ``topk=0`` returns the input unchanged, as MXNet does. The gradient of each kept
    row goes back to the row it came from (a hidden output remembers which);
    dropped rows get zeros. As in MXNet it is copied as is, even where
    ``out_format`` differs from ``in_format`` (so it ignores that conversion).
    """
    name = "_contrib_box_nms"
    aliases = ("_contrib_box_non_maximum_suppression",)
    examples = [Example(shapes=[(4, 6)], attrs={"overlap_thresh": 0.1, "id_index": 0,
                                                "force_suppress": True},
                        values={"data": [[0, 0.5, 0.1, 0.1, 0.2, 0.2],
                                         [1, 0.4, 0.1, 0.1, 0.2, 0.2],
                                         [0, 0.3, 0.1, 0.1, 0.14, 0.14],
                                         [2, 0.6, 0.5, 0.5, 0.7, 0.8]]}),
                Example(shapes=[(2, 5, 6)], low=0.0, high=1.0, attrs={"topk": 4})]

    def num_outputs(self, attrs):
        return 2

    def num_visible_outputs(self, attrs):
        return 1

    def list_outputs(self, attrs):
        return ["output0"]   # MXNet's name: the hidden index output is output1

    def _check_columns(self, width, attrs):
        coord_start, score_index = attrs["coord_start"], attrs["score_index"]
        id_index = attrs["id_index"]
        if not 0 <= coord_start <= width - 4:
            raise shape_error(self, f"coord_start={coord_start}: the 4 coordinates "
                                    f"must fit in the {width} numbers of a box")
        if not 0 <= score_index < width or \
                coord_start <= score_index < coord_start + 4:
            raise shape_error(self, f"score_index={score_index} must be a column in "
                                    f"[0, {width}) outside the coordinates "
                                    f"{coord_start}..{coord_start + 3}")
        if id_index >= width or id_index == score_index or \
                coord_start <= id_index < coord_start + 4:
            raise shape_error(self, f"id_index={id_index} must be -1 or a column in "
                                    f"[0, {width}) apart from the score and the "
                                    "coordinates")

    def infer_shape(self, in_shapes, **attrs):
        data = in_shapes[0]
        if not known(data):
            return _unknown(self, in_shapes, 2)
        if len(data) < 2:
            raise shape_error(self, "data must have at least 2 dimensions (..., boxes, "
                                    f"numbers per box), got {tuple(data)}")
        self._check_columns(data[-1], attrs)
        return list(in_shapes), [tuple(data), tuple(data[:-1])]

    def infer_type(self, in_types, **attrs):
        return list(in_types), [in_types[0], "int64"]

    def forward(self, xp, data, *, overlap_thresh: Float = 0.5,
                valid_thresh: Float = 0.0, topk: Int = -1, coord_start: Int = 2,
                score_index: Int = 1, id_index: Int = -1, background_id: Int = -1,
                force_suppress: Bool = False, in_format: BOX_FORMAT = "corner",
                out_format: BOX_FORMAT = "corner"):
        check_float(self, data.dtype)
        boxes = data.reshape((-1,) + data.shape[-2:])
        if topk == 0:
            sources = xp.broadcast_to(xp.arange(boxes.shape[1]), boxes.shape[:2])
            return data.copy(), sources.reshape(data.shape[:-1]).astype(xp.int64)
        result = xp.full(boxes.shape, -1, dtype=data.dtype)
        sources = xp.full(boxes.shape[:2], -1, dtype=xp.int64)
        coords = slice(coord_start, coord_start + 4)
        for batch, rows in enumerate(boxes):
            kept = self._survivors(xp, rows, overlap_thresh, valid_thresh, topk,
                                   coords, score_index, id_index, background_id,
                                   force_suppress, in_format)
            count = len(kept)
            result[batch, :count] = rows[kept]
            sources[batch, :count] = kept
            if in_format != out_format:
                corners = _corners(xp, rows[kept, coords], in_format)
                result[batch, :count, coords] = _centers(xp, corners) \
                    if out_format == "center" else corners
        return result.reshape(data.shape), sources.reshape(data.shape[:-1])

    def _survivors(self, xp, rows, overlap_thresh, valid_thresh, topk, coords,
                   score_index, id_index, background_id, force_suppress, in_format):
        """The row numbers kept in one batch, best score first (see the docstring)."""
        scores = rows[:, score_index]
        valid = scores > valid_thresh
        if id_index >= 0:
            valid &= rows[:, id_index] != background_id
        candidates = xp.nonzero(valid)[0]
        order = candidates[_stable_argsort(xp, scores[candidates], 0, False)]
        if topk > 0:
            order = order[:topk]
        corners = _corners(xp, rows[order, coords], in_format)
        overlaps = _pairwise_iou(xp, corners, corners) > overlap_thresh
        if id_index >= 0 and not force_suppress:
            classes = rows[order, id_index]
            overlaps &= classes[:, None] == classes[None, :]
        suppressed = np.zeros(len(order), dtype=bool)
        overlaps = np.asarray(overlaps.tolist(), dtype=bool)   # the walk runs on host
        for position in range(len(order)):
            if not suppressed[position]:   # a kept box drops the later ones it covers
                suppressed[position + 1:] |= overlaps[position][position + 1:]
        return order[xp.asarray(~suppressed)]

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        data = inputs[0]
        sources = outputs[1].reshape(-1, data.shape[-2])
        grad = out_grads[0].reshape(sources.shape + data.shape[-1:])
        result = xp.zeros(grad.shape, grad.dtype)
        batches, rows = xp.nonzero(sources >= 0)
        result[batches, sources[batches, rows]] = grad[batches, rows]
        return [result.reshape(data.shape)]


@register_op
class BipartiteMatching(_ZeroGradient, Op):
    """Greedy matching of rows to columns of a score matrix ``data (..., N, M)``.

    Take the best remaining score (highest; lowest with ``is_ascend``) whose row and
    column are both free, match them, repeat; stop when the best free score is below
    ``threshold`` (above it with ``is_ascend``). Returns the matched column of every
    row ``(..., N)`` and the matched row of every column ``(..., M)``, -1 where none,
    in ``data``'s dtype. Zero gradient, as in MXNet.

    ``topk > 0`` limits the number of matches, and as in MXNet 1.9.1 it stops only
    once the count *exceeds* ``topk``: ``topk=1`` gives two matches.
    """
    name = "_contrib_bipartite_matching"
    examples = [Example(shapes=[(3, 2)], attrs={"threshold": 1e-12}, grad=False,
                        values={"data": [[0.5, 0.6], [0.1, 0.2], [0.3, 0.4]]},
                        reason="indices are piecewise constant"),
                Example(shapes=[(2, 4, 3)], attrs={"threshold": 0.5, "is_ascend": True,
                                                   "topk": 1},
                        grad=False, low=0.0, high=1.0,
                        reason="indices are piecewise constant")]

    def num_outputs(self, attrs):
        return 2

    def infer_shape(self, in_shapes, **attrs):
        data = in_shapes[0]
        if not known(data):
            return _unknown(self, in_shapes, 2)
        if len(data) < 2:
            raise shape_error(self, "data must be a score matrix (..., N, M) with at "
                                    f"least 2 dimensions, got {tuple(data)}")
        return list(in_shapes), [tuple(data[:-1]), tuple(data[:-2]) + (data[-1],)]

    def forward(self, xp, data, *, is_ascend: Bool = False, threshold: Float = REQUIRED,
                topk: Int = -1):
        rows, columns = data.shape[-2:]
        scores = data.reshape(-1, rows, columns).astype(xp.float64)
        if not is_ascend:   # match the highest scores: the same as lowest of -scores
            scores, threshold = -scores, -threshold
        row_match = xp.full(scores.shape[:2], -1, dtype=data.dtype)
        column_match = xp.full((scores.shape[0], columns), -1, dtype=data.dtype)
        for batch, matrix in enumerate(scores):
            free = matrix.copy()
            for count in range(1, min(rows, columns) + 1):
                best = int(xp.argmin(free))    # first of equal scores, row by row
                row, column = divmod(best, columns)
                if not free[row, column] <= threshold:
                    break
                row_match[batch, row] = column
                column_match[batch, column] = row
                free[row, :] = xp.inf
                free[:, column] = xp.inf
                if 0 < topk < count:
                    break
        return (row_match.reshape(data.shape[:-1]),
                column_match.reshape(data.shape[:-2] + (columns,)))


# --------------------------------------------------------------------------------------
# Detection layers: ROIAlign.
# --------------------------------------------------------------------------------------
def _roi_axis_weights(start, length, bins, samples, size):
    """ROIAlign's ``(bins, size)`` weights along one axis of one region.

    Bin ``p`` averages ``samples`` points ``start + (p + (k + 0.5) / samples) * length /
    bins``; each point mixes its two neighbouring pixels by distance. A point more
    than one pixel outside the map adds nothing; one just outside reads the border.
    """
    matrix = np.zeros((bins, size))
    if samples == 0:
        return matrix
    offsets = (np.arange(samples) + 0.5) / samples
    points = start + (np.arange(bins)[:, None] + offsets[None, :]) * (length / bins)
    inside = (points >= -1.0) & (points <= size)
    points = np.maximum(points, 0.0)
    low = np.minimum(points.astype(np.int64), size - 1)
    high = np.minimum(low + 1, size - 1)
    fraction = np.where(low >= size - 1, 0.0, points - low)
    weight = inside / samples
    rows = np.repeat(np.arange(bins), samples).reshape(bins, samples)
    np.add.at(matrix, (rows, low), weight * (1 - fraction))
    np.add.at(matrix, (rows, high), weight * fraction)
    return matrix


@register_op
class ROIAlign(Op):
    """Pool each region of interest of a feature map to ``pooled_size`` bins without
    rounding (Mask R-CNN).

    ``data`` is ``(N, C, H, W)``; each row of ``rois`` is ``[batch index, x1, y1, x2,
    y2]`` in image coordinates, scaled to the map by ``spatial_scale``. Each bin
    averages ``sample_ratio x sample_ratio`` bilinearly interpolated points
    (``-1``: ``ceil(bin size)`` points per side). ``aligned=True`` shifts by half a
    pixel (Detectron2); otherwise a region is at least one pixel wide. With
    ``position_sensitive`` (R-FCN) bin ``(i, j)`` of output channel ``c`` reads input
    channel ``(c * ph + i) * pw + j``. A row whose batch index is negative gives
    zeros. The output is ``(R, C, ph, pw)`` (``C / (ph * pw)`` channels when position
    sensitive). The bilinear points are separable, so each region is
    ``Wy @ data[b] @ Wx.T``; the data gradient uses the transposes, ``rois`` gets
    zeros (as in MXNet).
    """
    name = "_contrib_ROIAlign"
    examples = [Example(shapes=[(2, 2, 5, 6), (3, 5)],
                        attrs={"pooled_size": (2, 3), "spatial_scale": 1.0},
                        values={"rois": [[0, 0.5, 1.0, 4.2, 3.3], [1, 2, 0, 5, 4],
                                         [0, 1, 1, 1.2, 1.1]]}),
                Example(shapes=[(1, 8, 4, 4), (2, 5)],
                        attrs={"pooled_size": (2, 2), "spatial_scale": 0.5,
                               "sample_ratio": 2, "position_sensitive": True,
                               "aligned": True},
                        values={"rois": [[0, 0, 0, 6, 6], [-1, 1, 1, 3, 3]]})]

    def infer_shape(self, in_shapes, *, pooled_size, spatial_scale, sample_ratio,
                    position_sensitive, aligned):
        if len(pooled_size) != 2:
            raise shape_error(self, f"pooled_size must be (height, width), got "
                                    f"{pooled_size}")
        data, rois = in_shapes
        if not known(data) or not known(rois):
            return _unknown(self, in_shapes)
        _four_d(self, data)
        if len(rois) != 2 or rois[1] != 5:
            raise shape_error(self, "rois must be (regions, 5) rows of [batch index, "
                                    f"x1, y1, x2, y2], got {tuple(rois)}")
        channels = data[1]
        if position_sensitive:
            bins = pooled_size[0] * pooled_size[1]
            if channels % bins:
                raise shape_error(self, f"position_sensitive needs channels divisible "
                                        f"by ph * pw = {bins}, got {channels}")
            channels //= bins
        return list(in_shapes), [(rois[0], channels) + tuple(pooled_size)]

    def infer_type(self, in_types, **attrs):
        return list(in_types), [in_types[0]]

    def _regions(self, xp, data, rois, attrs):
        """``(region index, batch, Wy, Wx)`` for every region with a batch >= 0."""
        height, width = data.shape[2:]
        pooled_height, pooled_width = attrs["pooled_size"]
        offset = 0.5 if attrs["aligned"] else 0.0
        for index, row in enumerate(rois.tolist()):
            batch = int(row[0])
            if batch < 0:
                continue
            x1, y1, x2, y2 = (value * attrs["spatial_scale"] - offset
                              for value in row[1:])
            region_width, region_height = x2 - x1, y2 - y1
            if not attrs["aligned"]:
                region_width = max(region_width, 1.0)
                region_height = max(region_height, 1.0)
            ratio = attrs["sample_ratio"]
            samples_y = ratio if ratio > 0 else math.ceil(region_height / pooled_height)
            samples_x = ratio if ratio > 0 else math.ceil(region_width / pooled_width)
            rows = _roi_axis_weights(y1, region_height, pooled_height, samples_y,
                                     height)
            columns = _roi_axis_weights(x1, region_width, pooled_width, samples_x,
                                        width)
            yield (index, batch, xp.asarray(rows.astype(data.dtype)),
                   xp.asarray(columns.astype(data.dtype)))

    def _channel_picks(self, xp, channels, pooled_size):
        """Position-sensitive reading: input channel of each (c, i, j) output cell."""
        pooled_height, pooled_width = pooled_size
        out_channels = channels // (pooled_height * pooled_width)
        c, i, j = xp.indices((out_channels, pooled_height, pooled_width))
        return (c * pooled_height + i) * pooled_width + j, i, j

    def forward(self, xp, data, rois, *, pooled_size: Shape,
                spatial_scale: Float, sample_ratio: Int = -1,
                position_sensitive: Bool = False, aligned: Bool = False):
        check_float(self, data.dtype)
        attrs = dict(pooled_size=pooled_size, spatial_scale=spatial_scale,
                     sample_ratio=sample_ratio, aligned=aligned)
        channels = data.shape[1]
        if position_sensitive:
            picks = self._channel_picks(xp, channels, pooled_size)
            channels = picks[0].shape[0]
        result = xp.zeros((rois.shape[0], channels) + tuple(pooled_size), data.dtype)
        for index, batch, rows, columns in self._regions(xp, data, rois, attrs):
            pooled = _resize_2d(xp, data[batch], rows, columns)
            result[index] = pooled[picks] if position_sensitive else pooled
        return result

    def backward(self, xp, inputs, outputs, out_grads, *, pooled_size, spatial_scale,
                 sample_ratio, position_sensitive, aligned):
        data, rois = inputs
        attrs = dict(pooled_size=pooled_size, spatial_scale=spatial_scale,
                     sample_ratio=sample_ratio, aligned=aligned)
        grad = xp.zeros_like(data)
        for index, batch, rows, columns in self._regions(xp, data, rois, attrs):
            region_grad = out_grads[0][index]
            if position_sensitive:
                picks = self._channel_picks(xp, data.shape[1], pooled_size)
                full = xp.zeros((data.shape[1],) + tuple(pooled_size), grad.dtype)
                full[picks] = region_grad
                region_grad = full
            grad[batch] += xp.matmul(xp.matmul(rows.T, region_grad), columns)
        return [grad, xp.zeros_like(rois)]
