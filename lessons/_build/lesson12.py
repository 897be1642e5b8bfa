"""Lesson 12 · Data pipelines: datasets, samplers, DataLoader, transforms, image folders."""
from notebook import check, md, solution

NAME = "12-data-pipelines"
CELLS = [
md("""
# 12 · Data pipelines

**What you will build:** the input pipeline of an image classifier, piece by piece. A
dataset that returns one sample at a time, transforms that turn each image into a
network input, a sampler that picks the order, a `DataLoader` that stacks samples
into batches (in worker processes if you like), and at the end an
`ImageFolderDataset` reading PNG files from one folder per class, the way you would
organise your own photos.

Time: about 30 minutes. You need lessons 10 and 11 (Gluon basics and networks).
"""),
check("""
import os
import tempfile

import numpy as np

import dlkit as mx
from dlkit import nd
from dlkit.gluon.data import ArrayDataset, DataLoader, Dataset, SimpleDataset, sampler
from dlkit.gluon.data.vision import transforms

mx.random.seed(0)
np.random.seed(0)
"""),
md("""
## A dataset is `__getitem__` and `__len__`

Any object with those two methods is a dataset: `dataset[i]` is one sample, usually
a `(data, label)` pair. Here a made-up one, where the label says whether the number
is a perfect square:
"""),
check("""
class Squares(Dataset):
    def __getitem__(self, idx):
        return nd.array([idx]), int(np.sqrt(idx)) ** 2 == idx

    def __len__(self):
        return 20

squares = Squares()
print(len(squares), squares[9][0].asscalar(), squares[9][1], squares[10][1])
"""),
md("""
Nothing is computed until a sample is asked for, so a dataset can describe
millions of files without reading them. Two ready-made datasets cover data you
already have in memory. `SimpleDataset` wraps anything indexable:
"""),
check("""
letters = SimpleDataset(list("abcde"))
print(len(letters), letters[0], letters[4])
"""),
md("""
`ArrayDataset` zips arrays of equal length (lesson 10). One MXNet quirk: a 1-D
NDArray is kept as NumPy, so labels come back as NumPy scalars, not NDArrays.
"""),
check("""
X = nd.arange(12).reshape((6, 2))
y = nd.arange(6)
pairs = ArrayDataset(X, y)
x1, y1 = pairs[1]
print(x1, type(y1).__name__, float(y1))
"""),
md("""
## transform and transform_first

`dataset.transform(fn)` returns a new dataset whose samples are `fn(*sample)`: for a
pair, `fn` receives both the data and the label. `transform_first(fn)` applies `fn` to
the data only, which is what image transforms need. Both are lazy: `fn` runs each
time a sample is read.
"""),
check("""
doubled = pairs.transform(lambda x, y: (x * 2, y + 100))
scaled = pairs.transform_first(lambda x: x / 10)
print(doubled[1][0], float(doubled[1][1]))
print(scaled[1][0], float(scaled[1][1]))
"""),
md("""
`lazy=False` runs `fn` on every sample now and keeps the results (a `SimpleDataset`):
worth it when the transform is slow and deterministic, wrong for random
augmentation, which must change every epoch.

## Samplers: which samples, in which order

A sampler yields indices. `SequentialSampler` goes in order, `RandomSampler` draws a
new permutation (from NumPy's random generator) each time it is iterated:
"""),
check("""
print(list(sampler.SequentialSampler(5)))
random_sampler = sampler.RandomSampler(5)
print([int(i) for i in random_sampler], [int(i) for i in random_sampler])
"""),
md("""
`BatchSampler` groups indices into lists. Ten indices in batches of 4 leave 2 over;
`last_batch` decides their fate: `'keep'` yields a short batch, `'discard'` drops
it, `'rollover'` puts it at the start of the next epoch:
"""),
check("""
for last_batch in ("keep", "discard", "rollover"):
    batches = sampler.BatchSampler(sampler.SequentialSampler(10), 4, last_batch)
    print(f"{last_batch:9}", list(batches), list(batches))
"""),
md("""
With `'rollover'` the first epoch has two batches, the second three: 8 and 9 open
it, and it leaves nothing over. Every sample is still seen equally often.

## DataLoader

`DataLoader(dataset, batch_size, shuffle, last_batch)` builds those samplers for you
(`shuffle=True` takes a RandomSampler), reads the samples of each batch and stacks
them. The same choice on our 6 pairs in batches of 4, over two epochs:
"""),
check("""
for last_batch in ("keep", "discard", "rollover"):
    loader = DataLoader(pairs, batch_size=4, last_batch=last_batch)
    epochs = [[x.shape[0] for x, _ in loader] for _ in range(2)]
    print(f"{last_batch:9} batch sizes per epoch {epochs}, len {len(loader)}")
"""),
md("""
Pass your own `sampler=` (or a whole `batch_sampler=`) for any other order, such as
a class-balanced one.

## batchify_fn: how samples become a batch

The loader hands the list of samples of one batch to `batchify_fn`. The default,
`default_batchify_fn`, stacks each position of the tuples into one NDArray with a new
first axis:
"""),
check("""
from dlkit.gluon.data import default_batchify_fn

samples = [pairs[i] for i in range(3)]
data, label = default_batchify_fn(samples)
print(data.shape, label.shape, label)
"""),
md("""
Stacking needs samples of one shape. When they differ (sentences, images of many
sizes) you write your own `batchify_fn`. The simplest returns the list unchanged:
"""),
check("""
ragged = SimpleDataset([nd.ones(n) for n in (1, 3, 2, 4)])
as_lists = DataLoader(ragged, batch_size=2, batchify_fn=lambda samples: samples)
print([[s.shape for s in batch] for batch in as_lists])
"""),
md("""
The exercise at the end asks for a better one, which pads the samples to a common
length.

## num_workers: reading in parallel

Reading and decoding images can take longer than training on them.
`num_workers=2` starts two worker processes, which read and stack batches while the
main process uses the previous ones; batches still arrive in order. The results are
the same as without workers:
"""),
check("""
from dlkit.gluon.data.vision import Digits

digits = Digits(train=True)
serial = [x.asnumpy() for x, _ in DataLoader(digits, batch_size=100)]
parallel = [x.asnumpy() for x, _ in DataLoader(digits, batch_size=100, num_workers=2)]
print(len(parallel), all((a == b).all() for a, b in zip(serial, parallel)))
"""),
md("""
Workers pay off for slow `__getitem__`s (files, decoding, augmentation); for arrays
already in memory they only add the cost of sending batches between processes.

## Image transforms

`gluon.data.vision.transforms` holds Blocks that take one image. An image starts as
HWC `uint8` (height, width, channels, values 0..255). `ToTensor` makes it CHW
`float32` in [0, 1], `Normalize(mean, std)` computes `(x - mean) / std` per channel,
`Resize` changes the size. `Compose` chains them:
"""),
check("""
image, label = digits[0]
pipeline = transforms.Compose([transforms.Resize(16),
                               transforms.ToTensor(),
                               transforms.Normalize(mean=0.03, std=0.02)])
tensor = pipeline(image)
print(image.shape, image.dtype, "->", tensor.shape, tensor.dtype)
"""),
md("""
The digits go from 0 to 16, not 255, so after `ToTensor` they lie in [0, 0.063];
mean 0.03 and std 0.02 bring them to roughly [-1.5, 1.6]:
"""),
check("""
print(round(tensor.min().asscalar(), 2), round(tensor.max().asscalar(), 2))
"""),
md("""
Random transforms augment the data: each read gives a new variant, so the network
never sees exactly the same image twice. `RandomFlipLeftRight` mirrors the image
with probability 1/2. On a 2x3 image:
"""),
check("""
tiny = nd.arange(6).reshape((2, 3, 1)).astype('uint8')
flip = transforms.RandomFlipLeftRight()
for _ in range(3):
    print(flip(tiny)[:, :, 0].asnumpy().tolist())
"""),
md("""
The draws come from `mx.random`, so `mx.random.seed` makes them repeatable.
`RandomFlipTopBottom`, `RandomResizedCrop` and `CenterCrop` work the same way.

## ImageFolderDataset

Your own images usually sit in one folder per class: `root/circle/0.png`,
`root/square/0.png` ... `make_image_folder` writes such a tree: small PNGs of
shapes, in a temporary folder.
"""),
check("""
from dlkit.gluon.data.vision import ImageFolderDataset, make_image_folder

root = make_image_folder(os.path.join(tempfile.mkdtemp(), "shapes"),
                         classes=("circle", "square", "triangle"), per_class=4, size=16)
print(sorted(os.listdir(root)), sorted(os.listdir(os.path.join(root, "circle"))))
"""),
md("""
`ImageFolderDataset(root, flag=1, transform=None)` lists the tree. `synsets` are the
class names (the sorted folder names); a label is an index into it. `items` are the
`(file, label)` pairs:
"""),
check("""
shapes = ImageFolderDataset(root)
print(shapes.synsets, len(shapes))
print([(os.path.relpath(path, root), label) for path, label in shapes.items[3:6]])
"""),
md("""
Files are decoded only when read. `flag=1` (the default) gives RGB images, `flag=0`
grayscale:
"""),
check("""
image, label = shapes[5]
print(image.shape, image.dtype, shapes.synsets[label])
print(ImageFolderDataset(root, flag=0)[5][0].shape)
"""),
md("""
The dataset's own `transform` argument is called with *both* image and label (as
`Dataset.transform`); for image-only transforms use `transform_first`. The whole
pipeline: files, transforms with augmentation, shuffled batches.
"""),
check("""
augment = transforms.Compose([transforms.RandomFlipLeftRight(),
                              transforms.Resize(8),
                              transforms.ToTensor()])
loader = DataLoader(shapes.transform_first(augment), batch_size=5, shuffle=True,
                    last_batch="discard")
for X, y in loader:
    print(X.shape, X.dtype, [shapes.synsets[int(i)] for i in y.asnumpy()])
"""),
md("""
Ready for a network's `Conv2D` (lesson 11): (batch, channels, height, width) float32.

## Summary

* A dataset is `__getitem__` + `__len__`; `SimpleDataset` and `ArrayDataset` wrap
  data in memory; `transform` / `transform_first` map samples lazily.
* Samplers give the order (`SequentialSampler`, `RandomSampler`) and the grouping
  (`BatchSampler`, with `last_batch` = `'keep'`, `'discard'` or `'rollover'`).
* `DataLoader` = sampler + reading + `batchify_fn`; `num_workers` reads in parallel
  processes.
* `transforms`: `ToTensor` (HWC uint8 to CHW float), `Normalize`, `Resize`, and random
  ones like `RandomFlipLeftRight`; `Compose` chains them.
* `ImageFolderDataset(root)`: one folder per class, `synsets` and `items`.

## Exercises

1. Write `pad_batchify(samples)` for samples `(sequence, label)` whose 1-D sequences
   have different lengths: return `(data, label)` with `data` of shape (batch,
   longest length), each sequence at the start of its row and zeros after it, and the
   labels as an NDArray. `check_pad_batchify` tests it, also inside a `DataLoader`.
"""),
solution("""
def pad_batchify(samples):
    ### BEGIN SOLUTION
    longest = max(sequence.shape[0] for sequence, _ in samples)
    data = nd.zeros((len(samples), longest))
    for row, (sequence, _) in enumerate(samples):
        data[row, :sequence.shape[0]] = sequence
    label = nd.array([label for _, label in samples])
    return data, label
    ### END SOLUTION
""", "pad_batchify"),
check("""
from dlkit.exercises_gluon import check_pad_batchify

check_pad_batchify(pad_batchify)
"""),
md("""
2. Write a sampler that yields the indices of `shapes` class by class, circles first,
   and pass it to `DataLoader(shapes, 4, sampler=...)`. What do the label batches look
   like?
3. Build the same `loader` with `lazy=False` in `transform_first`. How do the images
   of two epochs differ now, and why is that bad for augmentation?
4. Time one epoch over `shapes.transform_first(augment)` with `num_workers=0` and
   `num_workers=2`. Which is faster for 12 tiny files, and why?

## Read the source

* `dlkit/gluon/data/dataset.py`: `Dataset.transform`, `transform_first`,
  `SimpleDataset`, `ArrayDataset`.
* `dlkit/gluon/data/sampler.py`: `SequentialSampler`, `RandomSampler`,
  `BatchSampler.__iter__` (the three `last_batch` cases).
* `dlkit/gluon/data/dataloader.py`: `DataLoader.__init__` (which samplers it builds),
  `default_batchify_fn`, `_MultiWorkerIter` (the workers).
* `dlkit/gluon/data/vision/transforms.py`: `Compose`, `ToTensor`, `Normalize`,
  `Resize`, `RandomFlipLeftRight`.
* `dlkit/gluon/data/vision/datasets.py`: `ImageFolderDataset._list_images`,
  `make_image_folder`.
"""),
]
