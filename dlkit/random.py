"""``mx.random``: seeding and the samplers (the same functions as ``mx.nd.random``)."""

from .ndarray.random import *  # noqa: F401,F403
from .ops import rng as _rng


def seed(seed_state, ctx="all"):
    """Seed dlkit's random generators so that runs repeat exactly.

    Differs from MXNet: the numbers drawn differ from MXNet's (another generator);
    ``ctx`` is accepted and every context is reseeded.
    """
    _rng.seed(seed_state)
