"""Normalization operators: ``BatchNorm`` (and the legacy ``BatchNorm_v1``),
``LayerNorm``, ``InstanceNorm``, ``GroupNorm``, ``L2Normalization``.

The first four standardize ``x_hat = (x - mean) / sqrt(var + eps)`` over some axes and
then scale and shift; they differ only in *which* axes::

    data (N, C, H, W)   BatchNorm: over N, H, W   (one mean per channel)
                        InstanceNorm: over H, W   (one mean per sample and channel)
                        LayerNorm(axis=-1): over W only
                        GroupNorm: over C / G channels and H, W (per sample and group)

What backward needs is returned as hidden outputs, as MXNet does: ``BatchNorm`` returns
its batch mean and inverse standard deviation, ``LayerNorm`` its mean and std.
"""
from .registry import (Bool, Choice, Example, Float, Int, Op, OptionalFloat,
                       register_op, same_dtype, shape_error)


# --------------------------------------------------------------------------------------
# Shared helpers (shapes of per-channel parameters, standardization).
# --------------------------------------------------------------------------------------
def _axis_index(op, axis, ndim, what="axis"):
    """``axis`` as a non-negative index into an ``ndim``-dimensional array."""
    if not -ndim <= axis < ndim:
        raise shape_error(op, f"{what}={axis} is out of range for data with {ndim} "
                              f"dimensions")
    return axis % ndim


def _channel_view(ndim, axis):
    """Shape that lets a ``(C,)`` vector broadcast along ``axis``: ``(1, C, 1, 1)``."""
    return tuple(-1 if index == axis % ndim else 1 for index in range(ndim))


def _vector_shapes(op, data_shape, axis, in_shapes, names, allow_one=False):
    """Complete the ``(C,)`` shape of each named parameter, C = ``data_shape[axis]``.

    ``names`` maps a position in ``in_shapes`` to the parameter's name. Returns the
    completed ``in_shapes``; raises a shape error naming the parameter on a mismatch.
    """
    size = data_shape[axis]
    completed = list(in_shapes)
    for index, name in names.items():
        shape = in_shapes[index]
        if shape is None:
            completed[index] = (size,)
            continue
        fits = len(shape) == 1 and (size is None or shape[0] in (size, None)
                                    or (allow_one and shape[0] == 1))
        if not fits:
            raise shape_error(op, f"{name} has shape {tuple(shape)} but data "
                                  f"{tuple(data_shape)} has {size} channels on axis "
                                  f"{axis}; {name} must have shape ({size},)")
        completed[index] = (size,) if shape[0] is None else tuple(shape)
    return completed


def _moments(data, axes):
    """Mean and *biased* variance over ``axes``, kept as size-1 dimensions (MXNet
    divides by N, not N - 1, also for the moving variance)."""
    mean = data.mean(axis=axes, keepdims=True)
    var = ((data - mean) ** 2).mean(axis=axes, keepdims=True)
    return mean, var


def _standardize_backward(x_hat, inv_std, x_hat_grad, axes):
    """Gradient through ``x_hat = (x - mean(x)) * inv_std(x)`` over ``axes``.

    Mean and variance depend on every x, so besides ``x_hat_grad * inv_std`` two
    corrections appear: one through the mean and one through the variance.
    """
    return inv_std * (x_hat_grad - x_hat_grad.mean(axis=axes, keepdims=True)
                      - x_hat * (x_hat_grad * x_hat).mean(axis=axes, keepdims=True))


def _update_moving(moving_mean, moving_var, batch_mean, batch_var, momentum):
    """``moving = momentum * moving + (1 - momentum) * batch``, in place."""
    moving_mean[...] = momentum * moving_mean + (1 - momentum) * batch_mean
    moving_var[...] = momentum * moving_var + (1 - momentum) * batch_var


def _batch_norm(xp, data, gamma, beta, moving_mean, moving_var, *, eps, fix_gamma,
                batch_statistics, axis):
    """BatchNorm's forward: ``(out, mean, var, inv_std)``, the statistics as ``(C,)``
    vectors: the batch's (``batch_statistics``) or the moving ones."""
    view = _channel_view(data.ndim, axis)
    if batch_statistics:
        other_axes = tuple(index for index in range(data.ndim) if index != axis)
        mean, var = _moments(data, other_axes)
    else:
        mean, var = moving_mean.reshape(view), moving_var.reshape(view)
    inv_std = 1 / xp.sqrt(var + eps)
    scale = inv_std if fix_gamma else gamma.reshape(view) * inv_std
    out = (data - mean) * scale + beta.reshape(view)
    # copies, so that later moving-statistics updates cannot change these outputs
    return out, mean.reshape(-1).copy(), var.reshape(-1).copy(), inv_std.reshape(-1)


