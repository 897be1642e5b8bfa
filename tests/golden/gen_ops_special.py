"""Golden cases for dlkit/ops/special.py (gamma, gammaln, erfinv) and the statistics
in dlkit/ops/reduce.py (moments, cumsum, _histogram); run under MXNet 1.9.1, see
README.md."""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(17)
golden = GoldenWriter("ops_special")

# poles, negative non-integers, the signs of Gamma, overflow and infinities
GAMMA_VALUES = [-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, -1e-3, 0.0, 1e-3, 0.5, 1.0, 1.5,
                2.0, 3.0, 4.5, 10.0, 20.5, 34.0, 50.0, -20.5, -35.5, np.inf, -np.inf,
                np.nan]
ERFINV_VALUES = [-1.5, -1.0, -0.999, -0.9, -0.5, -0.1, 0.0, 0.1, 0.3, 0.5, 0.8, 0.99,
                 0.9999, 1.0, 1.5, np.inf, np.nan]
INTEGERS = np.array([-3, -1, 0, 1, 2, 3, 4, 5, 7, 9, 12], dtype=np.int32)

for op in ("gamma", "gammaln"):
    values = np.array(GAMMA_VALUES)
    golden.op_case(f"{op}_edges_float32", op, {"data": values.astype(np.float32)})
    golden.op_case(f"{op}_edges_float64", op, {"data": values})
    golden.op_case(f"{op}_random", op,
                   {"data": random.uniform(-4, 6, size=(3, 4)).astype(np.float32)})
    golden.op_case(f"{op}_float16", op,
                   {"data": random.uniform(-3, 5, size=(2, 5)).astype(np.float16)},
                   grad_inputs=[])
    golden.op_case(f"{op}_int32", op, {"data": INTEGERS})

golden.op_case("erfinv_edges_float32", "erfinv",
               {"data": np.array(ERFINV_VALUES, dtype=np.float32)})
golden.op_case("erfinv_edges_float64", "erfinv", {"data": np.array(ERFINV_VALUES)})
golden.op_case("erfinv_random", "erfinv",
               {"data": random.uniform(-1, 1, size=(3, 4)).astype(np.float32)})
golden.op_case("erfinv_float16", "erfinv",
               {"data": random.uniform(-1, 1, size=(2, 5)).astype(np.float16)},
               grad_inputs=[])
golden.op_case("erfinv_int32", "erfinv", {"data": np.array([-2, -1, 0, 1, 2, 5],
                                                           dtype=np.int32)})

data = random.uniform(-1, 1, size=(2, 3, 4)).astype(np.float32)
golden.op_case("moments_axis1", "moments", {"data": data}, {"axes": (1,)})
golden.op_case("moments_axes02_keepdims", "moments", {"data": data},
               {"axes": (0, 2), "keepdims": True})
golden.op_case("moments_all_axes", "moments", {"data": data}, {"axes": (0, 1, 2)})
golden.op_case("moments_negative_axis", "moments", {"data": data}, {"axes": (-1,)})
golden.op_case("moments_float64", "moments", {"data": data.astype(np.float64)},
               {"axes": (2,)})
golden.op_case("moments_int32", "moments",
               {"data": np.array([[1, 2, 4], [0, 0, 7], [-1, -2, -4]], dtype=np.int32)},
               {"axes": (1,)})

golden.op_case("cumsum_flat", "cumsum", {"a": data})
golden.op_case("cumsum_axis0", "cumsum", {"a": data}, {"axis": 0})
golden.op_case("cumsum_axis2", "cumsum", {"a": data}, {"axis": 2})
golden.op_case("cumsum_dtype_float64", "cumsum", {"a": data}, {"axis": 1,
                                                               "dtype": "float64"})
golden.op_case("cumsum_int8_wraps", "cumsum",
               {"a": np.array([100, 100, 100, -50], dtype=np.int8)})
golden.op_case("cumsum_int32_to_float32", "cumsum",
               {"a": np.arange(6, dtype=np.int32).reshape(2, 3)},
               {"axis": 1, "dtype": "float32"})

values = random.uniform(-2, 2, size=(4, 5)).astype(np.float32)
golden.op_case("histogram_bin_cnt", "_histogram", {"data": values},
               {"bin_cnt": 6, "range": (-1.5, 1.5)}, grad_inputs=[])
golden.op_case("histogram_right_edge", "_histogram",
               {"data": np.array([[0, 1], [2, 2], [3, 4]], dtype=np.float32)},
               {"bin_cnt": 4, "range": (0, 4)}, grad_inputs=[])
golden.op_case("histogram_equal_range", "_histogram",
               {"data": np.array([1, 2, 2, 3], dtype=np.float32)},
               {"bin_cnt": 3, "range": (2, 2)}, grad_inputs=[])
golden.op_case("histogram_edges", "_histogram",
               {"data": values, "bins": np.array([-2, -0.5, 0, 0.25, 1.5],
                                                 dtype=np.float32)}, grad_inputs=[])
golden.op_case("histogram_edges_float64", "_histogram",
               {"data": values.astype(np.float64),
                "bins": np.array([-1, 0, 1, 3], dtype=np.float64)}, grad_inputs=[])
golden.op_case("histogram_int32", "_histogram",
               {"data": np.arange(-2, 9, dtype=np.int32)},
               {"bin_cnt": 4, "range": (-2, 7)}, grad_inputs=[])

# float64 keeps float64 accuracy (tiny arguments, the tails near +-1)
PRECISE = np.array([1e-9, -1e-9, 0.2, 0.7, 0.99, 0.9999999, -0.9999999999, 0.5])
golden.op_case("erfinv_float64_precise", "erfinv", {"data": PRECISE})
golden.op_case("erf_float64_precise", "erf",
               {"data": np.array([1e-9, -1e-6, 0.3, 1.99, -2.9, 3.0, 3.5, 5.7, 6.5])})
golden.save()
