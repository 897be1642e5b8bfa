"""Single-shot detection (SSD) operators: anchors, training targets, detections.

An SSD network predicts, for every *anchor* (a box of fixed size and shape centred on
a feature-map pixel), a class score and a small correction of the box::

    feature map --MultiBoxPrior--> anchors (1, A, 4)   corners in [0, 1] image units
                                     |
    labels (N, L, 5) --MultiBoxTarget--> what each anchor should predict (training)
    [class, xmin, ymin, xmax, ymax]      loc_target, loc_mask (N, 4A), cls_target (N, A)
                                     |
    cls_prob (N, C, A), loc_pred (N, 4A) --MultiBoxDetection--> (N, A, 6) boxes, after
                                          [class, score, xmin, ymin, xmax, ymax]   NMS

A correction is written relative to its anchor (centre ``ax, ay``, size ``aw, ah``)
and divided by ``variances``, so that all four numbers have a similar scale::

    [(gx - ax) / aw / v0, (gy - ay) / ah / v1, log(gw / aw) / v2, log(gh / ah) / v3]

``MultiBoxTarget`` encodes a ground-truth box that way (``_encode``);
``MultiBoxDetection`` decodes a prediction (``_decode``). All three ops make discrete
choices or read only shapes, so their gradients are zero, as in MXNet. They reuse the
box helpers of ``contrib.py`` (intersection over union, corner/centre conversions).

Differs from MXNet: every float dtype is accepted (MXNet 1.9.1 runs these ops on float32
only); outputs take the dtype of the first input.
"""
import math

import numpy as np

from .attrs import FloatTuple
from .boxes import _centers, _greedy_suppression, _pairwise_iou
from .registry import (Bool, Example, Float, Int, Op, check_float, known, register_op,
                       shape_error)
from .shape import _AllZeroGrad, _unknown
from .sort import _stable_argsort

VARIANCES = (0.1, 0.1, 0.2, 0.2)


# --------------------------------------------------------------------------------------
# MultiBoxPrior: the anchors.
# --------------------------------------------------------------------------------------
def _anchor_sizes(sizes, ratios, height, width):
    """Half widths and half heights of the anchors of one pixel, in MXNet's order:
    every size with ``ratios[0]``, then ``sizes[0]`` with every other ratio. A size is
    a fraction of the image height; its width is scaled by ``height / width`` so that
    ratio 1 gives a square in pixels."""
    shapes = [(size, ratios[0]) for size in sizes]
    shapes += [(sizes[0], ratio) for ratio in ratios[1:]]
    half_widths = [size * height / width * math.sqrt(ratio) / 2
                   for size, ratio in shapes]
    half_heights = [size / math.sqrt(ratio) / 2 for size, ratio in shapes]
    return np.asarray(half_widths), np.asarray(half_heights)


