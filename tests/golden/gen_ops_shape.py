"""Golden cases for the shape ops: dlkit/ops/shape.py, transpose.py, broadcast.py,
join.py, indexing.py and sort.py (run under MXNet 1.9.1; see README.md)."""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(3)
golden = GoldenWriter("ops_shape")


def uniform(*shape):
    return random.uniform(-1, 1, size=shape).astype(np.float32)


def indices(values):
    return np.array(values, np.float32)


data = uniform(2, 3, 4)

# Reshape's special codes (tests/ops/test_shape.py also checks infer_shape against these)
RESHAPES = [((-4, 1, 2, -2), False), ((0, -1), False), ((-3, -2), False), ((-2,), False),
            ((4, 0, -1), False), ((-3, -1), False), ((0, -4, 1, -1, 0), False),
            ((-4, 2, -1, -2), False), ((2, -1, 2), False), ((-1,), False),
            ((0, -1), True), ((-2,), True), ((4, 0, -1), True), ((-3, -1), True),
            ((-1, 0), True), ((-1, 0), False)]
for index, (shape, reverse) in enumerate(RESHAPES):
    golden.op_case(f"Reshape_codes_{index}", "Reshape", {"data": data},
                   {"shape": shape, "reverse": reverse})
golden.op_case("reshape_alias", "reshape", {"data": data}, {"shape": (6, 4)})
golden.op_case("reshape_like", "reshape_like", {"lhs": data, "rhs": uniform(6, 4)})
golden.op_case("reshape_like_ranges", "reshape_like", {"lhs": uniform(6, 4),
                                                        "rhs": uniform(2, 3, 5)},
               {"lhs_begin": 0, "lhs_end": 1, "rhs_begin": 0, "rhs_end": 2})
golden.op_case("Flatten", "Flatten", {"data": data})
golden.op_case("flatten_1d", "flatten", {"data": uniform(5)})
golden.op_case("expand_dims", "expand_dims", {"data": data}, {"axis": 1})
golden.op_case("expand_dims_negative", "expand_dims", {"data": data}, {"axis": -4})
golden.op_case("squeeze", "squeeze", {"data": uniform(1, 2, 1, 3)})
golden.op_case("squeeze_axes", "squeeze", {"data": uniform(1, 2, 1, 3)}, {"axis": (-2, 0)})
golden.op_case("squeeze_to_one", "squeeze", {"data": uniform(1, 1)})

golden.op_case("transpose", "transpose", {"data": data})
golden.op_case("transpose_axes", "transpose", {"data": data}, {"axes": (1, 2, 0)})
golden.op_case("SwapAxis", "SwapAxis", {"data": data}, {"dim1": 0, "dim2": 2})
golden.op_case("swapaxes", "swapaxes", {"data": data}, {"dim1": -1, "dim2": 1})
golden.op_case("reverse", "reverse", {"data": data}, {"axis": (0, 2)})
golden.op_case("flip", "flip", {"data": data}, {"axis": 1})

golden.op_case("tile", "tile", {"data": uniform(2, 3)}, {"reps": (2, 1, 3)})
golden.op_case("tile_short_reps", "tile", {"data": data}, {"reps": (2,)})
golden.op_case("repeat", "repeat", {"data": uniform(2, 3)}, {"repeats": 2})
golden.op_case("repeat_axis", "repeat", {"data": uniform(2, 3)}, {"repeats": 3, "axis": -1})
golden.op_case("broadcast_to", "broadcast_to", {"data": uniform(1, 3, 1)},
               {"shape": (2, 0, 4)})
golden.op_case("broadcast_like", "broadcast_like", {"lhs": uniform(1, 3), "rhs": uniform(4, 3)})
golden.op_case("broadcast_like_axes", "broadcast_like",
               {"lhs": uniform(2, 1), "rhs": uniform(4, 5)}, {"lhs_axes": (1,),
                                                             "rhs_axes": (0,)})
golden.op_case("broadcast_axis", "broadcast_axis", {"data": uniform(1, 2, 1)},
               {"axis": (0, 2), "size": (3, 4)})
golden.op_case("broadcast_axes", "broadcast_axes", {"data": uniform(1, 2, 1)},
               {"axis": 2, "size": 4})

golden.op_case("Concat", "Concat", {"a": uniform(2, 3), "b": uniform(2, 1)}, positional=True)
golden.op_case("concat_dim0", "concat", {"a": uniform(2, 3), "b": uniform(1, 3),
                                         "c": uniform(3, 3)}, {"dim": 0}, positional=True)
golden.op_case("stack", "stack", {"a": uniform(2, 3), "b": uniform(2, 3)}, positional=True)
golden.op_case("stack_last", "stack", {"a": uniform(2, 3), "b": uniform(2, 3)}, {"axis": -1},
               positional=True)
golden.op_case("SliceChannel", "SliceChannel", {"data": uniform(2, 6)}, {"num_outputs": 3})
golden.op_case("split_squeeze", "split", {"data": uniform(3, 2)},
               {"num_outputs": 3, "axis": 0, "squeeze_axis": True})

golden.op_case("slice", "slice", {"data": data}, {"begin": (0, 1), "end": (2, 3)})
golden.op_case("slice_none_step", "slice", {"data": data},
               {"begin": (None, 2), "end": (None, 0), "step": (None, -1)})
