"""Image operators (MXNet's ``_image_*``, called as ``mx.nd.image.X``): the array maths
behind Gluon's ``vision.transforms``.

Images here are *HWC* (height, width, channels), as decoded from a file; a batch is
*NHWC*. A data pipeline turns one into what a network eats::

    uint8 (H, W, 3)  --resize / crop / flips / color jitter-->  uint8 (H', W', 3)
                     --to_tensor-->  float32 (3, H', W') in [0, 1]
                     --normalize-->  (x - mean) / std per channel

Color ops read channels as R, G, B. Gray is ``0.299 R + 0.587 G + 0.114 B``. Integer
images get their results truncated and clipped into the dtype's range (255 + 10
stays 255).

The ``random_*`` ops draw their factors from ``mx.random`` (``rng.generator``): the
numbers differ from MXNet's, so the tests check them with fixed factors
(``min_factor == max_factor``) instead of against MXNet goldens.

Differs from MXNet, where MXNet 1.9.1 has bugs: its gradients of ``to_tensor``, the
flips and the random flips pass the head gradient through unchanged (``to_tensor``'s
then fails unless H == W == C); dlkit's are the true gradients. MXNet's flips leave
the middle row or column of an odd-sized image unwritten, and its lighting, hue and
color jitter ops leave a 1-channel image (or a jitter with nothing to do) unwritten;
dlkit flips every row and returns such images unchanged.
"""
from ..base import MXNetError
from .attrs import FloatTuple
from .registry import (Bool, Example, Float, Int, Op, Shape, register_op,
                       shape_error)
from .rng import generator

# AlexNet's PCA of ImageNet's RGB pixels: lighting noise moves along these axes.
_EIGENVALUES = (55.46, 4.794, 1.148)
_EIGENVECTORS = ((-0.5675, 0.7192, 0.4009),
                 (-0.5808, -0.0045, -0.8140),
                 (-0.5836, -0.6948, 0.4203))


# --------------------------------------------------------------------------------------
# Shared checks and helpers.
# --------------------------------------------------------------------------------------
def _check_ndim(op, shape, batch_ok, layout="(height, width, channels)"):
    """An image is 3-D, or 4-D with a batch axis where ``batch_ok``."""
    allowed = (3, 4) if batch_ok else (3,)
    if shape is not None and len(shape) not in allowed:
        batched = f", or (N, {layout[1:]}" if batch_ok else ""
        raise shape_error(op, f"data must have shape {layout}{batched}, got "
                              f"{tuple(shape)}")


def _check_rgb(op, shape, axis=-1):
    """Color ops need 1 (gray) or 3 (RGB) channels."""
    if shape is not None and shape[axis] not in (None, 1, 3):
        raise shape_error(op, f"the channel axis of data {tuple(shape)} must have 1 or "
                              f"3 elements, got {shape[axis]}")


def _image_shape(op, in_shapes, batch_ok=False, rgb=True):
    """Check an HWC image and return it as the output shape (color ops)."""
    _check_ndim(op, in_shapes[0], batch_ok)
    if rgb:
        _check_rgb(op, in_shapes[0])
    return list(in_shapes), [in_shapes[0]]


def _to_dtype(xp, values, dtype):
    """Store float results as ``dtype``: integers are clipped to the dtype's range,
    then truncated (MXNet's saturating cast)."""
    if xp.dtype(dtype).kind in "iu":
        limits = xp.iinfo(dtype)
        values = xp.clip(values, limits.min, limits.max)
    return values.astype(dtype)


def _as_float(xp, data):
    """Integer images are computed in float32, float ones in their own dtype."""
    return data.astype(xp.float32) if data.dtype.kind in "iu" else data


def _gray(xp, image):
    """Per-pixel gray value ``(..., H, W, 1)`` of an RGB image (1 channel: itself)."""
    if image.shape[-1] == 1:
        return image
    weights = xp.asarray([0.299, 0.587, 0.114], dtype=image.dtype)
    return (image * weights).sum(axis=-1, keepdims=True)


