"""Detection augmenters: each is called as ``aug(image, label) -> (image, label)``
with ``label`` the ``(objects, object_width)`` NumPy rows ``id, xmin, ymin, xmax,
ymax, ...`` (coordinates are fractions of the image's width and height).

Crops, pads and flips change both image and boxes; ``DetBorrowAug`` wraps a
classification augmenter that leaves boxes alone (resize, color).
``CreateDetAugmenter`` lists the usual ones::

    ResizeAug -> random crop (one of several, or none) -> mirror -> random pad
      -> ForceResizeAug (data_shape) -> CastAug -> color jitters -> ColorNormalizeAug

Random draws use Python's ``random`` (``LightingAug``: NumPy's), in MXNet's order,
so with the same seeds dlkit crops, pads and flips exactly as MXNet does.
"""
import json
import logging
import math
import random

import numpy as np

from .. import ndarray as nd
from .augmenters import (_IMAGENET_EIGVAL, _IMAGENET_EIGVEC, _IMAGENET_MEAN,
                         _IMAGENET_STD, Augmenter, CastAug, ColorJitterAug,
                         ColorNormalizeAug, ForceResizeAug, HueJitterAug, LightingAug,
                         RandomGrayAug, ResizeAug)
from .image import copyMakeBorder, fixed_crop, numeric_types

__all__ = ["DetAugmenter", "DetBorrowAug", "DetRandomSelectAug",
           "DetHorizontalFlipAug", "DetRandomCropAug", "DetRandomPadAug",
           "CreateMultiRandCropAugmenter", "CreateDetAugmenter"]


