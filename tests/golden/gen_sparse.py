"""Golden cases for mx.nd.sparse (CSRNDArray, RowSparseNDArray): run by hand with MXNet.

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_sparse.py

Each case in ``CASES`` is a recipe ``(mx, np) -> array(s)`` that MXNet runs here and
``tests/test_sparse.py`` runs in dlkit (it imports this file). For every result the
golden keeps its class, stype, shape, dtype, dense values and sparse parts (``data``,
``indices``, ``indptr``), or the exception's class. No case stores an explicit zero
in its input (dlkit's dense values cannot tell one apart, see
``dlkit/ndarray/sparse.py``); a result where MXNet stores some (``dot(dense, csr)``
keeps the zeros it computed) is flagged ``explicit_zeros``: its values and stype are
compared, its parts are not.
"""
import os

import numpy as np

DENSE = [[0, 1, 0], [2, 0, 3], [0, 0, 0], [4, 0, 0]]
SQUARE = [[1, 0, 2, 0], [0, 0, 0, 0], [0, 3, 0, 0], [5, 0, 0, 1]]


def _a(mx):
    return mx.nd.array(DENSE)


def _c(mx):
    return _a(mx).tostype("csr")


def _r(mx):
    return _a(mx).tostype("row_sparse")


def _sq(mx, stype):
    return mx.nd.array(SQUARE).tostype(stype)


def _dot_cases():
    cases = {}
    for left in ("default", "csr", "row_sparse"):
        for right in ("default", "csr", "row_sparse"):
            for flags in ((False, False), (True, False), (False, True)):
                name = f"dot_{left}_{right}_{int(flags[0])}{int(flags[1])}"
                cases[name] = (lambda mx, np, l=left, r=right, f=flags:
                               mx.nd.sparse.dot(_sq(mx, l), _sq(mx, r),
                                                transpose_a=f[0], transpose_b=f[1]))
    return cases


UNARY = ("abs", "arcsin", "arctan", "ceil", "cos", "exp", "expm1", "log1p",
         "negative", "relu", "sigmoid", "sign", "sin", "sqrt", "square", "tanh",
         "zeros_like", "sum", "mean", "norm")

