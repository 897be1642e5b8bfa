"""dlkit/image (``mx.image``) against MXNet 1.9.1 (golden/gen_image.py): decoding,
resizing, crops, augmenters with seeded random draws, CreateAugmenter and ImageIter."""
import os
import random

import numpy as np
import pytest

import dlkit as mx
from golden_replay import GOLDEN, load_topic

pytest.importorskip("PIL")

CASES, ARRAYS = load_topic("image")
CASE = {case["id"]: case for case in CASES}
FOLDER = os.path.join(GOLDEN, "image_files")


def raw(name):
    with open(os.path.join(FOLDER, name), "rb") as handle:
        return handle.read()


def check(result, expected, atol=0.0, rtol=0.0):
    """``result`` (NDArray) has the golden shape, dtype and values."""
    value = result.asnumpy()
    golden = ARRAYS[expected["key"]]
    assert list(value.shape) == expected["shape"], expected["key"]
    assert value.dtype.name == expected["dtype"], expected["key"]
    if atol or rtol:
        np.testing.assert_allclose(value, golden, atol=atol, rtol=rtol,
                                   err_msg=expected["key"])
    else:
        np.testing.assert_array_equal(value, golden, err_msg=expected["key"])


def source(name):
    """The decoded test images the goldens start from."""
    if name == "gray":
        return mx.image.imdecode(raw("gray.png"), flag=0)
    return mx.image.imdecode(raw(f"{name}.png"))


# --------------------------------------------------------------------------------------
# Decoding.
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", [c for c in CASE["decode"]["cases"]
                                  if c["file"].endswith(".png")],
                         ids=lambda c: f"{c['file']}-{c['flag']}-{c['to_rgb']}")
def test_png_decodes_to_mxnets_pixels_gray_and_bgr_included(case):
    if case.get("imread"):
        result = mx.image.imread(os.path.join(FOLDER, case["file"]), flag=case["flag"])
    else:
        result = mx.image.imdecode(raw(case["file"]), flag=case["flag"],
                                   to_rgb=case["to_rgb"])
    check(result, case)


@pytest.mark.parametrize("case", [c for c in CASE["decode"]["cases"]
                                  if c["file"].endswith(".jpg")],
                         ids=lambda c: f"{c['flag']}-{c['to_rgb']}")
def test_jpeg_decodes_within_a_few_levels_of_mxnet(case):
    result = mx.image.imdecode(raw(case["file"]), flag=case["flag"],
                               to_rgb=case["to_rgb"])
    check(result, case, atol=4)


def test_imdecode_accepts_bytes_bytearray_numpy_and_ndarray():
    data = raw("color.png")
    expected = mx.image.imdecode(data).asnumpy()
    as_numpy = np.frombuffer(data, dtype=np.uint8)
    for buf in (bytearray(data), as_numpy, mx.nd.array(as_numpy, dtype=np.uint8)):
        np.testing.assert_array_equal(mx.image.imdecode(buf).asnumpy(), expected)
    out = mx.nd.zeros(expected.shape, dtype=np.uint8)
    assert mx.image.imdecode(data, out=out) is out
    np.testing.assert_array_equal(out.asnumpy(), expected)


def test_imdecode_errors_name_the_problem(tmp_path):
    with pytest.raises(ValueError, match="please convert to bytes"):
        mx.image.imdecode("color.png")
    with pytest.raises(mx.MXNetError, match="empty buffer"):
        mx.image.imdecode(b"")
    with pytest.raises(mx.MXNetError, match="invalid image"):
        mx.image.imdecode(b"this is not an image")
    with pytest.raises(mx.MXNetError, match="flag=-1"):
        mx.image.imdecode(raw("color.png"), flag=-1)
    with pytest.raises(mx.MXNetError, match="couldn't open file"):
        mx.image.imread(str(tmp_path / "missing.png"))


# --------------------------------------------------------------------------------------
# Resizing and crops.
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASE["resize"]["cases"], ids=lambda c: c["key"])
def test_resize_matches_opencv_through_image_resize(case):
    image = source(case["source"])
    if "resize_short" in case:
        result = mx.image.resize_short(image, case["resize_short"],
                                       interp=case["interp"])
        check(result, case)
        return
    result = mx.image.imresize(image.astype(case["dtype"]), case["w"], case["h"],
                               interp=case["interp"])
    # float32 sums in another order may differ in the last bits
    check(result, case, atol=1e-3 if case["dtype"] == "float32" else 0)


