"""``gluon.contrib.data``: IntervalSampler.

MXNet 1.9.1 also lists ``contrib.data.text`` (WikiText2, WikiText103), datasets that
download from the internet; dlkit leaves them out (its lessons use no downloads).
"""
from . import sampler
from .sampler import *  # noqa: F401,F403
