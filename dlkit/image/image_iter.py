"""``ImageIter``: batches of decoded, augmented images from a ``.rec`` file or from
image files listed with their labels.

Where the samples come from::

    path_imgrec (+ path_imgidx)    records made by mx.recordio.pack_img / im2rec
    path_imglist + path_root       a .lst file: index <TAB> label(s) <TAB> path
    imglist + path_root            a Python list: [label or labels..., path]

Each sample is decoded (``imdecode``), run through the augmenter list
(``CreateAugmenter(data_shape, **kwargs)`` unless ``aug_list`` is given), turned
from HWC to CHW and written into a float32 batch ``(batch_size, C, H, W)``.

The last, incomplete batch (``last_batch_handle``)::

    'pad'        fill it with samples from the start; batch.pad says how many
    'discard'    drop it
    'roll_over'  keep it; the next epoch's first batch completes it
"""
import os
import random

from .. import io
from .. import ndarray as nd
from .. import recordio
from .augmenters import CreateAugmenter
from .image import imdecode, numeric_types

__all__ = ["ImageIter"]


def _read_list_file(path_imglist, dtype):
    """``{index: (label NDArray, path)}`` and the indices in file order from a .lst
    file: ``index <TAB> label ... <TAB> path`` per line."""
    imglist = {}
    keys = []
    with open(path_imglist) as handle:
        for line in handle:
            fields = line.strip().split("\t")
            key = int(fields[0])
            imglist[key] = (nd.array(fields[1:-1], dtype=dtype), fields[-1])
            keys.append(key)
    return imglist, keys


def _read_list(imglist, dtype):
    """``{key: (label NDArray, path)}`` and the keys from a list of ``[label, path]``
    or ``[label_0, label_1, ..., path]``; the keys are "1", "2", ... (strings)."""
    result = {}
    keys = []
    for number, item in enumerate(imglist, start=1):
        if len(item) > 2:
            label = nd.array(item[:-1], dtype=dtype)
        elif isinstance(item[0], numeric_types):
            label = nd.array([item[0]], dtype=dtype)
        else:
            label = nd.array(item[0], dtype=dtype)
        result[str(number)] = (label, item[-1])
        keys.append(str(number))
    return result, keys


