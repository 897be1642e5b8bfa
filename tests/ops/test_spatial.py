"""Hand-written tests for dlkit/ops/spatial.py: what the registry sweep and the MXNet
goldens (tests/golden/ops_spatial.json) miss: MXNet's shape rules and errors."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def test_pad_edge_border_gradient_flows_back_to_the_copied_cells(ctx):
    data = mx.nd.array(np.arange(6).reshape(1, 1, 2, 3), ctx=ctx)
    data.attach_grad()
    with mx.autograd.record():
        out = mx.nd.Pad(data, mode="edge", pad_width=(0, 0, 0, 0, 0, 0, 2, 0))
    out.backward()
    np.testing.assert_array_equal(data.grad.asnumpy()[0, 0], [[3, 1, 1], [3, 1, 1]])


@pytest.mark.parametrize("shape, attrs, message", [
    ((2, 3), {"mode": "constant", "pad_width": (0, 0, 1, 1)}, "4-D"),
    ((1, 1, 3, 3), {"mode": "edge", "pad_width": (0, 0, 0, 0, 1, 1)}, "2 entries"),
    ((1, 1, 3, 3), {"mode": "edge", "pad_width": (0, 1, 0, 0, 1, 1, 1, 1)},
     "batch and channel"),
    ((1, 1, 3, 3), {"mode": "reflect", "pad_width": (0, 0, 0, 0, 3, 0, 1, 1)},
     "axis 2 has size 3")])
def test_pad_rejects_what_mxnet_rejects(shape, attrs, message):
    with pytest.raises(MXNetError, match=f"Pad: .*{message}"):
        mx.nd.Pad(mx.nd.ones(shape), **attrs)


def test_pad_symbol_infers_the_padded_shape():
    out = mx.sym.pad(mx.sym.var("x"), mode="constant",
                     pad_width=(0, 0, 0, 0, 1, 2, 3, 4))
    assert out.infer_shape(x=(2, 3, 5, 5))[1] == [(2, 3, 8, 12)]


def test_upsampling_counts_its_inputs_and_concatenates_channels():
    out = mx.sym.UpSampling(mx.sym.var("a"), mx.sym.var("b"), scale=2,
                            sample_type="nearest")
    assert out.list_arguments() == ["a", "b"]
    assert out.infer_shape(a=(1, 2, 2, 2), b=(1, 3, 1, 1))[1] == [(1, 5, 4, 4)]


@pytest.mark.parametrize("shapes, attrs, message", [
    ([(1, 1, 2, 2)], {"sample_type": "bilinear"}, "bilinear"),
    ([(1, 1, 2)], {"sample_type": "nearest"}, "4-D"),
    ([(1, 1, 2, 2), (1, 1, 3, 3)], {"sample_type": "nearest"}, "cannot be upsampled"),
    ([(1, 1, 2, 2), (1, 2, 1, 1)], {"sample_type": "nearest",
                                    "multi_input_mode": "sum"}, "equal channels")])
def test_upsampling_rejects_bad_inputs(shapes, attrs, message):
    with pytest.raises(MXNetError, match=f"UpSampling: .*{message}"):
        mx.nd.UpSampling(*[mx.nd.ones(s) for s in shapes], scale=2, **attrs)


# ---- Crop ---------------------------------------------------------------------------
def test_crop_with_crop_like_reads_only_its_shape_and_gives_it_zero_gradient(ctx):
    data = mx.nd.array(np.arange(30.0).reshape(1, 1, 5, 6), ctx=ctx)
    like = mx.nd.ones((3, 4, 2, 2), ctx=ctx)
    data.attach_grad()
    like.attach_grad()
    with mx.autograd.record():
        out = mx.nd.Crop(data, like, offset=(1, 2))
    out.backward(mx.nd.ones(out.shape, ctx=ctx) * 3)
    np.testing.assert_array_equal(out.asnumpy()[0, 0], [[8, 9], [14, 15]])
    expected = np.zeros((5, 6))
    expected[1:3, 2:4] = 3
    np.testing.assert_array_equal(data.grad.asnumpy()[0, 0], expected)
    np.testing.assert_array_equal(like.grad.asnumpy(), 0)


def test_crop_center_rounds_down_and_ignores_offset():
    data = mx.nd.array(np.arange(30.0).reshape(1, 1, 5, 6))
    out = mx.nd.Crop(data, h_w=(2, 3), center_crop=True, offset=(3, 0))
    np.testing.assert_array_equal(out.asnumpy()[0, 0], [[7, 8, 9], [13, 14, 15]])


def test_crop_counts_its_inputs_like_mxnet():
    symbol = mx.sym.Crop(mx.sym.var("a"), mx.sym.var("b"), name="crop")
    assert symbol.list_arguments() == ["a", "b"]
    assert symbol.attr_dict()["crop"]["num_args"] == "2"
    assert symbol.infer_shape(a=(1, 2, 5, 6), b=(3, 4, 2, 3))[1] == [(1, 2, 2, 3)]


@pytest.mark.parametrize("call, message", [
    (lambda: mx.nd.Crop(mx.nd.ones((1, 1, 4, 4))), "h_w must be given"),
    (lambda: mx.nd.Crop(mx.nd.ones((1, 1, 4, 4)), h_w=(5, 2)), "height"),
    (lambda: mx.nd.Crop(mx.nd.ones((1, 1, 4, 4)), h_w=(2, 2), offset=(0, 3)), "width"),
    (lambda: mx.nd.Crop(mx.nd.ones((2, 3, 4)), h_w=(1, 1)), "4-D"),
    (lambda: mx.nd.Crop(mx.nd.ones((1, 1, 4, 4)), mx.nd.ones((1, 1, 2, 2)),
                        mx.nd.ones((1, 1, 2, 2))), "1 or 2 inputs"),
])
def test_crop_errors_name_the_window_and_the_data(call, message):
    with pytest.raises(MXNetError, match=message):
        call()