def test_scale_down_keeps_the_crop_aspect_ratio():
    for src_size, size, expected in CASE["scale_down"]["cases"]:
        assert mx.image.scale_down(tuple(src_size), tuple(size)) == tuple(expected)


def run_crop(case):
    image = source(case["source"])
    size = tuple(case["size"]) if "size" in case else None
    if case["fn"] == "fixed_crop":
        return mx.image.fixed_crop(image, *case["args"], size=size, interp=1), None
    random.seed(case.get("seed", 0))
    if case["fn"] == "random_size_crop":
        area = case["area"] if isinstance(case["area"], float) else tuple(case["area"])
        return mx.image.random_size_crop(image, size, area, tuple(case["ratio"]),
                                         interp=1)
    return getattr(mx.image, case["fn"])(image, size, interp=1)


@pytest.mark.parametrize("case", CASE["crop"]["cases"], ids=lambda c: c["key"])
def test_crops_cut_the_same_box_as_mxnet_with_the_same_seed(case):
    result, box = run_crop(case)
    if box is not None:
        assert list(box) == case["box"]
    check(result, case)


def test_color_normalize_works_in_place():
    image = source("color").astype("float32")
    result = mx.image.color_normalize(image, mx.nd.array([100.0, 120.0, 90.0]),
                                      mx.nd.array([50.0, 60.0, 70.0]))
    assert result is image
    check(result, CASE["color_normalize"], rtol=1e-6)


def test_unknown_interpolation_is_a_value_error():
    with pytest.raises(ValueError, match="Unknown interp method 7"):
        mx.image.resize_short(source("color"), 4, interp=7)


# --------------------------------------------------------------------------------------
# Augmenters: the same random draws as MXNet (Python's random, NumPy's for lighting).
# --------------------------------------------------------------------------------------
GRAY_COEF = [0.299, 0.587, 0.114]
EIGVAL = np.array([55.46, 4.794, 1.148])
EIGVEC = np.array([[-0.5675, 0.7192, 0.4009], [-0.5808, -0.0045, -0.8140],
                   [-0.5836, -0.6948, 0.4203]])
