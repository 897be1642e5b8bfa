"""Decode, resize and crop single images: the functions of ``mx.image``.

An image here is an NDArray of shape ``(height, width, channels)`` (HWC), uint8 as
decoded, RGB by default. Sizes given to these functions are ``(width, height)``, as
in OpenCV, while shapes are ``(height, width, ...)``::

    bytes --imdecode--> uint8 (H, W, 3) --resize_short / center_crop--> (h, w, 3)
          --astype('float32'), color_normalize--> float32 (h, w, 3)

Decoding goes through Pillow (imported on first use) instead of MXNet's OpenCV.
PNG, BMP and other lossless images give the same pixels as MXNet, gray conversion
included (PNG: libpng's truncating ``(9797 R + 19234 G + 3737 B) >> 15``; others:
OpenCV's rounded ``(4899 R + 9617 G + 1868 B + 8192) >> 14``). JPEG pixels may differ
by a few levels: Pillow's libjpeg is not the one built into MXNet.

Resizing runs the registered op ``_image_resize`` (``mx.nd.image.resize``), which
reproduces OpenCV's arithmetic. Random choices (crop positions, the interpolation
method 10) use Python's ``random`` module, as MXNet does, so ``random.seed(n)``
reproduces MXNet's crops exactly.
"""
import math
import numbers
import os
import random

import numpy as np

from .. import ndarray as nd
from ..base import MXNetError
from ..ndarray import NDArray
from ..recordio import decode_image

__all__ = ["imread", "imdecode", "imresize", "scale_down", "resize_short",
           "fixed_crop", "random_crop", "center_crop", "color_normalize",
           "random_size_crop", "imrotate", "random_rotate", "copyMakeBorder"]

numeric_types = (float, int, np.generic)


# --------------------------------------------------------------------------------------
# Decoding (Pillow in place of OpenCV's imdecode).
# --------------------------------------------------------------------------------------
def decode_pixels(buf, flag=1):
    """Decode image bytes to a uint8 NumPy array ``(H, W, 3)`` RGB (``flag`` 1) or
    ``(H, W, 1)`` gray (``flag`` 0), by ``mx.recordio``'s decoder (the one every image
    reader in dlkit uses). Transparency is dropped, as OpenCV does."""
    if len(buf) == 0:
        raise MXNetError("imdecode: input cannot be an empty buffer")
    pixels = decode_image(bytes(buf), 1 if flag != 0 else 0)
    if pixels is None:
        raise MXNetError("imdecode: decoding failed, invalid image file")
    return pixels if flag != 0 else pixels[:, :, None]


def _finish(pixels, to_rgb, out):
    """NDArray from decoded RGB pixels: BGR unless ``to_rgb``, written to ``out``."""
    if not to_rgb:
        pixels = pixels[:, :, ::-1]
    result = nd.array(np.ascontiguousarray(pixels), dtype=np.uint8)
    if out is None:
        return result
    out[:] = result
    return out


def _check_flag(name, flag):
    if flag < 0:
        raise MXNetError(f"{name}: flag={flag} must be 0 (gray) or 1 (color); "
                         "MXNet has no 'as stored' mode here")


def imdecode(buf, flag=1, to_rgb=1, out=None):
    """Decode an image (the bytes of a JPEG, PNG, ... file) to an NDArray.

    Parameters
    ----------
    buf : bytes, bytearray, numpy.ndarray or NDArray
        The encoded image.
    flag : int, default 1
        1 for a three-channel color image ``(H, W, 3)``, 0 for gray ``(H, W, 1)``.
    to_rgb : int, default 1
        1 for RGB channel order (MXNet's default), 0 for BGR (OpenCV's).
    out : NDArray, optional
        Where to write the result.

    Returns
    -------
    NDArray
        uint8 ``(H, W, 3)`` or ``(H, W, 1)``.

    Differs from MXNet: decoded with Pillow (``pip install Pillow``), not OpenCV;
    JPEG pixels may differ by a few levels (see the module docstring).

    Example
    -------
    >>> with open("flower.png", "rb") as fp:
    ...     image = mx.image.imdecode(fp.read())
    >>> image.shape, image.dtype
    ((224, 224, 3), <class 'numpy.uint8'>)
    """
    if isinstance(buf, NDArray):
        buf = buf.asnumpy().astype(np.uint8).tobytes()
    elif isinstance(buf, np.ndarray):
        buf = buf.astype(np.uint8, copy=False).tobytes()
    elif not isinstance(buf, (bytes, bytearray)):
        raise ValueError("buf must be of type bytes, bytearray or numpy.ndarray,"
                         "if you would like to input type str, please convert to bytes")
    _check_flag("imdecode", flag)
    return _finish(decode_pixels(buf, flag), to_rgb, out)


