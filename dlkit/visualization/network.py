"""``plot_network``: a Symbol's graph drawn the way MXNet draws it.

The picture is read from ``symbol.tojson()``, exactly like MXNet, so node order, labels
and colours match MXNet 1.9.1 line for line (tests/golden/viz.json holds MXNet's DOT
sources). Each op node is a box coloured by its kind, with its key attributes in the
label::

    FullyConnected\\n128      Convolution\\n5x5/1x1, 20      Pooling\\nmax, 2x2/2x2

Variables are ovals; parameters (``*_weight``, ``*_bias``, BatchNorm's ``*_gamma`` ...)
are hidden unless ``hide_weights=False``. With ``shape`` every edge carries the shape of
the array flowing along it, without the batch axis (``20x24x24``).
"""
import json
import re
import warnings

from .graph_spec import GraphSpec, make_graph

__all__ = ["plot_network", "network_spec", "as_symbol", "looks_like_weight",
           "shape_dicts"]

# MXNet's palette (ColorBrewer Set3): variables, FC/conv, activations, BatchNorm,
# pooling, reshaping, softmax, everything else.
PALETTE = ("#8dd3c7", "#fb8072", "#ffffb3", "#bebada", "#80b1d3", "#fdb462",
           "#b3de69", "#fccde5")
NODE_ATTRS = {"shape": "box", "fixedsize": "true", "width": "1.3", "height": "0.8034",
              "style": "filled"}
WEIGHT_SUFFIXES = ("_weight", "_bias", "_beta", "_gamma", "_moving_var", "_moving_mean",
                   "_running_var", "_running_mean")


def looks_like_weight(name):
    """True for a variable MXNet treats as a parameter in pictures (``fc1_weight``)."""
    return name.endswith(WEIGHT_SUFFIXES)


def _numbers(text):
    """``'(5, 5)'`` -> ``'5x5'``: the digits of a tuple attribute joined by ``x``."""
    return "x".join(re.findall(r"\d+", text))


def op_label_and_color(op, name, attrs):
    """The label and fill colour MXNet gives an op node (see the module docstring)."""
    if op == "Convolution":
        stride = _numbers(attrs["stride"]) if "stride" in attrs else "1"
        return (f"Convolution\n{_numbers(attrs.get('kernel', ''))}/{stride}, "
                f"{attrs.get('num_filter', '')}", PALETTE[1])
    if op == "FullyConnected":
        return f"FullyConnected\n{attrs.get('num_hidden', '')}", PALETTE[1]
    if op == "BatchNorm":
        return name, PALETTE[3]
    if op in ("Activation", "LeakyReLU"):
        default = "leaky" if op == "LeakyReLU" else ""
        return f"{op}\n{attrs.get('act_type', default)}", PALETTE[2]
    if op == "Pooling":
        stride = _numbers(attrs["stride"]) if "stride" in attrs else "1"
        return (f"Pooling\n{attrs.get('pool_type', 'max')}, "
                f"{_numbers(attrs.get('kernel', ''))}/{stride}", PALETTE[4])
    if op in ("Concat", "Flatten", "Reshape"):
        return name, PALETTE[5]
    if op == "Softmax":
        return name, PALETTE[6]
    return name, PALETTE[7]


def as_symbol(graph, input_names=None):
    """``graph`` itself if it is a Symbol; a Gluon block traced on symbolic inputs.

    A block (hybridized or not) is called on ``sym.var(name)`` for each name in
    ``input_names`` (the keys of the ``shape`` dict the caller was given), ``data``
    when there are none, the way ``HybridBlock.export`` names one input. Its output
    is the network's Symbol (a ``Group`` when the block returns several).
    """
    if hasattr(graph, "tojson"):
        return graph
    if hasattr(graph, "collect_params"):
        from .. import symbol
        names = list(input_names or ["data"])
        try:
            result = graph(*[symbol.var(name) for name in names])
        except TypeError as error:
            raise TypeError(
                f"could not trace {type(graph).__name__} on the symbolic "
                f"inputs {names}: {error}. A block with several inputs needs "
                "one shape per input, in order: shape={'data0': ..., "
                "'data1': ...}"
            ) from error
        if isinstance(result, (list, tuple)):
            result = symbol.Group(list(result))
        return result
    raise TypeError(
        f"expected a Symbol or a Gluon HybridBlock, got {type(graph).__name__}"
    )


def shape_dicts(symbol, shape=None, dtype=None):
    """Inferred ``{internal output name: shape}``, ``{name: dtype name}`` (or None)."""
    internals = symbol.get_internals()
    names = internals.list_outputs()
    shapes = types = None
    if shape is not None:
        _, out_shapes, _ = internals.infer_shape(**shape)
        if out_shapes is None:
            raise ValueError("Input shape is incomplete")
        shapes = dict(zip(names, out_shapes))
    if dtype is not None:
        import numpy as np
        _, out_types, _ = internals.infer_type(**dtype)
        types = {n: np.dtype(t).name for n, t in zip(names, out_types)}
    return shapes, types


