"""``im2col`` and ``col2im`` as operators: every sliding window of an image copied
into a column, and columns summed back into an image::

    data (N, C, H, W) --im2col(kernel=(KH, KW))--> (N, C*KH*KW, L)   L windows
    (N, C*KH*KW, L) --col2im(output_size=(H, W), kernel=(KH, KW))--> (N, C, H, W)

Each op is the other's gradient. ``L`` is the output size of a ``Convolution`` with the
same ``kernel``, ``stride``, ``dilate`` and ``pad`` (``conv.py``), so
``weight.reshape(F, -1) @ im2col(data)`` is that convolution. Both are built on the
window view convolution uses (``windows.py``); convolution's own columns
(``im2col.py``) lie in memory differently, tuned for speed, while these keep MXNet's
row order.
"""
import math

from .conv import _conv_out_spatial
from .registry import Example, Op, Shape, known, register_op, shape_error
from .windows import (_add_windows, _check_data, _crop, _geometry, _pad, _padded,
                      _windows)


def _window_columns_order(ndim):
    """The axis order that swaps ``(N, C, *out, *kernel)`` and ``(N, C, *kernel,
    *out)`` (either way: swapping two blocks of ``ndim`` axes is its own inverse)."""
    return (0, 1) + tuple(range(2 + ndim, 2 + 2 * ndim)) + tuple(range(2, 2 + ndim))


def _im2col(xp, data, geometry, out_spatial):
    """``(N, C, *spatial)`` -> ``(N, C * prod(kernel), prod(out))``, channel-major
    rows: the strided window view of ``windows.py`` and one copy."""
    kernel, stride, dilate, pad = geometry
    canvas = _pad(xp, data, pad, pad, 0)
    windows = _windows(xp, canvas, kernel, stride, dilate, out_spatial)
    windows = windows.transpose(_window_columns_order(len(kernel)))
    columns = xp.empty(windows.shape, dtype=data.dtype)
    columns[...] = windows                  # the one copy (reshape might not copy)
    return columns.reshape(data.shape[0], -1, math.prod(out_spatial))


def _col2im(xp, columns, data_shape, geometry, out_spatial):
    """Add each column back where its window was read: the inverse layout of
    ``_im2col``, summing where windows overlap."""
    kernel, stride, dilate, pad = geometry
    shape = tuple(data_shape[:2]) + tuple(kernel) + tuple(out_spatial)
    windows = columns.reshape(shape).transpose(_window_columns_order(len(kernel)))
    canvas = xp.zeros(tuple(data_shape[:2]) + _padded(data_shape[2:], geometry),
                      dtype=columns.dtype)
    _add_windows(canvas, windows, stride, dilate)
    return xp.ascontiguousarray(_crop(canvas, pad, data_shape[2:]))


@register_op
class Im2col(Op):
    """Copy every sliding window of ``data`` ``(N, C, *spatial)`` into a column: the
    output ``(N, C * prod(kernel), L)`` has one column per window, L being the output
    size of a ``Convolution`` with the same ``kernel``, ``stride``, ``dilate`` and
    ``pad``. Rows run over channels, then kernel taps (row ``c * prod(kernel) + t``
    is channel c at tap t), so ``weight.reshape(F, -1) @ columns`` is a convolution.

    Built on the window view convolution uses (``windows.py``). Convolution's own
    columns (``im2col.py``) order rows by tap, then channel (faster for its col2im);
    this op keeps MXNet's order. The gradient is ``col2im``.
    """
    name = "im2col"
    examples = [Example(shapes=[(2, 2, 3, 4)],
                        attrs={"kernel": (2, 2), "stride": (1, 2), "pad": (0, 1)}),
                Example(shapes=[(1, 2, 7)], attrs={"kernel": (3,), "dilate": (2,)}),
                Example(shapes=[(1, 1, 3, 4, 3)], attrs={"kernel": (2, 2, 2),
                                                         "stride": (1, 2, 1)})]

    def infer_shape(self, in_shapes, *, kernel, stride, dilate, pad):
        geometry = _geometry(self, kernel, stride, dilate, pad)
        data = in_shapes[0]
        _check_data(self, data, len(kernel))
        if data is None:
            return [None], [None]
        out_spatial = _conv_out_spatial(self, data, geometry)
        rows = None if data[1] is None else data[1] * math.prod(kernel)
        columns = math.prod(out_spatial) if known(out_spatial) else None
        return [tuple(data)], [(data[0], rows, columns)]

    def forward(self, xp, data, *, kernel: Shape, stride: Shape = (),
                dilate: Shape = (), pad: Shape = ()):
        geometry = _geometry(self, kernel, stride, dilate, pad)
        out_spatial = _conv_out_spatial(self, data.shape, geometry)
        return _im2col(xp, data, geometry, out_spatial)

    def backward(self, xp, inputs, outputs, out_grads, *, kernel, stride, dilate, pad):
        data = inputs[0]
        geometry = _geometry(self, kernel, stride, dilate, pad)
        out_spatial = _conv_out_spatial(self, data.shape, geometry)
        return [_col2im(xp, out_grads[0], data.shape, geometry, out_spatial)]


