"""Connectionist Temporal Classification loss (Graves et al., 2006): ``CTCLoss``.

A network reads T frames and, for every frame, scores C classes, one of which is a
*blank* ("no new symbol here"). A label such as ``"cat"`` (shorter than T) matches
every frame-by-frame path that reads "cat" once repeats are merged and blanks
removed: ``c a a - t``, ``- c a t t``, ... The loss is ``-log`` of the summed
probability of all these paths, with per-frame probabilities ``softmax(data)``.

Counting the paths is dynamic programming on the *extended label*, the label with a
blank before, between and after its symbols (length ``S = 2 L + 1``)::

    extended:   -  c  -  a  -  t  -          state s = 0 .. 6
    alpha[t, s] = log P(frames 0..t read the extended label up to state s)

    alpha[t, s] = log_add(alpha[t-1, s],          stay on s
                          alpha[t-1, s-1],        step from the previous state
                          alpha[t-1, s-2])        skip a blank (only between two
                  + log_prob[t, extended[s]]       different symbols)

A path ends in the last symbol or the final blank, so ``loss = -log_add(alpha[T-1,
S-1], alpha[T-1, S-2])``. Everything stays in log space (``log_add(a, b) = log(e^a +
e^b)`` computed stably) because path probabilities underflow float32 after a few
dozen frames. Time is a Python loop (each step needs the previous one); each step
works on the whole batch and all states at once.

The gradient needs ``beta[t, s]``, the log probability of reading the rest of the
label from state s at frame t onwards. That is ``alpha`` of the *reversed* problem
(frames and label reversed), so one function computes both. With them, the
probability that frame t sits on state s, among all correct paths, is
``exp(alpha + beta - log_prob[t, extended[s]] + loss)`` (the frame's own term is
counted in both), and the gradient of the loss with respect to ``data`` is::

    softmax(data)[t, c]  -  (sum of those occupancies over the states with class c)
"""
from ..base import MXNetError
from .elemwise import _round_half_away   # C's round, as MXNet rounds labels and lengths
from .registry import (Bool, Choice, Example, Op, first_dtype, register_op,
                       shape_error)


# --------------------------------------------------------------------------------------
# Lengths and labels: MXNet's conventions.
# --------------------------------------------------------------------------------------
def _check_range(op, xp, what, values, low, high):
    """Reject values outside ``[low, high]`` (MXNet reads memory out of bounds)."""
    bad = (values < low) | (values > high)
    if bool(bad.any()):
        raise MXNetError(f"operator {op.name}: {what} must lie in [{low}, {high}], got "
                         f"{values[bad].tolist()[:3]}")


def _label_info(op, xp, data, label, data_lengths, label_lengths, blank_label):
    """``(labels, label_lengths, data_lengths, blank)`` as integer arrays.

    Without ``label_lengths`` a label ends at the first *padding value*: 0 when the
    blank is class 0 (``blank_label='first'``), -1 when it is class C - 1 (``'last'``).
    """
    steps, batch, classes = data.shape
    labels = _round_half_away(xp, label).astype("int64")
    blank = 0 if blank_label == "first" else classes - 1
    if label_lengths is None:
        padding = labels == (0 if blank_label == "first" else -1)
        label_lengths = xp.where(padding.any(axis=1), padding.argmax(axis=1),
                                 labels.shape[1])
    else:
        label_lengths = _round_half_away(xp, label_lengths).astype("int64")
        _check_range(op, xp, "label_lengths", label_lengths, 0, labels.shape[1])
    if data_lengths is None:
        data_lengths = xp.full((batch,), steps, dtype="int64")
    else:
        data_lengths = _round_half_away(xp, data_lengths).astype("int64")
        _check_range(op, xp, "data_lengths", data_lengths, 0, steps)
    used = xp.arange(labels.shape[1]) < label_lengths[:, None]
    _check_range(op, xp, f"label values (C = {classes} classes)", labels[used], 0,
                 classes - 1)
    return xp.where(used, labels, blank), label_lengths, data_lengths, blank


