"""Regions of interest: pool each box of a feature map into a fixed grid of bins, one
small map per box (the step between a detector's proposals and its classifier)::

    data (N, C, H, W) + rois (R, 5) rows [batch index, x1, y1, x2, y2]
        --ROIPooling / ROIAlign--> (R, C, PH, PW)

``ROIPooling`` (Fast R-CNN) rounds each box to whole pixels and takes the maximum of
each bin; its gradient goes to the maxima. ``_contrib_ROIAlign`` (Mask R-CNN) does not
round: each bin averages bilinearly interpolated points, a separable linear map like
the resizers' (``resize.py``), so its gradient uses the transposed weights. Neither
passes a gradient to ``rois``.
"""
import math

import numpy as np

from .elemwise import _round_half_away
from .indexing import _scatter_add
from .registry import (Bool, Example, Float, Int, Op, Shape, check_float, first_dtype,
                       known, register_op, shape_error)
from .resize import _four_d, _resize_2d, _resize_2d_grad
from .shape import _unknown


# --------------------------------------------------------------------------------------
# ROIPooling.
# --------------------------------------------------------------------------------------
def _bin_edges(xp, start, end, pooled, size, dtype):
    """First and one-past-last pixel of each of ``pooled`` bins per ROI, (R, pooled).

    An ROI covers pixels ``start..end`` (at least one); bin ``i`` spans
    ``[floor(i * s), ceil((i + 1) * s))`` past ``start`` with ``s = length / pooled``,
    so neighbouring bins may share a pixel. Edges are clipped into the image.
    """
    length = xp.maximum(end - start + 1, 1).astype(dtype)
    bin_size = (length / dtype.type(pooled))[:, None]
    index = xp.arange(pooled, dtype=dtype)
    low = xp.floor(index * bin_size).astype("int64") + start[:, None]
    high = xp.ceil((index + 1) * bin_size).astype("int64") + start[:, None]
    return xp.clip(low, 0, size), xp.clip(high, 0, size)


def _bin_pixels(xp, low, high, size):
    """Every bin padded to the largest one: pixel positions (R, bins, most), kept in
    the image, and a mask of the real ones."""
    most = max(int((high - low).max()), 1)
    positions = low[:, :, None] + xp.arange(most)
    return xp.minimum(positions, size - 1), positions < high[:, :, None]


