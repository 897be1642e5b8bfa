"""``mx.nd.save`` / ``mx.nd.load`` (dlkit/ndarray/serialization.py).

Compatibility with MXNet 1.9.1 both ways: files MXNet wrote (tests/golden/ndarray_files,
made by gen_ndarray_files.py) load here, and saving the same content here gives the same
bytes MXNet wrote, which MXNet therefore loads.
"""
import os
import pathlib
import pickle
import struct

import numpy as np
import pytest

import dlkit as mx
from dlkit.base import DTYPE_NAME_TO_ID, MXNetError
from golden_replay import GOLDEN, load_topic

FILES = os.path.join(GOLDEN, "ndarray_files")
CASES, ARRAYS = load_topic("ndarray_files")
BY_FILE = {case["file"]: case for case in CASES}


def expected_content(case):
    values = [ARRAYS[key] for key in case["arrays"]]
    return dict(zip(case["names"], values)) if case["is_dict"] else values


def as_items(content):
    if isinstance(content, dict):
        return list(content.items())
    return list(enumerate(content))


def assert_same_content(loaded, expected):
    assert type(loaded) is type(expected)
    assert [k for k, _ in as_items(loaded)] == [k for k, _ in as_items(expected)]
    for (_, array), (_, value) in zip(as_items(loaded), as_items(expected)):
        assert isinstance(array, mx.nd.NDArray)
        assert array.shape == value.shape
        assert np.dtype(array.dtype) == value.dtype
        np.testing.assert_array_equal(array.asnumpy(), value)


def to_ndarrays(content, ctx=None):
    if isinstance(content, dict):
        return {k: mx.nd.array(v, ctx=ctx, dtype=v.dtype) for k, v in content.items()}
    return [mx.nd.array(v, ctx=ctx, dtype=v.dtype) for v in content]


def read_bytes(path):
    with open(path, "rb") as handle:
        return handle.read()


# ---- compatibility with MXNet 1.9.1 ----
@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_loads_every_file_mxnet_wrote(case):
    loaded = mx.nd.load(os.path.join(FILES, case["file"]))
    assert_same_content(loaded, expected_content(case))


@pytest.mark.parametrize("case", [c for c in CASES if c["same_bytes"]],
                         ids=[c["file"] for c in CASES if c["same_bytes"]])
def test_saves_the_bytes_mxnet_writes(case, tmp_path):
    target = tmp_path / case["file"]
    mx.nd.save(str(target), to_ndarrays(expected_content(case)))
    assert read_bytes(target) == read_bytes(os.path.join(FILES, case["file"]))


def test_numpy_semantics_file_uses_the_v3_array_magic():
    blob = read_bytes(os.path.join(FILES, "numpy_semantics.nd"))
    assert struct.unpack_from("<I", blob, 24)[0] == 0xF993FACA


def test_a_file_saved_from_gpu_loads_on_cpu_when_that_gpu_is_absent():
    blob = bytearray(read_bytes(os.path.join(FILES, "list_float32.nd")))
    struct.pack_into("<ii", blob, 44, 2, 7)   # device gpu(7)
    array = mx.nd.load_frombuffer(bytes(blob))[0]
    assert array.context == (mx.gpu(7) if mx.num_gpus() > 7 else mx.cpu())
    np.testing.assert_array_equal(array.asnumpy(), [1, 2, 3])


# ---- round trips ----
def test_round_trip_of_a_dict_keeps_names_order_and_context(ctx, tmp_path):
    params = {"arg:fc1_weight": mx.nd.array([[1, 2], [3, 4]], ctx=ctx),
              "aux:moving_mean": mx.nd.array([0.5], ctx=ctx, dtype="float64")}
    mx.nd.save(tmp_path / "model.params", params)
    loaded = mx.nd.load(tmp_path / "model.params")
    assert list(loaded) == list(params)
    for name, array in params.items():
        assert loaded[name].context == ctx
        np.testing.assert_array_equal(loaded[name].asnumpy(), array.asnumpy())


@pytest.mark.parametrize("dtype", sorted(DTYPE_NAME_TO_ID))
def test_round_trip_of_every_dtype(dtype, tmp_path):
    values = np.array([[0, 1, 2], [3, 4, 5]]).astype(dtype)
    mx.nd.save(tmp_path / "x.nd", [mx.nd.array(values, dtype=dtype)])
    loaded = mx.nd.load(tmp_path / "x.nd")[0]
    assert np.dtype(loaded.dtype) == np.dtype(dtype)
    np.testing.assert_array_equal(loaded.asnumpy(), values)


