"""Image transforms: Blocks that turn one HWC image into what a network eats.

A typical chain, applied to the data of each sample::

    transformer = transforms.Compose([transforms.Resize(32),
                                      transforms.ToTensor(),          # HWC uint8 -> CHW
                                      transforms.Normalize(0.5, 0.5)])  # float in [0,1]
    train = Digits(train=True).transform_first(transformer)

Each transform calls an image operator (``F.image.resize``, ``F.image.to_tensor``,
``F.image.random_brightness`` ... in ``dlkit/ops/image.py``); the HybridBlocks work on
NDArrays and, hybridized, on Symbols. Random transforms draw from ``mx.random``
(reseed with ``mx.random.seed``).
"""
import math

import numpy as np

from .... import ndarray
from ....image.image import imrotate
from ...block import Block
from ...hybrid_block import HybridBlock
from ...nn.basic_layers import Sequential

__all__ = ["Compose", "Cast", "ToTensor", "Normalize", "Resize", "CenterCrop",
           "CropResize", "RandomResizedCrop", "RandomFlipLeftRight",
           "RandomFlipTopBottom", "RandomBrightness", "RandomContrast",
           "RandomSaturation", "RandomHue", "RandomColorJitter", "RandomLighting",
           "RandomApply", "Rotate", "RandomRotation"]


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
    """(H, W, C) image in [0, 255] -> (C, H, W) float32 in [0, 1] (a batch (N, H, W, C)
    -> (N, C, H, W)); op ``image.to_tensor``."""

    def hybrid_forward(self, F, x):
        return F.image.to_tensor(x)


class Normalize(HybridBlock):
    """``(x - mean) / std`` per channel of a (C, H, W) or (N, C, H, W) float tensor with
    1 or 3 channels (op ``image.normalize``).

    ``mean`` and ``std`` are numbers or one value per channel.
    """

    def __init__(self, mean=0.0, std=1.0):
        super().__init__()
        self._mean = mean
        self._std = std

    def hybrid_forward(self, F, x):
        return F.image.normalize(x, mean=self._mean, std=self._std)


def _pair(size):
    """``(width, height)`` from one int or a pair."""
    return (size, size) if isinstance(size, int) else tuple(size)


def _crop_resize(image, x, y, width, height, size, interpolation):
    """Crop a box, then resize it to ``size = (width, height)`` unless it has that
    size already."""
    out = ndarray.image.crop(image, x=x, y=y, width=width, height=height)
    if (width, height) != tuple(size):
        out = ndarray.image.resize(out, size=size, interp=interpolation)
    return out


class Resize(HybridBlock):
    """Resize an (N)HWC image to ``size`` = ``(width, height)`` (an int means square),
    with OpenCV's bilinear filter by default (op ``image.resize``).

    With ``keep_ratio`` and an int size, the shorter side becomes ``size``.
    ``interpolation``: 1 bilinear, 0 nearest (dlkit has no other filter).
    """

    def __init__(self, size, keep_ratio=False, interpolation=1):
        super().__init__()
        self._size = size
        self._keep = keep_ratio
        self._interpolation = interpolation

    def hybrid_forward(self, F, x):
        return F.image.resize(x, size=self._size, keep_ratio=self._keep,
                              interp=self._interpolation)


class CropResize(HybridBlock):
    """Crop the ``width`` x ``height`` box at column ``x``, row ``y`` of an (N)HWC
    image, then resize it to ``size`` if given (ops ``image.crop``, ``image.resize``).

    Differs from MXNet: ``interpolation=None`` means bilinear (MXNet 1.9.1 fails on
    it when ``size`` is given).
    """

    def __init__(self, x, y, width, height, size=None, interpolation=None):
        super().__init__()
        self._box = (x, y, width, height)
        self._size = size
        self._interpolation = 1 if interpolation is None else interpolation

    def hybrid_forward(self, F, x):
        left, top, width, height = self._box
        out = F.image.crop(x, x=left, y=top, width=width, height=height)
        if self._size:
            out = F.image.resize(out, size=self._size, interp=self._interpolation)
        return out