def _check_factors(op, min_factor, max_factor):
    for name, value in (("min_factor", min_factor), ("max_factor", max_factor)):
        if value < 0:
            raise MXNetError(f"operator {op.name}: {name}={value} must be >= 0")


def _uniform(xp, low, high):
    """One uniform draw in ``[low, high)`` as a Python float."""
    return low + (high - low) * float(generator(xp).random())


# --------------------------------------------------------------------------------------
# Layout: to_tensor and normalize.
# --------------------------------------------------------------------------------------
@register_op
class ToTensor(Op):
    """HWC (or NHWC) image with values in [0, 255] -> CHW (or NCHW) float32 in [0, 1].

    Any dtype is accepted; the output is always float32. The gradient moves the
    channel axis back and divides by 255 (differs from MXNet 1.9.1, whose gradient is
    the head gradient unchanged, see the module docstring).
    """
    name = "_image_to_tensor"
    # small values: the float32 output must resolve the numeric-gradient steps
    examples = [Example(shapes=[(2, 3, 3)]),
                Example(shapes=[(2, 4, 3, 1)])]

    def infer_shape(self, in_shapes, **attrs):
        data = in_shapes[0]
        _check_ndim(self, data, batch_ok=True)
        if data is None:
            return list(in_shapes), [None]
        return list(in_shapes), [(*data[:-3], data[-1], data[-3], data[-2])]

    def infer_type(self, in_types, **attrs):
        return list(in_types), ["float32"]

    def forward(self, xp, data):
        scaled = data.astype(xp.float32) / xp.float32(255)
        return xp.ascontiguousarray(xp.moveaxis(scaled, -1, -3))

    def backward(self, xp, inputs, outputs, out_grads):
        grad = xp.moveaxis(out_grads[0], -3, -1) / 255
        return [xp.ascontiguousarray(grad).astype(inputs[0].dtype)]


@register_op
class Normalize(Op):
    """``(data - mean) / std`` per channel of a CHW (or NCHW) tensor.

    ``mean`` and ``std`` hold one value, or one per channel; there must be 1 or 3
    channels. MXNet's defaults ``(0, 0, 0, 0)`` and ``(1, 1, 1, 1)`` have four values,
    so (in MXNet too) both must be given. The gradient is ``grad / std``.
    """
    name = "_image_normalize"
    examples = [Example(shapes=[(3, 2, 4)],
                        attrs={"mean": (0.1, 0.2, 0.3), "std": (0.5, 2.0, 1.5)}),
                Example(shapes=[(2, 1, 3, 2)], attrs={"mean": 0.5, "std": 0.25})]

    def infer_shape(self, in_shapes, *, mean, std):
        data = in_shapes[0]
        _check_ndim(self, data, batch_ok=True, layout="(channels, height, width)")
        channels = None if data is None else data[-3]
        if channels not in (None, 1, 3):
            raise shape_error(self, f"the channel axis (-3) of data {tuple(data)} must "
                                    f"have 1 or 3 elements, got {channels}")
        for name, values in (("mean", mean), ("std", std)):
            if channels is not None and len(values) not in (1, channels):
                raise shape_error(self, f"{name} must have 1 or {channels} values for "
                                        f"data {tuple(data)}, got {values}; pass "
                                        f"{name}= explicitly")
        return list(in_shapes), [data]

    def forward(self, xp, data, *, mean: FloatTuple = (0.0, 0.0, 0.0, 0.0),
                std: FloatTuple = (1.0, 1.0, 1.0, 1.0)):
        values = _as_float(xp, data)
        mean_c = self._per_channel(xp, mean, values.dtype)
        std_c = self._per_channel(xp, std, values.dtype)
        return _to_dtype(xp, (values - mean_c) / std_c, data.dtype)

    def backward(self, xp, inputs, outputs, out_grads, *, mean, std):
        return [out_grads[0] / self._per_channel(xp, std, out_grads[0].dtype)]

    @staticmethod
    def _per_channel(xp, values, dtype):
        """``(C, 1, 1)`` values that broadcast over CHW and NCHW."""
        return xp.asarray(values, dtype=dtype).reshape(-1, 1, 1)


