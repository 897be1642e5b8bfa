"""Selection by index: ``take``, ``pick``, ``batch_take``, ``one_hot``,
``fill_element_0index``, ``_onehot_encode`` and ``_getitem`` (what ``x[key]`` runs while
autograd records).

Each selects input elements by index, so its gradient is the output gradient scattered
into zeros of the input's shape at the selected places. ``take`` may select a place
twice, so it adds rather than assigns (``_scatter_add``)::

    table (3, 2) --take [0, 0, 2]--> rows (3, 2)
    grad  (3, 2) <--add rows' grads at 0, 0, 2-- out_grad (3, 2)

``one_hot`` builds an array from indices, which are not differentiable. Sorting
(``topk``, ``sort``, ``argsort``) lives in ``sort.py``; ``ravel_multi_index`` and
``unravel_index`` (index arithmetic) in ``gather.py``.
"""
import numpy as np

from .registry import (AttrType, Bool, Choice, Dtype, Example, Float, Int, Op,
                       OptionalInt, first_dtype, known, register_op, same_dtype,
                       shape_error)
from .shape import _axis, _size, _unknown


# --------------------------------------------------------------------------------------
# Helper: adding at repeated indices.
# --------------------------------------------------------------------------------------
def _scatter_add(xp, target, index, values):
    """``target[index] += values``, adding (not overwriting) where ``index`` repeats."""
    if hasattr(xp.add, "at"):
        xp.add.at(target, index, values)
    else:
        import cupyx  # older CuPy has no ufunc.at
        cupyx.scatter_add(target, index, values)
    return target


# --------------------------------------------------------------------------------------
# Selecting by index arrays: take, pick, one_hot.
# --------------------------------------------------------------------------------------
def _integer_indices(xp, indices, length, mode, op):
    """Float index values as ints in ``[0, length)``: truncated, then clipped or wrapped
    (``mode='raise'`` rejects out-of-range values instead)."""
    indices = indices.astype(xp.int64)
    if mode == "wrap":
        return indices % length
    if mode == "raise" and bool(((indices < 0) | (indices >= length)).any()):
        raise shape_error(op, "an index is out of range for an axis of length "
                              f"{length} (mode='raise'); use mode='clip' or 'wrap' to "
                              "allow it")
    # minimum/maximum rather than xp.clip: the same result without NumPy's clip
    # wrapper, which costs more than the whole pick on a batch of labels
    return xp.minimum(xp.maximum(indices, 0), length - 1)


@register_op
class Take(Op):
    """Rows of ``a`` (slices along ``axis``) chosen by ``indices``: the output shape is
    ``a.shape[:axis] + indices.shape + a.shape[axis+1:]``. ``mode`` says what an
    out-of-range index does: ``'clip'`` to the ends, ``'wrap'`` around, ``'raise'``.
    The gradient adds up where an index repeats; ``indices`` gets none."""
    name = "take"
    infer_type = first_dtype
    examples = [Example(shapes=[(4, 3), (2, 3)],
                        values={"indices": [[0, 3, 3], [1, 0, 2]]}),
                Example(shapes=[(2, 4), (3,)], attrs={"axis": 1, "mode": "wrap"},
                        values={"indices": [-1, 5, 5]})]

    def infer_shape(self, in_shapes, *, axis, mode):
        a, indices = in_shapes
        if not known(a) or not known(indices):
            return _unknown(self, in_shapes)
        position = _axis(self, axis, len(a))
        return list(in_shapes), [a[:position] + tuple(indices) + a[position + 1:]]

    def forward(self, xp, a, indices, *, axis: Int = 0,
                mode: Choice("clip", "raise", "wrap") = "clip"):
        position = axis % a.ndim
        indices = _integer_indices(xp, indices, a.shape[position], mode, self)
        return xp.take(a, indices, axis=position)

    def backward(self, xp, inputs, outputs, out_grads, *, axis, mode):
        a, indices = inputs
        position = axis % a.ndim
        indices = _integer_indices(xp, indices, a.shape[position], mode,
                                   self).reshape(-1)
        before, after = a.shape[:position], a.shape[position + 1:]
        grad = out_grads[0].reshape((_size(before), indices.size, _size(after)))
        result = xp.zeros((_size(before), a.shape[position], _size(after)), grad.dtype)
        _scatter_add(xp, result, (slice(None), indices), grad)
        return [result.reshape(a.shape), None]


