"""Spatial resizing of images (``NCHW``) and volumes (``NCDHW``): ``Pad``,
``UpSampling`` and ``Crop``.

``Pad`` adds a border around the spatial axes. Each output position along an axis
reads one input position (or none, for a constant border), so padding is a linear map
per axis: a 0/1 matrix ``M`` of shape ``(padded size, size)``::

    mode='edge', size 3, pad (1, 2):      positions -1 0 1 2 3 4
                                          read       0 0 1 2 2 2

    forward   out = M @ x   (along that axis)
    backward  grad_x = M.T @ grad_out     (a border cell sends its gradient back to
                                           the input cell it copied)

``UpSampling`` with ``sample_type='nearest'`` repeats every pixel ``scale x scale``
times; its gradient sums each block of copies back into the pixel.
"""
from .registry import (Bool, Choice, Example, Float, Int, Op, Shape, known,
                       register_op, shape_error)


def _source_positions(xp, size, before, after, mode):
    """For each padded position along one axis, the input position it reads
    (out of range for a constant border)."""
    positions = xp.arange(-before, size + after)
    if mode == "edge":
        return xp.clip(positions, 0, size - 1)
    if mode == "reflect":
        # mirror at the first and last element, without repeating them
        positions = xp.abs(positions)
        return xp.where(positions >= size, 2 * (size - 1) - positions, positions)
    return positions


def _padding_matrix(xp, size, before, after, mode, dtype):
    """The ``(padded size, size)`` 0/1 matrix of one axis (see the module docstring)."""
    source = _source_positions(xp, size, before, after, mode)
    return (source[:, None] == xp.arange(size)[None, :]).astype(dtype)


@register_op
class Pad(Op):
    """Pad the spatial axes of a 4-D or 5-D array.

    ``pad_width`` holds ``(before, after)`` per axis, for every axis in order; the
    first four entries (batch and channel axes) must be 0, as in MXNet.
    ``mode='constant'`` fills with ``constant_value``, ``'edge'`` repeats the border
    values, ``'reflect'`` mirrors the array at its border (pads must then be smaller
    than the axis).
    """
    name = "Pad"
    aliases = ("pad",)
    examples = [Example(shapes=[(1, 2, 3, 3)], attrs={
        "mode": mode, "pad_width": (0, 0, 0, 0, 1, 2, 2, 1), "constant_value": 0.5})
        for mode in ("constant", "edge", "reflect")]
    examples += [Example(shapes=[(1, 1, 2, 3, 3)], attrs={
        "mode": "edge", "pad_width": (0, 0, 0, 0, 1, 0, 0, 1, 2, 2)})]

    def infer_shape(self, in_shapes, *, mode, pad_width, constant_value):
        data = in_shapes[0]
        if data is None:
            return [None], [None]
        if len(data) not in (4, 5):
            raise shape_error(self, f"data must be 4-D (NCHW) or 5-D (NCDHW), got "
                                    f"shape {data}")
        if len(pad_width) != 2 * len(data):
            raise shape_error(self, f"pad_width needs 2 entries per axis "
                                    f"({2 * len(data)} for data of shape {data}), got "
                                    f"{pad_width}")
        if any(pad_width[:4]):
            raise shape_error(self, f"padding of the batch and channel axes must be 0 "
                                    f"(the first four entries of pad_width), got "
                                    f"{pad_width}")
        if any(width < 0 for width in pad_width):
            raise shape_error(self, f"pad_width must not be negative, got {pad_width}")
        out = []
        for axis, size in enumerate(data):
            before, after = pad_width[2 * axis], pad_width[2 * axis + 1]
            if mode == "reflect" and size is not None and max(before, after) >= size:
                raise shape_error(self, f"reflect padding must be smaller than the "
                                        f"axis: axis {axis} has size {size}, pads "
                                        f"({before}, {after})")
            out.append(None if size is None else size + before + after)
        return [data], [tuple(out)]

    def forward(self, xp, data, *, mode: Choice("constant", "edge", "reflect"),
                pad_width: Shape, constant_value: Float = 0.0):
        widths = [(pad_width[2 * axis], pad_width[2 * axis + 1])
                  for axis in range(data.ndim)]
        if mode == "constant":
            return xp.pad(data, widths, mode="constant", constant_values=constant_value)
        return xp.pad(data, widths, mode=mode)

    def backward(self, xp, inputs, outputs, out_grads, *, mode, pad_width,
                 constant_value):
        data = inputs[0]
        grad = out_grads[0]
        for axis in range(2, data.ndim):
            before, after = pad_width[2 * axis], pad_width[2 * axis + 1]
            matrix = _padding_matrix(xp, data.shape[axis], before, after, mode,
                                     grad.dtype)
            moved = xp.tensordot(matrix.T, xp.moveaxis(grad, axis, 0), axes=1)
            grad = xp.moveaxis(moved, 0, axis)
        return [grad]


