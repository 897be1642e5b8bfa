"""Golden cases for the element-wise ops: dlkit/ops/elemwise.py, binary.py, compare.py
and scalar.py (run under MXNet 1.9.1; see README.md)."""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(42)
golden = GoldenWriter("ops_elemwise")


def uniform(shape, low=-1.0, high=1.0):
    return random.uniform(low, high, size=shape).astype(np.float32)


positive = ["log", "log1p", "sqrt", "rsqrt", "reciprocal"]
for name in ["exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "square", "abs", "sign",
             "negative", "reciprocal", "relu", "sigmoid", "tanh", "softsign", "sin", "cos",
             "floor", "ceil", "round", "_copy", "identity", "BlockGrad", "stop_gradient"]:
    low = 0.2 if name in positive else -2.0
    golden.op_case(name, name, {"data": uniform((3, 4), low, 2.0)})
golden.op_case("round_halves", "round", {"data": np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5],
                                                           np.float32)})
golden.op_case("Cast", "Cast", {"data": uniform((2, 3), -3, 3)}, {"dtype": "int32"},
               grad_inputs=["data"])

for name in ["elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div", "_mod",
             "_power", "_maximum", "_minimum", "_hypot", "_equal", "_not_equal", "_greater",
             "_greater_equal", "_lesser", "_lesser_equal"]:
    lhs, rhs = uniform((2, 3), 0.5, 2.0), uniform((2, 3), 0.5, 2.0)
    if name in ("_equal", "_not_equal", "_greater_equal", "_lesser_equal"):
        rhs[0] = lhs[0]
    golden.op_case(name, name, {"lhs": lhs, "rhs": rhs})

for name in ["broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div",
             "broadcast_mod", "broadcast_power", "broadcast_maximum", "broadcast_minimum",
             "broadcast_hypot", "broadcast_equal", "broadcast_not_equal", "broadcast_greater",
             "broadcast_greater_equal", "broadcast_lesser", "broadcast_lesser_equal",
             "broadcast_logical_and", "broadcast_logical_or", "broadcast_logical_xor"]:
    lhs, rhs = uniform((2, 1, 3), 0.5, 2.0), uniform((4, 1), 0.5, 2.0)
    golden.op_case(name, name, {"lhs": lhs, "rhs": rhs})

for name in ["_plus_scalar", "_minus_scalar", "_rminus_scalar", "_mul_scalar", "_div_scalar",
             "_rdiv_scalar", "_mod_scalar", "_rmod_scalar", "_power_scalar", "_rpower_scalar",
             "_maximum_scalar", "_minimum_scalar", "_equal_scalar", "_not_equal_scalar",
             "_greater_scalar", "_greater_equal_scalar", "_lesser_scalar",
             "_lesser_equal_scalar"]:
    data = uniform((2, 3), 0.5, 2.0)
    data[0, 0] = 1.5
    golden.op_case(name, name, {"data": data}, {"scalar": 1.5})
golden.op_case("int_mul_scalar", "_mul_scalar", {"data": np.arange(6, dtype=np.int32)},
               {"scalar": 2.5}, grad_inputs=[])
golden.op_case("int_div_scalar", "_div_scalar", {"data": np.arange(6, dtype=np.int32)},
               {"scalar": 4}, grad_inputs=[])

golden.op_case("clip", "clip", {"data": uniform((3, 4), -2, 2)}, {"a_min": -0.5, "a_max": 0.7})
golden.op_case("where", "where", {"condition": np.array([[1, 0, 1], [0, 0, 1]], np.float32),
                                  "x": uniform((2, 3)), "y": uniform((2, 3))},
               grad_inputs=["x", "y"])
golden.op_case("where_1d", "where", {"condition": np.array([1, 0], np.float32),
                                     "x": uniform((2, 3)), "y": uniform((2, 3))},
               grad_inputs=["x", "y"])
golden.op_case("add_n", "add_n", {"a": uniform((2, 3)), "b": uniform((2, 3)),
                                  "c": uniform((2, 3))}, positional=True)
golden.op_case("ElementWiseSum", "ElementWiseSum", {"a": uniform((2, 3)), "b": uniform((2, 3))},
               positional=True)
# a_min > a_max: MXNet tests a_max first, so values below both become a_min
golden.op_case("clip_inverted", "clip",
               {"data": np.array([-1.0, 0.5, 2.0, 0.0, 1.5], np.float32)},
               {"a_min": 1.5, "a_max": 0.0})
# math added after the first golden run (appended: earlier arrays keep their values)
for name, low, high in [("tan", -1.2, 1.2), ("arcsin", -0.9, 0.9), ("arccos", -0.9, 0.9),
                        ("arctan", -3, 3), ("sinh", -2, 2), ("cosh", -2, 2),
                        ("arcsinh", -3, 3), ("arccosh", 1.2, 3), ("arctanh", -0.9, 0.9),
                        ("degrees", -3, 3), ("radians", -200, 200), ("log2", 0.2, 3),
                        ("log10", 0.2, 3), ("cbrt", -3, 3), ("rcbrt", 0.2, 3),
                        ("rint", -3, 3), ("fix", -3, 3), ("trunc", -3, 3)]:
    golden.op_case(name, name, {"data": uniform((3, 4), low, high)})
halves = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -2.1, 1.9], np.float32)
for name in ["rint", "fix", "trunc"]:
    golden.op_case(f"{name}_halves", name, {"data": halves})
golden.op_case("logical_not", "logical_not",
               {"data": np.array([[0, 1, -2], [0.5, 0, 3]], np.float32)})
golden.op_case("hard_sigmoid", "hard_sigmoid", {"data": uniform((3, 4), -4, 4)})
golden.op_case("hard_sigmoid_attrs", "hard_sigmoid", {"data": uniform((3, 4), -4, 4)},
               {"alpha": 0.5, "beta": 0.25})
golden.save()
