"""``plot_autograd``: the tape ``autograd.record()`` left behind an NDArray, drawn.

Every NDArray computed while recording remembers its producer in ``y._entry =
(TapeNode, output_index)``; a ``TapeNode`` knows its op and where each input came from
(``parents``: an earlier node, a leaf that called ``attach_grad``, or ``None`` for a
constant). Walking those links from ``y`` gives the graph ``backward`` will traverse::

        y = (x * w).sum()            sum        <- y (output, top)
                                      |
                                    _mul
                                   /    \\
                                  x      w     <- leaves (ovals); .grad after backward

Call it before ``y.backward()`` to see the tape, or after
``y.backward(retain_graph=True)`` with ``grads=True`` to see each leaf's gradient.
``backward`` without ``retain_graph`` frees the tape's arrays; the structure is still
drawn, without values.
"""

from ..base import MXNetError
from .graph_spec import GraphSpec, make_graph
from .network import PALETTE, op_label_and_color

__all__ = ["plot_autograd", "autograd_spec"]


def _describe(values, limit=4):
    """A short text for an array: its values when tiny, else its shape and mean."""
    if values is None:
        return "(freed)"
    import numpy as np
    array = (
        values.get()
        if hasattr(values, "get") and not isinstance(values, np.ndarray)
        else np.asarray(values)
    )
    if array.size <= limit:
        return "[" + " ".join(f"{v:.3g}" for v in array.ravel()) + "]"
    shape = "x".join(str(d) for d in array.shape)
    return f"{shape} mean {array.mean():.3g}"


class _Walker:
    """Collects the tape nodes and leaves reachable from an NDArray into a GraphSpec."""

    def __init__(self, names, values, grads):
        self.spec = GraphSpec("autograd")
        self.leaf_names = {id(array): name for name, array in (names or {}).items()}
        self.values = values
        self.grads = grads
        self.done = {}
        self.leaf_count = 0

    def leaf(self, array):
        key = id(array)
        if key not in self.done:
            name = self.leaf_names.get(key, f"leaf{self.leaf_count}")
            self.leaf_count += 1
            self.done[key] = name
            label = name
            if self.values:
                label += "\n" + _describe(array._data)
            if self.grads:
                grad = array.grad
                label += "\ngrad " + (_describe(grad._data) if grad is not None
                                       else "none")
            self.spec.add_node(name, label, shape="oval", style="filled",
                               fillcolor=PALETTE[0])
        return self.done[key]

    def constant(self, tail, position, array):
        name = f"{tail}_const{position}"
        label = "constant" + ("\n" + _describe(array) if self.values else "")
        self.spec.add_node(name, label, shape="oval", style="dashed")
        return name

    def node(self, tape_node):
        key = id(tape_node)
        if key in self.done:
            return self.done[key]
        name = f"{tape_node.op.name}{len(self.done)}"
        self.done[key] = name
        attrs = {k: str(v) for k, v in tape_node.attrs.items()}
        label, color = op_label_and_color(tape_node.op.name, tape_node.op.name, attrs)
        if self.values and tape_node.outputs is not None:
            label += "\n" + _describe(tape_node.outputs[0])
        self.spec.add_node(name, label, shape="box", style="filled", fillcolor=color)
        self.spec.details[name] = {"op": tape_node.op.name, "attrs": attrs,
                                   "freed": tape_node.freed}
        for position, parent in enumerate(tape_node.parents):
            if parent is None:
                inputs = tape_node.inputs
                value = inputs[position] if inputs is not None else None
                source = self.constant(name, position, value)
            elif parent[0] is None:
                source = self.leaf(parent[1])
            else:
                source = self.node(parent[0])
            self.spec.add_edge(name, source, arrowtail="open", dir="back")
        return name


def autograd_spec(y, names=None, values=True, grads=False):
    """The ``GraphSpec`` of the tape behind NDArray ``y`` (see ``plot_autograd``)."""
    if getattr(y, "_entry", None) is None:
        raise MXNetError(
            "plot_autograd: this NDArray has no recorded history; compute it "
            "inside 'with mx.autograd.record():' from arrays that called "
            "attach_grad()"
        )
    walker = _Walker(names, values, grads)
    walker.node(y._entry[0])
    return walker.spec


def plot_autograd(y, names=None, values=True, grads=False, save_format="svg"):
    """Draw the autograd graph behind ``y``: recorded ops as boxes, leaves as ovals.

    Parameters
    ----------
    y : NDArray
        A result computed under ``autograd.record()``.
    names : dict of str to NDArray, optional
        Names for leaves (``{'x': x, 'w': w}``); others are called ``leaf0``, ``leaf1``.
    values : bool
        Show each node's (first) output: its values when tiny, else shape and mean.
    grads : bool
        Show each leaf's ``.grad`` (call after ``y.backward(retain_graph=True)``).

    Returns
    -------
    graphviz.Digraph
        (or dlkit's ``FallbackGraph`` where the graphviz package is missing)

    Example
    -------
    >>> x = mx.nd.array([1, 2]); x.attach_grad()
    >>> with mx.autograd.record():
    ...     y = (x * x).sum()
    >>> mx.viz.plot_autograd(y, names={'x': x})  # doctest: +SKIP
    """
    return make_graph(autograd_spec(y, names, values, grads), save_format)
