"""Hand-written tests for dlkit/ops/vision.py (and ROIPooling, in roi.py): what the
registry sweep and the MXNet goldens (tests/golden/ops_vision.json) miss: MXNet's
documented examples, how the ops compose, shape rules and errors."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError

IMAGE = [[[[1, 4, 3, 6], [1, 8, 8, 9], [0, 4, 1, 5], [1, 0, 1, 3]]]]


def test_affine_grid_zooms_out_as_in_mxnets_example(ctx):
    data = mx.nd.array(IMAGE, ctx=ctx)
    affine = mx.nd.array([[2, 0, 0, 0, 2, 0]], ctx=ctx)
    grid = mx.nd.GridGenerator(affine, transform_type="affine", target_shape=(4, 4))
    out = mx.nd.BilinearSampler(data, grid).asnumpy()[0, 0]
    expected = [[0, 0, 0, 0], [0, 3.5, 6.5, 0], [0, 1.25, 2.5, 0], [0, 0, 0, 0]]
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_warp_grid_shifts_by_the_flow_and_pads_with_zeros(ctx):
    flow = np.zeros((1, 2, 4, 4), dtype=np.float32)
    flow[0, 0] = 1                    # every pixel reads one pixel to its right
    grid = mx.nd.GridGenerator(mx.nd.array(flow, ctx=ctx), transform_type="warp")
    out = mx.nd.BilinearSampler(mx.nd.array(IMAGE, ctx=ctx), grid).asnumpy()[0, 0]
    np.testing.assert_allclose(out, [[4, 3, 6, 0], [8, 8, 9, 0], [4, 1, 5, 0],
                                     [0, 1, 3, 0]], atol=1e-5)


def test_identity_affine_grid_spans_minus_one_to_one():
    grid = mx.nd.GridGenerator(mx.nd.array([[1, 0, 0, 0, 1, 0]]),
                               transform_type="affine", target_shape=(2, 3))
    np.testing.assert_allclose(grid.asnumpy()[0, 0], [[-1, 0, 1], [-1, 0, 1]])
    np.testing.assert_allclose(grid.asnumpy()[0, 1], [[-1, -1, -1], [1, 1, 1]])


def test_spatial_transformer_is_grid_generator_then_bilinear_sampler(ctx):
    random = np.random.RandomState(0)
    data_value = random.uniform(-1, 1, (2, 3, 5, 4))
    loc_value = np.array([[1, 0, 0, 0, 1, 0]] * 2) + random.uniform(-0.4, 0.4, (2, 6))
    head = mx.nd.array(random.uniform(-1, 1, (2, 3, 3, 6)), ctx=ctx)
    results = []
    for composed in (False, True):
        data = mx.nd.array(data_value, ctx=ctx)
        loc = mx.nd.array(loc_value, ctx=ctx)
        data.attach_grad()
        loc.attach_grad()
        with mx.autograd.record():
            if composed:
                grid = mx.nd.GridGenerator(loc, transform_type="affine",
                                           target_shape=(3, 6))
                out = mx.nd.BilinearSampler(data, grid)
            else:
                out = mx.nd.SpatialTransformer(data, loc, target_shape=(3, 6),
                                               transform_type="affine",
                                               sampler_type="bilinear")
        out.backward(head)
        results.append([out.asnumpy(), data.grad.asnumpy(), loc.grad.asnumpy()])
    for ours, composed in zip(*results):
        np.testing.assert_allclose(ours, composed, rtol=1e-6, atol=1e-6)


def test_spatial_transformer_symbol_infers_loc_and_output():
    out = mx.sym.SpatialTransformer(mx.sym.var("data"), mx.sym.var("loc"),
                                    target_shape=(7, 8), transform_type="affine",
                                    sampler_type="bilinear")
    arg_shapes, out_shapes, _ = out.infer_shape(data=(2, 3, 10, 10))
    assert arg_shapes == [(2, 3, 10, 10), (2, 6)]
    assert out_shapes == [(2, 3, 7, 8)]


def test_a_single_pixel_axis_has_no_spacing_and_gives_nan_like_mxnet():
    grid = mx.nd.GridGenerator(mx.nd.array([[1, 0, 0, 0, 1, 0]]),
                               transform_type="affine", target_shape=(1, 3))
    assert np.isnan(grid.asnumpy()).all()


@pytest.mark.parametrize("call, message", [
    (lambda: mx.nd.GridGenerator(mx.nd.ones((1, 6)), transform_type="affine"),
     "target_shape"),
    (lambda: mx.nd.GridGenerator(mx.nd.ones((1, 5)), transform_type="affine",
                                 target_shape=(2, 2)), r"\(batch, 6\)"),
    (lambda: mx.nd.GridGenerator(mx.nd.ones((1, 3, 2, 2)), transform_type="warp"),
     "optical flow"),
    (lambda: mx.nd.BilinearSampler(mx.nd.ones((1, 1, 3, 4)), mx.nd.ones((2, 2, 1, 1))),
     r"must be \(1, 2, height, width\)"),
    (lambda: mx.nd.BilinearSampler(mx.nd.ones((1, 3, 4)), mx.nd.ones((1, 2, 1, 1))),
     "4-D"),
    (lambda: mx.nd.SpatialTransformer(mx.nd.ones((1, 1, 3, 3)), mx.nd.ones((1, 5)),
                                      target_shape=(2, 2), transform_type="affine",
                                      sampler_type="bilinear"), r"\(batch, 6\)")])
def test_sampling_ops_reject_what_mxnet_rejects(call, message):
    with pytest.raises(MXNetError, match=message):
        call()


# ---- ROIPooling ----
def test_roi_pooling_matches_mxnets_documented_example(ctx):
    x = mx.nd.array(np.arange(48).reshape(1, 1, 8, 6), ctx=ctx)
    rois = mx.nd.array([[0, 0, 0, 4, 4]], ctx=ctx)
    out = mx.nd.ROIPooling(x, rois, pooled_size=(2, 2), spatial_scale=1.0)
    np.testing.assert_array_equal(out.asnumpy()[0, 0], [[14, 16], [26, 28]])
    out = mx.nd.ROIPooling(x, rois, pooled_size=(2, 2), spatial_scale=0.7)
    np.testing.assert_array_equal(out.asnumpy()[0, 0], [[7, 9], [19, 21]])


def test_roi_pooling_gives_zeros_for_a_roi_outside_the_batch(ctx):
    data = mx.nd.ones((2, 1, 4, 4), ctx=ctx)
    rois = mx.nd.array([[2, 0, 0, 3, 3], [-1, 0, 0, 3, 3], [1, 0, 0, 3, 3]], ctx=ctx)
    out = mx.nd.ROIPooling(data, rois, pooled_size=(2, 2), spatial_scale=1.0)
    np.testing.assert_array_equal(out.asnumpy().reshape(3, 4),
                                  [[0] * 4, [0] * 4, [1] * 4])


def test_roi_pooling_sends_a_tied_maximum_gradient_to_the_first_cell(ctx):
    data = mx.nd.ones((1, 1, 4, 4), ctx=ctx)
    data.attach_grad()
    with mx.autograd.record():
        out = mx.nd.ROIPooling(data, mx.nd.array([[0, 0, 0, 3, 3]], ctx=ctx),
                               pooled_size=(2, 2), spatial_scale=1.0)
    out.backward()
    expected = np.zeros((4, 4))
    expected[::2, ::2] = 1            # the top-left cell of each 2 x 2 bin
    np.testing.assert_array_equal(data.grad.asnumpy()[0, 0], expected)


@pytest.mark.parametrize("rois_shape, attrs, message", [
    ((1, 4), {}, r"\(num_rois, 5\)"),
    ((1, 5), {"pooled_size": (2,)}, "pooled_size"),
    ((1, 5), {"pooled_size": (0, 2)}, "pooled_size"),
    ((1, 5), {"spatial_scale": -1.0}, "spatial_scale")])
def test_roi_pooling_rejects_bad_arguments(rois_shape, attrs, message):
    attrs = {"pooled_size": (2, 2), "spatial_scale": 1.0, **attrs}
    with pytest.raises(MXNetError, match=f"ROIPooling: .*{message}"):
        mx.nd.ROIPooling(mx.nd.ones((1, 1, 4, 4)), mx.nd.ones(rois_shape), **attrs)


# ---- Correlation ----
@pytest.mark.parametrize("attrs, out_shape", [
    ({}, (1, 9, 3, 4)),
    ({"kernel_size": 3, "max_displacement": 2, "pad_size": 3}, (1, 25, 5, 6)),
    ({"max_displacement": 3, "stride2": 2, "pad_size": 3}, (1, 9, 5, 6)),
    ({"stride1": 2, "pad_size": 1}, (1, 9, 3, 3)),
    ({"max_displacement": 3, "stride2": 4, "pad_size": 3}, (1, 1, 5, 6))])
def test_correlation_output_shapes_are_mxnets(attrs, out_shape):
    out = mx.sym.Correlation(mx.sym.var("a"), mx.sym.var("b"), **attrs)
    assert out.infer_shape(a=(1, 2, 5, 6))[1] == [out_shape]


def test_correlation_without_displacement_is_the_mean_product_over_channels(ctx):
    random = np.random.RandomState(0)
    first, second = random.uniform(-1, 1, (2, 1, 3, 4, 5))
    out = mx.nd.Correlation(mx.nd.array(first, ctx=ctx), mx.nd.array(second, ctx=ctx),
                            max_displacement=0)
    np.testing.assert_allclose(out.asnumpy()[:, 0], (first * second).mean(axis=1),
                               rtol=1e-5)


@pytest.mark.parametrize("shapes, attrs, message", [
    ([(1, 2, 5, 6)] * 2, {"kernel_size": 2}, "odd"),
    ([(1, 2, 5, 6)] * 2, {"max_displacement": 4}, "do not fit"),
    ([(1, 2, 5, 6), (1, 1, 5, 6)], {}, "same shape"),
    ([(2, 5, 6)] * 2, {}, "4-D")])
def test_correlation_rejects_bad_arguments(shapes, attrs, message):
    with pytest.raises(MXNetError, match=f"Correlation: .*{message}"):
        mx.nd.Correlation(*[mx.nd.ones(shape) for shape in shapes], **attrs)