def imread(filename, flag=1, to_rgb=1, out=None):
    """Read and decode an image file to an NDArray (see ``imdecode``).

    Example
    -------
    >>> mx.image.imread("flower.png", flag=0).shape
    (224, 224, 1)
    """
    _check_flag("imread", flag)
    if not os.path.isfile(filename):
        raise MXNetError(f"imread: {filename!r} couldn't open file: No such file or "
                         "directory")
    with open(filename, "rb") as handle:
        buf = handle.read()
    return _finish(decode_pixels(buf, flag), to_rgb, out)


# --------------------------------------------------------------------------------------
# Resizing.
# --------------------------------------------------------------------------------------
def imresize(src, w, h, interp=1, out=None):
    """Resize an HWC image to width ``w`` and height ``h`` (OpenCV's ``resize``).

    Parameters
    ----------
    src : NDArray
        The image, uint8, float32 or float64.
    w, h : int
        The new width and height.
    interp : int, default 1
        0 nearest, 1 bilinear, 2 bicubic, 3 area, 4 Lanczos (see ``mx.nd.image.resize``
        for those dlkit implements).
    out : NDArray, optional
        Where to write the result.

    Runs the registered op ``_image_resize``.

    Example
    -------
    >>> mx.image.imresize(mx.nd.zeros((4, 6, 3), dtype='uint8'), 3, 2).shape
    (2, 3, 3)
    """
    result = nd.image.resize(src, size=(w, h), interp=interp)
    if out is None:
        return result
    out[:] = result
    return out


def scale_down(src_size, size):
    """Shrink a crop ``size`` (width, height) to fit an image of ``src_size``
    (width, height), keeping the crop's aspect ratio.

    Example
    -------
    >>> mx.image.scale_down((640, 480), (720, 120))
    (640, 106)
    """
    width, height = size
    src_width, src_height = src_size
    if src_height < height:
        width, height = float(width * src_height) / height, src_height
    if src_width < width:
        width, height = src_width, float(height * src_width) / width
    return int(width), int(height)


def _get_interp_method(interp, sizes=()):
    """The interpolation method (0..4) for ``interp``: 9 picks one from ``sizes``
    (old height, old width, new height, new width): bicubic to enlarge, area to
    shrink, bilinear otherwise; 10 picks one at random (Python's ``random``)."""
    if interp == 9:
        if not sizes:
            return 2
        old_height, old_width, new_height, new_width = sizes
        if new_height > old_height and new_width > old_width:
            return 2
        if new_height < old_height and new_width < old_width:
            return 3
        return 1
    if interp == 10:
        return random.randint(0, 4)
    if interp not in (0, 1, 2, 3, 4):
        raise ValueError(f"Unknown interp method {interp}")
    return interp


def resize_short(src, size, interp=2):
    """Resize so that the shorter side has ``size`` pixels; the longer side keeps
    the aspect ratio (rounded down).

    Example
    -------
    >>> mx.image.resize_short(mx.nd.zeros((40, 60, 3), dtype='uint8'), 20).shape
    (20, 30, 3)
    """
    height, width, _ = src.shape
    if height > width:
        new_height, new_width = size * height // width, size
    else:
        new_height, new_width = size, size * width // height
    method = _get_interp_method(interp, (height, width, new_height, new_width))
    return imresize(src, new_width, new_height, interp=method)


# --------------------------------------------------------------------------------------
# Crops and normalization.
# --------------------------------------------------------------------------------------
def fixed_crop(src, x0, y0, w, h, size=None, interp=2):
    """Cut the ``w`` x ``h`` box with top-left corner (``x0``, ``y0``) out of ``src``,
    then resize it to ``size`` (width, height) if given and different."""
    out = src[y0:y0 + h, x0:x0 + w]
    if size is not None and (w, h) != size:
        sizes = (h, w, size[1], size[0])
        out = imresize(out, *size, interp=_get_interp_method(interp, sizes))
    return out


def random_crop(src, size, interp=2):
    """Crop ``size`` (width, height) at a random place (Python's ``random``); an image
    smaller than ``size`` gives the largest crop of that aspect ratio, resized up.

    Returns
    -------
    (NDArray, tuple)
        The crop, and ``(x, y, width, height)`` of the box in ``src``.
    """
    height, width, _ = src.shape
    new_width, new_height = scale_down((width, height), size)
    x0 = random.randint(0, width - new_width)
    y0 = random.randint(0, height - new_height)
    out = fixed_crop(src, x0, y0, new_width, new_height, size, interp)
    return out, (x0, y0, new_width, new_height)


