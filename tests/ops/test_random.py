"""Random operators (dlkit/ops/random.py, random_sample.py, random_pdf.py),
``mx.nd.random`` (dlkit/ndarray/random.py) and ``mx.sym.random``
(dlkit/symbol/random.py).

The samplers' numbers cannot match MXNet's generator, so these tests check shapes,
dtypes, contexts, seeding and the distributions' statistics. The densities are
compared with MXNet by the golden cases (tests/golden/gen_ops_random_pdf.py); the
tests here cover what those cannot see: errors, shapes and consistency with the
samplers.
"""
import inspect
import math

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
    ("_random_negative_binomial", {"random_negative_binomial"},
     ["k", "p", "shape", "ctx", "dtype"]),
    ("_random_generalized_negative_binomial", {"random_generalized_negative_binomial"},
     ["mu", "alpha", "shape", "ctx", "dtype"]),
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
    (lambda: mx.nd.random.normal(0, 0, shape=(2,)), "scale must be > 0"),
    (lambda: mx.nd.random.shuffle(mx.nd.array(np.float32(3))), "at least one axis"),
    (lambda: mx.nd._random_uniform(0, 1, (2,), ctx="tpu(0)"), "unknown device type"),
])
def test_bad_arguments_raise_clear_errors(call, message):
    with pytest.raises(MXNetError, match=message):
        call()


# --------------------------------------------------------------------------------------
# Samplers with per-element parameters (dlkit/ops/random_sample.py).
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, inputs, attrs", [
    ("_sample_uniform", ["low", "high"], ["shape", "dtype"]),
    ("_sample_normal", ["mu", "sigma"], ["shape", "dtype"]),
    ("_sample_gamma", ["alpha", "beta"], ["shape", "dtype"]),
    ("_sample_exponential", ["lam"], ["shape", "dtype"]),
    ("_sample_poisson", ["lam"], ["shape", "dtype"]),
    ("_sample_negative_binomial", ["k", "p"], ["shape", "dtype"]),
    ("_sample_generalized_negative_binomial", ["mu", "alpha"], ["shape", "dtype"]),
    ("_sample_multinomial", ["data"], ["shape", "get_prob", "dtype"]),
])
def test_sample_ops_have_mxnet_inputs_and_attributes(name, inputs, attrs):
    op = get_op(name)
    assert op.random is True
    assert set(op.aliases) == {name[1:]}
    assert list(op.input_names) == inputs
    assert list(op.attrs) == attrs


def test_sample_output_is_parameter_shape_plus_shape(ctx):
    low = mx.nd.array([[0, 1, 2], [3, 4, 5]], ctx=ctx)
    high = low + 1
    assert mx.nd.sample_uniform(low, high).shape == (2, 3)
    assert mx.nd.sample_uniform(low, high, shape=4).shape == (2, 3, 4)
    sample = mx.nd.random.uniform(low, high, shape=(4, 5))
    assert sample.shape == (2, 3, 4, 5) and sample.context == ctx
    values = sample.asnumpy()
    # every element's draws lie in its own interval [low, low + 1)
    lows = low.asnumpy()[:, :, None, None]
    assert np.all(values >= lows) and np.all(values < lows + 1)


@pytest.mark.parametrize("param_dtype", ["float16", "float32", "float64", "int32"])
def test_sample_dtype_is_float32_whatever_the_parameters(param_dtype):
    lam = mx.nd.array([1, 2], dtype=param_dtype)
    assert mx.nd.random.poisson(lam, shape=3).dtype == np.float32
    assert mx.nd.sample_exponential(lam, dtype="float64").dtype == np.float64
    assert mx.nd.sample_normal(lam, lam, dtype="float16").dtype == np.float16


def test_sample_ignores_ctx_and_writes_out():
    mu = mx.nd.array([0.0, 100.0])
    assert mx.nd.random.normal(mu, mu + 1, ctx=mx.gpu(0)).context == mx.cpu()
    out = mx.nd.zeros((2, 3))
    assert mx.nd.random.normal(mu, mu * 0 + 1, shape=3, out=out) is out
    assert out.asnumpy()[1].mean() > 90


