"""Golden cases for ``mx.image``'s detection side and ``mx.io.ImageDetRecordIter``
from MXNet 1.9.1 (run by hand, in two steps), plus the op cases of
``_cvcopyMakeBorder`` (topic ``ops_border``).

MXNet's venv has no image encoder, so the PNG files are written first by dlkit's
side (Pillow), then MXNet packs, decodes, augments and iterates them::

    python3 tests/golden/gen_image_det.py --files    # writes image_det_files/
    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_image_det.py

The second run packs the PNG bytes with their detection labels into
``image_det_files/det.rec`` (+ ``.idx``) with ``mx.recordio.pack`` and writes
``image_det.json``/``.npz`` and ``ops_border.json``/``.npz``. Random choices are
seeded (Python's ``random`` and NumPy's, as ``mx.image`` uses them), so dlkit must
reproduce every crop, pad and flip exactly.
"""
import os
import random
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.join(HERE, "image_det_files")
# (name, (height, width)) of the test images
PNGS = [("a", (12, 16)), ("b", (16, 12)), ("c", (10, 10)), ("d", (14, 18)),
        ("e", (15, 20))]
# flat detection labels: header width, object width, (extra header), objects
LABELS = [
    [2, 5, 0, 0.10, 0.20, 0.60, 0.70],
    [2, 5, 1, 0.05, 0.10, 0.50, 0.40, 2, 0.40, 0.45, 0.95, 0.90],
    [4, 5, 9, 9, 0, 0.20, 0.20, 0.80, 0.80, 1, 0.0, 0.0, 0.3, 0.3],
    [2, 5, 3, 0.30, 0.30, 0.70, 0.90, 1, 0.0, 0.0, 0.2, 0.2, 0, 0.6, 0.1, 0.9, 0.5],
    [2, 5, 2, 0.15, 0.25, 0.85, 0.75],
]


def path(name):
    return os.path.join(FOLDER, name)


def write_files():
    """Step 1 (python3 with Pillow): the PNG images and a .lst file."""
    from PIL import Image
    os.makedirs(FOLDER, exist_ok=True)
    rng = np.random.RandomState(23)
    for name, shape in PNGS:
        pixels = rng.randint(0, 256, shape + (3,)).astype(np.uint8)
        Image.fromarray(pixels).save(path(f"{name}.png"))
    with open(path("det.lst"), "w") as handle:
        for number, ((name, _), label) in enumerate(zip(PNGS, LABELS)):
            values = "\t".join(repr(float(v)) for v in label)
            handle.write(f"{number}\t{values}\t{name}.png\n")
    print("wrote", FOLDER)


def pack_records(mx):
    """``det.rec``/``det.idx``: the PNG bytes with their flat labels."""
    writer = mx.recordio.MXIndexedRecordIO(path("det.idx"), path("det.rec"), "w")
    for number, ((name, _), label) in enumerate(zip(PNGS, LABELS)):
        with open(path(f"{name}.png"), "rb") as handle:
            payload = handle.read()
        header = mx.recordio.IRHeader(0, np.array(label, dtype=np.float32), number, 0)
        writer.write_idx(number, mx.recordio.pack(header, payload))
    writer.close()


def record(golden, key, value):
    value = value.asnumpy() if hasattr(value, "asnumpy") else np.asarray(value)
    golden.add_array(key, value)
    return {"key": key, "shape": list(value.shape), "dtype": value.dtype.name}


def batches(golden, name, it, epochs=1, reset=True):
    """Every batch of ``epochs`` epochs: data, label, pad (``reset``: call
    ``it.reset()`` before each epoch, else iterate once from the start)."""
    out = []
    for epoch in range(epochs):
        if reset:
            it.reset()
        for number, batch in enumerate(it):
            out.append({"pad": batch.pad,
                        "data": record(golden, f"{name}/{epoch}/{number}/data",
                                       batch.data[0]),
                        "label": record(golden, f"{name}/{epoch}/{number}/label",
                                        batch.label[0])})
    return out


def portable(source):
    """The iterator's source arguments with file names relative to FOLDER."""
    out = {}
    for key, value in source.items():
        if key == "path_root":
            value = "."
        elif key.startswith("path_"):
            value = os.path.basename(value)
        out[key] = value
    return out


