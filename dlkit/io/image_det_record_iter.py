"""``ImageDetRecordIter``: detection batches from a ``.rec`` file.

Each record is ``pack(IRHeader(0, label, id, 0), image bytes)`` with a flat detection
label (``mx.image.detection``'s format: header width, object width, ..., then
``id, xmin, ymin, xmax, ymax, ...`` per object, coordinates as fractions). Every
image is decoded, optionally resized (shorter side to ``resize``) and then forced to
``data_shape`` (MXNet's ``resize_mode='force'``); boxes, being fractions, stay
valid. Each label row of a batch is::

    [channels, height, width, label length,  the record's label ...,  pad values ...]
     \\_______ data_shape ____/                \\__ label_pad_width values in all __/

Per batch, each image is mirrored with probability ``rand_mirror_prob`` (its boxes
become ``xmin, xmax = 1 - xmax, 1 - xmin``), then normalised:
``(pixel - mean_c) / std_c * scale``, where a ``std_c`` of 0 means 1.
"""
import numpy as np

from ..base import MXNetError
from ..ndarray import array
from .batch_loader import check_batch_size, check_dtype
from .image_record_iter import RecordImageBatches, check_data_shape, read_records

__all__ = ["ImageDetRecordIter"]


def _forced(images, data_shape, inter_method):
    """The images (uint8 HWC NDArrays) forced to ``data_shape``, as NumPy arrays
    (MXNet's ``resize_mode='force'``)."""
    from ..image.image import imresize
    channels, height, width = data_shape
    forced = []
    for image in images:
        if image.shape[:2] != (height, width):
            image = imresize(image, width, height, interp=inter_method)
        forced.append(image.asnumpy().reshape(height, width, channels))
    return forced


def _label_rows(labels, data_shape, label_width, label_pad_width, label_pad_value):
    """``(N, 4 + pad width)`` float32: data_shape, label length, label, padding."""
    longest = max(label.size for label in labels)
    for number, label in enumerate(labels):
        if label_width > 0 and label.size != label_width:
            raise MXNetError(f"ImageDetRecordIter: record {number} provides a "
                             f"{label.size}-dimensional label but label_width is "
                             f"set to {label_width}")
    if label_pad_width <= 0:
        label_pad_width = longest
    elif label_pad_width < longest:
        raise MXNetError(f"ImageDetRecordIter: label_pad_width: {label_pad_width} "
                         f"smaller than estimated width: {longest}")
    rows = np.full((len(labels), 4 + label_pad_width), label_pad_value, np.float32)
    for number, label in enumerate(labels):
        rows[number, :3] = data_shape
        rows[number, 3] = label.size
        rows[number, 4:4 + label.size] = label
    return rows


def _mirror_boxes(row):
    """Flip the boxes of one label row left-right (``x -> 1 - x``)."""
    row = row.copy()
    label = row[4:4 + int(row[3])]
    header_width, object_width = int(label[0]), int(label[1])
    objects = label[header_width:]
    count = objects.size // object_width
    boxes = objects[:count * object_width].reshape(count, object_width)
    new_xmin = np.float32(1) - boxes[:, 3]
    boxes[:, 3] = np.float32(1) - boxes[:, 1]
    boxes[:, 1] = new_xmin
    label[header_width:header_width + count * object_width] = boxes.ravel()
    row[4:4 + label.size] = label
    return row


