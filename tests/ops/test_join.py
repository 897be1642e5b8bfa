"""Hand-written tests for dlkit/ops/join.py: what the sweep and the goldens miss."""
import json

import numpy as np
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


# ---- khatri_rao ----
def test_khatri_rao_column_k_is_the_kronecker_product_of_columns_k():
    a = np.array([[1, -1], [2, -3]], np.float32)
    b = np.array([[1, 4], [2, 5], [3, 6]], np.float32)
    out = mx.nd.khatri_rao(mx.nd.array(a), mx.nd.array(b)).asnumpy()
    for k in range(2):
        np.testing.assert_array_equal(out[:, k], np.kron(a[:, k], b[:, k]))


def test_khatri_rao_gradient_of_the_first_matrix(ctx):
    a = mx.nd.ones((2, 2), ctx=ctx)
    b = mx.nd.array([[1, 4], [2, 5], [3, 6]], ctx=ctx)
    a.attach_grad()
    with mx.autograd.record():
        out = mx.nd.khatri_rao(a, b)
    out.backward()
    # d sum / d a[i, k] = sum over the rows of b in column k
    assert a.grad.asnumpy().tolist() == [[6, 15], [6, 15]]


def test_khatri_rao_needs_matrices_with_equal_column_counts():
    with pytest.raises(MXNetError, match=r"khatri_rao.*number of columns.*\(3, 3\)"):
        mx.nd.khatri_rao(mx.nd.zeros((2, 2)), mx.nd.zeros((3, 3)))
    with pytest.raises(MXNetError, match=r"khatri_rao.*2-d.*\(2,\)"):
        mx.nd.khatri_rao(mx.nd.zeros((2,)), mx.nd.zeros((2, 2)))


# ---- _split_v2 and its helpers nd.split_v2, sym.split_v2 ----
def test_split_v2_op_rejects_bad_indices():
    data = mx.nd.zeros((6, 2))
    with pytest.raises(MXNetError, match=r"_split_v2.*\(2, 3\).*start at 0"):
        mx.nd._split_v2(data, indices=(2, 3), axis=0)
    with pytest.raises(MXNetError, match=r"_split_v2.*\(0, 4, 2\).*non-decreasing"):
        mx.nd._split_v2(data, indices=(0, 4, 2), axis=0)
    with pytest.raises(MXNetError, match=r"_split_v2.*at most the axis length 6"):
        mx.nd._split_v2(data, indices=(0, 9), axis=0)
    with pytest.raises(MXNetError, match=r"squeeze_axis.*length 3"):
        mx.nd._split_v2(data, indices=(0, 3), axis=0, squeeze_axis=True)


def test_split_v2_sections_take_precedence_and_may_be_uneven():
    parts = mx.nd._split_v2(mx.nd.zeros((6, 2)), indices=(0, 1), sections=4, axis=0)
    assert [part.shape for part in parts] == [(2, 2), (2, 2), (1, 2), (1, 2)]


def test_split_v2_gradient_concatenates_the_parts(ctx):
    x = mx.nd.zeros((5, 2), ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        parts = mx.nd.split_v2(x, (1, 3))
    mx.autograd.backward(parts, [mx.nd.ones(p.shape, ctx=ctx) * (i + 1)
                                 for i, p in enumerate(parts)])
    assert x.grad.asnumpy()[:, 0].tolist() == [1, 2, 2, 3, 3]


def test_nd_split_v2_helper_follows_mxnet():
    x = mx.nd.array(np.arange(12).reshape(6, 2))
    assert [p.shape for p in mx.nd.split_v2(x, (1, 4))] == [(1, 2), (3, 2), (2, 2)]
    assert [p.shape for p in mx.nd.split_v2(x, 3)] == [(2, 2)] * 3
    assert mx.nd.split_v2(x, 1).shape == (6, 2)          # one part: one NDArray
    with pytest.raises(ValueError, match="equal division"):
        mx.nd.split_v2(x, 4)                             # nd refuses uneven parts
    with pytest.raises(ValueError, match="int or tuple"):
        mx.nd.split_v2(x, [1, 4])                        # a list is refused too


def test_sym_split_v2_allows_uneven_sections_and_writes_mxnet_json():
    data = mx.sym.var("a")
    _, out_shapes, _ = mx.sym.split_v2(data, 4).infer_shape(a=(6, 2))
    assert out_shapes == [(2, 2), (2, 2), (1, 2), (1, 2)]
    with mx.name.NameManager():
        node = json.loads(mx.sym.split_v2(data, (1, 4)).tojson())["nodes"][1]
    assert node["name"] == "_split_v20"
    assert node["attrs"] == {"axis": "0", "indices": "[0, 1, 4]", "sections": "0",
                             "squeeze_axis": "False"}
