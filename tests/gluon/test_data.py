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
