"""Resizing images (``NCHW``) to a given size: ``BilinearResize2D`` and
``AdaptiveAvgPooling2D`` (MXNet's ``_contrib_*`` operators, shown as
``mx.nd.contrib.X``).

Both are *separable* linear maps: each output row mixes input rows with fixed weights,
and each output column mixes input columns. So they are two small matrices, one per
axis, and the gradient uses their transposes::

    forward   out  = Mh @ x @ Mw.T     Mh: (out height, height), Mw: (out width, width)
    backward  grad = Mh.T @ g @ Mw       (each input pixel collects what it gave)

``ROIAlign`` (``roi.py``) pools regions of interest with the same two-matrix map.
"""
import numpy as np

from .registry import (Bool, Choice, Example, Int, Op, OptionalFloat, Shape,
                       check_float, known, register_op, same_dtype, shape_error)
from .shape import _unknown


def _four_d(op, shape, what="data"):
    """Reject anything but an ``NCHW`` shape, naming the shape."""
    if len(shape) != 4:
        raise shape_error(op, f"{what} must be 4-D (batch, channel, height, width), "
                              f"got shape {tuple(shape)}")


def _resize_2d(xp, data, rows, columns):
    """``rows @ data @ columns.T`` over the last two axes: the separable linear map."""
    return xp.matmul(xp.matmul(rows, data), columns.T)


def _resize_2d_grad(xp, out_grad, rows, columns):
    """The gradient of ``_resize_2d``: the transposed map ``rows.T @ g @ columns``."""
    return _resize_2d(xp, out_grad, rows.T, columns.T)


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
        grad = _resize_2d_grad(xp, out_grads[0], rows, columns)
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
        return [_resize_2d_grad(xp, out_grads[0], rows, columns)]
