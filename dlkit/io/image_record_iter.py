"""``ImageRecordIter``: image batches from a ``.rec`` file (``mx.recordio`` records).

Each record is ``pack_img(IRHeader, image)``. Every image goes through MXNet's
default augmenter, then is normalised, per batch::

    decode (RGB, or gray when data_shape has 1 channel)
      -> resize: shorter side to ``resize`` pixels (if resize > 0), OpenCV bilinear
      -> crop to data_shape: centre, or a random place with rand_crop
      -> mirror left-right: always with mirror, half of the time with rand_mirror
      -> (pixel - mean_c) / std_c * scale, as float32 CHW

The file is decoded once, when the iterator is created (dlkit is for small data);
crops and mirrors are drawn anew for each batch.
"""
import numpy as np

from ..base import MXNetError
from ..ndarray import array
from .base import DataDesc
from .batch_loader import SampleBatchIter, as_flag, check_batch_size, check_dtype

__all__ = ["ImageRecordIter"]


def check_data_shape(iterator, data_shape):
    """``(channels, height, width)`` as ints, channels 1 or 3."""
    data_shape = tuple(int(size) for size in data_shape)
    if len(data_shape) != 3 or data_shape[0] not in (1, 3):
        raise MXNetError(f"{iterator}: data_shape must be (channels, height, width) "
                         f"with 1 or 3 channels, got {data_shape}")
    return data_shape


def read_records(path_imgrec, channels, resize, inter_method, iterator):
    """Every record's image, decoded by ``mx.image``'s decoder (RGB, or gray for 1
    channel) with its shorter side resized to ``resize`` if > 0 (uint8 HWC NDArray),
    and its label (float32, at least 1-d)."""
    from .. import ndarray as nd
    from ..image.image import decode_pixels, resize_short
    from ..recordio import MXRecordIO, unpack
    images, labels = [], []
    reader = MXRecordIO(path_imgrec, "r")
    try:
        record = reader.read()
        while record is not None:
            header, payload = unpack(record)
            try:
                pixels = decode_pixels(payload, 1 if channels == 3 else 0)
            except MXNetError as error:
                raise MXNetError(f"{iterator}: record {len(images)} of "
                                 f"{path_imgrec}: {error}") from None
            image = nd.array(pixels, dtype=np.uint8)
            if resize > 0:
                image = resize_short(image, resize, inter_method)
            images.append(image)
            labels.append(np.atleast_1d(np.asarray(header.label, dtype=np.float32)))
            record = reader.read()
    finally:
        reader.close()
    return images, labels


class RecordImageBatches(SampleBatchIter):
    """What ``ImageRecordIter`` and ``ImageDetRecordIter`` share: images decoded
    once (uint8 HWC NumPy arrays), a record order drawn anew every epoch with
    ``shuffle``, and float32 NCHW batches normalised as
    ``(pixel - mean_c) / std_c * scale``."""

    def __init__(self, images, label, data_shape, batch_size, round_batch, shuffle,
                 seed, mean, std, scale, data_name, label_name, iterator):
        super().__init__(np.arange(len(images)), label, batch_size, round_batch,
                         data_name, label_name, iterator)
        self._images = images
        self._data_shape = data_shape
        channels = data_shape[0]
        self._mean = np.array(mean[:channels], dtype=np.float32).reshape(-1, 1, 1)
        self._std = np.array(std[:channels], dtype=np.float32).reshape(-1, 1, 1)
        self._scale = np.float32(scale)
        self._shuffle = as_flag(shuffle)
        self._random = np.random.RandomState(seed)
        self._order = np.arange(len(images))
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

    def _normalise(self, image):
        """One HWC uint8 image as normalised float32 CHW."""
        pixels = image.transpose(2, 0, 1).astype(np.float32)
        return (pixels - self._mean) / self._std * self._scale

    def _batch(self, samples):
        """``[NDArray]`` of the batch's samples, zeros after the last one."""
        samples = samples + [np.zeros(self._data_shape, np.float32)] * (
            self.batch_size - len(samples))
        return [array(np.stack(samples))]

    def getindex(self):
        index = super().getindex()
        if index is None:
            return None
        return self._order[index.astype(np.int64)].astype(np.uint64)


