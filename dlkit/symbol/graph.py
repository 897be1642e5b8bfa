"""Graph nodes and the walks every Symbol method shares.

A ``Node`` is one vertex of the computation graph: a variable (``op is None``) or one
call of a registered op. Its ``attrs`` are strings exactly as Symbol JSON stores them
(``{"num_hidden": "128", "__lr_mult__": "2"}``); ``params`` are the op's attributes
parsed once from those strings. ``inputs`` are entries ``(node, output_index)``.

A symbol is a list of such entries (its outputs); everything else is found by walking
the graph from them (``topological_nodes``).
"""
from ..attribute import HIDDEN_KEYS
from ..base import MXNetError
from ..ops.registry import Dtype

__all__ = ["Node", "topological_nodes", "stored_key", "attr_text", "auxiliary_nodes"]


class Node:
    """One graph vertex: a variable or an op call (see the module docstring)."""
    __slots__ = ("op", "name", "attrs", "inputs", "params")

    def __init__(self, op, name, attrs, inputs=(), params=None):
        self.op = op
        self.name = name
        self.attrs = attrs
        self.inputs = list(inputs)
        if op is not None and params is None:
            params = op.parse_attrs(op.own_attrs(attrs))
        self.params = params

    @property
    def is_variable(self):
        return self.op is None

    def input_names(self):
        """The op's input names for this node's attributes (``data, weight, bias``)."""
        return self.op.list_inputs(self.params)

    def num_outputs(self):
        """Outputs ``forward`` returns, hidden ones included (1 for a variable)."""
        return 1 if self.op is None else self.op.num_outputs(self.params)

    def num_visible_outputs(self):
        return 1 if self.op is None else self.op.num_visible_outputs(self.params)

    def output_name(self, index):
        """``fc1_output``, ``sc_output1``, ``bn_mean``; a variable's name is its own."""
        if self.op is None:
            return self.name
        names = self.op.list_outputs(self.params)
        suffix = names[index] if index < len(names) else f"output{index}"
        return f"{self.name}_{suffix}"

    def __repr__(self):
        return f"<Node {self.name} ({self.op.name if self.op else 'variable'})>"


def topological_nodes(entries):
    """Every node reachable from ``entries``, inputs before users (MXNet's DFS order).

    Iterative, so a long unrolled RNN does not hit Python's recursion limit.
    """
    order, visited = [], set()
    for head, _ in entries:
        if id(head) in visited:
            continue
        visited.add(id(head))
        stack = [(head, 0)]
        while stack:
            node, position = stack.pop()
            if position < len(node.inputs):
                stack.append((node, position + 1))
                child = node.inputs[position][0]
                if id(child) not in visited:
                    visited.add(id(child))
                    stack.append((child, 0))
            else:
                order.append(node)
    return order


def auxiliary_nodes(nodes):
    """Ids of the variables that feed an auxiliary-state input (BatchNorm's moving
    statistics)."""
    aux = set()
    for node in nodes:
        if node.op is None:
            continue
        aux_names = node.op.aux_inputs(node.params)
        if not aux_names:
            continue
        for name, (source, _) in zip(node.input_names(), node.inputs):
            if name in aux_names and source.op is None:
                aux.add(id(source))
    return aux


def stored_key(key):
    """``lr_mult`` -> ``__lr_mult__`` for MXNet's hidden keys; other keys unchanged."""
    return f"__{key}__" if key in HIDDEN_KEYS else key


def attr_text(op, key, value):
    """The string MXNet writes for an attribute value: ``str(value)``, a dtype by name.
    """
    is_dtype = op is not None and key in op.attrs and op.attrs[key][0] is Dtype
    if is_dtype and value is not None:
        try:
            return Dtype.parse(value)
        except MXNetError:
            return str(value)
    return str(value)
