"""Hand-written tests for dlkit/ops/special.py (goldens: tests/golden/ops_lrn.json)."""
import math

import numpy as np

import dlkit as mx


def test_erf_matches_the_standard_library_in_both_tails(ctx):
    values = [-4.0, -1.0, -0.1, 0.0, 0.3, 2.0, 6.0]
    out = mx.nd.erf(mx.nd.array(values, ctx=ctx, dtype="float64"))
    np.testing.assert_allclose(out.asnumpy(), [math.erf(v) for v in values], atol=2e-7)
    assert mx.nd.erf(mx.nd.zeros(2, ctx=ctx)).dtype == np.float32
