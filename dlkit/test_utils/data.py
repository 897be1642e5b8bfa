"""Where test data comes from: the context and dtype it is made in, random shapes,
random arrays and small index arrays.

Everything random draws from NumPy's global random state, so ``np.random.seed(0)``
repeats a test's data.
"""
import numpy as np

from ..base import MXNetError
from ..context import Context, current_context
from ..ndarray.ndarray import array


_default = []


def default_context():
    """The context tests run on: ``cpu(0)``, unless ``set_default_context`` changed it.
    """
    return _default[-1] if _default else current_context()


def set_default_context(ctx):
    """Make ``ctx`` the context ``default_context`` returns."""
    _default.append(Context(ctx))


def default_dtype():
    """The dtype test data is made in: float32."""
    return np.float32


def rand_shape_nd(num_dim, dim=10, allow_zero_size=False):
    """A random shape with ``num_dim`` dimensions, each in ``[1, dim]`` (from 0 with
    ``allow_zero_size``)."""
    low = 0 if allow_zero_size else 1
    return tuple(np.random.randint(low, dim + 1, size=num_dim))


def rand_shape_2d(dim0=10, dim1=10, allow_zero_size=False):
    """A random 2-d shape, each dimension in ``[1, dim]`` (from 0 if allowed)."""
    low = 0 if allow_zero_size else 1
    return np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1)


def rand_shape_3d(dim0=10, dim1=10, dim2=10, allow_zero_size=False):
    """A random 3-d shape, each dimension in ``[1, dim]`` (from 0 if allowed)."""
    low = 0 if allow_zero_size else 1
    return (np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1),
            np.random.randint(low, dim2 + 1))


def rand_coord_2d(x_low, x_high, y_low, y_high):
    """A random point ``(x, y)`` with ``x_low <= x < x_high``, ``y_low <= y < y_high``.
    """
    x = np.random.randint(x_low, x_high, dtype=np.int64)
    y = np.random.randint(y_low, y_high, dtype=np.int64)
    return x, y


def random_arrays(*shapes):
    """Standard-normal NumPy arrays of ``default_dtype()``, one per shape (the array
    itself for a single shape)."""
    arrays = [np.array(np.random.randn(), dtype=default_dtype()) if len(shape) == 0
              else np.random.randn(*shape).astype(default_dtype()) for shape in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def random_uniform_arrays(*shapes, low=0.0, high=1.0, dtype=None):
    """Uniform NumPy arrays in ``[low, high)``, one per shape (always a list)."""
    dtype = default_dtype() if dtype is None else dtype
    return [np.random.uniform(low, high, size=shape).astype(dtype) for shape in shapes]


def random_sample(population, k):
    """``k`` different elements of ``population``, in random order (NumPy's random
    state, so ``np.random.seed`` repeats it)."""
    if not 0 <= k <= len(population):
        raise ValueError(f"random_sample: k={k} is not in [0, {len(population)}]")
    order = np.random.permutation(len(population))[:k]
    return [population[index] for index in order]


def rand_ndarray(shape, stype="default", density=None, dtype=None, ctx=None):
    """A dense NDArray of uniform random values in ``[0, 1)``."""
    if stype != "default":
        raise MXNetError("rand_ndarray: dlkit supports only dense ('default') arrays")
    return array(np.random.uniform(size=shape), ctx or default_context(), dtype)


def create_vector(size, dtype=np.int64):
    """The NDArray ``[0, 1, ..., size - 1]``."""
    from ..ndarray import arange
    return arange(0, size, dtype=dtype)


def create_2d_tensor(rows, columns, dtype=np.int64):
    """A ``(rows, columns)`` NDArray whose row ``i`` is all ``i``."""
    from ..ndarray import arange, broadcast_to
    column = arange(0, rows, dtype=dtype).reshape(rows, 1)
    return broadcast_to(column, shape=(rows, columns))