class ImageIter(io.DataIter):
    """Image data iterator with MXNet's augmentations (see the module docstring).

    Parameters
    ----------
    batch_size : int
        Images per batch.
    data_shape : tuple of int
        ``(3, height, width)`` of every image in a batch.
    label_width : int
        Labels per image (label shape ``(batch_size,)`` when 1, else
        ``(batch_size, label_width)``).
    path_imgrec, path_imgidx : str
        A RecordIO file and its index (the index is needed to shuffle or partition).
    path_imglist : str
        A .lst file (``index <TAB> labels <TAB> path``).
    imglist : list
        ``[label or labels..., path]`` items, instead of a .lst file.
    path_root : str
        Folder the image paths are relative to.
    shuffle : bool
        Shuffle the samples at every reset (Python's ``random``).
    part_index, num_parts : int
        Read only part ``part_index`` of ``num_parts`` equal parts.
    aug_list : list of Augmenter
        The augmenters; default ``CreateAugmenter(data_shape, **kwargs)``.
    data_name, label_name : str
        Names in ``provide_data`` / ``provide_label``.
    dtype : str
        Type of the labels read from a list: float32, float64, int32 or int64 (the
        label batch itself is float32, as in MXNet).
    last_batch_handle : str
        ``'pad'``, ``'discard'`` or ``'roll_over'``.
    kwargs
        Passed to ``CreateAugmenter`` (``resize``, ``rand_crop``, ``mean``, ...).

    Differs from MXNet: images are decoded with Pillow (see ``mx.image.imdecode``).

    Example
    -------
    >>> it = mx.image.ImageIter(2, (3, 4, 4), imglist=[[0, 'a.png'], [1, 'b.png']],
    ...                         path_root='images')
    >>> batch = it.next()
    >>> batch.data[0].shape, batch.label[0].shape
    ((2, 3, 4, 4), (2,))
    """

    def __init__(self, batch_size, data_shape, label_width=1, path_imgrec=None,
                 path_imglist=None, path_root=None, path_imgidx=None, shuffle=False,
                 part_index=0, num_parts=1, aug_list=None, imglist=None,
                 data_name="data", label_name="softmax_label", dtype="float32",
                 last_batch_handle="pad", **kwargs):
        super().__init__()
        if not (path_imgrec or path_imglist or isinstance(imglist, list)):
            raise AssertionError("ImageIter: give path_imgrec, path_imglist or "
                                 "imglist (a list of [label, path])")
        if dtype not in ("int32", "float32", "int64", "float64"):
            raise AssertionError(f"{dtype} label not supported")
        self.imgrec, self.imgidx = self._open_record_file(path_imgrec, path_imgidx)
        if path_imglist:
            self.imglist, keys = _read_list_file(path_imglist, dtype)
        elif isinstance(imglist, list):
            self.imglist, keys = _read_list(imglist, dtype)
        else:
            self.imglist, keys = None, None
        self.path_root = path_root
        self.check_data_shape(data_shape)
        self.provide_data = [(data_name, (batch_size,) + tuple(data_shape))]
        if label_width > 1:
            self.provide_label = [(label_name, (batch_size, label_width))]
        else:
            self.provide_label = [(label_name, (batch_size,))]
        self.batch_size = batch_size
        self.data_shape = data_shape
        self.label_width = label_width
        self.shuffle = shuffle
        self.seq = self._sample_order(keys, shuffle, num_parts, part_index,
                                      path_imgidx)
        self.auglist = CreateAugmenter(data_shape, **kwargs) if aug_list is None \
            else aug_list
        self.cur = 0
        self._allow_read = True
        self.last_batch_handle = last_batch_handle
        self.num_image = len(self.seq) if self.seq is not None else None
        self._cache_data = None
        self._cache_label = None
        self._cache_idx = None
        self.reset()

    @staticmethod
    def _open_record_file(path_imgrec, path_imgidx):
        """The record reader (or None) and, with an index, the list of its keys."""
        if not path_imgrec:
            return None, None
        if path_imgidx:
            reader = recordio.MXIndexedRecordIO(path_imgidx, path_imgrec, "r")
            return reader, list(reader.keys)
        return recordio.MXRecordIO(path_imgrec, "r"), None

    def _sample_order(self, keys, shuffle, num_parts, part_index, path_imgidx):
        """The keys to read, in order; None means "read the .rec file in order"."""
        if self.imgrec is None:
            seq = keys
        elif shuffle or num_parts > 1 or path_imgidx:
            if self.imgidx is None:
                raise AssertionError("ImageIter: shuffle and num_parts > 1 need "
                                     "path_imgidx with path_imgrec")
            seq = self.imgidx
        else:
            seq = None
        if num_parts > 1:
            if part_index >= num_parts:
                raise AssertionError(f"ImageIter: part_index={part_index} must be < "
                                     f"num_parts={num_parts}")
            part = len(seq) // num_parts
            seq = seq[part_index * part:(part_index + 1) * part]
        return seq

    # ----------------------------------------------------------------------------------
    # Epochs.
    # ----------------------------------------------------------------------------------
    def reset(self):
        """Start the next epoch (reshuffled with ``shuffle``). With 'roll_over', the
        samples kept from the last epoch stay for the first batch."""
        if self.seq is not None and self.shuffle:
            random.shuffle(self.seq)
        if self.last_batch_handle != "roll_over" or self._cache_data is None:
            if self.imgrec is not None:
                self.imgrec.reset()
            self.cur = 0
            self._allow_read = True

    def hard_reset(self):
        """Start the next epoch, dropping any samples kept by 'roll_over'."""
        if self.seq is not None and self.shuffle:
            random.shuffle(self.seq)
        if self.imgrec is not None:
            self.imgrec.reset()
        self.cur = 0
        self._allow_read = True
        self._cache_data = None
        self._cache_label = None
        self._cache_idx = None

    # ----------------------------------------------------------------------------------
    # Samples and batches.
    # ----------------------------------------------------------------------------------
    def next_sample(self):
        """``(label, encoded image bytes)`` of the next sample; StopIteration at the
        end of the epoch (which, except with 'discard', also rewinds)."""
        if not self._allow_read:
            raise StopIteration
        if self.seq is None:
            record = self.imgrec.read()
            if record is None:
                if self.last_batch_handle != "discard":
                    self.imgrec.reset()
                raise StopIteration
            header, img = recordio.unpack(record)
            return header.label, img
        if self.cur >= self.num_image:
            if self.last_batch_handle != "discard":
                self.cur = 0
            raise StopIteration
        idx = self.seq[self.cur]
        self.cur += 1
        if self.imgrec is not None:
            header, img = recordio.unpack(self.imgrec.read_idx(idx))
            if self.imglist is None:
                return header.label, img
            return self.imglist[idx][0], img
        label, fname = self.imglist[idx]
        return label, self.read_image(fname)

    def _batchify(self, batch_data, batch_label, start=0):
        """Fill the batch from position ``start``; returns how many are filled."""
        i = start
        try:
            while i < self.batch_size:
                label, s = self.next_sample()
                data = self.imdecode(s)
                try:
                    self.check_valid_image(data)
                except RuntimeError:
                    continue
                data = self.augmentation_transform(data)
                batch_data[i] = self.postprocess_data(data)
                batch_label[i] = label
                i += 1
        except StopIteration:
            if not i:
                raise
        return i

    def _empty_label_batch(self):
        """The label array a new batch fills (``ImageDetIter`` pads it with -1)."""
        return nd.empty(self.provide_label[0][1])

    def next(self):
        """The next ``DataBatch`` (data float32 NCHW, label float32)."""
        if self._cache_data is not None:
            batch_data = self._cache_data
            batch_label = self._cache_label
            i = self._cache_idx
        else:
            batch_data = nd.zeros((self.batch_size,) + tuple(self.data_shape))
            batch_label = self._empty_label_batch()
            i = self._batchify(batch_data, batch_label)
        pad = self.batch_size - i
        if pad != 0:
            if self.last_batch_handle == "discard":
                raise StopIteration
            if self.last_batch_handle == "roll_over" and self._cache_data is None:
                self._cache_data = batch_data
                self._cache_label = batch_label
                self._cache_idx = i
                raise StopIteration
            self._batchify(batch_data, batch_label, i)
            if self.last_batch_handle == "pad":
                self._allow_read = False
            else:
                self._cache_data = None
                self._cache_label = None
                self._cache_idx = None
        return io.DataBatch([batch_data], [batch_label], pad=pad)

    # ----------------------------------------------------------------------------------
    # Steps a subclass may change.
    # ----------------------------------------------------------------------------------
    def check_data_shape(self, data_shape):
        """data_shape must be (3, height, width)."""
        if not len(data_shape) == 3:
            raise ValueError("data_shape should have length 3, with dimensions CxHxW")
        if not data_shape[0] == 3:
            raise ValueError("This iterator expects inputs to have 3 channels.")

    def check_valid_image(self, data):
        """Raise RuntimeError for an image to skip."""
        if len(data[0].shape) == 0:
            raise RuntimeError("Data shape is wrong")

    def imdecode(self, s):
        """Decode ``s``; a broken image raises RuntimeError naming the sample."""
        try:
            return imdecode(s)
        except Exception as error:
            raise RuntimeError(f"{self._locate()}, {error}") from error

    def _locate(self):
        """Which sample was just read, for error messages."""
        if self.seq is None:
            return "Broken image in the record file"
        idx = self.seq[(self.cur % self.num_image) - 1]
        if self.imglist is not None:
            return f"Broken image filename: {self.imglist[idx][1]}"
        return f"Broken image index: {idx}"

    def read_image(self, fname):
        """The bytes of image file ``fname`` (relative to ``path_root``)."""
        with open(os.path.join(self.path_root, fname), "rb") as handle:
            return handle.read()

    def augmentation_transform(self, data):
        """Run the augmenter list on one image."""
        for aug in self.auglist:
            data = aug(data)
        return data

    def postprocess_data(self, datum):
        """HWC -> CHW, as the batch stores it."""
        return nd.transpose(datum, axes=(2, 0, 1))
