"""``gluon.data.vision``: image datasets and transforms."""
from . import transforms
from .datasets import *  # noqa: F401,F403