@register_op
class Col2im(Op):
    """Sum columns ``(N, C * prod(kernel), L)`` back into an image ``(N, C,
    *output_size)``: each column is added where ``im2col`` would have read its
    window, so overlapping windows add up. Not the inverse of ``im2col`` but its
    gradient (and ``im2col`` is this op's gradient).
    """
    name = "col2im"
    examples = [Example(shapes=[(2, 8, 6)], attrs={"output_size": (3, 4),
                                                   "kernel": (2, 2)}),
                Example(shapes=[(1, 6, 4)], attrs={"output_size": (7,), "kernel": (3,),
                                                   "stride": (2,), "pad": (1,)})]

    def infer_shape(self, in_shapes, *, output_size, kernel, stride, dilate, pad):
        geometry = _geometry(self, kernel, stride, dilate, pad)
        if len(output_size) != len(kernel):
            raise shape_error(self, f"output_size={output_size} needs {len(kernel)} "
                                    f"entries, like kernel={kernel}")
        data = in_shapes[0]
        if data is None:
            return [None], [None]
        if len(data) != 3:
            raise shape_error(self, f"data has shape {tuple(data)}; col2im takes "
                                    "columns (batch, channels * prod(kernel), windows)")
        taps = math.prod(kernel)
        out_spatial = _conv_out_spatial(self, (None, None) + tuple(output_size),
                                        geometry)
        if data[1] is not None and data[1] % taps:
            raise shape_error(self, f"data {tuple(data)} has {data[1]} rows, not a "
                                    f"multiple of the {taps} taps of kernel={kernel}")
        if data[2] is not None and data[2] != math.prod(out_spatial):
            raise shape_error(self, f"data {tuple(data)} has {data[2]} columns, but "
                                    f"output_size={output_size} with these kernel, "
                                    f"stride, dilate and pad has {out_spatial} = "
                                    f"{math.prod(out_spatial)} windows")
        channels = None if data[1] is None else data[1] // taps
        return [tuple(data)], [(data[0], channels) + tuple(output_size)]

    def forward(self, xp, data, *, output_size: Shape, kernel: Shape,
                stride: Shape = (), dilate: Shape = (), pad: Shape = ()):
        geometry = _geometry(self, kernel, stride, dilate, pad)
        out_spatial = _conv_out_spatial(self, (None, None) + tuple(output_size),
                                        geometry)
        image_shape = (data.shape[0], data.shape[1] // math.prod(kernel),
                       *output_size)
        return _col2im(xp, data, image_shape, geometry, out_spatial)

    def backward(self, xp, inputs, outputs, out_grads, *, kernel, stride, dilate, pad,
                 **attrs):
        geometry = _geometry(self, kernel, stride, dilate, pad)
        out_grad = out_grads[0]
        out_spatial = _conv_out_spatial(self, out_grad.shape, geometry)
        return [_im2col(xp, out_grad, geometry, out_spatial)]
