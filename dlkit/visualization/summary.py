"""``print_summary``: MXNet's layer table, printed as text.

Columns: Layer (type), Output Shape, Param #, Previous Layer.

Like MXNet 1.9.1 it walks ``symbol.tojson()`` node by node and prints one row per op
(and for the first variable), then the total parameter count. Parameter counts are
derived from attributes and the *input's* shape, as MXNet does, for Convolution,
FullyConnected, BatchNorm and Embedding; other ops count 0. The MXNet quirks the goldens
pin down are kept and marked below.
"""

import json
import re

from .network import as_symbol, shape_dicts

__all__ = ["print_summary"]


def _print_row(fields, positions):
    """One line: each field cut or padded to end at its column position."""
    line = ""
    for field, end in zip(fields, positions):
        line += str(field)
        line = line[:end]
        line += " " * (end - len(line))
    print(line)


def _output_key(node):
    return node["name"] if node["op"] == "null" else node["name"] + "_output"


def _param_count(node, input_width, shapes):
    """Parameters of one op node, from its attributes and its inputs' widths."""
    op, attrs = node["op"], node.get("attrs", {})
    with_bias = attrs.get("no_bias") not in ("True", "true", "1")
    if op == "Convolution":
        count = (
            input_width * int(attrs["num_filter"]) // int(attrs.get("num_group", "1"))
        )
        for size in re.findall(r"\d+", attrs["kernel"]):
            count *= int(size)
        return count + (int(attrs["num_filter"]) if with_bias else 0)
    if op == "FullyConnected":
        return (input_width + with_bias) * int(attrs["num_hidden"])
    if op == "BatchNorm":
        if shapes is None:
            return 0
        return int(shapes[_output_key(node)][1]) * 2  # gamma and beta (aux not counted)
    if op == "Embedding":
        return int(attrs["input_dim"]) * int(attrs["output_dim"])
    return 0


def _layer_row(node, nodes, heads, shapes, positions):
    """Print one layer's row(s); return its parameter count."""
    previous = []
    input_width = 0
    if node["op"] != "null":
        for index, *_ in node["inputs"]:
            source = nodes[index]
            # MXNet quirk: ``heads`` is the first head entry [node, index, version]
            # taken as a set, so variable node 0 (usually ``data``) counts as a
            # previous layer.
            if source["op"] != "null" or index in heads:
                previous.append(source["name"])
                key = _output_key(source)
                if shapes is not None and key in shapes:
                    input_width += int(shapes[key][1])
    count = _param_count(node, input_width, shapes)
    out_shape = ()
    if shapes is not None and _output_key(node) in shapes:
        out_shape = shapes[_output_key(node)][1:]
    _print_row([f"{node['name']}({node['op']})", "x".join(str(d) for d in out_shape),
                count, previous[0] if previous else ""], positions)
    for name in previous[1:]:
        _print_row(["", "", "", name], positions)
    return count


def print_summary(symbol, shape=None, line_length=120, positions=[.44, .64, .74, 1.]):
    """Print a table of the network's layers, output shapes and parameter counts.

    Parameters
    ----------
    symbol : Symbol or gluon.HybridBlock
        The network; a block is traced on ``mx.sym.var(name)`` for each name in
        ``shape`` (``'data'`` without it).
    shape : dict of str to tuple, optional
        Input shapes; without them shapes and BatchNorm/layer-input counts are left
        empty.
    line_length : int
        Width of the table in characters.
    positions : list of float or int
        Where each column ends: fractions of ``line_length`` or absolute positions.

    Example
    -------
    >>> net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=10, name='fc')
    >>> mx.viz.print_summary(net, shape={'data': (1, 5)})  # doctest: +SKIP

    Differs from MXNet: also accepts a Gluon HybridBlock.
    """
    symbol = as_symbol(symbol, shape)
    if shape is not None and not isinstance(shape, dict):
        raise TypeError(f"shape must be a dict of input name to shape, got {shape!r}")
    shapes, _ = shape_dicts(symbol, shape)
    graph = json.loads(symbol.tojson())
    nodes = graph["nodes"]
    heads = set(graph["heads"][0])
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    print("_" * line_length)
    _print_row(["Layer (type)", "Output Shape", "Param #", "Previous Layer"], positions)
    print("=" * line_length)
    total = 0
    for index, node in enumerate(nodes):
        if node["op"] == "null" and index > 0:
            continue
        total += _layer_row(node, nodes, heads, shapes, positions)
        print("=" * line_length if index == len(nodes) - 1 else "_" * line_length)
    print(f"Total params: {total}")
    print("_" * line_length)
