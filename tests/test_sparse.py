"""mx.nd.sparse: CSRNDArray / RowSparseNDArray against MXNet 1.9.1 (golden "sparse"),
and what the goldens cannot show: autograd, Gluon's sparse gradients, the file format,
SciPy's absence, and that dense arrays keep invoke's fast path."""
import builtins
import sys

import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError
from dlkit.ndarray import sparse
from golden_replay import GOLDEN, load_topic

sys.path.insert(0, GOLDEN)
from gen_sparse import CASES, DENSE, stores_zeros  # noqa: E402

GOLDEN_CASES, ARRAYS = load_topic("sparse")


def _expected_error(name):
    if name == "MXNetError":
        return MXNetError
    if name == "NotSupportedForSparseNDArray":
        return sparse.NotSupportedForSparseNDArray
    return getattr(builtins, name)


@pytest.mark.parametrize("case", [c for c in GOLDEN_CASES if "id" in c],
                         ids=lambda case: case["id"])
def test_sparse_matches_mxnet(case):
    recipe = CASES[case["id"]]
    if "error" in case:
        with pytest.raises(_expected_error(case["error"])):
            recipe(mx, np)
        return
    result = recipe(mx, np)
    results = result if isinstance(result, (list, tuple)) else [result]
    assert len(results) == len(case["results"])
    for array, expected in zip(results, case["results"]):
        assert type(array).__name__ == expected["class"]
        assert array.stype == expected["stype"]
        assert array.shape == tuple(expected["shape"])
        assert np.dtype(array.dtype).name == expected["dtype"]
        np.testing.assert_allclose(array.asnumpy(), ARRAYS[expected["dense"]],
                                   rtol=1e-5, atol=1e-6)
        if expected["explicit_zeros"]:   # dlkit stores none: see test below
            assert not stores_zeros(array.data.asnumpy(), array.stype)
            continue
        for name, part in expected["parts"].items():
            value = getattr(array, name)
            assert type(value) is mx.nd.NDArray
            assert np.dtype(value.dtype).name == part["dtype"], name
            np.testing.assert_allclose(value.asnumpy(), ARRAYS[part["key"]],
                                       rtol=1e-5, atol=1e-6, err_msg=name)


def test_every_recipe_has_a_golden_case():
    assert {case["id"] for case in GOLDEN_CASES if "id" in case} == set(CASES)


# ---- the file format ----
def test_loads_an_mxnet_file_with_sparse_arrays_and_writes_the_same_bytes(tmp_path):
    blob = ARRAYS["file_bytes"].tobytes()
    loaded = mx.nd.load_frombuffer(blob)
    assert {name: array.stype for name, array in loaded.items()} == {
        "c": "csr", "r": "row_sparse", "z": "csr", "d": "default"}
    np.testing.assert_array_equal(loaded["c"].asnumpy(), DENSE)
    np.testing.assert_array_equal(loaded["r"].asnumpy(), np.array(DENSE) * 2)
    path = tmp_path / "again.params"
    mx.nd.save(path, loaded)
    assert path.read_bytes() == blob


def test_load_derives_the_value_count_from_the_indices():
    # MXNet can write a stale stored shape (0,) for a csr array it computed
    # asynchronously; the indices' length is the true count
    blob = bytearray(ARRAYS["file_bytes"].tobytes())
    position = blob.index(np.array([1, 4], "<i4").tobytes()[:4] +
                          np.array([4], "<i8").tobytes())
    blob[position + 4:position + 12] = np.array([0], "<i8").tobytes()
    loaded = mx.nd.load_frombuffer(bytes(blob))
    np.testing.assert_array_equal(loaded["c"].asnumpy(), DENSE)


def test_load_rejects_corrupt_sparse_parts():
    blob = bytearray(ARRAYS["file_bytes"].tobytes())
    indptr = np.array([0, 1, 3, 3, 4], "<i8").tobytes()
    position = blob.index(indptr)
    blob[position + 8:position + 16] = np.array([7], "<i8").tobytes()
    with pytest.raises(MXNetError, match="inconsistent sparse parts"):
        mx.nd.load_frombuffer(bytes(blob))


# ---- autograd and Gluon ----
def test_embedding_sparse_grad_gives_a_row_sparse_gradient():
    weight = mx.nd.arange(20).reshape((5, 4))
    weight.attach_grad(stype="row_sparse")
    with mx.autograd.record():
        loss = (mx.nd.Embedding(mx.nd.array([[0, 2], [2, 3]]), weight, input_dim=5,
                                output_dim=4, sparse_grad=True) ** 2).sum()
    loss.backward()
    assert isinstance(weight.grad, mx.nd.sparse.RowSparseNDArray)
    assert weight.grad.indices.asnumpy().tolist() == [0, 2, 3]
    assert weight.grad.asnumpy().sum() == 272.0   # MXNet's value