def _picked_shape(shape, position, keepdims):
    """``pick``'s output shape: ``shape`` without axis ``position`` (kept as 1 with
    ``keepdims``); MXNet has no 0-d arrays, so picking from 1-d data gives (1,)."""
    if keepdims:
        return shape[:position] + (1,) + shape[position + 1:]
    return shape[:position] + shape[position + 1:] or (1,)


@register_op
class Pick(Op):
    """One element per position along ``axis``: ``out[i] = data[i, index[i]]`` for 2-d
    data and ``axis=-1``. ``index`` has the shape of ``data`` without ``axis``.
    Out-of-range indices are clipped or wrapped (``mode``)."""
    name = "pick"
    aliases = ("choose_element_0index",)   # MXNet's older name for the same op
    infer_type = first_dtype
    examples = [Example(shapes=[(3, 4), (3,)], values={"index": [0, 3, 1]}),
                Example(shapes=[(3, 4), (4,)], attrs={"axis": 0, "keepdims": True,
                                                      "mode": "wrap"},
                        values={"index": [0, -1, 5, 1]})]

    def infer_shape(self, in_shapes, *, axis, keepdims, mode):
        data, index = in_shapes
        if axis is None:
            raise shape_error(self, "axis=None is not supported; give the axis to pick "
                                    "along")
        if not known(data):
            return _unknown(self, in_shapes)
        position = _axis(self, axis, len(data))
        reduced = data[:position] + data[position + 1:]
        kept = data[:position] + (1,) + data[position + 1:]
        if index is not None and tuple(index) not in (reduced, kept):
            raise shape_error(self, f"index of shape {index} does not fit data of "
                                    f"shape {data} with axis={axis}; it must have "
                                    f"shape {reduced}")
        index = reduced if index is None else index
        return [data, index], [_picked_shape(data, position, keepdims)]

    def _places(self, xp, data, index, axis, mode):
        """The picked places as a fancy-index tuple for ``data`` (each entry shaped
        like ``data`` with length 1 along ``axis``), and that axis.

        The same index ``take_along_axis`` builds, minus its checks (``infer_shape``
        made them): ``pick`` on a batch of labels is mostly this bookkeeping.
        """
        position = axis % data.ndim
        shape = data.shape[:position] + (1,) + data.shape[position + 1:]
        length = data.shape[position]
        indices = _integer_indices(xp, index.reshape(shape), length, mode, self)
        places = []
        for dim, size in enumerate(shape):
            if dim == position:
                places.append(indices)
            else:   # 0..size-1 along this axis, broadcast along the others
                view = [1] * len(shape)
                view[dim] = size
                places.append(xp.arange(size).reshape(view))
        return tuple(places), position

    def forward(self, xp, data, index, *, axis: OptionalInt = -1,
                keepdims: Bool = False, mode: Choice("clip", "wrap") = "clip"):
        places, position = self._places(xp, data, index, axis, mode)
        result = data[places]   # (axis kept as 1)
        return result.reshape(_picked_shape(data.shape, position, keepdims))

    def backward(self, xp, inputs, outputs, out_grads, *, axis, keepdims, mode):
        data, index = inputs
        places, position = self._places(xp, data, index, axis, mode)
        # zeros with each row's gradient at its picked place, as MXNet's kernel does
        # (exactly 0 elsewhere: no -0.0 or NaN from multiplying a mask)
        grad = xp.zeros(data.shape, out_grads[0].dtype)
        grad[places] = out_grads[0].reshape(_picked_shape(data.shape, position, True))
        return [grad, None]


@register_op
class OneHot(Op):
    """For each index, a vector of length ``depth`` holding ``on_value`` at the index
    and ``off_value`` elsewhere (all ``off_value`` if the index is out of range)."""
    name = "one_hot"
    examples = [Example(shapes=[(2, 2)], attrs={"depth": 3},
                        values={"indices": [[0, 2], [1, 5]]},
                        grad=False, reason="indices are not differentiable")]

    def infer_shape(self, in_shapes, *, depth, on_value, off_value, dtype):
        if depth < 0:
            raise shape_error(self, f"depth={depth} must be a non-negative integer")
        indices = in_shapes[0]
        if indices is None:
            return _unknown(self, in_shapes)
        return list(in_shapes), [tuple(indices) + (depth,)]

    def infer_type(self, in_types, *, depth, on_value, off_value, dtype):
        return list(in_types), [dtype]

    def forward(self, xp, indices, *, depth: Int, on_value: Float = 1.0,
                off_value: Float = 0.0, dtype: Dtype = "float32"):
        hot = indices.astype(xp.int64)[..., None] == xp.arange(depth)
        return xp.where(hot, on_value, off_value).astype(dtype)

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        return [None]


