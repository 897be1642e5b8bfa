"""Spatial-vision operators: sampling grids, bilinear sampling and correlation of
feature maps.

A *spatial transformer* (Jaderberg et al., 2015) warps an image in two steps::

    theta (N, 6) --GridGenerator--> grid (N, 2, H', W') --BilinearSampler--> out
    or flow (N, 2, H', W')          where to read each         data (N, C, H, W)
                                    output pixel               out  (N, C, H', W')

The grid holds, for every output pixel, the (x, y) position of the input pixel to
read, normalised so that -1 is the first pixel of an axis and +1 the last one.
Bilinear sampling reads the four pixels around that position and mixes them by
distance, so the output is differentiable in the data *and* in the position: the
gradient tells a network where to look. ``SpatialTransformer`` is both steps in one
op, built from the same helpers.

``Correlation`` compares patches of two feature maps (FlowNet's correlation layer).
Region-of-interest pooling (``ROIPooling``, ``ROIAlign``) is in ``roi.py``.

Differs from MXNet: ``GridGenerator`` accepts every float dtype (MXNet 1.9.1 runs it
on float32 only).
"""
import math

from .indexing import _scatter_add
from .registry import (Bool, Choice, Example, Int, Op, OptionalBool, Shape,
                       first_dtype, register_op, shape_error)


# --------------------------------------------------------------------------------------
# Grids: where each output pixel reads, in normalised coordinates.
# --------------------------------------------------------------------------------------
def _spacing(size):
    """Normalised distance between neighbouring pixels: ``size`` pixels span [-1, 1].
    A single pixel has none: MXNet divides by ``size - 1 = 0`` (NaN or inf follow)."""
    return 2.0 / (size - 1) if size > 1 else math.inf


def _positions(xp, size):
    """Normalised coordinates of ``size`` pixels, ``i * spacing - 1``. MXNet's single
    pixel sits at ``0 * inf``: NaN."""
    if size == 1:
        return xp.full(1, math.nan)
    return xp.arange(size) * _spacing(size) - 1


def _affine_source(xp, height, width, dtype):
    """The ``(3, height * width)`` matrix of target pixels ``(x, y, 1)``, row-major."""
    xs, ys = _positions(xp, width), _positions(xp, height)
    ones = xp.ones(height * width)
    return xp.stack([xp.tile(xs, height), xp.repeat(ys, width), ones]).astype(dtype)


def _affine_grid(xp, theta, height, width):
    """``grid[n, :, i, j] = A_n @ (x_j, y_i, 1)`` with ``A_n = theta[n]`` as 2 x 3."""
    source = _affine_source(xp, height, width, theta.dtype)
    grid = theta.reshape(-1, 2, 3) @ source
    return grid.reshape(-1, 2, height, width)


def _affine_grid_grad(xp, grid_grad, height, width):
    """The gradient of ``theta``: the affine map is linear in ``theta``, so
    ``d theta = d grid @ source.T``."""
    source = _affine_source(xp, height, width, grid_grad.dtype)
    return (grid_grad.reshape(-1, 2, height * width) @ source.T).reshape(-1, 6)


def _flow_scale(xp, height, width, dtype):
    """Per-channel factor from pixels to normalised units, shape (1, 2, 1, 1)."""
    return xp.asarray([_spacing(width), _spacing(height)],
                      dtype=dtype).reshape(1, 2, 1, 1)


def _warp_grid(xp, flow):
    """Pixel ``(x, y)`` moved by ``flow`` and normalised: ``(x + flow_x) * 2 / (W -
    1) - 1`` (and the same for y)."""
    height, width = flow.shape[2:]
    pixels = xp.stack([xp.tile(xp.arange(width), (height, 1)),
                       xp.tile(xp.arange(height)[:, None], (1, width))])
    return (flow + pixels.astype(flow.dtype)) * _flow_scale(xp, height, width,
                                                            flow.dtype) - 1


def _check_grid(op, data, grid, grid_name):
    """Shape rule of bilinear sampling: data (N, C, H, W), grid (N, 2, H', W')."""
    if data is not None and len(data) != 4:
        raise shape_error(op, f"data must be 4-D (batch, channel, height, width), "
                              f"got shape {data}")
    if grid is None or data is None:
        return None
    batches = (grid[0], data[0])
    if len(grid) != 4 or grid[1] not in (2, None) or (
            None not in batches and batches[0] != batches[1]):
        raise shape_error(op, f"{grid_name} of shape {grid} does not fit data of shape "
                              f"{data}: it must be ({data[0]}, 2, height, width), one "
                              "(x, y) pair per output pixel")
    return tuple(data[:2]) + tuple(grid[2:])