golden.op_case("slice_negative", "slice", {"data": data},
               {"begin": (-1, -2, 0), "end": (None, None, 4), "step": (1, 1, 2)})
golden.op_case("slice_axis", "slice_axis", {"data": data}, {"axis": 1, "begin": 1, "end": None})
golden.op_case("slice_axis_negative", "slice_axis", {"data": data},
               {"axis": -1, "begin": -3, "end": -1})

table = uniform(4, 3)
golden.op_case("take", "take", {"a": table, "indices": indices([[0, 3], [3, 1]])})
golden.op_case("take_clip", "take", {"a": table, "indices": indices([-2, 7, 1.7])})
golden.op_case("take_wrap_axis1", "take", {"a": table, "indices": indices([-1, 4, 4])},
               {"axis": 1, "mode": "wrap"})
golden.op_case("take_raise", "take", {"a": table, "indices": indices([2, 0])},
               {"mode": "raise"})
golden.op_case("pick", "pick", {"data": table, "index": indices([0, 2, 1, 2])})
golden.op_case("pick_axis0_keepdims", "pick", {"data": table, "index": indices([3, 0, 1])},
               {"axis": 0, "keepdims": True})
golden.op_case("pick_clip", "pick", {"data": table, "index": indices([-1, 7, 0.6, 2])})
golden.op_case("pick_wrap", "pick", {"data": table, "index": indices([-1, 7, 0, 2])},
               {"mode": "wrap"})
golden.op_case("one_hot", "one_hot", {"indices": indices([1, 0, 5, -1])}, {"depth": 3})
golden.op_case("one_hot_values", "one_hot", {"indices": indices([[1, 0], [2, 1.5]])},
               {"depth": 3, "on_value": 2.0, "off_value": -1.0, "dtype": "int32"},
               grad_inputs=[])

with_ties = np.array([[3, 1, 2, 1], [0, 5, 5, 4], [2, 2, 2, 2]], np.float32)
for ret_typ in ["value", "indices", "mask", "both"]:
    golden.op_case(f"topk_{ret_typ}", "topk", {"data": with_ties}, {"k": 2, "ret_typ": ret_typ})
golden.op_case("topk_ascend_axis0", "topk", {"data": with_ties},
               {"axis": 0, "k": 2, "ret_typ": "both", "is_ascend": True})
golden.op_case("topk_flat", "topk", {"data": with_ties}, {"axis": None, "k": 3,
                                                         "ret_typ": "both"})
golden.op_case("topk_flat_mask", "topk", {"data": with_ties}, {"axis": None, "k": 3,
                                                              "ret_typ": "mask"})
golden.op_case("topk_all_int32", "topk", {"data": with_ties}, {"k": 0, "ret_typ": "indices",
                                                              "dtype": "int32"},
               grad_inputs=[])
golden.op_case("topk_random", "topk", {"data": uniform(3, 5)}, {"k": 3, "ret_typ": "value"})
# MXNet 1.9.1 cannot record sort with the default axis, so the cases name it
golden.op_case("sort", "sort", {"data": with_ties}, {"axis": -1})
golden.op_case("sort_descending", "sort", {"data": with_ties}, {"axis": 1, "is_ascend": False})
golden.op_case("sort_axis0", "sort", {"data": uniform(3, 4)}, {"axis": 0})
golden.op_case("argsort", "argsort", {"data": with_ties})
golden.op_case("argsort_descending", "argsort", {"data": with_ties}, {"is_ascend": False})
golden.op_case("argsort_flat_int32", "argsort", {"data": with_ties},
               {"axis": None, "dtype": "int32"}, grad_inputs=[])

golden.op_case("zeros_like", "zeros_like", {"data": data}, grad_inputs=[])
golden.op_case("ones_like", "ones_like", {"data": data}, grad_inputs=[])
golden.op_case("shape_array", "shape_array", {"data": data}, grad_inputs=[])
golden.op_case("size_array", "size_array", {"data": data}, grad_inputs=[])
golden.op_case("diag_matrix", "diag", {"data": uniform(3, 4)}, {"k": 1})
golden.op_case("diag_vector", "diag", {"data": uniform(3)}, {"k": -1})
golden.op_case("diag_3d", "diag", {"data": data}, {"k": 1, "axis1": 2, "axis2": 0})
# added later (appended: earlier arrays keep their values)
golden.op_case("slice_like", "slice_like", {"data": uniform(3, 4, 5),
                                            "shape_like": uniform(2, 3, 4)},
               grad_inputs=["data"])
golden.op_case("slice_like_axes", "slice_like", {"data": uniform(3, 4, 5),
                                                 "shape_like": uniform(2, 2)},
               {"axes": (0, 1)}, grad_inputs=["data"])
golden.op_case("slice_like_negative_axis", "slice_like",
               {"data": uniform(3, 4, 5), "shape_like": uniform(3, 4, 2)}, {"axes": (-1,)},
               grad_inputs=["data"])
golden.op_case("depth_to_space", "depth_to_space", {"data": uniform(2, 8, 2, 3)},
               {"block_size": 2})
golden.op_case("space_to_depth", "space_to_depth", {"data": uniform(2, 3, 4, 6)},
               {"block_size": 2})
golden.save()