# --------------------------------------------------------------------------------------
# MXNet's older row-wise ops: batch_take, fill_element_0index, _onehot_encode. Each
# works on one element per row of a matrix; an index value is truncated to an integer.
# --------------------------------------------------------------------------------------
def _check_rows(op, what, shape, rows):
    """Raise unless ``shape`` (an input named ``what``) holds one entry per row."""
    if shape is not None and len(shape) != 1:
        raise shape_error(op, f"{what} must be 1-d, got shape {shape}")
    if shape is not None and shape[0] != rows:
        raise shape_error(op, f"{what} of shape {shape} must hold one entry per row "
                              f"of the matrix ({rows} rows)")


@register_op
class BatchTake(Op):
    """``out[i] = a[i, indices[i]]``: one element per row of the 2-d ``a`` (MXNet's
    deprecated spelling of ``pick(a, indices, axis=1)``). Out-of-range indices are
    clipped to the row; ``indices`` holds one index per row in any shape, which the
    output takes.

    Differs from MXNet: MXNet 1.9.1 requires int32 indices and registers no gradient;
    dlkit accepts any index dtype (like ``take`` and ``pick``) and gives ``a`` the
    output gradient at the chosen places. It also rejects ``a`` with more than 2
    dimensions, for which MXNet reads the wrong elements.
    """
    name = "batch_take"
    examples = [Example(shapes=[(3, 4), (3,)], values={"indices": [0, 3, 5]}),
                Example(shapes=[(2, 3), (1, 2)], values={"indices": [[2, -1]]})]

    def infer_shape(self, in_shapes):
        a, indices = in_shapes
        if a is not None and len(a) != 2:
            raise shape_error(self, f"a must be 2-d (rows, columns), got shape {a}; "
                                    "use pick(a, indices, axis=-1) for more dimensions")
        if not known(a) or not known(indices):
            return _unknown(self, in_shapes)
        if _size(indices) != a[0]:
            raise shape_error(self, f"indices of shape {indices} must hold one index "
                                    f"per row of a {a} ({a[0]} indices)")
        return list(in_shapes), [tuple(indices)]

    def infer_type(self, in_types):
        a, indices = in_types
        return [a, indices or "int32"], [a]   # int32: the index type MXNet infers

    def forward(self, xp, a, indices):
        index = _integer_indices(xp, indices.reshape(-1), a.shape[1], "clip", self)
        return a[xp.arange(a.shape[0]), index].reshape(indices.shape)

    def backward(self, xp, inputs, outputs, out_grads):
        a, indices = inputs
        index = _integer_indices(xp, indices.reshape(-1), a.shape[1], "clip", self)
        grad = xp.zeros_like(a)
        grad[xp.arange(a.shape[0]), index] = out_grads[0].reshape(-1)  # one per row
        return [grad, None]


@register_op
class FillElement0Index(Op):
    """A copy of the 2-d ``lhs`` with ``lhs[i, rhs[i]] = mhs[i]`` in each row ``i``
    (``rhs`` holds 0-based column indices). MXNet quirk kept: a row whose index is
    outside ``[0, columns)`` is left unchanged.

    Not differentiable, as in MXNet 1.9.1. Differs from MXNet: MXNet accepts float32
    arrays only; dlkit any dtype (the output has ``lhs``'s).
    """
    name = "fill_element_0index"
    infer_type = first_dtype
    examples = [Example(shapes=[(3, 4), (3,), (3,)], values={"rhs": [2, 0, 7]},
                        grad=False, reason="not differentiable (as in MXNet)")]

    def infer_shape(self, in_shapes):
        lhs, mhs, rhs = in_shapes
        if lhs is None:
            return _unknown(self, in_shapes)
        if len(lhs) != 2:
            raise shape_error(self, f"lhs must be a 2-d matrix, got shape {lhs}")
        _check_rows(self, "mhs (the values)", mhs, lhs[0])
        _check_rows(self, "rhs (the indices)", rhs, lhs[0])
        return [lhs, (lhs[0],), (lhs[0],)], [lhs]

    def forward(self, xp, lhs, mhs, rhs):
        result = lhs.copy()
        index = rhs.astype(xp.int64)
        inside = (index >= 0) & (index < lhs.shape[1])
        rows = xp.arange(lhs.shape[0])[inside]
        result[rows, index[inside]] = mhs[inside]
        return result