class ImageRecordIter(RecordImageBatches):
    """Batches of images and labels from a RecordIO file, with MXNet's basic
    augmentation (resize, crop, mirror) and normalisation.

    Parameters
    ----------
    path_imgrec : str
        The ``.rec`` file (records made with ``mx.recordio.pack_img``).
    data_shape : tuple of int
        ``(channels, height, width)`` of a sample; channels 3 (RGB) or 1 (gray).
    batch_size : int
        Images per batch.
    label_width : int
        Labels per image (each record must hold exactly that many); the labels are
        ``(batch_size,)`` for 1, else ``(batch_size, label_width)``.
    shuffle : bool
        A new random order every epoch.
    seed : int
        Seed of the shuffle and of the random crops and mirrors.
    round_batch : bool
        Complete the last batch with the first images (see ``batch_loader.py``).
    resize : int
        Resize the shorter side to this many pixels first (-1: no resize).
    rand_crop : bool
        Crop at a random place instead of the centre.
    rand_mirror, mirror : bool
        Flip left-right half of the time, or always.
    mean_r, mean_g, mean_b, std_r, std_g, std_b, scale : float
        Normalisation: ``(pixel - mean) / std * scale`` per channel.
    inter_method : int
        Resize filter: 1 bilinear (OpenCV's, exactly), 0 nearest.
    data_name, label_name : str
        Names in ``provide_data``/``provide_label``.
    path_imglist, path_imgidx, preprocess_threads, prefetch_buffer, verbose, ctx :
        ignored (MXNet's list-file input and background threads).
    dtype : None or 'float32'
        The output type.

    Differs from MXNet: keyword-only arguments and only the augmentations above;
    images are decoded with Pillow (PNG pixels identical, JPEG within a few levels);
    shuffles, crops and mirrors come from NumPy's ``RandomState(seed)``, so their
    draws differ from MXNet's; an image smaller than ``data_shape`` after ``resize``
    raises an error; ``batch.index`` holds record numbers (MXNet gives 0);
    ``round_batch=False`` pads the last batch like ``CSVIter``.

    Example
    -------
    >>> train_iter = mx.io.ImageRecordIter(path_imgrec='train.rec',
    ...                                    data_shape=(3, 28, 28),
    ...                                    batch_size=32)  # doctest: +SKIP
    """

    def __init__(self, *, path_imgrec, data_shape, batch_size=None, label_width=1,
                 shuffle=False, seed=0, round_batch=True, resize=-1, rand_crop=False,
                 rand_mirror=False, mirror=False, mean_r=0.0, mean_g=0.0, mean_b=0.0,
                 std_r=1.0, std_g=1.0, std_b=1.0, scale=1.0, inter_method=1,
                 data_name="data", label_name="softmax_label", path_imglist="",
                 path_imgidx="", preprocess_threads=4, prefetch_buffer=4, verbose=True,
                 ctx="gpu", dtype=None):
        batch_size = check_batch_size("ImageRecordIter", batch_size)
        check_dtype("ImageRecordIter", dtype, ("float32",))
        data_shape = check_data_shape("ImageRecordIter", data_shape)
        images, labels = read_records(path_imgrec, data_shape[0], resize,
                                      inter_method, "ImageRecordIter")
        images = [image.asnumpy() for image in images]
        self._check_sizes(images, data_shape)
        super().__init__(images, self._label_array(labels, label_width), data_shape,
                         batch_size, round_batch, shuffle, seed,
                         [mean_r, mean_g, mean_b], [std_r, std_g, std_b], scale,
                         data_name, label_name, "ImageRecordIter")
        self._rand_crop = as_flag(rand_crop)
        self._rand_mirror = as_flag(rand_mirror)
        self._mirror = as_flag(mirror)

    @staticmethod
    def _check_sizes(images, data_shape):
        for number, image in enumerate(images):
            if image.shape[0] < data_shape[1] or image.shape[1] < data_shape[2]:
                raise MXNetError(f"ImageRecordIter: image {number} is "
                                 f"{image.shape[0]}x{image.shape[1]} (after resize), "
                                 f"smaller than data_shape {data_shape}; pass a larger "
                                 "resize= or a smaller data_shape")

    @staticmethod
    def _label_array(labels, label_width):
        """MXNet's rule: each record holds exactly ``label_width`` labels."""
        for number, label in enumerate(labels):
            if label.size != label_width:
                raise MXNetError(f"ImageRecordIter: record {number} holds "
                                 f"{label.size} label(s) but label_width is "
                                 f"{label_width}; they must match")
        rows = np.stack(labels)
        return rows[:, 0] if label_width == 1 else rows

    def _augment(self, image):
        """Crop, mirror and normalise one HWC uint8 image to float32 CHW."""
        _, height, width = self._data_shape
        spare_y, spare_x = image.shape[0] - height, image.shape[1] - width
        if self._rand_crop:
            top = self._random.randint(0, spare_y + 1)
            left = self._random.randint(0, spare_x + 1)
        else:
            top, left = spare_y // 2, spare_x // 2
        crop = image[top:top + height, left:left + width]
        if self._mirror or (self._rand_mirror and self._random.rand() < 0.5):
            crop = crop[:, ::-1]
        return self._normalise(crop)

    def getdata(self):
        self._require_batch()
        records = self._order[self._indices]
        return self._batch([self._augment(self._images[record])
                            for record in records])

    def getlabel(self):
        self._require_batch()
        return [array(self._rows(self._label[self._order]))]