@register_op
class MultiBoxPrior(_AllZeroGrad, Op):
    """Anchor boxes for every pixel of a feature map ``data (N, C, H, W)``.

    Each pixel ``(i, j)`` gets ``len(sizes) + len(ratios) - 1`` anchors centred on
    ``((j + offsets[1]) * step_x, (i + offsets[0]) * step_y)``; ``steps = (step_y,
    step_x)``, by default ``(1 / H, 1 / W)``. Its anchors are, in this order, every
    size with ``ratios[0]``, then ``sizes[0]`` with each other ratio; a ratio ``r``
    makes a box ``sqrt(r)`` times wider and ``sqrt(r)`` times less tall. The output
    ``(1, H * W * anchors, 4)`` holds corners ``[xmin, ymin, xmax, ymax]``, pixel by
    pixel (row-major), clipped to ``[0, 1]`` with ``clip``. Only the shape of ``data``
    is read: zero gradient.
    """
    name = "_contrib_MultiBoxPrior"
    examples = [Example(shapes=[(2, 3, 2, 3)], attrs={"sizes": (0.5, 0.25),
                                                      "ratios": (1, 2, 0.5)}),
                Example(shapes=[(1, 1, 3, 2)],
                        attrs={"sizes": (0.5, 0.25), "ratios": (2, 1), "clip": True,
                               "steps": (0.3, 0.2), "offsets": (0.2, 0.7)})]

    def _check(self, sizes, ratios, steps, offsets):
        for name, value in (("sizes", sizes), ("ratios", ratios)):
            if not value:
                raise shape_error(self, f"{name} must hold at least one value, got ()")
        for name, value in (("steps", steps), ("offsets", offsets)):
            if len(value) != 2:
                raise shape_error(self, f"{name} must be a pair (y, x), got {value}")

    def infer_shape(self, in_shapes, *, sizes, ratios, clip, steps, offsets):
        self._check(sizes, ratios, steps, offsets)
        data = in_shapes[0]
        if not known(data):
            return _unknown(self, in_shapes)
        if len(data) < 4:
            raise shape_error(self, "data must be 4-D (batch, channel, height, width), "
                                    f"got shape {tuple(data)}")
        count = data[2] * data[3] * (len(sizes) + len(ratios) - 1)
        return list(in_shapes), [(1, count, 4)]

    def infer_type(self, in_types, **attrs):
        return list(in_types), [in_types[0]]

    def forward(self, xp, data, *, sizes: FloatTuple = (1.0,),
                ratios: FloatTuple = (1.0,), clip: Bool = False,
                steps: FloatTuple = (-1.0, -1.0), offsets: FloatTuple = (0.5, 0.5)):
        check_float(self, data.dtype)
        self._check(sizes, ratios, steps, offsets)
        height, width = data.shape[2:4]
        step_y = steps[0] if steps[0] > 0 else 1.0 / height
        step_x = steps[1] if steps[1] > 0 else 1.0 / width
        center_y = (np.arange(height) + offsets[0]) * step_y
        center_x = (np.arange(width) + offsets[1]) * step_x
        half_width, half_height = _anchor_sizes(sizes, ratios, height, width)
        # (H, W, anchors) centres and sizes broadcast into (H, W, anchors, 4) corners
        x = center_x[None, :, None]
        y = center_y[:, None, None]
        corners = np.stack(np.broadcast_arrays(x - half_width, y - half_height,
                                               x + half_width, y + half_height), -1)
        if clip:
            corners = np.clip(corners, 0.0, 1.0)
        return xp.asarray(corners.reshape(1, -1, 4).astype(data.dtype))


# --------------------------------------------------------------------------------------
# MultiBoxTarget: what each anchor should learn.
# --------------------------------------------------------------------------------------
def _encode(xp, anchors, boxes, variances):
    """Corner ``boxes`` written relative to corner ``anchors`` (both (A, 4)): centre
    offsets in anchor sizes and log size ratios, each divided by its variance."""
    anchor = _centers(xp, anchors)
    box = _centers(xp, boxes)
    centre = (box[:, :2] - anchor[:, :2]) / anchor[:, 2:]
    size = xp.log(box[:, 2:] / anchor[:, 2:])
    return xp.concatenate([centre, size], axis=1) / xp.asarray(variances,
                                                               dtype=anchors.dtype)


def _bipartite_matches(xp, overlaps):
    """Greedy one-to-one matching: the pair of highest overlap among free anchors and
    free ground truths is matched (the first such pair, anchor by anchor), until none
    overlaps by more than 1e-6. Returns each anchor's ground truth or -1."""
    count = overlaps.shape[1]
    free = overlaps.copy()
    matches = np.full(overlaps.shape[0], -1)
    for _ in range(count):
        best = int(xp.argmax(free))
        anchor, truth = divmod(best, count)
        if not float(free[anchor, truth]) > 1e-6:
            break
        matches[anchor] = truth
        free[anchor, :] = -1
        free[:, truth] = -1
    return xp.asarray(matches)


def _hardest_negatives(xp, cls_pred, candidates, count):
    """The ``count`` candidate anchors whose background probability (softmax of
    ``cls_pred (C, A)``, class 0) is lowest: those the network gets most wrong. Ties
    keep anchor order."""
    scores = cls_pred[:, candidates].astype(xp.float64)
    scores = xp.exp(scores - scores.max(axis=0))
    background = scores[0] / scores.sum(axis=0)
    order = _stable_argsort(xp, background, 0, True)
    return candidates[order[:count]]


