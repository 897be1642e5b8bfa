"""mx.image's detection side (dlkit/image/detection.py, det_augmenters.py), imrotate
and random_rotate (dlkit/image/image.py) and mx.io.ImageDetRecordIter, compared with
MXNet 1.9.1 through tests/golden/image_det.json (written by gen_image_det.py)."""
import json
import logging
import os
import random

import numpy as np
import pytest

import dlkit as mx
from golden_replay import load_topic

pytest.importorskip("PIL")

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden",
                      "image_det_files")
CASES, ARRAYS = load_topic("image_det")
GROUPS = {group["kind"]: group["cases"] for group in CASES}
LABEL_D = np.array([3, 0.3, 0.3, 0.7, 0.9, 1, 0.0, 0.0, 0.2, 0.2, 0, 0.6, 0.1, 0.9,
                    0.5], dtype=np.float32).reshape(-1, 5)


def _check(result, expected, atol=1e-5):
    value = result.asnumpy() if hasattr(result, "asnumpy") else np.asarray(result)
    wanted = ARRAYS[expected["key"]]
    assert value.shape == wanted.shape
    assert value.dtype.name == expected["dtype"]
    np.testing.assert_allclose(value, wanted, rtol=1e-5, atol=atol)


def _augmenters():
    image = mx.image
    return {"flip": image.DetHorizontalFlipAug(1.0),
            "crop": image.DetRandomCropAug(min_object_covered=0.3,
                                           area_range=(0.2, 1.0)),
            "crop_fixed_ratio": image.DetRandomCropAug(aspect_ratio_range=1.0,
                                                       area_range=0.5,
                                                       min_eject_coverage=0.1),
            "pad": image.DetRandomPadAug(area_range=(1.5, 3.0), pad_val=(1, 2, 3)),
            "select": image.CreateMultiRandCropAugmenter(
                min_object_covered=[0.1, 0.7], area_range=[(0.1, 1.0), (0.5, 0.9)],
                skip_prob=0.3),
            "borrow": image.DetBorrowAug(image.ForceResizeAug((7, 5)))}


# ---- augmenters, one image at a time ----
@pytest.mark.parametrize("case", GROUPS["augmenters"],
                         ids=lambda c: f"{c['name']}-{c['seed']}")
def test_det_augmenter_matches_mxnet(case):
    aug = _augmenters()[case["name"]]
    image = mx.image.imread(os.path.join(FOLDER, "d.png"))
    # the golden script used one augmenter for seeds 0, 1, ... in turn, and
    # DetRandomSelectAug shuffles its list in place: replay the earlier calls
    for seed in range(case["seed"] + 1):
        random.seed(seed)
        out, label = aug(image.copy(), LABEL_D.copy())
    _check(out, case["image"])
    _check(label, case["label"])
    assert repr(aug.dumps()) == case["dumps"]


def test_flip_moves_boxes_and_changes_the_label_in_place():
    label = LABEL_D.copy()
    image = mx.nd.array(np.arange(2 * 3 * 3).reshape(2, 3, 3), dtype="uint8")
    out, same = mx.image.DetHorizontalFlipAug(1.0)(image, label)
    assert same is label
    np.testing.assert_allclose(label[0, 1:5], [0.3, 0.3, 0.7, 0.9], atol=1e-6)
    np.testing.assert_allclose(label[2, 1:5], [0.1, 0.1, 0.4, 0.5], atol=1e-6)
    assert (out.asnumpy() == image.asnumpy()[:, ::-1]).all()


def test_pad_fills_the_canvas_and_keeps_the_image_inside():
    random.seed(2)
    image = mx.nd.array(np.full((10, 10, 3), 200), dtype="uint8")
    out, label = mx.image.DetRandomPadAug(pad_val=(1, 2, 3))(image, LABEL_D.copy())
    pixels = out.asnumpy()
    assert pixels.shape[0] > 10 and pixels.shape[1] > 10
    assert (pixels == 200).all(axis=2).sum() == 100
    assert set(map(tuple, pixels.reshape(-1, 3))) == {(200, 200, 200), (1, 2, 3)}
    # box corners in canvas pixels land where the image was pasted
    rows, cols = np.where((pixels == 200).all(axis=2))
    np.testing.assert_allclose(label[1, 1] * pixels.shape[1], cols.min(), atol=1e-4)
    np.testing.assert_allclose(label[1, 2] * pixels.shape[0], rows.min(), atol=1e-4)


def test_crop_keeps_labels_when_no_window_is_found():
    aug = mx.image.DetRandomCropAug(min_object_covered=0.99, area_range=(0.05, 0.06),
                                    max_attempts=3)
    image = mx.nd.zeros((20, 20, 3), dtype="uint8")
    random.seed(0)
    out, label = aug(image, LABEL_D.copy())
    assert out.shape == (20, 20, 3) and (label == LABEL_D).all()


