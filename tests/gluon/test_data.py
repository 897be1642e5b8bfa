"""gluon.data: datasets, samplers, DataLoader (with workers), vision datasets."""
import numpy as np
import pytest

import dlkit as mx
from dlkit import gluon, nd
from dlkit.gluon.data import vision
from dlkit.gluon.data.vision import transforms


def test_array_dataset_and_transforms():
    dataset = gluon.data.ArrayDataset(nd.arange(6).reshape((3, 2)), nd.arange(3))
    x, y = dataset[1]
    assert x.asnumpy().tolist() == [2, 3] and y == 1 and isinstance(y, np.float32)
    doubled = dataset.transform_first(lambda data: data * 2)
    assert doubled[1][0].asnumpy().tolist() == [4, 6] and doubled[1][1] == 1
    eager = dataset.transform(lambda data, label: label, lazy=False)
    assert [eager[i] for i in range(3)] == [0, 1, 2]
    with pytest.raises(ValueError, match="same length"):
        gluon.data.ArrayDataset(nd.ones(2), nd.ones(3))


def test_samplers():
    assert list(gluon.data.SequentialSampler(3)) == [0, 1, 2]
    np.random.seed(0)
    assert sorted(gluon.data.RandomSampler(5)) == [0, 1, 2, 3, 4]
    batches = gluon.data.BatchSampler(gluon.data.SequentialSampler(5), 2, "rollover")
    assert list(batches) == [[0, 1], [2, 3]]
    assert list(batches) == [[4, 0], [1, 2], [3, 4]]
    with pytest.raises(ValueError, match="last_batch"):
        gluon.data.BatchSampler(gluon.data.SequentialSampler(5), 2, "drop")


def test_dataloader_with_two_workers_matches_one_process():
    dataset = gluon.data.ArrayDataset(np.arange(20, dtype=np.float32).reshape(10, 2),
                                      np.arange(10))
    single = [(x.asnumpy(), y.asnumpy()) for x, y in
              gluon.data.DataLoader(dataset, batch_size=3)]
    loader = gluon.data.DataLoader(dataset, batch_size=3, num_workers=2, timeout=30)
    workers = [(x.asnumpy(), y.asnumpy()) for x, y in loader]
    assert len(workers) == len(single) == 4
    for (x1, y1), (x2, y2) in zip(single, workers):
        np.testing.assert_array_equal(x1, x2)
        np.testing.assert_array_equal(y1, y2)
    threads = gluon.data.DataLoader(dataset, batch_size=3, num_workers=2,
                                    thread_pool=True)
    assert [x.shape for x, _ in threads] == [(3, 2), (3, 2), (3, 2), (1, 2)]


def test_dataloader_argument_checks_and_empty_dataset():
    dataset = gluon.data.SimpleDataset([1, 2, 3])
    with pytest.raises(ValueError, match="batch_size must be specified"):
        gluon.data.DataLoader(dataset)
    with pytest.raises(ValueError, match="shuffle must not be specified"):
        gluon.data.DataLoader(dataset, 2, shuffle=True,
                              sampler=gluon.data.SequentialSampler(3))
    with pytest.raises(mx.MXNetError, match="empty"):
        gluon.data.DataLoader(gluon.data.SimpleDataset([]), batch_size=2)


def test_digits_dataset_ships_with_dlkit():
    train, valid = vision.Digits(train=True), vision.Digits(train=False)
    assert (len(train), len(valid)) == (1437, 360)
    image, label = train[0]
    assert image.shape == (8, 8, 1) and image.dtype == np.uint8 and 0 <= label <= 9
    assert image.asnumpy().max() <= 16


def test_transforms_to_tensor_normalize_resize_crop_flip():
    image = nd.array(np.arange(48).reshape(4, 4, 3), dtype=np.uint8)
    tensor = transforms.ToTensor()(image)
    assert tensor.shape == (3, 4, 4) and tensor.dtype == np.float32
    assert float(tensor[2, 0, 0].asscalar()) == pytest.approx(2 / 255)
    normalized = transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))(tensor)
    assert float(normalized[0, 0, 0].asscalar()) == pytest.approx(-1.0)
    assert transforms.Resize(8)(image).shape == (8, 8, 3)
    assert transforms.Resize((6, 2))(image).shape == (2, 6, 3)
    assert transforms.CenterCrop(2)(image).shape == (2, 2, 3)
    assert transforms.RandomResizedCrop(3)(image).shape == (3, 3, 3)
    flipped = [transforms.RandomFlipLeftRight()(image) for _ in range(20)]
    assert any((f.asnumpy() != image.asnumpy()).any() for f in flipped)
    assert transforms.Cast("float64")(image).dtype == np.float64
    composed = transforms.Compose([transforms.Resize(8), transforms.ToTensor()])
    assert composed(image).shape == (3, 8, 8)


