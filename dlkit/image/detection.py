"""Object detection data: ``ImageDetIter`` and the detection augmenters
(``det_augmenters.py``); MXNet's ``mx.image.detection``, also ``mx.image.det``.

A detection label, as stored in a .rec record or a .lst line, is one flat list::

    [header_width, object_width, (more header ...),
     id, xmin, ymin, xmax, ymax, (extra ...),        <- object 1: object_width values
     id, xmin, ymin, xmax, ymax, (extra ...), ...]   <- object 2 ...

``header_width`` (>= 2) values of header, then one row of ``object_width`` (>= 5)
values per object. Coordinates are fractions of the image's width and height, so
they survive resizing. ``ImageDetIter`` cuts the header off, runs the augmenters on
image and rows together, and gives each batch a label ``(batch_size, max_objects,
object_width)``, rows past an image's objects filled with -1::

    record --next_sample--> (flat label, bytes) --imdecode, _parse_label-->
      (uint8 HWC, rows) --augmenters--> (float32 HWC, rows) --> batch[i], label[i]
"""
import logging

import numpy as np

from .. import ndarray as nd
from .det_augmenters import *  # noqa: F401,F403  (mx.image.det holds them too)
from .det_augmenters import CreateDetAugmenter
from .det_augmenters import __all__ as _augmenter_names
from .image_iter import ImageIter

__all__ = _augmenter_names + ["ImageDetIter"]


