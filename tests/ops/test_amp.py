"""Hand-written tests for dlkit/ops/amp.py: the dtype rules of MXNet's AMP casts (which
dtypes change and which pass through), their gradients, and cast_storage's refusal of
sparse storage."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


@pytest.mark.parametrize("source, target, expected", [
    ("float32", "float16", "float16"), ("float16", "float64", "float64"),
    ("float32", "int32", "int32"),        # AMP types go anywhere, even to integers
    ("float64", "float16", "float64"),    # other dtypes are left alone
    ("int32", "float16", "int32"), ("int8", "float32", "int8")])
def test_amp_cast_changes_only_float16_and_float32(source, target, expected):
    data = mx.nd.array([1.5, 2.25, -3.75], dtype=source)
    out = mx.nd.amp_cast(data, dtype=target)
    assert out.dtype == np.dtype(expected)
    _, out_types, _ = mx.sym.amp_cast(mx.sym.var("a"), dtype=target).infer_type(
        a=source)
    assert out_types == [np.dtype(expected).type]


def test_amp_cast_gradient_comes_back_in_the_input_dtype():
    data = mx.nd.array([1, 2, 3])
    data.attach_grad()
    with mx.autograd.record():
        out = mx.nd.amp_cast(data, dtype="float16")
    out.backward(mx.nd.array([1, 2, 3], dtype="float16"))
    assert data.grad.dtype == np.float32
    assert data.grad.asnumpy().tolist() == [1, 2, 3]


@pytest.mark.parametrize("dtypes, cast_narrow, expected", [
    (["float16", "float32"], False, ["float32", "float32"]),
    (["float16", "float32"], True, ["float16", "float16"]),
    (["float16", "float64", "int32"], False, ["float16", "float64", "int32"]),
    (["float32", "int32"], True, ["float32", "int32"])])
def test_amp_multicast_meets_at_the_widest_or_narrowest_amp_type(dtypes, cast_narrow,
                                                                  expected):
    arrays = [mx.nd.ones((2,), dtype=dtype) for dtype in dtypes]
    outs = mx.nd.amp_multicast(*arrays, num_outputs=len(arrays),
                               cast_narrow=cast_narrow)
    outs = outs if isinstance(outs, list) else [outs]
    assert [out.dtype for out in outs] == [np.dtype(name) for name in expected]


def test_amp_multicast_keeps_each_shape_and_needs_num_outputs():
    outs = mx.nd.amp_multicast(mx.nd.ones((2, 3), dtype="float16"), mx.nd.ones(4),
                               num_outputs=2)
    assert [out.shape for out in outs] == [(2, 3), (4,)]
    with pytest.raises(MXNetError, match="amp_multicast.*num_outputs.*missing"):
        mx.nd.amp_multicast(mx.nd.ones(2), mx.nd.ones(2))
    with pytest.raises(MXNetError, match="amp_multicast.*missing input 'data_2'"):
        mx.nd.amp_multicast(mx.nd.ones(2), mx.nd.ones(2), num_outputs=3)


def test_amp_multicast_symbol_has_one_output_per_input():
    group = mx.sym.amp_multicast(mx.sym.var("a"), mx.sym.var("b"), num_outputs=2,
                                 name="m")
    assert group.list_outputs() == ["m_output0", "m_output1"]
    _, out_types, _ = group.infer_type(a="float16", b="float32")
    assert out_types == [np.float32, np.float32]


def test_cast_storage_default_copies_and_passes_the_gradient():
    data = mx.nd.array([[0, 1], [2, 0]])
    data.attach_grad()
    with mx.autograd.record():
        out = mx.nd.cast_storage(data, stype="default") * 2
    out.backward()
    assert data.grad.asnumpy().tolist() == [[2, 2], [2, 2]]


@pytest.mark.parametrize("stype", ["csr", "row_sparse"])
def test_cast_storage_to_sparse_returns_the_sparse_class(stype):
    out = mx.nd.cast_storage(mx.nd.array([[0, 1], [2, 0]]), stype=stype)
    assert out.stype == stype
    assert isinstance(out, (mx.nd.CSRNDArray, mx.nd.RowSparseNDArray))
    assert out.asnumpy().tolist() == [[0, 1], [2, 0]]
    with pytest.raises(MXNetError, match="cast_storage.*'dense' is not valid"):
        mx.nd.cast_storage(mx.nd.zeros((2, 2)), stype="dense")


def test_cast_storage_to_csr_needs_a_matrix():
    with pytest.raises(MXNetError, match="cast_storage.*csr.*2-D.*\\(2, 2, 2\\)"):
        mx.nd.cast_storage(mx.nd.zeros((2, 2, 2)), stype="csr")
