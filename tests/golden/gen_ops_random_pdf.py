"""Golden cases for dlkit/ops/random_pdf.py (the ``_random_pdf_*`` densities, their
log form and their gradients w.r.t. sample and parameters, MXNet's quirks included);
run under MXNet 1.9.1, see README.md."""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(23)
golden = GoldenWriter("ops_random_pdf")


def uniform(low, high, shape, dtype=np.float32):
    return random.uniform(low, high, size=shape).astype(dtype)


def counts(high, shape, dtype=np.float32):
    return random.randint(0, high, size=shape).astype(dtype)


def both_forms(case_id, op, inputs, **kwargs):
    """The density and the log-density (``is_log``) of the same inputs."""
    golden.op_case(case_id, op, inputs, **kwargs)
    golden.op_case(f"{case_id}_log", op, inputs, {"is_log": True}, **kwargs)


for dtype in (np.float32, np.float64):
    name = np.dtype(dtype).name
    both_forms(f"uniform_{name}", "_random_pdf_uniform",
               {"sample": uniform(0, 1, (2, 3), dtype),
                "low": np.array([-1.0, 0.25], dtype=dtype),
                "high": np.array([1.5, 2.0], dtype=dtype)})
    both_forms(f"normal_{name}", "_random_pdf_normal",
               {"sample": uniform(-2, 2, (2, 3), dtype),
                "mu": np.array([0.5, -1.0], dtype=dtype),
                "sigma": np.array([0.8, 2.0], dtype=dtype)})
    both_forms(f"gamma_{name}", "_random_pdf_gamma",
               {"sample": uniform(0.1, 4, (2, 3), dtype),
                "alpha": np.array([0.7, 3.0], dtype=dtype),
                "beta": np.array([1.5, 0.5], dtype=dtype)})
    both_forms(f"exponential_{name}", "_random_pdf_exponential",
               {"sample": uniform(0, 3, (2, 3), dtype),
                "lam": np.array([0.5, 2.0], dtype=dtype)})
    both_forms(f"poisson_{name}", "_random_pdf_poisson",
               {"sample": counts(8, (2, 3), dtype),
                "lam": np.array([1.5, 4.0], dtype=dtype)})
    both_forms(f"negative_binomial_{name}", "_random_pdf_negative_binomial",
               {"sample": counts(8, (2, 3), dtype),
                "k": np.array([2.0, 3.5], dtype=dtype),
                "p": np.array([0.3, 0.6], dtype=dtype)})
    both_forms(f"generalized_negative_binomial_{name}",
               "_random_pdf_generalized_negative_binomial",
               {"sample": counts(8, (2, 3), dtype),
                "mu": np.array([2.0, 0.5], dtype=dtype),
                "alpha": np.array([0.3, 1.5], dtype=dtype)})
    both_forms(f"dirichlet_{name}", "_random_pdf_dirichlet",
               {"sample": random.dirichlet([1.0, 2.0, 3.0], size=(2, 4)).astype(dtype),
                "alpha": np.array([[1.0, 2.0, 3.0], [0.5, 0.7, 2.5]], dtype=dtype)})

# parameters of the sample's full shape, and sample axes beyond the parameters' ones
both_forms("normal_full_shape", "_random_pdf_normal",
           {"sample": uniform(-1, 1, (2, 3)), "mu": uniform(-1, 1, (2, 3)),
            "sigma": uniform(0.5, 2, (2, 3))})
both_forms("gamma_two_extra_axes", "_random_pdf_gamma",
           {"sample": uniform(0.2, 3, (2, 3, 4)),
            "alpha": np.array([1.5, 2.5], np.float32),
            "beta": np.array([2.0, 0.7], np.float32)})
both_forms("uniform_3d_params", "_random_pdf_uniform",
           {"sample": uniform(0, 1, (2, 2, 3)), "low": uniform(-1, 0, (2, 2)),
            "high": uniform(1, 2, (2, 2))})
both_forms("exponential_params_1d_sample_1d", "_random_pdf_exponential",
           {"sample": uniform(0, 2, (4,)), "lam": uniform(0.5, 2, (4,))})
both_forms("dirichlet_shared_alpha", "_random_pdf_dirichlet",
           {"sample": random.dirichlet([0.5, 1.0, 2.0, 1.5], size=5).astype(np.float32),
            "alpha": np.array([0.5, 1.0, 2.0, 1.5], np.float32)})
both_forms("dirichlet_two_extra_axes", "_random_pdf_dirichlet",
           {"sample": random.dirichlet([2.0, 2.0], size=(2, 3, 2)).astype(np.float32),
            "alpha": np.array([[2.0, 3.0], [0.8, 1.2]], np.float32)})
both_forms("dirichlet_single_vector", "_random_pdf_dirichlet",
           {"sample": np.array([0.2, 0.3, 0.5], np.float32),
            "alpha": np.array([1.0, 2.0, 3.0], np.float32)})

# MXNet's formulas outside the usual domain: the density of uniform ignores its
# interval, a negative sigma or rate gives a negative density, the discrete densities
# score non-integer samples through gammaln
golden.op_case("uniform_outside_interval", "_random_pdf_uniform",
               {"sample": np.array([[-3.0, 0.5, 9.0]], np.float32),
                "low": np.array([0.0], np.float32),
                "high": np.array([2.0], np.float32)})
golden.op_case("uniform_high_below_low", "_random_pdf_uniform",
               {"sample": np.array([[0.5, 1.5]], np.float32),
                "low": np.array([2.0], np.float32),
                "high": np.array([0.0], np.float32)})
golden.op_case("normal_negative_sigma", "_random_pdf_normal",
               {"sample": np.array([[0.5, -1.0]], np.float32),
                "mu": np.array([0.0], np.float32),
                "sigma": np.array([-1.5], np.float32)})
golden.op_case("exponential_negative_sample", "_random_pdf_exponential",
               {"sample": np.array([[-1.0, -0.2, 0.0]], np.float32),
                "lam": np.array([1.5], np.float32)})
golden.op_case("exponential_negative_rate", "_random_pdf_exponential",
               {"sample": np.array([[1.0, 0.5]], np.float32),
                "lam": np.array([-1.0], np.float32)})
both_forms("poisson_fractional_sample", "_random_pdf_poisson",
           {"sample": np.array([[0.5, 1.5, 2.25]], np.float32),
            "lam": np.array([2.0], np.float32)})
both_forms("negative_binomial_fractional", "_random_pdf_negative_binomial",
           {"sample": np.array([[0.5, 2.5]], np.float32),
            "k": np.array([1.5], np.float32), "p": np.array([0.4], np.float32)})
golden.op_case("dirichlet_not_normalized", "_random_pdf_dirichlet",
               {"sample": np.array([[0.5, 0.5, 0.5], [0.1, 0.2, 0.3]], np.float32),
                "alpha": np.array([1.5, 2.0, 3.0], np.float32)})

golden.save()