@register_op
class GridGenerator(Op):
    """The sampling grid of a spatial transformer, for ``BilinearSampler``.

    ``transform_type='affine'``: ``data`` holds one affine matrix per sample, shape
    (N, 6) read as 2 x 3; output pixel (x, y) of ``target_shape = (H, W)`` (in
    normalised coordinates) reads from ``A @ (x, y, 1)``.
    ``transform_type='warp'``: ``data`` is an optical flow (N, 2, H, W) in pixels;
    each pixel reads from itself moved by the flow, normalised to [-1, 1].
    Both maps are linear, so their gradient is the transposed map.
    Differs from MXNet: float64 data is accepted (MXNet 1.9.1 takes float32 only).
    """
    name = "GridGenerator"
    examples = [Example(shapes=[(2, 6)],
                        attrs={"transform_type": "affine", "target_shape": (3, 4)}),
                Example(shapes=[(2, 2, 3, 4)], attrs={"transform_type": "warp"})]

    def infer_shape(self, in_shapes, *, transform_type, target_shape):
        data = in_shapes[0]
        if transform_type == "affine":
            if len(target_shape) != 2 or min(target_shape) < 1:
                raise shape_error(self, f"transform_type='affine' needs target_shape="
                                        f"(height, width), both >= 1, got "
                                        f"{target_shape}")
            if data is not None and (len(data) != 2 or data[1] not in (6, None)):
                raise shape_error(self, f"affine data must have shape (batch, 6), one "
                                        f"2 x 3 matrix per sample, got {data}")
            batch = data[0] if data is not None else None
            return [(batch, 6)], [(batch, 2) + tuple(target_shape)]
        if data is not None and (len(data) != 4 or data[1] not in (2, None)):
            raise shape_error(self, f"warp data must be an optical flow of shape "
                                    f"(batch, 2, height, width), got {data}")
        return [data], [data]

    def forward(self, xp, data, *, transform_type: Choice("affine", "warp"),
                target_shape: Shape = (0, 0)):
        if transform_type == "affine":
            return _affine_grid(xp, data, *target_shape)
        return _warp_grid(xp, data)

    def backward(self, xp, inputs, outputs, out_grads, *, transform_type,
                 target_shape):
        grad = out_grads[0]
        if transform_type == "affine":
            return [_affine_grid_grad(xp, grad, *target_shape)]
        return [grad * _flow_scale(xp, *grad.shape[2:], grad.dtype)]


# --------------------------------------------------------------------------------------
# Bilinear sampling.
# --------------------------------------------------------------------------------------
def _corners(xp, data, grid):
    """Top-left neighbour ``(top, left)`` of every sampling position and the
    fractions ``(fy, fx)`` past it, all (N, H', W')."""
    height, width = data.shape[2:]
    x = (grid[:, 0] + 1) * ((width - 1) / 2)      # normalised -> pixel coordinates
    y = (grid[:, 1] + 1) * ((height - 1) / 2)
    left = xp.floor(x)
    top = xp.floor(y)
    return top.astype("int64"), left.astype("int64"), y - top, x - left


def _neighbours(fy, fx):
    """The four neighbours as ``(row offset, column offset, weight)``: the nearer a
    neighbour, the larger its weight; the weights sum to 1."""
    return [(0, 0, (1 - fy) * (1 - fx)), (0, 1, (1 - fy) * fx),
            (1, 0, fy * (1 - fx)), (1, 1, fy * fx)]


def _flat_index(xp, data, rows, cols):
    """``(inside, flat)``: which positions lie in the image, and their row-major index
    (clipped into the image), shaped (N, 1, H' * W') to index every channel."""
    height, width = data.shape[2:]
    inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    flat = xp.clip(rows, 0, height - 1) * width + xp.clip(cols, 0, width - 1)
    return inside[:, None], flat.reshape(flat.shape[0], 1, -1)


