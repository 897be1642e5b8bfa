"""Per-sample normalizations: ``LayerNorm``, ``InstanceNorm``, ``GroupNorm`` and
``L2Normalization``.

Unlike ``BatchNorm`` (``norm.py``) they never mix samples: each sample is normalized on
its own, so they behave the same in training and prediction and keep no moving
statistics. The first three standardize ``x_hat = (x - mean) / sqrt(var + eps)`` over
some axes of one sample, then scale and shift; ``L2Normalization`` divides by a norm::

    data (N, C, H, W)   InstanceNorm: over H, W   (one mean per sample and channel)
                        LayerNorm(axis=-1): over W only
                        GroupNorm: over C / G channels and H, W (per sample and group)

They share ``norm.py``'s standardization helpers and its hidden-statistics outputs.
"""
from .norm import (_axis_index, _channel_view, _moments, _standardize_backward,
                   _vector_shapes, _WithStatistics)
from .registry import (Bool, Choice, Example, Float, Int, Op, register_op, same_dtype,
                       shape_error)


@register_op
class LayerNorm(_WithStatistics):
    """Layer normalization: standardize along ``axis`` (each sample on its own), then
    scale by ``gamma`` and shift by ``beta``, both of shape ``(data.shape[axis],)``.

    Same in training and prediction. Hidden outputs: the mean and the standard deviation
    ``sqrt(var + eps)``, kept as size-1 dimensions (visible with ``output_mean_var``;
    gradients arriving at them are ignored, as in MXNet).
    """
    name = "LayerNorm"
    output_names = ("output", "mean", "std")
    examples = [Example(shapes=[(2, 3, 4), (4,), (4,)]),
                Example(shapes=[(2, 3, 4), (3,), (3,)], attrs={"axis": 1, "eps": 1e-3})]

    def infer_shape(self, in_shapes, *, axis, **attrs):
        data = in_shapes[0]
        if data is None:
            return list(in_shapes), [None, None, None]
        axis = _axis_index(self, axis, len(data))
        in_shapes = _vector_shapes(self, data, axis, in_shapes, {1: "gamma", 2: "beta"})
        reduced = tuple(1 if index == axis else dim for index, dim in enumerate(data))
        return in_shapes, [tuple(data), reduced, reduced]

    def forward(self, xp, data, gamma, beta, *, axis: Int = -1, eps: Float = 1e-5,
                output_mean_var: Bool = False):
        axis = axis % data.ndim
        view = _channel_view(data.ndim, axis)
        mean, var = _moments(data, (axis,))
        std = xp.sqrt(var + eps)
        out = (data - mean) / std * gamma.reshape(view) + beta.reshape(view)
        return out, mean, std

    def backward(self, xp, inputs, outputs, out_grads, *, axis, **attrs):
        data, gamma = inputs[0], inputs[1]
        out_grad = out_grads[0]
        axis = axis % data.ndim
        view = _channel_view(data.ndim, axis)
        other_axes = tuple(index for index in range(data.ndim) if index != axis)
        inv_std = 1 / outputs[2]
        x_hat = (data - outputs[1]) * inv_std
        data_grad = _standardize_backward(x_hat, inv_std,
                                          out_grad * gamma.reshape(view), (axis,))
        return [data_grad, (out_grad * x_hat).sum(axis=other_axes),
                out_grad.sum(axis=other_axes)]


@register_op
class InstanceNorm(Op):
    """Instance normalization: standardize each sample's channel over its spatial axes
    (2, 3, ...), then scale by ``gamma`` and shift by ``beta`` (shape ``(C,)``).

    ``data`` has the layout ``(N, C, spatial...)`` with at least one spatial axis. The
    backward recomputes the statistics from ``data`` (they are cheap).
    """
    name = "InstanceNorm"
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3, 4), (3,), (3,)]),
                Example(shapes=[(2, 2, 3, 2), (2,), (2,)], attrs={"eps": 1e-5})]

    def infer_shape(self, in_shapes, **attrs):
        data = in_shapes[0]
        if data is None:
            return list(in_shapes), [None]
        if len(data) < 3:
            raise shape_error(self, "data must be (batch, channel, spatial...) with "
                                    f"at least 3 dimensions, got shape {tuple(data)}")
        in_shapes = _vector_shapes(self, data, 1, in_shapes, {1: "gamma", 2: "beta"})
        return in_shapes, [tuple(data)]

    def forward(self, xp, data, gamma, beta, *, eps: Float = 1e-3):
        view = _channel_view(data.ndim, 1)
        mean, var = _moments(data, tuple(range(2, data.ndim)))
        x_hat = (data - mean) / xp.sqrt(var + eps)
        return x_hat * gamma.reshape(view) + beta.reshape(view)

    def backward(self, xp, inputs, outputs, out_grads, *, eps):
        data, gamma = inputs[0], inputs[1]
        out_grad = out_grads[0]
        view = _channel_view(data.ndim, 1)
        spatial = tuple(range(2, data.ndim))
        mean, var = _moments(data, spatial)
        inv_std = 1 / xp.sqrt(var + eps)
        x_hat = (data - mean) * inv_std
        data_grad = _standardize_backward(x_hat, inv_std,
                                          out_grad * gamma.reshape(view), spatial)
        not_channel = (0, *spatial)
        return [data_grad, (out_grad * x_hat).sum(axis=not_channel),
                out_grad.sum(axis=not_channel)]


