"""``Block.save`` / ``Block.load``: a model's structure and parameters in two files.

MXNet 1.9 added these next to ``save_parameters``. ``<prefix>-model.params`` is exactly
``save_parameters``'s file (structural names such as ``'1.0.weight'``).
``<prefix>-model.json`` records, for every block in pre-order, its name when saved::

    {"hybridsequential0": {"orig_name": "hybridsequential0", "hybridized": false,
                           "children": {"hybridsequential0_dense0": "0"},
                           "dense1": {"orig_name": "hybridsequential0_dense0", ...}}}

Each entry's key is the block's class name plus its pre-order index; ``children`` maps
a child's saved name to the key its parent keeps it under. A hybridized block also
stores its traced graph (``symbol``, ``inputs``, ``in_format``, ``out_format``).
``load`` walks a freshly built model of the same structure in the same order and gives
each block back its saved name, its parameters' saved names and its children's keys.
"""
import json

from .. import symbol
from ..fileio import write_atomically

__all__ = ["save_model", "load_model"]


def _describe(block, index, structure):
    """Add ``block``'s entry (and, recursively, its children's) to ``structure``."""
    from .hybrid_block import HybridBlock
    entry = {"orig_name": block.name}
    structure[type(block).__name__.lower() + str(index[0])] = entry
    if isinstance(block, HybridBlock):
        graph = block._cached_graph
        if graph is not None and hasattr(graph, "in_format"):
            entry["in_format"] = graph.in_format
            entry["out_format"] = graph.out_format
            entry["inputs"] = [variable.tojson() for variable in graph.inputs]
            entry["symbol"] = graph.output.tojson()
            entry["hybridized"] = True
        else:
            entry["hybridized"] = False
    children = {}
    entry["children"] = children
    for child_key, child in block._children.items():
        index[0] += 1
        children[child.name] = child_key
        _describe(child, index, entry)


def save_model(block, prefix):
    """Write ``<prefix>-model.json`` and ``<prefix>-model.params`` (``Block.save``)."""
    model = {}
    _describe(block, [0], model)
    write_atomically(prefix + "-model.json", json.dumps(model))
    block.save_parameters(prefix + "-model.params")


def _restore_graph(block, entry):
    """Give a hybridized block back the graph it was saved with."""
    from .cached_graph import CachedGraph
    inputs = [symbol.load_json(text) for text in entry["inputs"]]
    output = symbol.load_json(entry["symbol"])
    graph = CachedGraph(inputs, output, entry["out_format"], block.collect_params())
    graph.in_format = entry["in_format"]
    block._cached_graph = graph
    block._active = True


def _restore(block, index, structure):
    """Rename ``block``, its parameters and children as they were when saved."""
    from .hybrid_block import HybridBlock
    entry = structure[type(block).__name__.lower() + str(index[0])]
    block._name = entry["orig_name"]
    own_prefix = block.params.prefix
    for old_name in list(block.params.keys()):
        param = block.params._params.pop(old_name)
        block.params._params[block.name + "_" + old_name[len(own_prefix):]] = param
    for child in block._children.values():
        index[0] += 1
        _restore(child, index, entry)
    saved_keys = entry["children"]
    for child_key in list(block._children):
        child = block._children.pop(child_key)
        block._children[saved_keys[child.name]] = child
    if isinstance(block, HybridBlock) and entry["hybridized"]:
        _restore_graph(block, entry)


def load_model(block, prefix):
    """Read the files ``save_model`` wrote into ``block`` (see ``Block.load``)."""
    with open(prefix + "-model.json") as file:
        model = json.load(file)
    _restore(block, [0], model)
    block.load_parameters(prefix + "-model.params")
