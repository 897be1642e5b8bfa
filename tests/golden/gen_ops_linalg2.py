"""Golden cases for MXNet's linalg family in dlkit/ops/linalg.py (gemm, potrf, potri,
trmm, trsm, syrk, gelqf, sumlogdiag, extractdiag, makediag, extracttrian, maketrian,
inverse, det, slogdet, syevd). Run under MXNet 1.9.1; see README.md.

Inputs fit each op: symmetric positive-definite matrices for potrf, well-conditioned
triangular ones (diagonal in [1, 2]) for potri, trmm and trsm, symmetric ones with
distinct eigenvalues for syevd. Where an op reads one triangle only, the other one
holds noise, so that the cases also check which entries are read.
"""
import mxnet as mx
import numpy as np

from mxgolden import GoldenWriter

# MXNet files _linalg_syevd under mx.nd.linalg only (no linalg_syevd alias); the writer
# looks ops up in mx.nd, so it is put there under its operator name.
mx.nd._linalg_syevd = mx.nd.linalg.syevd

random = np.random.RandomState(23)
golden = GoldenWriter("ops_linalg2")


def uniform(*shape, low=-1.0, high=1.0):
    return random.uniform(low, high, size=shape).astype(np.float32)


def spd(*shape):
    """Symmetric positive-definite matrices (batch..., n, n)."""
    x = uniform(*shape)
    return (x @ x.swapaxes(-1, -2) + shape[-1] * np.eye(shape[-1])).astype(np.float32)


def triangular(*shape, lower=True):
    """Triangular matrices with a diagonal in [1, 2]; noise in the other triangle."""
    size = shape[-1]
    noise = uniform(*shape, low=-0.5, high=0.5)
    diagonal = uniform(*shape[:-1], low=1.0, high=2.0)[..., None] * np.eye(size)
    inside = np.tril(noise, -1) if lower else np.triu(noise, 1)
    big = uniform(*shape) * 3
    outside = np.triu(big, 1) if lower else np.tril(big, -1)
    return (inside + outside + diagonal).astype(np.float32)


def noisy_upper(matrices):
    """The lower triangle of ``matrices`` with noise above it (unread by lower ops)."""
    return (np.tril(matrices) + np.triu(uniform(*matrices.shape) * 5, 1)).astype(
        np.float32)


# gemm: transposes, alpha/beta, the row axis, float64
for transpose_a in (False, True):
    for transpose_b in (False, True):
        a, b = uniform(2, 3, 4), uniform(2, 4, 5)
        a = a.swapaxes(-1, -2) if transpose_a else a
        b = b.swapaxes(-1, -2) if transpose_b else b
        golden.op_case(f"gemm_t{int(transpose_a)}{int(transpose_b)}", "linalg_gemm",
                       {"A": np.ascontiguousarray(a), "B": np.ascontiguousarray(b),
                        "C": uniform(2, 3, 5)},
                       {"transpose_a": transpose_a, "transpose_b": transpose_b,
                        "alpha": 0.5, "beta": 2.0})
golden.op_case("gemm_matrix", "linalg_gemm", {"A": uniform(3, 4), "B": uniform(4, 2),
                                              "C": uniform(3, 2)})
golden.op_case("gemm_row_axis", "linalg_gemm",
               {"A": uniform(3, 2, 4), "B": uniform(4, 2, 5), "C": uniform(3, 2, 5)},
               {"axis": -3, "beta": -1.0})
golden.op_case("gemm_float64", "linalg_gemm",
               {"A": uniform(3, 4).astype(np.float64),
                "B": uniform(4, 2).astype(np.float64),
                "C": uniform(3, 2).astype(np.float64)}, {"alpha": 3.0})

# syrk
golden.op_case("syrk", "linalg_syrk", {"A": uniform(3, 4)}, {"alpha": 2.0})
golden.op_case("syrk_transpose", "linalg_syrk", {"A": uniform(2, 3, 4)},
               {"transpose": True})

# trmm and trsm: every side, transpose and triangle
for op in ("trmm", "trsm"):
    for rightside in (False, True):
        for transpose in (False, True):
            for lower in (True, False):
                b = uniform(2, 4, 3) if rightside else uniform(2, 3, 4)
                golden.op_case(f"{op}_r{int(rightside)}t{int(transpose)}l{int(lower)}",
                               f"linalg_{op}", {"A": triangular(2, 3, 3, lower=lower),
                                                "B": b},
                               {"rightside": rightside, "transpose": transpose,
                                "lower": lower, "alpha": 1.5})
    golden.op_case(f"{op}_matrix", f"linalg_{op}",
                   {"A": triangular(3, 3), "B": uniform(3, 2)})