def test_sample_repeats_after_seeding():
    alpha = mx.nd.array([0.5, 2.0, 7.0])
    mx.random.seed(11)
    first = mx.nd.random.gamma(alpha, alpha, shape=4).asnumpy()
    mx.random.seed(11)
    np.testing.assert_array_equal(mx.nd.random.gamma(alpha, alpha, shape=4).asnumpy(),
                                  first)


def _rows(sample):
    """Statistics of each parameter element's N draws."""
    values = sample.asnumpy().astype(np.float64)
    return values.mean(axis=-1), values.var(axis=-1)


def test_sample_uniform_and_normal_statistics_per_element():
    low, high = mx.nd.array([-2.0, 5.0]), mx.nd.array([2.0, 5.5])
    mean, var = _rows(mx.nd.random.uniform(low, high, shape=N))
    np.testing.assert_allclose(mean, [0, 5.25], atol=5 * 4 / np.sqrt(12 * N))
    np.testing.assert_allclose(var, [16 / 12, 0.25 / 12], rtol=0.05)
    mean, var = _rows(mx.nd.random.normal(mx.nd.array([0.0, 10.0]),
                                          mx.nd.array([1.0, 3.0]), shape=N))
    np.testing.assert_allclose(mean, [0, 10], atol=5 * 3 / np.sqrt(N))
    np.testing.assert_allclose(var, [1, 9], rtol=0.05)


def test_sample_gamma_beta_is_a_scale():
    alpha, beta = np.array([0.5, 2.0, 9.0]), np.array([3.0, 0.5, 1.0])
    mean, var = _rows(mx.nd.random.gamma(mx.nd.array(alpha), mx.nd.array(beta),
                                         shape=N))
    np.testing.assert_allclose(mean, alpha * beta, rtol=0.05)
    np.testing.assert_allclose(var, alpha * beta ** 2, rtol=0.1)


def test_sample_exponential_takes_the_rate_and_nd_random_the_scale():
    lam = mx.nd.array([0.5, 4.0])
    mean, _ = _rows(mx.nd.sample_exponential(lam, shape=N))
    np.testing.assert_allclose(mean, [2.0, 0.25], rtol=0.05)
    mean, _ = _rows(mx.nd.random.exponential(lam, shape=N))   # scale = 1 / lam
    np.testing.assert_allclose(mean, [0.5, 4.0], rtol=0.05)


def test_sample_poisson_counts():
    sample = mx.nd.random.poisson(mx.nd.array([0.5, 6.0]), shape=N)
    values = sample.asnumpy()
    assert np.all(values == np.round(values)) and values.min() >= 0
    mean, var = _rows(sample)
    np.testing.assert_allclose(mean, [0.5, 6.0], rtol=0.05)
    np.testing.assert_allclose(var, [0.5, 6.0], rtol=0.1)


def test_negative_binomial_statistics_scalar_and_per_element():
    k, p = np.array([1.0, 2.5, 6.0]), np.array([0.5, 0.3, 0.8])
    mean, var = _rows(mx.nd.random.negative_binomial(mx.nd.array(k), mx.nd.array(p),
                                                     shape=N))
    np.testing.assert_allclose(mean, k * (1 - p) / p, rtol=0.05)
    np.testing.assert_allclose(var, k * (1 - p) / p ** 2, rtol=0.1)
    sample = mx.nd.random.negative_binomial(3, 0.4, shape=(N,)).asnumpy()
    assert abs(sample.mean() - 4.5) < 0.2 and abs(sample.var() - 11.25) < 1.2
    assert mx.nd.random.negative_binomial(shape=(5,)).asnumpy().tolist() == [0] * 5