@register_op
class MultiBoxTarget(_AllZeroGrad, Op):
    """Training targets of the anchors ``anchor (1, A, 4)`` for the ground truths
    ``label (N, L, >= 5)`` (rows ``[class, xmin, ymin, xmax, ymax, ...]``, padded at the
    end with rows of -1); ``cls_pred (N, C, A)`` are the class scores, read only by
    negative mining.

    Per sample, anchors become positive in two rounds: a greedy one-to-one matching
    gives each ground truth the free anchor it overlaps most (IoU), then every other
    anchor whose best IoU is above ``overlap_threshold`` (if > 0) takes that ground
    truth. Without ``negative_mining_ratio > 0`` every other anchor is negative.
    With it, only ``int(positives * ratio)`` (at most the other anchors) become
    negative: those with a best IoU below
    ``negative_mining_thresh`` and the lowest background probability (softmax of
    ``cls_pred``); the rest are ignored.

    Outputs: ``loc_target (N, 4A)``, the encoded ground truth of each positive anchor
    (see the module docstring); ``loc_mask (N, 4A)``, 1 for positives; ``cls_target
    (N, A)``: class + 1 for positives, 0 for negatives, ``ignore_label`` for ignored
    anchors (all of them in a sample without ground truth). Zero gradients.

    As in MXNet 1.9.1, ``minimum_negative_samples`` is accepted but has no effect;
    negative mining with fewer candidates than negatives wanted is an error, and so
    is a padding row whose xmin is not -1.
    """
    name = "_contrib_MultiBoxTarget"
    examples = [Example(shapes=[(1, 4, 4), (3, 2, 5), (3, 3, 4)], grad=False,
                        values={"anchor": [[0.1, 0.1, 0.4, 0.4], [0.3, 0.3, 0.8, 0.8],
                                           [0.5, 0.5, 0.9, 0.9], [0, 0.6, 0.3, 0.95]],
                                "label": [[[-1] * 5, [-1] * 5],
                                          [[1, 0.12, 0.1, 0.42, 0.45], [-1] * 5],
                                          [[0, 0.5, 0.5, 0.85, 0.9],
                                           [2, 0.05, 0.6, 0.3, 0.9]]]},
                        reason="discrete targets; zero gradient as in MXNet"),
                Example(shapes=[(1, 4, 4), (1, 1, 5), (1, 2, 4)], grad=False,
                        attrs={"negative_mining_ratio": 2, "ignore_label": -2},
                        values={"anchor": [[0.1, 0.1, 0.4, 0.4], [0.3, 0.3, 0.8, 0.8],
                                           [0.5, 0.5, 0.9, 0.9], [0, 0.6, 0.3, 0.95]],
                                "label": [[[0, 0.5, 0.5, 0.85, 0.9]]]},
                        reason="discrete targets; zero gradient as in MXNet")]

    def num_outputs(self, attrs):
        return 3

    def infer_shape(self, in_shapes, **attrs):
        if len(attrs["variances"]) != 4:
            raise shape_error(self, f"variances must hold 4 values, got "
                                    f"{attrs['variances']}")
        anchor, label, cls_pred = in_shapes
        if not (known(anchor) and known(label) and known(cls_pred)):
            return _unknown(self, in_shapes, 3)
        if len(anchor) != 3 or anchor[0] != 1 or anchor[2] != 4:
            raise shape_error(self, "anchor must be (1, anchors, 4), as from "
                                    f"MultiBoxPrior, got {tuple(anchor)}")
        if len(label) != 3 or label[2] < 5:
            raise shape_error(self, "label must be (batch, objects, >= 5) rows of "
                                    f"[class, xmin, ymin, xmax, ymax], got "
                                    f"{tuple(label)}")
        if len(cls_pred) != 3 or cls_pred[0] != label[0] or cls_pred[2] != anchor[1]:
            raise shape_error(self, f"cls_pred must be (batch={label[0]}, classes, "
                                    f"anchors={anchor[1]}), got {tuple(cls_pred)}")
        batch, count = label[0], anchor[1]
        return list(in_shapes), [(batch, count * 4), (batch, count * 4), (batch, count)]

    def infer_type(self, in_types, **attrs):
        return list(in_types), [in_types[0]] * 3

    def forward(self, xp, anchor, label, cls_pred, *, overlap_threshold: Float = 0.5,
                ignore_label: Float = -1.0, negative_mining_ratio: Float = -1.0,
                negative_mining_thresh: Float = 0.5, minimum_negative_samples: Int = 0,
                variances: FloatTuple = VARIANCES):
        check_float(self, anchor.dtype)
        anchors = anchor[0]
        batch, count = label.shape[0], anchors.shape[0]
        loc_target = xp.zeros((batch, count, 4), anchor.dtype)
        loc_mask = xp.zeros((batch, count, 4), anchor.dtype)
        cls_target = xp.full((batch, count), ignore_label, anchor.dtype)
        for sample in range(batch):
            truths = self._ground_truths(xp, label[sample])
            if truths.shape[0] == 0:
                continue            # nothing to learn: every anchor is ignored
            overlaps = _pairwise_iou(xp, anchors, truths[:, 1:5])
            matches = _bipartite_matches(xp, overlaps)
            best = overlaps.argmax(axis=1)
            best_overlap = overlaps.max(axis=1)
            if overlap_threshold > 0:
                extra = (matches < 0) & (best_overlap > overlap_threshold)
                matches = xp.where(extra, best, matches)
            else:           # MXNet then never computes the overlaps mining reads
                best_overlap = xp.full(count, -1.0)
            positive = matches >= 0
            negative = ~positive
            if negative_mining_ratio > 0:
                negative = self._mined(xp, cls_pred[sample], positive, best_overlap,
                                       negative_mining_ratio, negative_mining_thresh)
            matched = truths[xp.where(positive, matches, 0)]
            cls_target[sample] = xp.where(positive, matched[:, 0] + 1,
                                          xp.where(negative, 0, ignore_label))
            encoded = _encode(xp, anchors, matched[:, 1:5], variances)
            loc_target[sample] = xp.where(positive[:, None], encoded, 0)
            loc_mask[sample] = positive[:, None]
        return (loc_target.reshape(batch, -1), loc_mask.reshape(batch, -1),
                cls_target)

    def _ground_truths(self, xp, rows):
        """The rows before the first padding row (class -1)."""
        padding = np.flatnonzero(np.asarray((rows[:, 0] == -1).tolist()))
        if len(padding) == 0:
            return rows
        first = int(padding[0])
        if float(rows[first, 1]) != -1:
            raise shape_error(self, f"label row {first} has class -1 (padding) but "
                                    f"xmin {float(rows[first, 1])}: padding rows must "
                                    "be all -1")
        return rows[:first]

    def _mined(self, xp, cls_pred, positive, best_overlap, ratio, thresh):
        """Negative mining: which anchors become negatives (see the docstring)."""
        positives = int(positive.sum())
        # MXNet 1.9.1 never reads minimum_negative_samples: neither does dlkit
        wanted = min(int(positives * ratio), positive.shape[0] - positives)
        negative = xp.zeros(positive.shape, bool)
        if wanted <= 0:
            return negative
        candidates = xp.nonzero(~positive & (best_overlap < thresh))[0]
        if candidates.shape[0] < wanted:
            raise shape_error(self, f"negative mining wants {wanted} negatives but "
                                    f"only {candidates.shape[0]} anchors overlap the "
                                    "ground truth by less than "
                                    f"negative_mining_thresh={thresh}; lower "
                                    "negative_mining_ratio or raise the threshold")
        negative[_hardest_negatives(xp, cls_pred, candidates, wanted)] = True
        return negative


