"""Hand-written tests for dlkit/ops/transpose.py: what the sweep and goldens miss."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def test_transpose_and_swapaxes_take_axes_positionally():
    x = mx.nd.array(np.arange(6).reshape(2, 3))
    assert mx.nd.transpose(x, (1, 0)).shape == (3, 2)
    assert mx.nd.swapaxes(x, 0, 1).shape == (3, 2)


def test_transpose_result_does_not_write_through_to_input():
    x = mx.nd.array([[1, 2], [3, 4]])
    y = x.T
    y += 10
    assert x.asnumpy().tolist() == [[1, 2], [3, 4]]


def test_transpose_axes_must_be_a_permutation():
    with pytest.raises(MXNetError, match="transpose"):
        mx.nd.transpose(mx.nd.zeros((2, 3)), axes=(1, 0, 2))


def test_slice_axis_with_an_empty_range_is_an_error_as_in_mxnet():
    with pytest.raises(MXNetError, match="slice_axis.*select nothing"):
        mx.nd.slice_axis(mx.nd.zeros((2, 3)), axis=1, begin=2, end=1)


def test_slice_step_zero_is_an_error():
    with pytest.raises(MXNetError, match="step"):
        mx.nd.slice(mx.nd.zeros((2, 3)), begin=(0,), end=(1,), step=(0,))