def test_generalized_negative_binomial_statistics():
    mu, alpha = np.array([2.0, 5.0, 3.0]), np.array([0.5, 0.1, 0.0])
    mean, var = _rows(mx.nd.random.generalized_negative_binomial(
        mx.nd.array(mu), mx.nd.array(alpha), shape=N))
    np.testing.assert_allclose(mean, mu, rtol=0.05)
    np.testing.assert_allclose(var, mu + alpha * mu ** 2, rtol=0.1)  # alpha=0: Poisson
    sample = mx.nd.random.generalized_negative_binomial(4.0, 0.25, shape=(N,))
    values = sample.asnumpy()
    assert abs(values.mean() - 4) < 0.15 and abs(values.var() - 8) < 0.8


def test_sampled_parameters_get_a_zero_gradient_as_in_mxnet():
    mu, sigma = mx.nd.array([1.0, 2.0]), mx.nd.array([3.0, 4.0])
    mu.attach_grad()
    sigma.attach_grad()
    with mx.autograd.record():
        sample = mx.nd.random.normal(mu, sigma, shape=3)
    sample.backward()
    assert mu.grad.asnumpy().tolist() == [0, 0]
    assert sigma.grad.asnumpy().tolist() == [0, 0]


def test_multinomial_frequencies_and_shapes():
    probs = mx.nd.array([[0.1, 0.6, 0.3], [1.0, 0.0, 0.0]])
    sample = mx.nd.random.multinomial(probs, shape=N)
    assert sample.shape == (2, N) and sample.dtype == np.int32
    counts = np.bincount(sample.asnumpy()[0], minlength=3) / N
    np.testing.assert_allclose(counts, [0.1, 0.6, 0.3], atol=0.02)
    assert set(sample.asnumpy()[1].tolist()) == {0}
    assert mx.nd.random.multinomial(probs).shape == (2,)
    assert mx.nd.random.multinomial(mx.nd.array([0.5, 0.5])).shape == (1,)  # MXNet's ()
    assert mx.nd.random.multinomial(mx.nd.ones((2, 3, 4)) / 4, shape=5).shape == (2, 3,
                                                                                   5)
    assert mx.nd.random.multinomial(probs, dtype="float64").dtype == np.float64


def test_multinomial_keeps_mxnet_unnormalized_rows():
    # no category is reached when the running sum stays below the uniform number:
    # MXNet then returns k, one past the last category
    sample = mx.nd.random.multinomial(mx.nd.array([0.0, 0.0]), shape=5)
    assert sample.asnumpy().tolist() == [2] * 5


def test_multinomial_log_probabilities_and_their_gradient():
    probs = mx.nd.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]], dtype="float64")
    probs.attach_grad()
    with mx.autograd.record():
        sample, log_prob = mx.nd.random.multinomial(probs, shape=4, get_prob=True)
    assert log_prob.dtype == np.float64 and log_prob.shape == (2, 4)
    index = sample.asnumpy()
    expected = np.log(np.take_along_axis(probs.asnumpy(), index, axis=1))
    np.testing.assert_allclose(log_prob.asnumpy(), expected)
    head = np.arange(8.0).reshape(2, 4)
    log_prob.backward(mx.nd.array(head, dtype="float64"))
    grad = np.zeros((2, 3))
    for row in range(2):
        for draw in range(4):   # d log p_j / d p_j = 1 / p_j per draw of j
            j = index[row, draw]
            grad[row, j] += head[row, draw] / probs.asnumpy()[row, j]
    np.testing.assert_allclose(probs.grad.asnumpy(), grad)


