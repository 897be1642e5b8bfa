"""Golden cases for ``mx.image`` from MXNet 1.9.1 (run by hand, in two steps).

MXNet's venv has no image encoder, so the image files are written first by dlkit's
side (Pillow), then MXNet decodes, resizes, crops, augments and iterates them::

    python3 tests/golden/gen_image.py --files    # writes image_files/ (Pillow)
    MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python tests/golden/gen_image.py

The second run also packs the PNG bytes into ``image_files/images.rec`` (+ ``.idx``)
with ``mx.recordio.pack`` and writes ``image.json``/``image.npz``. Random choices
are seeded (Python's ``random`` and NumPy's, as ``mx.image`` uses them), so dlkit
must reproduce them exactly.
"""
import os
import random
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.join(HERE, "image_files")
# lossless test images (name, shape); the iterators read these
PNGS = [("color", (10, 14, 3)), ("tall", (13, 9, 3)), ("gray", (7, 9)),
        ("rgba", (6, 8, 4)), ("small", (5, 6, 3))]


def path(name):
    return os.path.join(FOLDER, name)


def write_files():
    """Step 1 (python3 with Pillow): the PNG images, one JPEG and a .lst file."""
    from PIL import Image
    os.makedirs(FOLDER, exist_ok=True)
    rng = np.random.RandomState(11)
    for name, shape in PNGS:
        pixels = rng.randint(0, 256, shape).astype(np.uint8)
        Image.fromarray(pixels).save(path(f"{name}.png"))
    # a smooth picture: JPEG keeps it close, so decoders agree within a few levels
    rows, cols = np.mgrid[0:16, 0:20]
    smooth = np.stack([rows * 14, cols * 12, 255 - rows * 6 - cols * 5], axis=2)
    Image.fromarray(smooth.astype(np.uint8)).save(path("smooth.jpg"), quality=90)
    with open(path("images.lst"), "w") as handle:
        for number, (name, _) in enumerate(PNGS):
            handle.write(f"{number}\t{number * 1.5}\t{-number}\t{name}.png\n")
    print("wrote", FOLDER)