def test_a_single_ndarray_is_saved_as_a_list_of_one(tmp_path):
    mx.nd.save(str(tmp_path / "one.nd"), mx.nd.array([7]))
    loaded = mx.nd.load(str(tmp_path / "one.nd"))
    assert isinstance(loaded, list) and len(loaded) == 1
    assert loaded[0].asnumpy().tolist() == [7.0]


def test_load_frombuffer_reads_the_bytes_of_a_file(tmp_path):
    path = pathlib.Path(FILES) / "checkpoint.params"
    from_file = mx.nd.load(path)
    from_buffer = mx.nd.load_frombuffer(bytearray(path.read_bytes()))
    assert list(from_file) == list(from_buffer)
    for name in from_file:
        np.testing.assert_array_equal(from_file[name].asnumpy(),
                                      from_buffer[name].asnumpy())


# ---- bad arguments ----
@pytest.mark.parametrize("data, error", [
    ([mx.nd.ones(2), np.ones(2)], TypeError),
    ({1: mx.nd.ones(2)}, TypeError),
    ({"w": [1, 2]}, TypeError),
    ("not arrays", ValueError),
])
def test_save_rejects_what_mxnet_rejects(data, error, tmp_path):
    with pytest.raises(error):
        mx.nd.save(tmp_path / "x.nd", data)
    assert list(tmp_path.iterdir()) == []


def test_load_frombuffer_rejects_a_str():
    with pytest.raises(TypeError, match="bytes"):
        mx.nd.load_frombuffer("abc")


def test_load_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(MXNetError, match="nothing.params"):
        mx.nd.load(tmp_path / "nothing.params")


# ---- atomic saving ----
def test_a_failed_save_keeps_the_older_file_and_leaves_no_temporary(tmp_path,
                                                                     monkeypatch):
    path = tmp_path / "model.params"
    mx.nd.save(path, [mx.nd.ones(3)])
    before = read_bytes(path)

    def crash(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        mx.nd.save(path, [mx.nd.zeros(5)])
    assert read_bytes(path) == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.params"]


def test_save_replaces_an_existing_file(tmp_path):
    path = tmp_path / "model.params"
    mx.nd.save(path, [mx.nd.ones(3)])
    mx.nd.save(path, {"w": mx.nd.zeros(2)})
    assert list(mx.nd.load(path)) == ["w"]
    assert [p.name for p in tmp_path.iterdir()] == ["model.params"]


# ---- corrupt files: a clear MXNetError, quickly, without large allocations ----
# Offsets in list_float32.nd: 0 file magic, 16 count, 24 array magic, 28 storage type,
# 32 ndim, 36 the one dimension, 44 device type, 52 dtype flag, 56 data, 68 name count.
GOOD = read_bytes(os.path.join(FILES, "list_float32.nd"))


def patched(offset, fmt, value):
    blob = bytearray(GOOD)
    struct.pack_into("<" + fmt, blob, offset, value)
    return bytes(blob)


@pytest.mark.parametrize("blob, problem", [
    (patched(0, "Q", 0x113), "bad magic number 0x113"),
    (patched(16, "Q", 2 ** 60), "claims 1152921504606846976 arrays"),
    (patched(24, "I", 0xDEADBEEF), "array 0 has bad magic number 0xdeadbeef"),
    (patched(28, "i", 5), "unknown storage type 5"),
    (patched(32, "i", 1000), "1000 dimensions"),
    (patched(32, "i", -1), "-1 dimensions"),
    (patched(36, "q", 2 ** 62), "truncated"),
    (patched(36, "q", -3), "negative size"),
    (patched(44, "i", 9), "unknown device"),
    (patched(52, "i", 99), "unknown dtype flag 99"),
    (patched(68, "Q", 5), "5 names for 1 arrays"),
    (GOOD + b"\x00", "1 unexpected bytes"),
    (pickle.dumps([1, 2, 3]), "bad magic number"),
    (b"", "truncated"),
])
def test_a_corrupt_file_raises_a_clear_error(blob, problem, tmp_path):
    path = tmp_path / "broken.params"
    path.write_bytes(blob)
    with pytest.raises(MXNetError, match="broken.params") as error:
        mx.nd.load(path)
    assert problem in str(error.value)


def test_every_truncation_of_a_file_raises():
    blob = read_bytes(os.path.join(FILES, "checkpoint.params"))
    for length in range(len(blob)):
        with pytest.raises(MXNetError, match="buffer is not a valid NDArray file"):
            mx.nd.load_frombuffer(blob[:length])


def test_a_name_that_is_not_utf8_raises():
    blob = bytearray(read_bytes(os.path.join(FILES, "checkpoint.params")))
    blob[-1] = 0xFF
    with pytest.raises(MXNetError, match="not valid UTF-8"):
        mx.nd.load_frombuffer(bytes(blob))