def center_crop(src, size, interp=2):
    """Crop ``size`` (width, height) from the center (resized up if the image is
    smaller).

    Returns
    -------
    (NDArray, tuple)
        The crop, and ``(x, y, width, height)`` of the box in ``src``.

    Example
    -------
    >>> image = mx.nd.zeros((50, 80, 3), dtype='uint8')
    >>> crop, box = mx.image.center_crop(image, (30, 20))
    >>> crop.shape, box
    ((20, 30, 3), (25, 15, 30, 20))
    """
    height, width, _ = src.shape
    new_width, new_height = scale_down((width, height), size)
    x0 = int((width - new_width) / 2)
    y0 = int((height - new_height) / 2)
    out = fixed_crop(src, x0, y0, new_width, new_height, size, interp)
    return out, (x0, y0, new_width, new_height)


def color_normalize(src, mean, std=None):
    """``(src - mean) / std``, **in place** as in MXNet (``src`` is changed and
    returned); ``mean`` or ``std`` None skips that step."""
    if mean is not None:
        src -= mean
    if std is not None:
        src /= std
    return src


def random_size_crop(src, size, area, ratio, interp=2, **kwargs):
    """Crop a random box of random area and aspect ratio, resized to ``size``.

    Up to 10 tries draw an area fraction uniform in ``area`` (a float means
    ``(area, 1.0)``) and an aspect ratio log-uniform in ``ratio`` (min, max); the first
    box that fits is cut at a random place. If none fits, ``center_crop``.

    Returns
    -------
    (NDArray, tuple)
        The crop, and ``(x, y, width, height)`` of the box in ``src``.
    """
    height, width, _ = src.shape
    src_area = height * width
    if "min_area" in kwargs:
        import warnings
        warnings.warn("`min_area` is deprecated. Please use `area` instead.",
                      DeprecationWarning)
        area = kwargs.pop("min_area")
    if kwargs:
        # an AssertionError, as MXNet's assert gives
        raise AssertionError(f"unexpected keyword arguments for `random_size_crop`: "
                             f"{sorted(kwargs)}")
    if isinstance(area, numeric_types):
        area = (area, 1.0)
    for _ in range(10):
        target_area = random.uniform(area[0], area[1]) * src_area
        log_ratio = (np.log(ratio[0]), np.log(ratio[1]))
        new_ratio = np.exp(random.uniform(*log_ratio))
        new_width = int(round(np.sqrt(target_area * new_ratio)))
        new_height = int(round(np.sqrt(target_area / new_ratio)))
        if new_width <= width and new_height <= height:
            x0 = random.randint(0, width - new_width)
            y0 = random.randint(0, height - new_height)
            out = fixed_crop(src, x0, y0, new_width, new_height, size, interp)
            return out, (x0, y0, new_width, new_height)
    return center_crop(src, size, interp)


# --------------------------------------------------------------------------------------
# Rotation (BilinearSampler) and borders (_cvcopyMakeBorder).
# --------------------------------------------------------------------------------------
def _rotation_grid(angles, height, width, zoom_in, zoom_out):
    """The ``BilinearSampler`` grid ``(N, 2, H, W)`` that turns images by ``angles``
    (radians, one per image) about their centre, as MXNet's ``image.imrotate``.

    Output pixel ``(x, y)``, measured from the centre, reads the input at ``(x cos a -
    y sin a, x sin a + y cos a)``, normalised by the half sizes ``(W - 1) / 2`` and
    ``(H - 1) / 2`` only after turning, so the aspect ratio is kept. ``zoom_out``
    scales the grid so that the whole turned image fits, ``zoom_in`` so that no
    corner shows padding (both from where the image corners go).
    """
    half_height, half_width = (height - 1) / 2, (width - 1) / 2
    y = (np.arange(height, dtype=np.float32) - half_height)[None, :, None]
    x = (np.arange(width, dtype=np.float32) - half_width)[None, None, :]
    angles = np.asarray(angles, dtype=np.float32)[:, None, None]
    cos, sin = np.cos(angles), np.sin(angles)
    grid = np.stack([(x * cos - y * sin) / half_width,
                     (x * sin + y * cos) / half_height], axis=1)
    if zoom_in or zoom_out:
        radius = math.hypot(height, width)
        corner = math.atan(height / width)
        turn = np.abs(angles[:, 0, 0])
        reach_x = np.maximum(np.abs(radius * np.cos(corner + turn)),
                             np.abs(radius * np.cos(corner - turn)))
        reach_y = np.maximum(np.abs(radius * np.sin(corner + turn)),
                             np.abs(radius * np.sin(corner - turn)))
        if zoom_out:
            scale = np.maximum(reach_x / width, reach_y / height)
        else:
            scale = np.minimum(width / reach_x, height / reach_y)
        grid = grid * scale[:, None, None, None]
    return grid.astype(np.float32)


