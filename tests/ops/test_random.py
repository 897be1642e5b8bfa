"""Random operators (dlkit/ops/random.py) and ``mx.nd.random``
(dlkit/ndarray/random.py).

The numbers cannot match MXNet's generator, so these tests check shapes, dtypes,
contexts, seeding and the distributions' statistics.
"""
import inspect

import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError
from dlkit.ops.registry import get_op

N = 20000   # samples for the statistics; tolerances are about 5 standard errors


@pytest.mark.parametrize("name, aliases, attrs", [
    ("_random_uniform", {"random_uniform", "uniform"},
     ["low", "high", "shape", "ctx", "dtype"]),
    ("_random_normal", {"random_normal", "normal"},
     ["loc", "scale", "shape", "ctx", "dtype"]),
    ("_random_randint", {"random_randint"}, ["low", "high", "shape", "ctx", "dtype"]),
    ("_random_exponential", {"random_exponential"}, ["lam", "shape", "ctx", "dtype"]),
    ("_random_gamma", {"random_gamma"}, ["alpha", "beta", "shape", "ctx", "dtype"]),
    ("_random_poisson", {"random_poisson"}, ["lam", "shape", "ctx", "dtype"]),
    ("_shuffle", {"shuffle"}, []),
])
def test_ops_have_mxnet_names_aliases_and_attributes(name, aliases, attrs):
    op = get_op(name)
    assert op.random is True
    assert set(op.aliases) == aliases
    assert list(op.attrs) == attrs


def test_functions_take_mxnet_positional_order():
    def names(function):
        return list(inspect.signature(function).parameters)

    rest = ["shape", "dtype", "ctx", "out"]
    assert names(mx.nd.random.uniform)[:6] == ["low", "high", *rest]
    assert names(mx.nd.random.normal)[:6] == ["loc", "scale", *rest]
    assert names(mx.nd.random.randint)[:6] == ["low", "high", *rest]
    assert names(mx.nd.random.exponential)[:5] == ["scale", *rest]
    assert names(mx.nd.random.gamma)[:6] == ["alpha", "beta", *rest]
    assert mx.random.uniform is mx.nd.random.uniform


@pytest.mark.parametrize("function, args, dtype", [
    (mx.nd.random.uniform, (0, 1), np.float32),
    (mx.nd.random.normal, (0, 1), np.float32),
    (mx.nd.random.randint, (0, 5), np.int32),
    (mx.nd.random.exponential, (1,), np.float32),
    (mx.nd.random.gamma, (1, 1), np.float32),
    (mx.nd.random.poisson, (1,), np.float32),
])
def test_default_dtype_and_shape(function, args, dtype, ctx):
    sample = function(*args, shape=(2, 3), ctx=ctx)
    assert sample.shape == (2, 3)
    assert sample.dtype == dtype
    assert sample.context == ctx
    assert function(*args).shape == (1,)   # MXNet draws one value without a shape


@pytest.mark.parametrize("function, args, dtype", [
    (mx.nd.random.uniform, (0, 1), "float64"),
    (mx.nd.random.normal, (0, 1), "float16"),
    (mx.nd.random.randint, (0, 5), "int64"),
])
def test_dtype_is_honoured(function, args, dtype):
    assert function(*args, shape=(4,), dtype=dtype).dtype == np.dtype(dtype)


def test_randn_takes_the_shape_positionally():
    sample = mx.nd.random.randn(3, 2, loc=10.0, scale=0.1)
    assert sample.shape == (3, 2)
    assert abs(sample.asnumpy().mean() - 10.0) < 0.5


def test_seeding_repeats_the_same_numbers():
    mx.random.seed(1)
    first = [mx.nd.random.uniform(shape=(5,)).asnumpy(), mx.nd.random.normal(shape=3)]
    mx.random.seed(1)
    second = [mx.nd.random.uniform(shape=(5,)).asnumpy(), mx.nd.random.normal(shape=3)]
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1].asnumpy(), second[1].asnumpy())
    mx.random.seed(2)
    assert not np.array_equal(mx.nd.random.uniform(shape=(5,)).asnumpy(), first[0])


