"""Augmenters: callable objects that change one HWC image, and ``CreateAugmenter``,
which lists the usual ones for ``ImageIter``::

    uint8 (H, W, 3) -> ResizeAug -> CenterCropAug / RandomCropAug / RandomSizedCropAug
                    -> HorizontalFlipAug -> CastAug (float32)
                    -> ColorJitterAug -> HueJitterAug -> LightingAug -> RandomGrayAug
                    -> ColorNormalizeAug                          -> float32 (h, w, 3)

Each augmenter is written, as in MXNet, with ``nd`` operators on the image (scalar
multiplies, ``dot`` with a 3 x 3 color matrix, ``flip``), and its random draws come
from Python's ``random`` (NumPy's for ``LightingAug``), so with the same seeds dlkit
reproduces MXNet's numbers. Several work **in place** (``src *= alpha``), as in
MXNet: ``CreateAugmenter`` puts ``CastAug`` first, which makes a new array.

Why not the ``_image_random_*`` operators? MXNet's augmenters do other arithmetic:
saturation blends with the full gray value (the operator uses only ``0.114 * B``),
hue turns colors in YIQ space (the operator in HLS), a uint8 image keeps uint8
scalar arithmetic, and the operators draw from ``mx.random`` instead of ``random``.
"""
import json
import random
import warnings

import numpy as np

from .. import ndarray as nd
from ..ndarray import NDArray
from .image import (_get_interp_method, center_crop, color_normalize, imresize,
                    random_crop, random_size_crop, resize_short)

__all__ = ["Augmenter", "SequentialAug", "RandomOrderAug", "ResizeAug",
           "ForceResizeAug", "RandomCropAug", "RandomSizedCropAug", "CenterCropAug",
           "BrightnessJitterAug", "ContrastJitterAug", "SaturationJitterAug",
           "HueJitterAug", "ColorJitterAug", "LightingAug", "ColorNormalizeAug",
           "RandomGrayAug", "HorizontalFlipAug", "CastAug", "CreateAugmenter"]

# RGB -> gray weights (ITU-R BT.601), shaped to broadcast over an HWC image
_GRAY = [[[0.299, 0.587, 0.114]]]


class Augmenter:
    """Base class: an augmenter is called on an image and returns the new image.

    ``dumps()`` describes it as JSON: ``[lowercase class name, its arguments]``.
    """

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        for key, value in self._kwargs.items():
            if isinstance(value, NDArray):
                value = value.asnumpy()
            if isinstance(value, np.ndarray):
                self._kwargs[key] = value.tolist()

    def dumps(self):
        """The augmenter as a JSON string."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, src):
        raise NotImplementedError("Must override implementation.")


class SequentialAug(Augmenter):
    """Apply the augmenters ``ts`` one after another."""

    def __init__(self, ts):
        super().__init__()
        self.ts = ts

    def dumps(self):
        """``[name, [each augmenter's dumps()]]`` (a list, not a string)."""
        return [self.__class__.__name__.lower(), [aug.dumps() for aug in self.ts]]

    def __call__(self, src):
        for aug in self.ts:
            src = aug(src)
        return src


class RandomOrderAug(Augmenter):
    """Apply the augmenters ``ts`` in a random order (``ts`` is shuffled in place)."""

    def __init__(self, ts):
        super().__init__()
        self.ts = ts

    def dumps(self):
        """``[name, [each augmenter's dumps()]]`` (a list, not a string)."""
        return [self.__class__.__name__.lower(), [aug.dumps() for aug in self.ts]]

    def __call__(self, src):
        random.shuffle(self.ts)
        for aug in self.ts:
            src = aug(src)
        return src


# --------------------------------------------------------------------------------------
# Geometry.
# --------------------------------------------------------------------------------------
class ResizeAug(Augmenter):
    """Resize the shorter side to ``size`` (``resize_short``)."""

    def __init__(self, size, interp=2):
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src):
        return resize_short(src, self.size, self.interp)


class ForceResizeAug(Augmenter):
    """Resize to ``size`` (width, height), whatever the aspect ratio."""

    def __init__(self, size, interp=2):
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src):
        sizes = (src.shape[0], src.shape[1], self.size[1], self.size[0])
        return imresize(src, *self.size, interp=_get_interp_method(self.interp, sizes))


class RandomCropAug(Augmenter):
    """Crop ``size`` (width, height) at a random place (``random_crop``)."""

    def __init__(self, size, interp=2):
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src):
        return random_crop(src, self.size, self.interp)[0]


class RandomSizedCropAug(Augmenter):
    """Crop a box of random area and aspect ratio, resized to ``size``
    (``random_size_crop``)."""

    def __init__(self, size, area, ratio, interp=2, **kwargs):
        super().__init__(size=size, area=area, ratio=ratio, interp=interp)
        self.size = size
        if "min_area" in kwargs:
            warnings.warn("`min_area` is deprecated. Please use `area` instead.",
                          DeprecationWarning)
            self.area = kwargs.pop("min_area")
        else:
            self.area = area
        self.ratio = ratio
        self.interp = interp
        if kwargs:
            raise AssertionError("unexpected keyword arguments for "
                                 f"`RandomSizedCropAug`: {sorted(kwargs)}")

    def __call__(self, src):
        return random_size_crop(src, self.size, self.area, self.ratio,
                                self.interp)[0]


