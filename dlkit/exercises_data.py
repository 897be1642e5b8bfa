"""Checkers for the exercises of the data lessons (18): sparse arrays, record files and
the model zoo.

Same pattern as ``dlkit.exercises``: each checker calls the learner's function on a
few small cases, compares with a reference, prints what passed or raises
``AssertionError`` saying which case failed, which part differs, what was expected and
what came back.

====================  =======================================  =====================
checker               exercise                                 lesson
====================  =======================================  =====================
``check_to_csr``      a dense matrix's CSR encoding            18-sparse-records-zoo
====================  =======================================  =====================
"""
import numpy as np

from . import ndarray as nd
from .exercises import _passed

__all__ = ["check_to_csr"]


def _csr_cases():
    """(description, dense matrix): each one a trap for a different mistake."""
    rng = np.random.RandomState(0)
    holes = rng.uniform(1, 9, (5, 4)).round().astype(np.float32)
    holes[rng.uniform(size=holes.shape) < 0.5] = 0
    holes[[0, 4]] = 0
    signs = rng.choice([-1.0, 1.0], (4, 5)) * rng.randint(1, 10, (4, 5))
    signs[rng.uniform(size=signs.shape) < 0.4] = 0
    return [
        ("the lesson's 4x5 matrix (row 2 empty)",
         np.array([[0, 1, 0, 0, 2], [3, 0, 1, 0, 0], [0, 0, 0, 0, 0],
                   [1, 0, 0, 0, 0]], dtype=np.float32)),
        ("a 5x4 matrix whose first and last rows are empty", holes),
        ("an all-zero 3x4 matrix", np.zeros((3, 4), dtype=np.float32)),
        ("a single row [[0, -2, 0, 5, 0, -1]]",
         np.array([[0, -2, 0, 5, 0, -1]], dtype=np.float32)),
        ("a 4x5 matrix with negative values", signs.astype(np.float32)),
        ("a float64 3x3 matrix [[0.1, 0, 1/3], [0, 0, 0], [0, -2.5e-10, 0]]",
         np.array([[0.1, 0, 1 / 3], [0, 0, 0], [0, -2.5e-10, 0]], dtype=np.float64)),
        ("a 4x1 column [[0], [7], [0], [-7]]",
         np.array([[0], [7], [0], [-7]], dtype=np.float32)),
    ]


def _reference(dense):
    """MXNet's encoding of ``dense``, as dlkit's ``CSRNDArray`` gives it."""
    csr = nd.array(dense, dtype=dense.dtype).tostype("csr")
    return {"data": csr.data.asnumpy(), "indices": csr.indices.asnumpy(),
            "indptr": csr.indptr.asnumpy()}


_HINTS = {
    "data": "the non-zero values row by row, left to right within a row; a value "
            "counts when it is != 0, negative ones too; it keeps the matrix's dtype",
    "indices": "the column of each value in data, as int64",
    "indptr": "rows + 1 entries, int64: row i's values are data[indptr[i]:indptr[i+1]],"
              " so indptr[0] == 0, an empty row repeats the entry before it and "
              "indptr[-1] == len(data)",
}


def _as_array(value, checker, case, part):
    """A returned part as a NumPy array (NDArrays are converted)."""
    if isinstance(value, nd.NDArray):
        return value.asnumpy()
    if not isinstance(value, np.ndarray):
        raise AssertionError(f"{checker}: for {case}, {part} is a "
                             f"{type(value).__name__}, expected a NumPy array "
                             f"(np.array(..., dtype=...))")
    return value


def _compare_part(checker, case, part, got, expected):
    hint = f"\n({part}: {_HINTS[part]})"
    if got.ndim != 1:
        raise AssertionError(f"{checker}: for {case}, {part} has shape {got.shape}, "
                             f"expected a 1-D array of {len(expected)} entries{hint}")
    if len(got) != len(expected):
        raise AssertionError(f"{checker}: for {case}, {part} has {len(got)} entries, "
                             f"expected {len(expected)}\nexpected {expected}\n"
                             f"got      {got}{hint}")
    if got.dtype != expected.dtype:
        raise AssertionError(f"{checker}: for {case}, {part} has dtype {got.dtype}, "
                             f"expected {expected.dtype}{hint}")
    differ = np.flatnonzero(got != expected)
    if len(differ):
        first = differ[0]
        raise AssertionError(f"{checker}: for {case}, {part} differs first at position "
                             f"{first} ({got[first]}, expected {expected[first]})"
                             f"\nexpected {expected}\ngot      {got}{hint}")


def check_to_csr(to_csr):
    """``to_csr(dense)`` of a 2-D NumPy array must return ``(data, indices, indptr)``,
    its compressed sparse row encoding, exactly as MXNet's ``CSRNDArray`` stores it:

    * ``data``: the non-zero values in row-major order, with the matrix's dtype;
    * ``indices``: the column of each value (int64);
    * ``indptr``: ``rows + 1`` offsets (int64), row ``i`` being
      ``data[indptr[i]:indptr[i + 1]]``.

    Cases: empty rows (also the first and last), an all-zero matrix, a single row,
    negative values, float64 values, a single column. The reference is dlkit's
    ``mx.nd.array(dense).tostype('csr')``. Parts may be NumPy arrays or NDArrays.
    """
    checker = "check_to_csr"
    cases = _csr_cases()
    for case, dense in cases:
        try:
            result = to_csr(dense.copy())
        except Exception as error:   # the learner's code may raise anything
            raise AssertionError(f"{checker}: for {case} your function raised "
                                 f"{type(error).__name__}: {error}") from error
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            raise AssertionError(f"{checker}: for {case} your function returned "
                                 f"{type(result).__name__} {result!r:.200}, expected a "
                                 "tuple (data, indices, indptr)")
        expected = _reference(dense)
        for part, value in zip(("data", "indices", "indptr"), result):
            got = _as_array(value, checker, case, part)
            _compare_part(checker, case, part, got, expected[part])
    _passed(checker, len(cases))