# --------------------------------------------------------------------------------------
# Geometry: resize, crop, flips.
# --------------------------------------------------------------------------------------
def _resize_taps(xp, source, target, clamp_weight):
    """OpenCV's bilinear taps along one axis: for each output position, two input
    positions and their weights (float32, as OpenCV computes them).

    Output pixel ``i`` sits at input position ``(i + 0.5) * scale - 0.5``. Past the
    first or last input pixel OpenCV clamps the column weight to 0 (columns,
    ``clamp_weight``) or clamps the row index (rows), which give the same value.
    """
    scale = 1.0 / (target / source)
    position = ((xp.arange(target) + 0.5) * scale - 0.5).astype(xp.float32)
    low = xp.floor(position)
    fraction = (position - low).astype(xp.float32)
    low = low.astype(xp.int64)
    if clamp_weight:
        outside = (low < 0) | (low >= source - 1)
        fraction = xp.where(outside, xp.float32(0), fraction)
    high = xp.clip(low + 1, 0, source - 1)
    low = xp.clip(low, 0, source - 1)
    return low, high, (1 - fraction).astype(xp.float32), fraction


def _resize_bilinear(xp, data, height, width):
    """Bilinear resize of (N)HWC ``data``: interpolate along the rows, then along the
    columns, with OpenCV's arithmetic (uint8 in fixed point, so pixels match)."""
    x_low, x_high, x_weight0, x_weight1 = _resize_taps(xp, data.shape[-2], width, True)
    y_low, y_high, y_weight0, y_weight1 = _resize_taps(xp, data.shape[-3], height,
                                                       False)
    if data.dtype == xp.uint8:
        # weights as integers scaled by 2048; the column pass keeps the sums, the row
        # pass rescales in steps (>> 4, >> 16, then rounds >> 2) like OpenCV's SIMD
        def fixed(weight, shape):
            return xp.rint(weight * 2048).astype(xp.int32).reshape(shape)
        pixels = data.astype(xp.int32)
        rows = (pixels[..., x_low, :] * fixed(x_weight0, (-1, 1))
                + pixels[..., x_high, :] * fixed(x_weight1, (-1, 1))) >> 4
        top = (rows[..., y_low, :, :] * fixed(y_weight0, (-1, 1, 1))) >> 16
        bottom = (rows[..., y_high, :, :] * fixed(y_weight1, (-1, 1, 1))) >> 16
        return _to_dtype(xp, (top + bottom + 2) >> 2, xp.uint8)
    dtype = data.dtype
    rows = (data[..., x_low, :] * x_weight0.astype(dtype).reshape(-1, 1)
            + data[..., x_high, :] * x_weight1.astype(dtype).reshape(-1, 1))
    return (rows[..., y_low, :, :] * y_weight0.astype(dtype).reshape(-1, 1, 1)
            + rows[..., y_high, :, :] * y_weight1.astype(dtype).reshape(-1, 1, 1))


def _resize_nearest(xp, data, height, width):
    """Nearest resize: output pixel ``i`` copies input ``floor(i * scale)``."""
    def source(size, target):
        index = xp.floor(xp.arange(target) * (1.0 / (target / size)))
        return xp.minimum(index.astype(xp.int64), size - 1)
    rows = data[..., source(data.shape[-3], height), :, :]
    return rows[..., source(data.shape[-2], width), :]


def _cubic_weights(xp, fraction):
    """OpenCV's bicubic weights (a = -0.75) of taps -1, 0, 1, 2, in float32."""
    a, one = xp.float32(-0.75), xp.float32(1)
    after, before = fraction + one, one - fraction
    w0 = ((a * after - 5 * a) * after + 8 * a) * after - 4 * a
    w1 = ((a + 2) * fraction - (a + 3)) * fraction * fraction + one
    w2 = ((a + 2) * before - (a + 3)) * before * before + one
    return -1, [w0, w1, w2, one - w0 - w1 - w2]