# Cholesky: potrf reads one triangle of a symmetric positive-definite A
golden.op_case("potrf", "linalg_potrf", {"A": spd(3, 3)})
golden.op_case("potrf_batch", "linalg_potrf", {"A": spd(2, 4, 4).astype(np.float64)})
golden.op_case("potrf_reads_lower", "linalg_potrf", {"A": noisy_upper(spd(2, 3, 3))})
golden.op_case("potrf_upper", "linalg_potrf",
               {"A": np.ascontiguousarray(noisy_upper(spd(2, 3, 3)).swapaxes(-1, -2))},
               {"lower": False})
golden.op_case("potri", "linalg_potri", {"A": triangular(2, 3, 3)})
golden.op_case("potri_upper", "linalg_potri", {"A": triangular(3, 3, lower=False)},
               {"lower": False})
golden.op_case("potri_float64", "linalg_potri",
               {"A": triangular(4, 4).astype(np.float64)})

# factorizations
golden.op_case("gelqf", "linalg_gelqf", {"A": uniform(2, 3)})
golden.op_case("gelqf_batch", "linalg_gelqf",
               {"A": uniform(2, 3, 5).astype(np.float64)})
golden.op_case("gelqf_square", "linalg_gelqf", {"A": uniform(3, 3) + 2 * np.eye(3,
                                                                  dtype=np.float32)})
symmetric = uniform(2, 3, 3) + np.diag([0.0, 2.0, 4.0]).astype(np.float32)
symmetric = (symmetric + symmetric.swapaxes(-1, -2)) / 2
golden.op_case("syevd", "_linalg_syevd", {"A": symmetric[0]})
golden.op_case("syevd_batch", "_linalg_syevd", {"A": symmetric.astype(np.float64)})
golden.op_case("syevd_reads_lower", "_linalg_syevd", {"A": noisy_upper(symmetric)})

# diagonals and triangles
golden.op_case("sumlogdiag", "linalg_sumlogdiag", {"A": uniform(3, 3, low=0.5, high=2)})
golden.op_case("sumlogdiag_batch", "linalg_sumlogdiag",
               {"A": uniform(2, 2, 3, 3, low=0.5, high=2)})
for offset in (0, 2, -1):
    golden.op_case(f"extractdiag_{offset}", "linalg_extractdiag",
                   {"A": uniform(2, 4, 4)}, {"offset": offset})
    golden.op_case(f"makediag_{offset}", "linalg_makediag", {"A": uniform(2, 3)},
                   {"offset": offset})
for offset, lower in ((0, True), (0, False), (1, True), (-2, False)):
    golden.op_case(f"extracttrian_{offset}_{lower}", "linalg_extracttrian",
                   {"A": uniform(2, 4, 4)}, {"offset": offset, "lower": lower})
    golden.op_case(f"maketrian_{offset}_{lower}", "linalg_maketrian",
                   {"A": uniform(2, 6)}, {"offset": offset, "lower": lower})
golden.op_case("extractdiag_matrix", "linalg_extractdiag", {"A": uniform(3, 3)})
golden.op_case("maketrian_vector", "linalg_maketrian", {"A": uniform(10)})

# inverse and determinants of well-conditioned matrices (one with det < 0)
def conditioned(*shape):
    return (uniform(*shape) + 2 * np.eye(shape[-1])).astype(np.float32)


flipped = conditioned(2, 3, 3)
flipped[1] = flipped[1][[1, 0, 2]]
golden.op_case("inverse", "linalg_inverse", {"A": conditioned(3, 3)})
golden.op_case("inverse_batch", "linalg_inverse", {"A": conditioned(2, 2, 3, 3)})
golden.op_case("det", "linalg_det", {"A": conditioned(3, 3)})
golden.op_case("det_batch", "linalg_det", {"A": flipped})
golden.op_case("slogdet", "linalg_slogdet", {"A": conditioned(3, 3)})
golden.op_case("slogdet_batch", "linalg_slogdet", {"A": flipped.astype(np.float64)})
golden.save()
