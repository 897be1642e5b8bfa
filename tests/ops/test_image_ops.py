"""Hand-written tests for dlkit/ops/image.py: what the registry sweep and the MXNet
goldens (tests/golden/ops_image.json) miss: MXNet's quirks and error cases, the true
gradients where MXNet 1.9.1's are wrong, and the random ops' draws. Numbers marked
"MXNet" were printed by MXNet 1.9.1."""
import numpy as np
import pytest

import dlkit as mx
from dlkit import autograd
from dlkit.base import MXNetError

COLOR = [[[10, 200, 30], [100, 50, 250]], [[0, 0, 0], [255, 255, 255]]]


def image(values, ctx, dtype="float32"):
    return mx.nd.array(values, ctx=ctx, dtype=dtype)


def gradient(function, data, head):
    data.attach_grad()
    with autograd.record():
        output = function(data)
    output.backward(mx.nd.array(head, ctx=data.context))
    return output.asnumpy(), data.grad.asnumpy()


# ---- to_tensor, normalize ----
def test_to_tensor_makes_chw_float32_in_zero_one(ctx):
    pixels = np.arange(24).reshape(2, 4, 3)
    for dtype in ("uint8", "int32", "float64", "float16"):
        out = mx.nd.image.to_tensor(image(pixels, ctx, dtype))
        assert out.shape == (3, 2, 4) and out.dtype == np.float32
        np.testing.assert_allclose(out.asnumpy(), pixels.transpose(2, 0, 1) / 255,
                                   rtol=1e-6)
    batch = image(pixels[None], ctx, "uint8")
    assert mx.nd.image.to_tensor(batch).shape == (1, 3, 2, 4)


def test_to_tensor_gradient_is_the_true_one_not_mxnets_pass_through(ctx):
    # MXNet 1.9.1 returns the head gradient unchanged (and fails unless H == W == C)
    head = np.random.uniform(-1, 1, (3, 2, 4))
    _, grad = gradient(mx.nd.image.to_tensor, image(np.ones((2, 4, 3)), ctx), head)
    np.testing.assert_allclose(grad, head.transpose(1, 2, 0) / 255, rtol=1e-6)


def test_to_tensor_rejects_images_without_three_or_four_axes(ctx):
    with pytest.raises(MXNetError, match=r"_image_to_tensor.*\(height, width, chan"):
        mx.nd.image.to_tensor(image(np.ones((2, 3)), ctx))


def test_normalize_of_integers_truncates_like_mxnet(ctx):
    data = image(np.arange(12).reshape(3, 2, 2), ctx, "uint8")
    out = mx.nd.image.normalize(data, mean=(1, 2, 3), std=(2, 3, 0.5))
    assert out.dtype == np.uint8   # MXNet: [0, 0, 0, 1, 0, 1, 1, 1, 10, 12, 14, 16]
    assert out.asnumpy().ravel().tolist() == [0, 0, 0, 1, 0, 1, 1, 1, 10, 12, 14, 16]


def test_normalize_needs_mean_and_std_since_mxnets_defaults_have_four_values(ctx):
    data = image(np.ones((3, 2, 2)), ctx)
    with pytest.raises(MXNetError, match="mean must have 1 or 3 values"):
        mx.nd.image.normalize(data)
    with pytest.raises(MXNetError, match="std must have 1 or 3 values"):
        mx.nd.image.normalize(data, mean=0.5)
    with pytest.raises(MXNetError, match="channel axis .* 1 or 3"):
        mx.nd.image.normalize(image(np.ones((5, 2, 2)), ctx), mean=0, std=1)


def test_normalize_gradient_divides_by_std(ctx):
    head = np.ones((3, 2, 2))
    _, grad = gradient(lambda x: mx.nd.image.normalize(x, mean=(1, 2, 3),
                                                       std=(1, 2, 4)),
                       image(np.ones((3, 2, 2)), ctx), head)
    np.testing.assert_allclose(grad[:, 0, 0], [1, 0.5, 0.25])


# ---- resize, crop ----
@pytest.mark.parametrize("height, width, size, expected", [
    ((3, 7, 2, (2, 4))), ((7, 3, 2, (4, 2))), ((5, 8, 3, (3, 4))),
    ((2, 9, 5, (5, 22))), ((6, 6, 4, (4, 4)))])
