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