def _block_sum(xp, grad, height, width):
    """Sum ``grad`` (N, C, height * fh, width * fw) over each ``fh x fw`` block."""
    batch, channels, out_height, out_width = grad.shape
    blocks = grad.reshape(batch, channels, height, out_height // height, width,
                          out_width // width)
    return blocks.sum(axis=(3, 5))


@register_op
class UpSampling(Op):
    """Nearest-neighbour upsampling of one or more ``NCHW`` arrays.

    The first input is enlarged ``scale`` times; every other input by the factor
    that gives it the same height and width (the same factor for both). The results
    are joined on the channel axis (``multi_input_mode='concat'``) or added
    (``'sum'``, equal channels).
    ``num_filter`` and ``workspace`` only matter for bilinear sampling.

    Differs from MXNet: ``sample_type='bilinear'`` (a fixed-weight Deconvolution) is
    not supported; an MXNetError says so.
    """
    name = "UpSampling"
    examples = [Example(shapes=[(1, 2, 2, 3)],
                        attrs={"scale": 2, "sample_type": "nearest", "num_args": 1}),
                Example(shapes=[(2, 1, 2, 4), (2, 3, 1, 2)],
                        attrs={"scale": 2, "sample_type": "nearest", "num_args": 2}),
                Example(shapes=[(1, 2, 2, 2), (1, 2, 1, 1)],
                        attrs={"scale": 2, "sample_type": "nearest", "num_args": 2,
                               "multi_input_mode": "sum"})]

    def infer_shape(self, in_shapes, *, scale, sample_type, multi_input_mode,
                    **attrs):
        if sample_type != "nearest":
            raise shape_error(self, "sample_type='bilinear' is not supported by dlkit; "
                                    "use sample_type='nearest', or a Deconvolution "
                                    "with a bilinear weight")
        if scale < 1:
            raise shape_error(self, f"scale must be at least 1, got {scale}")
        if any(shape is None for shape in in_shapes):
            return list(in_shapes), [None]
        for index, shape in enumerate(in_shapes):
            if len(shape) != 4:
                raise shape_error(self, f"input arg{index} must be 4-D (batch, "
                                        f"channel, height, width), got shape {shape}")
        batch, channels, height, width = in_shapes[0]
        out_height, out_width = height * scale, width * scale
        for index, shape in enumerate(in_shapes):
            factor = out_height // shape[2]
            if shape[0] != batch or shape[2] * factor != out_height or \
                    shape[3] * factor != out_width:
                raise shape_error(self, f"input arg{index} of shape {shape} cannot be "
                                        f"upsampled to ({batch}, *, {out_height}, "
                                        f"{out_width}): the batch must match and one "
                                        "whole factor must enlarge both its height "
                                        "and width to those")
            if multi_input_mode == "sum" and shape[1] != channels:
                raise shape_error(self, "multi_input_mode='sum' needs equal channels, "
                                        f"got {[s[1] for s in in_shapes]}")
        if multi_input_mode == "concat":
            channels = sum(shape[1] for shape in in_shapes)
        return list(in_shapes), [(batch, channels, out_height, out_width)]

    def forward(self, xp, *data, scale: Int, num_filter: Int = 0,
                sample_type: Choice("bilinear", "nearest"),
                multi_input_mode: Choice("concat", "sum") = "concat", num_args: Int,
                workspace: Int = 512):
        out_height = data[0].shape[2] * scale
        factors = [out_height // x.shape[2] for x in data]
        enlarged = [x.repeat(factor, axis=2).repeat(factor, axis=3)
                    for x, factor in zip(data, factors)]
        if multi_input_mode == "sum":
            return sum(enlarged[1:], enlarged[0])
        return xp.concatenate(enlarged, axis=1)

    def backward(self, xp, inputs, outputs, out_grads, *, multi_input_mode, **attrs):
        grad = out_grads[0]
        in_grads, channel = [], 0
        for x in inputs:
            part = grad
            if multi_input_mode == "concat":
                part = grad[:, channel:channel + x.shape[1]]
                channel += x.shape[1]
            in_grads.append(_block_sum(xp, part, x.shape[2], x.shape[3]))
        return in_grads


@register_op
class Crop(Op):
    """Cut an ``(h, w)`` window out of the height and width of ``NCHW`` data (MXNet
    calls it deprecated: ``slice`` does the same).

    With one input the size is ``h_w``; with two (``num_args=2``) it is the height and
    width of the second input, ``crop_like``, whose values are never read. The window
    starts at ``offset`` ``(y, x)``, or in the centre with ``center_crop=True``
    (``offset`` is then ignored; the centre rounds down). The gradient puts the output
    gradient back into the window of a zero array; ``crop_like`` gets zeros.
    """
    name = "Crop"
    examples = [Example(shapes=[(1, 2, 5, 6)], attrs={"num_args": 1, "h_w": (2, 3),
                                                      "offset": (1, 2)}),
                Example(shapes=[(2, 1, 4, 5), (1, 3, 3, 2)],
                        attrs={"num_args": 2, "center_crop": True})]

    def infer_shape(self, in_shapes, *, num_args, offset, h_w, center_crop):
        if num_args not in (1, 2):
            raise shape_error(self, f"num_args={num_args}: Crop takes the data and "
                                    "optionally a crop_like array (1 or 2 inputs)")
        data = in_shapes[0]
        for index, shape in enumerate(in_shapes):
            if shape is not None and len(shape) != 4:
                raise shape_error(self, f"input {index} has shape {tuple(shape)}; Crop "
                                        "needs 4-D (batch, channel, height, width) "
                                        "arrays")
        if len(offset) != 2 or len(h_w) != 2:
            raise shape_error(self, f"offset={offset} and h_w={h_w} need two entries "
                                    "each: (y, x) and (height, width)")
        if num_args == 2:
            if in_shapes[1] is None:
                return list(in_shapes), [None]
            size = tuple(in_shapes[1][2:])
        elif min(h_w) < 1:
            raise shape_error(self, f"h_w={h_w}: with one input the crop size h_w "
                                    "must be given (both entries at least 1)")
        else:
            size = tuple(h_w)
        if data is None:
            return list(in_shapes), [None]
        if not known(data[2:]) or not known(size):
            return list(in_shapes), [tuple(data[:2]) + size]
        start = _crop_start(data[2:], size, offset, center_crop)
        for axis, name in enumerate(("height", "width")):
            if size[axis] > data[2 + axis] or start[axis] + size[axis] > data[2 + axis]:
                raise shape_error(self, f"a ({size[0]}, {size[1]}) window at offset "
                                        f"{tuple(start)} does not fit in data "
                                        f"{tuple(data)} (too large along its {name})")
        return list(in_shapes), [tuple(data[:2]) + size]

    def forward(self, xp, *data, num_args: Int, offset: Shape = (0, 0),
                h_w: Shape = (0, 0), center_crop: Bool = False):
        size = tuple(data[1].shape[2:]) if num_args == 2 else tuple(h_w)
        top, left = _crop_start(data[0].shape[2:], size, offset, center_crop)
        return data[0][:, :, top:top + size[0], left:left + size[1]].copy()

    def backward(self, xp, inputs, outputs, out_grads, *, offset, center_crop,
                 **attrs):
        data, out_grad = inputs[0], out_grads[0]
        size = out_grad.shape[2:]
        top, left = _crop_start(data.shape[2:], size, offset, center_crop)
        grad = xp.zeros_like(data)
        grad[:, :, top:top + size[0], left:left + size[1]] = out_grad
        return [grad] + [xp.zeros_like(like) for like in inputs[1:]]


def _crop_start(spatial, size, offset, center_crop):
    """Where Crop's window starts: ``offset``, or centred (rounding down)."""
    if center_crop:
        return tuple((whole - part) // 2 for whole, part in zip(spatial, size))
    return tuple(offset)