CASES = {
    # the encodings
    "tostype_csr": lambda mx, np: _c(mx),
    "tostype_row_sparse": lambda mx, np: _r(mx),
    "tostype_default": lambda mx, np: _c(mx).tostype("default"),
    "tostype_int_csr": lambda mx, np: mx.nd.array(DENSE, dtype="int32").tostype("csr"),
    "tostype_3d_row_sparse": lambda mx, np:
        mx.nd.array(np.arange(12).reshape(3, 2, 2) * [[[0]], [[1]], [[0]]])
        .tostype("row_sparse"),
    "tostype_1d_row_sparse": lambda mx, np: mx.nd.array([0, 1, 0, 2]).tostype(
        "row_sparse"),
    "tostype_1d_csr_error": lambda mx, np: mx.nd.ones((3,)).tostype("csr"),
    "tostype_csr_to_rsp_error": lambda mx, np: _c(mx).tostype("row_sparse"),
    "cast_storage_csr": lambda mx, np: mx.nd.cast_storage(_a(mx), stype="csr"),
    "sparse_cast_storage_rsp": lambda mx, np: mx.nd.sparse.cast_storage(
        _a(mx), "row_sparse"),
    # constructors
    "csr_matrix_tuple": lambda mx, np: mx.nd.sparse.csr_matrix(
        ([1, 2, 3], [0, 1, 2], [0, 1, 1, 3]), shape=(3, 3)),
    "csr_matrix_tuple_no_shape": lambda mx, np: mx.nd.sparse.csr_matrix(
        ([1, 2, 3], [0, 1, 2], [0, 1, 1, 3])),
    "csr_matrix_numpy_float64": lambda mx, np: mx.nd.sparse.csr_matrix(
        (np.array([1., 2, 3]), np.array([0, 1, 3]), np.array([0, 1, 1, 3])),
        shape=(3, 4)),
    "csr_matrix_dtype": lambda mx, np: mx.nd.sparse.csr_matrix(
        ([1, 2, 3], [0, 1, 2], [0, 1, 1, 3]), shape=(3, 3), dtype="float16"),
    "csr_matrix_shape": lambda mx, np: mx.nd.sparse.csr_matrix((2, 3), dtype="int32"),
    "csr_matrix_from_csr": lambda mx, np: mx.nd.sparse.csr_matrix(_c(mx),
                                                                  dtype="float64"),
    "csr_matrix_from_dense": lambda mx, np: mx.nd.sparse.csr_matrix(_a(mx)),
    "csr_matrix_from_numpy": lambda mx, np: mx.nd.sparse.csr_matrix(
        np.array([[0, 1.], [2, 0]])),
    "csr_matrix_from_rsp_error": lambda mx, np: mx.nd.sparse.csr_matrix(_r(mx)),
    "row_sparse_array_tuple": lambda mx, np: mx.nd.sparse.row_sparse_array(
        ([[1, 2], [3, 4]], [0, 2]), shape=(3, 2)),
    "row_sparse_array_no_shape": lambda mx, np: mx.nd.sparse.row_sparse_array(
        ([[1, 2], [3, 4]], [0, 2])),
    "row_sparse_array_3d": lambda mx, np: mx.nd.sparse.row_sparse_array(
        (np.ones((1, 2, 2)), [1]), shape=(3, 2, 2)),
    "row_sparse_array_shape": lambda mx, np: mx.nd.sparse.row_sparse_array((3, 2)),
    "row_sparse_array_from_dense": lambda mx, np: mx.nd.sparse.row_sparse_array(
        _a(mx), dtype="float64"),
    "row_sparse_array_1d_shape_error": lambda mx, np: mx.nd.sparse.row_sparse_array(
        (5,)),
    "zeros_csr": lambda mx, np: mx.nd.sparse.zeros("csr", (2, 3)),
    "zeros_row_sparse": lambda mx, np: mx.nd.sparse.zeros("row_sparse", (2, 3),
                                                          dtype="float16"),
    "zeros_default": lambda mx, np: mx.nd.sparse.zeros("default", (2, 3)),
    "zeros_bad_stype_error": lambda mx, np: mx.nd.sparse.zeros("foo", (2, 3)),
    "empty_row_sparse": lambda mx, np: mx.nd.sparse.empty("row_sparse", (2, 3),
                                                          dtype="int32"),
    "array_from_csr": lambda mx, np: mx.nd.sparse.array(_c(mx), dtype="float64"),
    "array_from_rsp": lambda mx, np: mx.nd.sparse.array(_r(mx)),
    "array_from_dense_error": lambda mx, np: mx.nd.sparse.array(_a(mx)),
    # conversions and copies
    "astype_csr": lambda mx, np: _c(mx).astype("int32"),
    "astype_rsp": lambda mx, np: _r(mx).astype("float64"),
    "copy_csr": lambda mx, np: _c(mx).copy(),
    "copyto_context": lambda mx, np: _r(mx).copyto(mx.cpu(0)),
    "copyto_dense": lambda mx, np: _c(mx).copyto(mx.nd.zeros((4, 3))),
    "copyto_csr": lambda mx, np: _c(mx).copyto(mx.nd.sparse.zeros("csr", (4, 3))),
    "copyto_rsp_from_csr_error": lambda mx, np: _c(mx).copyto(
        mx.nd.sparse.zeros("row_sparse", (4, 3))),
    "dense_copyto_rsp": lambda mx, np: _a(mx).copyto(
        mx.nd.sparse.zeros("row_sparse", (4, 3))),
    "reshape_error": lambda mx, np: _c(mx).reshape((3, 4)),
    # slicing
    "csr_row_slice": lambda mx, np: _c(mx)[1:3],
    "csr_row": lambda mx, np: _c(mx)[1],
    "csr_negative_slice": lambda mx, np: _c(mx)[-2:],
    "csr_full_slice": lambda mx, np: _c(mx)[:],
    "csr_step_error": lambda mx, np: _c(mx)[::2],
    "csr_2d_key_error": lambda mx, np: _c(mx)[1:3, 0],
    "rsp_full_slice": lambda mx, np: _r(mx)[:],
    "rsp_slice_error": lambda mx, np: _r(mx)[1:2],
    "rsp_int_error": lambda mx, np: _r(mx)[1],
    "sparse_slice_csr": lambda mx, np: mx.nd.sparse.slice(_c(mx), begin=(1, 0),
                                                          end=(3, 2)),
    "sparse_slice_rsp": lambda mx, np: mx.nd.sparse.slice(_r(mx), begin=(1, 0),
                                                          end=(3, 3)),
    # arithmetic and its storage types
    "csr_plus_csr": lambda mx, np: _c(mx) + _c(mx) * 2,
    "csr_plus_dense": lambda mx, np: _c(mx) + _a(mx),
    "csr_plus_scalar": lambda mx, np: _c(mx) + 1,
    "csr_times_scalar": lambda mx, np: 2 * _c(mx),
    "csr_div_scalar": lambda mx, np: _c(mx) / 2,
    "scalar_div_rsp": lambda mx, np: 2 / (_r(mx) + 1),
    "csr_times_dense": lambda mx, np: _c(mx) * (_a(mx) + 1),
    "dense_times_csr": lambda mx, np: (_a(mx) + 1) * _c(mx),
    "csr_times_row": lambda mx, np: _c(mx) * mx.nd.array([[1, 2, 3]]),
    "csr_div_row": lambda mx, np: _c(mx) / mx.nd.array([[1, 2, 4]]),
    "neg_csr": lambda mx, np: -_c(mx),
    "csr_gt_0": lambda mx, np: _c(mx) > 0,
    "csr_gt_minus_1": lambda mx, np: _c(mx) > -1,
    "rsp_plus_rsp": lambda mx, np: _r(mx) + _r(mx) * 3,
    "rsp_minus_dense": lambda mx, np: _r(mx) - _a(mx) * 2,
    "rsp_times_dense": lambda mx, np: _r(mx) * (_a(mx) + 1),
    "rsp_times_csr": lambda mx, np: mx.nd.sparse.multiply(_r(mx), _c(mx)),
    "sparse_add_scalars": lambda mx, np: mx.nd.sparse.add(3, _r(mx)),
    "sparse_subtract": lambda mx, np: mx.nd.sparse.subtract(_r(mx), _r(mx) * 3),
    "sparse_divide": lambda mx, np: mx.nd.sparse.divide(_c(mx), _a(mx) + 1),
    "elemwise_add_rsp": lambda mx, np: mx.nd.sparse.elemwise_add(_r(mx), _r(mx)),
    "elemwise_mul_dense_rsp": lambda mx, np: mx.nd.sparse.elemwise_mul(_a(mx), _r(mx)),
    "iadd_rsp_dense": lambda mx, np: _iadd(_r(mx), _a(mx) + 1),
    "imul_csr": lambda mx, np: _imul(_c(mx), 3),
    "setitem_rsp_scalar": lambda mx, np: _setitem(_r(mx), 2),
    "setitem_csr_dense": lambda mx, np: _setitem(_c(mx), mx.nd.array(SQUARE)[:, :3]),
    "setitem_csr_scalar_error": lambda mx, np: _setitem(_c(mx), 1),
    "add_n_rsp": lambda mx, np: mx.nd.sparse.add_n(_r(mx), _r(mx), _r(mx)),
    "add_n_csr": lambda mx, np: mx.nd.sparse.add_n(_c(mx), _c(mx)),
    "concat_csr_rows": lambda mx, np: mx.nd.sparse.concat(_c(mx), _c(mx), dim=0),
    "concat_csr_columns": lambda mx, np: mx.nd.sparse.concat(_c(mx), _c(mx), dim=1),
    "clip_csr": lambda mx, np: mx.nd.sparse.clip(_c(mx), a_min=-1.0, a_max=2.5),
    "where_csr": lambda mx, np: mx.nd.sparse.where(_c(mx), _a(mx) + 1, _a(mx) - 1),
    "retain": lambda mx, np: mx.nd.sparse.retain(_r(mx), mx.nd.array([0, 3])),
    "retain_int64": lambda mx, np: mx.nd.sparse.retain(
        _r(mx), mx.nd.array([1, 3], dtype="int64")),
    "csr_sin_method": lambda mx, np: _c(mx).sin(),
    "csr_exp_method": lambda mx, np: _c(mx).exp(),
    "rsp_sqrt_method": lambda mx, np: _r(mx).sqrt(),
    "csr_sum_method": lambda mx, np: _c(mx).sum(axis=0),
    "floor_csr": lambda mx, np: mx.nd.sparse.floor(_sq(mx, "csr") * 1.5),
}
CASES.update({f"{name}_{stype}": (lambda mx, np, n=name, s=stype:
                                  getattr(mx.nd.sparse, n)(_sq(mx, s) * 0.2))
              for name in UNARY for stype in ("csr", "row_sparse")})