def _extended(xp, labels, label_lengths, blank):
    """The extended labels (N, 2L+1): blank, l0, blank, l1, ..., blank; and a mask
    of the states each sample has (``2 * length + 1``)."""
    batch, length = labels.shape
    states = 2 * length + 1
    extended = xp.full((batch, states), blank, dtype="int64")
    extended[:, 1::2] = labels
    return extended, xp.arange(states) < (2 * label_lengths + 1)[:, None]


def _can_skip(xp, extended, blank):
    """Where a state may be entered by skipping the blank before it: it holds a
    symbol, unlike the one two states back (``a - a`` needs its blank)."""
    can_skip = xp.zeros(extended.shape, dtype=bool)
    can_skip[:, 2:] = (extended[:, 2:] != blank) & (extended[:, 2:] != extended[:, :-2])
    return can_skip


def _log_add(xp, *terms):
    """``log(sum(exp(terms)))`` of same-shaped arrays, one pair at a time."""
    total = terms[0]
    for term in terms[1:]:
        total = xp.logaddexp(total, term)
    return total


def _shifted(xp, values, by):
    """``values[:, s - by]`` (-inf for ``s < by``): the state ``by`` steps back."""
    out = xp.full_like(values, -xp.inf)
    out[:, by:] = values[:, :-by]
    return out


def _alphas(xp, emit, can_skip):
    """The forward variables ``alpha`` (T, N, S) from ``emit[t, n, s]``, the log
    probability of the state's class at frame t (-inf for missing states)."""
    alpha = xp.full_like(emit, -xp.inf)
    alpha[0, :, :2] = emit[0, :, :2]        # a path starts with a blank or l0
    for step in range(1, emit.shape[0]):
        previous = alpha[step - 1]
        skip = xp.where(can_skip, _shifted(xp, previous, 2), -xp.inf)
        alpha[step] = _log_add(xp, previous, _shifted(xp, previous, 1), skip) \
            + emit[step]
    return alpha


def _reverse_time(xp, values, lengths):
    """Reverse the first ``lengths[n]`` frames of each sample of ``values`` (T, N,
    ...); later frames stay where they are (they are never read)."""
    steps = xp.arange(values.shape[0])[:, None]
    source = xp.where(steps < lengths[None, :], lengths[None, :] - 1 - steps, steps)
    return values[source, xp.arange(values.shape[1])[None, :]]


def _reverse_states(xp, values, states):
    """Reverse the first ``states[n]`` states (last axis) of each sample of
    ``values`` (..., N, S)."""
    positions = xp.arange(values.shape[-1])[None, :]
    source = xp.where(positions < states[:, None], states[:, None] - 1 - positions,
                      positions)
    return xp.take_along_axis(values, xp.broadcast_to(source, values.shape), axis=-1)


def _final(xp, alpha, data_lengths, label_lengths):
    """``log P(label)`` per sample: ``alpha`` at the last frame, summed over the two
    end states (the last symbol and the final blank)."""
    batch = xp.arange(alpha.shape[1])
    last = alpha[xp.maximum(data_lengths - 1, 0), batch]           # (N, S)
    end = 2 * label_lengths
    total = _log_add(xp, last[batch, end],
                     xp.where(end > 0, last[batch, xp.maximum(end - 1, 0)], -xp.inf))
    # no frames: the empty label is certain, any other impossible
    return xp.where(data_lengths > 0, total,
                    xp.where(label_lengths == 0, 0.0, -xp.inf))


