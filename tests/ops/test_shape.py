"""Hand-written tests for dlkit/ops/shape.py: what the sweep and the goldens miss."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError
from dlkit.ops.registry import get_op
from golden_replay import decode, load_topic


def _reshape_cases():
    cases, arrays = load_topic("ops_shape")
    for case in cases:
        if case["id"].startswith("Reshape_codes"):
            attrs = decode(case["attrs"])
            expected = arrays[case["outputs"][0]].shape
            yield pytest.param(attrs["shape"], attrs["reverse"], expected,
                               id=f"{attrs['shape']}-reverse={attrs['reverse']}")


@pytest.mark.parametrize("codes, reverse, expected", list(_reshape_cases()))
def test_reshape_special_codes_infer_the_shape_mxnet_gives(codes, reverse, expected):
    op = get_op("Reshape")
    _, out_shapes = op.infer_shape([(2, 3, 4)], shape=codes, reverse=reverse)
    assert out_shapes[0] == expected


def test_reshape_method_accepts_codes_and_reverse(ctx):
    x = mx.nd.zeros((10, 5, 4), ctx=ctx)
    assert x.reshape((-1, 0)).shape == (40, 5)
    assert x.reshape((-1, 0), reverse=True).shape == (50, 4)
    assert x.reshape(-3, -2).shape == (50, 4)


def test_reshape_with_wrong_size_names_both_shapes():
    with pytest.raises(MXNetError, match=r"Reshape.*\(2, 3, 4\).*\(2, 3, 5\)"):
        mx.nd.reshape(mx.nd.zeros((2, 3, 4)), shape=(2, 3, 5))


def test_reshape_rejects_two_inferred_dims():
    with pytest.raises(MXNetError, match="more than one -1"):
        mx.nd.zeros((2, 3, 4)).reshape(-1, -1)


def test_reshape_without_a_shape_says_what_to_give():
    with pytest.raises(MXNetError, match="target shape"):
        mx.nd.reshape(mx.nd.zeros((2, 3)))


def test_reshape_shape_attribute_round_trips_through_mxnet_strings():
    op = get_op("Reshape")
    attrs = op.parse_attrs({"shape": "(-4, 1, 2, -2)", "reverse": "False"})
    assert attrs == {"shape": (-4, 1, 2, -2), "reverse": False}


def test_expand_dims_takes_axis_positionally():
    x = mx.nd.array(np.arange(6).reshape(2, 3))
    assert mx.nd.expand_dims(x, 0).shape == (1, 2, 3)


def test_squeeze_of_a_non_unit_axis_is_an_error():
    with pytest.raises(MXNetError, match="squeeze.*axis 1.*length is 2"):
        mx.nd.squeeze(mx.nd.zeros((1, 2, 1)), axis=1)


def test_reshape_split_with_both_sizes_unknown_is_refused():
    # MXNet 1.9.1: "Split dims cannot both be -1"
    with pytest.raises(MXNetError, match="-4 cannot split dimension 2 into -1 x -1"):
        mx.nd.reshape(mx.nd.ones((2, 3, 4)), shape=(-4, -1, -1, 3, 4))
