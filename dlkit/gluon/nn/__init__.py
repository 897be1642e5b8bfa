"""``gluon.nn``: neural-network layers, each a thin Block around registry ops."""
from .activations import *  # noqa: F401,F403
from .basic_layers import *  # noqa: F401,F403
from .conv_layers import *  # noqa: F401,F403