def iterator_cases(mx, golden):
    """ImageDetIter over .rec, .lst and imglist, with and without augmenters."""
    plain = dict(batch_size=2, data_shape=(3, 8, 8))
    configs = [
        ("rec_plain", dict(path_imgrec=path("det.rec")), {}),
        ("rec_shuffle_crop", dict(path_imgrec=path("det.rec"),
                                  path_imgidx=path("det.idx"), shuffle=True),
         dict(rand_crop=1, rand_mirror=True, min_object_covered=[0.1, 0.5])),
        ("lst_pad_mirror", dict(path_imglist=path("det.lst"), path_root=FOLDER),
         dict(rand_pad=1, rand_mirror=True, area_range=(0.3, 2.5))),
        ("imglist_all", dict(imglist=[[label, f"{name}.png"] for (name, _), label
                                      in zip(PNGS, LABELS)], path_root=FOLDER),
         dict(resize=12, rand_crop=0.5, rand_pad=0.5, rand_mirror=True, mean=True,
              std=True, brightness=0.2, contrast=0.2, saturation=0.2, hue=0.1,
              pca_noise=0.1, rand_gray=0.3, inter_method=1)),
        ("rec_discard", dict(path_imgrec=path("det.rec"), path_imgidx=path("det.idx"),
                             last_batch_handle="discard"), dict(rand_crop=1)),
        ("rec_roll_over", dict(path_imgrec=path("det.rec"),
                               path_imgidx=path("det.idx"),
                               last_batch_handle="roll_over"), dict(rand_mirror=True)),
    ]
    cases = []
    for name, source, augment in configs:
        for seed in (0, 3):
            random.seed(seed)
            np.random.seed(seed)
            it = mx.image.ImageDetIter(**plain, **source, **augment)
            epochs = 2 if name == "rec_roll_over" else 1
            cases.append({"name": name, "seed": seed, "source": portable(source),
                          "augment": augment, "provide_label": it.provide_label,
                          "dumps": [repr(aug.dumps()) for aug in it.auglist],
                          "batches": batches(golden, f"iter/{name}/{seed}", it,
                                             epochs)})
    golden.add({"kind": "iterators", "cases": cases})


def augmenter_cases(mx, golden):
    """Each detection augmenter on one image and label, several seeds."""
    image = mx.image.imread(path("d.png"))
    label = np.array(LABELS[3][2:], dtype=np.float32).reshape(-1, 5)
    augs = {
        "flip": mx.image.DetHorizontalFlipAug(1.0),
        "crop": mx.image.DetRandomCropAug(min_object_covered=0.3,
                                          area_range=(0.2, 1.0)),
        "crop_fixed_ratio": mx.image.DetRandomCropAug(aspect_ratio_range=1.0,
                                                      area_range=0.5,
                                                      min_eject_coverage=0.1),
        "pad": mx.image.DetRandomPadAug(area_range=(1.5, 3.0), pad_val=(1, 2, 3)),
        "select": mx.image.CreateMultiRandCropAugmenter(
            min_object_covered=[0.1, 0.7], area_range=[(0.1, 1.0), (0.5, 0.9)],
            skip_prob=0.3),
        "borrow": mx.image.DetBorrowAug(mx.image.ForceResizeAug((7, 5))),
    }
    cases = []
    for name, aug in augs.items():
        for seed in range(4):
            random.seed(seed)
            out, out_label = aug(image.copy(), label.copy())
            cases.append({"name": name, "seed": seed, "dumps": repr(aug.dumps()),
                          "image": record(golden, f"aug/{name}/{seed}/image", out),
                          "label": record(golden, f"aug/{name}/{seed}/label",
                                          out_label)})
    golden.add({"kind": "augmenters", "cases": cases})


