"""SSD detection operators (dlkit/ops/detection.py): what the sweep and the golden
cases (tests/golden/gen_ops_detection.py) do not show on their own: anchor order,
the matching rounds, negative mining, the output layout of detections, MXNet's quirks
and errors for bad input."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError

ANCHORS = [[[0.1, 0.1, 0.4, 0.4], [0.3, 0.3, 0.8, 0.8], [0.5, 0.5, 0.9, 0.9],
            [0.0, 0.6, 0.3, 0.95]]]


def test_prior_orders_anchors_sizes_first_then_ratios_pixel_by_pixel(ctx):
    data = mx.nd.zeros((1, 1, 2, 4), ctx=ctx)
    anchors = mx.nd.contrib.MultiBoxPrior(data, sizes=(0.5, 0.25), ratios=(4, 1))
    assert anchors.shape == (1, 2 * 4 * 3, 4) and anchors.context == ctx
    boxes = anchors.asnumpy()[0]
    widths, heights = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    # pixel (0, 0): both sizes with ratios[0] = 4 (twice as wide, half as tall), then
    # sizes[0] with ratio 1; a size is a share of the height, widths scale by H / W
    np.testing.assert_allclose(heights[:3], [0.25, 0.125, 0.5], rtol=1e-6)
    np.testing.assert_allclose(widths[:3], [0.5, 0.25, 0.25], rtol=1e-6)
    centers = (boxes[:, :2] + boxes[:, 2:]) / 2
    np.testing.assert_allclose(centers[::3], [[0.125, 0.25], [0.375, 0.25],
                                              [0.625, 0.25], [0.875, 0.25],
                                              [0.125, 0.75], [0.375, 0.75],
                                              [0.625, 0.75], [0.875, 0.75]], rtol=1e-6)


def test_prior_clip_keeps_boxes_in_the_image_and_reads_only_the_shape():
    data = mx.nd.array(np.random.uniform(size=(2, 3, 1, 1)))
    data.attach_grad()
    with mx.autograd.record():
        anchors = mx.nd.contrib.MultiBoxPrior(data, sizes=(1.5,), clip=True)
    anchors.backward()
    np.testing.assert_array_equal(anchors.asnumpy(), [[[0, 0, 1, 1]]])
    np.testing.assert_array_equal(data.grad.asnumpy(), np.zeros((2, 3, 1, 1)))


@pytest.mark.parametrize("attrs, message", [
    ({"sizes": ()}, "sizes must hold at least one value"),
    ({"ratios": ()}, "ratios must hold at least one value"),
    ({"steps": (0.1,)}, r"steps must be a pair \(y, x\)"),
    ({"offsets": (0.5, 0.5, 0.5)}, r"offsets must be a pair \(y, x\)"),
])
def test_prior_rejects_bad_attributes_as_mxnet(attrs, message):
    with pytest.raises(MXNetError, match=message):
        mx.nd.contrib.MultiBoxPrior(mx.nd.zeros((1, 1, 2, 2)), **attrs)


def test_prior_needs_a_4d_map_and_float_data():
    with pytest.raises(MXNetError, match=r"4-D .* got shape \(1, 2, 2\)"):
        mx.nd.contrib.MultiBoxPrior(mx.nd.zeros((1, 2, 2)))
    with pytest.raises(MXNetError, match="floating point"):
        mx.nd.contrib.MultiBoxPrior(mx.nd.zeros((1, 1, 2, 2), dtype="int32"))
    node = mx.sym.contrib.MultiBoxPrior(mx.sym.var("d"), sizes=(0.5, 0.25))
    assert node.infer_shape(d=(1, 2, 4, 5))[1] == [(1, 40, 4)]


def _targets(labels, cls_pred=None, ctx=mx.cpu(), **attrs):
    labels = np.asarray(labels, np.float32)
    if cls_pred is None:
        cls_pred = np.zeros((labels.shape[0], 3, 4), np.float32)
    outputs = mx.nd.contrib.MultiBoxTarget(mx.nd.array(ANCHORS, ctx=ctx),
                                           mx.nd.array(labels, ctx=ctx),
                                           mx.nd.array(cls_pred, ctx=ctx), **attrs)
    return [output.asnumpy() for output in outputs]


def test_target_matches_each_truth_then_anchors_above_the_threshold(ctx):
    # truth 0 overlaps anchor 2 most (IoU 0.75) and anchor 1 by 0.29; truth 1 (class
    # 2) is best for anchor 3 (IoU 0.71)
    labels = [[[0, 0.5, 0.5, 0.85, 0.9], [2, 0.05, 0.6, 0.3, 0.9]]]
    loc_target, loc_mask, cls_target = _targets(labels, ctx=ctx)
    np.testing.assert_array_equal(cls_target, [[0, 0, 1, 3]])
    np.testing.assert_array_equal(loc_mask, [[0] * 8 + [1] * 8])
    # an encoded truth: centre offset in anchor sizes and log size ratio, / variances
    anchor_center, anchor_size = np.array([0.7, 0.7]), np.array([0.4, 0.4])
    truth_center, truth_size = np.array([0.675, 0.7]), np.array([0.35, 0.4])
    expected = np.concatenate([(truth_center - anchor_center) / anchor_size / 0.1,
                               np.log(truth_size / anchor_size) / 0.2])
    np.testing.assert_allclose(loc_target[0, 8:12], expected, rtol=1e-5, atol=1e-6)
    # a low threshold makes anchor 1 positive as well (second round)
    _, _, cls_target = _targets(labels, overlap_threshold=0.2, ctx=ctx)
    np.testing.assert_array_equal(cls_target, [[0, 1, 1, 3]])


def test_target_ignores_every_anchor_of_a_sample_without_truth():
    loc_target, loc_mask, cls_target = _targets([[[-1] * 5, [-1] * 5]],
                                                ignore_label=-7)
    np.testing.assert_array_equal(cls_target, [[-7] * 4])
    assert not loc_target.any() and not loc_mask.any()


def test_target_mining_keeps_the_hardest_negatives_and_ignores_the_rest():
    labels = [[[1, 0.12, 0.1, 0.42, 0.45], [-1] * 5]]   # anchor 0 positive
    cls_pred = np.zeros((1, 3, 4), np.float32)
    cls_pred[0, 0] = [0, 2.0, -1.0, 0.5]     # background scores: anchor 2 the worst
    _, _, cls_target = _targets(labels, cls_pred, negative_mining_ratio=1)
    np.testing.assert_array_equal(cls_target, [[2, -1, 0, -1]])
    _, _, cls_target = _targets(labels, cls_pred, negative_mining_ratio=2,
                                minimum_negative_samples=3)    # no effect, as MXNet
    np.testing.assert_array_equal(cls_target, [[2, -1, 0, 0]])


def test_target_mining_errors_when_too_few_anchors_can_be_negative():
    labels = [[[0, 0.5, 0.5, 0.85, 0.9], [-1] * 5]]
    # anchors 0 and 3 overlap the truth by less than 0.2; 3 negatives are wanted
    with pytest.raises(MXNetError, match="negative mining wants 3 negatives but only "
                                         "2 anchors"):
        _targets(labels, negative_mining_ratio=3, negative_mining_thresh=0.2)


def test_target_rejects_padding_rows_that_are_not_all_minus_one():
    with pytest.raises(MXNetError, match="label row 0 has class -1"):
        _targets([[[-1, 0, 0, 0, 0]]])


@pytest.mark.parametrize("shapes, message", [
    ([(4, 4), (1, 1, 5), (1, 3, 4)], r"anchor must be \(1, anchors, 4\)"),
    ([(1, 4, 4), (1, 1, 4), (1, 3, 4)], "label must be"),
    ([(1, 4, 4), (1, 1, 5), (1, 3, 5)], r"cls_pred must be \(batch=1, classes, "
                                        r"anchors=4\), got \(1, 3, 5\)"),
])
def test_target_shape_errors_name_the_shapes(shapes, message):
    arrays = [mx.nd.zeros(shape) for shape in shapes]
    with pytest.raises(MXNetError, match=message):
        mx.nd.contrib.MultiBoxTarget(*arrays)


def _detect(cls_prob, loc_pred, anchors=ANCHORS, ctx=mx.cpu(), **attrs):
    return mx.nd.contrib.MultiBoxDetection(
        mx.nd.array(cls_prob, ctx=ctx), mx.nd.array(loc_pred, ctx=ctx),
        mx.nd.array(anchors, ctx=ctx), **attrs).asnumpy()


CLS_PROB = [[[0.1, 0.2, 0.995, 0.3], [0.6, 0.7, 0.002, 0.1], [0.3, 0.1, 0.003, 0.6]]]
OVERLAPPING = [[[0.1, 0.1, 0.4, 0.4], [0.1, 0.1, 0.42, 0.42], [0.5, 0.5, 0.9, 0.9],
                [0.12, 0.1, 0.4, 0.4]]]


def test_detection_sorts_by_score_and_marks_suppressed_rows(ctx):
    out = _detect(CLS_PROB, np.zeros((1, 16)), OVERLAPPING, ctx=ctx)
    # anchor 2 has only background (best object score 0.003 < threshold): dropped;
    # anchor 1 (0.7) beats anchor 0 (0.6, same class, IoU 0.87): suppressed, kept
    # with class -1; anchor 3 is class 1 (0.6), a different class: kept
    np.testing.assert_allclose(out[0, :, :2], [[0, 0.7], [-1, 0.6], [1, 0.6],
                                               [-1, -1]], rtol=1e-6)
    np.testing.assert_allclose(out[0, 0, 2:], OVERLAPPING[0][1], rtol=1e-6)
    forced = _detect(CLS_PROB, np.zeros((1, 16)), OVERLAPPING, force_suppress=True)
    np.testing.assert_array_equal(forced[0, :3, 0], [0, -1, -1])


def test_detection_decodes_predictions_against_anchors():
    loc_pred = np.zeros((1, 16), np.float32)
    loc_pred[0, 4:8] = [1.0, -1.0, np.log(2) / 0.2, 0.0]   # anchor 1
    out = _detect(CLS_PROB, loc_pred, clip=False, nms_threshold=0.01)
    # centre moves by 0.1 * size (0.5), the width doubles
    np.testing.assert_allclose(out[0, 0, 2:], [0.1, 0.25, 1.1, 0.75], rtol=1e-5)
    clipped = _detect(CLS_PROB, loc_pred, nms_threshold=0.01)
    np.testing.assert_allclose(clipped[0, 0, 2:], [0.1, 0.25, 1.0, 0.75], rtol=1e-5)


def test_detection_topk_quirk_and_nms_threshold_off_as_mxnet():
    scores = [[[0.0, 0.0, 0.0, 0.0], [0.5, 0.9, 0.7, 0.8]]]
    anchors = [[[0.0, 0.0, 0.1, 0.1], [0.2, 0.2, 0.3, 0.3], [0.4, 0.4, 0.5, 0.5],
                [0.6, 0.6, 0.7, 0.7]]]
    out = _detect(scores, np.zeros((1, 16)), anchors, nms_topk=2)
    # the two best rows, then the other valid rows in anchor order, class -1
    np.testing.assert_allclose(out[0, :, :2], [[0, 0.9], [0, 0.8], [-1, 0.7],
                                               [-1, 0.8]], rtol=1e-6)
    unsorted = _detect(scores, np.zeros((1, 16)), anchors, nms_threshold=0)
    np.testing.assert_allclose(unsorted[0, :, 1], [0.5, 0.9, 0.7, 0.8], rtol=1e-6)


def test_detection_ignores_background_id_and_has_zero_gradient():
    cls_prob = mx.nd.array(CLS_PROB)
    cls_prob.attach_grad()
    with mx.autograd.record():
        out = mx.nd.contrib.MultiBoxDetection(cls_prob, mx.nd.zeros((1, 16)),
                                              mx.nd.array(OVERLAPPING),
                                              background_id=1)
    out.backward()
    np.testing.assert_array_equal(out.asnumpy(), _detect(CLS_PROB, np.zeros((1, 16)),
                                                         OVERLAPPING))
    assert not cls_prob.grad.asnumpy().any()


def test_detection_shape_errors_and_symbol_shapes():
    with pytest.raises(MXNetError, match=r"loc_pred must be \(batch=1, 4 \* "
                                         r"anchors=16\), got \(1, 12\)"):
        mx.nd.contrib.MultiBoxDetection(mx.nd.zeros((1, 3, 4)), mx.nd.zeros((1, 12)),
                                        mx.nd.array(ANCHORS))
    node = mx.sym.contrib.MultiBoxDetection(mx.sym.var("c"), mx.sym.var("l"),
                                            mx.sym.var("a"))
    assert node.infer_shape(c=(2, 3, 5), l=(2, 20), a=(1, 5, 4))[1] == [(2, 5, 6)]
    targets = mx.sym.contrib.MultiBoxTarget(mx.sym.var("a"), mx.sym.var("l"),
                                            mx.sym.var("c"))
    assert targets.infer_shape(a=(1, 5, 4), l=(2, 3, 5), c=(2, 4, 5))[1] == [
        (2, 20), (2, 20), (2, 5)]