def _roi_argmax(xp, data, rois, pooled_size, spatial_scale):
    """Where each bin's maximum lies: ``(batch, rows, cols, found)``, each
    (R, C, PH, PW) (``batch``: (R, 1, 1, 1)). ``found`` is False for an empty bin or
    an ROI whose batch index is outside the data (MXNet outputs 0 there).

    Every bin is gathered padded to the largest bin, padding set to -inf, so one
    ``argmax`` finds all maxima; it returns the first of equal values in row-major
    order, the cell MXNet's scan keeps."""
    batch_size, channels, height, width = data.shape
    boxes = _round_half_away(xp, rois[:, 1:] * data.dtype.type(spatial_scale))
    left, top, right, bottom = boxes.astype("int64").T
    row_low, row_high = _bin_edges(xp, top, bottom, pooled_size[0], height, data.dtype)
    col_low, col_high = _bin_edges(xp, left, right, pooled_size[1], width, data.dtype)
    rows, row_ok = _bin_pixels(xp, row_low, row_high, height)     # (R, PH, BH)
    cols, col_ok = _bin_pixels(xp, col_low, col_high, width)     # (R, PW, BW)
    batch = rois[:, 0].astype("int64")                      # truncated, as C casts
    valid = (batch >= 0) & (batch < batch_size)
    batch = xp.clip(batch, 0, batch_size - 1)
    # (R, PH, BH, PW, BW, C): the channel axis comes last after mixed indexing
    window = data[batch[:, None, None, None, None], :, rows[:, :, :, None, None],
                  cols[:, None, None, :, :]]
    ok = row_ok[:, :, :, None, None] & col_ok[:, None, None, :, :]
    window = xp.where(ok[..., None], window, -xp.inf)
    count, pooled_h, most_h, pooled_w, most_w = ok.shape
    window = window.transpose(0, 5, 1, 3, 2, 4).reshape(
        count, channels, pooled_h, pooled_w, most_h * most_w)
    best = window.argmax(axis=-1)
    found = (window.max(axis=-1) > -xp.inf) & valid[:, None, None, None]
    roi = xp.arange(count)[:, None, None, None]
    rows = rows[roi, xp.arange(pooled_h)[:, None], best // most_w]
    cols = cols[roi, xp.arange(pooled_w), best % most_w]
    return batch[:, None, None, None], rows, cols, found


@register_op
class ROIPooling(Op):
    """Max-pool each region of interest of ``data`` (N, C, H, W) into ``pooled_size``
    bins; the output is (R, C, PH, PW), one map per ROI (Fast R-CNN).

    ``rois`` (R, 5) holds ``[batch_index, x1, y1, x2, y2]`` in image coordinates;
    ``spatial_scale`` maps them onto the feature map, where corners are rounded to
    whole pixels (halves away from zero) and ``x2, y2`` are included. Bins that hold
    no pixel output 0. The gradient goes to each bin's maximum (the first one, on
    ties); ``rois`` gets none.
    """
    name = "ROIPooling"
    examples = [Example(shapes=[(2, 2, 6, 7), (3, 5)],
                        values={"rois": [[0, 0, 0, 3, 4], [1, 2, 1, 6, 5],
                                         [1, 1, 1, 3, 2]]},
                        attrs={"pooled_size": (2, 3), "spatial_scale": 1.0}),
                Example(shapes=[(1, 1, 8, 8), (2, 5)],
                        values={"rois": [[0, 2, 2, 12, 10], [0, 0, 4, 4, 14]]},
                        attrs={"pooled_size": (3, 2), "spatial_scale": 0.5})]
    infer_type = first_dtype

    def infer_shape(self, in_shapes, *, pooled_size, spatial_scale):
        data, rois = in_shapes
        if len(pooled_size) != 2 or min(pooled_size) < 1:
            raise shape_error(self, f"pooled_size must be (height, width), both >= 1, "
                                    f"got {pooled_size}")
        if spatial_scale < 0:
            raise shape_error(self, f"spatial_scale must be >= 0, got {spatial_scale}")
        if data is not None:
            _four_d(self, data)
        if rois is not None and (len(rois) != 2 or rois[1] not in (5, None)):
            raise shape_error(self, f"rois must have shape (num_rois, 5), rows of "
                                    f"[batch_index, x1, y1, x2, y2], got {rois}")
        if data is None or rois is None:
            return [data, rois], [None]
        return [data, rois], [(rois[0], data[1]) + tuple(pooled_size)]

    def forward(self, xp, data, rois, *, pooled_size: Shape, spatial_scale: Float):
        batch, rows, cols, found = _roi_argmax(xp, data, rois, pooled_size,
                                               spatial_scale)
        channel = xp.arange(data.shape[1])[None, :, None, None]
        return xp.where(found, data[batch, channel, rows, cols], 0)

    def backward(self, xp, inputs, outputs, out_grads, *, pooled_size, spatial_scale):
        data, rois = inputs
        batch, rows, cols, found = _roi_argmax(xp, data, rois, pooled_size,
                                               spatial_scale)
        channel = xp.arange(data.shape[1])[None, :, None, None]
        grad = xp.zeros_like(data)
        # overlapping ROIs and bins can pick the same cell: add, do not assign
        _scatter_add(xp, grad, (batch, channel, rows, cols),
                     xp.where(found, out_grads[0], 0))
        return [grad, None]


# --------------------------------------------------------------------------------------
# ROIAlign.
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
    infer_type = first_dtype
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
        if position_sensitive:
            picks = self._channel_picks(xp, data.shape[1], pooled_size)
        for index, batch, rows, columns in self._regions(xp, data, rois, attrs):
            region_grad = out_grads[0][index]
            if position_sensitive:
                full = xp.zeros((data.shape[1],) + tuple(pooled_size), grad.dtype)
                full[picks] = region_grad
                region_grad = full
            grad[batch] += _resize_2d_grad(xp, region_grad, rows, columns)
        return [grad, xp.zeros_like(rois)]
