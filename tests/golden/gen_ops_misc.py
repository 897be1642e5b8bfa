"""Golden cases for MXNet's indexing, splitting, casting and loss-marking odds and ends
(run under MXNet 1.9.1; see README.md): ``batch_take``, ``choose_element_0index``,
``fill_element_0index``, ``_onehot_encode``, ``ravel_multi_index``,
``unravel_index``, ``khatri_rao``, ``crop``, ``make_loss``, ``_split_v2``,
``amp_cast``, ``amp_multicast`` and ``cast_storage``::

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_ops_misc.py

MXNet 1.9.1 registers no gradient for ``batch_take``, ``fill_element_0index``,
``_onehot_encode`` and ``khatri_rao``, so their cases store outputs only.
"""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(11)
golden = GoldenWriter("ops_misc")


def uniform(*shape, dtype=np.float32):
    return random.uniform(-1, 1, size=shape).astype(dtype)


# ---- indexing: one element per row ----
golden.op_case("batch_take_clip", "batch_take",
               {"a": uniform(4, 3), "indices": np.array([0, 2, 5, -1], np.int32)},
               grad_inputs=[])
golden.op_case("batch_take_2d_indices", "batch_take",
               {"a": uniform(3, 5), "indices": np.array([[4, 0, 2]], np.int32)},
               grad_inputs=[])
golden.op_case("choose_element_0index", "choose_element_0index",
               {"data": uniform(3, 4), "index": np.array([3, 0, 1], np.float32)},
               grad_inputs=["data"])
golden.op_case("choose_element_0index_axis0", "choose_element_0index",
               {"data": uniform(3, 4), "index": np.array([2, -1, 7, 0], np.float32)},
               {"axis": 0, "keepdims": True, "mode": "wrap"}, grad_inputs=["data"])
golden.op_case("fill_element_0index", "fill_element_0index",
               {"lhs": uniform(4, 3), "mhs": uniform(4),
                "rhs": np.array([2, 0, 1.7, 1], np.float32)}, grad_inputs=[])
golden.op_case("fill_element_0index_out_of_range", "fill_element_0index",
               {"lhs": uniform(3, 4), "mhs": uniform(3),
                "rhs": np.array([4, -1, 3], np.float32)}, grad_inputs=[])
golden.op_case("onehot_encode", "_onehot_encode",
               {"lhs": np.array([1, 3, -1, 4, 2.6], np.float32),
                "rhs": np.zeros((5, 4), np.float32)}, grad_inputs=[])

# ---- index tuples <-> flat positions (MXNet's gradient is zero) ----
golden.op_case("ravel_multi_index", "ravel_multi_index",
               {"data": np.array([[3, 6, 6], [4, 5, 1]], np.float32)},
               {"shape": (7, 6)})
golden.op_case("ravel_multi_index_truncates", "ravel_multi_index",
               {"data": np.array([[3.7, 6.2, 9], [4, -5, 7]], np.float64)},
               {"shape": (-1, 6)})
golden.op_case("ravel_multi_index_3d_int", "ravel_multi_index",
               {"data": np.array([[1, 2, 3], [1, 1, 1], [0, 1, 2]], np.int32)},
               {"shape": (5, 2, 3)})
golden.op_case("unravel_index", "unravel_index",
               {"data": np.array([22, 41, 37, 22.7, -1, 100], np.float32)},
               {"shape": (7, 6)})
golden.op_case("unravel_index_3d", "unravel_index",
               {"data": np.array([50, 7, 0], np.int64)}, {"shape": (-1, 2, 3)})

# ---- khatri_rao, crop, make_loss ----
golden.op_case("khatri_rao_two", "khatri_rao",
               {"a": uniform(2, 3), "b": uniform(4, 3)}, positional=True,
               grad_inputs=[])
golden.op_case("khatri_rao_three", "khatri_rao",
               {"a": uniform(2, 2), "b": uniform(1, 2), "c": uniform(3, 2)},
               positional=True, grad_inputs=[])
golden.op_case("khatri_rao_one", "khatri_rao", {"a": uniform(3, 2)},
               positional=True, grad_inputs=[])
golden.op_case("crop", "crop", {"data": uniform(3, 4, 2)},
               {"begin": (0, 1), "end": (2, 4)})
golden.op_case("crop_step", "crop", {"data": uniform(4, 3)},
               {"begin": (None, 2), "end": (None, 0), "step": (2, -1)})
golden.op_case("make_loss", "make_loss", {"data": uniform(2, 3)})

# ---- _split_v2 (what mx.nd.split_v2 and mx.sym.split_v2 call) ----
golden.op_case("split_v2_indices", "_split_v2", {"data": uniform(6, 2)},
               {"indices": (0, 1, 4), "axis": 0})
golden.op_case("split_v2_sections_uneven", "_split_v2", {"data": uniform(2, 7)},
               {"indices": (), "sections": 3})
golden.op_case("split_v2_squeeze", "_split_v2", {"data": uniform(2, 3, 2)},
               {"indices": (0, 1), "axis": -1, "squeeze_axis": True})
golden.op_case("split_v2_empty_part", "_split_v2", {"data": uniform(4, 3)},
               {"indices": (0, 2, 2), "axis": 0})

# ---- AMP casts and cast_storage ----
golden.op_case("amp_cast_to_float16", "amp_cast", {"data": uniform(2, 3)},
               {"dtype": "float16"})
golden.op_case("amp_cast_from_float16", "amp_cast",
               {"data": uniform(3, dtype=np.float16)}, {"dtype": "float32"})
golden.op_case("amp_cast_float32_to_int32", "amp_cast",
               {"data": uniform(4) * 3}, {"dtype": "int32"}, grad_inputs=[])
golden.op_case("amp_cast_float64_unchanged", "amp_cast",
               {"data": uniform(3, dtype=np.float64)}, {"dtype": "float16"})
golden.op_case("amp_cast_int32_unchanged", "amp_cast",
               {"data": np.array([1, -2, 3], np.int32)}, {"dtype": "float16"})
golden.op_case("amp_multicast_widest", "amp_multicast",
               {"a": uniform(2, dtype=np.float16), "b": uniform(3)},
               {"num_outputs": 2}, positional=True)
golden.op_case("amp_multicast_narrow", "amp_multicast",
               {"a": uniform(2, dtype=np.float16), "b": uniform(2, 2)},
               {"num_outputs": 2, "cast_narrow": True}, positional=True)
golden.op_case("amp_multicast_others_unchanged", "amp_multicast",
               {"a": uniform(2, dtype=np.float16), "b": uniform(2, dtype=np.float64),
                "c": np.array([7, 8], np.int32)},
               {"num_outputs": 3}, positional=True, grad_inputs=["a", "b"])
golden.op_case("cast_storage_default", "cast_storage", {"data": uniform(2, 3)},
               {"stype": "default"})
golden.save()