def _read(xp, data, rows, cols):
    """``data[n, :, rows, cols]`` as (N, C, H', W'); 0 outside the image (MXNet pads
    the border with zeros)."""
    batch, channels = data.shape[:2]
    inside, flat = _flat_index(xp, data, rows, cols)
    index = xp.broadcast_to(flat, (batch, channels, flat.shape[2]))
    values = xp.take_along_axis(data.reshape(batch, channels, -1), index, axis=2)
    return xp.where(inside, values.reshape((batch, channels) + rows.shape[1:]), 0)


def _add_into(xp, grad, rows, cols, values):
    """``grad[n, :, rows, cols] += values`` (the transpose of ``_read``): positions
    outside the image are dropped, repeated positions add up."""
    batch, channels = grad.shape[:2]
    inside, flat = _flat_index(xp, grad, rows, cols)
    values = xp.where(inside, values, 0).reshape(batch, channels, -1)
    index = (xp.arange(batch)[:, None, None], xp.arange(channels)[None, :, None], flat)
    _scatter_add(xp, grad.reshape(batch, channels, -1), index, values)


def _bilinear_sample(xp, data, grid):
    """``out[n, c, i, j]``: ``data[n, c]`` read at ``grid[n, :, i, j]`` by weighting
    the four neighbours."""
    top, left, fy, fx = _corners(xp, data, grid)
    out = xp.zeros(data.shape[:2] + grid.shape[2:], dtype=data.dtype)
    for down, right, weight in _neighbours(fy, fx):
        out += weight[:, None] * _read(xp, data, top + down, left + right)
    return out


def _bilinear_sample_grad(xp, data, grid, out_grad):
    """Gradients of ``data`` (each neighbour gets ``out_grad * weight``) and of
    ``grid`` (how the mix changes as the position moves, through the pixel scale)."""
    height, width = data.shape[2:]
    top, left, fy, fx = _corners(xp, data, grid)
    data_grad = xp.zeros_like(data)
    seen = {}        # (down, right) -> sum over channels of out_grad * neighbour value
    for down, right, weight in _neighbours(fy, fx):
        _add_into(xp, data_grad, top + down, left + right, out_grad * weight[:, None])
        seen[down, right] = (out_grad * _read(xp, data, top + down, left + right)).sum(
            axis=1)
    # d out / d fx and d out / d fy of the bilinear mix; x = (gx + 1) * (W - 1) / 2
    grad_x = (1 - fy) * (seen[0, 1] - seen[0, 0]) + fy * (seen[1, 1] - seen[1, 0])
    grad_y = (1 - fx) * (seen[1, 0] - seen[0, 0]) + fx * (seen[1, 1] - seen[0, 1])
    grid_grad = xp.stack([grad_x * ((width - 1) / 2), grad_y * ((height - 1) / 2)],
                         axis=1)
    return data_grad, grid_grad.astype(grid.dtype, copy=False)


@register_op
class BilinearSampler(Op):
    """Sample ``data`` (N, C, H, W) at the positions of ``grid`` (N, 2, H', W').

    ``grid[n, 0]`` holds x and ``grid[n, 1]`` holds y, in [-1, 1] (from
    ``GridGenerator``). Each output is the distance-weighted mix of the four input
    pixels around its position; pixels outside the image count as 0. The output has
    shape (N, C, H', W'). ``cudnn_off`` only picks MXNet's GPU kernel.
    """
    name = "BilinearSampler"
    examples = [Example(shapes=[(2, 3, 4, 5), (2, 2, 3, 2)], low=-1.2, high=1.2)]
    infer_type = first_dtype

    def infer_shape(self, in_shapes, **attrs):
        data, grid = in_shapes
        return [data, grid], [_check_grid(self, data, grid, "grid")]

    def forward(self, xp, data, grid, *, cudnn_off: OptionalBool = None):
        return _bilinear_sample(xp, data, grid)

    def backward(self, xp, inputs, outputs, out_grads, *, cudnn_off):
        return list(_bilinear_sample_grad(xp, *inputs, out_grads[0]))