def _lanczos_weights(xp, fraction):
    """OpenCV's Lanczos-4 weights of taps -3 .. 4 (sin(t) sin(t/4) / t^2 in closed
    form, normalised to sum 1); a pixel exactly on a source pixel copies it."""
    diagonal = 0.70710678118654752440084436210485
    phases = [(1, 0), (-diagonal, -diagonal), (0, 1), (diagonal, -diagonal), (-1, 0),
              (diagonal, diagonal), (0, -1), (-diagonal, diagonal)]
    start = -(fraction.astype(xp.float64) + 3) * (xp.pi / 4)
    sin0, cos0 = xp.sin(start), xp.cos(start)
    exact = fraction < xp.finfo(xp.float32).eps
    weights = []
    for tap, (sin_part, cos_part) in enumerate(phases):
        angle = start + tap * (xp.pi / 4)
        angle = xp.where(exact, 1.0, angle)          # no 0/0 where the weight is fixed
        weights.append(((sin_part * sin0 + cos_part * cos0) / (angle * angle))
                       .astype(xp.float32))
    total = weights[0]
    for weight in weights[1:]:
        total = total + weight                       # OpenCV sums in float32, in order
    weights = [xp.where(exact, xp.float32(tap == 3), weight / total)
               for tap, weight in enumerate(weights)]
    return -3, weights


def _resize_kernel(xp, data, height, width, kernel):
    """Separable resize with ``kernel``'s taps (bicubic, Lanczos): columns, then rows,
    with source indices clamped to the image (OpenCV's replicated border). uint8
    uses OpenCV's fixed point: weights * 2048, one rounding at the end (>> 22), except
    where OpenCV's bicubic row pass switches to float32 (see below)."""
    def taps(source, target):
        position = ((xp.arange(target) + 0.5) * (1.0 / (target / source)) - 0.5)
        position = position.astype(xp.float32)
        low = xp.floor(position)
        first, weights = kernel(xp, (position - low).astype(xp.float32))
        low = low.astype(xp.int64)
        indices = [xp.clip(low + first + tap, 0, source - 1)
                   for tap in range(len(weights))]
        return indices, weights
    x_indices, x_weights = taps(data.shape[-2], width)
    y_indices, y_weights = taps(data.shape[-3], height)
    if data.dtype == xp.uint8:
        x_weights = [xp.rint(w * 2048).astype(xp.int64) for w in x_weights]
        y_weights = [xp.rint(w * 2048).astype(xp.int64) for w in y_weights]
        values = data.astype(xp.int64)
    else:
        x_weights = [w.astype(data.dtype) for w in x_weights]
        y_weights = [w.astype(data.dtype) for w in y_weights]
        values = data
    rows = sum(values[..., index, :] * weight.reshape(-1, 1)
               for index, weight in zip(x_indices, x_weights))
    out = sum(rows[..., index, :, :] * weight.reshape(-1, 1, 1)
              for index, weight in zip(y_indices, y_weights))
    if data.dtype != xp.uint8:
        return out
    out = (out + (1 << 21)) >> 22
    if kernel is _cubic_weights:
        # OpenCV's SIMD row pass for bicubic uint8 works in float32 on whole blocks
        # of 8 values of each output row (width * channels); only the leftover
        # values take the integer path above, so both roundings are needed
        scale = xp.float32(1.0 / (2048 * 2048))
        mixed = None
        for index, weight in zip(y_indices, y_weights):
            term = (rows[..., index, :, :].astype(xp.float32)
                    * (weight.astype(xp.float32) * scale).reshape(-1, 1, 1))
            mixed = term if mixed is None else mixed + term
        channels = data.shape[-1]
        flat = (xp.arange(width).reshape(-1, 1) * channels
                + xp.arange(channels).reshape(1, -1))
        in_blocks = flat < (width * channels) // 8 * 8
        out = xp.where(in_blocks, xp.rint(mixed).astype(xp.int64), out)
    return _to_dtype(xp, out, xp.uint8)