def test_resize_keep_ratio_rounds_the_long_side_down_like_mxnet(
        ctx, height, width, size, expected):
    out = mx.nd.image.resize(image(np.ones((height, width, 1)), ctx), size=size,
                             keep_ratio=True)
    assert out.shape == (*expected, 1)


def test_resize_takes_width_then_height_and_ignores_keep_ratio_for_two_sizes(ctx):
    data = image(np.ones((4, 6, 3)), ctx, "uint8")
    assert mx.nd.image.resize(data, size=(3, 2), keep_ratio=True).shape == (2, 3, 3)
    assert mx.nd.image.resize(data[None], size=(5,)).shape == (1, 5, 5, 3)


def test_resize_bilinear_uint8_rounds_in_opencvs_fixed_point(ctx):
    # a 2x2 checkerboard stretched to 3x3: every new pixel is 127.5 in exact
    # arithmetic; OpenCV's truncating fixed point gives 127 along the first and last
    # rows and 128 elsewhere, and so does dlkit (MXNet printed these numbers)
    data = image([[[0], [255]], [[255], [0]]], ctx, "uint8")
    out = mx.nd.image.resize(data, size=3).asnumpy()[..., 0]
    assert out.tolist() == [[0, 127, 255], [128, 128, 128], [255, 127, 0]]
    as_float = mx.nd.image.resize(data.astype("float32"), size=3).asnumpy()[..., 0]
    np.testing.assert_allclose(as_float[1], [127.5, 127.5, 127.5])


def test_resize_errors_name_the_fix(ctx):
    data = image(np.ones((4, 6, 3)), ctx)
    with pytest.raises(MXNetError, match="size must be"):
        mx.nd.image.resize(data, size=(3, 2, 1))
    with pytest.raises(MXNetError, match="size must be positive"):
        mx.nd.image.resize(data, size=0)
    with pytest.raises(MXNetError,
                       match="interp=3.*0 \\(nearest\\), 1 \\(bilinear\\), 2"):
        mx.nd.image.resize(data, size=2, interp=3)
    with pytest.raises(MXNetError, match="uint8, float32 or float64.*int32"):
        mx.nd.image.resize(data.astype("int32"), size=2)


def test_crop_gradient_puts_the_head_back_in_the_box(ctx):
    head = np.arange(18).reshape(2, 3, 3)
    out, grad = gradient(lambda x: mx.nd.image.crop(x, x=1, y=2, width=3, height=2),
                         image(np.arange(60).reshape(4, 5, 3), ctx), head)
    assert out.shape == (2, 3, 3)   # MXNet's channel-0 gradient, printed:
    assert grad[..., 0].tolist() == [[0] * 5, [0] * 5, [0, 0, 3, 6, 0],
                                     [0, 9, 12, 15, 0]]


def test_crop_errors(ctx):
    data = image(np.ones((4, 5, 3)), ctx)
    with pytest.raises(MXNetError, match="x \\+ width = 6 is past the image's width 5"):
        mx.nd.image.crop(data, x=4, y=0, width=2, height=1)
    with pytest.raises(MXNetError, match="y \\+ height = 5 is past"):
        mx.nd.image.crop(data, x=0, y=3, width=1, height=2)
    with pytest.raises(MXNetError, match="x, y >= 0"):   # MXNet reads outside
        mx.nd.image.crop(data, x=-1, y=0, width=1, height=1)
    with pytest.raises(MXNetError, match="required attribute 'height'"):
        mx.nd.image.crop(data, x=1, y=1, width=2)


# ---- flips ----
def test_flips_handle_odd_sizes_that_mxnet_leaves_half_written(ctx):
    pixels = np.arange(15).reshape(3, 5, 1)
    left_right = mx.nd.image.flip_left_right(image(pixels, ctx)).asnumpy()
    top_bottom = mx.nd.image.flip_top_bottom(image(pixels, ctx)).asnumpy()
    np.testing.assert_array_equal(left_right, pixels[:, ::-1])
    np.testing.assert_array_equal(top_bottom, pixels[::-1])


