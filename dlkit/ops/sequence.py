"""Sequence operators: ``SequenceMask``, ``SequenceLast`` and ``SequenceReverse``.

A batch of sequences of different lengths is stored padded to the longest one. The
time axis is ``axis`` (0: ``(max_sequence_length, batch_size, ...)``, MXNet's
default; 1: ``(batch_size, max_sequence_length, ...)``) and the optional input
``sequence_length`` (shape ``(batch_size,)``) gives each sequence's true length::

    data (T=4, N=2)           sequence_length = [2, 3]
      t=0 [ a0  b0 ]
      t=1 [ a1  b1 ]          SequenceMask(value=0)  -> [a0 a1 0  0 ], [b0 b1 b2 0 ]
      t=2 [ a2  b2 ]          SequenceLast           -> a1, b2
      t=3 [ a3  b3 ]          SequenceReverse        -> [a1 a0 a2 a3], [b2 b1 b0 b3]

Without ``use_sequence_length=True`` every sequence has the full length, and the op
takes ``data`` only (MXNet then lists no ``sequence_length`` input).

Gluon's recurrent cells use all three for ``unroll(valid_length=...)``: mask the
outputs, pick each sequence's last state, and reverse the steps of a backward cell.

Differs from MXNet: a length outside ``1..max_sequence_length`` is clipped into that
range by ``SequenceLast`` and ``SequenceReverse`` (MXNet reads out of bounds).
"""
from .registry import (Bool, Example, Float, Int, Op, first_dtype, register_op,
                       shape_error)

_LENGTHS = {"sequence_length": [2.0, 3.0]}


def _step_mask(xp, data, sequence_length, axis):
    """Boolean array broadcastable to ``data``: True where a step is within its
    sequence's length."""
    steps = xp.arange(data.shape[axis])
    lengths = sequence_length.astype("int64")
    if axis == 0:
        mask = steps[:, None] < lengths[None, :]
    else:
        mask = steps[None, :] < lengths[:, None]
    return mask.reshape(mask.shape + (1,) * (data.ndim - 2))


def _clipped_lengths(xp, data, sequence_length, axis):
    """Lengths as integers in ``1..max_sequence_length``; all full without lengths."""
    steps = data.shape[axis]
    batch = data.shape[1 - axis]
    if sequence_length is None:
        return xp.full((batch,), steps, dtype="int64")
    return xp.clip(sequence_length.astype("int64"), 1, steps)


class SequenceOp(Op):
    """Shared inputs, shape and type rules of the three sequence operators."""
    allowed_axes = (0, 1)
    drops_time_axis = False

    def list_inputs(self, attrs):
        if attrs["use_sequence_length"]:
            return ["data", "sequence_length"]
        return ["data"]

    def infer_shape(self, in_shapes, *, use_sequence_length, axis, **attrs):
        if axis not in self.allowed_axes:
            raise shape_error(self, f"axis={axis} is not supported; the time axis must "
                                    f"be one of {self.allowed_axes}")
        data = in_shapes[0]
        if data is None:
            return list(in_shapes), [None]
        if len(data) < 2:
            raise shape_error(self, "data must have at least 2 dimensions "
                                    "(max_sequence_length, batch_size, ...), got shape "
                                    f"{data}")
        shapes = [data]
        if use_sequence_length:
            expected = (data[1 - axis],)
            given = in_shapes[1]
            fits = given is None or (len(given) == 1 and (
                None in (given[0], expected[0]) or given[0] == expected[0]))
            if not fits:
                raise shape_error(self, f"sequence_length must have shape "
                                        f"(batch_size,) = {expected} for data of "
                                        f"shape {data} and axis={axis}, got {given}")
            shapes.append(expected if given is None or given[0] is None else given)
        out = data
        if self.drops_time_axis:
            out = data[:axis] + data[axis + 1:]
        return shapes, [out]

    def infer_type(self, in_types, **attrs):
        return first_dtype(self, in_types, **attrs)


