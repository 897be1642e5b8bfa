"""Golden cases for dlkit/ops/contrib.py (run under MXNet 1.9.1; see README.md).

The ``_contrib_*`` operators behind ``mx.nd.contrib``: image resizing, masking and
index ops, boxes (IoU, NMS, matching) and detection layers; outputs and gradients::

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_ops_contrib.py

MXNet shows these ops only as ``mx.nd.contrib.X``; the writer looks names up in
``mx.nd``, so each is also filed there under its registered name ``_contrib_X``.
"""
import mxnet as mx
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(5)
golden = GoldenWriter("ops_contrib")

for short in ["BilinearResize2D", "AdaptiveAvgPooling2D", "boolean_mask", "index_copy",
              "index_array", "arange_like", "div_sqrt_dim", "quadratic", "allclose",
              "box_iou", "box_nms", "box_non_maximum_suppression",
              "bipartite_matching", "ROIAlign"]:
    setattr(mx.nd, "_contrib_" + short, getattr(mx.nd.contrib, short))


def uniform(*shape, low=-1.0, high=1.0):
    return random.uniform(low, high, size=shape).astype(np.float32)


# ---- BilinearResize2D: every mode, both corner conventions, up and down ----
image = uniform(2, 3, 3, 4)
resize = "_contrib_BilinearResize2D"
for align in (True, False):
    golden.op_case(f"resize_up_align{int(align)}", resize, {"data": image},
                   {"height": 5, "width": 7, "align_corners": align})
    golden.op_case(f"resize_down_align{int(align)}", resize,
                   {"data": uniform(1, 2, 6, 7)},
                   {"height": 4, "width": 3, "align_corners": align})
    golden.op_case(f"resize_scale_align{int(align)}", resize, {"data": image},
                   {"scale_height": 1.3, "scale_width": 2.5, "align_corners": align})
golden.op_case("resize_to_one", resize, {"data": image}, {"height": 1, "width": 2})
golden.op_case("resize_float64", resize, {"data": image.astype(np.float64)},
               {"height": 4, "width": 2})
for mode in ["to_even_down", "to_even_up", "to_odd_down", "to_odd_up"]:
    golden.op_case(f"resize_{mode}", resize, {"data": uniform(1, 2, 3, 4)},
                   {"mode": mode})
golden.op_case("resize_odd_scale", resize, {"data": uniform(1, 1, 3, 4)},
               {"mode": "odd_scale", "scale_height": 2.0, "scale_width": 1.5})
golden.op_case("resize_odd_scale_down", resize, {"data": uniform(1, 1, 5, 6)},
               {"mode": "odd_scale", "scale_height": 0.5, "scale_width": 0.5,
                "align_corners": False})
golden.op_case("resize_like", resize, {"data": image, "like": uniform(2, 3, 6, 2)},
               {"mode": "like"})

# ---- AdaptiveAvgPooling2D: down, up (overlapping bins), default (1, 1) ----
pool = "_contrib_AdaptiveAvgPooling2D"
golden.op_case("adaptive_pool_pair", pool, {"data": uniform(2, 2, 5, 7)},
               {"output_size": (3, 3)})
golden.op_case("adaptive_pool_int", pool, {"data": uniform(1, 3, 6, 4)},
               {"output_size": 4})
golden.op_case("adaptive_pool_up", pool, {"data": uniform(1, 1, 3, 4)},
               {"output_size": (5, 9)})
golden.op_case("adaptive_pool_global", pool, {"data": uniform(2, 2, 3, 3)})

# ---- boolean_mask, index_copy, index_array, arange_like ----
golden.op_case("boolean_mask", "_contrib_boolean_mask",
               {"data": uniform(5, 3), "index": np.array([0, 1, 0, 2, -1], np.float32)})
golden.op_case("boolean_mask_3d_int_index", "_contrib_boolean_mask",
               {"data": uniform(3, 2, 2), "index": np.array([1, 0, 1], np.int32)})
golden.op_case("boolean_mask_none", "_contrib_boolean_mask",
               {"data": uniform(3, 2), "index": np.zeros(3, np.float32)})
