"""``mx.test_utils``: helpers for checking numbers and gradients.

``check_numeric_gradient`` is how dlkit proves every operator's ``backward``: it
compares the analytic gradient with central differences of the forward along a random
direction. The other helpers are MXNet's tools for writing such tests, one module per
job:

    compare.py      tolerances by dtype: default_rtols/atols -> get_tols(x, y, ...)
                    -> assert_almost_equal(a, b) (rtol/atol None: chosen by dtype)
    data.py         default_context/dtype, rand_shape_2d/3d/nd, rand_ndarray,
                    random_arrays, rand_coord_2d
    gradient.py     check_numeric_gradient, numeric_grad
    symbolic.py     check_symbolic_forward/backward (bind, run, compare with expected),
                    check_consistency (one graph on several contexts and dtypes)
    scaffolding.py  environment(...) for variables, discard_stderr(), DummyIter, retry

Import them from here, as in MXNet: ``mx.test_utils.assert_almost_equal``.
"""
from .compare import (almost_equal, assert_allclose, assert_almost_equal,
                      assert_almost_equal_ignore_nan, assert_exception,
                      collapse_sum_like, compare_ndarray_tuple, default_atols,
                      default_numeric_eps, default_rtols, effective_dtype, get_atol,
                      get_etol, get_rtol, get_tolerance, get_tols, np_reduce, same,
                      same_array)
from .data import (create_2d_tensor, create_vector, default_context, default_dtype,
                   rand_coord_2d, rand_ndarray, rand_shape_2d, rand_shape_3d,
                   rand_shape_nd, random_arrays, random_sample, random_uniform_arrays,
                   set_default_context)
from .gradient import check_numeric_gradient, numeric_grad
from .scaffolding import (DummyIter, discard_stderr, environment, get_mnist_iterator,
                          list_gpus, retry)
from .symbolic import (check_consistency, check_symbolic_backward,
                       check_symbolic_forward, simple_forward)

__all__ = ["default_context", "set_default_context", "assert_almost_equal",
           "almost_equal", "assert_almost_equal_ignore_nan", "assert_allclose",
           "assert_exception", "rand_ndarray", "rand_shape_2d", "rand_shape_3d",
           "rand_shape_nd", "rand_coord_2d", "random_arrays", "random_uniform_arrays",
           "random_sample", "check_numeric_gradient", "numeric_grad", "same",
           "same_array", "check_symbolic_forward", "check_symbolic_backward",
           "check_consistency", "simple_forward", "default_rtols", "default_atols",
           "default_numeric_eps", "default_dtype", "effective_dtype", "get_tolerance",
           "get_tols", "get_rtol", "get_atol", "get_etol", "np_reduce",
           "collapse_sum_like", "create_vector", "create_2d_tensor",
           "compare_ndarray_tuple", "list_gpus", "retry", "environment",
           "discard_stderr", "DummyIter", "get_mnist_iterator"]
