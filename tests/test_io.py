"""dlkit/io against MXNet 1.9.1 goldens (golden/gen_io.py, golden/gen_recordio.py), plus
behaviour tests."""
import os
import threading

import numpy as np
import pytest

import dlkit as mx
from golden_replay import GOLDEN, load_topic

CASES, _ = load_topic("io")
RUNS = [case for case in CASES if "epochs" in case]
DATA = np.arange(10 * 3, dtype=np.float32).reshape(10, 3)
LABEL = np.arange(10, dtype=np.float32) * 10
DATA2 = -np.arange(10 * 2, dtype=np.float32).reshape(10, 2)
FORMS = {
    "array": (DATA, LABEL),
    "list": ([DATA, DATA2], [LABEL]),
    "dict": ({"y": DATA2, "x": DATA}, {"lbl": LABEL}),
    "nolabel": (DATA, None),
}


def _describe(descs):
    return [[d.name, list(d.shape), np.dtype(d.dtype).name, d.layout] for d in descs]


@pytest.mark.parametrize("case", RUNS, ids=[case["id"] for case in RUNS])
def test_ndarray_iter_batches_match_mxnet_over_three_epochs(case):
    data, label = FORMS[case["form"]]
    it = mx.io.NDArrayIter(data, label, batch_size=case["batch_size"],
                           last_batch_handle=case["handle"])
    assert _describe(it.provide_data) == case["provide_data"]
    assert _describe(it.provide_label) == case["provide_label"]
    for expected_batches in case["epochs"]:
        batches = list(it)
        assert len(batches) == len(expected_batches)
        for batch, expected in zip(batches, expected_batches):
            assert [d.asnumpy().tolist() for d in batch.data] == expected["data"]
            assert [l.asnumpy().tolist() for l in batch.label] == expected["label"]
            assert batch.pad == expected["pad"]
            assert batch.index is None
        it.reset()


def test_batch_and_desc_print_like_mxnet():
    case = next(c for c in CASES if c["id"] == "text")
    batch = mx.io.DataBatch([mx.nd.ones((3, 4))], [mx.nd.ones((3,))], pad=1)
    assert str(batch) == case["batch"]
    assert repr(mx.io.DataDesc("data", (3, 4))) == case["desc"]
    assert [mx.io.DataDesc.get_batch_axis(l) for l in [None, "NCHW", "TNC"]] == \
        case["batch_axis"]
    descs = mx.io.DataDesc.get_list([("a", (1, 2)), ("b", (3,))],
                                    [("a", np.int32), ("b", np.float16)])
    assert _describe(descs) == case["get_list"]


def test_data_desc_is_a_name_shape_tuple():
    desc = mx.io.DataDesc("data", (2, 3), layout="NC")
    name, shape = desc
    assert (name, shape, desc.layout) == ("data", (2, 3), "NC")
    assert desc.dtype is np.float32


def test_resize_iter_restarts_the_inner_iterator():
    case = next(c for c in CASES if c["id"] == "resize")
    resize = mx.io.ResizeIter(mx.io.NDArrayIter(DATA, LABEL, batch_size=4), size=5)
    assert [b.label[0].asnumpy().tolist() for b in resize] == case["labels"]
    resize.reset()
    assert len(list(resize)) == 5


def test_data_iter_protocol_methods():
    it = mx.io.NDArrayIter(DATA, LABEL, batch_size=4)
    assert it.batch_size == 4 and it.iter_next()
    assert it.getdata()[0].shape == (4, 3) and it.getlabel()[0].shape == (4,)
    assert it.getpad() == 0 and it.getindex() is None
    assert mx.io.DataIter().batch_size == 0
    with pytest.raises(StopIteration):
        next(iter(mx.io.DataIter()))


def test_numpy_input_becomes_float32_but_ndarray_keeps_dtype():
    it = mx.io.NDArrayIter(np.ones((4, 2), np.int32), batch_size=2)
    assert it.next().data[0].dtype == np.float32
    it = mx.io.NDArrayIter(mx.nd.ones((4, 2), dtype="int32"), batch_size=2)
    assert it.next().data[0].dtype == np.int32


