"""``gluon.nn``: neural-network layers, each a thin Block around registry ops.

``Block``, ``HybridBlock`` and ``SymbolBlock`` are re-exported here, as in MXNet
(``gluon.nn.Block`` is ``gluon.Block``), for code that subclasses ``nn.Block``.
"""
from ..block import Block  # noqa: F401  (re-exported, as in MXNet)
from ..hybrid_block import HybridBlock, SymbolBlock  # noqa: F401
from .activations import *  # noqa: F401,F403
from .basic_layers import *  # noqa: F401,F403
from .conv_layers import *  # noqa: F401,F403
