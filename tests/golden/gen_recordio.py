"""Golden RecordIO files and file iterators from MXNet 1.9.1 (run by hand).

Writes small files into ``recordio_files/`` with MXNet (``.rec``/``.idx`` through
``mx.recordio``, whose ``pack_img`` needs OpenCV: ``pip install
opencv-python-headless==4.8.1.78`` in the MXNet venv) and with plain Python (a CSV,
a LibSVM and an MNIST pair), then records in ``recordio.json``/``.npz`` what MXNet
reads back: raw records, unpacked headers, decoded images, and the batches of
``CSVIter``, ``LibSVMIter``, ``MNISTIter`` and ``ImageRecordIter``.

The other direction, files dlkit writes read by MXNet, takes two steps::

    python3 tests/golden/gen_recordio.py --dlkit      # dlkit writes dlkit_images.rec
    MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python tests/golden/gen_recordio.py

The second run records what MXNet decodes from dlkit's file.
"""
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.join(HERE, "recordio_files")
MAGIC = struct.pack("<I", 0xCED7230A)
RAW_RECORDS = [b"abc", b"wxyz" + MAGIC + b"12345678" + MAGIC + MAGIC + b"q", b"",
               MAGIC, b"\x01\x02\x03\x04\x05", bytes(range(256)) * 3]


def path(name):
    return os.path.join(FOLDER, name)


def source_images():
    """The images packed into images.rec: (name, BGR/gray uint8 array, format)."""
    random = np.random.RandomState(7)
    smooth = np.add.outer(np.arange(12) * 10, np.arange(10) * 12).astype(np.uint8)
    color = np.stack([smooth, smooth[::-1], 255 - smooth], axis=2)
    return [("png_color", random.randint(0, 256, (9, 7, 3)).astype(np.uint8), ".png"),
            ("png_gray", random.randint(0, 256, (5, 6)).astype(np.uint8), ".png"),
            ("png_bgra", random.randint(0, 256, (4, 4, 4)).astype(np.uint8), ".png"),
            ("jpg_color", color, ".jpg"),
            ("jpg_gray", smooth, ".jpg")]


def write_with_dlkit():
    """Step 1: images written by dlkit's pack_img, for MXNet to read."""
    import dlkit as mx
    writer = mx.recordio.MXIndexedRecordIO(path("dlkit_images.idx"),
                                           path("dlkit_images.rec"), "w")
    for number, (_, image, img_fmt) in enumerate(source_images()):
        writer.write_idx(number, mx.recordio.pack_img((0, float(number), number, 0),
                                                      image, img_fmt=img_fmt))
    writer.close()
    print("wrote dlkit_images.rec")


def describe(descs):
    return [[d.name, list(d.shape), np.dtype(d.dtype).name] for d in descs]


# MXNet 1.9.1 sometimes crashes while destroying a C++ file iterator mid-run: keep
# them all until the files are saved
KEEP_ALIVE = []


def relative(kwargs):
    """``kwargs`` with file paths as names inside recordio_files/."""
    return {name: os.path.basename(value) if isinstance(value, str) else value
            for name, value in kwargs.items()}


def record_batches(golden, case_id, make_iter, epochs=3, pixels=False, **info):
    """Iterate ``epochs`` epochs (reset between) and store every batch.

    ``pixels``: the data are multiples of 1/256 (MNIST), stored as uint8 * 256.
    """
    if "kwargs" in info:
        info["kwargs"] = relative(info["kwargs"])
    it = make_iter()
    KEEP_ALIVE.append(it)
    batches = []
    for epoch in range(epochs):
        for number, batch in enumerate(it):
            key = f"{case_id}/{epoch}/{number}"
            data = batch.data[0].asnumpy()
            if pixels:
                assert np.array_equal(np.round(data * 256), data * 256)
                data = (data * 256).astype(np.uint8)
            golden.add_array(key + "/data", data)
            golden.add_array(key + "/label", batch.label[0].asnumpy())
            batches.append({"key": key, "epoch": epoch, "pad": int(batch.pad),
                            "index": [int(i) for i in batch.index]})
        it.reset()
    golden.add({"id": case_id, "batches": batches, "epochs": epochs,
                "provide_data": describe(it.provide_data),
                "provide_label": describe(it.provide_label), **info})