def imrotate(src, rotation_degrees, zoom_in=False, zoom_out=False):
    """Turn a CHW float32 image (or each image of an NCHW batch) counter-clockwise
    about its centre, keeping its shape.

    Parameters
    ----------
    src : NDArray
        float32 ``(C, H, W)`` or ``(N, C, H, W)``.
    rotation_degrees : float, or one per image (list, numpy array or NDArray)
        The angles; a single image needs a number.
    zoom_in, zoom_out : bool
        Zoom until no padding shows, or until the whole turned image fits (not
        both).

    Returns
    -------
    NDArray
        The turned image(s), sampled with ``BilinearSampler`` on the grid of
        ``_rotation_grid`` (pixels read from outside the image are 0).

    Example
    -------
    >>> mx.image.imrotate(mx.nd.ones((3, 4, 4)), 90).shape
    (3, 4, 4)
    """
    if zoom_in and zoom_out:
        raise ValueError("`zoom_in` and `zoom_out` cannot be both True")
    if src.dtype != np.float32:
        raise TypeError("Only `float32` images are supported by this function")
    single = src.ndim == 3
    if single:
        if not isinstance(rotation_degrees, numbers.Number):
            raise TypeError("When a single image is passed the rotation angle is "
                            "required to be a scalar.")
        src = src.expand_dims(axis=0)
    elif src.ndim != 4:
        raise ValueError("Only 3D and 4D are supported by this function")
    if isinstance(rotation_degrees, numbers.Number):
        rotation_degrees = [rotation_degrees] * src.shape[0]
    elif isinstance(rotation_degrees, nd.NDArray):
        rotation_degrees = rotation_degrees.asnumpy()
    if len(rotation_degrees) != src.shape[0]:
        raise ValueError("The number of images must be equal to the number of "
                         "rotation angles")
    radians = np.pi * np.asarray(rotation_degrees, dtype=np.float32) / 180
    grid = _rotation_grid(radians, src.shape[2], src.shape[3], zoom_in, zoom_out)
    turned = nd.BilinearSampler(src, nd.array(grid, ctx=src.context))
    return turned[0] if single else turned


def random_rotate(src, angle_limits, zoom_in=False, zoom_out=False):
    """Turn a CHW image (or each image of an NCHW batch) by an angle drawn uniformly
    from ``angle_limits = (lower, upper)`` degrees with NumPy's global random state
    (one draw, or one per image), then ``imrotate``.

    Example
    -------
    >>> np.random.seed(0)
    >>> mx.image.random_rotate(mx.nd.ones((2, 1, 5, 5)), (-30, 30)).shape
    (2, 1, 5, 5)
    """
    if src.ndim == 3:
        rotation_degrees = np.random.uniform(*angle_limits)
    else:
        rotation_degrees = nd.array(np.random.uniform(*angle_limits,
                                                      size=src.shape[0]))
    return imrotate(src, rotation_degrees, zoom_in=zoom_in, zoom_out=zoom_out)


def copyMakeBorder(src, top, bot, left, right, type=0, value=0.0, values=(),
                   out=None):
    """Pad an HWC image with a border (OpenCV's ``copyMakeBorder``): the registered
    op ``_cvcopyMakeBorder`` (see ``dlkit/ops/border.py`` for the border types).

    Parameters
    ----------
    src : NDArray
        ``(H, W, C)`` uint8, int32, float32 or float64.
    top, bot, left, right : int
        Border widths.
    type : int, default 0
        0 constant, 1 replicate, 2 reflect, 3 wrap, 4 reflect_101 (+ 16: the same).
    value : float
        Fill value of every channel (deprecated: use ``values``).
    values : tuple of float
        Fill value per channel (up to 4), for ``type`` 0.
    out : NDArray, optional
        Where to write the result.

    Example
    -------
    >>> image = mx.nd.zeros((2, 3, 3), dtype='uint8')
    >>> mx.image.copyMakeBorder(image, 1, 1, 2, 2, values=(255, 0, 0)).shape
    (4, 7, 3)
    """
    return nd._cvcopyMakeBorder(src, top=top, bot=bot, left=left, right=right,
                                type=type, value=value, values=values, out=out)