@register_op
class SpatialTransformer(Op):
    """Affine spatial transformer: ``BilinearSampler(data, GridGenerator(loc,
    'affine', target_shape))`` in one op (the same helpers, so the same numbers).

    ``loc`` (N, 6) is the output of a localisation network; initialise it to the
    identity ``(1, 0, 0, 0, 1, 0)``. The output is (N, C, *target_shape). Its
    gradient chains the two steps: sampler gradient to the grid, then to ``loc``.
    """
    name = "SpatialTransformer"
    examples = [Example(shapes=[(2, 3, 4, 5), (2, 6)],
                        attrs={"target_shape": (3, 4), "transform_type": "affine",
                               "sampler_type": "bilinear"})]
    infer_type = first_dtype

    def infer_shape(self, in_shapes, *, target_shape, **attrs):
        data, loc = in_shapes
        if len(target_shape) != 2 or min(target_shape) < 1:
            raise shape_error(self, f"target_shape must be (height, width), both >= 1, "
                                    f"got {target_shape}")
        if loc is not None and (len(loc) != 2 or loc[1] not in (6, None)):
            raise shape_error(self, f"loc must have shape (batch, 6), one 2 x 3 affine "
                                    f"matrix per sample, got {loc}")
        if data is None:
            return [data, loc], [None]
        grid = (data[0], 2) + tuple(target_shape)
        return [data, (data[0], 6)], [_check_grid(self, data, grid, "grid")]

    def forward(self, xp, data, loc, *, target_shape: Shape = (0, 0),
                transform_type: Choice("affine"), sampler_type: Choice("bilinear"),
                cudnn_off: OptionalBool = None):
        return _bilinear_sample(xp, data, _affine_grid(xp, loc, *target_shape))

    def backward(self, xp, inputs, outputs, out_grads, *, target_shape, **attrs):
        data, loc = inputs
        grid = _affine_grid(xp, loc, *target_shape)
        data_grad, grid_grad = _bilinear_sample_grad(xp, data, grid, out_grads[0])
        return [data_grad, _affine_grid_grad(xp, grid_grad, *target_shape)]