def test_shuffle_permutes_samples_and_keeps_pairs_together():
    it = mx.io.NDArrayIter(DATA, LABEL, batch_size=5, shuffle=True)
    batches = list(it)
    rows = np.concatenate([b.data[0].asnumpy() for b in batches])
    labels = np.concatenate([b.label[0].asnumpy() for b in batches])
    assert sorted(rows[:, 0].tolist()) == DATA[:, 0].tolist()
    np.testing.assert_array_equal(rows[:, 0] / 3 * 10, labels)
    assert rows[:, 0].tolist() != DATA[:, 0].tolist()


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(mx.MXNetError, match="same number of samples.*'softmax_label'"):
        mx.io.NDArrayIter(DATA, np.zeros(9), batch_size=3)
    with pytest.raises(mx.MXNetError, match="batch_size 11 is larger than the 10"):
        mx.io.NDArrayIter(DATA, batch_size=11, last_batch_handle="discard")
    with pytest.raises(mx.MXNetError, match="last_batch_handle must be one of"):
        mx.io.NDArrayIter(DATA, last_batch_handle="bogus")
    with pytest.raises(mx.MXNetError, match="must be an NDArray"):
        mx.io.NDArrayIter("not data")
    with pytest.raises(mx.MXNetError, match="data must be a list"):
        mx.io.DataBatch(mx.nd.ones((2,)))


def test_pad_wraps_when_batch_is_larger_than_data():
    batches = list(mx.io.NDArrayIter(DATA, batch_size=11))
    assert len(batches) == 1 and batches[0].pad == 1
    assert batches[0].data[0].asnumpy()[:, 0].tolist() == [*DATA[:, 0], 0.0]


def test_prefetching_iter_joins_iterators_and_renames():
    first = mx.io.NDArrayIter(DATA, LABEL, batch_size=4)
    second = mx.io.NDArrayIter(DATA2, batch_size=4, data_name="extra")
    it = mx.io.PrefetchingIter([first, second],
                               rename_data=[{"data": "a"}, {"extra": "b"}])
    assert [d.name for d in it.provide_data] == ["a", "b"]
    batches = list(it)
    assert len(batches) == 3 and batches[-1].pad == 2
    assert [d.shape for d in batches[0].data] == [(4, 3), (4, 2)]
    it.reset()
    again = list(it)
    assert [b.data[1].asnumpy().tolist() for b in again] == \
        [b.data[1].asnumpy().tolist() for b in batches]


def test_prefetching_iter_reader_is_a_daemon_thread():
    it = mx.io.PrefetchingIter(mx.io.NDArrayIter(DATA, batch_size=2))
    assert it._thread.daemon
    it.next()
    it.reset()  # stops the reader while it waits on a full queue
    assert len(list(it)) == 5
    assert threading.active_count() < 50


def test_getdata_before_the_first_batch_is_a_clear_error():
    with pytest.raises(mx.MXNetError, match="call iter_next"):
        mx.io.NDArrayIter(DATA, batch_size=2).getdata()


# --------------------------------------------------------------------------------------
# File iterators (CSVIter, LibSVMIter, MNISTIter, ImageRecordIter) against the batches
# MXNet 1.9.1 gives on the small files of golden/recordio_files (gen_recordio.py).
# --------------------------------------------------------------------------------------
FILE_CASES, FILE_ARRAYS = load_topic("recordio")
FILES = os.path.join(GOLDEN, "recordio_files")


def _file_case(case_id):
    return next(case for case in FILE_CASES if case["id"] == case_id)


def _with_paths(kwargs):
    """Golden kwargs name files inside recordio_files/; give them full paths."""
    return {name: os.path.join(FILES, value) if isinstance(value, str) else value
            for name, value in kwargs.items()}


def _short_describe(descs):
    return [[d.name, list(d.shape), np.dtype(d.dtype).name] for d in descs]


def _assert_batches_match(it, case, data_scale=1, check_index=True, atol=0):
    assert _short_describe(it.provide_data) == case["provide_data"]
    assert _short_describe(it.provide_label) == case["provide_label"]
    batches = []
    for _ in range(case["epochs"]):
        batches += list(it)
        it.reset()
    assert len(batches) == len(case["batches"])
    for batch, expected in zip(batches, case["batches"]):
        data = FILE_ARRAYS[expected["key"] + "/data"].astype(np.float32) / data_scale
        np.testing.assert_allclose(batch.data[0].asnumpy(), data, rtol=0, atol=atol)
        np.testing.assert_array_equal(batch.label[0].asnumpy(),
                                      FILE_ARRAYS[expected["key"] + "/label"])
        assert batch.pad == expected["pad"]
        if check_index:
            assert batch.index.dtype == np.uint64
            assert batch.index.tolist() == expected["index"]


