"""Selection operators: ``take``, ``pick``, ``one_hot``, ``topk``, ``sort``,
``argsort`` and ``_getitem`` (what ``x[key]`` runs while autograd records).

Each selects input elements by index, so its gradient is the output gradient scattered
into zeros of the input's shape at the selected places (``take`` may select a place
twice, so it adds rather than assigns). Index-valued results (``argsort``, ``topk``
indices, ``one_hot``) have zero gradient. ``sort`` and ``topk`` return the indices as a
hidden output, which their backward uses, as MXNet does.
"""
import numpy as np

from .registry import (AttrType, Bool, Choice, Dtype, Example, Float, Int, Op,
                       OptionalInt, first_dtype, known, register_op, same_dtype,
                       shape_error)
from .shape import (_ZeroGrad, _axis, _place_along_axis, _scatter_add, _size,
                    _stable_argsort, _unknown)



# ----------------------------------------------------------------------------------------
# Selecting by index arrays: take, pick, one_hot.
# ----------------------------------------------------------------------------------------
def _integer_indices(xp, indices, length, mode, op):
    """Float index values as ints in ``[0, length)``: truncated, then clipped or wrapped
    (``mode='raise'`` rejects out-of-range values instead)."""
    indices = indices.astype(xp.int64)
    if mode == "wrap":
        return indices % length
    if mode == "raise" and bool(((indices < 0) | (indices >= length)).any()):
        raise shape_error(op, f"an index is out of range for an axis of length {length} "
                              "(mode='raise'); use mode='clip' or 'wrap' to allow it")
    return xp.clip(indices, 0, length - 1)


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
        indices = _integer_indices(xp, indices, a.shape[position], mode, self).reshape(-1)
        before, after = a.shape[:position], a.shape[position + 1:]
        grad = out_grads[0].reshape((_size(before), indices.size, _size(after)))
        result = xp.zeros((_size(before), a.shape[position], _size(after)), grad.dtype)
        _scatter_add(xp, result, (slice(None), indices), grad)
        return [result.reshape(a.shape), None]


@register_op
class Pick(Op):
    """One element per position along ``axis``: ``out[i] = data[i, index[i]]`` for 2-d
    data and ``axis=-1``. ``index`` has the shape of ``data`` without ``axis``.
    Out-of-range indices are clipped or wrapped (``mode``)."""
    name = "pick"
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
            raise shape_error(self, f"index of shape {index} does not fit data of shape "
                                    f"{data} with axis={axis}; it must have shape "
                                    f"{reduced}")
        index = reduced if index is None else index
        return [data, index], [kept if keepdims else (reduced or (1,))]

    def _indices(self, xp, data, index, axis, mode):
        """``index`` as ints, shaped like ``data`` with length 1 along ``axis``."""
        position = axis % data.ndim
        shape = data.shape[:position] + (1,) + data.shape[position + 1:]
        length = data.shape[position]
        return _integer_indices(xp, index.reshape(shape), length, mode, self), position

    def forward(self, xp, data, index, *, axis: OptionalInt = -1, keepdims: Bool = False,
                mode: Choice("clip", "wrap") = "clip"):
        indices, position = self._indices(xp, data, index, axis, mode)
        result = xp.take_along_axis(data, indices, axis=position)
        _, (shape,) = self.infer_shape([data.shape, None], axis=axis, keepdims=keepdims,
                                       mode=mode)
        return result.reshape(shape)

    def backward(self, xp, inputs, outputs, out_grads, *, axis, keepdims, mode):
        data, index = inputs
        indices, position = self._indices(xp, data, index, axis, mode)
        # a one-hot mask along the axis marks the picked element of each row
        positions = xp.arange(data.shape[position]).reshape(
            (-1,) + (1,) * (data.ndim - position - 1))
        grad = out_grads[0].reshape(indices.shape)
        return [(positions == indices) * grad, None]