@register_op
class Resize(Op):
    """Resize an HWC (or NHWC) image to ``size``: ``(width, height)``, or one int for
    a square.

    With ``keep_ratio`` and one int, the shorter side becomes ``size`` and the longer
    one keeps the aspect ratio (rounded down). ``interp`` is OpenCV's filter: 0
    nearest, 1 bilinear, 2 bicubic, 4 Lanczos, reproduced exactly (uint8 in OpenCV's
    fixed point). Data must be uint8, float32 or float64 (OpenCV's types). No
    gradient.

    Differs from MXNet: ``interp=3`` (area) is not implemented; float results of an
    exact 2x bilinear shrink may differ in the last bit (OpenCV switches to its area
    filter there), float Lanczos results in the last bits.
    """
    name = "_image_resize"
    examples = [Example(shapes=[(4, 5, 3)], attrs={"size": (3, 7)}, grad=False,
                        reason="MXNet's resize has no gradient"),
                Example(shapes=[(2, 5, 4, 1)], attrs={"size": 3, "keep_ratio": True,
                                                      "interp": 0},
                        grad=False, reason="MXNet's resize has no gradient"),
                Example(shapes=[(3, 4, 2)], attrs={"size": (6, 2), "interp": 2},
                        grad=False, reason="MXNet's resize has no gradient")]

    def infer_shape(self, in_shapes, *, size, keep_ratio, interp):
        data = in_shapes[0]
        _check_ndim(self, data, batch_ok=True)
        if len(size) not in (1, 2):
            raise shape_error(self, f"size must be (width, height) or one int, got "
                                    f"{size}")
        if min(size) <= 0:
            raise shape_error(self, f"size must be positive, got {size}")
        if interp not in (0, 1, 2, 4):
            raise shape_error(self, f"interp={interp}: dlkit implements 0 (nearest), "
                                    "1 (bilinear), 2 (bicubic) and 4 (Lanczos)")
        if data is None:
            return list(in_shapes), [None]
        height, width = self._target(data[-3], data[-2], size, keep_ratio)
        return list(in_shapes), [(*data[:-3], height, width, data[-1])]

    def infer_type(self, in_types, **attrs):
        self._check_dtype(in_types[0])
        return list(in_types), [in_types[0]]

    def _check_dtype(self, dtype):
        dtype = getattr(dtype, "name", dtype)
        if dtype is not None and str(dtype) not in ("uint8", "float32", "float64"):
            raise MXNetError(f"operator {self.name}: data must be uint8, float32 or "
                             f"float64 (OpenCV's resize types), got {dtype}; convert "
                             "it with astype")

    @staticmethod
    def _target(height, width, size, keep_ratio):
        """``(height, width)`` of the output."""
        if len(size) == 2:
            return size[1], size[0]
        if not keep_ratio or None in (height, width) or height == width:
            return size[0], size[0]
        if height > width:
            return height * size[0] // width, size[0]
        return size[0], width * size[0] // height

    def forward(self, xp, data, *, size: Shape = (), keep_ratio: Bool = False,
                interp: Int = 1):
        self._check_dtype(data.dtype)
        height, width = self._target(data.shape[-3], data.shape[-2], size, keep_ratio)
        if interp == 0:
            return _resize_nearest(xp, data, height, width)
        if interp == 2:
            return _resize_kernel(xp, data, height, width, _cubic_weights)
        if interp == 4:
            return _resize_kernel(xp, data, height, width, _lanczos_weights)
        return _resize_bilinear(xp, data, height, width)