CSV_IDS = [case["id"] for case in FILE_CASES if case["id"].startswith("csv/")]


@pytest.mark.parametrize("case_id", CSV_IDS)
def test_csv_iter_batches_match_mxnet_over_three_epochs(case_id):
    case = _file_case(case_id)
    if case["labels"]:
        it = mx.io.CSVIter(data_csv=os.path.join(FILES, "data.csv"), data_shape=(1, 3),
                           label_csv=os.path.join(FILES, "label.csv"),
                           label_shape=(2,), batch_size=case["batch_size"])
    else:
        it = mx.io.CSVIter(data_csv=os.path.join(FILES, "data.csv"), data_shape=(3,),
                           batch_size=case["batch_size"],
                           round_batch=case["round_batch"])
    _assert_batches_match(it, case)


LIBSVM_IDS = [case["id"] for case in FILE_CASES if case["id"].startswith("libsvm/")]


@pytest.mark.parametrize("case_id", LIBSVM_IDS)
def test_libsvm_iter_gives_mxnet_csr_batches_as_dense_arrays(case_id):
    case = _file_case(case_id)
    it = mx.io.LibSVMIter(**_with_paths(case["kwargs"]))
    _assert_batches_match(it, case)


MNIST_IDS = [case["id"] for case in FILE_CASES if case["id"].startswith("mnist/")]


@pytest.mark.parametrize("case_id", MNIST_IDS)
def test_mnist_iter_batches_match_mxnet(case_id):
    case = _file_case(case_id)
    it = mx.io.MNISTIter(image=os.path.join(FILES, "mnist-images-idx3-ubyte"),
                         label=os.path.join(FILES, "mnist-labels-idx1-ubyte"),
                         silent=True, **case["kwargs"])
    # MXNet's MNISTIter leaves batch.index at 0; dlkit gives the image numbers
    _assert_batches_match(it, case, data_scale=256, check_index=False)


IMAGE_ITER_IDS = [case["id"] for case in FILE_CASES
                  if case["id"].startswith("image_iter/")]


@pytest.mark.parametrize("case_id", IMAGE_ITER_IDS)
def test_image_record_iter_batches_match_mxnet(case_id):
    case = _file_case(case_id)
    it = mx.io.ImageRecordIter(path_imgrec=os.path.join(FILES, case["file"]),
                               **case["kwargs"])
    # gray: Pillow's and OpenCV's RGB-to-gray rounding differ by at most one level
    atol = 1 if case["kwargs"]["data_shape"][0] == 1 else 1e-5
    _assert_batches_match(it, case, check_index=False, atol=atol)


