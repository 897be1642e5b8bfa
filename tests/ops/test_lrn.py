"""Hand-written tests for dlkit/ops/lrn.py: what the sweep and the MXNet goldens
(tests/golden/ops_lrn.json) miss: the visible outputs and MXNet's errors."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def test_lrn_shows_one_output_like_mxnet():
    out = mx.sym.LRN(mx.sym.var("x"), nsize=3, name="lrn")
    assert out.list_outputs() == ["lrn_output"]
    assert out.infer_shape(x=(2, 4, 3, 3))[1] == [(2, 4, 3, 3)]


def test_lrn_with_one_channel_window_divides_by_the_own_square(ctx):
    data = mx.nd.array([[[[1.0]], [[2.0]]]], ctx=ctx)
    out = mx.nd.LRN(data, nsize=1, alpha=1.0, beta=1.0, knorm=1.0)
    np.testing.assert_allclose(out.asnumpy().ravel(), [1 / 2, 2 / 5], rtol=1e-6)


@pytest.mark.parametrize("shape, nsize, message", [((1, 4, 2, 2), 4, "odd"),
                                                   ((2, 4, 3), 3, "4-D")])
def test_lrn_rejects_even_windows_and_non_image_data(shape, nsize, message):
    with pytest.raises(MXNetError, match=f"LRN: .*{message}"):
        mx.nd.LRN(mx.nd.ones(shape), nsize=nsize)