class DetAugmenter:
    """Base class: called as ``aug(src, label)``, returns ``(src, label)``.

    ``dumps()`` describes it as JSON: ``[lowercase class name, its arguments]``.
    """

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        for key, value in self._kwargs.items():
            if isinstance(value, nd.NDArray):
                value = value.asnumpy()
            if isinstance(value, np.ndarray):
                self._kwargs[key] = value.tolist()

    def dumps(self):
        """The augmenter as a JSON string."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, src, label):
        raise NotImplementedError("Must override implementation.")


class DetBorrowAug(DetAugmenter):
    """Run a classification ``Augmenter`` on the image; the label passes unchanged
    (right for resizing and color changes, since boxes are fractions)."""

    def __init__(self, augmenter):
        if not isinstance(augmenter, Augmenter):
            raise TypeError("Borrowing from invalid Augmenter")
        super().__init__(augmenter=augmenter.dumps())
        self.augmenter = augmenter

    def dumps(self):
        """``[name, the borrowed augmenter's dumps()]`` (a list, not a string)."""
        return [self.__class__.__name__.lower(), self.augmenter.dumps()]

    def __call__(self, src, label):
        return self.augmenter(src), label


class DetRandomSelectAug(DetAugmenter):
    """With probability ``skip_prob`` change nothing; otherwise shuffle ``aug_list``
    (in place, Python's ``random``) and apply its first augmenter. An empty list
    always skips."""

    def __init__(self, aug_list, skip_prob=0):
        super().__init__(skip_prob=skip_prob)
        if not isinstance(aug_list, (list, tuple)):
            aug_list = [aug_list]
        for aug in aug_list:
            if not isinstance(aug, DetAugmenter):
                raise ValueError("Allow DetAugmenter in list only")
        self.aug_list = aug_list
        self.skip_prob = skip_prob if aug_list else 1

    def dumps(self):
        """``[name, [each augmenter's dumps()]]`` (a list, not a string)."""
        return [self.__class__.__name__.lower(), [aug.dumps() for aug in self.aug_list]]

    def __call__(self, src, label):
        if random.random() < self.skip_prob:
            return src, label
        random.shuffle(self.aug_list)
        return self.aug_list[0](src, label)


class DetHorizontalFlipAug(DetAugmenter):
    """Mirror left-right with probability ``p``; ``xmin, xmax`` become ``1 - xmax,
    1 - xmin`` (the label is changed in place)."""

    def __init__(self, p):
        super().__init__(p=p)
        self.p = p

    def __call__(self, src, label):
        if random.random() < self.p:
            src = nd.flip(src, axis=1)
            new_xmin = 1.0 - label[:, 3]
            label[:, 3] = 1.0 - label[:, 1]
            label[:, 1] = new_xmin
        return src, label


# --------------------------------------------------------------------------------------
# Random crops and pads.
# --------------------------------------------------------------------------------------
def _as_range(name, value, owner):
    """A ``(low, high)`` pair; one number means ``(value, value)``."""
    if isinstance(value, (tuple, list)):
        return value
    if not isinstance(value, numeric_types):
        raise AssertionError(f"{owner}: {name} must be a number or a (low, high) "
                             f"pair, got {value!r}")
    logging.info("Using fixed %s: %s in %s", name, value, owner)
    return (value, value)


def _box_areas(boxes):
    """Areas of ``(xmin, ymin, xmax, ymax, ...)`` rows; inverted boxes count 0."""
    heights = np.maximum(0, boxes[:, 3] - boxes[:, 1])
    widths = np.maximum(0, boxes[:, 2] - boxes[:, 0])
    return heights * widths


def _intersect(boxes, xmin, ymin, xmax, ymax):
    """Each box cut to the window; boxes outside it become all zeros."""
    left = np.maximum(boxes[:, 0], xmin)
    right = np.minimum(boxes[:, 2], xmax)
    top = np.maximum(boxes[:, 1], ymin)
    bottom = np.minimum(boxes[:, 3], ymax)
    out = boxes.copy()
    out[:, 0], out[:, 1], out[:, 2], out[:, 3] = left, top, right, bottom
    out[np.logical_or(left >= right, top >= bottom), :] = 0
    return out


class DetRandomCropAug(DetAugmenter):
    """Crop a random window that keeps enough of every box it touches.

    Up to ``max_attempts`` times: draw an aspect ratio (width / height) uniform in
    ``aspect_ratio_range``, a height so that the area is within ``area_range``
    (fractions of the image) and a position. The window is taken if every box it
    overlaps keeps more than ``min_object_covered`` of its area; boxes then left
    with ``min_eject_coverage`` or less of their area are dropped, and the rest are
    cut to the window and rescaled to it. No window found: nothing changes.

    Differs from MXNet: an invalid range raises ValueError (MXNet 1.9.1 means to
    warn and disable the augmenter, but its ``warnings.warn`` call raises
    TypeError).
    """

    def __init__(self, min_object_covered=0.1, aspect_ratio_range=(0.75, 1.33),
                 area_range=(0.05, 1.0), min_eject_coverage=0.3, max_attempts=50):
        aspect_ratio_range = _as_range("aspect ratio", aspect_ratio_range,
                                       "DetRandomCropAug")
        area_range = _as_range("area range", area_range, "DetRandomCropAug")
        super().__init__(min_object_covered=min_object_covered,
                         aspect_ratio_range=aspect_ratio_range, area_range=area_range,
                         min_eject_coverage=min_eject_coverage,
                         max_attempts=max_attempts)
        self.min_object_covered = min_object_covered
        self.min_eject_coverage = min_eject_coverage
        self.max_attempts = max_attempts
        self.aspect_ratio_range = aspect_ratio_range
        self.area_range = area_range
        if area_range[1] <= 0 or area_range[0] > area_range[1]:
            raise ValueError(f"DetRandomCropAug: invalid area_range {area_range}: "
                             "need 0 < high and low <= high")
        if aspect_ratio_range[0] > aspect_ratio_range[1] or aspect_ratio_range[0] <= 0:
            raise ValueError(f"DetRandomCropAug: invalid aspect_ratio_range "
                             f"{aspect_ratio_range}: need 0 < low <= high")
        self.enabled = True

    def __call__(self, src, label):
        crop = self._random_crop_proposal(label, src.shape[0], src.shape[1])
        if crop:
            x, y, width, height, label = crop
            src = fixed_crop(src, x, y, width, height, None)
        return src, label

    def _check_satisfy_constraints(self, label, xmin, ymin, xmax, ymax, width,
                                   height):
        """Does the window (pixels) keep > min_object_covered of every box it
        touches (and touch one)?"""
        if (xmax - xmin) * (ymax - ymin) < 2:
            return False
        window = (xmin / width, ymin / height, xmax / width, ymax / height)
        areas = _box_areas(label[:, 1:])
        valid = np.where(areas * width * height > 2)[0]
        if valid.size < 1:
            return False
        cut = _intersect(label[valid, 1:], *window)
        coverages = _box_areas(cut) / areas[valid]
        coverages = coverages[coverages > 0]
        return coverages.size > 0 and np.amin(coverages) > self.min_object_covered

    def _update_labels(self, label, crop_box, height, width):
        """Boxes in the crop's coordinates; None if none keeps enough area."""
        xmin, ymin = crop_box[0] / width, crop_box[1] / height
        crop_width, crop_height = crop_box[2] / width, crop_box[3] / height
        out = label.copy()
        out[:, (1, 3)] -= xmin
        out[:, (2, 4)] -= ymin
        out[:, (1, 3)] /= crop_width
        out[:, (2, 4)] /= crop_height
        out[:, 1:5] = np.minimum(1, np.maximum(0, out[:, 1:5]))
        coverage = _box_areas(out[:, 1:]) * crop_width * crop_height \
            / _box_areas(label[:, 1:])
        valid = np.logical_and(out[:, 3] > out[:, 1], out[:, 4] > out[:, 2])
        valid = np.where(np.logical_and(valid, coverage > self.min_eject_coverage))[0]
        if valid.size < 1:
            return None
        return out[valid, :]

    def _crop_size(self, ratio, height, width, min_area, max_area):
        """A random window height, then width = round(height * ratio), nudged so
        the area lands within [min_area, max_area]; None if it cannot."""
        crop_height = int(round(math.sqrt(min_area / ratio)))
        max_height = int(round(math.sqrt(max_area / ratio)))
        if round(max_height * ratio) > width:
            # the largest height whose rounded width still fits
            max_height = int((width + 0.4999999) / ratio)
        max_height = min(max_height, height)
        crop_height = min(crop_height, max_height)
        if crop_height < max_height:
            crop_height = random.randint(crop_height, max_height)
        crop_width = int(round(crop_height * ratio))
        area = crop_width * crop_height
        if area < min_area:
            crop_height += 1
            crop_width = int(round(crop_height * ratio))
            area = crop_width * crop_height
        if area > max_area:
            crop_height -= 1
            crop_width = int(round(crop_height * ratio))
            area = crop_width * crop_height
        if not (min_area <= area <= max_area and 0 <= crop_width <= width
                and 0 <= crop_height <= height):
            return None
        return crop_width, crop_height

    def _random_crop_proposal(self, label, height, width):
        """``(x, y, width, height, new label)`` of an accepted window, or ``()``."""
        if not self.enabled or height <= 0 or width <= 0:
            return ()
        min_area = self.area_range[0] * height * width
        max_area = self.area_range[1] * height * width
        for _ in range(self.max_attempts):
            ratio = random.uniform(*self.aspect_ratio_range)
            if ratio <= 0:
                continue
            size = self._crop_size(ratio, height, width, min_area, max_area)
            if size is None:
                continue
            crop_width, crop_height = size
            y = random.randint(0, max(0, height - crop_height))
            x = random.randint(0, max(0, width - crop_width))
            if self._check_satisfy_constraints(label, x, y, x + crop_width,
                                               y + crop_height, width, height):
                new_label = self._update_labels(label, (x, y, crop_width, crop_height),
                                                height, width)
                if new_label is not None:
                    return (x, y, crop_width, crop_height, new_label)
        return ()


class DetRandomPadAug(DetAugmenter):
    """Put the image at a random place on a larger canvas filled with ``pad_val``
    (``copyMakeBorder``); the canvas has an aspect ratio in ``aspect_ratio_range``
    and ``area_range`` times the image's area (at least 2 pixels more each way).
    Boxes are moved and rescaled to the canvas.

    Differs from MXNet: an invalid range raises ValueError (see
    ``DetRandomCropAug``).
    """

    def __init__(self, aspect_ratio_range=(0.75, 1.33), area_range=(1.0, 3.0),
                 max_attempts=50, pad_val=(128, 128, 128)):
        if not isinstance(pad_val, (list, tuple)) \
                and not isinstance(pad_val, numeric_types):
            raise AssertionError(f"DetRandomPadAug: pad_val must be a number or a "
                                 f"tuple, got {pad_val!r}")
        aspect_ratio_range = _as_range("aspect ratio", aspect_ratio_range,
                                       "DetRandomPadAug")
        area_range = _as_range("area range", area_range, "DetRandomPadAug")
        super().__init__(aspect_ratio_range=aspect_ratio_range, area_range=area_range,
                         max_attempts=max_attempts, pad_val=pad_val)
        self.pad_val = pad_val
        self.aspect_ratio_range = aspect_ratio_range
        self.area_range = area_range
        self.max_attempts = max_attempts
        if area_range[1] <= 1.0 or area_range[0] > area_range[1]:
            raise ValueError(f"DetRandomPadAug: invalid area_range {area_range}: "
                             "need 1 < high and low <= high")
        if aspect_ratio_range[0] <= 0 or aspect_ratio_range[0] > aspect_ratio_range[1]:
            raise ValueError(f"DetRandomPadAug: invalid aspect_ratio_range "
                             f"{aspect_ratio_range}: need 0 < low <= high")
        self.enabled = True

    def __call__(self, src, label):
        height, width, _ = src.shape
        pad = self._random_pad_proposal(label, height, width)
        if pad:
            x, y, canvas_width, canvas_height, label = pad
            values = self.pad_val if isinstance(self.pad_val, (list, tuple)) \
                else (self.pad_val,) * src.shape[2]
            # 16: OpenCV's BORDER_CONSTANT | BORDER_ISOLATED, as MXNet passes it
            src = copyMakeBorder(src, y, canvas_height - y - height, x,
                                 canvas_width - x - width, 16, values=values)
        return src, label

    def _update_labels(self, label, pad_box, height, width):
        """Boxes in the canvas's coordinates."""
        out = label.copy()
        out[:, (1, 3)] = (out[:, (1, 3)] * width + pad_box[0]) / pad_box[2]
        out[:, (2, 4)] = (out[:, (2, 4)] * height + pad_box[1]) / pad_box[3]
        return out

    def _random_pad_proposal(self, label, height, width):
        """``(x, y, canvas width, canvas height, new label)``, or ``()``."""
        if not self.enabled or height <= 0 or width <= 0:
            return ()
        min_area = self.area_range[0] * height * width
        max_area = self.area_range[1] * height * width
        for _ in range(self.max_attempts):
            ratio = random.uniform(*self.aspect_ratio_range)
            if ratio <= 0:
                continue
            canvas_height = int(round(math.sqrt(min_area / ratio)))
            max_height = int(round(math.sqrt(max_area / ratio)))
            if round(canvas_height * ratio) < width:
                canvas_height = int((width + 0.499999) / ratio)
            canvas_height = min(max(canvas_height, height), max_height)
            if canvas_height < max_height:
                canvas_height = random.randint(canvas_height, max_height)
            canvas_width = int(round(canvas_height * ratio))
            if canvas_height - height < 2 or canvas_width - width < 2:
                continue   # a border this thin does not help
            y = random.randint(0, max(0, canvas_height - height))
            x = random.randint(0, max(0, canvas_width - width))
            box = (x, y, canvas_width, canvas_height)
            return box + (self._update_labels(label, box, height, width),)
        return ()


def _align_parameters(params):
    """Each parameter as a list of the same length (one value is repeated)."""
    lists = [p if isinstance(p, list) else [p] for p in params]
    count = max(len(p) for p in lists)
    for position, values in enumerate(lists):
        if len(values) != count:
            if len(values) != 1:
                raise AssertionError(f"CreateMultiRandCropAugmenter: parameter lists "
                                     f"must have 1 or {count} values, got {values}")
            lists[position] = values * count
    return lists


def CreateMultiRandCropAugmenter(min_object_covered=0.1,
                                 aspect_ratio_range=(0.75, 1.33),
                                 area_range=(0.05, 1.0), min_eject_coverage=0.3,
                                 max_attempts=50, skip_prob=0):
    """Several ``DetRandomCropAug``, one picked at random per image
    (``DetRandomSelectAug``). Each argument is one value for all of them or a list
    with one value per augmenter (a range is a tuple, a list of ranges a list).

    Example
    -------
    >>> aug = mx.image.CreateMultiRandCropAugmenter(min_object_covered=[0.1, 0.5])
    >>> len(aug.aug_list)
    2
    """
    aligned = _align_parameters([min_object_covered, aspect_ratio_range, area_range,
                                 min_eject_coverage, max_attempts])
    augs = [DetRandomCropAug(min_object_covered=covered, aspect_ratio_range=ratios,
                             area_range=areas, min_eject_coverage=eject,
                             max_attempts=attempts)
            for covered, ratios, areas, eject, attempts in zip(*aligned)]
    return DetRandomSelectAug(augs, skip_prob=skip_prob)


def _check_stats(name, value, default):
    """``True`` means ImageNet's values; otherwise a NumPy array of 1 or 3, or
    None."""
    if value is True:
        return np.array(default)
    if value is not None and not (isinstance(value, np.ndarray)
                                  and value.shape[0] in (1, 3)):
        raise AssertionError(f"CreateDetAugmenter: {name} must be True, None or a "
                             f"numpy.ndarray of 1 or 3 values, got {value!r}")
    return value


def CreateDetAugmenter(data_shape, resize=0, rand_crop=0, rand_pad=0, rand_gray=0,
                       rand_mirror=False, mean=None, std=None, brightness=0,
                       contrast=0, saturation=0, pca_noise=0, hue=0, inter_method=2,
                       min_object_covered=0.1, aspect_ratio_range=(0.75, 1.33),
                       area_range=(0.05, 3.0), min_eject_coverage=0.3,
                       max_attempts=50, pad_val=(127, 127, 127)):
    """The usual detection augmenter list, in the order of the module docstring.

    Parameters
    ----------
    data_shape : tuple of int
        Output shape (C, H, W).
    resize : int
        Resize the shorter side to this first (if > 0).
    rand_crop, rand_pad : float
        Probability of a random crop (``CreateMultiRandCropAugmenter``) and of a
        random pad (``DetRandomPadAug``, area up to ``area_range[1]``).
    rand_gray : float
        Probability of turning the image gray.
    rand_mirror : bool
        Mirror half of the time.
    mean, std : True, numpy.ndarray or None
        Per-channel normalization; True means ImageNet's RGB statistics.
    brightness, contrast, saturation, pca_noise, hue : float
        Jitter amounts (0: off).
    inter_method : int
        Interpolation for the resizes (see ``imresize``).
    min_object_covered, aspect_ratio_range, area_range, min_eject_coverage,
    max_attempts : the crop's constraints (see ``DetRandomCropAug``; lists make
        several crop augmenters).
    pad_val : tuple
        Fill color of the padding.

    Returns
    -------
    list of DetAugmenter

    Example
    -------
    >>> augs = mx.image.CreateDetAugmenter((3, 300, 300), rand_mirror=True)
    >>> augs[0].dumps()
    '["dethorizontalflipaug", {"p": 0.5}]'
    """
    augs = []
    if resize > 0:
        augs.append(DetBorrowAug(ResizeAug(resize, inter_method)))
    if rand_crop > 0:
        augs.append(CreateMultiRandCropAugmenter(
            min_object_covered, aspect_ratio_range, area_range, min_eject_coverage,
            max_attempts, skip_prob=(1 - rand_crop)))
    if rand_mirror > 0:
        augs.append(DetHorizontalFlipAug(0.5))
    # pad as late as possible: the canvas is larger than the image
    if rand_pad > 0:
        pad_aug = DetRandomPadAug(aspect_ratio_range, (1.0, area_range[1]),
                                  max_attempts, pad_val)
        augs.append(DetRandomSelectAug([pad_aug], 1 - rand_pad))
    augs.append(DetBorrowAug(ForceResizeAug((data_shape[2], data_shape[1]),
                                            inter_method)))
    augs.append(DetBorrowAug(CastAug()))
    if brightness or contrast or saturation:
        augs.append(DetBorrowAug(ColorJitterAug(brightness, contrast, saturation)))
    if hue:
        augs.append(DetBorrowAug(HueJitterAug(hue)))
    if pca_noise > 0:
        augs.append(DetBorrowAug(LightingAug(pca_noise, _IMAGENET_EIGVAL,
                                             _IMAGENET_EIGVEC)))
    if rand_gray > 0:
        augs.append(DetBorrowAug(RandomGrayAug(rand_gray)))
    mean = _check_stats("mean", mean, _IMAGENET_MEAN)
    std = _check_stats("std", std, _IMAGENET_STD)
    if mean is not None or std is not None:
        augs.append(DetBorrowAug(ColorNormalizeAug(mean, std)))
    return augs