def test_image_folder_dataset_reads_generated_folders(tmp_path):
    root = vision.make_image_folder(str(tmp_path / "shapes"), ("circle", "square"),
                                    per_class=3, size=12)
    dataset = vision.ImageFolderDataset(root)
    assert dataset.synsets == ["circle", "square"] and len(dataset) == 6
    image, label = dataset[4]
    assert image.shape == (12, 12, 3) and image.dtype == np.uint8 and label == 1
    gray = vision.ImageFolderDataset(root, flag=0)
    assert gray[0][0].shape == (12, 12, 1)


def test_image_folder_without_images_names_the_fix(tmp_path):
    (tmp_path / "empty" / "cat").mkdir(parents=True)
    with pytest.raises(mx.MXNetError, match="sub-folder"):
        vision.ImageFolderDataset(str(tmp_path / "empty"))


def test_mnist_and_cifar_without_files_explain_what_to_do(tmp_path):
    with pytest.raises(mx.MXNetError, match="train-images-idx3-ubyte.gz"):
        vision.MNIST(root=str(tmp_path))
    with pytest.raises(mx.MXNetError, match="data_batch_1.bin"):
        vision.CIFAR10(root=str(tmp_path))


def test_mnist_reads_idx_files(tmp_path):
    import gzip
    import struct
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    with gzip.open(tmp_path / "t10k-images-idx3-ubyte.gz", "wb") as handle:
        handle.write(struct.pack(">IIII", 2051, 2, 28, 28) + images.tobytes())
    with gzip.open(tmp_path / "t10k-labels-idx1-ubyte.gz", "wb") as handle:
        handle.write(struct.pack(">II", 2049, 2) + bytes([7, 3]))
    dataset = vision.MNIST(root=str(tmp_path), train=False)
    assert len(dataset) == 2 and dataset[1][1] == 3
    np.testing.assert_array_equal(dataset[1][0].asnumpy()[..., 0], images[1])


def test_cifar10_reads_binary_batches(tmp_path):
    folder = tmp_path / "cifar-10-batches-bin"
    folder.mkdir()
    record = np.concatenate([[4], np.arange(3072) % 256]).astype(np.uint8)
    (folder / "test_batch.bin").write_bytes(record.tobytes() * 2)
    dataset = vision.CIFAR10(root=str(tmp_path), train=False)
    image, label = dataset[0]
    assert len(dataset) == 2 and label == 4 and image.shape == (32, 32, 3)
    assert image.asnumpy()[0, 1, 0] == 1 and image.asnumpy()[0, 0, 1] == 1024 % 256


def test_worker_dataloader_used_without_a_name_keeps_its_pool_for_the_whole_epoch():
    dataset = gluon.data.ArrayDataset(mx.nd.arange(20).reshape((10, 2)), mx.nd.arange(10))
    shapes = [X.shape for X, _ in gluon.data.DataLoader(dataset, 3, num_workers=2)]
    assert shapes == [(3, 2), (3, 2), (3, 2), (1, 2)]


# ---- transforms built on the image operators (numbers printed by MXNet 1.9.1) ----
def _ramp(scale=1):
    return nd.array(np.arange(35).reshape(5, 7, 1) * scale, dtype=np.uint8)


def test_resize_transform_matches_mxnets_opencv_pixels():
    assert transforms.Resize((3, 2))(_ramp(7)).asnumpy()[..., 0].tolist() == \
        [[41, 58, 74], [164, 180, 196]]
    assert transforms.Resize(3, keep_ratio=True)(_ramp(7)).asnumpy()[..., 0].tolist() \
        == [[19, 31, 43, 55], [101, 113, 125, 137], [182, 194, 207, 219]]


def test_compose_resize_to_tensor_normalize_matches_mxnet():
    pipeline = transforms.Compose([transforms.Resize(4), transforms.ToTensor(),
                                   transforms.Normalize((0.5,), (0.25,))])
    out = pipeline(_ramp(7)).asnumpy()
    assert out.shape == (1, 4, 4)
    np.testing.assert_allclose(out[0, 0], [-1.85882, -1.67059, -1.48235, -1.29412],
                               atol=1e-5)
    np.testing.assert_allclose(out[0, 3], [1.01176, 1.21569, 1.40392, 1.59216],
                               atol=1e-5)


def test_center_crop_of_a_small_image_crops_the_largest_box_then_resizes_up():
    assert transforms.CenterCrop(3)(_ramp()).asnumpy()[..., 0].tolist() == \
        [[9, 10, 11], [16, 17, 18], [23, 24, 25]]
    assert transforms.CenterCrop((9, 4))(_ramp()).asnumpy()[0, :, 0].tolist() == \
        [7, 7, 8, 9, 10, 11, 11, 12, 13]
    assert transforms.CenterCrop(6)(_ramp()).asnumpy()[0, :, 0].tolist() == \
        [1, 2, 2, 3, 4, 5]