# --------------------------------------------------------------------------------------
# MultiBoxDetection: predictions to boxes.
# --------------------------------------------------------------------------------------
def _decode(xp, anchors, predictions, variances, clip):
    """Corner boxes from ``predictions (A, 4)`` relative to corner ``anchors``: the
    inverse of ``_encode``; clipped to ``[0, 1]`` with ``clip``."""
    anchor = _centers(xp, anchors)
    scaled = predictions * xp.asarray(variances, dtype=predictions.dtype)
    centre = anchor[:, :2] + scaled[:, :2] * anchor[:, 2:]
    half = xp.exp(scaled[:, 2:]) * anchor[:, 2:] / 2
    corners = xp.concatenate([centre - half, centre + half], axis=1)
    return xp.clip(corners, 0, 1) if clip else corners


def _suppress(xp, rows, nms_threshold, force_suppress):
    """Non-maximum suppression down ``rows (k, 6)``, sorted best first: a row keeps its
    class unless an earlier kept row of the same class (any class with
    ``force_suppress``) overlaps it by more than ``nms_threshold``; a suppressed row
    gets class -1."""
    overlaps = _pairwise_iou(xp, rows[:, 2:], rows[:, 2:]) > nms_threshold
    if not force_suppress:
        overlaps &= rows[:, None, 0] == rows[None, :, 0]
    rows[xp.asarray(_greedy_suppression(overlaps)), 0] = -1   # box_nms's walk


