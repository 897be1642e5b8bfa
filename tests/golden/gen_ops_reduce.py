"""Golden cases for dlkit/ops/reduce.py (run under MXNet 1.9.1; see README.md)."""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(7)
golden = GoldenWriter("ops_reduce")


def uniform(shape, low=-1.0, high=1.0, dtype=np.float32):
    return random.uniform(low, high, size=shape).astype(dtype)


data = uniform((2, 3, 4))
for name in ["sum", "sum_axis", "mean", "max", "max_axis", "min", "min_axis", "prod",
             "nansum", "nanprod"]:
    golden.op_case(f"{name}_all", name, {"data": data})
    golden.op_case(f"{name}_axis1", name, {"data": data}, {"axis": 1})
    golden.op_case(f"{name}_tuple_keepdims", name, {"data": data},
                   {"axis": (0, 2), "keepdims": True})
    golden.op_case(f"{name}_exclude", name, {"data": data}, {"axis": -1, "exclude": True})
golden.op_case("sum_empty_axis", "sum", {"data": data}, {"axis": ()})
golden.op_case("sum_exclude_every_axis", "sum", {"data": data},
               {"axis": (0, 1, 2), "exclude": True})
golden.op_case("sum_int32", "sum", {"data": np.arange(12, dtype=np.int32).reshape(3, 4)},
               {"axis": 1}, grad_inputs=[])
golden.op_case("mean_int32_truncates", "mean",
               {"data": np.array([[1, 3, 3], [2, 5, 1]], np.int32)}, {"axis": 1},
               grad_inputs=[])

ties = np.array([[1, 3, 3], [2, 2, 1]], np.float32)
golden.op_case("max_ties", "max", {"data": ties}, {"axis": 1})
golden.op_case("min_ties", "min", {"data": ties}, {"axis": 0})
golden.op_case("max_ties_all", "max", {"data": ties})
with_nan = np.array([[1, np.nan, 3], [2, 2, np.nan]], np.float32)
golden.op_case("nansum_nan", "nansum", {"data": with_nan}, {"axis": 1})
golden.op_case("nanprod_nan", "nanprod", {"data": with_nan}, {"axis": 1})
golden.op_case("prod_positive", "prod", {"data": uniform((3, 4), 0.5, 1.5)}, {"axis": 0})

for name in ["argmax", "argmin"]:
    golden.op_case(f"{name}_axis1", name, {"data": data}, {"axis": 1})
    golden.op_case(f"{name}_keepdims", name, {"data": data}, {"axis": -1, "keepdims": True})
    golden.op_case(f"{name}_flat", name, {"data": data})
    golden.op_case(f"{name}_ties", name, {"data": ties}, {"axis": 1})
golden.op_case("argmax_int32", "argmax", {"data": np.array([[1, 5], [3, 2]], np.int32)},
               {"axis": 1}, grad_inputs=[])
golden.op_case("argmax_channel", "argmax_channel", {"data": uniform((3, 5))},
               grad_inputs=[])
golden.op_case("argmax_channel_3d", "argmax_channel", {"data": data}, grad_inputs=[])

golden.op_case("norm", "norm", {"data": data})
golden.op_case("norm_l1_axis", "norm", {"data": data}, {"ord": 1, "axis": 1})
golden.op_case("norm_l2_axes_keepdims", "norm", {"data": data},
               {"ord": 2, "axis": (0, 2), "keepdims": True})
# (out_dtype is checked in tests/ops/test_reduce.py: MXNet 1.9.1 fails on most uses of it)
golden.op_case("norm_int32", "norm", {"data": np.array([[1, 3, 3], [2, 5, 1]], np.int32)},
               {"axis": 1}, grad_inputs=[])
golden.save()
