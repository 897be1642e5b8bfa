"""Hand-written tests for dlkit/ops/broadcast.py: what the sweep and goldens miss."""
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def test_broadcast_to_keeps_dims_given_as_zero_and_result_is_writable():
    y = mx.nd.broadcast_to(mx.nd.array([[1, 2, 3]]), shape=(2, 0))
    y[0, 0] = 7
    assert y.asnumpy().tolist() == [[7, 2, 3], [1, 2, 3]]


def test_broadcast_to_incompatible_shape_names_both():
    with pytest.raises(MXNetError, match=r"broadcast_to.*\(1, 3\).*\(2, 4\)"):
        mx.nd.broadcast_to(mx.nd.zeros((1, 3)), shape=(2, 4))
