"""Golden NDArray files written by MXNet 1.9.1's ``mx.nd.save`` (run by hand, see
README.md).

Writes ``ndarray_files/*.nd`` and ``ndarray_files.json/.npz``: for each file, the names
and the arrays it holds. ``tests/test_ndarray_serialization.py`` loads every file with
dlkit and, for files MXNet's ``nd.save`` wrote, saves the same content with dlkit and
compares the bytes.
"""
import os

import mxnet as mx
import numpy as np

from mxgolden import HERE, GoldenWriter

FOLDER = os.path.join(HERE, "ndarray_files")
golden = GoldenWriter("ndarray_files")
random = np.random.RandomState(3)


def record(file_name, content, same_bytes=True, save=None):
    """Save ``content`` (numpy list or dict) with MXNet and record what it holds."""
    is_dict = isinstance(content, dict)
    names = list(content) if is_dict else []
    values = list(content.values()) if is_dict else list(content)
    if save is None:
        arrays = [mx.nd.array(v, dtype=v.dtype) for v in values]
        mx.nd.save(os.path.join(FOLDER, file_name),
                   dict(zip(names, arrays)) if is_dict else arrays)
    else:
        save(os.path.join(FOLDER, file_name), names, values)
    keys = [golden.add_array(f"{file_name}/{i}", v) for i, v in enumerate(values)]
    golden.add({"file": file_name, "is_dict": is_dict, "names": names, "arrays": keys,
                "same_bytes": same_bytes})


def save_numpy_semantics(path, names, values):
    """MXNet's NumPy-shape mode writes the V3 array magic (0xF993FACA)."""
    mx.npx.set_np()
    arrays = [mx.np.array(v, dtype=v.dtype) for v in values]
    mx.npx.save(path, dict(zip(names, arrays)) if names else arrays)
    mx.npx.reset_np()


os.makedirs(FOLDER, exist_ok=True)
record("list_float32.nd", [np.array([1.0, 2.0, 3.0], np.float32)])
record("checkpoint.params", {
    "arg:fc1_weight": random.randn(2, 3).astype(np.float32),
    "arg:fc1_bias": np.array([0.5, -0.5], np.float32),
    "aux:bn_moving_var": random.rand(2).astype(np.float64)})
record("all_dtypes.nd", [
    np.array([1.5, -2.0], np.float32), np.array([[1e-300, 2.5]], np.float64),
    np.array([0.1, 65504.0], np.float16), np.array([0, 255], np.uint8),
    np.array([-2**31, 2**31 - 1], np.int32), np.array([-128, 127], np.int8),
    np.array([-2**63, 2**63 - 1], np.int64), np.array([True, False, True], np.bool_)])
record("zero_dim.nd", [np.array(5.0, np.float32)])
record("zero_size.nd", [np.zeros((0, 3), np.float32)])
record("empty_list.nd", [])
record("unicode_names.params", {"arg:poids_é": np.ones((1, 2), np.float32),
                                "": np.zeros((1,), np.int32)})
record("numpy_semantics.nd", {"a": np.arange(6, dtype=np.float32).reshape(2, 3),
                              "b": np.array(7.0, np.float32)},
       same_bytes=False, save=save_numpy_semantics)
golden.save()