@pytest.mark.parametrize("hybridize", [False, True])
def test_gluon_embedding_sparse_grad(hybridize):
    net = mx.gluon.nn.Embedding(5, 4, sparse_grad=True)
    net.initialize()
    assert net.weight.grad().stype == "row_sparse"
    assert net.weight.grad().indices.shape == (0,)
    if hybridize:
        net.hybridize()
    with mx.autograd.record():
        loss = net(mx.nd.array([[0, 2], [2, 3]])).sum()
    loss.backward()
    gradient = net.weight.grad()
    assert gradient.stype == "row_sparse"
    assert gradient.indices.asnumpy().tolist() == [0, 2, 3]
    assert gradient.data.shape == (3, 4)
    before = net.weight.data().asnumpy()
    mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1}).step(1)
    after = net.weight.data()
    assert after.stype == "default"
    np.testing.assert_allclose(after.asnumpy(), before - 0.1 * gradient.asnumpy())
    net.weight.zero_grad()
    assert net.weight.grad().stype == "row_sparse"
    assert net.weight.grad().indices.shape == (0,)


def test_dense_embedding_keeps_a_dense_gradient():
    net = mx.gluon.nn.Embedding(5, 4)
    net.initialize()
    assert net.weight.grad().stype == "default"


def test_gradient_flows_through_a_sparse_result():
    weight = mx.nd.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    weight.attach_grad()
    data = mx.nd.array(DENSE).tostype("csr")
    with mx.autograd.record():
        hidden = mx.nd.sparse.dot(data, weight[:3], transpose_a=False)
        scaled = mx.nd.sparse.multiply(data, 2.0)
        loss = hidden.sum() + mx.nd.sparse.dot(scaled, weight[:3]).sum()
    loss.backward()
    expected = np.zeros((4, 2))
    expected[:3] = 3 * np.array(DENSE).sum(axis=0)[:, None]
    np.testing.assert_allclose(weight.grad.asnumpy(), expected)


# ---- what dlkit does differently, on purpose ----
def test_explicit_zeros_are_not_stored():
    matrix = mx.nd.sparse.csr_matrix(([0.0, 1.0], [0, 2], [0, 1, 2]), shape=(2, 3))
    assert matrix.data.asnumpy().tolist() == [1.0]   # MXNet keeps [0., 1.]
    assert matrix.indptr.asnumpy().tolist() == [0, 0, 1]


def test_out_of_range_indices_raise_a_clear_error():
    with pytest.raises(MXNetError, match="do not fit"):
        mx.nd.sparse.row_sparse_array(([[1, 2]], [5]), shape=(3, 2))
    with pytest.raises(MXNetError, match="indptr"):
        mx.nd.sparse.csr_matrix(([1, 2, 3], [0, 2, 1], [0, 1, 3]), shape=(3, 3))


def test_clip_that_would_fill_zeros_is_refused():
    with pytest.raises(MXNetError, match="a_min <= 0 <= a_max"):
        mx.nd.sparse.clip(mx.nd.array(DENSE).tostype("csr"), a_min=0.5, a_max=2.0)


def test_plain_nd_functions_return_dense_values():
    csr = mx.nd.array(DENSE).tostype("csr")
    result = mx.nd.sin(csr)
    assert type(result) is mx.nd.NDArray
    np.testing.assert_allclose(result.asnumpy(), np.sin(np.array(DENSE)), rtol=1e-6)


def test_asscipy_needs_scipy():
    csr = mx.nd.array(DENSE).tostype("csr")
    try:
        import scipy.sparse  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="scipy could not be imported"):
            csr.asscipy()
        return
    np.testing.assert_array_equal(csr.asscipy().toarray(), DENSE)


def test_sparse_repr_shows_class_shape_and_context():
    assert repr(mx.nd.sparse.zeros("row_sparse", (2, 3))) == \
        "\n<RowSparseNDArray 2x3 @cpu(0)>"


def test_dense_arrays_still_take_the_fast_path():
    from dlkit.ndarray import dispatch
    x = mx.nd.ones((2, 2))
    assert dispatch._common_context(dispatch.OPS["elemwise_add"], [x, x]) is not None
    csr = x.tostype("csr")
    assert dispatch._common_context(dispatch.OPS["elemwise_add"], [csr, x]) is None


def test_symbol_sparse_namespace_builds_ordinary_op_nodes():
    data = mx.sym.var("data")
    out = mx.sym.sparse.dot(data, mx.sym.var("weight"))
    assert out.list_arguments() == ["data", "weight"]
    executor = out.bind(mx.cpu(), {"data": mx.nd.array(DENSE),
                                   "weight": mx.nd.ones((3, 2))})
    np.testing.assert_allclose(executor.forward()[0].asnumpy(),
                               np.array(DENSE) @ np.ones((3, 2)))


@pytest.mark.skipif(mx.context.num_gpus() == 0, reason="needs a GPU")
def test_sparse_parts_on_gpu():
    csr = mx.nd.array(DENSE, ctx=mx.gpu(0)).tostype("csr")
    assert csr.context == mx.gpu(0)
    assert csr.indptr.asnumpy().tolist() == [0, 1, 3, 3, 4]
    rows = mx.nd.sparse.dot(csr, mx.nd.ones((4, 2), ctx=mx.gpu(0)), transpose_a=True)
    assert rows.stype == "row_sparse"
    assert rows.indices.asnumpy().tolist() == [0, 1, 2]