AUGMENTERS = {
    "brightness": lambda: mx.image.BrightnessJitterAug(0.4),
    "contrast": lambda: mx.image.ContrastJitterAug(0.4),
    "saturation": lambda: mx.image.SaturationJitterAug(0.4),
    "hue": lambda: mx.image.HueJitterAug(0.3),
    "color_jitter": lambda: mx.image.ColorJitterAug(0.3, 0.2, 0.4),
    "lighting": lambda: mx.image.LightingAug(0.1, EIGVAL, EIGVEC),
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


@pytest.mark.parametrize("case", [c for c in CASE["augmenters"]["cases"]
                                  if c["name"] in AUGMENTERS], ids=lambda c: c["key"])
def test_augmenter_matches_mxnet_with_the_same_seeds(case):
    random.seed(case["seed"])
    np.random.seed(case["seed"])
    aug = AUGMENTERS[case["name"]]()
    top, bottom, left, right = CASE["augmenters"]["patch"]
    result = aug(source("color")[top:bottom, left:right].astype("float32"))
    check(result, case, atol=2e-4, rtol=1e-5)
    # after the call: a random-order augmenter dumps its list as shuffled
    assert aug.dumps() == case["dumps"]


def test_brightness_of_a_uint8_image_keeps_uint8_scalar_arithmetic():
    case = next(c for c in CASE["augmenters"]["cases"] if c["name"] ==
                "brightness_uint8")
    random.seed(case["seed"])
    image = source("color")
    result = mx.image.BrightnessJitterAug(0.9)(image)
    assert result is image            # MXNet's augmenters work in place
    check(result, case)


def test_color_augmenters_change_the_image_in_place():
    image = source("color").astype("float32")
    before = image.asnumpy().copy()
    random.seed(0)
    result = mx.image.SaturationJitterAug(0.5)(image)
    assert result is image
    assert not np.array_equal(image.asnumpy(), before)


def test_saturation_blends_each_pixel_with_its_full_gray_value():
    image = source("color").astype("float32")
    pixels = image.asnumpy()
    random.seed(2)
    alpha = 1.0 + random.uniform(-0.5, 0.5)
    gray = (pixels * np.float32(GRAY_COEF)).sum(axis=2, keepdims=True)
    random.seed(2)
    result = mx.image.SaturationJitterAug(0.5)(image).asnumpy()
    np.testing.assert_allclose(result, pixels * alpha + gray * (1 - alpha),
                               rtol=1e-5, atol=1e-3)


def test_create_augmenter_lists_mxnets_augmenters():
    for case in CASE["create_augmenter"]["cases"]:
        kwargs = {k: (np.array(v) if isinstance(v, list) else v)
                  for k, v in case["kwargs"].items()}
        augs = mx.image.CreateAugmenter((3, 6, 8), **kwargs)
        assert [aug.dumps() for aug in augs] == case["dumps"], case["kwargs"]


def test_create_augmenter_pipeline_reproduces_mxnet_end_to_end():
    random.seed(7)
    np.random.seed(7)
    augs = mx.image.CreateAugmenter(
        (3, 6, 8), resize=9, rand_crop=True, rand_mirror=True, mean=True, std=True,
        brightness=0.1, contrast=0.2, saturation=0.3, hue=0.1, pca_noise=0.05,
        rand_gray=0.3, inter_method=1)
    result = source("color")
    for aug in augs:
        result = aug(result)
    check(result, CASE["create_augmenter"], atol=1e-4, rtol=1e-5)


def test_create_augmenter_checks_its_arguments():
    with pytest.raises(AssertionError, match="rand_crop"):
        mx.image.CreateAugmenter((3, 4, 4), rand_resize=True)
    with pytest.raises(AssertionError, match="mean"):
        mx.image.CreateAugmenter((3, 4, 4), mean=[1.0, 2.0, 3.0])


# --------------------------------------------------------------------------------------
# ImageIter.
# --------------------------------------------------------------------------------------
def iter_kwargs(case):
    kwargs = {}
    for name, value in case["kwargs"].items():
        if name == "path_root":
            value = FOLDER
        elif name in ("path_imgrec", "path_imgidx", "path_imglist"):
            value = os.path.join(FOLDER, value)
        elif name == "data_shape":
            value = tuple(value)
        kwargs[name] = value
    return kwargs


@pytest.mark.parametrize("case", CASE["image_iter"]["cases"], ids=lambda c: c["name"])
def test_image_iter_gives_mxnets_batches(case):
    random.seed(4)
    np.random.seed(4)
    it = mx.image.ImageIter(**iter_kwargs(case))
    assert [[n, list(s)] for n, s in it.provide_data] == case["provide_data"]
    assert [[n, list(s)] for n, s in it.provide_label] == case["provide_label"]
    batches = []
    for epoch in range(2):
        for batch in it:
            batches.append((epoch, batch))
        it.reset()
    assert len(batches) == len(case["batches"])
    for (epoch, batch), expected in zip(batches, case["batches"]):
        assert epoch == expected["epoch"]
        assert batch.pad == expected["pad"]
        check(batch.data[0], expected["data"], atol=1e-4, rtol=1e-6)
        check(batch.label[0], expected["label"])


def test_image_iter_rejects_bad_arguments():
    imglist = [[0.0, "color.png"]]
    with pytest.raises(ValueError, match="3 channels"):
        mx.image.ImageIter(1, (1, 4, 4), imglist=imglist, path_root=FOLDER)
    with pytest.raises(ValueError, match="CxHxW"):
        mx.image.ImageIter(1, (4, 4), imglist=imglist, path_root=FOLDER)
    with pytest.raises(AssertionError, match="label not supported"):
        mx.image.ImageIter(1, (3, 4, 4), imglist=imglist, path_root=FOLDER,
                           dtype="uint8")
    with pytest.raises(AssertionError):
        mx.image.ImageIter(1, (3, 4, 4))


def test_image_iter_names_a_broken_image(tmp_path):
    (tmp_path / "broken.png").write_bytes(b"not a png")
    it = mx.image.ImageIter(1, (3, 4, 4), imglist=[[0.0, "broken.png"]],
                            path_root=str(tmp_path))
    with pytest.raises(RuntimeError, match="broken.png"):
        it.next()
