"""mx.viz: pictures of networks (``plot_network``), their layer table
(``print_summary``) and dlkit's addition, the autograd tape (``plot_autograd``).

Files: ``network.py`` (MXNet's drawing rules), ``summary.py`` (the table),
``autograd_graph.py`` (the tape), ``graph_spec.py`` (a drawing-neutral graph and the
choice of painter), ``dotgraph.py`` (a ``graphviz.Digraph`` that falls back when the
``dot`` program is missing), ``svg_layout.py`` (dlkit's own layered layout) and
``fallback.py``. The ``graphviz`` and ``matplotlib`` packages are imported only when a
picture is made, so ``import dlkit`` stays fast.
"""
from .autograd_graph import plot_autograd
from .network import plot_network
from .summary import print_summary

__all__ = ["plot_network", "print_summary", "plot_autograd"]
