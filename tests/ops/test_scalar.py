"""Hand-written tests for dlkit/ops/scalar.py: what the sweep and the goldens miss."""
import warnings

import numpy as np

import dlkit as mx
from dlkit.ops.registry import get_op
from dlkit.ops.scalar import ScalarOp


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



def test_mul_and_plus_scalar_shortcut_gradients_match_the_shared_partials(ctx):
    # _mul_scalar and _plus_scalar skip partials() in backward; the answer must not move
    xp = ctx.xp
    data = xp.asarray([[0.5, -1.5, 2.0]], dtype="float32")
    grad = xp.full(data.shape, 3.0, dtype="float32")
    for name, scalar in [("_mul_scalar", 0.7), ("_plus_scalar", 1.25)]:
        op = get_op(name)
        fast, = op.backward(xp, [data], [None], [grad], scalar=scalar, is_int=True)
        shared = ScalarOp.data_grad(op, xp, data, scalar, None, grad)
        assert fast.dtype == np.float32 and fast.shape == data.shape
        assert fast.tolist() == shared.tolist()


def test_a_zero_dim_array_keeps_its_dtype_and_gives_an_array():
    # NumPy answers a 0-d array times a number with a NumPy scalar; ops must not
    data = mx.nd.NDArray(np.array(1.0, dtype=np.float32), mx.cpu())
    result = data * 3
    assert result.shape == () and result.dtype == np.float32
    assert result.asnumpy().tolist() == 3.0


def test_scalar_ops_compute_only_the_arrays_gradient(monkeypatch):
    from dlkit.ops import binary

    def never(*args):
        raise AssertionError("the number's side needs no gradient")
    monkeypatch.setattr(binary._Div, "rhs_partial", never)
    monkeypatch.setattr(binary._Power, "rhs_partial", never)
    x = mx.nd.array([-2.0, 3.0])
    x.attach_grad()
    with mx.autograd.record():
        y = x / 4 + x ** 2
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [0.25 - 4.0, 0.25 + 6.0])
