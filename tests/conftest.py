"""Shared fixtures: ``xp_ctx`` runs a test on cpu and, when CuPy sees a GPU, on gpu(0)."""
import numpy as np
import pytest

import dlkit as mx

CONTEXTS = [pytest.param(mx.cpu(), id="cpu")]
if mx.num_gpus() > 0:
    CONTEXTS.append(pytest.param(mx.gpu(0), id="gpu"))
else:
    CONTEXTS.append(pytest.param(mx.gpu(0), id="gpu",
                                 marks=pytest.mark.skip(reason="no CuPy GPU")))


@pytest.fixture(params=CONTEXTS)
def ctx(request):
    """Each array test runs once per available context (cpu always, gpu when present)."""
    return request.param


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same random state."""
    np.random.seed(0)
    mx.random.seed(0)
