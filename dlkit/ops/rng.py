"""Random number state shared by the random operators, one generator per array module.

``mx.random.seed(s)`` reseeds them all, so a seeded program draws the same numbers on
every run. (The numbers differ from MXNet's: its generator is not NumPy's.)
"""
import numpy as np

__all__ = ["seed", "generator"]

_seed = None
_generators = {}


def seed(seed_state):
    """Reseed every generator (NumPy now, CuPy on next use)."""
    global _seed
    _seed = int(seed_state)
    _generators.clear()


def generator(xp):
    """The random generator for array module ``xp`` (NumPy or CuPy)."""
    found = _generators.get(xp.__name__)
    if found is None:
        if xp is np:
            found = np.random.default_rng(_seed)
        else:
            found = xp.random.default_rng(_seed)
        _generators[xp.__name__] = found
    return found