golden.op_case("index_copy", "_contrib_index_copy",
               {"old_tensor": uniform(5, 3),
                "index_vector": np.array([0, 4, 2], np.float32),
                "new_tensor": uniform(3, 3)})
golden.op_case("index_copy_1d_int_index", "_contrib_index_copy",
               {"old_tensor": uniform(6), "index_vector": np.array([5, 1], np.int64),
                "new_tensor": uniform(2)})
golden.op_case("index_array", "_contrib_index_array", {"data": uniform(2, 3)})
golden.op_case("index_array_axes", "_contrib_index_array", {"data": uniform(3, 2, 2)},
               {"axes": (1, -3)})
golden.op_case("arange_like", "_contrib_arange_like", {"data": uniform(2, 3)})
golden.op_case("arange_like_repeat", "_contrib_arange_like", {"data": uniform(2, 3, 2)},
               {"start": 1.5, "step": 0.25, "repeat": 3})
golden.op_case("arange_like_axis", "_contrib_arange_like", {"data": uniform(2, 5)},
               {"start": -2.0, "step": 3.0, "axis": -1})
golden.op_case("arange_like_int32", "_contrib_arange_like",
               {"data": np.ones((2, 3), np.int32)}, {"start": 0.5, "step": 1.5})
golden.op_case("arange_like_uint8_wraps", "_contrib_arange_like",
               {"data": np.ones((4,), np.uint8)}, {"start": -1.0})

# ---- div_sqrt_dim, quadratic, allclose ----
golden.op_case("div_sqrt_dim", "_contrib_div_sqrt_dim", {"data": uniform(2, 3, 5)})
golden.op_case("div_sqrt_dim_int32", "_contrib_div_sqrt_dim",
               {"data": np.array([[7, -7, 9, 1, 2, 3, 4, 5, 6]], np.int32)})
golden.op_case("quadratic", "_contrib_quadratic", {"data": uniform(3, 4)},
               {"a": 1.5, "b": -2.0, "c": 0.25})
golden.op_case("quadratic_default", "_contrib_quadratic", {"data": uniform(2, 2)})
golden.op_case("quadratic_int32", "_contrib_quadratic",
               {"data": np.array([-3, 2, 5], np.int32)}, {"a": 0.5, "b": 0.3, "c": 0.7})
golden.op_case("quadratic_uint8", "_contrib_quadratic",
               {"data": np.array([253, 2], np.uint8)}, {"a": 0.5, "b": -3.0, "c": 0.7})
close_a = np.array([1e10, 1e-7, np.nan, np.inf], np.float32)
for case_id, b_values, attrs in [
        ("allclose_false", [1.00001e10, 1e-8, np.nan, np.inf], {}),
        ("allclose_true", [1.00001e10, 1e-7, np.nan, np.inf], {}),
        ("allclose_nan_unequal", [1e10, 1e-7, np.nan, np.inf], {"equal_nan": False}),
        ("allclose_loose", [1.1e10, 2e-7, np.nan, np.inf],
         {"rtol": 0.2, "atol": 1e-6})]:
    golden.op_case(case_id, "_contrib_allclose",
                   {"a": close_a, "b": np.array(b_values, np.float32)}, attrs,
                   grad_inputs=[])
golden.op_case("allclose_infinities", "_contrib_allclose",
               {"a": np.array([1, np.inf], np.float32),
                "b": np.array([1, -np.inf], np.float32)}, grad_inputs=[])

# ---- box_iou ----
corner_a = np.array([[0.5, 0.5, 1.0, 1.0], [0.0, 0.0, 0.5, 0.5], [0.1, 0.2, 0.9, 0.6],
                     [0.3, 0.3, 0.2, 0.2]], np.float32)
corner_b = np.array([[0.25, 0.25, 0.75, 0.75], [0, 0, 1, 1], [0.2, 0.1, 0.4, 0.3]],
                    np.float32)
golden.op_case("box_iou_corner", "_contrib_box_iou", {"lhs": corner_a, "rhs": corner_b})
golden.op_case("box_iou_center_nd", "_contrib_box_iou",
               {"lhs": uniform(2, 1, 4, low=0.1, high=1), "rhs": uniform(3, 4, low=0.1,
                                                                         high=1)},
               {"format": "center"})