@register_op
class OneHotEncode(Op):
    """Rows of ``rhs``'s shape holding 1 at column ``lhs[i]`` and 0 elsewhere (all 0
    when the index is out of range); ``rhs`` gives only the shape. Behind
    ``mx.nd.onehot_encode(indices, out)``, which writes into ``out``; ``one_hot`` is
    the modern op.

    Differs from MXNet: MXNet accepts float32 arrays only; dlkit any dtype (the output
    has ``rhs``'s).
    """
    name = "_onehot_encode"
    examples = [Example(shapes=[(3,), (3, 4)], values={"lhs": [1, 3, 4]}, grad=False,
                        reason="indices are not differentiable; rhs gives a shape")]

    def infer_shape(self, in_shapes):
        lhs, rhs = in_shapes
        if rhs is None:
            return _unknown(self, in_shapes)
        if len(rhs) != 2:
            raise shape_error(self, f"the output (rhs) must be 2-d, got shape {rhs}")
        _check_rows(self, "the indices (lhs)", lhs, rhs[0])
        return [(rhs[0],), rhs], [rhs]

    def infer_type(self, in_types):
        return list(in_types), [in_types[1]]

    def forward(self, xp, lhs, rhs):
        hot = lhs.astype(xp.int64)[:, None] == xp.arange(rhs.shape[1])
        return hot.astype(rhs.dtype)

    def backward(self, xp, inputs, outputs, out_grads):
        return [None, None]


# --------------------------------------------------------------------------------------
# _getitem: what ``x[key]`` runs while autograd records.
# --------------------------------------------------------------------------------------
class _IndexKey(AttrType):
    """A Python index: int, slice, ``None``, ``...``, index array, or a tuple of these.
    It lives only on the autograd tape and never in Symbol JSON."""
    name = "Python index"

    def parse(self, value):
        return value

    def format(self, value):
        raise TypeError("_getitem keys cannot be written to Symbol JSON")


def _is_basic(key):
    """True for keys made only of ints, slices, None and Ellipsis (NumPy 'basic'
    indexing: no element can be selected twice)."""
    items = key if isinstance(key, tuple) else (key,)
    return all(item is None or item is Ellipsis or isinstance(item, (int, slice))
               for item in items)


def _host_key(key):
    """``key`` with index arrays replaced by zero NumPy arrays of the same shape, so
    the result's shape can be computed without touching device data."""
    def host(item):
        if hasattr(item, "shape") and hasattr(item, "dtype"):
            return np.zeros(item.shape, dtype=item.dtype)
        return item
    return tuple(host(item) for item in key) if isinstance(key, tuple) else host(key)


@register_op
class GetItem(Op):
    """``data[key]`` for any Python ``key``; internal, used by ``NDArray.__getitem__``
    while autograd records. The gradient is scattered into zeros of ``data``'s shape
    (added up where an advanced index selects an element twice)."""
    name = "_getitem"
    infer_type = same_dtype
    examples = [Example(shapes=[(4, 3)], attrs={"key": slice(1, 3)}),
                Example(shapes=[(4, 3)], attrs={"key": (Ellipsis, 1)}),
                Example(shapes=[(4, 3)], attrs={"key": (1, 2)}),
                Example(shapes=[(4, 3)], attrs={"key": np.array([0, 2, 0])})]

    def infer_shape(self, in_shapes, *, key):
        shape = in_shapes[0]
        if not known(shape):
            return _unknown(self, in_shapes)
        # index a zero-byte array of the right shape: NumPy does the shape arithmetic
        probe = np.broadcast_to(np.zeros((), np.int8), shape)
        try:
            # MXNet never returns 0-d arrays: x[1, 2] has shape (1,)
            return list(in_shapes), [probe[_host_key(key)].shape or (1,)]
        except (IndexError, TypeError, ValueError) as error:
            raise shape_error(self, f"cannot index an array of shape {shape} with "
                                    f"{key!r}: {error}") from None

    def forward(self, xp, data, *, key: _IndexKey()):
        try:
            result = data[key]
        except IndexError as error:
            raise shape_error(self, f"cannot index an array of shape {data.shape} with "
                                    f"{key!r}: {error}") from None
        return result.reshape((1,)) if result.ndim == 0 else result

    def backward(self, xp, inputs, outputs, out_grads, *, key):
        grad = xp.zeros_like(inputs[0])
        out_grad = out_grads[0]
        if _is_basic(key):
            # undo the (1,) of a scalar pick
            grad[key] = out_grad.reshape(grad[key].shape)
        else:
            _scatter_add(xp, grad, key, out_grad)
        return [grad]
