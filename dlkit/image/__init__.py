"""``mx.image``: read images and augment them for training.

Single images are HWC NDArrays (uint8 as decoded, RGB)::

    imread / imdecode           file or bytes -> uint8 (H, W, 3)     (Pillow)
    imresize, resize_short      -> new size                          (_image_resize)
    fixed/center/random_crop    -> a box, resized to a given size if needed
    color_normalize             -> (x - mean) / std

Augmenters (``image.augmenters``) wrap these steps as callables, ``CreateAugmenter``
lists the usual ones, and ``ImageIter`` (``image.image_iter``) turns a .rec file or
an image list into batches through them. ``image.detection`` (also ``image.det``)
does the same for object detection: ``ImageDetIter`` and augmenters that move the
boxes with the image.
"""
from . import image  # noqa: F401  (mx.image.image, as in MXNet)
from .augmenters import *  # noqa: F401,F403
from .image import *  # noqa: F401,F403
from .image_iter import ImageIter  # noqa: F401
from . import detection  # noqa: F401  (mx.image.detection, as in MXNet)
from . import detection as det  # noqa: F401  (MXNet's short name)
from .detection import *  # noqa: F401,F403