class CenterCropAug(Augmenter):
    """Crop ``size`` (width, height) from the center (``center_crop``)."""

    def __init__(self, size, interp=2):
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src):
        return center_crop(src, self.size, self.interp)[0]


class HorizontalFlipAug(Augmenter):
    """Mirror left-right with probability ``p``."""

    def __init__(self, p):
        super().__init__(p=p)
        self.p = p

    def __call__(self, src):
        if random.random() < self.p:
            src = nd.flip(src, axis=1)
        return src


class CastAug(Augmenter):
    """Cast to ``typ`` (float32): a new array, so later augmenters may work in
    place."""

    def __init__(self, typ="float32"):
        super().__init__(type=typ)
        self.typ = typ

    def __call__(self, src):
        return src.astype(self.typ)


# --------------------------------------------------------------------------------------
# Color (on float images; a uint8 image would keep uint8 scalar arithmetic).
# --------------------------------------------------------------------------------------
class BrightnessJitterAug(Augmenter):
    """``src * alpha`` with ``alpha = 1 + uniform(-brightness, brightness)``, in
    place."""

    def __init__(self, brightness):
        super().__init__(brightness=brightness)
        self.brightness = brightness

    def __call__(self, src):
        alpha = 1.0 + random.uniform(-self.brightness, self.brightness)
        src *= alpha
        return src


class ContrastJitterAug(Augmenter):
    """Blend with the mean gray value: ``src * alpha + mean_gray * (1 - alpha)``,
    ``alpha = 1 + uniform(-contrast, contrast)``, in place."""

    def __init__(self, contrast):
        super().__init__(contrast=contrast)
        self.contrast = contrast
        self.coef = nd.array(_GRAY)

    def __call__(self, src):
        alpha = 1.0 + random.uniform(-self.contrast, self.contrast)
        weighted = src * self.coef
        # mean gray = sum of the weighted channels / (H * W) = 3 * sum / size
        gray = (3.0 * (1.0 - alpha) / weighted.size) * nd.sum(weighted)
        src *= alpha
        src += gray
        return src


class SaturationJitterAug(Augmenter):
    """Blend each pixel with its gray value: ``src * alpha + gray * (1 - alpha)``,
    ``alpha = 1 + uniform(-saturation, saturation)``, in place."""

    def __init__(self, saturation):
        super().__init__(saturation=saturation)
        self.saturation = saturation
        self.coef = nd.array(_GRAY)

    def __call__(self, src):
        alpha = 1.0 + random.uniform(-self.saturation, self.saturation)
        gray = nd.sum(src * self.coef, axis=2, keepdims=True)
        gray *= (1.0 - alpha)
        src *= alpha
        src += gray
        return src


class HueJitterAug(Augmenter):
    """Turn the hue by ``uniform(-hue, hue)`` half-turns, approximately: go to YIQ
    color space, rotate the (I, Q) plane, come back. The three steps are one 3 x 3
    matrix, applied to every pixel with ``dot``."""

    def __init__(self, hue):
        super().__init__(hue=hue)
        self.hue = hue
        self.tyiq = np.array([[0.299, 0.587, 0.114],
                              [0.596, -0.274, -0.321],
                              [0.211, -0.523, 0.311]])
        self.ityiq = np.array([[1.0, 0.956, 0.621],
                               [1.0, -0.272, -0.647],
                               [1.0, -1.107, 1.705]])

    def __call__(self, src):
        alpha = random.uniform(-self.hue, self.hue)
        cos, sin = np.cos(alpha * np.pi), np.sin(alpha * np.pi)
        rotation = np.array([[1.0, 0.0, 0.0],
                             [0.0, cos, -sin],
                             [0.0, sin, cos]])
        # pixels are rows, so the matrix acts from the right: transpose it
        matrix = np.dot(np.dot(self.ityiq, rotation), self.tyiq).T
        return nd.dot(src, nd.array(matrix))


class ColorJitterAug(RandomOrderAug):
    """Brightness, contrast and saturation jitter (those > 0), in a random order."""

    def __init__(self, brightness, contrast, saturation):
        augs = []
        if brightness > 0:
            augs.append(BrightnessJitterAug(brightness))
        if contrast > 0:
            augs.append(ContrastJitterAug(contrast))
        if saturation > 0:
            augs.append(SaturationJitterAug(saturation))
        super().__init__(augs)


class LightingAug(Augmenter):
    """AlexNet's PCA noise: add ``eigvec @ (alpha * eigval)`` to every pixel, with
    ``alpha ~ normal(0, alphastd)`` per component (NumPy's global random state), in
    place. (``mx.nd.image.adjust_lighting`` is the same sum for ImageNet's fixed
    ``eigval``/``eigvec``, computed in float32.)"""

    def __init__(self, alphastd, eigval, eigvec):
        super().__init__(alphastd=alphastd, eigval=eigval, eigvec=eigvec)
        self.alphastd = alphastd
        self.eigval = eigval
        self.eigvec = eigvec

    def __call__(self, src):
        alpha = np.random.normal(0, self.alphastd, size=(3,))
        rgb = np.dot(self.eigvec * alpha, self.eigval)
        src += nd.array(rgb)
        return src