@register_op
class SequenceMask(SequenceOp):
    """Set the steps after each sequence's length to ``value``.

    ``out[t, n] = data[t, n]`` if ``t < sequence_length[n]`` else ``value`` (for
    ``axis=0``). The gradient flows only to the kept steps.
    """
    name = "SequenceMask"
    examples = [Example(shapes=[(4, 2, 3)]),
                Example(shapes=[(4, 2, 3), (2,)], values=_LENGTHS,
                        attrs={"use_sequence_length": True, "value": -1.0}),
                Example(shapes=[(2, 4), (2,)], values=_LENGTHS,
                        attrs={"use_sequence_length": True, "axis": 1})]

    def forward(self, xp, data, sequence_length=None, *,
                use_sequence_length: Bool = False, value: Float = 0.0, axis: Int = 0):
        if not use_sequence_length:
            return data.copy()
        mask = _step_mask(xp, data, sequence_length, axis)
        return xp.where(mask, data, xp.asarray(value, dtype=data.dtype))

    def backward(self, xp, inputs, outputs, out_grads, *, use_sequence_length, value,
                 axis):
        if not use_sequence_length:
            return [out_grads[0]]
        data, sequence_length = inputs
        mask = _step_mask(xp, data, sequence_length, axis)
        return [out_grads[0] * mask, None]


@register_op
class SequenceLast(SequenceOp):
    """The last valid step of each sequence: ``out[n] = data[sequence_length[n] - 1,
    n]`` (for ``axis=0``); the last step overall without lengths.

    The output drops the time axis. Its gradient goes to the picked steps only.
    """
    name = "SequenceLast"
    drops_time_axis = True
    examples = [Example(shapes=[(4, 2, 3)]),
                Example(shapes=[(4, 2, 3), (2,)], values=_LENGTHS,
                        attrs={"use_sequence_length": True}),
                Example(shapes=[(2, 4), (2,)], values=_LENGTHS,
                        attrs={"use_sequence_length": True, "axis": 1})]

    def _positions(self, xp, data, sequence_length, axis):
        """Index arrays ``(time, batch)`` of each sequence's last step."""
        last = _clipped_lengths(xp, data, sequence_length, axis) - 1
        batch = xp.arange(data.shape[1 - axis])
        return (last, batch) if axis == 0 else (batch, last)

    def forward(self, xp, data, sequence_length=None, *,
                use_sequence_length: Bool = False, axis: Int = 0):
        if not use_sequence_length:
            sequence_length = None
        return data[self._positions(xp, data, sequence_length, axis)]

    def backward(self, xp, inputs, outputs, out_grads, *, use_sequence_length, axis):
        data = inputs[0]
        sequence_length = inputs[1] if use_sequence_length else None
        grad = xp.zeros_like(data)
        # each (time, batch) position is picked once, so assignment is a scatter-add
        grad[self._positions(xp, data, sequence_length, axis)] = out_grads[0]
        return [grad, None] if use_sequence_length else [grad]


@register_op
class SequenceReverse(SequenceOp):
    """Reverse the first ``sequence_length[n]`` steps of each sequence; the padding
    after them stays in place. ``axis`` must be 0 (as in MXNet 1.9.1).

    Reversing is a permutation that undoes itself, so the gradient is the output
    gradient reversed the same way.
    """
    name = "SequenceReverse"
    allowed_axes = (0,)
    examples = [Example(shapes=[(4, 2, 3)]),
                Example(shapes=[(4, 2, 3), (2,)], values=_LENGTHS,
                        attrs={"use_sequence_length": True})]

    def _reverse(self, xp, array, data, sequence_length):
        steps = xp.arange(data.shape[0])[:, None]
        lengths = _clipped_lengths(xp, data, sequence_length, 0)[None, :]
        source = xp.where(steps < lengths, lengths - 1 - steps, steps)
        return array[source, xp.arange(data.shape[1])[None, :]]

    def forward(self, xp, data, sequence_length=None, *,
                use_sequence_length: Bool = False, axis: Int = 0):
        if not use_sequence_length:
            sequence_length = None
        return self._reverse(xp, data, data, sequence_length)

    def backward(self, xp, inputs, outputs, out_grads, *, use_sequence_length, axis):
        data = inputs[0]
        sequence_length = inputs[1] if use_sequence_length else None
        grad = self._reverse(xp, out_grads[0], data, sequence_length)
        return [grad, None] if use_sequence_length else [grad]