def main():
    import mxnet as mx
    from mxgolden import GoldenWriter
    recordio = mx.recordio
    golden = GoldenWriter("recordio")

    writer = recordio.MXRecordIO(path("plain.rec"), "w")
    for record in RAW_RECORDS:
        writer.write(record)
    writer.close()
    golden.add({"id": "plain", "records": [r.hex() for r in RAW_RECORDS]})

    writer = recordio.MXIndexedRecordIO(path("indexed.idx"), path("indexed.rec"), "w")
    headers = [(0, 3.5, 7, 0), (0, [1.0, 2.5, -3.0], 8, 9), (0, [4.0], 1, 2),
               (5, 2.0, 2 ** 40, 0), (0, [], 3, 3)]
    packed = []
    for key, header in zip([3, 1, 7, 0, 12], headers):
        packed.append(recordio.pack(recordio.IRHeader(*header), b"payload%d" % key))
        writer.write_idx(key, packed[-1])
    writer.close()
    unpacked = [recordio.unpack(p) for p in packed]
    golden.add({"id": "indexed", "keys": [3, 1, 7, 0, 12],
                "headers": [[h[0], h[1] if np.isscalar(h[1]) else list(h[1]), h[2],
                             h[3]] for h in headers],
                "packed": [p.hex() for p in packed],
                "unpacked": [[int(h.flag), np.atleast_1d(h.label).tolist(), h.id,
                              h.id2, s.hex()] for h, s in unpacked]})

    writer = recordio.MXIndexedRecordIO(path("images.idx"), path("images.rec"), "w")
    names = []
    for number, (name, image, img_fmt) in enumerate(source_images()):
        label = float(number) if number % 2 == 0 else [number, -1.0]
        writer.write_idx(number, recordio.pack_img((0, label, number, 0), image,
                                                   img_fmt=img_fmt))
        golden.add_array(f"source/{name}", image)
        names.append(name)
    writer.close()
    reader = recordio.MXIndexedRecordIO(path("images.idx"), path("images.rec"), "r")
    for number, name in enumerate(names):
        for iscolor in (-1, 0, 1):
            _, decoded = recordio.unpack_img(reader.read_idx(number), iscolor)
            golden.add_array(f"unpack_img/{name}/{iscolor}", decoded)
    reader.close()
    dataset = mx.gluon.data.vision.ImageRecordDataset(path("images.rec"))
    gray = mx.gluon.data.vision.ImageRecordDataset(path("images.rec"), flag=0)
    for number, name in enumerate(names):
        image, label = dataset[number]
        golden.add_array(f"dataset/{name}/1", image.asnumpy())
        golden.add_array(f"dataset/{name}/0", gray[number][0].asnumpy())
        golden.add_array(f"dataset/{name}/label", np.asarray(label))
    golden.add({"id": "images", "names": names})

    if os.path.exists(path("dlkit_images.rec")):
        reader = recordio.MXIndexedRecordIO(path("dlkit_images.idx"),
                                            path("dlkit_images.rec"), "r")
        for number, name in enumerate(names):
            header, decoded = recordio.unpack_img(reader.read_idx(number))
            golden.add_array(f"dlkit_written/{name}", decoded)
            golden.add_array(f"dlkit_written/{name}/label", np.asarray(header.label))
        reader.close()
        golden.add({"id": "dlkit_written", "names": names})

    # ImageRecordIter: PNG images (lossless), so the pixels can be compared exactly
    random = np.random.RandomState(3)
    writer = recordio.MXRecordIO(path("iter_images.rec"), "w")
    for number in range(5):
        image = random.randint(0, 256, (10 + number, 12, 3)).astype(np.uint8)
        writer.write(recordio.pack_img((0, float(number), number, 0), image,
                                       img_fmt=".png"))
    writer.close()
    writer = recordio.MXRecordIO(path("iter_multilabel.rec"), "w")
    for number in range(3):
        image = random.randint(0, 256, (8, 8, 3)).astype(np.uint8)
        writer.write(recordio.pack_img((0, [number, 10.0 + number], number, 0), image,
                                       img_fmt=".png"))
    writer.close()
    image_cases = {
        "centre": dict(data_shape=(3, 8, 8), batch_size=2),
        "resize": dict(data_shape=(3, 8, 8), batch_size=3, resize=9),
        "normalize": dict(data_shape=(3, 6, 10), batch_size=4, mean_r=10, mean_g=20,
                          mean_b=30, std_r=2, std_g=4, std_b=8, scale=0.5),
        "gray": dict(data_shape=(1, 8, 8), batch_size=2),
        "mirror": dict(data_shape=(3, 8, 8), batch_size=5, mirror=True),
    }
    for name, kwargs in image_cases.items():
        record_batches(golden, f"image_iter/{name}", lambda: mx.io.ImageRecordIter(
            path_imgrec=path("iter_images.rec"), **kwargs), kwargs=kwargs,
            file="iter_images.rec")
    kwargs = dict(data_shape=(3, 8, 8), batch_size=2, label_width=2)
    record_batches(golden, "image_iter/multilabel", lambda: mx.io.ImageRecordIter(
        path_imgrec=path("iter_multilabel.rec"), **kwargs), kwargs=kwargs,
        file="iter_multilabel.rec")

    data = np.arange(30, dtype=np.float32).reshape(10, 3) / 4 - 2
    with open(path("data.csv"), "w") as handle:
        handle.write("\n".join(",".join(f"{v:g}" for v in row) for row in data) + "\n")
    with open(path("label.csv"), "w") as handle:
        handle.write("\n".join(f"{i * 1.5:g},{-i:g}" for i in range(10)) + "\n")
    for batch_size in (3, 4):
        for round_batch in (True, False):
            kwargs = dict(data_csv=path("data.csv"), data_shape=(3,),
                          batch_size=batch_size, round_batch=round_batch)
            record_batches(golden, f"csv/{batch_size}/{round_batch}",
                           lambda: mx.io.CSVIter(**kwargs), batch_size=batch_size,
                           round_batch=round_batch, labels=False)
    kwargs = dict(data_csv=path("data.csv"), data_shape=(1, 3),
                  label_csv=path("label.csv"), label_shape=(2,), batch_size=4)
    record_batches(golden, "csv/labels", lambda: mx.io.CSVIter(**kwargs),
                   batch_size=4, round_batch=True, labels=True)

    with open(path("data.libsvm"), "w") as handle:
        handle.write("1 0:0.5 3:2\n0 1:1.5\n2 2:-1 4:3 5:1\n1\n3 0:1 5:2.5 # note\n"
                     "0 qid:2 3:-2\n1 1:1 2:1\n")
    with open(path("label.libsvm"), "w") as handle:
        handle.write("0 0:1 1:2\n0 1:3\n0 0:4\n0 0:1 1:1\n0 1:7\n0 0:2\n0 1:1\n")
    for batch_size in (2, 3):
        kwargs = dict(data_libsvm=path("data.libsvm"), data_shape=(6,),
                      batch_size=batch_size)
        record_batches(golden, f"libsvm/{batch_size}",
                       lambda: mx.io.LibSVMIter(**kwargs), kwargs=kwargs)
    kwargs = dict(data_libsvm=path("data.libsvm"), data_shape=(6,),
                  label_libsvm=path("label.libsvm"), label_shape=(2,), batch_size=2)
    record_batches(golden, "libsvm/labels", lambda: mx.io.LibSVMIter(**kwargs),
                   kwargs=kwargs)
    for num_parts in (2, 3):
        for part_index in range(num_parts):
            kwargs = dict(data_libsvm=path("data.libsvm"), data_shape=(6,),
                          batch_size=1, num_parts=num_parts, part_index=part_index)
            record_batches(golden, f"libsvm/parts/{num_parts}/{part_index}",
                           lambda: mx.io.LibSVMIter(**kwargs), epochs=1, kwargs=kwargs)

    random = np.random.RandomState(0)
    images = random.randint(0, 256, size=(20, 28, 28)).astype(np.uint8)
    labels = (np.arange(20) * 7 % 10).astype(np.uint8)
    with open(path("mnist-images-idx3-ubyte"), "wb") as handle:
        handle.write(struct.pack(">IIII", 2051, 20, 28, 28) + images.tobytes())
    with open(path("mnist-labels-idx1-ubyte"), "wb") as handle:
        handle.write(struct.pack(">II", 2049, 20) + labels.tobytes())
    mnist_cases = {"plain": dict(batch_size=6, shuffle=False),
                   "flat": dict(batch_size=5, shuffle=False, flat=True),
                   "part": dict(batch_size=3, shuffle=False, num_parts=3,
                                part_index=1)}
    for name, kwargs in mnist_cases.items():
        record_batches(golden, f"mnist/{name}", lambda: mx.io.MNISTIter(
            image=path("mnist-images-idx3-ubyte"),
            label=path("mnist-labels-idx1-ubyte"), silent=True, **kwargs),
            epochs=2, pixels=True, kwargs=kwargs)
    golden.save()


if __name__ == "__main__":
    os.makedirs(FOLDER, exist_ok=True)
    if "--dlkit" in sys.argv:
        write_with_dlkit()
    else:
        main()
