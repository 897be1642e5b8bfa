"""Hand-written tests for dlkit/ops/scalar.py: what the sweep and the goldens miss."""
import warnings

import numpy as np

import dlkit as mx


def test_the_scalar_is_cast_to_the_array_dtype_first_as_in_mxnet():
    result = mx.nd.array([1, 2, 3], dtype="int32") * 2.5
    assert result.dtype == np.int32 and result.asnumpy().tolist() == [2, 4, 6]


def test_reverse_forms_put_the_number_on_the_left(ctx):
    x = mx.nd.array([1.0, 2.0], ctx=ctx)
    assert (1 - x).asnumpy().tolist() == [0, -1]
    assert (2 / x).asnumpy().tolist() == [2, 1]
    assert (2 ** x).asnumpy().tolist() == [2, 4]


def test_power_gradient_at_a_negative_base_is_finite_and_silent(ctx):
    x = mx.nd.array([-2.0, 3.0], ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = x ** 2
    with warnings.catch_warnings():
        # the unused log(x) computed for the scalar side must not warn
        warnings.simplefilter("error")
        y.backward()
    assert x.grad.asnumpy().tolist() == [-4, 6]


def test_rpower_gradient_is_the_output_times_log_of_the_base(ctx):
    x = mx.nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = 2 ** x
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [2 * np.log(2), 4 * np.log(2)],
                               rtol=1e-6)