class CenterCrop(Block):
    """Crop the centre of an HWC image to ``size`` = ``(width, height)``.

    An image smaller than ``size`` gives the largest central box with the aspect ratio
    of ``size``, resized up to ``size``, as MXNet's ``image.center_crop`` does.
    """

    def __init__(self, size, interpolation=1):
        super().__init__()
        self._size = _pair(size)
        self._interpolation = interpolation

    def forward(self, x):
        height, width = x.shape[0], x.shape[1]
        crop_w, crop_h = self._size
        if crop_h > height:                 # shrink the box, keeping its aspect
            crop_w, crop_h = crop_w * height / crop_h, height
        if crop_w > width:
            crop_w, crop_h = width, crop_h * width / crop_w
        crop_w, crop_h = int(crop_w), int(crop_h)
        left, top = (width - crop_w) // 2, (height - crop_h) // 2
        return _crop_resize(x, left, top, crop_w, crop_h, self._size,
                            self._interpolation)


class RandomResizedCrop(Block):
    """Crop a random box (``scale``: its share of the area; ``ratio``: its aspect
    ratio, drawn on a log scale) and resize it to ``size`` (data augmentation).

    After 10 draws that do not fit in the image, falls back to ``CenterCrop``.
    """

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=1):
        super().__init__()
        self._size = _pair(size)
        self._scale = (scale, 1.0) if isinstance(scale, (int, float)) else scale
        self._ratio = ratio
        self._interpolation = interpolation

    def forward(self, x):
        height, width = x.shape[0], x.shape[1]
        for _ in range(10):
            draws = ndarray.random.uniform(shape=(2,)).asnumpy()
            area = height * width * (self._scale[0]
                                     + draws[0] * (self._scale[1] - self._scale[0]))
            log_low, log_high = math.log(self._ratio[0]), math.log(self._ratio[1])
            aspect = math.exp(log_low + draws[1] * (log_high - log_low))
            crop_w = int(round(math.sqrt(area * aspect)))
            crop_h = int(round(math.sqrt(area / aspect)))
            if 0 < crop_w <= width and 0 < crop_h <= height:
                corner = ndarray.random.uniform(shape=(2,)).asnumpy()
                top = int(corner[0] * (height - crop_h + 1))
                left = int(corner[1] * (width - crop_w + 1))
                return _crop_resize(x, left, top, crop_w, crop_h, self._size,
                                    self._interpolation)
        return CenterCrop(self._size, self._interpolation)(x)


class RandomFlipLeftRight(HybridBlock):
    """Mirror an HWC image left-right with probability 1/2
    (op ``image.random_flip_left_right``)."""

    def hybrid_forward(self, F, x):
        return F.image.random_flip_left_right(x)


class RandomFlipTopBottom(HybridBlock):
    """Flip an HWC image upside down with probability 1/2
    (op ``image.random_flip_top_bottom``)."""

    def hybrid_forward(self, F, x):
        return F.image.random_flip_top_bottom(x)


class _RandomFactor(HybridBlock):
    """Scale one color property of an HWC image by a factor drawn uniformly from
    ``[max(0, 1 - amount), 1 + amount]``."""
    _op_name = None

    def __init__(self, amount):
        super().__init__()
        self._factors = (max(0, 1 - amount), 1 + amount)

    def hybrid_forward(self, F, x):
        low, high = self._factors
        return getattr(F.image, self._op_name)(x, min_factor=low, max_factor=high)


class RandomBrightness(_RandomFactor):
    """Multiply an HWC image by a factor in ``[max(0, 1 - brightness),
    1 + brightness]`` (op ``image.random_brightness``)."""
    _op_name = "random_brightness"


class RandomContrast(_RandomFactor):
    """Blend an HWC image with its mean gray value, factor in ``[max(0, 1 -
    contrast), 1 + contrast]`` (op ``image.random_contrast``)."""
    _op_name = "random_contrast"


