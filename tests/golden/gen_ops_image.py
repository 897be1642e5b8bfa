"""Golden cases for dlkit/ops/image.py (run under MXNet 1.9.1; see README.md).

``to_tensor`` (uint8, float, batched), ``normalize`` (per-channel and scalar mean and
std, CHW and NCHW), ``resize`` (bilinear up, down, by non-integer factors and by an
exact 2x, uint8 and float, ``keep_ratio``, nearest, batched), ``crop``, the flips,
``adjust_lighting`` (with uint8 saturation) and the random color ops with a fixed
factor (``min_factor == max_factor``), so their numbers are MXNet's::

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_ops_image.py

MXNet 1.9.1's gradients of ``to_tensor`` and the flips are the head gradient passed
through unchanged (not the derivative), and its random color ops have no true
gradient, so those cases store outputs only; dlkit's true gradients are tested in
tests/ops/test_image.py.
"""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(17)
golden = GoldenWriter("ops_image")


def _expose_image_ops():
    """MXNet's Python shows ``_image_X`` only as ``mx.nd.image.X``; give it the
    registered name too, which ``GoldenWriter.op_case`` (and dlkit's replay) call."""
    import mxnet as mx
    for short_name in dir(mx.nd.image):
        if not short_name.startswith("_"):
            setattr(mx.nd, "_image_" + short_name, getattr(mx.nd.image, short_name))


_expose_image_ops()


def pixels(*shape):
    return random.randint(0, 256, size=shape).astype(np.uint8)


def floats(*shape, low=0.0, high=255.0, dtype=np.float32):
    return random.uniform(low, high, size=shape).astype(dtype)


# ---- to_tensor, normalize ----
for case_id, data in [("to_tensor_uint8", pixels(3, 4, 3)),
                      ("to_tensor_float32", floats(2, 5, 1)),
                      ("to_tensor_float64", floats(4, 2, 3, dtype=np.float64)),
                      ("to_tensor_batch", pixels(2, 3, 2, 3))]:
    golden.op_case(case_id, "_image_to_tensor", {"data": data}, grad_inputs=[])
golden.op_case("normalize_per_channel", "_image_normalize",
               {"data": floats(3, 4, 5, low=0, high=1)},
               {"mean": (0.485, 0.456, 0.406), "std": (0.229, 0.224, 0.225)})
golden.op_case("normalize_scalar_batch", "_image_normalize",
               {"data": floats(2, 3, 2, 3, low=-1, high=1)},
               {"mean": 0.5, "std": 0.25})
golden.op_case("normalize_one_channel", "_image_normalize",
               {"data": floats(2, 1, 3, 4, low=0, high=1, dtype=np.float64)},
               {"mean": (0.3,), "std": (2.0,)})

# ---- resize ----
for case_id, data, attrs in [
        ("resize_uint8_up", pixels(5, 7, 3), {"size": (11, 9)}),
        ("resize_uint8_down", pixels(13, 17, 3), {"size": (6, 5)}),
        ("resize_uint8_mixed", pixels(9, 8, 1), {"size": (19, 4)}),
        ("resize_uint8_half", pixels(8, 10, 3), {"size": (5, 4)}),
        ("resize_uint8_square", pixels(6, 9, 3), {"size": 4}),
        ("resize_uint8_keep_ratio_wide", pixels(6, 9, 3), {"size": 4,
                                                           "keep_ratio": True}),
        ("resize_uint8_keep_ratio_tall", pixels(9, 5, 1), {"size": 7,
                                                           "keep_ratio": True}),
        ("resize_float32", floats(7, 6, 3), {"size": (10, 3)}),
        ("resize_float64", floats(5, 9, 1, dtype=np.float64), {"size": (4, 8)}),
        ("resize_float32_half", floats(6, 8, 3), {"size": (4, 3)}),
        ("resize_batch", pixels(2, 6, 5, 3), {"size": (8, 3)}),
        ("resize_nearest_uint8", pixels(7, 9, 3), {"size": (13, 5), "interp": 0}),
        ("resize_nearest_float32", floats(9, 5, 1), {"size": (3, 14), "interp": 0})]:
    golden.op_case(case_id, "_image_resize", {"data": data}, attrs, grad_inputs=[])