@register_op
class OneHot(Op):
    """For each index, a vector of length ``depth`` holding ``on_value`` at the index and
    ``off_value`` elsewhere (all ``off_value`` if the index is out of range)."""
    name = "one_hot"
    examples = [Example(shapes=[(2, 2)], attrs={"depth": 3}, values={"indices": [[0, 2],
                                                                                 [1, 5]]},
                        grad=False, reason="indices are not differentiable")]

    def infer_shape(self, in_shapes, *, depth, on_value, off_value, dtype):
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


# ----------------------------------------------------------------------------------------
# Sorting: topk, sort, argsort. Equal values keep their input order (stable), as in MXNet.
# ----------------------------------------------------------------------------------------
def _sort_axis(op, data_shape, axis):
    """The axis to sort along, or ``None`` for the flattened array."""
    return None if axis is None else _axis(op, axis, len(data_shape))


def _sorted(xp, data, axis, ascending):
    """``(values, indices)`` of ``data`` sorted along ``axis`` (flattened if ``None``)."""
    if axis is None:
        data, axis = data.reshape(-1), 0
    indices = _stable_argsort(xp, data, axis, ascending)
    return xp.take_along_axis(data, indices, axis=axis), indices


def _unsort_grad(xp, data, grad, indices, axis):
    """Scatter the gradient of sorted values back to where each value came from."""
    length = data.size if axis is None else data.shape[axis]
    result = _place_along_axis(xp, grad, indices.astype(xp.int64), axis or 0, length)
    return result.reshape(data.shape)


@register_op
class TopK(Op):
    """The ``k`` largest (``is_ascend``: smallest) elements along ``axis``
    (``k < 1``: all of them, sorted). ``ret_typ`` picks the result: ``'value'``,
    ``'indices'`` (as ``dtype`` numbers), ``'mask'`` (1 at the chosen places) or
    ``'both'`` (values and indices). The values' gradient goes back to the chosen
    elements; a hidden output keeps their indices for that."""
    name = "topk"
    examples = [Example(shapes=[(3, 5)], attrs={"k": 2, "ret_typ": "value"}),
                Example(shapes=[(3, 5)], attrs={"axis": 0, "k": 2, "ret_typ": "both",
                                                "is_ascend": True}),
                Example(shapes=[(3, 5)], attrs={"k": 2}, grad=False,
                        reason="indices are piecewise constant"),
                Example(shapes=[(3, 5)], attrs={"axis": None, "k": 3, "ret_typ": "mask"},
                        grad=False, reason="a mask is piecewise constant")]

    def num_outputs(self, attrs):
        return 2 if attrs["ret_typ"] in ("value", "both") else 1

    def num_visible_outputs(self, attrs):
        return 2 if attrs["ret_typ"] == "both" else 1

    def _k(self, shape, axis, k):
        length = _size(shape) if axis is None else shape[axis]
        if k > length:
            raise shape_error(self, f"k={k} is larger than the {length} elements along "
                                    f"axis {axis} of shape {shape}")
        return length if k < 1 else k

    def infer_shape(self, in_shapes, *, axis, k, ret_typ, is_ascend, dtype):
        shape = in_shapes[0]
        count = self.num_outputs({"ret_typ": ret_typ})
        if not known(shape):
            return _unknown(self, in_shapes, count)
        position = _sort_axis(self, shape, axis)
        chosen = self._k(shape, position, k)
        if ret_typ == "mask":
            return list(in_shapes), [tuple(shape)]
        if position is None:
            return list(in_shapes), [(chosen,)] * count
        out = shape[:position] + (chosen,) + shape[position + 1:]
        return list(in_shapes), [out] * count

    def infer_type(self, in_types, *, axis, k, ret_typ, is_ascend, dtype):
        if ret_typ == "indices":
            return list(in_types), [dtype]
        if ret_typ == "mask":
            return list(in_types), [in_types[0]]
        return list(in_types), [in_types[0], dtype]

    def forward(self, xp, data, *, axis: OptionalInt = -1, k: Int = 1,
                ret_typ: Choice("both", "indices", "mask", "value") = "indices",
                is_ascend: Bool = False,
                dtype: Choice("float16", "float32", "float64", "int32", "int64",
                              "uint8") = "float32"):
        position = _sort_axis(self, data.shape, axis)
        chosen = self._k(data.shape, position, k)
        values, indices = _sorted(xp, data, position, is_ascend)
        sort_axis = 0 if position is None else position
        values = xp.take(values, xp.arange(chosen), axis=sort_axis)
        indices = xp.take(indices, xp.arange(chosen), axis=sort_axis)
        if ret_typ == "mask":
            return _unsort_grad(xp, data, xp.ones_like(values), indices, position)
        if ret_typ == "indices":
            return indices.astype(dtype)
        return values, indices.astype(dtype)

    def backward(self, xp, inputs, outputs, out_grads, *, axis, k, ret_typ, is_ascend,
                 dtype):
        data = inputs[0]
        if ret_typ in ("indices", "mask"):
            return [xp.zeros_like(data)]
        position = _sort_axis(self, data.shape, axis)
        return [_unsort_grad(xp, data, out_grads[0], outputs[1], position)]