def test_crop_resize_crops_then_resizes_images_and_batches():
    assert transforms.CropResize(1, 1, 3, 2)(_ramp()).shape == (2, 3, 1)
    nearest = transforms.CropResize(1, 1, 3, 2, size=(5, 4), interpolation=0)
    assert nearest(_ramp()).asnumpy()[..., 0].tolist() == \
        [[8, 8, 9, 9, 10], [8, 8, 9, 9, 10], [15, 15, 16, 16, 17], [15, 15, 16, 16, 17]]
    batch = nd.stack(_ramp(), _ramp())
    assert transforms.CropResize(1, 1, 3, 2, size=5)(batch).shape == (2, 5, 5, 1)


def test_image_transforms_hybridize_into_symbol_graphs():
    image = nd.array(np.random.uniform(0, 255, (6, 5, 3)), dtype=np.uint8)
    for block in (transforms.ToTensor(), transforms.Resize((4, 3)),
                  transforms.CropResize(1, 2, 3, 3, size=2),
                  transforms.RandomBrightness(0)):
        expected = block(image).asnumpy()
        block.hybridize()
        np.testing.assert_allclose(block(image).asnumpy(), expected)
    normalize = transforms.Normalize((0.1, 0.2, 0.3), (0.5, 0.5, 0.5))
    tensor = transforms.ToTensor()(image)
    expected = normalize(tensor).asnumpy()
    normalize.hybridize()
    np.testing.assert_allclose(normalize(tensor).asnumpy(), expected)


def test_random_color_transforms_keep_shape_and_draw_their_factor_in_range():
    image = nd.ones((4, 4, 3)) * 100
    for _ in range(10):
        bright = transforms.RandomBrightness(0.5)(image).asnumpy()
        assert 50 <= bright.min() == bright.max() <= 150
    for block in (transforms.RandomContrast(0.3), transforms.RandomSaturation(0.3),
                  transforms.RandomHue(0.1), transforms.RandomLighting(0.1),
                  transforms.RandomColorJitter(0.2, 0.2, 0.2, 0.1)):
        assert block(image).shape == (4, 4, 3)
    gray_stays_gray = transforms.RandomHue(0.4)(image).asnumpy()
    np.testing.assert_allclose(gray_stays_gray, 100, rtol=1e-5)


def test_random_apply_applies_with_probability_p():
    image = nd.ones((2, 2, 3))
    corner = transforms.CropResize(0, 0, 1, 1)
    assert transforms.RandomApply(corner, p=0)(image) is image
    assert transforms.RandomApply(corner, p=1)(image).shape == (1, 1, 3)


# ======================================================================================
# RecordIO datasets and FilterSampler (against golden/recordio_files, written by MXNet
# 1.9.1 in golden/gen_recordio.py)
# ======================================================================================
def _recordio_golden():
    import os

    from golden_replay import GOLDEN, load_topic
    cases, arrays = load_topic("recordio")
    images = next(case for case in cases if case["id"] == "images")
    return os.path.join(GOLDEN, "recordio_files"), images["names"], arrays


def test_record_file_dataset_reads_records_by_position():
    import os
    folder, _, _ = _recordio_golden()
    dataset = gluon.data.RecordFileDataset(os.path.join(folder, "indexed.rec"))
    reader = mx.recordio.MXIndexedRecordIO(os.path.join(folder, "indexed.idx"),
                                           os.path.join(folder, "indexed.rec"), "r")
    assert len(dataset) == 5
    # position 2 is the third key of the index (7), not key 2
    assert dataset[2] == reader.read_idx(reader.keys[2])
    assert mx.recordio.unpack(dataset[2])[0].id == 1


@pytest.mark.parametrize("flag", [1, 0])
def test_image_record_dataset_decodes_rgb_like_mxnet(flag):
    import os
    folder, names, arrays = _recordio_golden()
    dataset = vision.ImageRecordDataset(os.path.join(folder, "images.rec"), flag=flag)
    assert len(dataset) == len(names)
    for number, name in enumerate(names):
        image, label = dataset[number]
        expected = arrays[f"dataset/{name}/{flag}"]
        assert isinstance(image, nd.NDArray) and image.dtype == np.uint8
        assert image.shape == expected.shape
        exact = name.startswith("png") and (flag == 1 or name.endswith("gray"))
        assert np.abs(image.asnumpy().astype(int) - expected).max() <= (0 if exact
                                                                         else 3)
        np.testing.assert_array_equal(np.asarray(label),
                                      arrays[f"dataset/{name}/label"])


