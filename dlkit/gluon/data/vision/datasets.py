"""Image datasets: a small offline one (``Digits``), the classic ones read from local
files (``MNIST``, ``FashionMNIST``, ``CIFAR10``, ``CIFAR100``) and
``ImageFolderDataset``.

Every sample is ``(image, label)`` with the image an NDArray in HWC layout (height,
width, channels), uint8 as stored; ``transforms.ToTensor`` turns it into CHW float32.
A dataset's ``transform(image, label)`` (note: both arguments, as MXNet) is applied on
reading.
"""

import gzip
import os
import struct
import warnings

import numpy as np

from .... import ndarray, recordio
from ....base import MXNetError
from ..dataset import Dataset, RecordFileDataset

__all__ = ["Digits", "MNIST", "FashionMNIST", "CIFAR10", "CIFAR100",
           "ImageFolderDataset", "ImageRecordDataset", "make_image_folder"]

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS_TRAIN_SIZE = 1437  # the first 80% of the shuffled 1797 images


class _ArrayImageDataset(Dataset):
    """Images in one uint8 array (N, H, W, C), labels in an int32 array."""

    def __init__(self, transform):
        self._transform = transform
        self._data = None
        self._label = None

    def __getitem__(self, idx):
        image, label = self._data[idx], self._label[idx]
        if self._transform is not None:
            return self._transform(image, label)
        return image, label

    def __len__(self):
        return len(self._label)


class Digits(_ArrayImageDataset):
    """1797 handwritten digits, 8x8 pixels with values 0..16, shipped with dlkit.

    A fixed split: 1437 training and 360 validation images. Samples are ``(image,
    label)`` with image a uint8 NDArray of shape (8, 8, 1) and label an int32.

    Source: the UCI "Optical Recognition of Handwritten Digits" test set (E. Alpaydin,
    C. Kaynak, 1998; CC BY 4.0), as bundled with scikit-learn.

    Example
    -------
    >>> train = mx.gluon.data.vision.Digits(train=True)
    >>> len(train), train[0][0].shape
    (1437, (8, 8, 1))
    """

    def __init__(self, train=True, transform=None):
        super().__init__(transform)
        with np.load(os.path.join(HERE, "digits.npz"), allow_pickle=False) as archive:
            images, labels = archive["images"], archive["labels"]
        part = slice(0, DIGITS_TRAIN_SIZE) if train else slice(DIGITS_TRAIN_SIZE, None)
        self._data = ndarray.array(images[part][..., None], dtype=np.uint8)
        self._label = labels[part].astype(np.int32)


def _require_files(root, names, dataset, url):
    """Full paths of ``names`` under ``root``; a clear error if any is missing."""
    root = os.path.expanduser(root)
    paths = [os.path.join(root, name) for name in names]
    missing = [path for path in paths if not os.path.exists(path)]
    if missing:
        raise MXNetError(
            f"{dataset}: file(s) {', '.join(missing)} not found. dlkit does not "
            f"download datasets: fetch them from {url} and put them in {root} "
            "(or pass root=), or use mx.gluon.data.vision.Digits(), which ships "
            "with dlkit."
        )
    return paths


class MNIST(_ArrayImageDataset):
    """MNIST handwritten digits (28x28x1) from the four idx-ubyte .gz files in ``root``.

    Differs from MXNet: nothing is downloaded; missing files raise an error that says
    where to put them.
    """
    _url = "http://yann.lecun.com/exdb/mnist/"
    _files = {True: ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
              False: ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}

    def __init__(self, root=os.path.join("~", ".mxnet", "datasets", "mnist"),
                 train=True, transform=None):
        super().__init__(transform)
        image_file, label_file = _require_files(root, self._files[train],
                                                type(self).__name__, self._url)
        with gzip.open(label_file, "rb") as handle:
            struct.unpack(">II", handle.read(8))
            label = np.frombuffer(handle.read(), dtype=np.uint8).astype(np.int32)
        with gzip.open(image_file, "rb") as handle:
            struct.unpack(">IIII", handle.read(16))
            data = np.frombuffer(handle.read(), dtype=np.uint8)
        self._data = ndarray.array(data.reshape(len(label), 28, 28, 1), dtype=np.uint8)
        self._label = label