def main():
    import mxnet as mx
    from mxgolden import GoldenWriter
    golden = GoldenWriter("image")
    add = golden.add_array

    def record(key, value):
        """Store an NDArray (or array) under ``key``; returns its shape/dtype."""
        value = value.asnumpy() if hasattr(value, "asnumpy") else np.asarray(value)
        add(key, value)
        return {"key": key, "shape": list(value.shape), "dtype": value.dtype.name}

    def raw(name):
        with open(path(name), "rb") as handle:
            return handle.read()

    # decoding ------------------------------------------------------------------------
    names = [f"{name}.png" for name, _ in PNGS] + ["smooth.jpg"]
    decoded = []
    for name in names:
        for flag in (1, 0):
            for to_rgb in (1, 0):
                image = mx.image.imdecode(raw(name), flag=flag, to_rgb=to_rgb)
                decoded.append({"file": name, "flag": flag, "to_rgb": to_rgb,
                                **record(f"imdecode/{name}/{flag}/{to_rgb}", image)})
    image = mx.image.imread(path("color.png"), flag=0)
    decoded.append({"file": "color.png", "imread": True, "flag": 0, "to_rgb": 1,
                    **record("imread/color.png", image)})
    golden.add({"id": "decode", "cases": decoded})

    color = mx.image.imdecode(raw("color.png"))
    small = mx.image.imdecode(raw("small.png"))
    gray = mx.image.imdecode(raw("gray.png"), flag=0)

    # resizing ------------------------------------------------------------------------
    resized = []
    for source, image in (("color", color), ("gray", gray)):
        for (w, h) in ((7, 5), (20, 13), (14, 4)):
            for interp in (0, 1, 2, 4):   # 3 (area) is not in dlkit
                for dtype in ("uint8", "float32"):
                    key = f"imresize/{source}/{w}x{h}/{interp}/{dtype}"
                    out = mx.image.imresize(image.astype(dtype), w, h, interp=interp)
                    resized.append({"source": source, "w": w, "h": h,
                                    "interp": interp, "dtype": dtype,
                                    **record(key, out)})
    for size in (4, 12):
        for interp in (1, 2):
            out = mx.image.resize_short(color, size, interp=interp)
            resized.append({"source": "color", "resize_short": size,
                            "interp": interp,
                            **record(f"resize_short/{size}/{interp}", out)})
    golden.add({"id": "resize", "cases": resized})
    golden.add({"id": "scale_down", "cases": [
        [src, size, list(mx.image.scale_down(src, size))]
        for src, size in (((640, 480), (720, 120)), ((10, 10), (4, 20)),
                          ((5, 8), (3, 3)), ((6, 3), (12, 9)))]})

    # crops ---------------------------------------------------------------------------
    crops = []
    for source, image in (("color", color), ("small", small)):
        for size in ((6, 4), (9, 10), (8, 8)):
            out, box = mx.image.center_crop(image, size, interp=1)
            crops.append({"fn": "center_crop", "source": source, "size": size,
                          "box": list(box), **record(f"center/{source}/{size}", out)})
            random.seed(5)
            out, box = mx.image.random_crop(image, size, interp=1)
            crops.append({"fn": "random_crop", "source": source, "size": size,
                          "seed": 5, "box": list(box),
                          **record(f"random/{source}/{size}", out)})
    out = mx.image.fixed_crop(color, 2, 3, 5, 4)
    crops.append({"fn": "fixed_crop", "source": "color", "args": [2, 3, 5, 4],
                  **record("fixed/plain", out)})
    out = mx.image.fixed_crop(color, 1, 1, 6, 5, size=(9, 7), interp=1)
    crops.append({"fn": "fixed_crop", "source": "color", "args": [1, 1, 6, 5],
                  "size": [9, 7], **record("fixed/resized", out)})
    for seed in range(4):
        for area, ratio in ((0.3, (0.75, 1.333)), ((0.5, 0.9), (0.5, 2.0)),
                            (0.99, (4.0, 5.0))):
            random.seed(seed)
            out, box = mx.image.random_size_crop(color, (6, 5), area, ratio, interp=1)
            crops.append({"fn": "random_size_crop", "source": "color", "size": [6, 5],
                          "area": area, "ratio": list(ratio), "seed": seed,
                          "box": list(box),
                          **record(f"sized/{seed}/{area}/{ratio}", out)})
    golden.add({"id": "crop", "cases": crops})

    normalized = mx.image.color_normalize(color.astype("float32"),
                                          mx.nd.array([100.0, 120.0, 90.0]),
                                          mx.nd.array([50.0, 60.0, 70.0]))
    golden.add({"id": "color_normalize",
                **record("color_normalize", normalized)})

    # augmenters ----------------------------------------------------------------------
    augmenters = {
        "brightness": lambda: mx.image.BrightnessJitterAug(0.4),
        "contrast": lambda: mx.image.ContrastJitterAug(0.4),
        "saturation": lambda: mx.image.SaturationJitterAug(0.4),
        "hue": lambda: mx.image.HueJitterAug(0.3),
        "color_jitter": lambda: mx.image.ColorJitterAug(0.3, 0.2, 0.4),
        "lighting": lambda: mx.image.LightingAug(
            0.1, np.array([55.46, 4.794, 1.148]),
            np.array([[-0.5675, 0.7192, 0.4009], [-0.5808, -0.0045, -0.8140],
                      [-0.5836, -0.6948, 0.4203]])),
        "normalize": lambda: mx.image.ColorNormalizeAug(
            mx.nd.array([100.0, 120.0, 90.0]), np.array([50.0, 60.0, 70.0])),
        "gray": lambda: mx.image.RandomGrayAug(0.5),
        "flip": lambda: mx.image.HorizontalFlipAug(0.5),
        "cast": lambda: mx.image.CastAug(),
        "resize": lambda: mx.image.ResizeAug(6, interp=1),
        "force_resize": lambda: mx.image.ForceResizeAug((5, 8), interp=1),
        "random_crop": lambda: mx.image.RandomCropAug((6, 5), interp=1),
        "random_sized_crop": lambda: mx.image.RandomSizedCropAug(
            (6, 5), 0.2, (0.75, 1.333), interp=1),
        "center_crop": lambda: mx.image.CenterCropAug((6, 5), interp=1),
        "sequential": lambda: mx.image.SequentialAug([
            mx.image.CastAug(), mx.image.BrightnessJitterAug(0.2),
            mx.image.HorizontalFlipAug(0.5)]),
        "random_order": lambda: mx.image.RandomOrderAug([
            mx.image.BrightnessJitterAug(0.2), mx.image.ContrastJitterAug(0.3),
            mx.image.SaturationJitterAug(0.1)]),
    }
    augs = []
    patch = color[2:8, 3:11]   # 6 x 8: small golden arrays
    for name, make in augmenters.items():
        for seed in (0, 1):
            random.seed(seed)
            np.random.seed(seed)
            aug = make()
            out = aug(patch.astype("float32"))
            augs.append({"name": name, "seed": seed, "dumps": aug.dumps(),
                         **record(f"aug/{name}/{seed}", out)})
    # a uint8 image keeps uint8 scalar arithmetic (alpha is truncated to an int)
    random.seed(3)
    out = mx.image.BrightnessJitterAug(0.9)(color.copy())
    augs.append({"name": "brightness_uint8", "seed": 3, **record("aug/uint8", out)})
    golden.add({"id": "augmenters", "patch": [2, 8, 3, 11], "cases": augs})

    created = []
    for kwargs in ({}, {"resize": 12, "rand_crop": True, "rand_mirror": True},
                   {"rand_crop": True, "rand_resize": True, "mean": True, "std": True},
                   {"brightness": 0.1, "contrast": 0.2, "saturation": 0.3, "hue": 0.1,
                    "pca_noise": 0.05, "rand_gray": 0.2, "inter_method": 1},
                   {"mean": np.array([1.0, 2.0, 3.0]), "std": np.array([2.0])}):
        augs_list = mx.image.CreateAugmenter((3, 6, 8), **kwargs)
        shown = {k: (v.tolist() if isinstance(v, np.ndarray) else v)
                 for k, v in kwargs.items()}
        created.append({"kwargs": shown, "dumps": [a.dumps() for a in augs_list]})
    # the whole list, seeded, on one image
    random.seed(7)
    np.random.seed(7)
    augs_list = mx.image.CreateAugmenter(
        (3, 6, 8), resize=9, rand_crop=True, rand_mirror=True, mean=True, std=True,
        brightness=0.1, contrast=0.2, saturation=0.3, hue=0.1, pca_noise=0.05,
        rand_gray=0.3, inter_method=1)
    out = color
    for aug in augs_list:
        out = aug(out)
    golden.add({"id": "create_augmenter", "cases": created,
                **record("create_augmenter/applied", out)})

    # ImageIter -------------------------------------------------------------------
    writer = mx.recordio.MXIndexedRecordIO(path("images.idx"), path("images.rec"), "w")
    for number, (name, _) in enumerate(PNGS):
        label = [float(number), 2.0 * number]
        header = mx.recordio.IRHeader(0, label, number, 0)
        writer.write_idx(number, mx.recordio.pack(header, raw(f"{name}.png")))
    writer.close()
    imglist = [[float(number), f"{name}.png"] for number, (name, _) in enumerate(PNGS)]
    wide_list = [[float(number), 10.0 - number, f"{name}.png"]
                 for number, (name, _) in enumerate(PNGS)]
    iter_cases = {
        "pad": dict(batch_size=2, data_shape=(3, 4, 5), imglist=imglist,
                    path_root=FOLDER, inter_method=1),
        "discard": dict(batch_size=2, data_shape=(3, 4, 5), imglist=imglist,
                        path_root=FOLDER, last_batch_handle="discard"),
        "roll_over": dict(batch_size=3, data_shape=(3, 4, 5), imglist=imglist,
                          path_root=FOLDER, last_batch_handle="roll_over"),
        "augmented": dict(batch_size=3, data_shape=(3, 6, 6), imglist=imglist,
                          path_root=FOLDER, shuffle=True, rand_crop=True,
                          rand_mirror=True, resize=7, inter_method=1, mean=True,
                          brightness=0.2),
        "label_width": dict(batch_size=4, data_shape=(3, 4, 4), imglist=wide_list,
                            path_root=FOLDER, label_width=2, dtype="float64"),
        "lst": dict(batch_size=2, data_shape=(3, 5, 5), label_width=2,
                    path_imglist=path("images.lst"), path_root=FOLDER,
                    dtype="float64", inter_method=1),
        "rec": dict(batch_size=2, data_shape=(3, 5, 5), path_imgrec=path("images.rec"),
                    label_width=2, inter_method=1),
        "rec_idx_shuffle": dict(batch_size=2, data_shape=(3, 5, 5),
                                path_imgrec=path("images.rec"),
                                path_imgidx=path("images.idx"), shuffle=True,
                                label_width=2, inter_method=1),
        "rec_parts": dict(batch_size=1, data_shape=(3, 5, 5),
                          path_imgrec=path("images.rec"),
                          path_imgidx=path("images.idx"), num_parts=2, part_index=1,
                          label_width=2, inter_method=1),
    }
    iters = []
    for name, kwargs in iter_cases.items():
        random.seed(4)
        np.random.seed(4)
        it = mx.image.ImageIter(**kwargs)
        batches = []
        for epoch in range(2):
            for number, batch in enumerate(it):
                key = f"iter/{name}/{epoch}/{number}"
                batches.append({"epoch": epoch, "pad": batch.pad,
                                "data": record(key + "/data", batch.data[0]),
                                "label": record(key + "/label", batch.label[0])})
            it.reset()
        shown = {k: (os.path.basename(v) if isinstance(v, str) and os.sep in v else v)
                 for k, v in kwargs.items()}
        iters.append({"name": name, "kwargs": shown, "batches": batches,
                      "provide_data": [[n, list(s)] for n, s in it.provide_data],
                      "provide_label": [[n, list(s)] for n, s in it.provide_label]})
    golden.add({"id": "image_iter", "cases": iters})
    golden.save()


if __name__ == "__main__":
    if "--files" in sys.argv:
        write_files()
    else:
        sys.path.insert(0, HERE)
        main()
