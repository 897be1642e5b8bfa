"""Local response normalization (``LRN``, AlexNet's cross-channel normalization).

Each value is divided by a power of the summed squares of its neighbours across
``nsize`` channels (the same pixel in channels ``c - nsize // 2 .. c + nsize // 2``)::

    scale[n, c, h, w] = knorm + alpha / nsize * sum over the window of data^2
    out = data * scale^-beta
"""
from .registry import Example, Float, Int, Op, register_op, same_dtype, shape_error


def _channel_window_sum(xp, values, nsize):
    """For every channel, the sum of ``values`` over the ``nsize`` channels centred on
    it (missing channels at the edges count as 0)."""
    half = nsize // 2
    channels = values.shape[1]
    widths = [(0, 0), (half, half)] + [(0, 0)] * (values.ndim - 2)
    padded = xp.pad(values, widths)
    return sum(padded[:, offset:offset + channels] for offset in range(nsize))


@register_op
class LRN(Op):
    """Local response normalization across channels of ``NCHW`` data:
    ``out = data / (knorm + alpha / nsize * sum_window data^2) ^ beta``.

    ``nsize`` must be odd. A hidden second output keeps the ``scale`` for backward.
    """
    name = "LRN"
    infer_type = same_dtype
    examples = [Example(shapes=[(2, 5, 2, 3)], attrs={"nsize": 3, "alpha": 0.5}),
                Example(shapes=[(1, 4, 2, 2)], attrs={"nsize": 5, "alpha": 2.0,
                                                      "beta": 0.5, "knorm": 1.0})]

    def num_outputs(self, attrs):
        return 2

    def num_visible_outputs(self, attrs):
        return 1

    def infer_shape(self, in_shapes, *, nsize, **attrs):
        if nsize % 2 != 1:
            raise shape_error(self, f"nsize must be odd (a window centred on each "
                                    f"channel), got {nsize}")
        data = in_shapes[0]
        if data is not None and len(data) != 4:
            raise shape_error(self, "data must be 4-D (batch, channel, height, "
                                    f"width), got shape {data}")
        return [data], [data, data]

    def forward(self, xp, data, *, alpha: Float = 1e-4, beta: Float = 0.75,
                knorm: Float = 2.0, nsize: Int):
        scale = knorm + (alpha / nsize) * _channel_window_sum(xp, data * data, nsize)
        return data * scale ** -beta, scale

    def backward(self, xp, inputs, outputs, out_grads, *, alpha, beta, knorm, nsize):
        data = inputs[0]
        scale = outputs[1]
        grad = out_grads[0]
        # out_i = x_i * s_i^-beta and s_i depends on x_j^2 for j in i's window; the
        # window is symmetric, so the sum over i runs over j's own window
        through_scale = _channel_window_sum(
            xp, grad * data * scale ** (-beta - 1), nsize)
        return [grad * scale ** -beta
                - (2 * beta * alpha / nsize) * data * through_scale]
