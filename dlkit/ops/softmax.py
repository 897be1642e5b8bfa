"""The softmax family: ``softmax``, ``log_softmax``, ``softmin`` and
``SoftmaxActivation``.

Softmax turns scores into probabilities along one axis::

    softmax(x)_i = exp(x_i / T) / sum_j exp(x_j / T)     (T: ``temperature``, 1 if None)

Its gradient needs only the output ``y``: ``dx = y * (dy - sum(dy * y)) / T``
(``_softmax_grad``), so backward reads ``outputs`` and never recomputes exponentials.
``log_softmax`` and ``softmin`` are variations of the same two helpers; the loss heads
in ``loss.py`` (``SoftmaxOutput``) use ``_softmax`` too.
"""
from ..base import MXNetError
from .norm import _axis_index, _channel_view
from .registry import (Bool, Choice, Dtype, Example, Int, Op, OptionalFloat,
                       check_float, register_op, shape_error)


def _softmax(xp, data, axis, temperature=None, keep=None):
    """``exp(x / T)`` normalized along ``axis``; entries where ``keep`` is False get 0.

    Subtracting the maximum first changes nothing (it cancels in the ratio) but keeps
    ``exp`` from overflowing for large inputs.
    """
    scaled = data / temperature if temperature is not None else data
    if keep is not None:
        scaled = xp.where(keep, scaled, -xp.inf)
    exps = xp.exp(scaled - scaled.max(axis=axis, keepdims=True))
    return exps / exps.sum(axis=axis, keepdims=True)


def _softmax_grad(y, out_grad, axis, temperature):
    """Softmax's Jacobian-vector product: ``dx = y * (dy - sum(dy * y)) / T``."""
    data_grad = y * (out_grad - (out_grad * y).sum(axis=axis, keepdims=True))
    return data_grad / temperature if temperature is not None else data_grad


class _SoftmaxFamily(Op):
    """Shared shape and type rules: the output has the data's shape and the ``dtype``
    attribute's type (the data's when None); ``axis`` must be one of the data's."""

    def infer_shape(self, in_shapes, *, axis=-1, **attrs):
        data = in_shapes[0]
        if data is not None:
            _axis_index(self, axis, len(data))
        return list(in_shapes), [data]

    def infer_type(self, in_types, *, dtype=None, **attrs):
        check_float(self, in_types[0])
        return list(in_types), [dtype or in_types[0]]


@register_op
class Softmax(_SoftmaxFamily):
    """``softmax(x)_i = exp(x_i / T) / sum_j exp(x_j / T)`` along ``axis``.

    With ``use_length=True`` the extra input ``length`` (integers, the data's shape
    without ``axis``) keeps only the first ``length`` entries of each row; the rest get
    probability 0.
    """
    name = "softmax"
    examples = [Example(shapes=[(2, 3)]),
                Example(shapes=[(2, 3, 2)], attrs={"axis": 1, "temperature": 2.0}),
                Example(shapes=[(2, 3), (2,)], attrs={"use_length": True},
                        values={"length": [2, 3]})]

    def list_inputs(self, attrs):
        return ["data", "length"] if attrs["use_length"] else ["data"]

    def infer_shape(self, in_shapes, *, axis, use_length, **attrs):
        data = in_shapes[0]
        if data is None:
            return list(in_shapes), [data]
        axis = _axis_index(self, axis, len(data))
        if not use_length:
            return list(in_shapes), [data]
        rows = tuple(dim for index, dim in enumerate(data) if index != axis)
        if in_shapes[1] is not None and tuple(in_shapes[1]) != rows:
            raise shape_error(self, f"length has shape {tuple(in_shapes[1])} but data "
                                    f"{tuple(data)} needs one length per row: {rows}")
        return [data, rows], [data]

    def forward(self, xp, data, length=None, *, axis: Int = -1,
                temperature: OptionalFloat = None, dtype: Dtype = None,
                use_length: Bool = False):
        check_float(self, data.dtype)
        data = data.astype(dtype) if dtype else data
        keep = None
        if use_length:
            positions = xp.arange(data.shape[axis])
            positions = positions.reshape(_channel_view(data.ndim, axis))
            keep = positions < xp.expand_dims(length, axis)
        return _softmax(xp, data, axis, temperature, keep)

    def backward(self, xp, inputs, outputs, out_grads, *, axis, temperature, **attrs):
        data_grad = _softmax_grad(outputs[0], out_grads[0], axis, temperature)
        return [data_grad.astype(inputs[0].dtype)] + [None] * (len(inputs) - 1)