class ImageDetIter(ImageIter):
    """Batches of images and their boxes, with detection augmenters.

    Parameters
    ----------
    batch_size : int
        Images per batch.
    data_shape : tuple of int
        ``(3, height, width)`` of every image in a batch.
    path_imgrec, path_imgidx, path_imglist, imglist, path_root, shuffle, part_index,
    num_parts, data_name, last_batch_handle :
        Where the samples come from and in what order, as for ``ImageIter``; each
        label is a flat detection label (see the module docstring).
    aug_list : list of DetAugmenter
        The augmenters; default ``CreateDetAugmenter(data_shape, **kwargs)``.
    label_name : str
        Name in ``provide_label``.
    kwargs
        Passed to ``CreateDetAugmenter`` (``rand_crop``, ``rand_pad``, ``mean``, ...).

    The label batch is ``(batch_size, max_objects, object_width)``: ``max_objects``
    is counted over the whole data set when the iterator is made (one pass over the
    labels); missing rows are -1. Samples whose label is broken, or left without a
    valid box by the augmenters, are skipped.

    Differs from MXNet: no ``draw_next`` (it needs OpenCV to draw boxes); images
    are decoded with Pillow (see ``mx.image.imdecode``).

    Example
    -------
    >>> it = mx.image.ImageDetIter(2, (3, 8, 8), path_root='images',
    ...     imglist=[[[2, 5, 0, 0.1, 0.1, 0.6, 0.7], 'a.png'],
    ...              [[2, 5, 1, 0.2, 0.3, 0.9, 0.8, 0, 0, 0, 0.5, 0.5], 'b.png']])
    >>> it.provide_label
    [('label', (2, 2, 5))]
    """

    def __init__(self, batch_size, data_shape, path_imgrec=None, path_imglist=None,
                 path_root=None, path_imgidx=None, shuffle=False, part_index=0,
                 num_parts=1, aug_list=None, imglist=None, data_name="data",
                 label_name="label", last_batch_handle="pad", **kwargs):
        super().__init__(batch_size=batch_size, data_shape=data_shape,
                         path_imgrec=path_imgrec, path_imglist=path_imglist,
                         path_root=path_root, path_imgidx=path_imgidx,
                         shuffle=shuffle, part_index=part_index, num_parts=num_parts,
                         aug_list=[], imglist=imglist, data_name=data_name,
                         label_name=label_name, last_batch_handle=last_batch_handle)
        self.auglist = CreateDetAugmenter(data_shape, **kwargs) if aug_list is None \
            else aug_list
        label_shape = self._estimate_label_shape()
        self.provide_label = [(label_name, (self.batch_size,) + label_shape)]
        self.label_shape = label_shape

    # ----------------------------------------------------------------------------------
    # Labels.
    # ----------------------------------------------------------------------------------
    def _parse_label(self, label):
        """The ``(objects, object_width)`` rows of a flat label, header cut off and
        empty boxes (xmax <= xmin or ymax <= ymin) dropped."""
        if isinstance(label, nd.NDArray):
            label = label.asnumpy()
        raw = np.asarray(label).ravel()
        if raw.size < 7:
            raise RuntimeError("Label shape is invalid: " + str(raw.shape))
        header_width = int(raw[0])
        object_width = int(raw[1])
        if (raw.size - header_width) % object_width != 0:
            raise RuntimeError(f"Label shape {raw.shape} inconsistent with annotation "
                               f"width {object_width}.")
        out = np.reshape(raw[header_width:], (-1, object_width))
        valid = np.where(np.logical_and(out[:, 3] > out[:, 1],
                                        out[:, 4] > out[:, 2]))[0]
        if valid.size < 1:
            raise RuntimeError("Encounter sample with no valid label.")
        return out[valid, :]

    def _check_valid_label(self, label):
        """After augmentation: rows of width >= 5, at least one real box."""
        if len(label.shape) != 2 or label.shape[1] < 5:
            raise RuntimeError(f"Label with shape (1+, 5+) required, {label} "
                               "received.")
        valid = np.where(np.logical_and.reduce([label[:, 0] >= 0,
                                                label[:, 3] > label[:, 1],
                                                label[:, 4] > label[:, 2]]))[0]
        if valid.size < 1:
            raise RuntimeError("Invalid label occurs.")

    def _estimate_label_shape(self):
        """``(most objects in one sample, object width)``, from one pass over the
        labels (images are not decoded)."""
        max_count = 0
        label = None
        self.reset()
        try:
            while True:
                label, _ = self.next_sample()
                label = self._parse_label(label)
                max_count = max(max_count, label.shape[0])
        except StopIteration:
            pass
        self.reset()
        return (max_count, label.shape[1])

    def check_label_shape(self, label_shape):
        """A new label shape may add rows, never remove them or change the width."""
        if not len(label_shape) == 2:
            raise ValueError("label_shape should have length 2")
        if label_shape[0] < self.label_shape[0]:
            raise ValueError(f"Attempts to reduce label count from "
                             f"{self.label_shape[0]} to {label_shape[0]}, not allowed.")
        if label_shape[1] != self.provide_label[0][1][2]:
            raise ValueError(f"label_shape object width inconsistent: "
                             f"{self.provide_label[0][1][2]} vs {label_shape[1]}.")

    def reshape(self, data_shape=None, label_shape=None):
        """Change the data shape ``(C, H, W)`` and/or label shape ``(objects,
        width)`` of the coming batches."""
        if data_shape is not None:
            self.check_data_shape(data_shape)
            self.provide_data = [(self.provide_data[0][0],
                                  (self.batch_size,) + tuple(data_shape))]
            self.data_shape = data_shape
        if label_shape is not None:
            self.check_label_shape(label_shape)
            self.provide_label = [(self.provide_label[0][0],
                                   (self.batch_size,) + tuple(label_shape))]
            self.label_shape = label_shape

    def sync_label_shape(self, it, verbose=False):
        """Give this iterator and ``it`` (another ImageDetIter, e.g. validation)
        the same label shape, the larger one; returns ``it``."""
        if not isinstance(it, ImageDetIter):
            raise AssertionError("Synchronize with invalid iterator.")
        own_shape, other_shape = self.label_shape, it.label_shape
        if own_shape[1] != other_shape[1]:
            raise AssertionError("object width mismatch.")
        max_count = max(own_shape[0], other_shape[0])
        if max_count > own_shape[0]:
            self.reshape(None, (max_count, own_shape[1]))
        if max_count > other_shape[0]:
            it.reshape(None, (max_count, other_shape[1]))
        if verbose and max_count > min(own_shape[0], other_shape[0]):
            logging.info("Resized label_shape to (%d, %d).", max_count, own_shape[1])
        return it

    # ----------------------------------------------------------------------------------
    # Batches.
    # ----------------------------------------------------------------------------------
    def augmentation_transform(self, data, label):
        """Run the augmenter list on one image and its label rows."""
        for aug in self.auglist:
            data, label = aug(data, label)
        return data, label

    def _batchify(self, batch_data, batch_label, start=0):
        """Fill the batch from position ``start``, skipping bad samples; returns how
        many are filled."""
        i = start
        try:
            while i < self.batch_size:
                label, s = self.next_sample()
                data = self.imdecode(s)
                try:
                    self.check_valid_image([data])
                    label = self._parse_label(label)
                    data, label = self.augmentation_transform(data, label)
                    self._check_valid_label(label)
                except RuntimeError as error:
                    logging.debug("Invalid image, skipping:  %s", error)
                    continue
                batch_data[i] = self.postprocess_data(data)
                num_object = label.shape[0]
                batch_label[i][0:num_object] = nd.array(label)
                if num_object < batch_label[i].shape[0]:
                    batch_label[i][num_object:] = -1
                i += 1
        except StopIteration:
            if not i:
                raise
        return i

    def _empty_label_batch(self):
        """Label rows start as -1, MXNet's "no object" padding; ``next`` (inherited
        from ``ImageIter``) then gives data float32 NCHW and labels float32
        ``(batch_size, objects, object_width)``."""
        batch_label = nd.empty(self.provide_label[0][1])
        batch_label[:] = -1
        return batch_label