def test_flip_gradient_flips_the_head_back(ctx):
    head = np.random.uniform(-1, 1, (2, 4, 3))
    _, grad = gradient(mx.nd.image.flip_left_right, image(np.ones((2, 4, 3)), ctx),
                       head)
    np.testing.assert_allclose(grad, head[:, ::-1])


def test_flips_want_one_hwc_image_with_1_or_3_channels(ctx):
    with pytest.raises(MXNetError, match="\\(height, width, channels\\), got"):
        mx.nd.image.flip_top_bottom(image(np.ones((1, 2, 4, 3)), ctx))
    with pytest.raises(MXNetError, match="1 or 3 elements, got 2"):
        mx.nd.image.flip_left_right(image(np.ones((2, 4, 2)), ctx))


def test_random_flip_flips_about_half_the_time_and_its_gradient_follows(ctx):
    pixels = np.arange(24).reshape(2, 4, 3)
    flips = 0
    for _ in range(40):
        head = np.random.uniform(-1, 1, (2, 4, 3))
        out, grad = gradient(mx.nd.image.random_flip_left_right, image(pixels, ctx),
                             head)
        flipped = bool((out != pixels).any())
        np.testing.assert_array_equal(out, pixels[:, ::-1] if flipped else pixels)
        np.testing.assert_allclose(grad, head[:, ::-1] if flipped else head)
        flips += flipped
    assert 8 < flips < 32


def test_random_flip_top_bottom_repeats_under_a_seed(ctx):
    data = image(np.arange(24).reshape(4, 2, 3), ctx)
    mx.random.seed(3)
    first = [mx.nd.image.random_flip_top_bottom(data).asnumpy() for _ in range(6)]
    mx.random.seed(3)
    again = [mx.nd.image.random_flip_top_bottom(data).asnumpy() for _ in range(6)]
    np.testing.assert_array_equal(first, again)


# ---- lighting and color ----
def test_adjust_lighting_adds_alexnets_pca_colors(ctx):
    out = mx.nd.image.adjust_lighting(image(np.zeros((1, 1, 3)), ctx, "float64"),
                                      alpha=(1, 0, 0))
    # MXNet: [-31.47355079650879, -32.21116638183594, -32.366455078125]
    np.testing.assert_allclose(out.asnumpy().ravel(), [-31.47355, -32.211166,
                                                       -32.366455], rtol=1e-6)


def test_adjust_lighting_saturates_uint8_like_mxnet(ctx):
    data = image([[[250, 3, 100]]], ctx, "uint8")
    darker = mx.nd.image.adjust_lighting(data, alpha=(1, 0, 0))
    brighter = mx.nd.image.adjust_lighting(data, alpha=(-1, 0, 0))
    assert darker.asnumpy().ravel().tolist() == [218, 0, 67]        # MXNet
    assert brighter.asnumpy().ravel().tolist() == [255, 35, 132]    # MXNet


def test_adjust_lighting_needs_three_alphas(ctx):
    with pytest.raises(MXNetError, match="alpha needs 3 values"):
        mx.nd.image.adjust_lighting(image(np.ones((2, 2, 3)), ctx), alpha=(1, 0))


def test_random_lighting_adds_one_color_to_every_pixel(ctx):
    data = image(np.zeros((2, 3, 3)), ctx)
    assert (mx.nd.image.random_lighting(data, alpha_std=0).asnumpy() == 0).all()
    noise = mx.nd.image.random_lighting(data, alpha_std=0.5).asnumpy()
    assert np.ptp(noise.reshape(-1, 3), axis=0).max() == 0 and noise.any()


def test_color_ops_with_a_fixed_factor_give_mxnets_numbers(ctx):
    data = image(COLOR, ctx)
    image_ops = mx.nd.image
    contrast = image_ops.random_contrast(data, min_factor=0.5, max_factor=0.5)
    saturation = image_ops.random_saturation(data, min_factor=0.5, max_factor=0.5)
    hue = image_ops.random_hue(data, min_factor=0.1, max_factor=0.1)
    # MXNet's outputs, first pixel and last (white)
    np.testing.assert_allclose(contrast.asnumpy()[0, 0], [63.32, 158.32, 73.32],
                               rtol=1e-5)
    np.testing.assert_allclose(saturation.asnumpy()[0, 0], [6.71, 101.71, 16.71],
                               rtol=1e-5)   # MXNet's gray is 0.114 * B only
    np.testing.assert_allclose(hue.asnumpy().reshape(-1, 3)[:2],
                               [[10, 200, 144], [220, 50, 250]], rtol=1e-5)
    np.testing.assert_allclose(hue.asnumpy()[1], COLOR[1])   # gray stays gray