def _ctc(xp, data, labels, label_lengths, data_lengths, blank, with_grad):
    """``(loss, grad)``: loss (N,) and, if asked, its gradient w.r.t. ``data``."""
    steps = data.shape[0]
    log_probs = data - data.max(axis=2, keepdims=True)
    log_probs -= xp.log(xp.exp(log_probs).sum(axis=2, keepdims=True))
    extended, exists = _extended(xp, labels, label_lengths, blank)
    index = xp.broadcast_to(extended, (steps,) + extended.shape)
    emit = xp.where(exists, xp.take_along_axis(log_probs, index, axis=2), -xp.inf)
    alpha = _alphas(xp, emit, _can_skip(xp, extended, blank))
    log_likelihood = _final(xp, alpha, data_lengths, label_lengths)
    # MXNet gives an impossible label (too long for its frames) loss 0 and no gradient
    possible = log_likelihood > -xp.inf
    loss = xp.where(possible, -log_likelihood, 0).astype(data.dtype)
    if not with_grad:
        return loss, None
    # beta: alpha of the reversed problem, mapped back to forward frames and states.
    # The reversed label gets its own skip rule, as in MXNet (this differs from the
    # forward one only for a label that holds the blank class itself)
    states = 2 * label_lengths + 1
    backwards = _reverse_states(xp, _reverse_time(xp, emit, data_lengths), states)
    reversed_labels = _reverse_states(xp, extended, states)
    beta = _alphas(xp, backwards, _can_skip(xp, reversed_labels, blank))
    beta = _reverse_time(xp, _reverse_states(xp, beta, states), data_lengths)
    frames = xp.arange(steps)[:, None] < data_lengths[None, :]          # (T, N)
    counted = frames[:, :, None] & possible[None, :, None]
    # missing states, frames past a sample's end and impossible labels hold -inf or
    # meaningless numbers: mask them before exp (no NaN from -inf - -inf, no overflow)
    own = xp.where(exists, emit, 0)
    total = xp.where(possible, log_likelihood, 0)
    exponent = alpha + beta - own - total[None, :, None]
    occupancy = xp.exp(xp.where(exists & counted, exponent, -xp.inf))
    # add the occupancies of all states of one class: (N, T, S) @ (N, S, C)
    one_hot = (extended[:, :, None] == xp.arange(data.shape[2])).astype(data.dtype)
    per_class = (occupancy.transpose(1, 0, 2) @ one_hot).transpose(1, 0, 2)
    grad = xp.exp(log_probs) - per_class
    grad = xp.where(counted, grad, 0)
    return loss, grad.astype(data.dtype)