class ImageDetRecordIter(RecordImageBatches):
    """Batches of images and detection labels from a RecordIO file (see the module
    docstring for the label layout).

    Parameters
    ----------
    path_imgrec : str
        The ``.rec`` file.
    data_shape : tuple of int
        ``(channels, height, width)``; channels 3 (RGB) or 1 (gray).
    batch_size : int
        Images per batch.
    label_width : int
        -1 for labels of any length; otherwise every record must hold that many.
    label_pad_width : int
        Values per label after the 4 leading ones; 0 or -1: the longest label.
    label_pad_value : float
        What fills the rest of a label row.
    shuffle, seed : bool, int
        A new random order every epoch, from NumPy's ``RandomState(seed)`` (which
        also draws the mirrors).
    round_batch : bool
        Complete the last batch with the first images (see ``batch_loader.py``).
    resize : int
        Resize the shorter side to this first (-1: no).
    rand_mirror_prob : float
        Probability of mirroring an image (and its boxes).
    mean_r, mean_g, mean_b, std_r, std_g, std_b, scale : float
        Normalisation ``(pixel - mean) / std * scale``; std 0 means 1.
    inter_method : int
        Resize filter: 1 bilinear (OpenCV's), 0 nearest, ...
    data_name, label_name : str
        Names in ``provide_data``/``provide_label``.
    path_imglist, preprocess_threads, prefetch_buffer, verbose, ctx :
        ignored (MXNet's list-file input and background threads).
    dtype : None or 'float32'
        The output type.

    Differs from MXNet: keyword-only arguments; of MXNet's augmentations only
    resize and ``rand_mirror_prob`` (no random crops, pads or color changes);
    shuffles and mirrors come from NumPy's ``RandomState(seed)``, so which images
    are mirrored differs from MXNet; images are decoded with Pillow.

    Example
    -------
    >>> train_iter = mx.io.ImageDetRecordIter(path_imgrec='det.rec',
    ...                                       data_shape=(3, 300, 300),
    ...                                       batch_size=32)  # doctest: +SKIP
    """

    def __init__(self, *, path_imgrec, data_shape, batch_size=None, label_width=-1,
                 label_pad_width=0, label_pad_value=-1.0, shuffle=False, seed=0,
                 round_batch=True, resize=-1, rand_mirror_prob=0.0, mean_r=0.0,
                 mean_g=0.0, mean_b=0.0, std_r=0.0, std_g=0.0, std_b=0.0, scale=1.0,
                 inter_method=1, data_name="data", label_name="softmax_label",
                 path_imglist="", preprocess_threads=4, prefetch_buffer=4,
                 verbose=True, ctx="gpu", dtype=None):
        batch_size = check_batch_size("ImageDetRecordIter", batch_size)
        check_dtype("ImageDetRecordIter", dtype, ("float32",))
        data_shape = check_data_shape("ImageDetRecordIter", data_shape)
        images, labels = read_records(path_imgrec, data_shape[0], resize,
                                      inter_method, "ImageDetRecordIter")
        rows = _label_rows(labels, data_shape, label_width, label_pad_width,
                           label_pad_value)
        std = [1.0 if value == 0 else value for value in (std_r, std_g, std_b)]
        super().__init__(_forced(images, data_shape, inter_method), rows, data_shape,
                         batch_size, round_batch, shuffle, seed,
                         [mean_r, mean_g, mean_b], std, scale, data_name,
                         label_name, "ImageDetRecordIter")
        self._mirror_prob = float(rand_mirror_prob)
        self._mirrored = []

    def iter_next(self):
        """Advance, and draw which images of the new batch are mirrored."""
        if not super().iter_next():
            return False
        draws = self._random.rand(len(self._indices))
        self._mirrored = list(draws < self._mirror_prob)
        return True

    def _sample(self, position):
        """Record number and mirror flag of batch position ``position``."""
        return self._order[self._indices[position]], self._mirrored[position]

    def getdata(self):
        self._require_batch()
        batch = []
        for position in range(len(self._indices)):
            record, mirrored = self._sample(position)
            image = self._images[record]
            batch.append(self._normalise(image[:, ::-1] if mirrored else image))
        return self._batch(batch)

    def getlabel(self):
        self._require_batch()
        rows = []
        for position in range(len(self._indices)):
            record, mirrored = self._sample(position)
            row = self._label[record]
            rows.append(_mirror_boxes(row) if mirrored else row)
        rows += [np.full_like(self._label[0], 0)] * (self.batch_size - len(rows))
        return [array(np.stack(rows))]
