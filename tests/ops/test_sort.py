"""Hand-written tests for dlkit/ops/sort.py: what the sweep and the goldens miss."""
import pytest

import dlkit as mx
from dlkit.base import MXNetError
from dlkit.ops.registry import get_op


def test_topk_larger_than_axis_is_an_error():
    with pytest.raises(MXNetError, match="topk.*k=5"):
        mx.nd.topk(mx.nd.zeros((2, 4)), k=5)


def test_sort_descending_keeps_equal_values_in_input_order():
    data = mx.nd.array([[3, 1, 2, 1], [0, 5, 5, 4]])
    assert mx.nd.argsort(data, is_ascend=False).asnumpy().tolist() == \
        [[0, 2, 1, 3], [1, 2, 3, 0]]


def test_sort_shows_one_output_and_keeps_the_order_hidden():
    op = get_op("sort")
    attrs = op.parse_attrs({})
    assert op.num_outputs(attrs) == 2 and op.num_visible_outputs(attrs) == 1
    assert isinstance(mx.nd.sort(mx.nd.zeros((2, 3))), mx.nd.NDArray)