@register_op
class LogSoftmax(_SoftmaxFamily):
    """``log(softmax(x))`` computed as ``x / T - max - log(sum(exp(x / T - max)))``,
    which stays finite where ``softmax`` underflows to 0.

    Differs from MXNet: ``use_length=True`` is not supported (MXNet 1.9.1's log_softmax
    has no ``length`` input either).
    """
    name = "log_softmax"
    examples = [Example(shapes=[(2, 3)]),
                Example(shapes=[(2, 3, 2)], attrs={"axis": 0, "temperature": 0.5})]

    def forward(self, xp, data, *, axis: Int = -1, temperature: OptionalFloat = None,
                dtype: Dtype = None, use_length: Bool = False):
        if use_length:
            raise MXNetError("operator log_softmax: use_length=True is not supported; "
                             "mask the data or use softmax with use_length=True")
        check_float(self, data.dtype)
        data = data.astype(dtype) if dtype else data
        scaled = data / temperature if temperature is not None else data
        shifted = scaled - scaled.max(axis=axis, keepdims=True)   # no overflow in exp
        log_total = xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
        shifted -= log_total   # in place: shifted is a fresh array of our own
        return shifted

    def backward(self, xp, inputs, outputs, out_grads, *, axis, temperature, **attrs):
        # y = log p: dx = (dy - p * sum(dy)) / T with p = exp(y)
        out_grad = out_grads[0]
        total = out_grad.sum(axis=axis, keepdims=True)
        data_grad = xp.exp(outputs[0])
        data_grad *= total                                # p * sum(dy), in place
        xp.subtract(out_grad, data_grad, out=data_grad)   # dy - that, in place
        if temperature is not None:
            data_grad /= temperature
        return [data_grad.astype(inputs[0].dtype, copy=False)]


@register_op
class Softmin(_SoftmaxFamily):
    """``softmin(x) = softmax(-x)``: the smallest entry gets the largest probability.

    Differs from MXNet: ``use_length=True`` is not supported (MXNet 1.9.1's softmin has
    no ``length`` input either).
    """
    name = "softmin"
    examples = [Example(shapes=[(2, 3)]),
                Example(shapes=[(3, 2)], attrs={"axis": 0, "temperature": 2.0})]

    def forward(self, xp, data, *, axis: Int = -1, temperature: OptionalFloat = None,
                dtype: Dtype = None, use_length: Bool = False):
        if use_length:
            raise MXNetError("operator softmin: use_length=True is not supported")
        check_float(self, data.dtype)
        data = data.astype(dtype) if dtype else data
        return _softmax(xp, -data, axis, temperature)

    def backward(self, xp, inputs, outputs, out_grads, *, axis, temperature, **attrs):
        data_grad = -_softmax_grad(outputs[0], out_grads[0], axis, temperature)
        return [data_grad.astype(inputs[0].dtype)]


@register_op
class SoftmaxActivation(_SoftmaxFamily):
    """The older softmax layer: ``mode='instance'`` normalizes along the last axis (as
    MXNet 1.9.1 does, whatever the number of dimensions), ``mode='channel'`` along axis
    1 (per position of each instance).

    Differs from MXNet: for instance mode on data with more than 2 dimensions, MXNet's
    backward works along axis 1 although its forward used the last axis; dlkit's
    gradient is the derivative of the forward.
    """
    name = "SoftmaxActivation"
    examples = [Example(shapes=[(2, 3)]),
                Example(shapes=[(2, 3, 2)], attrs={"mode": "channel"})]

    def forward(self, xp, data, *, mode: Choice("channel", "instance") = "instance"):
        return _softmax(xp, data, 1 if mode == "channel" else -1, None)

    def backward(self, xp, inputs, outputs, out_grads, *, mode):
        return [_softmax_grad(outputs[0], out_grads[0], 1 if mode == "channel" else -1,
                              None)]