@register_op
class GroupNorm(_WithStatistics):
    """Group normalization: split the channels of ``data`` ``(N, C, spatial...)`` into
    ``num_groups`` groups of ``C / num_groups`` channels and standardize each sample's
    group over its channels and spatial axes, then scale and shift::

        x = data.reshape(N, G, -1)
        out = (x - mean(x, axis=2)) / sqrt(var(x, axis=2) + eps) * gamma + beta

    MXNet 1.9.1 quirk kept: ``gamma`` and ``beta`` have one entry per *group*, shape
    ``(num_groups,)``, not one per channel as in the paper. With ``num_groups=1`` it
    is a layer norm over ``(C, spatial...)``; with ``num_groups=C`` an instance norm.
    Hidden outputs: the mean and the standard deviation ``sqrt(var + eps)``, shape
    ``(N, num_groups)`` (visible with ``output_mean_var``; gradients arriving at them
    are ignored, as in MXNet).
    """
    name = "GroupNorm"
    output_names = ("output", "mean", "std")
    examples = [Example(shapes=[(2, 4, 3), (2,), (2,)], attrs={"num_groups": 2}),
                Example(shapes=[(2, 3, 2, 2), (1,), (1,)], attrs={"eps": 1e-3}),
                Example(shapes=[(1, 6, 2, 1, 2), (3,), (3,)],
                        attrs={"num_groups": 3, "output_mean_var": True}, grad=False,
                        reason="gradients arriving at mean/std outputs are ignored")]

    def infer_shape(self, in_shapes, *, num_groups, **attrs):
        data = in_shapes[0]
        if num_groups < 1:
            raise shape_error(self, f"num_groups must be at least 1, got {num_groups}")
        completed = list(in_shapes)
        for index, name in ((1, "gamma"), (2, "beta")):
            shape = in_shapes[index]
            if shape is not None and tuple(shape) not in ((num_groups,), (None,)):
                raise shape_error(self, f"{name} has shape {tuple(shape)}, but "
                                        f"num_groups={num_groups} needs one {name} "
                                        f"per group: shape ({num_groups},) (MXNet "
                                        "1.9.1 scales groups, not channels)")
            completed[index] = (num_groups,)
        if data is None:
            return completed, [None, None, None]
        if len(data) < 3:
            raise shape_error(self, "data must be (batch, channel, spatial...) with "
                                    f"at least 3 dimensions, got shape {tuple(data)}")
        if data[1] is not None and data[1] % num_groups:
            raise shape_error(self, f"data {tuple(data)} has {data[1]} channels, which "
                                    f"num_groups={num_groups} does not divide")
        statistics = (data[0], num_groups)
        return completed, [tuple(data), statistics, statistics]

    def forward(self, xp, data, gamma, beta, *, num_groups: Int = 1,
                eps: Float = 1e-5, output_mean_var: Bool = False):
        groups = data.reshape(data.shape[0], num_groups, -1)
        mean, var = _moments(groups, (2,))
        std = xp.sqrt(var + eps)
        x_hat = (groups - mean) / std
        out = x_hat * gamma.reshape(1, -1, 1) + beta.reshape(1, -1, 1)
        return out.reshape(data.shape), mean[..., 0], std[..., 0]

    def backward(self, xp, inputs, outputs, out_grads, *, num_groups, **attrs):
        data, gamma = inputs[0], inputs[1]
        groups = data.reshape(data.shape[0], num_groups, -1)
        out_grad = out_grads[0].reshape(groups.shape)
        inv_std = 1 / outputs[2][..., None]
        x_hat = (groups - outputs[1][..., None]) * inv_std
        data_grad = _standardize_backward(x_hat, inv_std,
                                          out_grad * gamma.reshape(1, -1, 1), (2,))
        return [data_grad.reshape(data.shape), (out_grad * x_hat).sum(axis=(0, 2)),
                out_grad.sum(axis=(0, 2))]


@register_op
class L2Normalization(Op):
    """Divide by the L2 norm: ``y = x / sqrt(sum(x ** 2) + eps)``.

    ``mode`` picks the axes summed: instance, all but the batch axis 0; channel, axis 1;
    spatial, axes 2 and beyond (per sample and channel).
    """
    name = "L2Normalization"
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 3, 2)], attrs={"mode": mode})
                for mode in ("instance", "channel", "spatial")]

    @staticmethod
    def _axes(mode, ndim):
        if mode == "instance":
            return tuple(range(1, ndim))
        if mode == "channel":
            return (1,)
        return tuple(range(2, ndim))

    def infer_shape(self, in_shapes, *, mode, **attrs):
        data = in_shapes[0]
        needed = 3 if mode == "spatial" else 2
        if data is not None and len(data) < needed:
            raise shape_error(self, f"mode={mode!r} needs data with at least {needed} "
                                    f"dimensions, got shape {tuple(data)}")
        return list(in_shapes), [data]

    def forward(self, xp, data, *, eps: Float = 1e-10,
                mode: Choice("channel", "instance", "spatial") = "instance"):
        axes = self._axes(mode, data.ndim)
        return data / xp.sqrt((data * data).sum(axis=axes, keepdims=True) + eps)

    def backward(self, xp, inputs, outputs, out_grads, *, eps, mode):
        data, y, out_grad = inputs[0], outputs[0], out_grads[0]
        axes = self._axes(mode, data.ndim)
        norm = xp.sqrt((data * data).sum(axis=axes, keepdims=True) + eps)
        # y = x / |x|: dx = (dy - y * <dy, y>) / |x|
        return [(out_grad - y * (out_grad * y).sum(axis=axes, keepdims=True)) / norm]
