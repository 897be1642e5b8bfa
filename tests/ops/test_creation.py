"""Hand-written tests for dlkit/ops/creation.py and the ``mx.sym`` helpers of
dlkit/symbol/creation.py: MXNet's JSON, inferred dimensions, errors."""
import json

import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def test_sym_zeros_json_matches_mxnet():
    node = json.loads(mx.sym.zeros((2, 3), name="z").tojson())["nodes"][0]
    assert node == {"op": "_zeros", "name": "z",
                    "attrs": {"dtype": "float32", "shape": "(2, 3)"}, "inputs": []}
    node = json.loads(mx.sym.arange(0, 5, name="r").tojson())["nodes"][0]
    assert node["op"] == "_arange"
    assert node["attrs"] == {"dtype": "float32", "infer_range": "False", "repeat": "1",
                             "start": "0", "step": "1.0", "stop": "5"}
    full = mx.sym.full((2,), 5, dtype="int32", name="f")
    node = json.loads(full.tojson())["nodes"][0]
    assert node["attrs"] == {"dtype": "int32", "shape": "(2,)", "value": "5.0"}


def test_sym_creation_helpers_evaluate_like_numpy():
    np.testing.assert_array_equal(mx.sym.ones((2, 2)).eval()[0].asnumpy(),
                                  np.ones((2, 2)))
    np.testing.assert_array_equal(mx.sym.arange(2, 8, 3).eval()[0].asnumpy(), [2, 5])
    np.testing.assert_allclose(mx.sym.linspace(0, 1, 5).eval()[0].asnumpy(),
                               np.linspace(0, 1, 5))
    np.testing.assert_array_equal(mx.sym.eye(3, 4, 1).eval()[0].asnumpy(),
                                  np.eye(3, 4, 1))
    assert mx.sym.zeros(3, dtype="int64").eval()[0].dtype == np.int64


def test_unknown_dimension_is_inferred_from_the_graph():
    data = mx.sym.var("x")
    total = data + mx.sym.zeros((0, 3))
    assert total.infer_shape(x=(2, 3))[1] == [(2, 3)]
    result = total.bind(mx.cpu(), {"x": mx.nd.ones((2, 3))}).forward()[0]
    np.testing.assert_array_equal(result.asnumpy(), np.ones((2, 3)))


def test_dense_input_batch_is_inferred_from_its_output():
    state = mx.sym.zeros((0, 3))
    hidden = mx.sym.FullyConnected(state, num_hidden=4, name="fc")
    total = hidden + mx.sym.FullyConnected(mx.sym.var("x"), num_hidden=4, name="fx")
    _, out_shapes, _ = total.infer_shape(x=(5, 2))
    assert out_shapes == [(5, 4)]


def test_nd_internal_ops_use_the_context_attribute():
    array = mx.nd._ones(shape=(2,), ctx=mx.cpu())
    assert array.context == mx.cpu()
    assert mx.nd._arange(start=3).asnumpy().tolist() == [0, 1, 2]


@pytest.mark.parametrize("call, message", [
    (lambda: mx.nd._arange(start=0, stop=3, step=0), "step must not be 0"),
    (lambda: mx.nd._arange(start=5, stop=1), "holds no values"),
    (lambda: mx.nd._zeros(shape=(2, -1)), "negative sizes"),
    (lambda: mx.nd._eye(N=-1), "must not be negative"),
    (lambda: mx.nd._full(shape=(2,)), "required attribute 'value'")])
def test_bad_attributes_raise_clear_errors(call, message):
    with pytest.raises(MXNetError, match=message):
        call()


def test_nd_eye_and_linspace_helpers_match_numpy():
    eye = mx.nd.eye(3, 4, 1, dtype="int32")
    assert eye.dtype == np.int32
    np.testing.assert_array_equal(eye.asnumpy(), np.eye(3, 4, 1))
    assert mx.nd.eye(2).dtype == np.float32 and mx.nd.eye(2).shape == (2, 2)
    line = mx.nd.linspace(-1, 2, 7, ctx=mx.cpu())
    assert line.dtype == np.float32
    np.testing.assert_allclose(line.asnumpy(), np.linspace(-1, 2, 7), rtol=1e-6)
    assert mx.nd.linspace(0, 1, 4, endpoint=False).asnumpy().tolist() == [0, .25, .5,
                                                                          .75]


def test_linspace_into_integers_casts_each_float_value():
    # MXNet computes in floating point, then casts: 0.25 steps become 0, 0, 0, 0, 1
    values = mx.nd.linspace(0, 1, 5, dtype="int32").asnumpy().tolist()
    assert values == [0, 0, 0, 0, 1]


def test_sym_eye_and_linspace_json_match_mxnet():
    with mx.name.NameManager():
        eye = json.loads(mx.sym.eye(3).tojson())["nodes"][0]
        line = json.loads(mx.sym.linspace(0, 1, 5).tojson())["nodes"][0]
    assert eye == {"op": "_eye", "name": "_eye0", "inputs": [],
                   "attrs": {"M": "0", "N": "3", "dtype": "float32", "k": "0"}}
    assert line["name"] == "_linspace0"
    assert line["attrs"] == {"dtype": "float32", "endpoint": "True", "num": "5",
                             "start": "0", "stop": "1"}
