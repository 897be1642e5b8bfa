"""A drawing-neutral description of a graph picture, and the choice of who draws it.

``plot_network``, ``plot_autograd`` and the widgets all describe their picture as a
``GraphSpec``: nodes (name, label, graphviz attributes such as ``fillcolor`` and
``shape``) and edges (tail, head, label). Two painters read it:

    GraphSpec --> DotGraph (a graphviz.Digraph; the ``dot`` program lays it out)
              \\-> svg_layout.to_svg (dlkit's own layered layout; no system program)

Edges follow MXNet's convention: ``tail`` is the consumer, ``head`` the input, drawn
with ``dir=back`` so the arrow points from the input up to the consumer.
"""

import shutil
import warnings

__all__ = ["GraphSpec", "dot_available", "warn_dot_missing", "make_graph",
           "GraphvizMissingWarning"]

INSTALL_HINT = (
    "the 'dot' program of Graphviz was not found, so dlkit drew this graph "
    "with its own simpler layout. For graphviz's nicer pictures install it: "
    "'apt-get install graphviz' (Debian/Ubuntu, Binder's apt.txt), "
    "'brew install graphviz' (macOS) or 'conda install graphviz'."
)


class GraphvizMissingWarning(UserWarning):
    """Issued once per session when ``dot`` is missing and dlkit draws graphs itself."""


class GraphSpec:
    """Nodes and edges of one picture.

    ``nodes``: dicts ``{"name", "label", "attrs"}``; ``edges``: dicts ``{"tail", "head",
    "label", "attrs"}``. An edge may name a node that was never declared (MXNet does
    this for weights when ``hide_weights=False``); painters draw such a node as a plain
    oval. ``details`` maps a node name to extra facts the widgets show (op, attributes,
    shapes).
    """

    def __init__(self, name="plot"):
        self.name = name
        self.nodes = []
        self.edges = []
        self.details = {}

    def add_node(self, name, label, **attrs):
        self.nodes.append({"name": name, "label": label, "attrs": attrs})

    def add_edge(self, tail, head, label="", **attrs):
        self.edges.append({"tail": tail, "head": head, "label": label, "attrs": attrs})

    def node_names(self):
        """Declared nodes, then nodes only named by edges, in order of appearance."""
        names = [node["name"] for node in self.nodes]
        seen = set(names)
        for edge in self.edges:
            for name in (edge["tail"], edge["head"]):
                if name not in seen:
                    seen.add(name)
                    names.append(name)
        return names

    def highlight(self, name, color="red"):
        """Draw node ``name`` with a thick border (a shape error's failing node)."""
        for node in self.nodes:
            if node["name"] == name:
                node["attrs"].update(color=color, penwidth="3")

    def to_svg(self):
        """This graph as SVG text, laid out by dlkit (no ``dot`` needed)."""
        from .svg_layout import to_svg
        return to_svg(self)


_warned = [False]


def dot_available():
    """True when Graphviz's ``dot`` program is on the PATH."""
    return shutil.which("dot") is not None


def warn_dot_missing():
    """Say once per session that ``dot`` is missing and how to get it."""
    if not _warned[0]:
        _warned[0] = True
        warnings.warn(INSTALL_HINT, GraphvizMissingWarning, stacklevel=3)


def make_graph(spec, save_format="pdf"):
    """A ``DotGraph`` (graphviz.Digraph) for ``spec``, or a ``FallbackGraph`` when the
    ``graphviz`` Python package itself is not installed."""
    try:
        from .dotgraph import DotGraph
    except ImportError:
        from .fallback import FallbackGraph
        return FallbackGraph(spec, save_format)
    return DotGraph(spec, save_format)
