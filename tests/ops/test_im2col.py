"""dlkit/ops/im2col.py: the layout choice and the matrix-product helpers (the numbers of
every layout are checked through the operators in test_conv.py)."""
import numpy as np
import pytest

from dlkit.ops import im2col

ONE = ((5, 5), (1, 1), (1, 1), (0, 0))        # kernel, stride, dilate, pad
STRIDE_TWO = ((3, 3), (2, 2), (1, 1), (1, 1))


@pytest.mark.parametrize("channels, filters, groups, geometry, col2im, expected", [
    (1, 20, 1, ONE, False, "strided"),        # LeNet's first layer: 25 rows, 20 filters
    (1, 20, 1, ONE, True, "flat"),            # ... when its data gradient is needed
    (20, 50, 1, ONE, True, "batch_last"),     # LeNet's second: 500 rows, 50 filters
    (4, 8, 2, STRIDE_TWO, True, "batch_last"),
    (1, 8, 1, STRIDE_TWO, True, "strided"),   # flat windows need stride 1
])
def test_layout_follows_the_shape_of_the_columns(channels, filters, groups, geometry,
                                                 col2im, expected):
    assert im2col._column_layout(channels, filters, groups, geometry,
                                 col2im) == expected


def test_bias_gradient_sums_over_samples_and_positions():
    out_grad = np.random.default_rng(0).standard_normal((3, 4, 5, 6)).astype(np.float32)
    np.testing.assert_allclose(im2col._bias_grad(np, out_grad),
                               out_grad.sum(axis=(0, 2, 3)), rtol=1e-5)