def rotate_cases(mx, golden):
    """imrotate and random_rotate on CHW and NCHW float32 images."""
    rng = np.random.RandomState(5)
    single = mx.nd.array(rng.uniform(0, 1, (2, 6, 7)).astype(np.float32))
    batch = mx.nd.array(rng.uniform(0, 1, (3, 1, 5, 6)).astype(np.float32))
    cases = [{"call": "imrotate", "input": record(golden, "rot/single", single),
              "degrees": 30, "zoom_in": False, "zoom_out": False,
              "output": record(golden, "rot/out/0", mx.image.imrotate(single, 30))},
             {"call": "imrotate", "input": "rot/single", "degrees": -75,
              "zoom_in": True, "zoom_out": False,
              "output": record(golden, "rot/out/1",
                               mx.image.imrotate(single, -75, zoom_in=True))},
             {"call": "imrotate", "input": record(golden, "rot/batch", batch),
              "degrees": [10.0, 100.0, -45.0], "zoom_in": False, "zoom_out": True,
              "output": record(golden, "rot/out/2", mx.image.imrotate(
                  batch, mx.nd.array([10.0, 100.0, -45.0]), zoom_out=True))}]
    for key, data in (("single", single), ("batch", batch)):
        np.random.seed(8)
        turned = mx.image.random_rotate(data, (-40, 40))
        cases.append({"call": "random_rotate", "input": f"rot/{key}", "seed": 8,
                      "limits": [-40, 40],
                      "output": record(golden, f"rot/random/{key}", turned)})
    golden.add({"kind": "rotate", "cases": cases})


def record_iter_cases(mx, golden):
    """mx.io.ImageDetRecordIter: the batches and labels of its first epoch. Only
    the first: MXNet's C++ loader prefetches batches in the background, so where
    the epoch after ``reset()`` starts depends on how far it had read ahead."""
    configs = [("plain", dict(batch_size=2, data_shape=(3, 8, 8))),
               ("pad_width", dict(batch_size=3, data_shape=(3, 6, 9),
                                  label_pad_width=20, label_pad_value=-2)),
               ("mean_std", dict(batch_size=2, data_shape=(3, 5, 5), mean_r=100,
                                 mean_g=110, mean_b=120, std_r=50, std_g=60,
                                 std_b=70)),
               ("mirror_resize_gray", dict(batch_size=2, data_shape=(1, 7, 9),
                                           resize=10, rand_mirror_prob=1.0)),
               ("std_one_channel", dict(batch_size=4, data_shape=(3, 6, 6),
                                        std_g=4, scale=0.5, label_pad_value=7,
                                        label_name="label"))]
    cases = []
    for name, kwargs in configs:
        it = mx.io.ImageDetRecordIter(path_imgrec=path("det.rec"), **kwargs)
        cases.append({"name": name, "kwargs": kwargs,
                      "provide_data": [list(d.shape) for d in it.provide_data],
                      "provide_label": [list(d.shape) for d in it.provide_label],
                      "batches": batches(golden, f"recit/{name}", it, reset=False)})
    golden.add({"kind": "record_iter", "cases": cases})


def border_op_cases(mx):
    """``_cvcopyMakeBorder`` on uint8 and float images, every border type.
    MXNet registers no gradient for it, so outputs only."""
    from mxgolden import GoldenWriter
    golden = GoldenWriter("ops_border")
    rng = np.random.RandomState(4)
    image = rng.randint(0, 256, (3, 4, 3)).astype(np.uint8)
    floats = rng.uniform(-1, 1, (4, 3, 2)).astype(np.float32)
    cases = [("constant_values", image, dict(top=1, bot=2, left=3, right=1,
                                             values=(7, 300, 2.5))),
             ("constant_value", floats, dict(top=2, bot=0, left=1, right=2,
                                             value=-0.5)),
             ("isolated", image, dict(top=2, bot=1, left=0, right=2, type=16,
                                      values=(1, 2, 3))),
             ("replicate", floats, dict(top=3, bot=2, left=4, right=1, type=1)),
             ("reflect_wide", floats, dict(top=7, bot=5, left=4, right=6, type=2)),
             ("wrap", image, dict(top=5, bot=4, left=6, right=9, type=3)),
             ("reflect_101", floats.astype(np.float64), dict(top=5, bot=6, left=4,
                                                             right=3, type=4)),
             ("int32_gray", rng.randint(-9, 9, (3, 2, 1)).astype(np.int32),
              dict(top=1, bot=1, left=1, right=1, values=(4.5,)))]
    for case_id, data, attrs in cases:
        golden.op_case(case_id, "_cvcopyMakeBorder", {"src": data}, attrs,
                       grad_inputs=[])
    golden.save()


def main():
    import mxnet as mx
    from mxgolden import GoldenWriter
    pack_records(mx)
    golden = GoldenWriter("image_det")
    augmenter_cases(mx, golden)
    iterator_cases(mx, golden)
    rotate_cases(mx, golden)
    record_iter_cases(mx, golden)
    golden.save()
    border_op_cases(mx)


if __name__ == "__main__":
    if "--files" in sys.argv:
        write_files()
    else:
        main()