# --------------------------------------------------------------------------------------
# Normalization.
# --------------------------------------------------------------------------------------
class _WithStatistics(Op):
    """A normalization that also returns the statistics it used: two hidden outputs,
    shown with ``output_mean_var=True`` (MXNet's names in ``output_names``)."""
    output_names = ("output", "mean", "var")

    def num_outputs(self, attrs):
        return 3

    def num_visible_outputs(self, attrs):
        return 3 if attrs["output_mean_var"] else 1

    def list_outputs(self, attrs):
        return list(self.output_names[:self.num_visible_outputs(attrs)])


@register_op
class BatchNorm(_WithStatistics):
    """Batch normalization: standardize each channel, then scale by ``gamma`` and shift
    by ``beta``: ``y = gamma * (x - mean) / sqrt(var + eps) + beta``.

    In training (``autograd.record()``) mean and var are the batch's statistics over
    every axis but ``axis`` (the channel axis). In prediction, or with
    ``use_global_stats=True``, the moving statistics are used instead and the op is a
    per-channel affine map.

    The auxiliary states are updated IN PLACE by the training *backward*, as MXNet
    1.9.1's CPU kernel does: ``moving = momentum * moving + (1 - momentum) * batch``
    (with the biased batch variance). So a training forward alone (``forward(
    is_train=True)`` without ``backward``, or ``record()`` without ``backward()``)
    leaves them unchanged, and each ``backward`` applies one update. (MXNet's GPU
    kernel updates during forward instead; dlkit follows the CPU kernel on every
    device.)

    MXNet quirks kept: ``fix_gamma=True`` is the default and means gamma is treated as 1
    and its gradient is zero (Gluon's ``BatchNorm(scale=True)`` passes
    ``fix_gamma=False``); the hidden outputs are the mean and the *inverse standard
    deviation* ``1 / sqrt(var + eps)``, although MXNet names the second one ``var``.
    They are visible with ``output_mean_var=True``; gradients arriving at them are
    ignored, as in MXNet. ``cudnn_off`` and the calibration ranges are accepted, unused.

    Differs from MXNet: in prediction MXNet's CPU backward still applies the
    batch-statistics formula to ``data``'s gradient; dlkit returns the affine map's
    gradient ``dy * gamma / sqrt(moving_var + eps)``.
    """
    name = "BatchNorm"
    aux_names = ("moving_mean", "moving_var")
    train_aware = True
    examples = [Example(shapes=[(4, 3, 2)] + [(3,)] * 4, low=0.2,
                        attrs={"fix_gamma": False}, is_train=is_train)
                for is_train in (True, False)]
    examples += [Example(shapes=[(4, 3)] + [(3,)] * 4, low=0.2, is_train=True),
                 Example(shapes=[(2, 3, 4)] + [(4,)] * 4, low=0.2, is_train=True,
                         attrs={"axis": -1, "fix_gamma": False}),
                 Example(shapes=[(4, 3)] + [(3,)] * 4, low=0.2, is_train=True,
                         attrs={"use_global_stats": True, "fix_gamma": False}),
                 Example(shapes=[(4, 3)] + [(3,)] * 4, low=0.2, is_train=True,
                         attrs={"output_mean_var": True}, grad=False,
                         reason="gradients arriving at mean/var outputs are ignored")]

    def infer_shape(self, in_shapes, *, axis, **attrs):
        data = in_shapes[0]
        if data is None:
            return list(in_shapes), [None, None, None]
        axis = _axis_index(self, axis, len(data))
        names = {1: "gamma", 2: "beta", 3: "moving_mean", 4: "moving_var"}
        in_shapes = _vector_shapes(self, data, axis, in_shapes, names)
        channels = (data[axis],)
        return in_shapes, [tuple(data), channels, channels]

    def forward(self, xp, data, gamma, beta, moving_mean, moving_var, *,
                eps: Float = 1e-3, momentum: Float = 0.9, fix_gamma: Bool = True,
                use_global_stats: Bool = False, output_mean_var: Bool = False,
                axis: Int = 1, cudnn_off: Bool = False,
                min_calib_range: OptionalFloat = None,
                max_calib_range: OptionalFloat = None,
                is_train=False):
        out, mean, _, inv_std = _batch_norm(
            xp, data, gamma, beta, moving_mean, moving_var, eps=eps,
            fix_gamma=fix_gamma, batch_statistics=is_train and not use_global_stats,
            axis=axis % data.ndim)
        return out, mean, inv_std

    def backward(self, xp, inputs, outputs, out_grads, *, fix_gamma, use_global_stats,
                 axis, momentum, is_train=False, **attrs):
        data, gamma = inputs[0], inputs[1]
        out_grad = out_grads[0]
        axis = axis % data.ndim
        view = _channel_view(data.ndim, axis)
        other_axes = tuple(index for index in range(data.ndim) if index != axis)
        inv_std = outputs[2].reshape(view)
        x_hat = (data - outputs[1].reshape(view)) * inv_std
        scale = 1 if fix_gamma else gamma.reshape(view)
        if is_train and not use_global_stats:
            data_grad = _standardize_backward(x_hat, inv_std, out_grad * scale,
                                              other_axes)
            # MXNet's CPU quirk: the moving statistics move here, not in forward
            batch_var = (x_hat ** 2).mean(axis=other_axes) / inv_std.reshape(-1) ** 2
            _update_moving(inputs[3], inputs[4], outputs[1], batch_var, momentum)
        else:
            data_grad = out_grad * scale * inv_std   # statistics are constants here
        if fix_gamma:
            gamma_grad = xp.zeros_like(gamma)
        else:
            gamma_grad = (out_grad * x_hat).sum(axis=other_axes)
        return [data_grad, gamma_grad, out_grad.sum(axis=other_axes), None, None]