# ---- box_nms: each attribute ----
nms_boxes = np.array([[0, 0.5, 0.1, 0.1, 0.2, 0.2], [1, 0.4, 0.1, 0.1, 0.2, 0.2],
                      [0, 0.3, 0.1, 0.1, 0.14, 0.14], [2, 0.6, 0.5, 0.5, 0.7, 0.8],
                      [1, 0.55, 0.12, 0.1, 0.22, 0.21], [0, 0.05, 0.5, 0.5, 0.7, 0.7],
                      [-1, 0.7, 0.52, 0.5, 0.7, 0.8]], np.float32)
nms = "_contrib_box_nms"
for case_id, attrs in [
        ("nms_default", {}),
        ("nms_force", {"overlap_thresh": 0.1, "id_index": 0, "force_suppress": True}),
        ("nms_per_class", {"overlap_thresh": 0.1, "id_index": 0}),
        ("nms_valid_thresh", {"valid_thresh": 0.45}),
        ("nms_topk", {"topk": 3}),
        ("nms_topk_zero", {"topk": 0}),
        ("nms_background", {"id_index": 0, "background_id": 0}),
        ("nms_out_center", {"out_format": "center"}),
        ("nms_in_center", {"in_format": "center", "overlap_thresh": 0.3}),
        ("nms_both_center", {"in_format": "center", "out_format": "center"})]:
    golden.op_case(case_id, nms, {"data": nms_boxes}, attrs)
golden.op_case("nms_alias_batched", "_contrib_box_non_maximum_suppression",
               {"data": nms_boxes[:6].reshape(2, 3, 6)}, {"overlap_thresh": 0.2})
golden.op_case("nms_score_first_extra_column", nms,
               {"data": np.array([[0.8, 0, 0, 1, 0.9, 7], [0.9, 0, 0, 1, 1, 8],
                                  [0.7, 2, 2, 3, 3, 9]], np.float32)},
               {"coord_start": 1, "score_index": 0, "out_format": "center"})
golden.op_case("nms_random_4d", nms, {"data": uniform(2, 1, 8, 6, low=0, high=1)},
               {"overlap_thresh": 0.05, "coord_start": 2, "score_index": 0})

# ---- bipartite_matching ----
scores = uniform(5, 4, low=0, high=1)
match = "_contrib_bipartite_matching"
golden.op_case("bipartite", match,
               {"data": np.array([[0.5, 0.6], [0.1, 0.2], [0.3, 0.4]], np.float32)},
               {"threshold": 1e-12})
for topk in (-1, 1, 2):
    golden.op_case(f"bipartite_topk{topk}", match, {"data": scores},
                   {"threshold": 0.3, "topk": topk})
golden.op_case("bipartite_ascend", match, {"data": scores},
               {"threshold": 0.6, "is_ascend": True})
golden.op_case("bipartite_batched", match, {"data": uniform(2, 2, 4, 3, low=0, high=1)},
               {"threshold": 0.0})

# ---- ROIAlign: adaptive and fixed sampling, aligned, position-sensitive ----
feature_map = uniform(2, 4, 6, 7)
regions = np.array([[0, 0.5, 1.0, 9.2, 7.3], [1, 2, 0, 12, 10], [0, 3, 3, 3.4, 3.2],
                    [1, -3, -2, 5, 20]], np.float32)
roi_align = "_contrib_ROIAlign"
golden.op_case("roi_align", roi_align, {"data": feature_map, "rois": regions},
               {"pooled_size": (2, 3), "spatial_scale": 0.5})
golden.op_case("roi_align_sample_ratio", roi_align,
               {"data": feature_map, "rois": regions},
               {"pooled_size": (3, 2), "spatial_scale": 0.75, "sample_ratio": 2})
golden.op_case("roi_align_aligned", roi_align, {"data": feature_map, "rois": regions},
               {"pooled_size": (2, 2), "spatial_scale": 0.5, "aligned": True})
golden.op_case("roi_align_position_sensitive", roi_align,
               {"data": feature_map, "rois": regions},
               {"pooled_size": (2, 2), "spatial_scale": 0.5, "position_sensitive": True,
                "sample_ratio": 3})
golden.save()
