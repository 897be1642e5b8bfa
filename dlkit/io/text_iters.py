"""``CSVIter`` and ``LibSVMIter``: batches from text files, one sample per line.

    CSVIter      data.csv     0.5,1,2       -> row [0.5, 1, 2] (reshaped to data_shape)
    LibSVMIter   data.libsvm  1 0:0.5 3:2   -> label 1, row [0.5, 0, 0, 2, 0, 0]
                                               (``column:value``, columns from 0)

Both read the whole file when created, then batch it like MXNet's C++ batch loader
(``batch_loader.py``: ``round_batch``, ``pad``, ``index``).
"""
import math

import numpy as np

from ..base import MXNetError
from .batch_loader import (SampleBatchIter, as_flag, check_batch_size,
                           check_dtype)

__all__ = ["CSVIter", "LibSVMIter"]


def _read_text(path, iterator):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise MXNetError(f"{iterator}: cannot read {path!r}: "
                         f"{error.strerror}") from None


def _label_shape(count, label_shape):
    """MXNet gives labels of shape (1,) as a flat ``(N,)`` vector."""
    if tuple(label_shape) == (1,):
        return (count,)
    return (count,) + tuple(label_shape)


def _read_csv(path, shape, iterator):
    """All rows of a CSV file of numbers, as float64 ``(N,) + shape``.

    Blank lines and empty cells are skipped, as MXNet's parser does.
    """
    size = math.prod(shape)
    rows = []
    for number, line in enumerate(_read_text(path, iterator).decode().splitlines()):
        if not line.strip():
            continue
        cells = [cell for cell in line.split(",") if cell.strip()]
        try:
            values = [float(cell) for cell in cells]
        except ValueError:
            raise MXNetError(f"{iterator}: line {number + 1} of {path} is not a row of "
                             f"numbers: {line!r} (a header line must be removed)"
                             ) from None
        if len(values) != size:
            raise MXNetError(f"{iterator}: the data size in CSV do not match size of "
                             f"shape: specified shape={list(shape)}, the csv "
                             f"row-length={len(values)} (line {number + 1} of {path})")
        rows.append(values)
    return np.array(rows, dtype=np.float64).reshape((len(rows),) + tuple(shape))


class CSVIter(SampleBatchIter):
    """Batches of rows of a CSV file (and optionally labels from a second one).

    Parameters
    ----------
    data_csv : str
        CSV file of numbers, one sample per line.
    data_shape : tuple of int
        Shape of one sample; a row must have ``prod(data_shape)`` numbers.
    label_csv : str
        CSV file of labels; without it ('NULL') every label is 0.
    label_shape : tuple of int
        Shape of one label; ``(1,)`` gives labels of shape ``(batch_size,)``.
    batch_size : int
        Samples per batch.
    round_batch : bool
        Complete the last batch with the first samples (see ``batch_loader.py``).
    prefetch_buffer, ctx : ignored
        MXNet's background-thread settings; dlkit reads the file at once.
    dtype : str or None
        float32 (None), int32 or int64.

    Differs from MXNet: arguments can be given by keyword only (MXNet ignores
    positional ones); a cell that is not a number raises an error (MXNet reads its
    numeric prefix, so ``0.75`` becomes 0 and ``9x`` 9); for int dtypes numbers are
    truncated toward zero (MXNet reads the digits before a '.' or 'e').

    Example
    -------
    >>> train_iter = mx.io.CSVIter(data_csv='data.csv', data_shape=(3,),
    ...                            batch_size=4)  # doctest: +SKIP
    """

    def __init__(self, *, data_csv, data_shape, label_csv="NULL", label_shape=(1,),
                 batch_size=None, round_batch=True, prefetch_buffer=4, ctx="gpu",
                 dtype=None):
        batch_size = check_batch_size("CSVIter", batch_size)
        dtype = check_dtype("CSVIter", dtype, ("float32", "int32", "int64"))
        data = _read_csv(data_csv, tuple(data_shape), "CSVIter")
        if label_csv in (None, "NULL"):
            label = np.zeros(_label_shape(len(data), label_shape))
        else:
            label = _read_csv(label_csv, tuple(label_shape), "CSVIter")
            if len(label) != len(data):
                raise MXNetError(f"CSVIter: {label_csv} has {len(label)} rows but "
                                 f"{data_csv} has {len(data)}; they must match")
            label = label.reshape(_label_shape(len(data), label_shape))
        super().__init__(data.astype(dtype), label.astype(dtype), batch_size,
                         round_batch, iterator="CSVIter")