def test_image_record_dataset_applies_transform_to_image_and_label():
    import os
    folder, _, _ = _recordio_golden()
    dataset = vision.ImageRecordDataset(os.path.join(folder, "images.rec"),
                                        transform=lambda image, label: (image.shape,
                                                                        label * 2))
    assert dataset[0] == ((9, 7, 3), 0.0) and dataset[2][1] == 4.0


def test_filter_sampler_keeps_indices_of_matching_samples():
    sampler = gluon.data.FilterSampler(lambda x: x % 3 == 0, list(range(10)))
    assert list(sampler) == [0, 3, 6, 9] and len(sampler) == 4
    dataset = gluon.data.ArrayDataset(nd.arange(6), nd.array([0, 1, 0, 1, 1, 0]))
    odd = gluon.data.FilterSampler(lambda sample: sample[1] == 1, dataset)
    loader = gluon.data.DataLoader(dataset, batch_size=2, sampler=odd)
    assert [y.asnumpy().tolist() for _, y in loader] == [[1, 1], [1]]


# ---- Rotate, RandomRotation (MXNet's image.imrotate through BilinearSampler) ----
def test_rotate_turns_counter_clockwise_about_the_centre():
    image = np.arange(2 * 5 * 5, dtype=np.float32).reshape(2, 5, 5)
    turned = transforms.Rotate(90)(nd.array(image)).asnumpy()
    np.testing.assert_allclose(turned, np.rot90(image, 1, axes=(1, 2)), atol=1e-4)
    batch = nd.array(np.stack([image, image]))
    upside_down = transforms.Rotate(180)(batch).asnumpy()
    np.testing.assert_allclose(upside_down, np.stack([image[:, ::-1, ::-1]] * 2),
                               atol=1e-4)


def test_rotate_samples_bilinearly_between_pixels():
    image = np.random.uniform(size=(1, 3, 3)).astype(np.float32)
    turned = transforms.Rotate(45)(nd.array(image)).asnumpy()
    # the top-middle pixel reads the input at x = 1 + sin 45, y = 1 - cos 45
    x, y = 1 + np.sqrt(0.5), 1 - np.sqrt(0.5)
    left, top = int(x), int(y)
    fx, fy = x - left, y - top
    patch = image[0, top:top + 2, left:left + 2]
    expected = ((1 - fy) * ((1 - fx) * patch[0, 0] + fx * patch[0, 1])
                + fy * ((1 - fx) * patch[1, 0] + fx * patch[1, 1]))
    np.testing.assert_allclose(turned[0, 0, 1], expected, rtol=1e-5)
    np.testing.assert_allclose(turned[0, 1, 1], image[0, 1, 1], rtol=1e-6)


def test_rotate_zoom_in_hides_padding_and_zoom_out_shows_the_whole_image():
    ones = nd.ones((1, 6, 6))
    plain = transforms.Rotate(45)(ones).asnumpy()
    assert plain[0, 0, 0] == 0 and plain[0, 3, 3] == 1
    assert (transforms.Rotate(45, zoom_in=True)(ones).asnumpy() > 0.99).all()
    zoomed_out = transforms.Rotate(45, zoom_out=True)(ones).asnumpy()
    assert zoomed_out.sum() < plain.sum()


@pytest.mark.parametrize("call, error, message", [
    (lambda: transforms.Rotate(10)(nd.ones((1, 3, 3), dtype="float64")), TypeError,
     "only supports float32"),
    (lambda: transforms.Rotate(10, True, True)(nd.ones((1, 3, 3))), ValueError,
     "cannot be both True"),
    (lambda: transforms.Rotate(10)(nd.ones((3, 3))), ValueError, "Only 3D and 4D"),
    (lambda: transforms.RandomRotation((10, 5)), ValueError, "ordered tuple"),
    (lambda: transforms.RandomRotation((-5, 5), rotate_with_proba=2), ValueError,
     "between 0 and 1"),
])
def test_rotate_errors_match_mxnet(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_random_rotation_draws_an_angle_per_image_within_the_limits():
    image = np.random.uniform(size=(1, 5, 5)).astype(np.float32)
    batch = nd.array(np.stack([image] * 4))
    mx.random.seed(1)
    turned = transforms.RandomRotation((89.9, 90.1))(batch).asnumpy()
    np.testing.assert_allclose(turned[:, :, 1:4, 1:4],
                               np.stack([np.rot90(image, 1, axes=(1, 2))] * 4)[
                                   :, :, 1:4, 1:4], atol=0.01)
    unturned = transforms.RandomRotation((-30, 30), rotate_with_proba=0)(batch)
    assert unturned is batch
    single = transforms.RandomRotation((-30, 30))(nd.array(image))
    assert single.shape == (1, 5, 5)
