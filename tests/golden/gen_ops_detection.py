"""Golden cases for dlkit/ops/detection.py (run under MXNet 1.9.1; see README.md).

SSD's ``MultiBoxPrior`` (sizes, ratios, steps, offsets, clipping),
``MultiBoxTarget`` (matching rounds, thresholds, padding rows, negative mining,
variances) and ``MultiBoxDetection`` (threshold, suppression per class or forced,
``nms_topk``, ``nms_threshold`` outside (0, 1], a single class); outputs and their
zero gradients::

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_ops_detection.py

MXNet shows these ops only as ``mx.nd.contrib.X``; the writer looks names up in
``mx.nd``, so each is also filed there under its registered name ``_contrib_X``.
"""
import mxnet as mx
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(17)
golden = GoldenWriter("ops_detection")

for short in ["MultiBoxPrior", "MultiBoxTarget", "MultiBoxDetection"]:
    setattr(mx.nd, "_contrib_" + short, getattr(mx.nd.contrib, short))


def anchors_for(height, width):
    """Anchors of a height x width map, moved a little so that no IoU ties."""
    prior = mx.nd.contrib.MultiBoxPrior(mx.nd.zeros((1, 1, height, width)),
                                        sizes=(0.6, 0.3), ratios=(1, 2, 0.5))
    jitter = random.uniform(-0.02, 0.02, size=prior.shape)
    return (prior.asnumpy() + jitter).astype(np.float32)


def labels_for(batch, rows, classes, counts):
    """``counts[n]`` random boxes per sample, padded with rows of -1."""
    labels = -np.ones((batch, rows, 5), np.float32)
    for sample, count in enumerate(counts):
        for row in range(count):
            center = random.uniform(0.1, 0.9, 2)
            size = random.uniform(0.05, 0.6, 2)
            labels[sample, row] = [random.randint(0, classes - 1), *(center - size / 2),
                                   *(center + size / 2)]
    return labels


# ---- MultiBoxPrior ----
prior = "_contrib_MultiBoxPrior"
for case_id, shape, attrs in [
        ("prior_default", (1, 2, 3, 4), {}),
        ("prior_sizes_ratios", (2, 3, 2, 3), {"sizes": (0.5, 0.25),
                                              "ratios": (1, 2, 0.5)}),
        ("prior_first_ratio_2", (1, 1, 3, 2), {"sizes": (0.5, 0.25, 0.1),
                                               "ratios": (2, 1, 3)}),
        ("prior_clip_steps_offsets", (1, 1, 4, 3),
         {"sizes": (0.7, 0.3), "ratios": (1, 0.5), "clip": True, "steps": (0.3, 0.2),
          "offsets": (0.2, 0.7)}),
        ("prior_big_unclipped", (1, 1, 1, 1), {"sizes": (1.5,)})]:
    golden.op_case(case_id, prior,
                   {"data": random.uniform(-1, 1, shape).astype(np.float32)}, attrs)

# ---- MultiBoxTarget ----
target = "_contrib_MultiBoxTarget"
for case_id, map_size, counts, classes, attrs in [
        ("target_default", (2, 3), [0, 1, 3], 3, {}),
        ("target_low_threshold", (3, 3), [2, 4], 4, {"overlap_threshold": 0.1}),
        ("target_threshold_off", (2, 2), [3, 1], 3, {"overlap_threshold": 0}),
        ("target_mining", (3, 3), [2, 1, 3], 4,
         {"negative_mining_ratio": 3, "ignore_label": -2}),
        ("target_mining_thresh", (3, 2), [1, 2], 3,
         {"overlap_threshold": 0.3, "negative_mining_ratio": 1,
          "negative_mining_thresh": 0.4, "minimum_negative_samples": 5}),
        ("target_mining_threshold_off", (2, 3), [2, 2], 3,
         {"overlap_threshold": 0, "negative_mining_ratio": 2}),
        ("target_variances", (2, 2), [2], 2,
         {"overlap_threshold": 0.7, "variances": (0.2, 0.1, 0.3, 0.4)})]:
    anchor = anchors_for(*map_size)
    batch = len(counts)
    golden.op_case(case_id, target,
                   {"anchor": anchor,
                    "label": labels_for(batch, max(counts) + 1, classes, counts),
                    "cls_pred": random.randn(batch, classes,
                                             anchor.shape[1]).astype(np.float32)},
                   attrs)

# ---- MultiBoxDetection ----
detection = "_contrib_MultiBoxDetection"
for case_id, map_size, batch, classes, attrs in [
        ("detection_default", (2, 3), 2, 3, {}),
        ("detection_threshold", (2, 2), 2, 4, {"threshold": 0.3,
                                               "nms_threshold": 0.1}),
        ("detection_force_noclip", (3, 2), 1, 3,
         {"force_suppress": True, "nms_threshold": 0.2, "clip": False}),
        ("detection_topk", (2, 3), 2, 3, {"nms_topk": 3}),
        ("detection_topk_nms", (3, 3), 1, 4, {"nms_topk": 5,
                                               "nms_threshold": 0.05}),
        ("detection_variances", (2, 2), 1, 3,
         {"variances": (0.2, 0.3, 0.1, 0.4), "threshold": 0.5}),
        ("detection_nms_off", (2, 2), 2, 3, {"nms_threshold": 0}),
        ("detection_background_id", (2, 2), 1, 3, {"background_id": 2}),
        ("detection_background_only", (1, 2), 1, 1, {})]:
    anchor = anchors_for(*map_size)
    count = anchor.shape[1]
    scores = mx.nd.softmax(mx.nd.array(random.randn(batch, classes, count) * 2),
                           axis=1).asnumpy()
    golden.op_case(case_id, detection,
                   {"cls_prob": scores,
                    "loc_pred": (random.randn(batch, count * 4) * 0.5).astype(
                        np.float32),
                    "anchor": anchor}, attrs)

golden.save()