@register_op
class Crop(Op):
    """Cut the ``width`` x ``height`` box whose top-left pixel is column ``x``, row
    ``y`` out of an HWC (or NHWC) image. The gradient puts the head gradient back in
    the box and zeros elsewhere.

    Differs from MXNet: a negative ``x`` or ``y`` is an error (MXNet reads outside
    the image).
    """
    name = "_image_crop"
    examples = [Example(shapes=[(4, 5, 3)], attrs={"x": 1, "y": 2, "width": 3,
                                                   "height": 2}),
                Example(shapes=[(2, 3, 4, 1)], attrs={"x": 0, "y": 1, "width": 4,
                                                      "height": 2})]

    def infer_shape(self, in_shapes, *, x, y, width, height):
        data = in_shapes[0]
        _check_ndim(self, data, batch_ok=True)
        if width <= 0 or height <= 0 or x < 0 or y < 0:
            raise shape_error(self, f"need x, y >= 0 and width, height > 0, got "
                                    f"x={x}, y={y}, width={width}, height={height}")
        if data is None:
            return list(in_shapes), [None]
        for name, end, side, limit in (("x + width", x + width, "width", data[-2]),
                                       ("y + height", y + height, "height", data[-3])):
            if limit is not None and end > limit:
                raise shape_error(self, f"{name} = {end} is past the image's {side} "
                                        f"{limit} (data {tuple(data)})")
        return list(in_shapes), [(*data[:-3], height, width, data[-1])]

    def forward(self, xp, data, *, x: Int, y: Int, width: Int, height: Int):
        return data[..., y:y + height, x:x + width, :].copy()

    def backward(self, xp, inputs, outputs, out_grads, *, x, y, width, height):
        grad = xp.zeros_like(inputs[0])
        grad[..., y:y + height, x:x + width, :] = out_grads[0]
        return [grad]


class _Flip(Op):
    """Flip an HWC image along ``axis`` (1: left-right, 0: top-bottom); the gradient
    flips the head gradient back.

    Differs from MXNet: MXNet 1.9.1 leaves the middle row or column of an odd size
    unwritten (garbage) and passes the head gradient back unflipped."""
    axis = 1
    examples = [Example(shapes=[(2, 3, 3)]), Example(shapes=[(3, 2, 1)])]

    def infer_shape(self, in_shapes, **attrs):
        return _image_shape(self, in_shapes)

    def forward(self, xp, data):
        return xp.flip(data, axis=self.axis).copy()

    def backward(self, xp, inputs, outputs, out_grads):
        return [xp.flip(out_grads[0], axis=self.axis).copy()]


@register_op
class FlipLeftRight(_Flip):
    __doc__ = _Flip.__doc__
    name = "_image_flip_left_right"
    axis = 1


@register_op
class FlipTopBottom(_Flip):
    __doc__ = _Flip.__doc__
    name = "_image_flip_top_bottom"
    axis = 0


class _RandomFlip(_Flip):
    """Flip an HWC image along ``axis`` with probability 1/2. A hidden second output
    (1.0 if flipped) tells backward whether to flip the head gradient back."""
    random = True
    examples = [Example(shapes=[(2, 3, 3)])]

    def num_outputs(self, attrs):
        return 2

    def num_visible_outputs(self, attrs):
        return 1

    def infer_shape(self, in_shapes, **attrs):
        in_shapes, out_shapes = _image_shape(self, in_shapes)
        return in_shapes, [out_shapes[0], (1,)]

    def forward(self, xp, data):
        flipped = float(generator(xp).random()) < 0.5
        output = xp.flip(data, axis=self.axis).copy() if flipped else data.copy()
        return output, xp.full((1,), flipped, dtype=data.dtype)

    def backward(self, xp, inputs, outputs, out_grads):
        if bool(outputs[1][0]):
            return [xp.flip(out_grads[0], axis=self.axis).copy()]
        return [out_grads[0]]


@register_op
class RandomFlipLeftRight(_RandomFlip):
    __doc__ = _RandomFlip.__doc__
    name = "_image_random_flip_left_right"
    axis = 1


@register_op
class RandomFlipTopBottom(_RandomFlip):
    __doc__ = _RandomFlip.__doc__
    name = "_image_random_flip_top_bottom"
    axis = 0