def _partition(raw, num_parts, part_index):
    """The bytes of part ``part_index`` of ``num_parts``, cut like MXNet's text
    splitter: equal byte ranges, each boundary moved forward past the next line
    break. A line thus belongs to the part whose range holds the line break before
    it (the first line to part 0)."""
    if not 0 <= part_index < num_parts:
        raise MXNetError(f"LibSVMIter: part_index must be in [0, {num_parts}), got "
                         f"{part_index}")
    step = -(-len(raw) // num_parts)

    def next_line_start(position):
        if position <= 0:
            return 0
        if position >= len(raw):
            return len(raw)
        while position < len(raw) and raw[position] not in b"\r\n":
            position += 1
        while position < len(raw) and raw[position] in b"\r\n":
            position += 1
        return position

    begin = next_line_start(step * part_index)
    end = next_line_start(step * (part_index + 1))
    return raw[begin:end]


def _read_libsvm(path, width, num_parts, part_index):
    """``(labels, dense rows)`` of a LibSVM file: ``label column:value ...`` per line,
    columns counted from 0; ``#`` starts a comment and ``qid:`` is ignored."""
    text = _partition(_read_text(path, "LibSVMIter"), num_parts, part_index).decode()
    labels, rows = [], []
    for number, line in enumerate(text.splitlines()):
        tokens = line.split("#", 1)[0].split()
        if not tokens:
            continue
        row = np.zeros(width)
        try:
            labels.append(float(tokens[0]))
            for token in tokens[1:]:
                column, value = token.split(":")
                if column == "qid":
                    continue
                column = int(column)
                if not 0 <= column < width:
                    raise MXNetError(f"LibSVMIter: column {column} on line "
                                     f"{number + 1} of {path} is outside data_shape "
                                     f"({width},); columns count from 0")
                row[column] = float(value)
        except ValueError:
            raise MXNetError(f"LibSVMIter: line {number + 1} of {path} is not "
                             f"'label column:value ...': {line!r}") from None
        rows.append(row)
    return np.array(labels), np.array(rows).reshape(len(rows), width)


class LibSVMIter(SampleBatchIter):
    """Batches of a LibSVM file's rows, as dense arrays.

    Parameters
    ----------
    data_libsvm : str
        LibSVM file: ``label column:value column:value ...`` per line, columns from 0.
    data_shape : tuple of int
        ``(num_columns,)``.
    label_libsvm : str
        Optional LibSVM file of labels (its first token per line is ignored); without
        it ('NULL') each line's first token is its label.
    label_shape : tuple of int
        ``(width,)`` of the labels in ``label_libsvm``.
    num_parts, part_index : int
        Read only part ``part_index`` of the file cut into ``num_parts`` (by bytes,
        at line breaks, as MXNet).
    batch_size : int
        Samples per batch.
    round_batch : bool
        Must be True (MXNet's sparse batch loader has no other mode).
    prefetch_buffer, ctx, dtype : ignored
        MXNet's background-thread settings; dlkit reads the file at once.

    Differs from MXNet: the data batches (and labels from ``label_libsvm``) are dense
    NDArrays; MXNet returns ``CSRNDArray`` (sparse storage, ``stype='csr'``), which
    dlkit does not have; ``asnumpy()`` gives the same values. A column outside
    ``data_shape`` raises an error (MXNet returns a corrupt batch).

    Example
    -------
    >>> train_iter = mx.io.LibSVMIter(data_libsvm='data.libsvm', data_shape=(6,),
    ...                               batch_size=2)  # doctest: +SKIP
    """

    def __init__(self, *, data_libsvm, data_shape, label_libsvm="NULL",
                 label_shape=(1,), num_parts=1, part_index=0, batch_size=None,
                 round_batch=True, prefetch_buffer=4, ctx="gpu", dtype=None):
        batch_size = check_batch_size("LibSVMIter", batch_size)
        if len(data_shape) != 1:
            raise MXNetError(f"LibSVMIter: dimension of data_shape is expected to be "
                             f"1, got data_shape={tuple(data_shape)}")
        if not as_flag(round_batch):
            raise MXNetError("LibSVMIter: sparse batch loader doesn't support "
                             "round_batch == false yet")
        label, data = _read_libsvm(data_libsvm, data_shape[0], num_parts, part_index)
        if label_libsvm not in (None, "NULL"):
            if len(label_shape) != 1:
                raise MXNetError(f"LibSVMIter: dimension of label_shape is expected "
                                 f"to be 1, got label_shape={tuple(label_shape)}")
            _, label = _read_libsvm(label_libsvm, label_shape[0], num_parts,
                                    part_index)
            if len(label) != len(data):
                raise MXNetError(f"LibSVMIter: {label_libsvm} has {len(label)} rows "
                                 f"but {data_libsvm} has {len(data)}; they must match")
            label = label.reshape(_label_shape(len(data), label_shape))
        super().__init__(data.astype(np.float32), label.astype(np.float32), batch_size,
                         round_batch, iterator="LibSVMIter")
