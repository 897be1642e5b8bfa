"""Golden cases for dlkit/ops/linalg.py (run under MXNet 1.9.1; see README.md)."""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(11)
golden = GoldenWriter("ops_linalg")


def uniform(*shape):
    return random.uniform(-1, 1, size=shape).astype(np.float32)


def transposes(case_id, op, lhs, rhs, names=("lhs", "rhs"), **attrs):
    """One case per (transpose_a, transpose_b), transposing the inputs to fit."""
    for transpose_a in (False, True):
        for transpose_b in (False, True):
            a = lhs.swapaxes(-1, -2) if transpose_a else lhs
            b = rhs.swapaxes(-1, -2) if transpose_b else rhs
            golden.op_case(f"{case_id}_t{int(transpose_a)}{int(transpose_b)}", op,
                           {names[0]: np.ascontiguousarray(a),
                            names[1]: np.ascontiguousarray(b)},
                           {"transpose_a": transpose_a, "transpose_b": transpose_b, **attrs})


transposes("dot_matrix", "dot", uniform(3, 4), uniform(4, 5))
golden.op_case("dot_nd", "dot", {"lhs": uniform(2, 3, 4), "rhs": uniform(4, 2, 3)})
golden.op_case("dot_nd_transpose_a", "dot", {"lhs": uniform(4, 2, 3), "rhs": uniform(4, 5)},
               {"transpose_a": True})
golden.op_case("dot_nd_transpose_b", "dot", {"lhs": uniform(2, 3, 4),
                                             "rhs": uniform(5, 2, 4)},
               {"transpose_b": True})
golden.op_case("dot_vectors", "dot", {"lhs": uniform(4), "rhs": uniform(4)})
golden.op_case("dot_vector_matrix", "dot", {"lhs": uniform(4), "rhs": uniform(4, 3)})
golden.op_case("dot_matrix_vector", "dot", {"lhs": uniform(3, 4), "rhs": uniform(4)})
golden.op_case("dot_float64", "dot", {"lhs": uniform(3, 4).astype(np.float64),
                                      "rhs": uniform(4, 2).astype(np.float64)})

transposes("batch_dot", "batch_dot", uniform(2, 3, 4), uniform(2, 4, 5))
golden.op_case("batch_dot_4d", "batch_dot", {"lhs": uniform(2, 2, 3, 4),
                                             "rhs": uniform(2, 2, 4, 3)})

transposes("linalg_gemm2", "linalg_gemm2", uniform(2, 3, 4), uniform(2, 4, 5),
           names=("A", "B"), alpha=0.5)
golden.op_case("linalg_gemm2_matrix", "linalg_gemm2", {"A": uniform(3, 4), "B": uniform(4, 2)})
golden.op_case("linalg_gemm2_row_axis", "linalg_gemm2",
               {"A": uniform(3, 2, 4), "B": uniform(4, 2, 5)}, {"axis": -3})
golden.save()
