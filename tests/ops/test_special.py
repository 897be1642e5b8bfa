"""Hand-written tests for dlkit/ops/special.py (goldens: tests/golden/ops_lrn.json for
erf, tests/golden/ops_special.json for gamma, gammaln and erfinv)."""
import math

import numpy as np
import pytest

import dlkit as mx
from dlkit.ops.special import _digamma


def test_erf_matches_the_standard_library_in_both_tails(ctx):
    values = [-4.0, -1.0, -0.1, 0.0, 0.3, 2.0, 6.0]
    out = mx.nd.erf(mx.nd.array(values, ctx=ctx, dtype="float64"))
    np.testing.assert_allclose(out.asnumpy(), [math.erf(v) for v in values], atol=2e-7)
    assert mx.nd.erf(mx.nd.zeros(2, ctx=ctx)).dtype == np.float32


def _away_from_poles(low, high, count):
    values = np.linspace(low, high, count)
    return values[np.abs(values - np.round(values)) > 1e-3]


def test_gammaln_matches_the_standard_library_over_its_domain(ctx):
    values = np.concatenate([_away_from_poles(-60.3, 200, 5001),
                             np.geomspace(1e-6, 1e8, 300)])
    out = mx.nd.gammaln(mx.nd.array(values, ctx=ctx, dtype="float64")).asnumpy()
    expected = np.array([math.lgamma(v) for v in values])
    np.testing.assert_allclose(out, expected, rtol=1e-13, atol=1e-13)


def test_gamma_matches_the_standard_library_with_its_sign(ctx):
    values = _away_from_poles(-40.5, 170, 4001)
    out = mx.nd.gamma(mx.nd.array(values, ctx=ctx, dtype="float64")).asnumpy()
    np.testing.assert_allclose(out, [math.gamma(v) for v in values], rtol=1e-12)


def test_gamma_of_small_whole_numbers_is_the_exact_factorial(ctx):
    whole = np.arange(1, 16)
    out = mx.nd.gamma(mx.nd.array(whole, ctx=ctx, dtype="float64")).asnumpy()
    assert out.tolist() == [float(math.factorial(n - 1)) for n in whole]


def test_gamma_poles_signed_zero_and_infinities_follow_mxnet(ctx):
    x = mx.nd.array([-2.0, -1.0, -0.0, 0.0, np.inf, -np.inf, np.nan], ctx=ctx)
    np.testing.assert_array_equal(mx.nd.gamma(x).asnumpy(),
                                  [np.nan, np.nan, -np.inf, np.inf, np.inf, np.nan,
                                   np.nan])
    np.testing.assert_array_equal(mx.nd.gammaln(x).asnumpy(),
                                  [np.inf] * 6 + [np.nan])


def test_gamma_underflows_to_zero_with_the_right_sign(ctx):
    x = mx.nd.array([-170.5, -171.5, -200.5], ctx=ctx)
    assert np.signbit(mx.nd.gamma(x).asnumpy()).tolist() == [True, False, True]
    tiny = mx.nd.gamma(x.astype("float64")).asnumpy()
    np.testing.assert_allclose(tiny[:2], [-3.312739522e-308, 1.931626543e-310],
                               rtol=1e-6)


@pytest.mark.filterwarnings("ignore:divide by zero")   # tan(pi x) = 0 at whole x
def test_digamma_matches_known_values_and_differences_of_lgamma():
    np.testing.assert_allclose(_digamma(np, np.array([1.0, 0.5, -0.5])),
                               [-0.5772156649015329, -1.9635100260214235,
                                0.03648997397857652], rtol=1e-12)
    values = _away_from_poles(-30.5, 150, 2001)
    step = 1e-6
    slopes = [(math.lgamma(v + step) - math.lgamma(v - step)) / (2 * step)
              for v in values]
    np.testing.assert_allclose(_digamma(np, values), slopes, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype, pole_slope", [("float32", np.inf),
                                               ("float64", np.finfo(np.float64).max)])