# --------------------------------------------------------------------------------------
# Correlation.
# --------------------------------------------------------------------------------------
def _correlation_geometry(op, shape, kernel_size, max_displacement, stride1, stride2,
                          pad_size):
    """``(displacements, out_height, out_width)``: the (dy, dx) compared per output
    channel, row by row, and the number of patch centres per axis."""
    if kernel_size < 1 or kernel_size % 2 == 0:
        raise shape_error(op, f"kernel_size must be an odd number, got {kernel_size}")
    if stride1 < 1 or stride2 < 1:
        raise shape_error(op, f"stride1 and stride2 must be >= 1, got {stride1} and "
                              f"{stride2}")
    border = max_displacement + (kernel_size - 1) // 2
    sizes = [-(-(size + 2 * pad_size - 2 * border) // stride1) for size in shape[2:]]
    if min(sizes) < 1:
        raise shape_error(op, f"the neighbourhood and kernel do not fit in data of "
                              f"shape {tuple(shape)}: a border of max_displacement + "
                              f"kernel_size // 2 = {border} on each side leaves no "
                              f"patch centre; increase pad_size")
    radius = max_displacement // stride2
    steps = [(step - radius) * stride2 for step in range(2 * radius + 1)]
    return [(dy, dx) for dy in steps for dx in steps], sizes[0], sizes[1]


def _padded(xp, data1, data2, pad_size):
    """Both inputs with ``pad_size`` zeros around their height and width."""
    widths = ((0, 0), (0, 0), (pad_size, pad_size), (pad_size, pad_size))
    return xp.pad(data1, widths), xp.pad(data2, widths)


def _patch_pairs(shape, kernel_size, max_displacement, stride1, displacements):
    """For each output channel and each kernel tap: the output channel, and the
    strided windows of padded ``data1`` and ``data2`` the tap compares, one window
    cell per output position."""
    out_height, out_width = shape

    def window(start, count):
        return slice(start, start + (count - 1) * stride1 + 1, stride1)

    for channel, (dy, dx) in enumerate(displacements):
        for row in range(kernel_size):
            for col in range(kernel_size):
                top = max_displacement + row
                left = max_displacement + col
                first = (Ellipsis, window(top, out_height), window(left, out_width))
                second = (Ellipsis, window(top + dy, out_height),
                          window(left + dx, out_width))
                yield channel, first, second


@register_op
class Correlation(Op):
    """Compare every patch of ``data1`` with the patches of ``data2`` around it
    (FlowNet). Output channel ``q`` holds displacement ``(dy, dx)``, row-major over
    ``-d..d`` in steps of ``stride2`` (``d = max_displacement``); output pixel (i, j)
    is the patch of ``data1`` at ``(i, j) * stride1 + d`` (top-left, in the data
    padded by ``pad_size`` zeros)::

        out[n, q, i, j] = sum over channels and kernel taps of
                          data1(patch) * data2(patch + (dy, dx))       is_multiply
                          |data1(patch) - data2(patch + (dy, dx))|     otherwise
                          divided by kernel_size ** 2 * channels

    Each output channel is a sum of shifted products, so the gradient sends the
    output gradient back through the same windows (the sign of the difference for
    ``is_multiply=False``; +1 where the two are equal, as in MXNet).

    Differs from MXNet: data1 and data2 must have the same shape (MXNet does not
    check and reads past the smaller one).
    """
    name = "Correlation"
    examples = [Example(shapes=[(1, 2, 5, 6), (1, 2, 5, 6)]),
                Example(shapes=[(2, 2, 5, 5), (2, 2, 5, 5)],
                        attrs={"kernel_size": 3, "max_displacement": 2, "stride1": 2,
                               "stride2": 2, "pad_size": 2}),
                Example(shapes=[(1, 2, 4, 4), (1, 2, 4, 4)],
                        attrs={"is_multiply": False, "pad_size": 1})]
    infer_type = first_dtype

    def infer_shape(self, in_shapes, *, kernel_size, max_displacement, stride1,
                    stride2, pad_size, is_multiply):
        data1, data2 = in_shapes
        data = data1 if data1 is not None else data2
        if data is None:
            return [data1, data2], [None]
        if len(data) != 4 or (data1 is not None and data2 is not None and
                              tuple(data1) != tuple(data2)):
            raise shape_error(self, f"data1 and data2 must be 4-D (batch, channel, "
                                    f"height, width) of the same shape, got {data1} "
                                    f"and {data2}")
        displacements, out_height, out_width = _correlation_geometry(
            self, data, kernel_size, max_displacement, stride1, stride2, pad_size)
        return [data, data], [(data[0], len(displacements), out_height, out_width)]

    def forward(self, xp, data1, data2, *, kernel_size: Int = 1,
                max_displacement: Int = 1, stride1: Int = 1, stride2: Int = 1,
                pad_size: Int = 0, is_multiply: Bool = True):
        displacements, out_height, out_width = _correlation_geometry(
            self, data1.shape, kernel_size, max_displacement, stride1, stride2,
            pad_size)
        first, second = _padded(xp, data1, data2, pad_size)
        out = xp.zeros((data1.shape[0], len(displacements), out_height, out_width),
                       dtype=data1.dtype)
        for channel, window1, window2 in _patch_pairs(
                (out_height, out_width), kernel_size, max_displacement, stride1,
                displacements):
            if is_multiply:
                compared = first[window1] * second[window2]
            else:
                compared = xp.abs(first[window1] - second[window2])
            out[:, channel] += compared.sum(axis=1)
        return out / (kernel_size ** 2 * data1.shape[1])

    def backward(self, xp, inputs, outputs, out_grads, *, kernel_size,
                 max_displacement, stride1, stride2, pad_size, is_multiply):
        data1, data2 = inputs
        first, second = _padded(xp, data1, data2, pad_size)
        first_grad, second_grad = xp.zeros_like(first), xp.zeros_like(second)
        out_grad = out_grads[0] / (kernel_size ** 2 * data1.shape[1])
        displacements, _, _ = _correlation_geometry(
            self, data1.shape, kernel_size, max_displacement, stride1, stride2,
            pad_size)
        for channel, window1, window2 in _patch_pairs(
                out_grad.shape[2:], kernel_size, max_displacement, stride1,
                displacements):
            grad = out_grad[:, channel:channel + 1]
            if is_multiply:
                first_grad[window1] += grad * second[window2]
                second_grad[window2] += grad * first[window1]
            else:
                sign = xp.where(first[window1] >= second[window2], grad, -grad)
                first_grad[window1] += sign
                second_grad[window2] -= sign
        height, width = data1.shape[2:]
        inner = (Ellipsis, slice(pad_size, pad_size + height),
                 slice(pad_size, pad_size + width))
        return [first_grad[inner], second_grad[inner]]