def test_csv_iter_errors_name_the_file_and_the_shape(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("1,2,3\n4,5\n")
    with pytest.raises(mx.MXNetError, match=r"shape=\[3\].*row-length=2.*line 2"):
        mx.io.CSVIter(data_csv=str(path), data_shape=(3,), batch_size=1)
    path.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(mx.MXNetError, match="header line"):
        mx.io.CSVIter(data_csv=str(path), data_shape=(3,), batch_size=1)
    with pytest.raises(mx.MXNetError, match="batch_size"):
        mx.io.CSVIter(data_csv=str(path), data_shape=(3,))
    with pytest.raises(TypeError):
        mx.io.CSVIter(str(path), (3,), batch_size=1)   # keyword-only, as MXNet's


def test_csv_iter_round_batch_needs_enough_rows(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("1,2,3\n")
    with pytest.raises(mx.MXNetError, match="bigger than batch size"):
        mx.io.CSVIter(data_csv=str(path), data_shape=(3,), batch_size=3)
    it = mx.io.CSVIter(data_csv=str(path), data_shape=(3,), batch_size=3,
                       round_batch=False)
    batch = next(it)
    assert batch.pad == 2 and batch.data[0].shape == (3, 3)


def test_csv_iter_int_dtype(tmp_path):
    path = tmp_path / "ints.csv"
    path.write_text("1,2,3\n4,5,6\n")
    it = mx.io.CSVIter(data_csv=str(path), data_shape=(3,), batch_size=2,
                       dtype="int32")
    assert it.provide_data[0].dtype == np.int32
    assert next(it).data[0].asnumpy().tolist() == [[1, 2, 3], [4, 5, 6]]
    with pytest.raises(mx.MXNetError, match="float64 is not supported"):
        mx.io.CSVIter(data_csv=str(path), data_shape=(3,), batch_size=2,
                      dtype="float64")


def test_libsvm_iter_rejects_columns_outside_data_shape_and_round_batch_false():
    path = os.path.join(FILES, "data.libsvm")
    with pytest.raises(mx.MXNetError, match="column 4 on line 3.*outside data_shape"):
        mx.io.LibSVMIter(data_libsvm=path, data_shape=(4,), batch_size=2)
    with pytest.raises(mx.MXNetError, match="round_batch"):
        mx.io.LibSVMIter(data_libsvm=path, data_shape=(6,), batch_size=2,
                         round_batch=False)
    with pytest.raises(mx.MXNetError, match="dimension of data_shape"):
        mx.io.LibSVMIter(data_libsvm=path, data_shape=(2, 3), batch_size=2)


def test_mnist_iter_shuffle_keeps_images_with_their_labels():
    images = os.path.join(FILES, "mnist-images-idx3-ubyte")
    labels = os.path.join(FILES, "mnist-labels-idx1-ubyte")
    plain = mx.io.MNISTIter(image=images, label=labels, batch_size=20, shuffle=False,
                            silent=True)
    shuffled = mx.io.MNISTIter(image=images, label=labels, batch_size=20, shuffle=True,
                               seed=3, silent=True)
    reference, batch = next(plain), next(shuffled)
    order = batch.index.astype(int)
    assert sorted(order.tolist()) == list(range(20)) and order.tolist() != \
        list(range(20))
    np.testing.assert_array_equal(batch.data[0].asnumpy(),
                                  reference.data[0].asnumpy()[order])
    np.testing.assert_array_equal(batch.label[0].asnumpy(),
                                  reference.label[0].asnumpy()[order])
    shuffled.reset()
    assert next(shuffled).index.tolist() == batch.index.tolist()  # shuffled once


def test_mnist_iter_explains_gzip_and_too_large_batches(tmp_path):
    import gzip
    with open(os.path.join(FILES, "mnist-images-idx3-ubyte"), "rb") as handle:
        (tmp_path / "images.gz").write_bytes(gzip.compress(handle.read()))
    labels = os.path.join(FILES, "mnist-labels-idx1-ubyte")
    with pytest.raises(mx.MXNetError, match="gunzip"):
        mx.io.MNISTIter(image=str(tmp_path / "images.gz"), label=labels)
    with pytest.raises(mx.MXNetError, match="no full batch"):
        mx.io.MNISTIter(image=os.path.join(FILES, "mnist-images-idx3-ubyte"),
                        label=labels, batch_size=40, silent=True)


def test_image_record_iter_random_crop_and_mirror_stay_inside_the_image():
    path = os.path.join(FILES, "iter_images.rec")
    plain = mx.io.ImageRecordIter(path_imgrec=path, data_shape=(3, 10, 12),
                                  batch_size=5)
    augmented = mx.io.ImageRecordIter(path_imgrec=path, data_shape=(3, 10, 12),
                                      batch_size=5, rand_crop=True, rand_mirror=True,
                                      shuffle=True, seed=1)
    reference = next(plain)
    batch = next(augmented)
    assert batch.data[0].shape == (5, 3, 10, 12)
    order = batch.index.astype(int)
    assert sorted(order.tolist()) == list(range(5))
    np.testing.assert_array_equal(batch.label[0].asnumpy(), order.astype(np.float32))
    first = batch.data[0].asnumpy()[list(order).index(0)]
    expected = reference.data[0].asnumpy()[0]   # image 0 is exactly 10x12: no crop
    mirrored = expected[:, :, ::-1]
    assert np.array_equal(first, expected) or np.array_equal(first, mirrored)


def test_image_record_iter_checks_label_width_and_image_size():
    path = os.path.join(FILES, "iter_images.rec")
    with pytest.raises(mx.MXNetError, match="label_width"):
        mx.io.ImageRecordIter(path_imgrec=path, data_shape=(3, 8, 8), batch_size=2,
                              label_width=2)
    with pytest.raises(mx.MXNetError, match="smaller than data_shape"):
        mx.io.ImageRecordIter(path_imgrec=path, data_shape=(3, 11, 11), batch_size=2)