# --------------------------------------------------------------------------------------
# Color: lighting, brightness, contrast, saturation, hue.
# --------------------------------------------------------------------------------------
def _lighting(xp, data, alpha):
    """AlexNet's lighting noise: add ``eigenvectors @ (alpha * eigenvalues)`` to every
    RGB pixel (a 1-channel image is returned unchanged)."""
    if data.shape[-1] != 3:
        return data.copy()
    values = _as_float(xp, data)
    eigenvectors = xp.asarray(_EIGENVECTORS, dtype=xp.float32)
    scaled = xp.asarray(alpha[:3], dtype=xp.float32) * xp.asarray(_EIGENVALUES,
                                                                 dtype=xp.float32)
    return _to_dtype(xp, values + (eigenvectors @ scaled).astype(values.dtype),
                     data.dtype)


@register_op
class AdjustLighting(Op):
    """Add AlexNet-style PCA lighting noise with the given ``alpha`` (one weight per
    principal component of ImageNet's RGB colors) to an HWC image. Adding a constant
    per channel has the identity as gradient.

    Differs from MXNet: ``alpha`` must have exactly 3 values (MXNet ignores more).
    """
    name = "_image_adjust_lighting"
    examples = [Example(shapes=[(2, 3, 3)], attrs={"alpha": (0.1, -0.2, 0.05)})]

    def infer_shape(self, in_shapes, *, alpha):
        if len(alpha) != 3:
            raise shape_error(self, f"alpha needs 3 values (R, G, B), got {alpha}")
        return _image_shape(self, in_shapes)

    def forward(self, xp, data, *, alpha: FloatTuple):
        return _lighting(xp, data, alpha)

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        return [out_grads[0]]


@register_op
class RandomLighting(Op):
    """``adjust_lighting`` with ``alpha`` drawn from a normal distribution of standard
    deviation ``alpha_std`` (one draw per component); the gradient is the identity."""
    name = "_image_random_lighting"
    random = True
    examples = [Example(shapes=[(2, 3, 3)], attrs={"alpha_std": 0.1})]

    def infer_shape(self, in_shapes, **attrs):
        return _image_shape(self, in_shapes)

    def forward(self, xp, data, *, alpha_std: Float = 0.05):
        alpha = [alpha_std * float(value)
                 for value in generator(xp).standard_normal(3)]
        return _lighting(xp, data, alpha)

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        return [out_grads[0]]


def _brightness(xp, image, factor):
    return image * factor


def _contrast(xp, image, factor):
    """Blend with the image's mean gray value."""
    mean = _gray(xp, image).mean()
    return image * factor + mean * (1 - factor)


def _saturation(xp, image, factor):
    """Blend each pixel with its gray value. MXNet 1.9.1's gray value here is only
    ``0.114 * B`` (its sum drops the R and G terms); kept so the numbers match."""
    if image.shape[-1] == 1:
        return image
    gray = image[..., 2:3] * 0.114
    return image * factor + gray * (1 - factor)


def _hue(xp, image, factor):
    """Turn each pixel's hue by ``factor`` of a full turn, keeping its max and min
    channel (so lightness and saturation stay).

    Hue in sixths of a turn: 0 red, 2 green, 4 blue. Within each sixth one channel is
    the max, one the min, and one moves linearly between them.
    """
    if image.shape[-1] == 1:
        return image
    red, green, blue = image[..., 0], image[..., 1], image[..., 2]
    high = image.max(axis=-1)
    low = image.min(axis=-1)
    spread = high - low
    safe = xp.where(spread > 0, spread, 1)
    hue = xp.where(high == red, (green - blue) / safe,
                   xp.where(high == green, (blue - red) / safe + 2,
                            (red - green) / safe + 4))
    hue = xp.mod(hue + 6 * factor, 6)
    sector = xp.minimum(xp.floor(hue), 5).astype(xp.int64)
    offset = hue - sector
    # candidates: 0 max, 1 min, 2 rising from min, 3 falling from max
    candidates = xp.stack([high, low, low + spread * offset, high - spread * offset],
                          axis=-1)
    table = xp.asarray([[0, 2, 1], [3, 0, 1], [1, 0, 2], [1, 3, 0], [2, 1, 0],
                        [0, 1, 3]])
    turned = xp.take_along_axis(candidates, table[sector], axis=-1)
    return xp.where((spread > 0)[..., None], turned, image).astype(image.dtype)