def test_uniform_statistics():
    sample = mx.nd.random.uniform(-2, 6, shape=(N,)).asnumpy()
    assert sample.min() >= -2 and sample.max() < 6
    assert abs(sample.mean() - 2) < 5 * 8 / np.sqrt(12 * N)
    assert abs(sample.std() - 8 / np.sqrt(12)) < 0.05


def test_normal_statistics():
    sample = mx.nd.random.normal(3, 2, shape=(N,)).asnumpy()
    assert abs(sample.mean() - 3) < 5 * 2 / np.sqrt(N)
    assert abs(sample.std() - 2) < 0.05


def test_exponential_scale_is_the_mean():
    sample = mx.nd.random.exponential(4.0, shape=(N,)).asnumpy()
    assert sample.min() >= 0
    assert abs(sample.mean() - 4) < 5 * 4 / np.sqrt(N)


def test_gamma_statistics():
    sample = mx.nd.random.gamma(2.0, 3.0, shape=(N,)).asnumpy()
    assert abs(sample.mean() - 6) < 5 * np.sqrt(18 / N)
    assert abs(sample.var() - 18) < 1.5


def test_poisson_statistics():
    sample = mx.nd.random.poisson(3.0, shape=(N,)).asnumpy()
    assert np.all(sample == np.round(sample))
    assert abs(sample.mean() - 3) < 5 * np.sqrt(3 / N)


def test_randint_covers_low_to_high_exclusive():
    sample = mx.nd.random.randint(-2, 3, shape=(1000,)).asnumpy()
    assert set(sample.tolist()) == {-2, -1, 0, 1, 2}


def test_shuffle_permutes_rows(ctx):
    data = mx.nd.array(np.arange(20).reshape(10, 2), ctx=ctx, dtype="int32")
    shuffled = mx.nd.random.shuffle(data)
    assert shuffled.dtype == np.int32 and shuffled.context == ctx
    rows = shuffled.asnumpy()
    np.testing.assert_array_equal(rows[:, 1] - rows[:, 0], 1)   # rows stay intact
    np.testing.assert_array_equal(np.sort(rows[:, 0]), np.arange(0, 20, 2))
    orders = {tuple(mx.nd.shuffle(data).asnumpy()[:, 0]) for _ in range(5)}
    assert len(orders) > 1


def test_raw_ops_accept_ctx_as_a_context_or_an_mxnet_string():
    assert mx.nd.random_uniform(0, 1, (2, 3), ctx=mx.cpu()).context == mx.cpu()
    assert mx.nd._random_normal(0, 1, (2,), ctx="cpu(0)").shape == (2,)


def test_out_gives_the_shape():
    out = mx.nd.zeros((2, 2))
    result = mx.nd.random.uniform(5, 6, out=out)
    assert result is out
    assert out.asnumpy().min() >= 5


@pytest.mark.parametrize("call, message", [
    (lambda: mx.nd._random_uniform(low=0, high=1), "_random_uniform: the attribute "
                                                   "shape is required"),
    (lambda: mx.nd.random.uniform(2, 1, shape=(2,)), "low must be <= high"),
    (lambda: mx.nd.random.randint(3, 3, shape=(2,)), "low must be < high"),
    (lambda: mx.nd.random.uniform(0, 1, shape=(2,), dtype="int32"), "'int32' is not"),
    (lambda: mx.nd.random.randint(0, 5, shape=(2,), dtype="float32"), "'float32' is"),
    (lambda: mx.nd.random.gamma(-1, 1, shape=(2,)), "alpha and beta must be > 0"),
    (lambda: mx.nd.random.uniform(mx.nd.zeros(2), mx.nd.ones(2)), "must be a number"),
    (lambda: mx.nd.random.shuffle(mx.nd.array(np.float32(3))), "at least one axis"),
    (lambda: mx.nd._random_uniform(0, 1, (2,), ctx="tpu(0)"), "unknown device type"),
])
def test_bad_arguments_raise_clear_errors(call, message):
    with pytest.raises(MXNetError, match=message):
        call()