@pytest.mark.parametrize("call, error, message", [
    (lambda: mx.nd.random.uniform(mx.nd.zeros(2), 1), AssertionError,
     "must all have the same type"),
    (lambda: mx.nd.random.normal(0, mx.nd.ones(2)), AssertionError,
     "must all have the same type"),
    (lambda: mx.nd.random.uniform("a", "b"), ValueError,
     "must be either NDArray or numbers"),
    (lambda: mx.nd.random.multinomial([0.5, 0.5]), AssertionError,
     "must have NDArray type"),
    (lambda: mx.nd.random.uniform(mx.nd.zeros(2), mx.nd.ones((2, 2))), MXNetError,
     r"_sample_uniform: the parameters must have the same shape, got low \(2,\), "
     r"high \(2, 2\)"),
    (lambda: mx.nd.random.normal(mx.nd.zeros(2), mx.nd.ones(2, dtype="float64")),
     MXNetError, "must have the same dtype"),
    (lambda: mx.nd.random.normal(mx.nd.zeros(2), mx.nd.ones(2), shape=(2, 0)),
     MXNetError, "shape must have sizes > 0"),
    (lambda: mx.nd.sample_poisson(mx.nd.array(np.float32(2))), MXNetError,
     "at least one axis"),
    (lambda: mx.nd.random.gamma(mx.nd.array([-1.0]), mx.nd.array([1.0])), MXNetError,
     "alpha must be >= 0"),
    (lambda: mx.nd.random.negative_binomial(mx.nd.array([-1.0]), mx.nd.array([0.5])),
     MXNetError, "k must be >= 0"),
    (lambda: mx.nd.random.negative_binomial(mx.nd.array([1.0]), mx.nd.array([0.0])),
     MXNetError, "p .* must be > 0"),
    (lambda: mx.nd.random.generalized_negative_binomial(mx.nd.array([1.0]),
                                                         mx.nd.array([-1.0])),
     MXNetError, "alpha must be >= 0"),
    (lambda: mx.nd.random.negative_binomial(3.5, 0.5, shape=(2,)), MXNetError,
     "invalid value 3.5 for attribute 'k'"),
    (lambda: mx.nd.random.negative_binomial(-1, 0.5, shape=(2,)), MXNetError,
     "k must be >= 0"),
    (lambda: mx.nd.random.generalized_negative_binomial(-1, 1, shape=(2,)),
     MXNetError, "mu must be >= 0"),
    (lambda: mx.nd.random.negative_binomial(3, 0.5, shape=(2,), dtype="int32"),
     MXNetError, "'int32' is not valid"),
    (lambda: mx.nd.random.multinomial(mx.nd.ones(2), dtype="int64"), MXNetError,
     "'int64' is not valid"),
    (lambda: mx.nd.random.multinomial(mx.nd.ones(2, dtype="int32")), MXNetError,
     "must be floating point"),
    (lambda: mx.nd.random.multinomial(mx.nd.ones((2, 0))), MXNetError,
     "k >= 1 categories"),
    (lambda: mx.nd.random.randn(), MXNetError, "the attribute shape is required"),
])
def test_sampling_errors_match_mxnet(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --------------------------------------------------------------------------------------
# Densities (dlkit/ops/random_pdf.py); their values are compared with MXNet's goldens.
# --------------------------------------------------------------------------------------
PDF_OPS = ["uniform", "normal", "gamma", "exponential", "poisson", "negative_binomial",
           "generalized_negative_binomial", "dirichlet"]


@pytest.mark.parametrize("name", PDF_OPS)
def test_pdf_ops_have_mxnet_names_and_is_log(name):
    op = get_op(f"_random_pdf_{name}")
    assert set(op.aliases) == {f"random_pdf_{name}"}
    assert list(op.attrs) == ["is_log"] and op.attrs["is_log"][1] is False
    assert op.input_names[0] == "sample"
    assert not getattr(op, "random", False)


def test_discrete_densities_sum_to_one():
    def pair(a, b):
        return mx.nd.array([a, b], dtype="float64")

    counts = mx.nd.array(np.arange(200.0)[None, :].repeat(2, axis=0), dtype="float64")
    for probabilities in (
            mx.nd.random_pdf_poisson(counts, pair(0.7, 12.0)),
            mx.nd.random_pdf_negative_binomial(counts, pair(1.5, 4.0), pair(0.3, 0.6)),
            mx.nd.random_pdf_generalized_negative_binomial(counts, pair(3.0, 0.5),
                                                           pair(0.4, 2.0))):
        np.testing.assert_allclose(probabilities.asnumpy().sum(axis=1), [1, 1],
                                   rtol=1e-6)


def test_log_density_is_the_log_of_the_density():
    sample = mx.nd.array([[0.3, 1.2, 2.0]], dtype="float64")
    alpha = mx.nd.array([2.5], dtype="float64")
    beta = mx.nd.array([1.5], dtype="float64")
    density = mx.nd.random_pdf_gamma(sample, alpha, beta)
    log_density = mx.nd.random_pdf_gamma(sample, alpha, beta, is_log=True)
    np.testing.assert_allclose(np.log(density.asnumpy()), log_density.asnumpy())


def test_pdf_gamma_reads_beta_as_a_rate_unlike_the_sampler():
    x, alpha, beta = 1.3, 2.5, 4.0
    expected = beta ** alpha * x ** (alpha - 1) * np.exp(-beta * x) / math.gamma(alpha)
    value = mx.nd.random_pdf_gamma(mx.nd.array([x]), mx.nd.array([alpha]),
                                   mx.nd.array([beta]))
    np.testing.assert_allclose(value.asnumpy(), [expected], rtol=1e-5)


def test_pdf_matches_the_sampler_histogram():
    # the density of _sample_normal's draws, evaluated by _random_pdf_normal
    mu, sigma = mx.nd.array([1.0]), mx.nd.array([0.5])
    draws = mx.nd.random.normal(mu, sigma, shape=N).asnumpy()[0]
    counts, edges = np.histogram(draws, bins=10, range=(0, 2))
    centers = mx.nd.array((edges[:-1] + edges[1:])[None, :] / 2)
    density = mx.nd.random_pdf_normal(centers, mu, sigma).asnumpy()[0]
    np.testing.assert_allclose(counts / (N * 0.2), density, rtol=0.1, atol=0.02)


def test_dirichlet_scores_vectors_along_the_last_axis():
    sample = mx.nd.array(np.random.RandomState(0).dirichlet([1, 2, 3], size=(2, 4)))
    alpha = mx.nd.array([[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]])
    assert mx.nd.random_pdf_dirichlet(sample, alpha).shape == (2, 4)
    single = mx.nd.random_pdf_dirichlet(mx.nd.array([0.2, 0.3, 0.5]),
                                        mx.nd.array([1.0, 2.0, 3.0]))
    assert single.shape == (1,)     # MXNet returns (1,) for one vector
    np.testing.assert_allclose(single.asnumpy(), [4.5], rtol=1e-6)


@pytest.mark.parametrize("call, message", [
    (lambda: mx.nd.random_pdf_uniform(mx.nd.ones((4, 2, 3)), mx.nd.ones((2, 3)),
                                      mx.nd.ones((2, 3))),
     r"shape \(2, 3\) must be the leading dimensions of sample's shape \(4, 2, 3\)"),
    (lambda: mx.nd.random_pdf_normal(mx.nd.ones(4), mx.nd.ones((4, 2)),
                                     mx.nd.ones((4, 2))),
     "must have at least as many axes"),
    (lambda: mx.nd.random_pdf_normal(mx.nd.ones((4, 2)), mx.nd.ones(4), mx.nd.ones(3)),
     r"the parameters must have the same shape, got mu \(4,\), sigma \(3,\)"),
    (lambda: mx.nd.random_pdf_dirichlet(mx.nd.ones((4, 2, 3)), mx.nd.ones((2, 3))),
     "leading and last dimensions"),
    (lambda: mx.nd.random_pdf_exponential(mx.nd.ones(2),
                                          mx.nd.ones(2, dtype="float64")),
     "sample and parameters must have the same dtype"),
    (lambda: mx.nd.random_pdf_poisson(mx.nd.ones(2, dtype="int32"),
                                      mx.nd.ones(2, dtype="int32")),
     "must be floating point"),
    (lambda: mx.nd.random_pdf_poisson(mx.nd.ones(()), mx.nd.ones(())),
     "at least one axis"),
])
def test_pdf_errors_name_the_shapes(call, message):
    with pytest.raises(MXNetError, match=message):
        call()


# --------------------------------------------------------------------------------------
# mx.sym.random (dlkit/symbol/random.py).
# --------------------------------------------------------------------------------------
def test_sym_random_has_mxnet_functions():
    expected = {"uniform", "normal", "randn", "randint", "exponential", "gamma",
                "poisson", "negative_binomial", "generalized_negative_binomial",
                "multinomial", "shuffle"}
    assert expected <= set(mx.sym.random.__all__)
    assert "random" in mx.sym.__all__ and mx.symbol.random is mx.sym.random


def test_sym_random_names_nodes_after_the_operator():
    with mx.name.NameManager():
        assert mx.sym.random.uniform(0, 1, shape=(2,)).name == "_random_uniform0"
        mu, sigma = mx.sym.var("mu"), mx.sym.var("sigma")
        node = mx.sym.random.normal(mu, sigma, shape=3)
        assert node.name == "_sample_normal0"
        assert node.list_arguments() == ["mu", "sigma"]
        assert node.infer_shape(mu=(2,), sigma=(2,))[1] == [(2, 3)]
        assert mx.sym.random.uniform(name="noise").name == "noise"


def test_sym_random_stores_only_given_attributes():
    node = mx.sym.random.exponential(4.0)
    assert node.list_attr() == {"lam": "0.25"}
    assert mx.sym.random.randn(2, 3, loc=1).list_attr() == {"loc": "1", "scale": "1",
                                                             "shape": "(2, 3)"}


def test_sym_random_multinomial_defaults_to_get_prob():
    node = mx.sym.random.multinomial(mx.sym.var("probs"))
    assert len(node.list_outputs()) == 2    # MXNet's sym default is get_prob=True


def test_sym_sampler_shape_is_inferred_from_its_consumer():
    x = mx.sym.var("x")
    y = x + mx.sym.random.uniform(10, 11)
    assert y.infer_shape(x=(2, 3))[1] == [(2, 3)]
    executor = y.bind(mx.cpu(), {"x": mx.nd.zeros((2, 3))})
    values = executor.forward()[0].asnumpy()
    assert values.shape == (2, 3) and values.min() >= 10 and values.max() < 11


def test_sym_sample_runs_in_an_executor():
    mu = mx.sym.var("mu")
    node = mx.sym.random.normal(mu, mu * 0 + 0.1, shape=1000)
    executor = node.bind(mx.cpu(), {"mu": mx.nd.array([-5.0, 5.0])})
    means = executor.forward()[0].asnumpy().mean(axis=1)
    np.testing.assert_allclose(means, [-5, 5], atol=0.05)


@pytest.mark.parametrize("call, error, message", [
    (lambda: mx.sym.random.uniform(mx.sym.var("a"), 1), AssertionError,
     "must all have the same type"),
    (lambda: mx.sym.random.uniform(mx.nd.zeros(1), mx.nd.zeros(1)), ValueError,
     "must be either Symbol or numbers"),
])
def test_sym_random_errors_match_mxnet(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --------------------------------------------------------------------------------------
# The *_like samplers (dlkit/ops/random_like.py) and their nd/sym helpers.
# --------------------------------------------------------------------------------------
LIKE_FUNCTIONS = ["uniform_like", "normal_like", "gamma_like", "exponential_like",
                  "poisson_like", "negative_binomial_like",
                  "generalized_negative_binomial_like"]


@pytest.mark.parametrize("function", LIKE_FUNCTIONS)
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_like_samplers_take_shape_and_dtype_of_data(function, dtype):
    op = get_op(f"_random_{function}")
    assert op.random is True and op.input_names == ("data",)
    data = mx.nd.full((3, 4), 7.0, dtype=dtype)
    values = getattr(mx.nd.random, function)(data)
    assert values.shape == (3, 4) and values.dtype == np.dtype(dtype)
    assert function in mx.nd.random.__all__ and function in mx.sym.random.__all__


@pytest.mark.parametrize("function", LIKE_FUNCTIONS)
def test_like_samplers_reject_integer_data_as_mxnet(function):
    with pytest.raises(MXNetError, match="floating point, got int32"):
        getattr(mx.nd.random, function)(mx.nd.zeros((2,), dtype="int32"))


def test_like_samplers_draw_their_distributions():
    data = mx.nd.zeros((N,), dtype="float64")
    uniform = mx.nd.random.uniform_like(data, low=2, high=4).asnumpy()
    assert uniform.min() >= 2 and uniform.max() < 4
    assert abs(uniform.mean() - 3) < 0.02
    normal = mx.nd.random.normal_like(data, loc=1, scale=2).asnumpy()
    assert abs(normal.mean() - 1) < 0.1 and abs(normal.std() - 2) < 0.1
    gamma = mx.nd.random.gamma_like(data, alpha=2, beta=3).asnumpy()
    assert abs(gamma.mean() - 6) < 0.25
    exponential = mx.nd.random.exponential_like(data, lam=4).asnumpy()
    assert abs(exponential.mean() - 0.25) < 0.01      # a rate, unlike exponential()
    poisson = mx.nd.random.poisson_like(data, lam=3).asnumpy()
    assert abs(poisson.mean() - 3) < 0.1 and abs(poisson.var() - 3) < 0.3
    binomial = mx.nd.random.negative_binomial_like(data, k=3, p=0.4).asnumpy()
    assert abs(binomial.mean() - 4.5) < 0.2
    general = mx.nd.random.generalized_negative_binomial_like(data, mu=2,
                                                              alpha=0.5).asnumpy()
    assert abs(general.mean() - 2) < 0.1 and abs(general.var() - 4) < 0.6


def test_like_sampler_repeats_after_seeding_and_gives_a_zero_gradient():
    data = mx.nd.ones((5,))
    mx.random.seed(3)
    first = mx.nd.random.normal_like(data).asnumpy()
    mx.random.seed(3)
    np.testing.assert_array_equal(mx.nd.random.normal_like(data).asnumpy(), first)
    data.attach_grad()
    with mx.autograd.record():
        noisy = data * 2 + mx.nd.random.uniform_like(data)
    noisy.backward()
    np.testing.assert_array_equal(data.grad.asnumpy(), np.full(5, 2.0))


@pytest.mark.parametrize("call, message", [
    (lambda x: mx.nd.random.uniform_like(x, low=2, high=1), "low must be <= high"),
    (lambda x: mx.nd.random.normal_like(x, scale=0), "scale must be > 0"),
    (lambda x: mx.nd.random.gamma_like(x, alpha=-1), "alpha and beta must be > 0"),
    (lambda x: mx.nd.random.exponential_like(x, lam=-1), "lam"),
    (lambda x: mx.nd.random.poisson_like(x, lam=-1), "lam must be >= 0"),
    (lambda x: mx.nd.random.negative_binomial_like(x, k=-1), "k must be >= 0"),
    (lambda x: mx.nd.random.negative_binomial_like(x, k=1.5), "expected an integer"),
    (lambda x: mx.nd.random.generalized_negative_binomial_like(x, mu=-1),
     "mu must be >= 0"),
    (lambda x: mx.nd.random.uniform_like(x, shape=(3,)), "unknown attribute 'shape'"),
])
def test_like_sampler_errors_match_mxnet(call, message):
    with pytest.raises(MXNetError, match=message):
        call(mx.nd.ones((2,)))


def test_sym_like_samplers_are_named_like_mxnet_and_store_given_attributes():
    with mx.name.NameManager():
        node = mx.sym.random.uniform_like(mx.sym.var("x"), low=2, high=3)
        assert node.name == "uniform_like0"
        assert node.list_attr() == {"low": "2", "high": "3"}
        assert mx.sym.random.gamma_like().list_arguments() == ["gamma_like0_data"]
    assert node.infer_shape(x=(2, 3))[1] == [(2, 3)]
    assert node.infer_type(x="float64")[1] == [np.float64]
    executor = node.bind(mx.cpu(), {"x": mx.nd.zeros((200,))})
    values = executor.forward()[0].asnumpy()
    assert values.min() >= 2 and values.max() < 3
