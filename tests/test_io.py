"""dlkit/io against MXNet 1.9.1 goldens (golden/gen_io.py), plus behaviour tests."""
import threading

import numpy as np
import pytest

import dlkit as mx
from golden_replay import load_topic

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