CASES.update(_dot_cases())


def _iadd(x, y):
    x += y
    return x


def _imul(x, y):
    x *= y
    return x


def _setitem(x, value):
    x[:] = value
    return x


def _parts(mx_result):
    stype = mx_result.stype
    if stype == "csr":
        return {"data": mx_result.data, "indices": mx_result.indices,
                "indptr": mx_result.indptr}
    if stype == "row_sparse":
        return {"data": mx_result.data, "indices": mx_result.indices}
    return {}


def stores_zeros(data, stype):
    """Whether the stored values hold an explicit zero: a zero value (csr) or a
    stored row of zeros (row_sparse)."""
    if data.size == 0:
        return False
    flat = data.reshape(len(data), -1) if stype == "row_sparse" else data[:, None]
    return bool(np.any(np.all(flat == 0, axis=1)))


def describe(result, writer, key):
    """The golden record of one result (``writer``: store arrays, give their keys)."""
    results = result if isinstance(result, (list, tuple)) else [result]
    records = []
    for index, array in enumerate(results):
        record = {"class": type(array).__name__, "stype": array.stype,
                  "shape": list(array.shape), "dtype": np.dtype(array.dtype).name,
                  "dense": writer(f"{key}/{index}/dense",
                                  array.tostype("default").asnumpy()),
                  "parts": {}, "explicit_zeros": False}
        parts = _parts(array)
        if "data" in parts:
            record["explicit_zeros"] = stores_zeros(parts["data"].asnumpy(),
                                                    array.stype)
        for name, part in parts.items():
            record["parts"][name] = {"dtype": np.dtype(part.dtype).name,
                                     "key": writer(f"{key}/{index}/{name}",
                                                   part.asnumpy())}
        records.append(record)
    return records


def main():
    import mxnet as mx
    from mxgolden import GoldenWriter

    golden = GoldenWriter("sparse")
    for name, recipe in CASES.items():
        try:
            result = recipe(mx, np)
            mx.nd.waitall()
        except Exception as error:  # noqa: BLE001  (the class is the golden)
            golden.add({"id": name, "error": type(error).__name__})
            continue
        golden.add({"id": name, "results": describe(result, golden.add_array, name)})
    # a file MXNet wrote: dlkit must load it and write the same bytes
    first, second = _c(mx), _r(mx) * 2
    mx.nd.waitall()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sparse.params")
    mx.nd.save(path, {"c": first, "r": second, "z": mx.nd.sparse.zeros("csr", (2, 3)),
                      "d": mx.nd.ones((2,))})
    with open(path, "rb") as handle:
        golden.add_array("file_bytes", np.frombuffer(handle.read(), np.uint8))
    os.remove(path)
    golden.save()


if __name__ == "__main__":
    main()