def test_random_select_with_an_empty_list_always_skips():
    aug = mx.image.DetRandomSelectAug([])
    assert aug.skip_prob == 1 and aug.dumps() == ["detrandomselectaug", []]


@pytest.mark.parametrize("call, error, message", [
    (lambda: mx.image.DetBorrowAug(3), TypeError, "invalid Augmenter"),
    (lambda: mx.image.DetRandomSelectAug([3]), ValueError, "DetAugmenter in list"),
    (lambda: mx.image.DetRandomCropAug(area_range=(0.5, 0.2)), ValueError,
     "invalid area_range"),
    (lambda: mx.image.DetRandomCropAug(aspect_ratio_range=(0, 1)), ValueError,
     "invalid aspect_ratio_range"),
    (lambda: mx.image.DetRandomPadAug(area_range=(1, 1)), ValueError,
     "invalid area_range"),
    (lambda: mx.image.CreateMultiRandCropAugmenter(min_object_covered=[0.1, 0.2],
                                                   max_attempts=[1, 2, 3]),
     AssertionError, "1 or 3 values"),
    (lambda: mx.image.CreateDetAugmenter((3, 8, 8), mean=[1, 2, 3]), AssertionError,
     "mean must be True"),
])
def test_augmenter_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_create_det_augmenter_lists_mxnets_augmenters():
    augs = mx.image.CreateDetAugmenter((3, 30, 40), resize=20, rand_crop=0.5,
                                       rand_pad=0.5, rand_gray=0.1, rand_mirror=True,
                                       mean=True, std=True, brightness=0.1,
                                       contrast=0.1, saturation=0.1, pca_noise=0.1,
                                       hue=0.1)
    # MXNet 1.9.1's dumps(), line for line
    assert [aug.dumps() for aug in augs][:6] == [
        ["detborrowaug", '["resizeaug", {"size": 20, "interp": 2}]'],
        ["detrandomselectaug", ['["detrandomcropaug", {"min_object_covered": 0.1, '
                                '"aspect_ratio_range": [0.75, 1.33], "area_range": '
                                '[0.05, 3.0], "min_eject_coverage": 0.3, '
                                '"max_attempts": 50}]']],
        '["dethorizontalflipaug", {"p": 0.5}]',
        ["detrandomselectaug", ['["detrandompadaug", {"aspect_ratio_range": [0.75, '
                                '1.33], "area_range": [1.0, 3.0], "max_attempts": '
                                '50, "pad_val": [127, 127, 127]}]']],
        ["detborrowaug", '["forceresizeaug", {"size": [40, 30], "interp": 2}]'],
        ["detborrowaug", '["castaug", {"type": "float32"}]']]
    assert augs[-1].dumps() == ["detborrowaug", json.dumps(
        ["colornormalizeaug", {"mean": [123.68, 116.28, 103.53],
                               "std": [58.395, 57.12, 57.375]}])]
    assert augs[1].skip_prob == 0.5


def test_module_names_match_mxnet():
    assert mx.image.det is mx.image.detection
    assert mx.image.det.ImageDetIter is mx.image.ImageDetIter
    assert mx.image.det.DetRandomPadAug is mx.image.DetRandomPadAug


# ---- ImageDetIter ----
def _source(case):
    source = dict(case["source"])
    for key, value in source.items():
        if key == "path_root":
            source[key] = FOLDER
        elif key.startswith("path_"):
            source[key] = os.path.join(FOLDER, value)
    return source


@pytest.mark.parametrize("case", GROUPS["iterators"],
                         ids=lambda c: f"{c['name']}-{c['seed']}")
def test_image_det_iter_matches_mxnet(case):
    random.seed(case["seed"])
    np.random.seed(case["seed"])
    it = mx.image.ImageDetIter(batch_size=2, data_shape=(3, 8, 8), **_source(case),
                               **case["augment"])
    assert [[name, list(shape)] for name, shape in it.provide_label] == \
        case["provide_label"]
    assert [repr(aug.dumps()) for aug in it.auglist] == case["dumps"]
    epochs = 2 if case["name"] == "rec_roll_over" else 1
    got = []
    for _ in range(epochs):
        it.reset()
        got.extend(it)
    assert len(got) == len(case["batches"])
    for batch, expected in zip(got, case["batches"]):
        assert batch.pad == expected["pad"]
        _check(batch.data[0], expected["data"], atol=1e-3)
        _check(batch.label[0], expected["label"])


def _small_iter(**kwargs):
    imglist = [[[2, 5, 0, 0.1, 0.1, 0.6, 0.7], "a.png"],
               [[2, 5, 1, 0.2, 0.3, 0.9, 0.8, 0, 0, 0, 0.5, 0.5], "b.png"]]
    return mx.image.ImageDetIter(2, (3, 8, 8), imglist=imglist, path_root=FOLDER,
                                 **kwargs)


