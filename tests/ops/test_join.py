"""Hand-written tests for dlkit/ops/join.py: what the sweep and the goldens miss."""
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def test_concat_mismatch_names_every_shape():
    with pytest.raises(MXNetError, match=r"Concat.*\(2, 3\).*\(3, 1\)"):
        mx.nd.concat(mx.nd.zeros((2, 3)), mx.nd.zeros((3, 1)), dim=1)


def test_split_returns_a_list_and_checks_divisibility():
    parts = mx.nd.split(mx.nd.zeros((2, 6)), num_outputs=3)
    assert [p.shape for p in parts] == [(2, 2)] * 3
    with pytest.raises(MXNetError, match="3 equal parts"):
        mx.nd.split(mx.nd.zeros((2, 5)), num_outputs=3)
