"""Hand-written tests for the ``contrib`` operators (dlkit/ops/contrib.py, resize.py,
boxes.py and ROIAlign in roi.py) and the ``contrib`` namespaces
(dlkit/ndarray/contrib.py, dlkit/symbol/contrib.py): what the registry sweep and the
MXNet goldens (tests/golden/ops_contrib.json) miss: MXNet's quirks, the errors, and
the Python-level helpers (isnan, foreach, while_loop, cond)."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError

C = mx.nd.contrib


def test_contrib_namespaces_show_the_ops_under_their_short_names():
    for name in ["BilinearResize2D", "AdaptiveAvgPooling2D", "boolean_mask",
                 "index_copy", "index_array", "arange_like", "div_sqrt_dim",
                 "quadratic", "allclose", "box_iou", "box_nms",
                 "box_non_maximum_suppression", "bipartite_matching", "ROIAlign"]:
        assert callable(getattr(mx.nd.contrib, name)), name
        assert callable(getattr(mx.sym.contrib, name)), name
    assert mx.sym.contrib.box_iou(mx.sym.var("a"), mx.sym.var("b")).name == "box_iou0"


# ---- BilinearResize2D ----
@pytest.mark.parametrize("attrs, size", [
    ({"scale_height": 1.3, "scale_width": 1.8}, (3, 7)),    # int() truncates
    ({"height": 7, "scale_width": 2.0}, (7, 1)),            # scale_width alone: ignored
    ({"mode": "odd_scale", "scale_height": 2.0, "scale_width": 2.0}, (5, 8)),
    ({"mode": "to_even_down"}, (2, 4)), ({"mode": "to_even_up"}, (4, 4)),
    ({"mode": "to_odd_down"}, (3, 3)), ({"mode": "to_odd_up"}, (3, 5))])
def test_bilinear_resize_output_size_follows_mxnet_modes(attrs, size):
    out = C.BilinearResize2D(mx.nd.ones((1, 1, 3, 4)), **attrs)
    assert out.shape == (1, 1) + size


def test_bilinear_resize_aligns_corners_by_default(ctx):
    data = mx.nd.array(np.arange(12).reshape(1, 1, 3, 4), ctx=ctx)
    out = C.BilinearResize2D(data, height=5, width=7).asnumpy()[0, 0]
    np.testing.assert_allclose(out[:, 0], [0, 2, 4, 6, 8], atol=1e-6)
    np.testing.assert_allclose(out[0], np.linspace(0, 3, 7), atol=1e-6)
    centred = C.BilinearResize2D(data, height=6, width=8, align_corners=False)
    assert centred.asnumpy()[0, 0, 0, 0] == 0     # positions before 0 clip to 0


def test_bilinear_resize_like_takes_a_second_input_with_zero_gradient():
    out = mx.sym.contrib.BilinearResize2D(mx.sym.var("data"), mx.sym.var("like"),
                                          mode="like")
    assert out.list_arguments() == ["data", "like"]
    assert out.infer_shape(data=(2, 3, 4, 4), like=(1, 1, 7, 2))[1] == [(2, 3, 7, 2)]
    like = mx.nd.ones((1, 1, 5, 5))
    like.attach_grad()
    with mx.autograd.record():
        resized = C.BilinearResize2D(mx.nd.ones((1, 1, 2, 2)), like, mode="like")
    resized.backward()
    assert resized.shape == (1, 1, 5, 5) and not like.grad.asnumpy().any()


@pytest.mark.parametrize("data, attrs, message", [
    ((1, 1, 3, 4), {"scale_height": 2.0}, "scale_width"),
    ((1, 1, 3, 4), {"height": 0, "width": 3}, "at least 1"),
    ((1, 3, 4), {"height": 2, "width": 2}, "4-D"),
    ((1, 1, 3, 4), {"mode": "odd_scale"}, "scale_height")])
def test_bilinear_resize_rejects_what_mxnet_rejects(data, attrs, message):
    with pytest.raises(MXNetError, match=f"BilinearResize2D: .*{message}"):
        C.BilinearResize2D(mx.nd.ones(data), **attrs)


def test_bilinear_resize_and_adaptive_pooling_need_floating_point_data():
    for function in (C.BilinearResize2D, C.AdaptiveAvgPooling2D):
        with pytest.raises(MXNetError, match="floating point"):
            function(mx.nd.ones((1, 1, 2, 2), dtype="int32"))


# ---- AdaptiveAvgPooling2D ----
def test_adaptive_pooling_defaults_to_a_global_average(ctx):
    data = mx.nd.array(np.arange(24).reshape(2, 1, 3, 4), ctx=ctx)
    out = C.AdaptiveAvgPooling2D(data)
    np.testing.assert_allclose(out.asnumpy().ravel(), [5.5, 17.5])


def test_adaptive_pooling_bins_overlap_when_enlarging():
    data = mx.nd.array([[[[0.0, 4.0, 8.0]]]])
    out = C.AdaptiveAvgPooling2D(data, output_size=(1, 4))
    # bins [0, 1), [0, 2), [1, 3), [2, 3): floor(i * 3 / 4) to ceil((i + 1) * 3 / 4)
    np.testing.assert_allclose(out.asnumpy().ravel(), [0, 2, 6, 8])


def test_adaptive_pooling_rejects_three_sizes():
    with pytest.raises(MXNetError, match="AdaptiveAvgPooling2D: output_size"):
        C.AdaptiveAvgPooling2D(mx.nd.ones((1, 1, 4, 4)), output_size=(1, 2, 3))


# ---- boolean_mask ----
def test_boolean_mask_keeps_rows_with_nonzero_index_and_routes_gradients(ctx):
    data = mx.nd.array(np.arange(12).reshape(4, 3), ctx=ctx)
    index = mx.nd.array([0, 2, -1, float("nan")], ctx=ctx)
    data.attach_grad()
    with mx.autograd.record():
        out = C.boolean_mask(data, index)
    out.backward(mx.nd.ones(out.shape, ctx=ctx) * 3)
    np.testing.assert_array_equal(out.asnumpy(), [[3, 4, 5], [6, 7, 8], [9, 10, 11]])
    np.testing.assert_array_equal(data.grad.asnumpy()[:, 0], [0, 3, 3, 3])


def test_boolean_mask_symbol_leaves_the_row_count_unknown_and_still_runs():
    out = mx.sym.contrib.boolean_mask(mx.sym.var("d"), mx.sym.var("i"))
    assert out.infer_shape_partial(d=(3, 4), i=(3,))[1] == [(0, 4)]   # 0: unknown
    executor = out.bind(mx.cpu(), {"d": mx.nd.ones((3, 4)),
                                   "i": mx.nd.array([1, 0, 1])})
    assert executor.forward()[0].shape == (2, 4)


@pytest.mark.parametrize("index, attrs, message", [
    ([1, 0], {}, "one value per row"), ([1, 0, 1, 1], {"axis": 1}, "axis=1")])
def test_boolean_mask_rejects_what_mxnet_rejects(index, attrs, message):
    with pytest.raises(MXNetError, match=f"boolean_mask: .*{message}"):
        C.boolean_mask(mx.nd.ones((3, 4)), mx.nd.array(index), **attrs)


# ---- index_copy, index_array, arange_like ----
def test_index_copy_truncates_indices_and_errors_out_of_range():
    out = C.index_copy(mx.nd.zeros((3, 2)), mx.nd.array([2.7]), mx.nd.ones((1, 2)))
    np.testing.assert_array_equal(out.asnumpy(), [[0, 0], [0, 0], [1, 1]])
    with pytest.raises(MXNetError, match=r"index_copy: .*outside \[0, 3\)"):
        C.index_copy(mx.nd.zeros((3, 2)), mx.nd.array([3]), mx.nd.ones((1, 2)))
    with pytest.raises(MXNetError, match="index_copy: .*at least as many rows"):
        C.index_copy(mx.nd.zeros((2, 2)), mx.nd.array([0, 1, 1]), mx.nd.ones((3, 2)))
    with pytest.raises(MXNetError, match="index_copy: .*same dtype"):
        C.index_copy(mx.nd.zeros((3, 2), dtype="float64"), mx.nd.array([0]),
                     mx.nd.ones((1, 2)))


def test_index_array_is_int64_and_checks_axes():
    out = C.index_array(mx.nd.ones((2, 3)), axes=(-1,))
    assert out.dtype == np.int64 and out.shape == (2, 3, 1)
    np.testing.assert_array_equal(out.asnumpy()[1, :, 0], [0, 1, 2])
    with pytest.raises(MXNetError, match="index_array: axes=2 is out of range"):
        C.index_array(mx.nd.ones((2, 3)), axes=(2,))


def test_arange_like_casts_start_and_step_to_the_dtype_like_mxnet():
    ints = C.arange_like(mx.nd.ones((2, 3), dtype="int32"), start=0.5, step=1.5)
    np.testing.assert_array_equal(ints.asnumpy(), [[0, 1, 2], [3, 4, 5]])
    wrapped = C.arange_like(mx.nd.ones((3,), dtype="uint8"), start=-1)
    np.testing.assert_array_equal(wrapped.asnumpy(), [255, 0, 1])
    repeated = C.arange_like(mx.nd.ones((2, 3)), repeat=4)
    np.testing.assert_array_equal(repeated.asnumpy().ravel(), [0, 0, 0, 0, 1, 1])
    with pytest.raises(MXNetError, match="arange_like: repeat must be at least 1"):
        C.arange_like(mx.nd.ones((2,)), repeat=0)


# ---- div_sqrt_dim, quadratic, allclose ----
def test_integer_div_sqrt_dim_and_quadratic_truncate_like_c():
    data = mx.nd.array([[7, -7, 9, 1]], dtype="int32")
    np.testing.assert_array_equal(C.div_sqrt_dim(data).asnumpy(), [[3, -3, 4, 0]])
    out = C.quadratic(mx.nd.array([253, 2], dtype="uint8"), a=0.5, b=-3, c=0.7)
    np.testing.assert_array_equal(out.asnumpy(), [14, 253])   # wraps like MXNet


def test_allclose_is_a_uint8_scalar_with_mxnet_nan_and_infinity_rules():
    nan = mx.nd.array([float("nan"), 1.0])
    out = C.allclose(nan, nan)
    assert out.shape == () and out.dtype == np.uint8 and out.asscalar() == 1
    assert C.allclose(nan, nan, equal_nan=False).asscalar() == 0
    infinities = C.allclose(mx.nd.array([float("inf")]), mx.nd.array([-float("inf")]))
    assert infinities.asscalar() == 1    # |inf - -inf| <= atol + rtol * inf


def test_allclose_rejects_other_shapes_dtypes_and_gradients():
    with pytest.raises(MXNetError, match="allclose: a and b must have the same shape"):
        C.allclose(mx.nd.ones((2,)), mx.nd.ones((1, 2)))
    with pytest.raises(MXNetError, match="allclose: .*same dtype"):
        C.allclose(mx.nd.ones((2,)), mx.nd.ones((2,), dtype="int32"))
    a = mx.nd.ones((2,))
    a.attach_grad()
    with mx.autograd.record():
        out = C.allclose(a, a * 1)
    with pytest.raises(MXNetError, match="not differentiable"):
        out.backward()


# ---- box_iou, box_nms, bipartite_matching ----
def test_box_iou_gives_zero_for_empty_and_inverted_boxes():
    out = C.box_iou(mx.nd.array([[0, 0, 0, 0], [0, 0, 1, 1]]),
                    mx.nd.array([[0, 0, 0, 0], [2, 2, 1, 1]]))
    np.testing.assert_array_equal(out.asnumpy(), [[0, 0], [0, 0]])
    with pytest.raises(MXNetError, match=r"box_iou: rhs .*\(1, 3\)"):
        C.box_iou(mx.nd.ones((1, 4)), mx.nd.ones((1, 3)))


NMS_BOXES = [[0, 0.8, 0, 0, 1, 0.9], [0, 0.9, 0, 0, 1, 1], [0, 0.7, 2, 2, 3, 3]]


def test_box_nms_compacts_kept_rows_and_moves_their_gradient_back(ctx):
    data = mx.nd.array(NMS_BOXES, ctx=ctx)
    data.attach_grad()
    with mx.autograd.record():
        out = C.box_nms(data)
    out.backward(mx.nd.array(np.arange(18).reshape(3, 6), ctx=ctx))
    np.testing.assert_allclose(out.asnumpy()[:, 1], [0.9, 0.7, -1])
    np.testing.assert_array_equal(data.grad.asnumpy(),
                                  [[0] * 6, list(range(6)), list(range(6, 12))])


def test_box_nms_topk_zero_returns_the_input_and_equal_iou_is_kept():
    data = mx.nd.array(NMS_BOXES)
    np.testing.assert_array_equal(C.box_nms(data, topk=0).asnumpy(), data.asnumpy())
    half = mx.nd.array([[0, 0.9, 0, 0, 1, 1], [0, 0.8, 0, 0, 1, 0.5]])   # IoU = 0.5
    assert (C.box_nms(half).asnumpy() != -1).all()


def test_box_nms_has_one_visible_output_named_like_mxnet():
    out = mx.sym.contrib.box_nms(mx.sym.var("d"))
    assert out.list_outputs() == ["box_nms0_output0"]
    alias = C.box_non_maximum_suppression(mx.nd.array(NMS_BOXES))
    assert isinstance(alias, mx.nd.NDArray)


@pytest.mark.parametrize("attrs, message", [
    ({"coord_start": 3}, "coord_start=3"), ({"score_index": 5}, "score_index=5"),
    ({"id_index": 1}, "id_index=1"), ({"score_index": -1}, "score_index=-1")])
def test_box_nms_rejects_overlapping_or_missing_columns(attrs, message):
    with pytest.raises(MXNetError, match=f"box_nms: {message}"):
        C.box_nms(mx.nd.array(NMS_BOXES), **attrs)


def test_roi_align_zeroes_negative_batch_rows_and_checks_shapes():
    rois = mx.nd.array([[-1, 0, 0, 2, 2], [0, 0, 0, 2, 2]])
    out = C.ROIAlign(mx.nd.ones((1, 2, 4, 4)), rois, pooled_size=(2, 2),
                     spatial_scale=1.0)
    np.testing.assert_allclose(out.asnumpy()[:, 0, 0, 0], [0, 1])
    with pytest.raises(MXNetError, match="ROIAlign: rois must be"):
        C.ROIAlign(mx.nd.ones((1, 2, 4, 4)), mx.nd.ones((2, 4)), pooled_size=(2, 2),
                   spatial_scale=1.0)
    with pytest.raises(MXNetError, match="ROIAlign: position_sensitive"):
        C.ROIAlign(mx.nd.ones((1, 3, 4, 4)), rois, pooled_size=(2, 2),
                   spatial_scale=1.0, position_sensitive=True)


def test_bipartite_matching_topk_stops_only_after_exceeding_it():
    scores = mx.nd.array(np.random.RandomState(0).rand(5, 4))
    rows, columns = C.bipartite_matching(scores, threshold=0.0, topk=1)
    assert (rows.asnumpy() >= 0).sum() == 2          # MXNet's off-by-one, kept
    rows, columns = C.bipartite_matching(scores, threshold=0.0)
    assert (columns.asnumpy() >= 0).sum() == 4
    with pytest.raises(MXNetError, match="threshold"):
        C.bipartite_matching(scores)


# ---- Python-level helpers of mx.nd.contrib ----
def test_isinf_isnan_isfinite_give_ones_and_zeros():
    data = mx.nd.array([float("inf"), -float("inf"), float("nan"), 1.0])
    np.testing.assert_array_equal(C.isinf(data).asnumpy(), [1, 1, 0, 0])
    np.testing.assert_array_equal(C.isnan(data).asnumpy(), [0, 0, 1, 0])
    np.testing.assert_array_equal(C.isfinite(data).asnumpy(), [0, 0, 0, 1])


def test_foreach_stacks_outputs_and_records_every_step():
    data = mx.nd.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    state = mx.nd.ones((2,))
    data.attach_grad()
    state.attach_grad()
    with mx.autograd.record():
        outputs, states = C.foreach(lambda x, s: (x * s[0], [s[0] * 2]), data, [state])
        loss = outputs.sum() + states[0].sum()
    loss.backward()
    np.testing.assert_array_equal(outputs.asnumpy(), [[1, 2], [6, 8], [20, 24]])
    np.testing.assert_array_equal(data.grad.asnumpy(), [[1, 1], [2, 2], [4, 4]])
    # d/ds of x0 * s + x1 * 2s + x2 * 4s + 8s
    np.testing.assert_array_equal(state.grad.asnumpy(),
                                  [1 + 6 + 20 + 8, 2 + 8 + 24 + 8])


def test_foreach_keeps_the_nesting_of_list_data_and_outputs():
    data = [mx.nd.array([1.0, 2.0]), mx.nd.array([10.0, 20.0])]
    outputs, states = C.foreach(lambda x, s: ([x[0] + x[1], x[0]], s), data, [])
    assert [o.shape for o in outputs] == [(2, 1), (2, 1)] and states == []
    np.testing.assert_array_equal(outputs[0].asnumpy().ravel(), [11, 22])


def test_while_loop_pads_outputs_to_max_iterations_with_zeros_and_records():
    start = mx.nd.array([1.0])
    start.attach_grad()
    with mx.autograd.record():
        outputs, (i, total) = C.while_loop(
            lambda i, total: i < 4, lambda i, total: (total * 2, [i + 1, total * 2]),
            [mx.nd.array([1.0]), start], max_iterations=5)
    total.backward()
    np.testing.assert_array_equal(outputs.asnumpy().ravel(), [2, 4, 8, 0, 0])
    assert total.asscalar() == 8 and start.grad.asscalar() == 8


def test_while_loop_needs_max_iterations_and_gives_no_outputs_if_cond_never_holds():
    with pytest.raises(ValueError, match="max_iterations"):
        C.while_loop(lambda i: i < 3, lambda i: (i, i + 1), mx.nd.array([0]))
    outputs, final = C.while_loop(lambda i: i < 0, lambda i: (i, i + 1),
                                  mx.nd.array([0]), max_iterations=3)
    assert outputs == [] and final.asscalar() == 0


def test_cond_runs_only_the_branch_taken():
    ran = []
    out = C.cond(mx.nd.array([0]), lambda: ran.append("then") or mx.nd.ones(1),
                 lambda: ran.append("else") or mx.nd.zeros(1))
    assert ran == ["else"] and out.asscalar() == 0


@pytest.mark.parametrize("name", ["foreach", "while_loop", "cond"])
def test_symbolic_control_flow_says_it_needs_subgraphs(name):
    with pytest.raises(NotImplementedError, match=f"mx.nd.contrib.{name}"):
        getattr(mx.sym.contrib, name)(None, None, None)