@register_op
class MultiBoxDetection(_AllZeroGrad, Op):
    """Detections from class probabilities ``cls_prob (N, C, A)`` (class 0 is the
    background), box predictions ``loc_pred (N, 4A)`` and anchors ``anchor (1, A,
    4)``.

    For each anchor: its class is the most probable non-background class (written as
    ``class - 1``: the first object class is 0), its score that probability; it is
    valid if the score is at least ``threshold``. Its box is the prediction decoded
    against the anchor (see the module docstring), clipped to ``[0, 1]`` with
    ``clip``. The output ``(N, A, 6)`` holds rows ``[class, score, xmin, ymin, xmax,
    ymax]``: the valid anchors sorted by score, highest first, then rows of -1.
    Non-maximum suppression then walks down the rows and sets the class of each row
    that overlaps a kept row of its class (any class with ``force_suppress``) by more
    than ``nms_threshold`` to -1; the row keeps its score and box.

    MXNet 1.9.1 quirks kept: ``background_id`` is accepted but class 0 is always the
    background; with ``0 < nms_topk <`` valid anchors, only the first ``nms_topk``
    rows are sorted (the best ones) and take part in suppression, and the valid rows
    after them stay in anchor order, all with class -1 (the best ones reappear
    there); an ``nms_threshold`` outside ``(0, 1]`` turns sorting and suppression
    off (the valid rows stay in anchor order). Zero gradients.
    """
    name = "_contrib_MultiBoxDetection"
    examples = [Example(shapes=[(2, 3, 4), (2, 16), (1, 4, 4)], low=0.0, high=1.0,
                        grad=False, values={
                            "anchor": [[0.1, 0.1, 0.4, 0.4], [0.3, 0.3, 0.8, 0.8],
                                       [0.5, 0.5, 0.9, 0.9], [0, 0.6, 0.3, 0.95]]},
                        reason="discrete selection; zero gradient as in MXNet"),
                Example(shapes=[(1, 3, 4), (1, 16), (1, 4, 4)], low=0.0, high=1.0,
                        grad=False, attrs={"force_suppress": True, "nms_topk": 2,
                                           "threshold": 0.3, "clip": False},
                        values={"anchor": [[0.1, 0.1, 0.4, 0.4], [0.1, 0.1, 0.5, 0.5],
                                           [0.5, 0.5, 0.9, 0.9], [0, 0.6, 0.3, 0.9]]},
                        reason="discrete selection; zero gradient as in MXNet")]

    def infer_shape(self, in_shapes, **attrs):
        if len(attrs["variances"]) != 4:
            raise shape_error(self, f"variances must hold 4 values, got "
                                    f"{attrs['variances']}")
        cls_prob, loc_pred, anchor = in_shapes
        if not (known(cls_prob) and known(loc_pred) and known(anchor)):
            return _unknown(self, in_shapes)
        if len(anchor) != 3 or anchor[0] != 1 or anchor[2] != 4:
            raise shape_error(self, "anchor must be (1, anchors, 4), as from "
                                    f"MultiBoxPrior, got {tuple(anchor)}")
        count = anchor[1]
        if len(cls_prob) != 3 or cls_prob[2] != count:
            raise shape_error(self, f"cls_prob must be (batch, classes, anchors="
                                    f"{count}), got {tuple(cls_prob)}")
        if tuple(loc_pred) != (cls_prob[0], count * 4):
            raise shape_error(self, f"loc_pred must be (batch={cls_prob[0]}, 4 * "
                                    f"anchors={count * 4}), got {tuple(loc_pred)}")
        return list(in_shapes), [(cls_prob[0], count, 6)]

    def infer_type(self, in_types, **attrs):
        return list(in_types), [in_types[0]]

    def forward(self, xp, cls_prob, loc_pred, anchor, *, clip: Bool = True,
                threshold: Float = 0.01, background_id: Int = 0,
                nms_threshold: Float = 0.5, force_suppress: Bool = False,
                variances: FloatTuple = VARIANCES, nms_topk: Int = -1):
        check_float(self, cls_prob.dtype)
        batch, classes, count = cls_prob.shape
        result = xp.full((batch, count, 6), -1, dtype=cls_prob.dtype)
        for sample in range(batch):
            objects = cls_prob[sample, 1:]
            if classes < 2:
                continue                    # nothing but background: no detection
            boxes = _decode(xp, anchor[0], loc_pred[sample].reshape(count, 4),
                            variances, clip)
            rows = xp.concatenate([objects.argmax(axis=0)[:, None].astype(boxes.dtype),
                                   objects.max(axis=0)[:, None], boxes], axis=1)
            rows = rows[rows[:, 1] >= threshold]       # valid anchors, in order
            valid = rows.shape[0]
            result[sample, :valid] = rows
            if not 0 < nms_threshold <= 1:
                continue            # MXNet then neither sorts nor suppresses
            keep = nms_topk if 0 < nms_topk < valid else valid
            order = _stable_argsort(xp, rows[:, 1], 0, False)[:keep]
            result[sample, keep:valid, 0] = -1
            result[sample, :keep] = rows[order]
            _suppress(xp, result[sample, :keep], nms_threshold, force_suppress)
        return result
