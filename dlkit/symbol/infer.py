"""Shape and type inference over a Symbol's graph: ask each op until nothing changes.

Every graph output ("entry") starts unknown, except the variables whose shapes you give
(or that carry a ``shape=``). Each pass walks the nodes in order and calls the op's own
``infer_shape(in_shapes, **params)``, which may complete unknown inputs (a weight shape
from ``num_hidden``) as well as outputs::

    data (5, 20) --> [fc1] --> (5, 128) --> [fc2] --> (5, 10) --> [softmax] <-- label
    (5,)
                      ^                       ^
          fc1_weight (128, 20)       fc2_weight (10, 128)

Passes repeat until nothing changes, so knowledge also flows backwards (an element-wise
op passes a known output shape to its unknown inputs). A conflict raises an MXNetError
naming the node, its op, the input and both shapes.

Inside dlkit an unknown dimension is ``None``; the public results use MXNet's ``0`` for
an unknown dimension and ``()`` for an unknown shape.
"""
import warnings

import numpy as np

from ..base import DTYPE_ID_TO_NAME, MXNetError, dtype_name
from ..ops.registry import Op, known, same_dtype, same_shape
from .graph import auxiliary_nodes, topological_nodes

__all__ = ["infer_shape", "infer_type", "infer_graph_shapes", "infer_graph_types",
           "from_public_shape", "to_public_shape"]


# --------------------------------------------------------------------------------------
# Public boundary: MXNet's 0 <-> dlkit's None.
# --------------------------------------------------------------------------------------
def from_public_shape(shape):
    """``(0, 20)`` -> ``(None, 20)``; ``()`` or None -> None (MXNet: unknown)."""
    if shape is None or len(tuple(shape)) == 0:
        return None
    return tuple(None if dim in (0, None) else int(dim) for dim in shape)


def to_public_shape(shape):
    """``(None, 20)`` -> ``(0, 20)``; None -> ``()``."""
    if shape is None:
        return ()
    return tuple(0 if dim is None else int(dim) for dim in shape)


def _variable_shape(node):
    text = node.attrs.get("__shape__")
    if text is None:
        return None
    return from_public_shape(tuple(int(d) for d in text.strip("()[] ").split(",")
                                   if d.strip()))


def _variable_type(node):
    text = node.attrs.get("__dtype__")
    return None if text is None else DTYPE_ID_TO_NAME[int(text)]


# --------------------------------------------------------------------------------------
# The generic pass (shapes and types share it).
# --------------------------------------------------------------------------------------
def _given_by_node(nodes, symbol, args, kwargs, what, convert):
    """``{id(variable node): value}`` from positional (list order) or keyword values."""
    if args and kwargs:
        raise MXNetError(f"infer_{what}: give known {what}s either positionally or by "
                         "keyword, not both")
    aux = auxiliary_nodes(nodes)
    arguments = [n for n in nodes if n.op is None and id(n) not in aux]
    given = {}
    if args:
        if len(args) > len(arguments):
            raise MXNetError(f"infer_{what}: got {len(args)} positional {what}s but "
                             f"the symbol has {len(arguments)} arguments "
                             f"{[n.name for n in arguments]}")
        for node, value in zip(arguments, args):
            given[id(node)] = convert(value)
        return given
    variables = [n for n in nodes if n.op is None]
    for key, value in kwargs.items():
        matches = [n for n in variables if n.name == key]
        if not matches:
            raise MXNetError(f"infer_{what}: keyword argument {key!r} is not an input "
                             "of the symbol; its inputs are "
                             f"{[n.name for n in variables]}")
        for node in matches:
            given[id(node)] = convert(value)
    return given


def _merge_shapes(first, second):
    """The combined shape, or raise ValueError if the two disagree."""
    if first is None:
        return second
    if second is None:
        return first
    if len(first) != len(second) or any(a is not None and b is not None and a != b
                                        for a, b in zip(first, second)):
        raise ValueError
    return tuple(a if a is not None else b for a, b in zip(first, second))


def _merge_types(first, second):
    if first is None or second is None or first == second:
        return first if first is not None else second
    raise ValueError


def _run_pass(nodes, start, ask_op, merge, is_elementwise, what):
    """Fill ``values[(id(node), index)]`` by asking each op until nothing changes."""
    values = dict(start)
    duplicates = _duplicate_names(nodes)
    for _ in range(len(nodes) + 1):
        changed = False
        for node in nodes:
            if node.op is None:
                continue
            changed |= _visit(node, values, ask_op, merge, is_elementwise, what,
                              duplicates)
        if not changed:
            break
    return values


def _visit(node, values, ask_op, merge, is_elementwise, what, duplicates):
    in_values = [values.get((id(src), i)) for src, i in node.inputs]
    out_count = node.num_outputs()
    out_values = [values.get((id(node), i)) for i in range(out_count)]
    if is_elementwise(node.op) and out_values[0] is not None:
        in_values = [v if v is not None else out_values[0] for v in in_values]
    try:
        new_in, new_out = ask_op(node.op, list(in_values), node.params, out_values)
    except MXNetError as error:
        raise MXNetError(f"{_where(node, what)}: {error}{duplicates}") from None
    except (TypeError, ValueError, IndexError):
        if all(v is not None for v in in_values):
            raise
        return False  # an op that cannot work from partial knowledge waits for more
    changed = False
    for position, (src, index) in enumerate(node.inputs):
        changed |= _update(values, (id(src), index), new_in[position], merge, node,
                           what, ("input", position), duplicates)
    for index in range(min(out_count, len(new_out))):
        changed |= _update(values, (id(node), index), new_out[index], merge, node,
                           what, ("output", index), duplicates)
    return changed