@register_op
class BatchNormV1(BatchNorm):
    """The deprecated first ``BatchNorm``, kept for old model files: the same op with
    the channel axis fixed at 1 and no ``axis``, ``cudnn_off`` or calibration
    attributes. MXNet 1.9.1 computes it for 2-D ``(N, C)`` and 4-D ``(N, C, H, W)``
    data only, so dlkit accepts those.

    Outputs, gradients and the moving statistics (updated in backward) are
    ``BatchNorm``'s, with one difference: the hidden ``var`` output (visible with
    ``output_mean_var=True``) is the variance itself, the batch's in training and
    ``moving_var`` in prediction, where ``BatchNorm`` returns ``1 / sqrt(var + eps)``.

    Differs from MXNet: as for ``BatchNorm``, a backward in prediction gives the
    affine map's data gradient ``dy * gamma / sqrt(moving_var + eps)``; MXNet 1.9.1's
    ``BatchNorm_v1`` returns a mixture of formulas there that is no derivative.
    """
    name = "BatchNorm_v1"
    examples = [Example(shapes=[(4, 3, 2, 2)] + [(3,)] * 4, low=0.2, is_train=True,
                        attrs={"fix_gamma": False}),
                Example(shapes=[(5, 3)] + [(3,)] * 4, low=0.2, is_train=True),
                Example(shapes=[(4, 3, 2, 1)] + [(3,)] * 4, low=0.2,
                        attrs={"fix_gamma": False}),
                Example(shapes=[(4, 3)] + [(3,)] * 4, low=0.2, is_train=True,
                        attrs={"output_mean_var": True}, grad=False,
                        reason="gradients arriving at mean/var outputs are ignored")]

    def infer_shape(self, in_shapes, **attrs):
        data = in_shapes[0]
        if data is not None and len(data) not in (2, 4):
            raise shape_error(self, f"data has shape {tuple(data)}; BatchNorm_v1 takes "
                                    "2-D (N, C) or 4-D (N, C, H, W) data, as in MXNet "
                                    "1.9.1 (use BatchNorm for other shapes)")
        return super().infer_shape(in_shapes, axis=1)

    def forward(self, xp, data, gamma, beta, moving_mean, moving_var, *,
                eps: Float = 1e-3, momentum: Float = 0.9, fix_gamma: Bool = True,
                use_global_stats: Bool = False, output_mean_var: Bool = False,
                is_train=False):
        out, mean, var, _ = _batch_norm(
            xp, data, gamma, beta, moving_mean, moving_var, eps=eps,
            fix_gamma=fix_gamma, batch_statistics=is_train and not use_global_stats,
            axis=1)
        return out, mean, var

    def backward(self, xp, inputs, outputs, out_grads, *, eps, **attrs):
        # BatchNorm's backward reads 1 / sqrt(var + eps) where we keep var
        inv_std = 1 / xp.sqrt(outputs[2] + eps)
        return super().backward(xp, inputs, [outputs[0], outputs[1], inv_std],
                                out_grads, axis=1, **attrs)


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
