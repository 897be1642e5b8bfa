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
from .base import DataDesc
from .batch_loader import SampleBatchIter, as_flag, check_batch_size, check_dtype

__all__ = ["ImageDetRecordIter"]


def _read_records(path_imgrec, data_shape, resize, inter_method):
    """Every record's image, decoded (``mx.image``'s decoder: a gray PNG has
    libpng's gray values, as in MXNet), resized and forced to ``data_shape``
    (uint8 HWC), and its flat label (float32)."""
    from .. import ndarray as nd
    from ..image.image import decode_pixels, imresize, resize_short
    from ..recordio import MXRecordIO, unpack
    channels, height, width = data_shape
    images, labels = [], []
    reader = MXRecordIO(path_imgrec, "r")
    try:
        record = reader.read()
        while record is not None:
            header, payload = unpack(record)
            try:
                pixels = decode_pixels(payload, 1 if channels == 3 else 0)
            except MXNetError as error:
                raise MXNetError(f"ImageDetRecordIter: record {len(images)} of "
                                 f"{path_imgrec}: {error}") from None
            image = nd.array(pixels, dtype=np.uint8)
            if resize > 0:
                image = resize_short(image, resize, inter_method)
            if image.shape[:2] != (height, width):
                image = imresize(image, width, height, interp=inter_method)
            images.append(image.asnumpy().reshape(height, width, channels))
            labels.append(np.atleast_1d(np.asarray(header.label, dtype=np.float32)))
            record = reader.read()
    finally:
        reader.close()
    return images, labels


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


class ImageDetRecordIter(SampleBatchIter):
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
        data_shape = tuple(int(size) for size in data_shape)
        if len(data_shape) != 3 or data_shape[0] not in (1, 3):
            raise MXNetError(f"ImageDetRecordIter: data_shape must be (channels, "
                             f"height, width) with 1 or 3 channels, got {data_shape}")
        channels = data_shape[0]
        images, labels = _read_records(path_imgrec, data_shape, resize, inter_method)
        self._images = images
        rows = _label_rows(labels, data_shape, label_width, label_pad_width,
                           label_pad_value)
        super().__init__(np.arange(len(images)), rows, batch_size, round_batch,
                         data_name, label_name, "ImageDetRecordIter")
        self._data_shape = data_shape
        mean = np.array([mean_r, mean_g, mean_b][:channels], dtype=np.float32)
        std = np.array([std_r, std_g, std_b][:channels], dtype=np.float32)
        self._mean = mean.reshape(-1, 1, 1)
        self._std = np.where(std == 0, np.float32(1), std).reshape(-1, 1, 1)
        self._scale = np.float32(scale)
        self._mirror_prob = float(rand_mirror_prob)
        self._shuffle = as_flag(shuffle)
        self._random = np.random.RandomState(seed)
        self._order = np.arange(len(images))
        self._mirrored = []
        if self._shuffle:
            self._random.shuffle(self._order)

    @property
    def provide_data(self):
        """``[DataDesc('data', (batch_size, channels, height, width))]``."""
        return [DataDesc(self.data_name, (self.batch_size,) + self._data_shape)]

    def reset(self):
        super().reset()
        if self._shuffle:
            self._random.shuffle(self._order)

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
            if mirrored:
                image = image[:, ::-1]
            pixels = image.transpose(2, 0, 1).astype(np.float32)
            batch.append((pixels - self._mean) / self._std * self._scale)
        batch += [np.zeros(self._data_shape, np.float32)] * (self.batch_size
                                                             - len(batch))
        return [array(np.stack(batch))]

    def getlabel(self):
        self._require_batch()
        rows = []
        for position in range(len(self._indices)):
            record, mirrored = self._sample(position)
            row = self._label[record]
            rows.append(_mirror_boxes(row) if mirrored else row)
        rows += [np.full_like(self._label[0], 0)] * (self.batch_size - len(rows))
        return [array(np.stack(rows))]

    def getindex(self):
        index = super().getindex()
        if index is None:
            return None
        return self._order[index.astype(np.int64)].astype(np.uint64)
