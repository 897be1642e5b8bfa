"""The imperative dispatcher (dlkit/ndarray/dispatch.py): ``invoke`` and its cached call
plans must behave exactly like the general path, errors included."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def test_repeated_broadcast_call_still_checks_shapes_every_time():
    a = mx.nd.ones((2, 3))
    assert (a + a).shape == (2, 3)          # first call caches the plan
    with pytest.raises(MXNetError, match=r"broadcast_add.*\(2, 3\).*\(4,\)"):
        a + mx.nd.ones((4,))                # same op, same (no) attributes, bad shapes


def test_repeated_scalar_calls_use_each_scalar():
    x = mx.nd.array([1.0, 2.0])
    assert (x * 2).asnumpy().tolist() == [2.0, 4.0]
    assert (x * 3).asnumpy().tolist() == [3.0, 6.0]
    assert (x * 2.5).asnumpy().tolist() == [2.5, 5.0]


def test_cached_attributes_keep_value_types_apart():
    x = mx.nd.ones((2, 3))
    assert mx.nd.expand_dims(x, axis=1).shape == (2, 1, 3)
    with pytest.raises(MXNetError, match="expand_dims.*axis"):
        mx.nd.expand_dims(x, axis=True)     # True == 1, yet not an int


def test_bad_attribute_after_good_calls_names_the_op():
    x = mx.nd.ones((2, 3))
    mx.nd.sum(x, axis=1)
    with pytest.raises(MXNetError, match="sum.*unknown attribute 'axes'"):
        mx.nd.sum(x, axes=1)


def test_unhashable_attributes_take_the_general_path():
    x = mx.nd.ones((2, 3))
    assert mx.nd.reshape(x, shape=[3, 2]).shape == (3, 2)
    assert mx.nd.reshape(x, shape=[6]).shape == (6,)


def test_inputs_on_different_contexts_are_refused():
    a = mx.nd.ones((2,), ctx=mx.cpu(0))
    b = mx.nd.ones((2,), ctx=mx.cpu(1))
    with pytest.raises(MXNetError, match="different contexts"):
        a + b


def test_fast_path_and_keyword_inputs_agree():
    x = mx.nd.array(np.arange(6, dtype=np.float32).reshape(2, 3))
    w = mx.nd.ones((4, 3))
    b = mx.nd.zeros((4,))
    positional = mx.nd.FullyConnected(x, w, b, num_hidden=4)
    keywords = mx.nd.FullyConnected(data=x, weight=w, bias=b, num_hidden=4)
    np.testing.assert_allclose(positional.asnumpy(), keywords.asnumpy())


def test_no_bias_with_three_arrays_is_refused_even_after_caching():
    x, w = mx.nd.ones((2, 3)), mx.nd.ones((4, 3))
    mx.nd.FullyConnected(x, w, num_hidden=4, no_bias=True)
    with pytest.raises(MXNetError, match="FullyConnected"):
        mx.nd.FullyConnected(x, w, mx.nd.zeros((4,)), num_hidden=4, no_bias=True)


def test_a_plan_checks_new_shapes_and_remembers_good_ones():
    x, w, b = mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), mx.nd.zeros((4,))
    for _ in range(2):                       # the second call reuses the checked shapes
        assert mx.nd.FullyConnected(x, w, b, num_hidden=4).shape == (2, 4)
    assert mx.nd.FullyConnected(mx.nd.ones((5, 3)), w, b, num_hidden=4).shape == (5, 4)
    with pytest.raises(MXNetError, match=r"FullyConnected.*weight.*\(4, 2\)"):
        mx.nd.FullyConnected(x, mx.nd.ones((4, 2)), b, num_hidden=4)
    assert mx.nd.FullyConnected(x, w, b, num_hidden=4).shape == (2, 4)


def test_a_node_name_is_accepted_and_ignored():
    x, w = mx.nd.ones((2, 3)), mx.nd.ones((4, 3))
    named = mx.nd.FullyConnected(x, w, num_hidden=4, no_bias=True, name="fwd")
    plain = mx.nd.FullyConnected(x, w, num_hidden=4, no_bias=True)
    np.testing.assert_array_equal(named.asnumpy(), plain.asnumpy())
    with pytest.raises(MXNetError, match="FullyConnected"):
        mx.nd.FullyConnected(x, mx.nd.ones((4, 2)), num_hidden=4, no_bias=True,
                             name="fwd")


@pytest.mark.parametrize("args", [(0,), (-2,), (2, 2), (0.5, -3, 0.5)])
def test_arange_of_an_empty_range_raises_as_mxnet_does(args):
    # MXNet 1.9.1: MXNetError "Invalid range" for each of these
    with pytest.raises(MXNetError, match="_arange: invalid range"):
        mx.nd.arange(*args)


def test_arange_values_dtype_repeat_and_context():
    np.testing.assert_array_equal(mx.nd.arange(3).asnumpy(), [0, 1, 2])
    got = mx.nd.arange(1, 2, 0.25, repeat=2, dtype="int32", ctx=mx.cpu())
    assert got.dtype == np.int32 and got.context == mx.cpu()
    np.testing.assert_array_equal(got.asnumpy(), [1, 1, 1, 1, 1, 1, 1, 1])
    np.testing.assert_allclose(mx.nd.arange(0.1, 0.45, 0.1).asnumpy(),
                               np.float32([0.1, 0.2, 0.3, 0.4]))


@pytest.mark.parametrize("make, value", [(mx.nd.zeros_like, 0.0), (mx.nd.ones_like, 1.0)])
def test_zeros_like_and_ones_like_are_recorded_with_zero_gradient(make, value):
    # MXNet records them: backward from their result gives a zero gradient (values
    # printed by MXNet 1.9.1: y = [v, v], x.grad = [0, 0]; (zeros_like(x) + x) -> 1)
    x = mx.nd.array([3.0, 4.0])
    x.attach_grad()
    with mx.autograd.record():
        y = make(x)
    y.backward()
    np.testing.assert_array_equal(y.asnumpy(), [value, value])
    np.testing.assert_array_equal(x.grad.asnumpy(), [0.0, 0.0])
    with mx.autograd.record():
        z = make(x) + x
    z.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [1.0, 1.0])


def test_op_methods_forward_to_the_op_with_the_array_first():
    # MXNet 1.9.1's NDArray has these methods (x.sin(), x.slice_like(y, axes=...))
    x = mx.nd.array([[0.5, -0.75, 2.0], [1.0, 0.25, -0.5]])
    for name in ["sin", "cos", "tan", "arctan", "sinh", "log1p", "expm1", "floor",
                 "ceil", "round", "rint", "fix", "trunc", "degrees", "reciprocal"]:
        np.testing.assert_array_equal(getattr(x, name)().asnumpy(),
                                      getattr(mx.nd, name)(x).asnumpy(), err_msg=name)
    like = mx.nd.zeros((1, 2))
    assert x.slice_like(like).shape == (1, 2)
    assert x.slice_like(like, axes=(1,)).shape == (2, 2)
    np.testing.assert_array_equal(x.flip(axis=1).asnumpy(), x.asnumpy()[:, ::-1])
    out = mx.nd.zeros((2, 3))
    x.sin(out=out)
    np.testing.assert_allclose(out.asnumpy(), np.sin(x.asnumpy()), rtol=1e-6)
    blocks = mx.nd.arange(32).reshape((1, 8, 2, 2))
    np.testing.assert_array_equal(blocks.depth_to_space(2).space_to_depth(2).asnumpy(),
                                  blocks.asnumpy())


# ---- NDArray helpers: split_v2, from_numpy, DLPack (dlkit/ndarray/dlpack.py) ----
def test_split_v2_method_is_the_nd_helper():
    x = mx.nd.array(np.arange(12).reshape(6, 2))
    parts = x.split_v2(2, axis=1, squeeze_axis=True)
    assert [p.asnumpy().tolist() for p in parts] == [[0, 2, 4, 6, 8, 10],
                                                      [1, 3, 5, 7, 9, 11]]
    assert [p.shape for p in x.split_v2((2,))] == [(2, 2), (4, 2)]


def test_from_numpy_shares_memory_and_makes_the_source_read_only():
    source = np.arange(6, dtype="float64").reshape(2, 3)
    x = mx.nd.from_numpy(source)
    assert x.dtype == np.float64 and x.context == mx.cpu(0)   # dtype kept, no float32
    x += 1
    assert source.tolist() == [[1, 2, 3], [4, 5, 6]]
    assert not source.flags.writeable


def test_from_numpy_refuses_what_mxnet_cannot_share():
    with pytest.raises(ValueError, match="c-contiguous"):
        mx.nd.from_numpy(np.ones((3, 2)).T)
    with pytest.raises(ValueError, match="uint16 is not supported"):
        mx.nd.from_numpy(np.ones(3, dtype="uint16"))
    source = np.ones((3, 2)).T
    copy = mx.nd.from_numpy(source, zero_copy=False)
    copy += 1
    assert copy.dtype == np.float64 and source.sum() == 6 and source.flags.writeable


def test_dlpack_for_write_shares_memory_both_ways():
    x = mx.nd.ones((2, 3))
    capsule = x.to_dlpack_for_write()
    y = mx.nd.from_dlpack(capsule)
    y += 1
    assert x.asnumpy().tolist() == [[2, 2, 2], [2, 2, 2]]
    assert "used" in repr(capsule)      # a capsule is consumed once
    with pytest.raises(MXNetError, match="from_dlpack.*consumed only once"):
        mx.nd.from_dlpack(capsule)


def test_dlpack_for_read_gives_a_read_only_view():
    x = mx.nd.array([1, 2, 3])
    y = mx.nd.from_dlpack(mx.nd.to_dlpack_for_read(x))
    assert y.asnumpy().tolist() == [1, 2, 3] and y.dtype == np.float32
    with pytest.raises((ValueError, MXNetError), match="read-only"):
        y[:] = 0
    x[:] = 5                            # the view follows the array it reads
    assert y.asnumpy().tolist() == [5, 5, 5]


def test_dlpack_capsules_travel_to_and_from_numpy():
    x = mx.nd.array([[1, 2]], dtype="int32")

    class Holder:   # numpy.from_dlpack takes an object that hands out a capsule
        def __dlpack__(self, **kwargs):
            return x.to_dlpack_for_write()

        def __dlpack_device__(self):
            return (1, 0)

    view = np.from_dlpack(Holder())
    view += 10
    assert x.asnumpy().tolist() == [[11, 12]]
    from_numpy_capsule = mx.nd.from_dlpack(np.arange(3.0).__dlpack__())
    assert from_numpy_capsule.asnumpy().tolist() == [0, 1, 2]


def test_from_dlpack_rejects_objects_that_are_not_capsules():
    with pytest.raises(MXNetError, match="from_dlpack.*got NDArray"):
        mx.nd.from_dlpack(mx.nd.ones(2))