def test_label_shape_counts_the_most_objects_and_pads_with_minus_one():
    it = _small_iter()
    assert it.provide_label == [("label", (2, 2, 5))]
    label = it.next().label[0].asnumpy()
    np.testing.assert_allclose(label[0, 1], [-1] * 5)
    np.testing.assert_allclose(label[1, 1], [0, 0, 0, 0.5, 0.5])


def test_reshape_and_sync_label_shape():
    small = _small_iter()
    large = mx.image.ImageDetIter(1, (3, 8, 8), path_imgrec=os.path.join(FOLDER,
                                                                          "det.rec"))
    assert large.label_shape == (3, 5)
    assert small.sync_label_shape(large) is large
    assert small.provide_label == [("label", (2, 3, 5))]
    assert small.next().label[0].shape == (2, 3, 5)
    small.reshape(data_shape=(3, 4, 6))
    assert small.provide_data == [("data", (2, 3, 4, 6))]
    with pytest.raises(ValueError, match="reduce label count from 3 to 1"):
        small.reshape(label_shape=(1, 5))
    with pytest.raises(ValueError, match="object width inconsistent: 5 vs 6"):
        small.reshape(label_shape=(4, 6))


def test_samples_without_a_valid_box_are_skipped(caplog):
    imglist = [[[2, 5, 0, 0.5, 0.1, 0.4, 0.7], "a.png"],     # xmax < xmin: broken
               [[2, 5, 1, 0.2, 0.3, 0.9, 0.8], "b.png"],
               [[2, 5, 1, 0.2, 0.3, 0.9, 0.8], "c.png"]]
    it = mx.image.ImageDetIter(1, (3, 8, 8), imglist=imglist[1:], path_root=FOLDER)
    it.imglist["1"] = (mx.nd.array(imglist[0][0]), "a.png")
    with caplog.at_level(logging.DEBUG):
        batches = list(it)
    assert len(batches) == 1 and "no valid label" in caplog.text


def test_parse_label_errors():
    it = _small_iter()
    with pytest.raises(RuntimeError, match="Label shape is invalid"):
        it._parse_label(np.array([2, 5, 0, 0.1, 0.1, 0.5]))
    with pytest.raises(RuntimeError, match="inconsistent with annotation width 5"):
        it._parse_label(np.array([2, 5, 0, 0.1, 0.1, 0.5, 0.5, 1]))


# ---- imrotate, random_rotate ----
@pytest.mark.parametrize("case", GROUPS["rotate"], ids=lambda c: c["call"])
def test_rotation_matches_mxnet(case):
    key = case["input"] if isinstance(case["input"], str) else case["input"]["key"]
    data = mx.nd.array(ARRAYS[key])
    if case["call"] == "imrotate":
        degrees = case["degrees"]
        if isinstance(degrees, list):
            degrees = mx.nd.array(degrees)
        out = mx.image.imrotate(data, degrees, zoom_in=case["zoom_in"],
                                zoom_out=case["zoom_out"])
    else:
        np.random.seed(case["seed"])
        out = mx.image.random_rotate(data, tuple(case["limits"]))
    _check(out, case["output"], atol=1e-4)


def test_copy_make_border_is_exposed_like_mxnet():
    image = mx.nd.array(np.arange(12).reshape(2, 2, 3), dtype="uint8")
    out = mx.image.copyMakeBorder(image, 1, 0, 0, 2, values=(9, 8, 7))
    assert out.shape == (3, 4, 3) and out.dtype == np.uint8
    assert out.asnumpy()[0].tolist() == [[9, 8, 7]] * 4


# ---- mx.io.ImageDetRecordIter ----
@pytest.mark.parametrize("case", GROUPS["record_iter"], ids=lambda c: c["name"])
def test_image_det_record_iter_matches_mxnet(case):
    it = mx.io.ImageDetRecordIter(path_imgrec=os.path.join(FOLDER, "det.rec"),
                                  **case["kwargs"])
    assert [list(d.shape) for d in it.provide_data] == case["provide_data"]
    assert [list(d.shape) for d in it.provide_label] == case["provide_label"]
    got = list(it)   # one epoch: MXNet's next epoch depends on its prefetching
    assert len(got) == len(case["batches"])
    for batch, expected in zip(got, case["batches"]):
        assert batch.pad == expected["pad"]
        _check(batch.data[0], expected["data"], atol=1e-3)
        _check(batch.label[0], expected["label"])


@pytest.mark.parametrize("kwargs, message", [
    ({"label_pad_width": 5}, "label_pad_width: 5 smaller than estimated width: 17"),
    ({"label_width": 7}, "provides a 12-dimensional label but label_width is set "
                         "to 7"),
])
def test_image_det_record_iter_errors(kwargs, message):
    with pytest.raises(mx.MXNetError, match=message):
        mx.io.ImageDetRecordIter(path_imgrec=os.path.join(FOLDER, "det.rec"),
                                 batch_size=2, data_shape=(3, 8, 8), **kwargs)