class RandomSaturation(_RandomFactor):
    """Blend each pixel with its gray value, factor in ``[max(0, 1 - saturation),
    1 + saturation]`` (op ``image.random_saturation``)."""
    _op_name = "random_saturation"


class RandomHue(_RandomFactor):
    """Turn the hue by a factor in ``[max(0, 1 - hue), 1 + hue]`` turns (a factor
    near 1 is a small turn either way; op ``image.random_hue``)."""
    _op_name = "random_hue"


class RandomColorJitter(HybridBlock):
    """Randomly change brightness, contrast, saturation and hue of an HWC image
    (op ``image.random_color_jitter``; an amount of 0 leaves that property alone)."""

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        super().__init__()
        self._amounts = {"brightness": brightness, "contrast": contrast,
                         "saturation": saturation, "hue": hue}

    def hybrid_forward(self, F, x):
        return F.image.random_color_jitter(x, **self._amounts)


class RandomLighting(HybridBlock):
    """Add AlexNet-style PCA lighting noise of strength ``alpha`` to an HWC image
    (op ``image.random_lighting``)."""

    def __init__(self, alpha):
        super().__init__()
        self._alpha = alpha

    def hybrid_forward(self, F, x):
        return F.image.random_lighting(x, alpha_std=self._alpha)


class RandomApply(Sequential):
    """Apply ``transforms`` (one Block) with probability ``p``, else return the input
    unchanged."""

    def __init__(self, transforms, p=0.5):
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, x):
        if self.p < float(ndarray.random.uniform(shape=(1,)).asscalar()):
            return x
        return self.transforms(x)


class Rotate(Block):
    """Turn a CHW image (or an NCHW batch) by ``rotation_degrees`` counter-clockwise
    about its centre, keeping its shape; corners that come from outside are 0.

    ``zoom_in`` zooms until no such padding shows; ``zoom_out`` until the whole
    turned image fits. float32 data only (use it after ``ToTensor``).

    Example
    -------
    >>> image = mx.nd.ones((3, 4, 4))
    >>> transforms.Rotate(90)(image).shape
    (3, 4, 4)
    """

    def __init__(self, rotation_degrees, zoom_in=False, zoom_out=False):
        super().__init__()
        self._args = (rotation_degrees, zoom_in, zoom_out)

    def forward(self, x):
        if x.dtype != np.float32:
            raise TypeError("This transformation only supports float32. "
                            "Consider calling it after ToTensor")
        return imrotate(x, *self._args)


class RandomRotation(Block):
    """With probability ``rotate_with_proba``, turn a CHW image (or each image of an
    NCHW batch) by an angle drawn uniformly from ``angle_limits = (lower, upper)``
    degrees, as ``Rotate`` does.

    Example
    -------
    >>> transforms.RandomRotation((-30, 30))(mx.nd.ones((1, 5, 5))).shape
    (1, 5, 5)
    """

    def __init__(self, angle_limits, zoom_in=False, zoom_out=False,
                 rotate_with_proba=1.0):
        super().__init__()
        lower, upper = angle_limits
        if lower >= upper:
            raise ValueError("`angle_limits` must be an ordered tuple")
        if rotate_with_proba < 0 or rotate_with_proba > 1:
            raise ValueError("Probability of rotating the image should be between "
                             "0 and 1")
        self._args = (angle_limits, zoom_in, zoom_out)
        self._rotate_with_proba = rotate_with_proba

    def forward(self, x):
        if float(ndarray.random.uniform(shape=(1,)).asscalar()) > \
                self._rotate_with_proba:
            return x
        if x.dtype != np.float32:
            raise TypeError("This transformation only supports float32. "
                            "Consider calling it after ToTensor")
        (lower, upper), zoom_in, zoom_out = self._args
        count = 1 if x.ndim == 3 else x.shape[0]
        degrees = ndarray.random.uniform(lower, upper, shape=(count,)).asnumpy()
        if x.ndim == 3:
            degrees = float(degrees[0])
        return imrotate(x, degrees, zoom_in, zoom_out)
