"""Boxes for object detection: ``box_iou``, ``box_nms`` and ``bipartite_matching``
(MXNet's ``_contrib_*`` operators, shown as ``mx.nd.contrib.X``).

A box is four numbers, written as corners ``[xmin, ymin, xmax, ymax]`` or as
``[x, y, width, height]`` around its center (``format='center'``)::

    boxes (n, 4), (m, 4) --box_iou--> overlaps (n, m)
    detections (batch, n, 6) --box_nms--> the same rows, best first, -1 for dropped

The box operators make discrete choices (which box survives, which pair matches), so
their outputs are piecewise constant in the box coordinates: ``box_iou`` and
``bipartite_matching`` pass zero gradients, as MXNet does, and ``box_nms`` moves each
kept row's gradient back to the row it came from. The detection layers
(``detection.py``) reuse the IoU and box helpers here.
"""
import numpy as np

from .registry import (REQUIRED, Bool, Choice, Example, Float, Int, Op, check_float,
                       known, register_op, shape_error)
from .shape import _AllZeroGrad, _unknown
from .sort import _stable_argsort


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


def _greedy_suppression(overlaps):
    """Non-maximum suppression's walk over boxes sorted best first: ``overlaps`` (k, k)
    is True where two boxes overlap too much; a kept box drops every later box it
    overlaps. Returns the dropped boxes as a host (NumPy) bool mask of length k."""
    overlaps = np.asarray(overlaps.tolist(), dtype=bool)   # the walk runs on host
    suppressed = np.zeros(len(overlaps), dtype=bool)
    for position in range(len(overlaps)):
        if not suppressed[position]:
            suppressed[position + 1:] |= overlaps[position, position + 1:]
    return suppressed


@register_op
class BoxIoU(_AllZeroGrad, Op):
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
        return order[xp.asarray(~_greedy_suppression(overlaps))]

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        data = inputs[0]
        sources = outputs[1].reshape(-1, data.shape[-2])
        grad = out_grads[0].reshape(sources.shape + data.shape[-1:])
        result = xp.zeros(grad.shape, grad.dtype)
        batches, rows = xp.nonzero(sources >= 0)
        result[batches, sources[batches, rows]] = grad[batches, rows]
        return [result.reshape(data.shape)]


@register_op
class BipartiteMatching(_AllZeroGrad, Op):
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
