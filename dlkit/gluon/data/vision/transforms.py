"""Image transforms: Blocks that turn one HWC image into what a network eats.

A typical chain, applied to the data of each sample::

    transformer = transforms.Compose([transforms.Resize(32),
                                      transforms.ToTensor(),          # HWC uint8 -> CHW
                                      transforms.Normalize(0.5, 0.5)])  # float in [0,1]
    train = Digits(train=True).transform_first(transformer)

The array maths uses registry ops (transpose, Cast, flip ...); resizing uses Pillow.
Random transforms draw from ``mx.random`` (reseed with ``mx.random.seed``).
"""
import numpy as np

from .... import ndarray
from ...block import Block
from ...hybrid_block import HybridBlock
from ...nn.basic_layers import Sequential

__all__ = ["Compose", "Cast", "ToTensor", "Normalize", "Resize", "CenterCrop",
           "RandomResizedCrop", "RandomFlipLeftRight", "RandomFlipTopBottom"]


class Compose(Sequential):
    """Apply transforms one after the other."""

    def __init__(self, transforms):
        super().__init__()
        with self.name_scope():
            for transform in transforms:
                self.add(transform)


class Cast(HybridBlock):
    """Change the dtype (default float32)."""

    def __init__(self, dtype="float32"):
        super().__init__()
        self._dtype = dtype

    def hybrid_forward(self, F, *args):
        if len(args) == 1:
            return F.cast(args[0], dtype=self._dtype)
        return tuple(F.cast(x, dtype=self._dtype) for x in args)


class ToTensor(HybridBlock):
    """(H, W, C) uint8 in [0, 255] -> (C, H, W) float32 in [0, 1] (also for a batch
    (N, H, W, C) -> (N, C, H, W))."""

    def hybrid_forward(self, F, x):
        axes = (2, 0, 1) if len(x.shape) == 3 else (0, 3, 1, 2)
        return F.transpose(F.cast(x, dtype="float32"), axes=axes) / 255.0


class Normalize(Block):
    """``(x - mean) / std`` per channel of a (C, H, W) or (N, C, H, W) float tensor.

    ``mean`` and ``std`` are numbers or one value per channel.
    """

    def __init__(self, mean=0.0, std=1.0):
        super().__init__()
        self._mean = mean
        self._std = std

    def _per_channel(self, value, x):
        if isinstance(value, (int, float)):
            return value
        shape = (-1, 1, 1) if x.ndim == 3 else (1, -1, 1, 1)
        return ndarray.array(value, ctx=x.context, dtype=x.dtype).reshape(shape)

    def forward(self, x):
        return (x - self._per_channel(self._mean, x)) / self._per_channel(self._std, x)


def _resize_hwc(image, width, height):
    """Bilinear resize of an HWC NDArray with Pillow (channel by channel, in float)."""
    from PIL import Image
    pixels = image.asnumpy()
    channels = []
    for channel in range(pixels.shape[2]):
        plane = Image.fromarray(pixels[:, :, channel].astype(np.float32), mode="F")
        channels.append(np.asarray(plane.resize((width, height), Image.BILINEAR)))
    resized = np.stack(channels, axis=2)
    if np.issubdtype(pixels.dtype, np.integer):
        resized = np.clip(np.round(resized), 0, np.iinfo(pixels.dtype).max)
    return ndarray.array(resized, ctx=image.context, dtype=pixels.dtype)


class Resize(Block):
    """Resize an HWC image to ``size`` = ``(width, height)`` (an int means square).

    With ``keep_ratio`` and an int size, the shorter side becomes ``size``.

    Differs from MXNet: uses Pillow's bilinear filter, not OpenCV's, so resized pixel
    values differ slightly; ``interpolation`` is accepted and ignored.
    """

    def __init__(self, size, keep_ratio=False, interpolation=1):
        super().__init__()
        self._size = size
        self._keep_ratio = keep_ratio

    def forward(self, x):
        height, width = x.shape[0], x.shape[1]
        if isinstance(self._size, int):
            if self._keep_ratio:
                scale = self._size / min(height, width)
                return _resize_hwc(x, round(width * scale), round(height * scale))
            return _resize_hwc(x, self._size, self._size)
        return _resize_hwc(x, self._size[0], self._size[1])


class CenterCrop(Block):
    """Crop the central ``size`` = ``(width, height)`` region (resize up first if the
    image is smaller)."""

    def __init__(self, size, interpolation=1):
        super().__init__()
        self._size = (size, size) if isinstance(size, int) else tuple(size)

    def forward(self, x):
        width, height = self._size
        if x.shape[0] < height or x.shape[1] < width:
            x = _resize_hwc(x, max(width, x.shape[1]), max(height, x.shape[0]))
        top = (x.shape[0] - height) // 2
        left = (x.shape[1] - width) // 2
        return x[top:top + height, left:left + width]


class RandomResizedCrop(Block):
    """Crop a random region (``scale`` of the area, aspect ``ratio``) and resize it to
    ``size`` (data augmentation)."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=1):
        super().__init__()
        self._size = (size, size) if isinstance(size, int) else tuple(size)
        self._scale = scale
        self._ratio = ratio

    def forward(self, x):
        height, width = x.shape[0], x.shape[1]
        area = height * width
        for _ in range(10):
            draws = ndarray.random.uniform(shape=(2,)).asnumpy()
            target = area * (self._scale[0]
                             + draws[0] * (self._scale[1] - self._scale[0]))
            log_low, log_high = np.log(self._ratio[0]), np.log(self._ratio[1])
            aspect = np.exp(log_low + draws[1] * (log_high - log_low))
            crop_w = int(round(np.sqrt(target * aspect)))
            crop_h = int(round(np.sqrt(target / aspect)))
            if 0 < crop_w <= width and 0 < crop_h <= height:
                corner = ndarray.random.uniform(shape=(2,)).asnumpy()
                top = int(corner[0] * (height - crop_h + 1))
                left = int(corner[1] * (width - crop_w + 1))
                crop = x[top:top + crop_h, left:left + crop_w]
                return _resize_hwc(crop, self._size[0], self._size[1])
        return CenterCrop(self._size)(x)


class _RandomFlip(Block):
    """Flip along ``_axis`` with probability 1/2 (op ``flip``)."""
    _axis = 1

    def forward(self, x):
        if float(ndarray.random.uniform(shape=(1,)).asscalar()) < 0.5:
            return ndarray.flip(x, axis=self._axis)
        return x


class RandomFlipLeftRight(_RandomFlip):
    """Mirror an HWC image left-right with probability 1/2."""
    _axis = 1


class RandomFlipTopBottom(_RandomFlip):
    """Flip an HWC image upside down with probability 1/2."""
    _axis = 0
