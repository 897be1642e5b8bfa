"""Symbol JSON, byte for byte MXNet 1.9.1's format (``-symbol.json`` files).

    {"nodes": [{"op": "null", "name": "data", "inputs": []},
               {"op": "FullyConnected", "name": "fc1", "attrs": {"num_hidden": "128"},
                "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]}, ...],
     "arg_nodes": [0, 1, 2],            # the variable nodes
     "node_row_ptr": [0, 1, 2, 3, 4],   # running count of outputs (hidden ones too)
     "heads": [[3, 0, 0]],              # the symbol's outputs
     "attrs": {"mxnet_version": ["int", 10901]}}

An input is ``[node index, output index, version]``; MXNet writes version 1 for a
variable used as an auxiliary state (it is mutated). Attributes are the strings the user
gave, never defaults. Loading never evaluates them: each op parses its own attributes
with the registry's attribute types. Files from older MXNet (``"param"``/``"attr"``
keys, two-element inputs) load too.
"""
import json

from ..base import MXNetError
from ..ops.registry import get_op
from .graph import Node, auxiliary_nodes, stored_key, topological_nodes
from .symbol import Symbol

__all__ = ["tojson", "load_json", "load"]

MXNET_VERSION = 10901


# --------------------------------------------------------------------------------------
# Writing, in dmlc's JSONWriter layout (2-space indent, ", " + newline between items).
# --------------------------------------------------------------------------------------
def _string(text):
    return json.dumps(text)


def _attrs_text(attrs, indent):
    items = [f"{_string(k)}: {_string(attrs[k])}" for k in sorted(attrs)]
    if len(items) == 1:
        return "{" + items[0] + "}"
    inner = " " * (indent + 2)
    return "{\n" + ", \n".join(inner + item
                               for item in items) + "\n" + " " * indent + "}"


def _list_text(items, indent):
    """dmlc writes a list of more than 10 items one item per line."""
    if len(items) <= 10:
        return "[" + ", ".join(items) + "]"
    inner = " " * (indent + 2)
    return "[\n" + ", \n".join(inner + item
                               for item in items) + "\n" + " " * indent + "]"


def _entries_text(entries, indent):
    return _list_text(["[" + ", ".join(str(v) for v in e) + "]" for e in entries],
                      indent)


def tojson(symbol):
    """The JSON text of ``symbol``, identical to what MXNet 1.9.1 writes."""
    nodes = topological_nodes(symbol._outputs)
    index = {id(node): position for position, node in enumerate(nodes)}
    aux = auxiliary_nodes(nodes)
    node_texts, row_ptr = [], [0]
    for node in nodes:
        lines = [f'"op": {_string("null" if node.op is None else node.op.name)}',
                 f'"name": {_string(node.name)}']
        if node.attrs:
            lines.append(f'"attrs": {_attrs_text(node.attrs, 6)}')
        entries = [[index[id(src)], i, 1 if id(src) in aux else 0] for src,
                   i in node.inputs]
        lines.append(f'"inputs": {_entries_text(entries, 6)}')
        node_texts.append("    {\n" + ", \n".join("      " + line for line in lines)
                          + "\n    }")
        row_ptr.append(row_ptr[-1] + node.num_outputs())
    arg_nodes = [position for position, node in enumerate(nodes) if node.op is None]
    heads = [[index[id(node)], i, 0] for node, i in symbol._outputs]
    parts = ['"nodes": [\n' + ", \n".join(node_texts) + "\n  ]",
             f'"arg_nodes": {_list_text([str(v) for v in arg_nodes], 2)}',
             f'"node_row_ptr": {_list_text([str(v) for v in row_ptr], 2)}',
             f'"heads": {_entries_text(heads, 2)}',
             f'"attrs": {{"mxnet_version": ["int", {MXNET_VERSION}]}}']
    return "{\n" + ", \n".join("  " + part for part in parts) + "\n}"


# --------------------------------------------------------------------------------------
# Reading.
# --------------------------------------------------------------------------------------
def _fail(message):
    raise MXNetError(f"load_json: {message}")


def _node_attrs(record, position):
    attrs = {}
    for key in ("param", "attr", "attrs"):  # old files split params and extra attrs
        value = record.get(key, {})
        if not isinstance(value, dict):
            _fail(f"node {position}: {key!r} must be an object of strings")
        attrs.update({stored_key(str(k)): str(v) for k, v in value.items()})
    return attrs


def _make_node(record, position, nodes):
    if not isinstance(record, dict) or "op" not in record or "name" not in record:
        _fail(f"node {position} must be an object with 'op', 'name' and 'inputs'")
    name, op_name = record["name"], record["op"]
    attrs = _node_attrs(record, position)
    inputs = []
    for entry in record.get("inputs", []):
        if not isinstance(entry, list) or len(entry) not in (2, 3) or \
                not all(isinstance(v, int) for v in entry):
            _fail(f"node {name!r}: input {entry!r} must be [node, index, version]")
        source, index = entry[0], entry[1]
        if not 0 <= source < position:
            _fail(f"node {name!r}: input {entry!r} refers to node {source}, but only "
                  f"nodes 0..{position - 1} come before it")
        if not 0 <= index < nodes[source].num_outputs():
            _fail(f"node {name!r}: input {entry!r} asks for output {index} of node "
                  f"{nodes[source].name!r}, which has {nodes[source].num_outputs()}")
        inputs.append((nodes[source], index))
    if op_name == "null":
        return Node(None, name, attrs)
    try:
        op = get_op(op_name)
    except MXNetError:
        _fail(f"node {name!r} uses operator {op_name!r}, which dlkit does not have")
    try:
        node = Node(op, name, attrs, inputs)
    except MXNetError as error:
        _fail(f"node {name!r}: {error}")
    expected = node.input_names()
    if len(inputs) != len(expected):
        _fail(f"node {name!r} ({op_name}) has {len(inputs)} inputs but the operator "
              f"with these attributes takes {len(expected)}: {expected}")
    return node


def load_json(json_str):
    """A Symbol from MXNet JSON text (``mx.sym.load_json``).

    Example
    -------
    >>> x = mx.sym.Variable("x")
    >>> mx.sym.load_json((x + 1).tojson()).list_arguments()
    ['x']
    """
    try:
        graph = json.loads(json_str)
    except (TypeError, ValueError) as error:
        _fail(f"the text is not valid JSON ({error})")
    if not isinstance(graph, dict) or not isinstance(graph.get("nodes"), list) or \
            not isinstance(graph.get("heads"), list):
        _fail("expected an object with a 'nodes' list and a 'heads' list")
    nodes = []
    for position, record in enumerate(graph["nodes"]):
        nodes.append(_make_node(record, position, nodes))
    outputs = []
    for head in graph["heads"]:
        if not isinstance(head, list) or len(head) not in (2, 3) or \
                not 0 <= head[0] < len(nodes) or \
                not 0 <= head[1] < nodes[head[0]].num_outputs():
            _fail(f"head {head!r} does not name an existing node output")
        outputs.append((nodes[head[0]], head[1]))
    if not outputs:
        _fail("the graph has no heads (outputs)")
    return Symbol(outputs)


def load(fname):
    """A Symbol from a ``-symbol.json`` file (``mx.sym.load``)."""
    with open(fname) as handle:
        return load_json(handle.read())