@register_op
class CTCLoss(Op):
    """CTC loss of each sample (see the module docstring), shape (N,).

    Inputs: ``data`` (T, N, C), unnormalised scores (softmax is applied inside);
    ``label`` (N, L), class indices, rounded to integers; with
    ``use_data_lengths`` / ``use_label_lengths``, ``data_lengths`` / ``label_lengths``
    (N,) give each sample's number of frames / symbols.

    ``blank_label='first'``: class 0 is the blank, symbols are 1..C-1, and without
    ``label_lengths`` a label ends at its first 0. ``'last'``: class C - 1 is the
    blank, symbols are 0..C-2, and a label ends at its first -1.
    MXNet's quirks, kept: labels and lengths are rounded (2.5 is 3); a label that
    cannot fit its frames (L plus its repeated neighbours exceeds T) has loss 0 and
    no gradient; the loss rounds ``data_lengths`` but the gradient stops at the
    truncated length (4.6 frames: the loss reads 5, the gradient covers 4). The
    gradient w.r.t. ``data`` scales with the head gradient of its sample.

    Differs from MXNet: label values, label lengths and data lengths out of range
    raise an error (MXNet reads past its arrays), and lengths may have any dtype;
    float64 data is accepted (MXNet 1.9.1 takes float32 only).
    """
    name = "CTCLoss"
    aliases = ("ctc_loss", "_contrib_CTCLoss", "_contrib_ctc_loss")
    infer_type = first_dtype
    examples = [Example(shapes=[(5, 3, 4), (3, 3)],
                        values={"label": [[1, 2, 0], [3, 3, 0], [1, 3, 2]]}),
                Example(shapes=[(6, 2, 3), (2, 2), (2,), (2,)],
                        values={"label": [[0, 1], [1, -1]],
                                "data_lengths": [4, 6], "label_lengths": [2, 1]},
                        attrs={"use_data_lengths": True, "use_label_lengths": True,
                               "blank_label": "last"})]

    def list_inputs(self, attrs):
        names = ["data", "label"]
        if attrs["use_data_lengths"]:
            names.append("data_lengths")
        if attrs["use_label_lengths"]:
            names.append("label_lengths")
        return names

    def list_outputs(self, attrs):
        return ["output0"]     # MXNet's name: it counts a hidden gradient output

    def infer_shape(self, in_shapes, *, use_data_lengths, use_label_lengths,
                    blank_label):
        data, label = in_shapes[:2]
        if data is not None and len(data) != 3:
            raise shape_error(self, f"data must be 3-D (sequence_length, batch_size, "
                                    f"alphabet_size), got shape {data}")
        if label is not None and len(label) != 2:
            raise shape_error(self, f"label must be 2-D (batch_size, "
                                    f"label_sequence_length), got shape {label}")
        if data is None or label is None:
            return list(in_shapes), [None if data is None else (data[1],)]
        if label[0] != data[1]:
            raise shape_error(self, f"label {label} and data {data} must have the same "
                                    "batch size (label axis 0, data axis 1)")
        if label[1] > data[0]:
            raise shape_error(self, f"labels of length {label[1]} cannot fit in "
                                    f"{data[0]} frames (data {data}); the label "
                                    "length must not exceed the sequence length")
        names = self.list_inputs({"use_data_lengths": use_data_lengths,
                                  "use_label_lengths": use_label_lengths})
        shapes = [data, label]
        for name, shape in zip(names[2:], in_shapes[2:]):
            if shape is not None and tuple(shape) != (data[1],):
                raise shape_error(self, f"{name} must have shape (batch_size,) = "
                                        f"{(data[1],)}, got {shape}")
            shapes.append((data[1],))
        return shapes, [(data[1],)]

    def _lengths(self, inputs, use_data_lengths, use_label_lengths):
        """``(data, label, data_lengths or None, label_lengths or None)``. Inputs
        arrive in ``list_inputs`` order, so with ``use_label_lengths`` alone the third
        one is ``label_lengths``."""
        data, label, *rest = inputs
        data_lengths = rest.pop(0) if use_data_lengths else None
        label_lengths = rest.pop(0) if use_label_lengths else None
        return data, label, data_lengths, label_lengths

    def forward(self, xp, data, label, data_lengths=None, label_lengths=None, *,
                use_data_lengths: Bool = False, use_label_lengths: Bool = False,
                blank_label: Choice("first", "last") = "first"):
        inputs = self._lengths((data, label, data_lengths, label_lengths),
                               use_data_lengths, use_label_lengths)
        info = _label_info(self, xp, *inputs, blank_label)
        return _ctc(xp, data, *info, with_grad=False)[0]

    def backward(self, xp, inputs, outputs, out_grads, *, use_data_lengths,
                 use_label_lengths, blank_label):
        data, label, data_lengths, label_lengths = self._lengths(
            inputs, use_data_lengths, use_label_lengths)
        info = _label_info(self, xp, data, label, data_lengths, label_lengths,
                           blank_label)
        grad = _ctc(xp, data, *info, with_grad=True)[1]
        grad *= out_grads[0][None, :, None]
        if data_lengths is not None:
            # MXNet quirk: the loss rounds a length (4.6 frames are 5) but the
            # gradient keeps only the frames before the truncated one (4)
            kept = xp.arange(data.shape[0])[:, None] < data_lengths.astype("int64")
            grad *= kept[:, :, None]
        return [grad] + [None] * (len(inputs) - 1)