class ColorNormalizeAug(Augmenter):
    """``(src - mean) / std`` in place (``color_normalize``)."""

    def __init__(self, mean, std):
        super().__init__(mean=mean, std=std)
        self.mean = mean if mean is None or isinstance(mean, NDArray) \
            else nd.array(mean)
        self.std = std if std is None or isinstance(std, NDArray) else nd.array(std)

    def __call__(self, src):
        return color_normalize(src, self.mean, self.std)


class RandomGrayAug(Augmenter):
    """With probability ``p`` replace every channel by the gray value
    ``0.21 R + 0.72 G + 0.07 B`` (the image keeps its 3 channels)."""

    def __init__(self, p):
        super().__init__(p=p)
        self.p = p
        self.mat = nd.array([[0.21, 0.21, 0.21],
                             [0.72, 0.72, 0.72],
                             [0.07, 0.07, 0.07]])

    def __call__(self, src):
        if random.random() < self.p:
            src = nd.dot(src, self.mat)
        return src


# --------------------------------------------------------------------------------------
# The usual list.
# --------------------------------------------------------------------------------------
_IMAGENET_EIGVAL = np.array([55.46, 4.794, 1.148])
_IMAGENET_EIGVEC = np.array([[-0.5675, 0.7192, 0.4009],
                             [-0.5808, -0.0045, -0.8140],
                             [-0.5836, -0.6948, 0.4203]])
_IMAGENET_MEAN = [123.68, 116.28, 103.53]   # RGB, what mean=True / std=True mean
_IMAGENET_STD = [58.395, 57.12, 57.375]


def _check_stats(name, value, default):
    """``True`` means ImageNet's values; otherwise 1 or 3 values, or None."""
    if value is True:
        return nd.array(default)
    if value is not None and not (isinstance(value, (np.ndarray, NDArray))
                                  and value.shape[0] in (1, 3)):
        raise AssertionError(f"CreateAugmenter: {name} must be True, None or a "
                             f"numpy.ndarray/NDArray of 1 or 3 values, got {value!r}")
    return value


def CreateAugmenter(data_shape, resize=0, rand_crop=False, rand_resize=False,
                    rand_mirror=False, mean=None, std=None, brightness=0, contrast=0,
                    saturation=0, hue=0, pca_noise=0, rand_gray=0, inter_method=2):
    """The usual augmenter list for images of ``data_shape`` (channels, height,
    width), in the order of the module docstring.

    Parameters
    ----------
    data_shape : tuple of int
        Output shape (C, H, W).
    resize : int
        Resize the shorter side to this first (if > 0).
    rand_crop, rand_resize : bool
        Crop at a random place (instead of the center); also with random area
        (8% to 100%) and aspect ratio (3/4 to 4/3), which needs ``rand_crop``.
    rand_mirror : bool
        Mirror left-right half of the time.
    mean, std : True, numpy.ndarray, NDArray or None
        Per-channel normalization; True means ImageNet's RGB statistics.
    brightness, contrast, saturation, hue, pca_noise, rand_gray : float
        Jitter amounts (0: off).
    inter_method : int
        Interpolation for every resize (see ``imresize``; 9 and 10 choose).

    Returns
    -------
    list of Augmenter

    Example
    -------
    >>> augs = mx.image.CreateAugmenter((3, 224, 224), rand_mirror=True, mean=True)
    >>> augs[0].dumps()
    '["centercropaug", {"size": [224, 224], "interp": 2}]'
    >>> augs[1].dumps()
    '["horizontalflipaug", {"p": 0.5}]'
    """
    augs = []
    if resize > 0:
        augs.append(ResizeAug(resize, inter_method))
    crop_size = (data_shape[2], data_shape[1])
    if rand_resize:
        if not rand_crop:
            raise AssertionError("CreateAugmenter: rand_resize needs rand_crop=True")
        augs.append(RandomSizedCropAug(crop_size, 0.08, (3.0 / 4.0, 4.0 / 3.0),
                                       inter_method))
    elif rand_crop:
        augs.append(RandomCropAug(crop_size, inter_method))
    else:
        augs.append(CenterCropAug(crop_size, inter_method))
    if rand_mirror:
        augs.append(HorizontalFlipAug(0.5))
    augs.append(CastAug())
    if brightness or contrast or saturation:
        augs.append(ColorJitterAug(brightness, contrast, saturation))
    if hue:
        augs.append(HueJitterAug(hue))
    if pca_noise > 0:
        augs.append(LightingAug(pca_noise, _IMAGENET_EIGVAL, _IMAGENET_EIGVEC))
    if rand_gray > 0:
        augs.append(RandomGrayAug(rand_gray))
    mean = _check_stats("mean", mean, _IMAGENET_MEAN)
    std = _check_stats("std", std, _IMAGENET_STD)
    if mean is not None or std is not None:
        augs.append(ColorNormalizeAug(mean, std))
    return augs