def _entry_key(node):
    """The internal-output name MXNet looks up for an edge leaving ``node``.

    Quirk kept from MXNet: a multi-output op with ``num_outputs`` is labelled with its
    *last* output's shape (``sl_output1``), whichever output the edge really carries.
    """
    if node["op"] == "null":
        return node["name"]
    key = node["name"] + "_output"
    if "num_outputs" in node.get("attrs", {}):
        key += str(int(node["attrs"]["num_outputs"]) - 1)
    return key


def _edge_label(node, shapes, types):
    key = _entry_key(node)
    label = ""
    if shapes is not None and key in shapes:
        label = "x".join(str(d) for d in shapes[key][1:])
    if types is not None and key in types:
        label += f"({types[key]})"
    return label


def network_spec(symbol, title="plot", shape=None, dtype=None, node_attrs=None,
                 hide_weights=True):
    """The ``GraphSpec`` ``plot_network`` draws; ``details`` feed the widgets."""
    nodes = json.loads(symbol.tojson())["nodes"]
    shapes, types = shape_dicts(symbol, shape, dtype)
    base_attrs = dict(NODE_ATTRS)
    base_attrs.update(node_attrs or {})
    spec = GraphSpec(title)
    hidden = set()
    seen = set()
    for node in nodes:
        name, attrs = node["name"], dict(base_attrs)
        if node["op"] == "null":
            if looks_like_weight(name):
                if hide_weights:
                    hidden.add(name)
                continue  # shown (if at all) as graphviz's implicit node of the edge
            attrs.update(shape="oval", fillcolor=PALETTE[0])
            label = name
        else:
            label, attrs["fillcolor"] = op_label_and_color(node["op"], name,
                                                           node.get("attrs", {}))
        if name in seen:
            warnings.warn(
                "There are multiple variables with the same name in your graph, "
                f"this may result in cyclic graph. Repeated names: {name}",
                RuntimeWarning,
                stacklevel=3,
            )
        seen.add(name)
        spec.add_node(name, label, **attrs)
        spec.details[name] = {"op": node["op"], "attrs": node.get("attrs", {}),
                              "inputs": [nodes[i[0]]["name"] for i in node["inputs"]]}
    for node in nodes:
        if node["op"] == "null":
            continue
        inputs = node["inputs"][:1] if node["op"] == "_contrib_BilinearResize2D" \
            else node["inputs"]
        for index, *_ in inputs:
            source = nodes[index]
            if source["name"] in hidden:
                continue
            spec.add_edge(node["name"], source["name"],
                          _edge_label(source, shapes, types), arrowtail="open",
                          dir="back")
    return spec


def plot_network(symbol, title="plot", save_format="pdf", shape=None, dtype=None,
                 node_attrs={}, hide_weights=True):
    """Draw a network as a ``graphviz.Digraph``, exactly as MXNet draws it.

    Parameters
    ----------
    symbol : Symbol or gluon.HybridBlock
        The network; a block (hybridized or not) is traced by calling it on
        ``mx.sym.var(name)`` for each input name in ``shape`` (``'data'`` without it).
    title : str
        Graph name (the DOT ``digraph`` name and the rendered file's name).
    save_format : str
        Format ``render()`` writes ('pdf', 'png', 'svg' ...).
    shape : dict of str to tuple, optional
        Input shapes; when given, every edge is labelled with its shape (batch axis
        dropped).
    dtype : dict of str to dtype, optional
        Input types; when given, edge labels end with ``(float32)``.
    node_attrs : dict
        Graphviz attributes for every node (``{"shape": "oval", "fixedsize":
        "false"}``).
    hide_weights : bool
        Leave out parameter variables (``*_weight``, ``*_bias`` ...).

    Returns
    -------
    graphviz.Digraph
        A ``DotGraph`` (subclass): in a notebook it displays even without the ``dot``
        program, using dlkit's own layout (a one-time warning says how to install
        ``dot``).

    Example
    -------
    >>> net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=10, name='fc')
    >>> print(mx.viz.plot_network(net, shape={'data': (1, 5)}).source)  # doctest: +SKIP

    Differs from MXNet: also accepts a Gluon HybridBlock; needs no system ``dot`` to
    display.
    """
    if shape is not None and not isinstance(shape, dict):
        raise TypeError(f"shape must be a dict of input name to shape, got {shape!r}")
    spec = network_spec(as_symbol(symbol, shape), title, shape, dtype, node_attrs,
                        hide_weights)
    return make_graph(spec, save_format)
