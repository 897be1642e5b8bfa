"""Hand-written tests for dlkit/ops/sequence.py: what the registry sweep and the MXNet
goldens (tests/golden/ops_sequence.json) miss: names, errors, dtypes, clipping."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def _data(ctx, shape=(4, 3, 2)):
    return mx.nd.array(np.arange(np.prod(shape)).reshape(shape), ctx=ctx)


def test_inputs_follow_use_sequence_length_like_mxnet():
    data = mx.sym.var("x")
    assert mx.sym.SequenceMask(data).list_arguments() == ["x"]
    masked = mx.sym.SequenceMask(data, use_sequence_length=True, name="mask")
    assert masked.list_arguments() == ["x", "mask_sequence_length"]
    last = mx.sym.SequenceLast(data, use_sequence_length=True)
    _, out_shapes, _ = last.infer_shape(x=(5, 2, 3))
    assert out_shapes == [(2, 3)]
    arg_shapes, _, _ = masked.infer_shape(x=(5, 2, 3))
    assert arg_shapes == [(5, 2, 3), (2,)]


def test_mask_uses_value_and_axis(ctx):
    data = _data(ctx)
    lengths = mx.nd.array([1, 4, 0], ctx=ctx)
    out = mx.nd.SequenceMask(data, lengths, use_sequence_length=True, value=-1.0)
    expected = data.asnumpy().copy()
    for batch, length in enumerate([1, 4, 0]):
        expected[length:, batch] = -1
    np.testing.assert_array_equal(out.asnumpy(), expected)
    swapped = mx.nd.SequenceMask(data.swapaxes(0, 1), lengths, axis=1, value=-1.0,
                                 use_sequence_length=True)
    np.testing.assert_array_equal(swapped.asnumpy(), expected.swapaxes(0, 1))


def test_integer_lengths_keep_the_data_dtype(ctx):
    data = _data(ctx)
    lengths = mx.nd.array([2, 1, 3], ctx=ctx, dtype="int32")
    out = mx.nd.SequenceLast(data, lengths, use_sequence_length=True)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.asnumpy(), data.asnumpy()[[1, 0, 2], [0, 1, 2]])


def test_last_and_reverse_clip_lengths_into_range(ctx):
    data = _data(ctx)
    lengths = mx.nd.array([0, 9, 2], ctx=ctx)
    last = mx.nd.SequenceLast(data, lengths, use_sequence_length=True)
    np.testing.assert_array_equal(last.asnumpy(), data.asnumpy()[[0, 3, 1], [0, 1, 2]])
    reverse = mx.nd.SequenceReverse(data, lengths, use_sequence_length=True)
    np.testing.assert_array_equal(reverse.asnumpy()[:, 1], data.asnumpy()[::-1, 1])
    np.testing.assert_array_equal(reverse.asnumpy()[:, 0], data.asnumpy()[:, 0])


def test_last_gradient_goes_to_the_picked_steps(ctx):
    data = _data(ctx)
    data.attach_grad()
    with mx.autograd.record():
        out = mx.nd.SequenceLast(data, mx.nd.array([2, 4, 1], ctx=ctx),
                                 use_sequence_length=True)
    out.backward()
    grad = data.grad.asnumpy()[:, :, 0]
    expected = np.zeros((4, 3))
    expected[[1, 3, 0], [0, 1, 2]] = 1
    np.testing.assert_array_equal(grad, expected)


@pytest.mark.parametrize("op, axis", [("SequenceMask", 2), ("SequenceLast", -1),
                                      ("SequenceReverse", 1)])
def test_unsupported_axis_is_rejected(op, axis):
    with pytest.raises(MXNetError, match=f"{op}: axis={axis} is not supported"):
        getattr(mx.nd, op)(mx.nd.ones((4, 3, 2)), mx.nd.ones(3),
                           use_sequence_length=True, axis=axis)


def test_lengths_must_match_the_batch_size():
    with pytest.raises(MXNetError, match=r"sequence_length must have shape .*\(3,\).*"
                                         r"got \(2,\)"):
        mx.nd.SequenceMask(mx.nd.ones((4, 3, 2)), mx.nd.ones(2),
                           use_sequence_length=True)
    with pytest.raises(MXNetError, match=r"got \(3, 1\)"):
        mx.nd.SequenceLast(mx.nd.ones((4, 3)), mx.nd.ones((3, 1)),
                           use_sequence_length=True)


def test_data_needs_a_time_and_a_batch_axis():
    with pytest.raises(MXNetError, match="at least 2 dimensions"):
        mx.nd.SequenceReverse(mx.nd.ones(4))