def test_gammaln_gradient_at_a_pole_is_mxnets_largest_double(ctx, dtype, pole_slope):
    x = mx.nd.array([-2.0, 0.0, 1.0], ctx=ctx, dtype=dtype)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.gammaln(x)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(),
                               [pole_slope, pole_slope, -0.5772156649], rtol=1e-7)


def test_erfinv_inverts_erf_to_float32_resolution(ctx):
    values = np.concatenate([np.linspace(-0.999, 0.999, 2001),
                             1 - np.geomspace(1e-7, 1e-3, 50)])
    out = mx.nd.erfinv(mx.nd.array(values, ctx=ctx, dtype="float64")).asnumpy()
    np.testing.assert_allclose([math.erf(v) for v in out], values, rtol=0, atol=2e-7)


def test_erfinv_is_infinite_at_one_and_nan_beyond(ctx):
    x = mx.nd.array([-2.0, -1.0, 0.0, 1.0, 2.0, np.inf], ctx=ctx)
    np.testing.assert_array_equal(mx.nd.erfinv(x).asnumpy(),
                                  [np.nan, -np.inf, 0.0, np.inf, np.nan, np.nan])


def test_integer_inputs_give_results_cut_toward_zero_as_in_mxnet(ctx):
    data = mx.nd.array([-1, 0, 1, 4, 5, 14], ctx=ctx, dtype="int32")
    smallest = np.iinfo(np.int32).min
    assert mx.nd.gamma(data).asnumpy().tolist() == [smallest, smallest, 1, 6, 24,
                                                    smallest]   # 13! overflows int32
    assert mx.nd.gammaln(data).asnumpy().tolist() == [smallest, smallest, 0, 1, 3, 22]
    # MXNet: +-1 (infinite) give the smallest int, beyond +-1 (NaN) gives 0
    erfinv = mx.nd.erfinv(mx.nd.array([-2, -1, 0, 1, 3], ctx=ctx, dtype="int64"))
    assert erfinv.asnumpy().tolist() == [0, np.iinfo(np.int64).min, 0,
                                         np.iinfo(np.int64).min, 0]
    # narrower integers wrap what int32 holds: 6! = 720 is 208 in uint8, inf is 0
    uint8 = mx.nd.gamma(mx.nd.array([0, 4, 7], ctx=ctx, dtype="uint8"))
    assert uint8.dtype == np.uint8 and uint8.asnumpy().tolist() == [0, 6, 208]


def test_float16_is_computed_in_float64_and_rounded_once(ctx):
    out = mx.nd.gamma(mx.nd.array([0.5, 8.0, 9.0], ctx=ctx, dtype="float16"))
    assert out.dtype == np.float16
    assert out.asnumpy().tolist() == [np.float16(math.sqrt(math.pi)), 5040.0, 40320.0]


def test_erf_and_erfinv_keep_float64_accuracy(ctx):
    # MXNet 1.9.1's float64 results (a float32-accurate formula is off by 1e-7 and
    # doubles erf(1e-9))
    x = mx.nd.array([1e-9, 0.3, 1.99, -2.9, 3.5], ctx=ctx, dtype="float64")
    np.testing.assert_allclose(mx.nd.erf(x).asnumpy(), [
        1.1283791670955127e-09, 0.3286267594591274, 0.995111413199617,
        -0.9999589021219005, 0.9999992569016276], rtol=1e-14)
    x = mx.nd.array([1e-9, 0.7, 0.9999999, -0.99], ctx=ctx, dtype="float64")
    np.testing.assert_allclose(mx.nd.erfinv(x).asnumpy(), [
        8.86226925452758e-10, 0.7328690779592171, 3.7665625817811264,
        -1.8213863677184496], rtol=1e-10)   # MXNet's tail is 4e-11 off the true value
