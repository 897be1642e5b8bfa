"""The data lesson's checker accepts a right CSR encoder and rejects wrong ones, saying
which case and which part differ."""
import numpy as np
import pytest

import dlkit as mx
from dlkit import exercises_data


def right_to_csr(dense):
    rows, columns = np.nonzero(dense)
    counts = np.count_nonzero(dense, axis=1)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return dense[rows, columns], columns.astype(np.int64), indptr


def loop_to_csr(dense):
    """Right too, written the way a learner might: one row at a time."""
    data, indices, indptr = [], [], [0]
    for row in dense:
        for column, value in enumerate(row):
            if value != 0:
                data.append(value)
                indices.append(column)
        indptr.append(len(data))
    return (np.array(data, dtype=dense.dtype), np.array(indices, dtype=np.int64),
            np.array(indptr, dtype=np.int64))


def test_check_to_csr_accepts_right_encoders(capsys):
    exercises_data.check_to_csr(right_to_csr)
    exercises_data.check_to_csr(loop_to_csr)
    assert capsys.readouterr().out.count("check_to_csr: all 7 cases pass") == 2


def test_check_to_csr_accepts_ndarray_parts(capsys):
    def as_ndarrays(dense):
        data, indices, indptr = right_to_csr(dense)
        return (mx.nd.array(data, dtype=data.dtype),
                mx.nd.array(indices, dtype="int64"), mx.nd.array(indptr, dtype="int64"))
    exercises_data.check_to_csr(as_ndarrays)
    assert "all 7 cases pass" in capsys.readouterr().out


def test_check_to_csr_agrees_with_csr_ndarray_round_trip():
    """What the checker accepts rebuilds the matrix through csr_matrix."""
    for _, dense in exercises_data._csr_cases():
        data, indices, indptr = right_to_csr(dense)
        rebuilt = mx.nd.sparse.csr_matrix((data, indices, indptr), shape=dense.shape,
                                          dtype=dense.dtype)
        assert np.array_equal(rebuilt.asnumpy(), dense)


def test_check_to_csr_rejects_positive_values_only():
    def positives(dense):
        rows, columns = np.nonzero(dense > 0)
        indptr = np.concatenate([[0], np.cumsum((dense > 0).sum(axis=1))])
        return dense[rows, columns], columns.astype(np.int64), indptr.astype(np.int64)
    with pytest.raises(AssertionError, match=r"a single row \[\[0, -2, 0, 5, 0, -1\]\]"
                                             r", data has 1 entries, expected 3(.|\n)*"
                                             r"negative ones too"):
        exercises_data.check_to_csr(positives)


def test_check_to_csr_rejects_indptr_without_its_leading_zero():
    def no_leading_zero(dense):
        data, indices, indptr = right_to_csr(dense)
        return data, indices, indptr[1:]
    with pytest.raises(AssertionError, match=r"4x5 matrix \(row 2 empty\), indptr has "
                                             r"4 entries, expected 5(.|\n)*rows \+ 1"):
        exercises_data.check_to_csr(no_leading_zero)


def test_check_to_csr_rejects_counts_instead_of_offsets():
    def counts(dense):
        data, indices, _ = right_to_csr(dense)
        per_row = np.count_nonzero(dense, axis=1).astype(np.int64)
        return data, indices, np.concatenate([[0], per_row]).astype(np.int64)
    with pytest.raises(AssertionError, match=r"indptr differs first at position 2 "
                                             r"\(2, expected 4\)"
                                             r"(.|\n)*expected \[0 2 4 4 5\]"
                                             r"\ngot      \[0 2 2 0 1\]"):
        exercises_data.check_to_csr(counts)


def test_check_to_csr_rejects_an_empty_row_skipped_in_indptr():
    def skips_empty_rows(dense):
        data, indices, indptr = right_to_csr(dense)
        return data, indices, np.concatenate([[0], np.unique(indptr[1:])])
    with pytest.raises(AssertionError, match=r"row 2 empty\), indptr has 4 entries, "
                                             r"expected 5\nexpected \[0 2 4 4 5\]"):
        exercises_data.check_to_csr(skips_empty_rows)


def test_check_to_csr_rejects_column_major_order():
    def by_columns(dense):
        columns, rows = np.nonzero(dense.T)
        _, _, indptr = right_to_csr(dense)
        return dense[rows, columns], columns.astype(np.int64), indptr
    with pytest.raises(AssertionError, match=r"row 2 empty\), data differs first at "
                                             r"position 0(.|\n)*row by row, left to "
                                             r"right"):
        exercises_data.check_to_csr(by_columns)


def test_check_to_csr_wants_the_matrix_dtype_for_data():
    def float32_data(dense):
        data, indices, indptr = right_to_csr(dense)
        return data.astype(np.float32), indices, indptr
    with pytest.raises(AssertionError, match=r"a float64 3x3 matrix .*, data has dtype "
                                             r"float32, expected float64"):
        exercises_data.check_to_csr(float32_data)


def test_check_to_csr_wants_int64_indices():
    def int32_indices(dense):
        data, indices, indptr = right_to_csr(dense)
        return data, indices.astype(np.int32), indptr
    with pytest.raises(AssertionError, match=r"indices has dtype int32, expected "
                                             r"int64"):
        exercises_data.check_to_csr(int32_indices)


def test_check_to_csr_rejects_stored_zeros():
    def keeps_zeros(dense):
        rows, columns = np.indices(dense.shape).reshape(2, -1)
        indptr = np.arange(0, dense.size + 1, dense.shape[1], dtype=np.int64)
        return dense.reshape(-1), columns.astype(np.int64), indptr
    with pytest.raises(AssertionError, match=r"row 2 empty\), data has 20 entries, "
                                             r"expected 5"):
        exercises_data.check_to_csr(keeps_zeros)


def test_check_to_csr_wants_numpy_arrays_not_lists():
    def lists(dense):
        return tuple(part.tolist() for part in right_to_csr(dense))
    with pytest.raises(AssertionError, match=r"data is a list, expected a NumPy "
                                             r"array"):
        exercises_data.check_to_csr(lists)


def test_check_to_csr_wants_three_parts():
    with pytest.raises(AssertionError, match=r"returned tuple .*expected a tuple "
                                             r"\(data, indices, indptr\)"):
        exercises_data.check_to_csr(lambda dense: right_to_csr(dense)[:2])


def test_check_to_csr_wants_one_dimensional_parts():
    def two_d_data(dense):
        data, indices, indptr = right_to_csr(dense)
        return data[None, :], indices, indptr
    with pytest.raises(AssertionError, match=r"data has shape \(1, 5\), expected a "
                                             r"1-D array of 5 entries"):
        exercises_data.check_to_csr(two_d_data)


def test_check_to_csr_reports_an_error_in_the_learners_code():
    def broken(dense):
        if not dense.any():
            raise ValueError("no non-zeros")
        return right_to_csr(dense)
    with pytest.raises(AssertionError, match=r"for an all-zero 3x4 matrix your "
                                             r"function raised ValueError: no "
                                             r"non-zeros"):
        exercises_data.check_to_csr(broken)
