"""Batch normalization: ``BatchNorm`` (and the legacy ``BatchNorm_v1``), and the
helpers every normalization shares. The per-sample normalizations ``LayerNorm``,
``InstanceNorm``, ``GroupNorm`` and ``L2Normalization`` are in ``layer_norm.py``.

Batch, instance, layer and group normalization standardize
``x_hat = (x - mean) / sqrt(var + eps)`` over some axes and then scale and shift; they
differ only in *which* axes::

    data (N, C, H, W)   BatchNorm: over N, H, W   (one mean per channel)
                        InstanceNorm: over H, W   (one mean per sample and channel)
                        LayerNorm(axis=-1): over W only
                        GroupNorm: over C / G channels and H, W (per sample and group)

What backward needs is returned as hidden outputs, as MXNet does: ``BatchNorm`` returns
its batch mean and inverse standard deviation, ``LayerNorm`` its mean and std.
"""
from .registry import (Bool, Example, Float, Int, Op, OptionalFloat, register_op,
                       shape_error)


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
