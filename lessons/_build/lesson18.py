"""Lesson 18 · Sparse arrays (CSR, row_sparse), RecordIO files, the model zoo."""
from notebook import check, code, md, solution

NAME = "18-sparse-records-zoo"
CELLS = [
md("""
# 18 · Sparse arrays, record files and the model zoo

**What you will build:** three tools you meet as soon as the data gets big. A bag of
words stored as a *sparse* matrix (only its non-zeros), multiplied by a weight, with
a gradient that touches only the words that occur, as an `Embedding` with
`sparse_grad=True` gives it. A *record file* of images, MXNet's one-file format for a
dataset, written byte by byte and read back by `ImageRecordIter` and
`ImageRecordDataset`. And a ResNet-18 from the *model zoo*: its structure, its
parameter names, saving and loading it, and what `pretrained=True` does here. In the
exercise you write the CSR encoding yourself, and a checker compares it with MXNet's.

Time: about 30 minutes. You need lessons 02 (NDArray), 03 (autograd), 10 and 11
(Gluon) and 12 (data pipelines).

Every cell runs unchanged with `import mxnet as mx` (and `from mxnet import ...`),
except the one cell marked *dlkit's internals* and the exercise's checker, which comes
with dlkit. Three cells give other output with MXNet, as the text says where they
come: `pack_img` needs OpenCV's Python package (`pip install opencv-python`), its PNG
files have other sizes, and `pretrained=True` downloads.
"""),
check("""
import os
import struct
import tempfile

import numpy as np

import dlkit as mx
from dlkit import autograd, nd
from dlkit.gluon import nn
from dlkit.gluon.model_zoo import vision

mx.random.seed(0)
np.random.seed(0)
"""),
md("""
## Storing only the non-zeros

A *bag of words* describes each document by how often each word of a vocabulary
occurs in it: one row per document, one column per word. Here are 4 documents over a
vocabulary of 5 words; document 2 is empty and nobody wrote "date". With a real
vocabulary of 100,000 words and documents of a few hundred, more than 99% of the
entries are zero, and storing them all is a waste.

`tostype('csr')` stores the matrix in *compressed sparse row* format:
"""),
check("""
vocabulary = ["apple", "banana", "cherry", "date", "elder"]
counts = np.array([[0, 1, 0, 0, 2],
                   [3, 0, 1, 0, 0],
                   [0, 0, 0, 0, 0],
                   [1, 0, 0, 0, 0]], dtype=np.float32)
A = nd.array(counts).tostype("csr")
print(A)
print(A.stype, A.shape, A.dtype)
"""),
md("""
A `CSRNDArray` is three 1-D arrays:

* `data`: the non-zero values, row after row, left to right within a row;
* `indices`: the column of each value;
* `indptr`: where each row starts in `data`, plus one entry for the end.
"""),
check("""
print("data   ", A.data.asnumpy())
print("indices", A.indices.asnumpy())
print("indptr ", A.indptr.asnumpy())
"""),
md("""
Row `i` is `data[indptr[i]:indptr[i+1]]`, in the columns
`indices[indptr[i]:indptr[i+1]]`. So `indptr` has one entry more than there are rows,
starts at 0 and ends at the number of values; an empty row (row 2) starts where the
next one does, which is why 4 appears twice. `indices` and `indptr` are int64;
`data` keeps the matrix's dtype. Reading the documents back needs nothing but these
three arrays:
"""),
check("""
data, indices, indptr = A.data.asnumpy(), A.indices.asnumpy(), A.indptr.asnumpy()
for row in range(A.shape[0]):
    start, stop = indptr[row], indptr[row + 1]
    words = [f"{vocabulary[column]} x{value:g}"
             for column, value in zip(indices[start:stop], data[start:stop])]
    print(row, words)
"""),
md("""
The other way round, `mx.nd.sparse.csr_matrix((data, indices, indptr), shape=...)`
builds a CSR array from its three parts (lists, NumPy arrays or NDArrays). Give the
shape: the parts cannot tell that the matrix has a fifth column if no value sits in
it, or a last row if it is empty.
"""),
check("""
B = nd.sparse.csr_matrix(([1, 2, 3, 1, 1], [1, 4, 0, 2, 0], [0, 2, 4, 4, 5]),
                         shape=(4, 5))
print(B.stype, B.dtype)
print(B.asnumpy())
print("same as counts:", (B.asnumpy() == counts).all())
"""),
md("""
### row_sparse: whole rows

The second sparse storage type, `row_sparse`, keeps whole rows: `indices` lists the
rows that hold a non-zero (sorted), `data` holds those rows, one per index. It suits
arrays whose non-zeros come in rows, such as the gradient of a weight of which a
batch used only a few rows (coming below).
"""),
check("""
R = nd.array(counts).tostype("row_sparse")
print(R.stype, "indices", R.indices.asnumpy())
print(R.data.asnumpy())
"""),
md("""
`tostype('default')` turns either back into an ordinary dense NDArray. MXNet has no
direct conversion between the two sparse types: go through `'default'`.
"""),
check("""
print(A.tostype("default").stype, R.tostype("default").stype)
try:
    A.tostype("row_sparse")
except ValueError as error:
    print("ValueError:", error)
"""),
md("""
What CSR saves grows with the size: 1000 documents over 2000 words, 20 words each
(1% non-zeros). Each stored value costs its 4 bytes plus an 8-byte column index,
and each row an 8-byte `indptr` entry:
"""),
check("""
rng = np.random.RandomState(0)
big = np.zeros((1000, 2000), dtype=np.float32)
for row in big:
    row[rng.choice(2000, 20, replace=False)] = 1
big_csr = nd.array(big).tostype("csr")
parts = [big_csr.data, big_csr.indices, big_csr.indptr]
sparse_bytes = sum(part.size * np.dtype(part.dtype).itemsize for part in parts)
print(f"dense: {big.nbytes:,} bytes, csr: {sparse_bytes:,} bytes")
"""),
md("""
## Products, and which storage type comes out

Give every word a vector of 3 numbers, the rows of a dense weight `W` (5 x 3).
`mx.nd.sparse.dot(A, W)` adds up the vectors of each document's words, weighted by
their counts: a dense 4 x 3 result (the empty document gets zeros).
"""),
check("""
W = nd.arange(15).reshape((5, 3))
doc_vectors = nd.sparse.dot(A, W)
print(doc_vectors.stype)
print(doc_vectors)
"""),
md("""
Training `W` needs the gradient of the loss with respect to it: for `Y = A W` that is
`A.T dY`, with `dY` the gradient with respect to `Y`. Row `w` of it sums `dY` over the
documents that contain word `w`, so a word that occurs nowhere gets a row of zeros.
`dot(A, dY, transpose_a=True)` knows that and returns a `row_sparse` array: no row for
"date" (word 3).
"""),
check("""
dY = nd.ones((4, 3))
dW = nd.sparse.dot(A, dY, transpose_a=True)
print(dW.stype, dW.shape)
print("rows", dW.indices.asnumpy())
print(dW.data.asnumpy())
"""),
md("""
Each stored row is the word's total count times a row of ones: apple 4, banana 1,
cherry 1, elder 2. MXNet picks each result's storage type from the inputs' (its
*storage type inference*). The rule behind it: a result stays sparse where the
operation keeps zeros at zero, and a sparse kernel exists for it.

| expression | result |
| --- | --- |
| `dot(csr, dense)` | dense |
| `dot(csr, dense, transpose_a=True)` | row_sparse |
| `dot(dense, csr)` | csr (on CPU) |
| `csr * 2`, `csr * dense`, `sparse.sin(csr)` | csr: `0 * x` and `sin(0)` are 0 |
| `csr + 1`, `sparse.exp(csr)` | dense: `0 + 1` and `exp(0)` are not 0 |
"""),
check("""
print((A * 2).stype, (A * nd.ones((4, 5))).stype, nd.sparse.sin(A).stype)
print((A + 1).stype, nd.sparse.exp(A).stype, nd.sparse.dot(nd.ones((2, 4)), A).stype)
"""),
md("""
## An Embedding with a sparse gradient

`nn.Embedding(input_dim, output_dim)` is a lookup table: token `t` becomes row `t` of
its weight (input_dim x output_dim). A batch looks up a few rows, and only those rows
get a gradient. With `sparse_grad=True` the gradient is `row_sparse` and stores just
them. Look up tokens 2, 7 and 2 again in a table of 10:
"""),
check("""
embedding = nn.Embedding(input_dim=10, output_dim=4, sparse_grad=True)
embedding.initialize()
tokens = nd.array([2, 7, 2])
with autograd.record():
    loss = embedding(tokens).sum()
loss.backward()
grad = embedding.weight.grad()
print(grad.stype, grad.shape)
print("rows", grad.indices.asnumpy())
print(grad.data.asnumpy())
"""),
md("""
Two stored rows: token 2 was looked up twice, so its row of the gradient holds 2s.
(Gluon does it by creating the weight with `grad_stype='row_sparse'`: the gradient
buffer is a `RowSparseNDArray`, and the `Embedding` operator fills it.)
Without `sparse_grad` the gradient is a dense 10 x 4 array, eight rows of it zeros;
for a vocabulary of a million words, a million rows to allocate, add up across devices
and hand to the optimizer for every batch.
"""),
check("""
dense_embedding = nn.Embedding(input_dim=10, output_dim=4)
dense_embedding.initialize()
with autograd.record():
    loss = dense_embedding(tokens).sum()
loss.backward()
dense_grad = dense_embedding.weight.grad()
non_zero_rows = (dense_grad.abs().sum(axis=1) > 0).sum().asscalar()
print(dense_grad.stype, dense_grad.shape, "rows with a non-zero:", int(non_zero_rows))
"""),
md("""
### What dlkit stores

*This cell opens dlkit's internals; it does not run with MXNet.*

dlkit models the sparse **API** and the **encodings** exactly as MXNet has them:
the classes, `stype`, `data`/`indices`/`indptr`, the conversions, which storage type
every operation returns, the file format of `mx.nd.save`. It does **not** save the
memory. A `CSRNDArray` or `RowSparseNDArray` is an `NDArray` subclass that keeps all
the dense values; `data`, `indices` and `indptr` are computed from them each time you
ask. MXNet's C++ NDArray really stores the parts (the values and the *aux* arrays
`indptr` and `indices`) and has kernels that work on them.
"""),
check("""
# dlkit's internals: a CSRNDArray holds every value, zeros included
print(type(big_csr).__name__, "is an NDArray:", isinstance(big_csr, nd.NDArray))
print(type(big_csr._data).__name__, big_csr._data.shape,
      f"{big_csr._data.nbytes:,} bytes")
"""),
md("""
So with dlkit a sparse array teaches the format and what MXNet does with it, and
costs as much as a dense one. Because only the values are kept, an explicit zero is
never stored: `csr_matrix(([0., 1.], [0, 2], [0, 1, 2]), shape=(2, 3)).data` is
`[1.]` in dlkit and `[0., 1.]` in MXNet. And the ordinary `mx.nd` functions
(`mx.nd.dot`, `mx.nd.sin`) return dense arrays on sparse inputs: use
`mx.nd.sparse.dot`, `mx.nd.sparse.sin` (as above) for MXNet's storage types. The
docstring at the top of `dlkit/ndarray/sparse.py` lists every difference.

## Record files

A dataset of a million small image files is slow to read: a million opens, seeks all
over the disk. MXNet packs a dataset into one *RecordIO* file (`.rec`) instead, the
records one after another, each an image with its label; an index file (`.idx`)
gives each record's byte offset for random access. `ImageRecordIter` and
`ImageRecordDataset` read it.

First some images, made with NumPy: 12 x 12 RGB, a red horizontal band for label 0,
a blue vertical one for label 1, on dark noise.
"""),
check("""
def make_image(label, rng):
    \"\"\"A 12x12 RGB uint8 image: a red horizontal band (label 0) or a blue vertical
    band (label 1) on dark noise.\"\"\"
    image = rng.randint(0, 40, (12, 12, 3)).astype(np.uint8)
    if label == 0:
        image[3:9, :, 0] = 255
    else:
        image[:, 3:9, 2] = 255
    return image


rng = np.random.RandomState(1)
labels = [0, 1, 0, 1, 0, 1]
images = [make_image(label, rng) for label in labels]
print(len(images), images[0].shape, images[0].dtype, images[0][5, 0], images[1][0, 5])
"""),
md("""
`MXIndexedRecordIO(idx_path, rec_path, 'w')` writes both files; `write_idx(key, buf)`
appends one record. `pack_img(header, image, img_fmt='.png')` encodes an image and
puts an `IRHeader(flag, label, id, id2)` in front of it. Two things to know about
`pack_img`: it takes OpenCV's channel order, BGR, so an RGB image is reversed on its
last axis first (`image[:, :, ::-1]`); and PNG is lossless, where the default
`'.jpg'` would change the pixels a little. (MXNet's `pack_img` encodes with OpenCV's
Python package, `cv2`; dlkit's with Pillow. The files are compatible, but the two
encoders compress differently, so with MXNet the sizes and offsets below differ.)
"""),
code("""
folder = tempfile.mkdtemp()
rec_path = os.path.join(folder, "bands.rec")
idx_path = os.path.join(folder, "bands.idx")

writer = mx.recordio.MXIndexedRecordIO(idx_path, rec_path, "w")
packed = []
for i, (image, label) in enumerate(zip(images, labels)):
    header = mx.recordio.IRHeader(flag=0, label=float(label), id=i, id2=0)
    packed.append(mx.recordio.pack_img(header, image[:, :, ::-1], img_fmt=".png"))
    writer.write_idx(i, packed[-1])
writer.close()
print(os.path.getsize(rec_path), "bytes")
print(open(idx_path).read())
"""),
md("""
The index file is text: one `key<TAB>offset` line per record. Now open the `.rec`
file as plain bytes at record 3's offset. Each record starts with two little-endian
32-bit words: the *magic number* `0xced7230a`, then `lrecord`, whose top 3 bits are a
continuation flag and the other 29 bits the length of the payload. The payload here
is what `pack_img` returned: the 24-byte `IRHeader` (struct format `IfQQ`: flag,
label, id, id2), then the PNG file, which starts with PNG's own signature.
"""),
check("""
reader = mx.recordio.MXIndexedRecordIO(idx_path, rec_path, "r")
offset = reader.idx[3]
with open(rec_path, "rb") as f:
    f.seek(offset)
    raw = f.read(8 + 24 + 8)
magic, lrecord = struct.unpack("<II", raw[:8])
length = lrecord & (2**29 - 1)
print(f"magic number: 0x{magic:08x}")
print("continuation flag:", lrecord >> 29)
print("length is the packed record's:", length == len(packed[3]))
print("IRHeader (flag, label, id, id2):", struct.unpack("<IfQQ", raw[8:32]))
print("payload starts with", raw[32:40])
"""),
md("""
Flag 0 means "a whole record". The magic number lets a reader find the start of a
record anywhere in the file, which is how MXNet splits one file between several
workers; should those 4 bytes occur inside a payload (at a multiple of 4), the writer
cuts the record there into pieces with flags 1, 2 and 3. The payload is padded with zeros to a multiple of
4 bytes, so the next record starts at the next 4-byte boundary:
"""),
code("""
padded = (length + 3) // 4 * 4
print(f"record 3: offset {offset}, {length} bytes of payload, padded to {padded}")
print("record 4 starts at", offset + 8 + padded, "and the index says", reader.idx[4])
"""),
md("""
`read_idx(key)` seeks to a record and reads it; `unpack_img` splits off the header and
decodes the image, in BGR order as it went in:
"""),
check("""
header, image = mx.recordio.unpack_img(reader.read_idx(3))
reader.close()
print(header)
print(image.shape, "same pixels:", (image[:, :, ::-1] == images[3]).all())
"""),
md("""
### ImageRecordIter

`mx.io.ImageRecordIter` reads a record file as batches for `Module` (lesson 09): each
image decoded to RGB, optionally resized and cropped to `data_shape`, normalised, and
stacked as float32 `(batch, channels, height, width)`. Six images in batches of 4:
"""),
check("""
train_iter = mx.io.ImageRecordIter(path_imgrec=rec_path, data_shape=(3, 12, 12),
                                   batch_size=4)
print(train_iter.provide_data)
print(train_iter.provide_label)
for batch in train_iter:
    print(batch.data[0].shape, "labels", batch.label[0].asnumpy(), "pad", batch.pad)
"""),
md("""
The second batch has only 2 records left; by default (`round_batch=True`) the
iterator fills it up with records from the start of the file and says so in `pad`.
(MXNet also logs a line about its decoding threads.) Its augmentations are
arguments: here random 8 x 8 crops, random mirroring, and pixels mapped from
`[0, 255]` to `[-1, 1]` with `(pixel - mean) * scale`:
"""),
check("""
augmented = mx.io.ImageRecordIter(path_imgrec=rec_path, data_shape=(3, 8, 8),
                                  batch_size=6, rand_crop=True, rand_mirror=True,
                                  mean_r=127.5, mean_g=127.5, mean_b=127.5,
                                  scale=1 / 127.5, seed=0)
x = augmented.next().data[0]
print(x.shape, x.min().asscalar(), x.max().asscalar())
"""),
md("""
### ImageRecordDataset

For Gluon, `mx.gluon.data.vision.ImageRecordDataset` makes the same file a dataset
(lesson 12): `dataset[i]` is the image as a uint8 NDArray, (height, width, channels)
in RGB order, and its label. Transforms and a `DataLoader` do the rest.
"""),
check("""
dataset = mx.gluon.data.vision.ImageRecordDataset(rec_path)
image, label = dataset[3]
print(len(dataset), image.shape, image.dtype, label)
print("same pixels:", (image.asnumpy() == images[3]).all())
"""),
check("""
to_tensor = mx.gluon.data.vision.transforms.ToTensor()
loader = mx.gluon.data.DataLoader(dataset.transform_first(to_tensor), batch_size=4)
for x, y in loader:
    print(x.shape, x.dtype, y.asnumpy())
"""),
md("""
`ToTensor` turned each image into float32 (channels, height, width) in `[0, 1]`, and
the loader keeps the short last batch (`last_batch='keep'`).

## The model zoo

`mx.gluon.model_zoo.vision` holds the classic image classifiers, built by function
(`vision.resnet18_v1(...)`) or by name with `get_model`: AlexNet, VGG, ResNet v1 and
v2, DenseNet, SqueezeNet, Inception v3, MobileNet v1 and v2. `classes` sets the size
of the output layer (1000 for ImageNet by default).
"""),
check("""
net = vision.get_model("resnet18_v1", classes=10)
print(type(net).__name__, net.prefix)
for i, block in enumerate(net.features):
    print(i, type(block).__name__)
print("output:", net.output)
"""),
md("""
`features` is the convolutional part: a stem (a 7 x 7 convolution, BatchNorm, ReLU,
max pooling), four stages of two residual blocks each (`HybridSequential` 4 to 7)
and global average pooling; `output` is the classifier. A stage's first block may
halve the resolution and change the channel count; then its shortcut needs a 1 x 1
convolution of its own, `downsample`:
"""),
check("""
print(net.features[5][0])
"""),
md("""
ResNet-18 is made for 224 x 224 images, but its layers accept any size big enough
for the five halvings. A 32 x 32 input keeps this notebook fast; `summary` runs it
and lists each layer's output shape and parameter count:
"""),
check("""
net.initialize(mx.init.Xavier())
x = nd.random.uniform(shape=(1, 3, 32, 32))
y = net(x)
print(y.shape)
net.summary(x)
"""),
md("""
The parameters, counted from `collect_params()`. The BatchNorm layers' running means
and variances are parameters too, with `grad_req='null'`: updated in training
mode, not by the optimizer.
"""),
check("""
params = net.collect_params()
total = sum(int(np.prod(p.shape)) for p in params.values())
trained = sum(int(np.prod(p.shape)) for p in params.values() if p.grad_req != "null")
print(f"{len(params.keys())} parameters, {total:,} numbers, {trained:,} trained")
print(f"{total * 4 / 2**20:.1f} MiB in float32")
"""),
md("""
The names are MXNet's. The network is `resnetv1` number 0 (so `resnetv10_`); the
stem's layers follow directly, those of stage `k` after `stagek_`, and each layer
type is counted within its scope (`conv0`, `conv1`, ..., `batchnorm0`, ...):
"""),
check("""
names = list(params.keys())
print(names[:5])
print([name for name in names if name.startswith("resnetv10_stage2_")][:7])
print(names[-2:])
"""),
md("""
These are the names in MXNet's own networks, and the names `export` writes into its
`.params` file, after `arg:` or `aux:` (lesson 13).

### Saving and loading

`save_parameters` writes every parameter with `mx.nd.save`, keyed by the block
**structure** (`features.0.weight`: child 0 of `features`), not by the name:
"""),
check("""
params_file = os.path.join(folder, "resnet18_v1.params")
net.save_parameters(params_file)
saved = nd.load(params_file)
print(len(saved), list(saved)[:4])
"""),
md("""
So a second ResNet-18, which Gluon names `resnetv11_`, loads the file all the same,
and computes the same output:
"""),
check("""
net2 = vision.resnet18_v1(classes=10)
print(net2.prefix)
net2.load_parameters(params_file)
print("same output:", np.allclose(net2(x).asnumpy(), y.asnumpy()))
"""),
md("""
### `pretrained=True`

In MXNet, `get_model(name, pretrained=True)` downloads weights trained on ImageNet
(1000 classes) into `~/.mxnet/models` the first time. dlkit downloads nothing: it
looks for a file in `root` and otherwise says what to do. (With MXNet this cell
starts a download instead, into `models`.)
"""),
check("""
models = os.path.join(folder, "models")   # where to look: an empty folder
try:
    vision.get_model("resnet18_v1", pretrained=True, root=models)
except Exception as error:
    print(type(error).__name__)
    print(error)
"""),
md("""
A file that MXNet saved, such as `net.save_parameters('resnet18_v1.params')` after
`get_model('resnet18_v1', pretrained=True)` on a machine with the internet, loads
into dlkit's `vision.resnet18_v1()` with `load_parameters`: same structure, same
keys. dlkit's `pretrained=True` also finds it when it is copied into `root` as
`resnet18_v1.params` or under MXNet's cached name (`resnet18_v1-a0666292.params`).

## Summary

* CSR stores a 2-D matrix as `data` (non-zeros, row by row), `indices` (their
  columns) and `indptr` (where each row starts, rows + 1 entries); `row_sparse`
  stores `indices` of the non-zero rows and those rows. `tostype` converts to and
  from `'default'`; `mx.nd.sparse.csr_matrix((data, indices, indptr), shape=...)`
  builds one from its parts.
* `mx.nd.sparse.dot(csr, dense)` is dense, `dot(csr, dense, transpose_a=True)`
  row_sparse: the gradient of a weight multiplied by a sparse batch has rows only
  for the columns in use. `nn.Embedding(..., sparse_grad=True)` gives its weight a
  row_sparse gradient, the looked-up rows.
* dlkit has MXNet's sparse API and encodings but keeps the values dense: no memory
  is saved.
* A RecordIO file is records of `magic, lrecord, payload, padding`; `pack_img` puts
  an `IRHeader` (flag, label, id, id2) before the encoded image; the `.idx` file maps
  keys to offsets. `ImageRecordIter` reads it as batches for `Module`,
  `ImageRecordDataset` as a Gluon dataset.
* `vision.get_model(name, classes=...)` builds a zoo network with MXNet's parameter
  names; `save_parameters`/`load_parameters` key by structure; dlkit never downloads
  pretrained weights, but loads MXNet's files.

## Exercises

1. Write `to_csr(dense)`: for a 2-D NumPy array return `(data, indices, indptr)` as
   NumPy arrays, exactly as MXNet's `CSRNDArray` stores them: `data` with the
   matrix's dtype, `indices` and `indptr` as int64. `check_to_csr` tries matrices
   with empty rows (also first and last), an all-zero one, a single row, negative
   values, float64 values and a single column, and says which part differs.
"""),
solution("""
def to_csr(dense):
    \"\"\"(data, indices, indptr) of a 2-D NumPy array, as MXNet's CSRNDArray.\"\"\"
    ### BEGIN SOLUTION
    rows, columns = np.nonzero(dense)        # row by row, left to right: CSR's order
    per_row = np.count_nonzero(dense, axis=1)
    indptr = np.concatenate([[0], np.cumsum(per_row)]).astype(np.int64)
    return dense[rows, columns], columns.astype(np.int64), indptr
    ### END SOLUTION
""", "to_csr"),
check("""
from dlkit.exercises_data import check_to_csr

check_to_csr(to_csr)
"""),
md("""
Your encoding rebuilds the bag of words through `csr_matrix`:
"""),
check("""
rebuilt = nd.sparse.csr_matrix(to_csr(counts), shape=counts.shape)
print((rebuilt.asnumpy() == counts).all(), [part.tolist() for part in to_csr(counts)])
"""),
md("""
2. Write `to_row_sparse(dense)` returning `(data, indices)`, and check it against
   `tostype('row_sparse')` on `counts` and on `dW`'s dense form. Which rows does
   `nd.sparse.dot(A, dY, transpose_a=True)` store when `dY` has zeros in a whole row?
3. Compute `Y = nd.sparse.dot(A, W)` under `autograd.record()` after
   `W.attach_grad()` and call `Y.backward()`. What is `W.grad`'s storage type? Compare
   it with `dW` above, and read `attach_grad`'s `stype` argument.
4. Store two labels per image: `IRHeader(flag=0, label=[label, 0.5], ...)`. What does
   `pack` do with `flag`, and where do the labels go in the bytes? Read the file with
   `ImageRecordIter(..., label_width=2)`; what happens with the default
   `label_width=1`?
5. Write one record whose payload contains the magic number,
   `mx.recordio.MXRecordIO(path, 'w').write(b'ab' * 4 + struct.pack('<I', 0xced7230a)
   + b'cd' * 4)`, and look at the bytes of the file. How many pieces, with which
   flags? Does `read` give the payload back?
6. Build `resnet18_v2`, `mobilenet0.25` and `squeezenet1.1` with 10 classes. How many
   numbers does each have, and how do their parameter names start?
7. Fine-tune: a `resnet18_v1(classes=2)` on the band images (resized to 32 x 32 with
   `transforms.Resize`), training only `net.output` (set `grad_req='null'` on the
   `features` parameters). How many steps until it tells the bands apart?

## Read the source

* `dlkit/ndarray/sparse.py`: `CSRNDArray`, `RowSparseNDArray`, `csr_matrix`,
  `row_sparse_array`, `tostype`, `dot` and the storage-type rules (`_RULES`); its
  docstring says what differs from MXNet.
* `dlkit/gluon/nn/basic_layers.py`: `Embedding`, whose `sparse_grad=True` gives the
  weight `grad_stype='row_sparse'`; `dlkit/ops/nn.py`: the `Embedding` op, whose
  gradient takes the storage type of the gradient buffer.
* `dlkit/recordio.py`: the record format (`_encode_record`, `_read_record`),
  `MXIndexedRecordIO`, `IRHeader`, `pack`, `pack_img`, `unpack_img`.
* `dlkit/io/image_record_iter.py`: `ImageRecordIter`;
  `dlkit/gluon/data/vision/datasets.py`: `ImageRecordDataset`.
* `dlkit/gluon/model_zoo/vision/resnet.py`: `ResNetV1`, `BasicBlockV1`, `get_resnet`;
  `dlkit/gluon/model_zoo/vision/__init__.py`: `get_model`;
  `dlkit/gluon/model_zoo/model_store.py`: where `pretrained=True` looks.
* `dlkit/exercises_data.py`: `check_to_csr`.
"""),
]