class FashionMNIST(MNIST):
    """Fashion-MNIST (same file names and format as MNIST)."""
    _url = "https://github.com/zalandoresearch/fashion-mnist"

    def __init__(self, root=os.path.join("~", ".mxnet", "datasets", "fashion-mnist"),
                 train=True, transform=None):
        super().__init__(root, train, transform)


class CIFAR10(_ArrayImageDataset):
    """CIFAR-10 (32x32x3) from the binary batches in ``root/cifar-10-batches-bin``."""
    _url = "https://www.cs.toronto.edu/~kriz/cifar.html"
    _folder = "cifar-10-batches-bin"
    _label_bytes = 1

    def __init__(self, root=os.path.join("~", ".mxnet", "datasets", "cifar10"),
                 train=True, transform=None):
        super().__init__(transform)
        names = [os.path.join(self._folder, name) for name in self._batch_files(train)]
        paths = _require_files(root, names, type(self).__name__, self._url)
        records = [self._read_batch(path) for path in paths]
        data = np.concatenate([images for images, _ in records])
        self._data = ndarray.array(data, dtype=np.uint8)
        self._label = np.concatenate([labels for _, labels in records])

    def _batch_files(self, train):
        if train:
            return [f"data_batch_{i}.bin" for i in range(1, 6)]
        return ["test_batch.bin"]

    def _label_column(self):
        return 0

    def _read_batch(self, path):
        """Each record: label byte(s), then 3072 bytes of R, G and B planes."""
        with open(path, "rb") as handle:
            raw = np.frombuffer(handle.read(), dtype=np.uint8)
        raw = raw.reshape(-1, 3072 + self._label_bytes)
        images = raw[:, self._label_bytes:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return images, raw[:, self._label_column()].astype(np.int32)


class CIFAR100(CIFAR10):
    """CIFAR-100 from ``root/cifar-100-binary``; ``fine_label`` picks the 100 classes
    instead of the 20 superclasses."""
    _folder = "cifar-100-binary"
    _label_bytes = 2

    def __init__(self, root=os.path.join("~", ".mxnet", "datasets", "cifar100"),
                 fine_label=False, train=True, transform=None):
        self._fine_label = fine_label
        super().__init__(root, train, transform)

    def _batch_files(self, train):
        return ["train.bin" if train else "test.bin"]

    def _label_column(self):
        return 1 if self._fine_label else 0


class ImageFolderDataset(Dataset):
    """Images in one sub-folder per class: ``root/cat/1.jpg``, ``root/dog/2.png``.

    ``synsets`` lists the class names (sorted folder names), ``items`` the ``(file,
    label)`` pairs. ``flag=1`` reads RGB (H, W, 3), ``flag=0`` grayscale (H, W, 1).
    Images are decoded with Pillow.

    Example
    -------
    >>> root = mx.gluon.data.vision.make_image_folder('/tmp/shapes')  # doctest: +SKIP
    >>> dataset = mx.gluon.data.vision.ImageFolderDataset(root)       # doctest: +SKIP
    """
    _exts = (".jpg", ".jpeg", ".png")

    def __init__(self, root, flag=1, transform=None):
        self._root = os.path.expanduser(root)
        self._flag = flag
        self._transform = transform
        self._list_images(self._root)

    def _list_images(self, root):
        if not os.path.isdir(root):
            raise MXNetError(f"ImageFolderDataset: {root} is not a folder; pass the "
                             "folder that holds one sub-folder per class")
        self.synsets, self.items = [], []
        for folder in sorted(os.listdir(root)):
            path = os.path.join(root, folder)
            if not os.path.isdir(path):
                warnings.warn(
                    f"Ignoring {path}, which is not a directory.", stacklevel=3
                )
                continue
            label = len(self.synsets)
            self.synsets.append(folder)
            for filename in sorted(os.listdir(path)):
                filename = os.path.join(path, filename)
                ext = os.path.splitext(filename)[1]
                if ext.lower() not in self._exts:
                    warnings.warn(f"Ignoring {filename} of type {ext}. Only support "
                                  f"{', '.join(self._exts)}")
                    continue
                self.items.append((filename, label))
        if not self.items:
            raise MXNetError(
                f"ImageFolderDataset: no images found under {root}. Put each class's "
                f"images ({', '.join(self._exts)}) in its own sub-folder, such as "
                f"{os.path.join(root, 'cat', '0.png')}; make_image_folder() creates a "
                "small example.")

    def __getitem__(self, idx):
        from PIL import Image
        filename, label = self.items[idx]
        with Image.open(filename) as image:
            pixels = np.asarray(image.convert("RGB" if self._flag else "L"))
        if pixels.ndim == 2:
            pixels = pixels[..., None]
        image = ndarray.array(pixels, dtype=np.uint8)
        if self._transform is not None:
            return self._transform(image, label)
        return image, label

    def __len__(self):
        return len(self.items)


class ImageRecordDataset(RecordFileDataset):
    """Images packed in a RecordIO file (``mx.recordio.pack_img``), with their labels.

    ``dataset[i]`` is ``(image, label)``: the image a uint8 NDArray, (H, W, 3) in RGB
    order for ``flag=1`` or (H, W, 1) gray for ``flag=0``; the label the header's
    (a float, or a float32 array for several labels). ``transform(image, label)`` is
    applied on reading. Images are decoded with Pillow (``pip install Pillow``).

    Differs from MXNet: Pillow instead of OpenCV decodes the images, so JPEG pixels
    may differ by a few levels (PNG pixels are identical).

    Example
    -------
    >>> dataset = mx.gluon.data.vision.ImageRecordDataset('train.rec')  # doctest: +SKIP
    """

    def __init__(self, filename, flag=1, transform=None):
        super().__init__(filename)
        self._flag = flag
        self._transform = transform

    def __getitem__(self, idx):
        header, payload = recordio.unpack(super().__getitem__(idx))
        pixels = recordio.decode_image(payload, 1 if self._flag else 0)
        if pixels is None:
            raise MXNetError(f"ImageRecordDataset: record {idx} of {self.filename} "
                             "is not an image Pillow can decode")
        if pixels.ndim == 2:
            pixels = pixels[..., None]
        image = ndarray.array(pixels, dtype=np.uint8)
        if self._transform is not None:
            return self._transform(image, header.label)
        return image, header.label


def make_image_folder(root, classes=("circle", "square"), per_class=4, size=16, seed=0):
    """Write a tiny ImageFolderDataset: ``per_class`` PNGs of ``size`` pixels per class.

    Each class is a shape drawn at a random place and color (circle, square, triangle
    or cross), so a small network can learn to tell them apart. Returns ``root``.
    """
    from PIL import Image, ImageDraw
    random = np.random.RandomState(seed)
    shapes = ("circle", "square", "triangle", "cross")
    for class_index, name in enumerate(classes):
        folder = os.path.join(os.path.expanduser(root), name)
        os.makedirs(folder, exist_ok=True)
        shape = name if name in shapes else shapes[class_index % len(shapes)]
        for item in range(per_class):
            image = Image.new("RGB", (size, size), (0, 0, 0))
            draw = ImageDraw.Draw(image)
            low, high = sorted(random.randint(1, size - 1, size=2))
            high = max(high, low + 3)
            color = tuple(int(c) for c in random.randint(80, 256, size=3))
            box = [low, low, high, high]
            if shape == "circle":
                draw.ellipse(box, fill=color)
            elif shape == "square":
                draw.rectangle(box, fill=color)
            elif shape == "triangle":
                draw.polygon([(low, high), (high, high), ((low + high) // 2, low)],
                             fill=color)
            else:
                draw.line([(low, low), (high, high)], fill=color, width=2)
                draw.line([(low, high), (high, low)], fill=color, width=2)
            image.save(os.path.join(folder, f"{item}.png"))
    return root