class _RandomColor(Op):
    """Scale a color property of an HWC image by a factor drawn uniformly from
    ``[min_factor, max_factor]``. No gradient (MXNet's passes the head gradient
    through unchanged, which is not the derivative)."""
    random = True
    adjust = None

    def infer_shape(self, in_shapes, *, min_factor, max_factor):
        _check_factors(self, min_factor, max_factor)
        return _image_shape(self, in_shapes)

    def forward(self, xp, data, *, min_factor: Float, max_factor: Float):
        factor = _uniform(xp, min_factor, max_factor)
        adjusted = type(self).adjust(xp, _as_float(xp, data), factor)
        return _to_dtype(xp, adjusted, data.dtype)


def _color_examples(low, high):
    return [Example(shapes=[(2, 3, 3)], low=0, high=1,
                    attrs={"min_factor": low, "max_factor": high}, grad=False,
                    reason="MXNet gives random color ops no true gradient")]


@register_op
class RandomBrightness(_RandomColor):
    """``data * factor``, the factor uniform in ``[min_factor, max_factor]``."""
    name = "_image_random_brightness"
    adjust = _brightness
    examples = _color_examples(0.5, 1.5)


@register_op
class RandomContrast(_RandomColor):
    """``data * factor + mean_gray * (1 - factor)``, where ``mean_gray`` is the
    image's mean gray value (1 channel: its mean)."""
    name = "_image_random_contrast"
    adjust = _contrast
    examples = _color_examples(0.5, 1.5)


@register_op
class RandomSaturation(_RandomColor):
    """``data * factor + gray * (1 - factor)`` per pixel, with MXNet 1.9.1's gray value
    ``0.114 * B`` (its code drops the R and G terms; kept so numbers match). A
    1-channel image is returned unchanged."""
    name = "_image_random_saturation"
    adjust = _saturation
    examples = _color_examples(0.5, 1.5)


@register_op
class RandomHue(_RandomColor):
    """Turn the hue of every pixel by ``factor`` turns (1.0 = 360 degrees, so factors
    near 1 are small turns). A 1-channel image is returned unchanged.

    Differs from MXNet: uint8 results may differ by 1 where MXNet's float round trip
    through HLS lands just below an integer (9.99999 truncates to 9).
    """
    name = "_image_random_hue"
    adjust = _hue
    examples = _color_examples(0.2, 0.4)


@register_op
class RandomColorJitter(Op):
    """Randomly change brightness, contrast, saturation and hue, in a random order.

    Each amount ``a > 0`` turns its adjustment on: brightness, contrast and
    saturation factors are uniform in ``[1 - a, 1 + a]``, the hue turn uniform in
    ``[-a, a]`` turns. No gradient. Differs from MXNet: with every amount 0 the image
    is returned unchanged (MXNet returns an unwritten output).
    """
    name = "_image_random_color_jitter"
    random = True
    examples = [Example(shapes=[(2, 3, 3)], low=0, high=1,
                        attrs={"brightness": 0.3, "contrast": 0.2, "saturation": 0.4,
                               "hue": 0.1},
                        grad=False, reason="MXNet gives random color ops no true "
                                           "gradient")]

    def infer_shape(self, in_shapes, **attrs):
        return _image_shape(self, in_shapes)

    def forward(self, xp, data, *, brightness: Float, contrast: Float,
                saturation: Float, hue: Float):
        steps = [(_brightness, brightness, 1.0), (_contrast, contrast, 1.0),
                 (_saturation, saturation, 1.0), (_hue, hue, 0.0)]
        image = _as_float(xp, data)
        # sorting random keys gives a random order, on NumPy and CuPy alike
        for index in xp.argsort(generator(xp).random(4)).tolist():
            adjust, amount, center = steps[index]
            if amount > 0:
                factor = _uniform(xp, center - amount, center + amount)
                image = adjust(xp, image, factor)
        return _to_dtype(xp, image, data.dtype)