def _where(node, what):
    return f"infer_{what} error in node {node.name} ({node.op.name})"


def _update(values, key, new, merge, node, what, slot, duplicates):
    """Merge ``new`` into ``values[key]``; True if that changed it. ``node``, ``what``
    and ``slot`` (``("input", position)`` or ``("output", index)``) only name the
    entry in the error, which is why the message is built only when one is raised:
    a bind visits every node a few times, and formatting costs more than merging."""
    old = values.get(key)
    try:
        merged = merge(old, new)
    except ValueError:
        kind, position = slot
        if kind == "input":
            names = node.input_names()
            position = names[position] if position < len(names) else position
        raise MXNetError(f"{_where(node, what)}: {kind} {position} expected {new}, "
                         f"got {old}{duplicates}") from None
    if merged != old:
        values[key] = merged
        return True
    return False


def _duplicate_names(nodes):
    names = [n.name for n in nodes if n.op is None]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if not repeated:
        return ""
    return (f" (note: several inputs share the name {repeated}; a keyword gives all of "
            "them the same value. Give each Variable a unique name)")


# --------------------------------------------------------------------------------------
# Shapes.
# --------------------------------------------------------------------------------------
def _elementwise_shape(op):
    return getattr(type(op).infer_shape, "__func__", type(op).infer_shape) is same_shape


def infer_graph_shapes(nodes, given):
    """``{(id(node), index): shape}`` for every entry, from ``{id(variable): shape}``.
    """
    start = {}
    for node in nodes:
        if node.op is None:
            shape = _merge_or_raise(node, _variable_shape(node), given.get(id(node)))
            start[(id(node), 0)] = shape
    def ask(op, shapes, params, out_shapes):
        # MXNet infers both ways: known outputs may complete partial inputs first
        shapes = op.infer_shape_from_outputs(shapes, out_shapes, **params)
        return op.infer_shape(shapes, **params)
    return _run_pass(nodes, start, ask, _merge_shapes, _elementwise_shape, "shape")


def _merge_or_raise(node, declared, given):
    try:
        return _merge_shapes(declared, given)
    except ValueError:
        raise MXNetError(f"infer_shape error: variable {node.name!r} was declared with "
                         f"shape {declared} but given {given}") from None


def infer_shape(symbol, args, kwargs, partial):
    """``Symbol.infer_shape`` and ``infer_shape_partial`` (public 0/() form)."""
    nodes = topological_nodes(symbol._outputs)
    given = _given_by_node(nodes, symbol, args, kwargs, "shape", from_public_shape)
    values = infer_graph_shapes(nodes, given)
    return _report(nodes, symbol, values, partial, known, to_public_shape, "shape",
                   "(0s in shape means unknown dimensions)")


def _report(nodes, symbol, values, partial, is_known, public, what, note):
    aux = auxiliary_nodes(nodes)
    args = [n for n in nodes if n.op is None and id(n) not in aux]
    auxes = [n for n in nodes if n.op is None and id(n) in aux]
    arg_values = [values.get((id(n), 0)) for n in args]
    out_values = [values.get((id(n), i)) for n, i in symbol._outputs]
    aux_values = [values.get((id(n), 0)) for n in auxes]
    everything = arg_values + out_values + aux_values
    if not partial and not all(is_known(v) for v in everything):
        unknown = [f"\t{n.name}: {public(v)}" for n, v in zip(args + auxes,
                                                           arg_values + aux_values)
                   if not is_known(v)]
        warnings.warn(f"Cannot decide {what} for the following arguments {note}. "
                      "Consider providing them as input:\n" + "\n".join(unknown),
                      stacklevel=3)
        return None, None, None
    return ([public(v) for v in arg_values], [public(v) for v in out_values],
            [public(v) for v in aux_values])


# --------------------------------------------------------------------------------------
# Types.
# --------------------------------------------------------------------------------------
def _elementwise_type(op):
    method = getattr(type(op).infer_type, "__func__", type(op).infer_type)
    return method is same_dtype or method is Op.infer_type


def infer_graph_types(nodes, given):
    """``{(id(node), index): dtype name}`` for every entry, from
    ``{id(variable): name}``."""
    start = {}
    for node in nodes:
        if node.op is None:
            start[(id(node), 0)] = given.get(id(node)) or _variable_type(node)
    def ask(op, types, params, out_types):
        return op.infer_type(types, **params)
    return _run_pass(nodes, start, ask, _merge_types, _elementwise_type, "type")


def infer_type(symbol, args, kwargs, partial):
    """``Symbol.infer_type``: results are NumPy types (``numpy.float32``), as in MXNet.
    """
    nodes = topological_nodes(symbol._outputs)
    given = _given_by_node(nodes, symbol, args, kwargs, "type",
                           lambda t: None if t is None else dtype_name(t))
    values = infer_graph_types(nodes, given)
    return _report(nodes, symbol, values, partial, lambda t: t is not None,
                   lambda t: None if t is None else np.dtype(t).type, "type", "")