@register_op
class Sort(Op):
    """Sorted copy along ``axis`` (flattened if ``None``); ascending unless
    ``is_ascend=False``. A hidden output keeps the order for the gradient."""
    name = "sort"
    examples = [Example(shapes=[(3, 4)]),
                Example(shapes=[(3, 4)], attrs={"axis": 0, "is_ascend": False}),
                Example(shapes=[(3, 4)], attrs={"axis": None})]

    def num_outputs(self, attrs):
        return 2

    def num_visible_outputs(self, attrs):
        return 1

    def infer_shape(self, in_shapes, *, axis, is_ascend):
        shape = in_shapes[0]
        if not known(shape):
            return _unknown(self, in_shapes, 2)
        position = _sort_axis(self, shape, axis)
        out = (_size(shape),) if position is None else tuple(shape)
        return list(in_shapes), [out, out]

    def infer_type(self, in_types, *, axis, is_ascend):
        return list(in_types), [in_types[0], "int64"]

    def forward(self, xp, data, *, axis: OptionalInt = -1, is_ascend: Bool = True):
        return _sorted(xp, data, _sort_axis(self, data.shape, axis), is_ascend)

    def backward(self, xp, inputs, outputs, out_grads, *, axis, is_ascend):
        position = _sort_axis(self, inputs[0].shape, axis)
        return [_unsort_grad(xp, inputs[0], out_grads[0], outputs[1], position)]


@register_op
class ArgSort(_ZeroGrad, Op):
    """Indices that sort ``data`` along ``axis`` (flattened if ``None``), as ``dtype``
    numbers; equal values keep their order."""
    name = "argsort"
    examples = [Example(shapes=[(3, 4)], grad=False,
                        reason="indices are piecewise constant"),
                Example(shapes=[(3, 4)], attrs={"axis": None, "is_ascend": False,
                                                "dtype": "int32"}, grad=False,
                        reason="indices are piecewise constant")]

    def infer_shape(self, in_shapes, *, axis, is_ascend, dtype):
        shape = in_shapes[0]
        if not known(shape):
            return _unknown(self, in_shapes)
        position = _sort_axis(self, shape, axis)
        return list(in_shapes), [(_size(shape),) if position is None else tuple(shape)]

    def infer_type(self, in_types, *, axis, is_ascend, dtype):
        return list(in_types), [dtype]

    def forward(self, xp, data, *, axis: OptionalInt = -1, is_ascend: Bool = True,
                dtype: Choice("float16", "float32", "float64", "int32", "int64",
                              "uint8") = "float32"):
        position = _sort_axis(self, data.shape, axis)
        if position is None:
            data, position = data.reshape(-1), 0
        return _stable_argsort(xp, data, position, is_ascend).astype(dtype)



# ----------------------------------------------------------------------------------------
# _getitem: what ``x[key]`` runs while autograd records.
# ----------------------------------------------------------------------------------------
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
            grad[key] = out_grad.reshape(grad[key].shape)  # undo the (1,) of a scalar pick
        else:
            _scatter_add(xp, grad, key, out_grad)
        return [grad]
