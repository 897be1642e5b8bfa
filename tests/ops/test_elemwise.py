"""Hand-written tests for dlkit/ops/elemwise.py: what the sweep and the goldens miss."""
import numpy as np

import dlkit as mx


def test_round_goes_half_away_from_zero_as_in_mxnet():
    x = mx.nd.array([0.5, 1.5, 2.5, -0.5, -2.5])
    assert mx.nd.round(x).asnumpy().tolist() == [1, 2, 3, -1, -3]


def test_clip_keeps_an_integer_dtype():
    y = mx.nd.clip(mx.nd.array([1, 5, 9], dtype="int32"), 2.5, 7.5)
    assert y.dtype == np.int32 and y.asnumpy().tolist() == [2, 5, 7]


def test_clip_gradient_passes_only_inside_the_range(ctx):
    x = mx.nd.array([-1.0, 0.0, 2.0], ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.clip(x, -0.5, 1.0)
    y.backward()
    assert x.grad.asnumpy().tolist() == [0, 1, 0]


def test_block_grad_passes_values_and_stops_the_gradient(ctx):
    x = mx.nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.BlockGrad(x) * x
    y.backward()
    assert y.asnumpy().tolist() == [1, 4]
    assert x.grad.asnumpy().tolist() == [1, 2]  # only the second factor counts


def test_cast_gradient_comes_back_in_the_input_dtype(ctx):
    x = mx.nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Cast(x, dtype="float64") * 3
    y.backward()
    assert y.dtype == np.float64 and x.grad.dtype == np.float32
    assert x.grad.asnumpy().tolist() == [3, 3]


def test_relu_keeps_nan_and_integer_dtype_as_mxnet():
    x = mx.nd.array([-1.0, 2.0, float("nan"), -0.0])
    for out in (mx.nd.relu(x), mx.nd.Activation(x, act_type="relu")):
        np.testing.assert_array_equal(out.asnumpy(), [0.0, 2.0, np.nan, 0.0])
    ints = mx.nd.relu(mx.nd.array([-2, 3], dtype="int32"))
    assert ints.dtype == np.int32 and ints.asnumpy().tolist() == [0, 3]