def test_hue_factor_counts_whole_turns(ctx):
    data = image(COLOR, ctx)
    for factor in (1.0, 2.0):
        same = mx.nd.image.random_hue(data, min_factor=factor, max_factor=factor)
        np.testing.assert_allclose(same.asnumpy(), COLOR, atol=1e-4)
    half = mx.nd.image.random_hue(data, min_factor=0.5, max_factor=0.5)
    np.testing.assert_allclose(half.asnumpy()[0, 0], [200, 10, 180], atol=1e-3)


def test_uint8_color_ops_saturate_and_hue_is_within_one_of_mxnet(ctx):
    data = image(COLOR, ctx, "uint8")
    bright = mx.nd.image.random_brightness(data, min_factor=1.5, max_factor=1.5)
    assert bright.asnumpy().ravel().tolist() == [15, 255, 45, 150, 75, 255,
                                                 0, 0, 0, 255, 255, 255]   # MXNet
    hue = mx.nd.image.random_hue(data, min_factor=0.1, max_factor=0.1).asnumpy()
    mxnet = [9, 200, 144, 220, 50, 249, 0, 0, 0, 255, 255, 255]
    assert np.abs(hue.ravel().astype(int) - mxnet).max() <= 1


def test_gray_images_pass_hue_and_saturation_unchanged(ctx):
    data = image([[[10], [100]], [[0], [255]]], ctx)
    for op in (mx.nd.image.random_hue, mx.nd.image.random_saturation):
        out = op(data, min_factor=1.3, max_factor=1.3)
        np.testing.assert_allclose(out.asnumpy(), data.asnumpy())
    contrast = mx.nd.image.random_contrast(data, min_factor=1.5, max_factor=1.5)
    np.testing.assert_allclose(contrast.asnumpy().ravel(),
                               [-30.625, 104.375, -45.625, 336.875])   # MXNet


def test_random_brightness_draws_factors_in_its_range(ctx):
    data = image(np.ones((2, 2, 3)), ctx)
    factors = [float(mx.nd.image.random_brightness(data, min_factor=0.5,
                                                   max_factor=1.5)[0, 0, 0].asscalar())
               for _ in range(50)]
    assert 0.5 <= min(factors) < 0.7 and 1.3 < max(factors) < 1.5


def test_random_color_factors_must_not_be_negative(ctx):
    with pytest.raises(MXNetError, match="min_factor=-0.5 must be >= 0"):
        mx.nd.image.random_contrast(image(np.ones((2, 2, 3)), ctx), min_factor=-0.5,
                                    max_factor=1)


def test_color_jitter_with_nothing_to_do_returns_the_image(ctx):
    data = image(COLOR, ctx)
    out = mx.nd.image.random_color_jitter(data, brightness=0, contrast=0,
                                          saturation=0, hue=0)
    np.testing.assert_allclose(out.asnumpy(), COLOR)   # MXNet: an unwritten output


def test_color_jitter_brightness_alone_scales_the_whole_image(ctx):
    data = image(COLOR, ctx) + 1
    for _ in range(5):
        out = mx.nd.image.random_color_jitter(data, brightness=0.5, contrast=0,
                                              saturation=0, hue=0).asnumpy()
        ratio = out / data.asnumpy()
        assert np.ptp(ratio) < 1e-5 and 0.5 <= ratio.min() <= 1.5


def test_image_ops_build_symbols_too():
    data = mx.sym.var("data")
    tensor = mx.sym.image.to_tensor(mx.sym.image.resize(data, size=(4, 2)))
    out = mx.sym.image.normalize(tensor, mean=(0.5, 0.5, 0.5), std=(0.2, 0.2, 0.2))
    _, out_shapes, _ = out.infer_shape(data=(6, 8, 3))
    assert out_shapes == [(3, 2, 4)]
    _, out_types, _ = out.infer_type(data=np.uint8)
    assert out_types == [np.float32]