# ---- crop, flips ----
golden.op_case("crop", "_image_crop", {"data": floats(5, 6, 3)},
               {"x": 1, "y": 2, "width": 4, "height": 3})
golden.op_case("crop_batch", "_image_crop", {"data": floats(2, 4, 4, 1)},
               {"x": 0, "y": 1, "width": 4, "height": 2})
golden.op_case("crop_uint8", "_image_crop", {"data": pixels(4, 5, 3)},
               {"x": 4, "y": 3, "width": 1, "height": 1})
# even sizes: MXNet 1.9.1 leaves the middle row or column of odd sizes unwritten
for op_name in ("_image_flip_left_right", "_image_flip_top_bottom"):
    golden.op_case(f"{op_name[7:]}", op_name, {"data": floats(4, 6, 3)},
                   grad_inputs=[])
    golden.op_case(f"{op_name[7:]}_uint8", op_name, {"data": pixels(2, 4, 1)},
                   grad_inputs=[])

# ---- lighting and color with fixed factors ----
golden.op_case("adjust_lighting", "_image_adjust_lighting", {"data": floats(3, 4, 3)},
               {"alpha": (0.3, -0.5, 1.2)})
golden.op_case("adjust_lighting_uint8", "_image_adjust_lighting",
               {"data": np.array([[[250, 3, 100], [20, 40, 60]]], dtype=np.uint8)},
               {"alpha": (1.0, 0.2, -0.3)})
golden.op_case("adjust_lighting_float64", "_image_adjust_lighting",
               {"data": floats(2, 2, 3, dtype=np.float64)}, {"alpha": (-1.0, 2.0, 0.5)})
golden.op_case("random_lighting_zero_std", "_image_random_lighting",
               {"data": floats(2, 3, 3)}, {"alpha_std": 0.0})
color = np.array([[[10, 200, 30], [100, 50, 250], [0, 0, 0]],
                  [[255, 255, 255], [90, 90, 40], [3, 200, 180]]], dtype=np.float32)
for op_name, factors in [("_image_random_brightness", (0.6, 1.7)),
                         ("_image_random_contrast", (0.4, 1.8)),
                         ("_image_random_saturation", (0.3, 1.6)),
                         ("_image_random_hue", (0.1, 0.55, 0.93, 1.3))]:
    for factor in factors:
        golden.op_case(f"{op_name[7:]}_{factor}", op_name,
                       {"data": color + floats(2, 3, 3, low=0, high=0.5)},
                       {"min_factor": factor, "max_factor": factor}, grad_inputs=[])
    if op_name != "_image_random_hue":   # uint8 hue may differ by 1 (see the op)
        golden.op_case(f"{op_name[7:]}_uint8", op_name,
                       {"data": color.astype(np.uint8)},
                       {"min_factor": factors[-1], "max_factor": factors[-1]},
                       grad_inputs=[])
    if op_name != "_image_random_hue":   # MXNet leaves a gray image's hue unwritten
        golden.op_case(f"{op_name[7:]}_gray", op_name, {"data": floats(3, 2, 1)},
                       {"min_factor": factors[0], "max_factor": factors[0]},
                       grad_inputs=[])


# ---- bicubic uint8 where OpenCV's row pass rounds in float32 (blocks of 8 values per
# output row) and the leftover values in fixed point; the seeds pick images where the
# two roundings differ; own RandomStates, so the arrays above keep their values
for case_id, seed, shape, size in [
        ("resize_bicubic_uint8_blocks", 20, (6, 3, 1), (9, 9)),
        ("resize_bicubic_uint8_blocks_rgb", 6, (9, 4, 3), (3, 7)),
        ("resize_bicubic_uint8_blocks_rgb_wide", 30, (7, 5, 3), (11, 13)),
        ("resize_bicubic_uint8_blocks_gray", 33, (4, 9, 1), (17, 5))]:
    image = np.random.RandomState(seed).randint(0, 256, size=shape).astype(np.uint8)
    golden.op_case(case_id, "_image_resize", {"data": image},
                   {"size": size, "interp": 2}, grad_inputs=[])

golden.save()
