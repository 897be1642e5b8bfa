"""From a Symbol to an Executor: check the given arrays, or allocate them from shapes.

``bind``        you give every argument (list in ``list_arguments`` order, or dict);
                shapes are checked by running shape inference on them.
``simple_bind`` you give a few shapes; the rest are inferred, then arguments, gradients
                and aux states are allocated as zeros: infer shapes -> infer types ->
                allocate -> bind.
``eval_imperative`` runs the graph op by op through ``mx.nd`` (recorded by autograd),
                which is how ``test_utils.check_numeric_gradient`` checks a Symbol.
"""
import numpy as np

from ..base import MXNetError, dtype_name
from ..context import Context, current_context
from ..executor import Executor
from ..ndarray.ndarray import NDArray, invoke, zeros
from .graph import auxiliary_nodes, topological_nodes
from .infer import from_public_shape, infer_graph_shapes, infer_graph_types

__all__ = ["bind", "simple_bind", "evaluate", "eval_imperative", "reshape"]

_GRAD_REQS = ("write", "add", "null")


class BindError(MXNetError, ValueError):
    """A bad argument to ``bind``: an ``MXNetError`` that is also a ``ValueError``,
    since MXNet raises ``ValueError`` for these."""


def _variables(symbol):
    nodes = topological_nodes(symbol._outputs)
    aux = auxiliary_nodes(nodes)
    args = [n for n in nodes if n.op is None and id(n) not in aux]
    auxes = [n for n in nodes if n.op is None and id(n) in aux]
    return nodes, args, auxes


def _as_list(values, nodes, what, required=True):
    """Arrays in node order from a list or a dict; missing ones None (if not required).
    """
    names = [n.name for n in nodes]
    if values is None:
        values = [] if not names or not required else None
        if values is None:
            raise BindError(f"bind: {what} is required; give arrays for {names}")
        return []
    if isinstance(values, dict):
        extra = [key for key in values if key not in names]
        if extra:
            raise BindError(f"bind: {what} has {extra[0]!r}, which is not one of the "
                            f"symbol's {what} names {names}")
        missing = [name for name in names if name not in values]
        if missing and required:
            raise BindError(f"bind: key {missing[0]!r} is missing in {what}; expected "
                            f"arrays for {names}")
        return [values.get(name) for name in names]
    values = list(values)
    if len(values) != len(names):
        raise BindError(f"bind: {what} has {len(values)} arrays but the symbol has "
                        f"{len(names)}: {names}")
    return values


def _grad_reqs(grad_req, names):
    if isinstance(grad_req, str):
        reqs = [grad_req] * len(names)
    elif isinstance(grad_req, dict):
        reqs = [grad_req.get(name, "null") for name in names]
    else:
        reqs = list(grad_req)
        if len(reqs) != len(names):
            raise BindError(f"bind: grad_req has {len(reqs)} entries for {len(names)} "
                            f"arguments {names}")
    for req in reqs:
        if req not in _GRAD_REQS:
            raise BindError(f"bind: grad_req {req!r} is not one of {_GRAD_REQS}")
    return reqs


def _check_arrays(arrays, nodes, ctx, what):
    for node, array in zip(nodes, arrays):
        if array is None:
            continue
        if not isinstance(array, NDArray):
            raise BindError(f"bind: {what} {node.name!r} must be an NDArray, got "
                            f"{type(array).__name__}")
        if array.context != ctx:
            raise BindError(f"bind: {what} {node.name!r} is on {array.context} but the "
                            f"executor runs on {ctx}; copy it with as_in_context")


def bind(symbol, ctx, args, args_grad=None, grad_req="write", aux_states=None,
         group2ctx=None, shared_exec=None):
    """``Symbol.bind``. ``group2ctx`` is accepted and ignored (one device per graph)."""
    ctx = Context(ctx) if ctx is not None else current_context()
    nodes, arg_nodes, aux_nodes = _variables(symbol)
    arg_arrays = _as_list(args, arg_nodes, "args")
    grad_arrays = _as_list(args_grad, arg_nodes, "args_grad", required=False) \
        if args_grad is not None else [None] * len(arg_nodes)
    reqs = _grad_reqs(grad_req, [n.name for n in arg_nodes])
    reqs = [req if grad is not None else "null" for req, grad in zip(reqs, grad_arrays)]
    aux_arrays = _as_list(aux_states, aux_nodes, "aux_states")
    _check_arrays(arg_arrays, arg_nodes, ctx, "argument")
    _check_arrays(grad_arrays, arg_nodes, ctx, "gradient of")
    _check_arrays(aux_arrays, aux_nodes, ctx, "aux state")
    given = {id(n): a.shape for n, a in zip(arg_nodes + aux_nodes,
                                            arg_arrays + aux_arrays)}
    shapes = infer_graph_shapes(nodes, given)
    for node, array, grad in zip(arg_nodes, arg_arrays, grad_arrays):
        if grad is not None and grad.shape != array.shape:
            raise BindError(f"bind: gradient array of {node.name!r} has shape "
                            f"{grad.shape} but the argument has shape {array.shape}")
    types = _bound_types(nodes, arg_nodes + aux_nodes, arg_arrays + aux_arrays)
    return Executor(symbol, ctx, arg_arrays, grad_arrays, reqs, aux_arrays, shapes,
                    types)


def simple_bind(symbol, ctx, grad_req, type_dict, shared_arg_names, shared_exec,
                shapes):
    """``Symbol.simple_bind``: infer shapes, infer types, allocate zeros, bind."""
    ctx = Context(ctx) if ctx is not None else current_context()
    nodes, arg_nodes, aux_nodes = _variables(symbol)
    variables = arg_nodes + aux_nodes
    given = _by_node(variables, shapes, "shape", from_public_shape)
    inferred = infer_graph_shapes(nodes, given)
    unknown = [n.name for n in variables if not _known(inferred.get((id(n), 0)))]
    if unknown:
        raise MXNetError(f"simple_bind: cannot decide the shapes of {unknown} from the "
                         f"given shapes {dict(shapes)}; pass them as keywords, e.g. "
                         f"{unknown[0]}=(...)")
    types = _types(nodes, variables, type_dict or {})
    reqs = _grad_reqs(grad_req, [n.name for n in arg_nodes])
    shared = _shared_arrays(shared_exec, shared_arg_names)

    def allocate(node, kind):
        shape = inferred[(id(node), 0)]
        dtype = types.get((id(node), 0)) or "float32"
        reused = shared.get((kind, node.name))
        same_dtype = reused is not None and reused.dtype == _np_type(dtype)
        if same_dtype and reused.shape == shape:
            return reused
        return zeros(shape, ctx, dtype)

    arg_arrays = [allocate(n, "arg") for n in arg_nodes]
    grad_arrays = [allocate(n, "grad") if req != "null" else None
                   for n, req in zip(arg_nodes, reqs)]
    aux_arrays = [allocate(n, "aux") for n in aux_nodes]
    return Executor(symbol, ctx, arg_arrays, grad_arrays, reqs, aux_arrays, inferred,
                    types)


def _known(shape):
    return shape is not None and all(dim is not None for dim in shape)


def _np_type(dtype):
    return np.dtype(dtype).type


def _by_node(variables, values, what, convert):
    names = [n.name for n in variables]
    given = {}
    for key, value in values.items():
        if key not in names:
            raise MXNetError(f"simple_bind: {key!r} is not an input of the symbol; its "
                             f"inputs are {names}")
        for node in variables:
            if node.name == key:
                given[id(node)] = convert(value)
    return given


def _types(nodes, variables, type_dict):
    """Infer dtypes; variables still unknown are float32 (MXNet's default)."""
    given = _by_node(variables, type_dict, "type", dtype_name)
    types = infer_graph_types(nodes, given)
    for node in variables:
        if types.get((id(node), 0)) is None:
            given[id(node)] = "float32"
    return infer_graph_types(nodes, given)


def _bound_types(nodes, variables, arrays):
    """Infer dtypes from the bound arrays' own dtypes (for the Executor's outputs);
    an inconsistent graph is reported by the first forward, so it gives ``{}``."""
    given = {id(node): array._data.dtype.name
             for node, array in zip(variables, arrays) if array is not None}
    try:
        return infer_graph_types(nodes, given)
    except MXNetError:
        return {}


def _shared_arrays(shared_exec, shared_arg_names):
    if shared_exec is None:
        return {}
    shared = {}
    for name, array in shared_exec.arg_dict.items():
        if shared_arg_names is None or name in shared_arg_names:
            shared[("arg", name)] = array
            if shared_exec.grad_dict.get(name) is not None:
                shared[("grad", name)] = shared_exec.grad_dict[name]
    for name, array in shared_exec.aux_dict.items():
        shared[("aux", name)] = array
    return shared


def evaluate(symbol, ctx, kwargs):
    """``Symbol.eval``: bind ``kwargs`` (arguments and aux states by name), forward."""
    aux_names = symbol.list_auxiliary_states()
    args = {k: v for k, v in kwargs.items() if k not in aux_names}
    aux = {k: v for k, v in kwargs.items() if k in aux_names}
    return bind(symbol, ctx, args, aux_states=aux).forward()


def eval_imperative(symbol, ctx, aux_states, kwargs):
    """Run each node with ``mx.nd``'s ``invoke``, so ``autograd.record`` sees every op.

    Missing aux states start as zeros (ones for a variable initialised with "one",
    BatchNorm's moving variance).
    """
    nodes, arg_nodes, aux_nodes = _variables(symbol)
    values = {}
    for node in arg_nodes:
        if node.name not in kwargs:
            raise MXNetError(f"eval_imperative: argument {node.name!r} is missing; "
                             f"give arrays for {[n.name for n in arg_nodes]}")
        values[(id(node), 0)] = kwargs[node.name]
    aux_values = _as_list(aux_states, aux_nodes, "aux_states", required=False) \
        if aux_states is not None else [None] * len(aux_nodes)
    if any(a is None for a in aux_values):
        shapes = infer_graph_shapes(nodes, {id(n): values[(id(n), 0)].shape
                                            for n in arg_nodes})
        reference = values[(id(arg_nodes[0]), 0)] if arg_nodes else None
        aux_values = [a if a is not None else _default_aux(n, shapes, reference)
                      for n, a in zip(aux_nodes, aux_values)]
    values.update({(id(n), 0): a for n, a in zip(aux_nodes, aux_values)})
    for node in nodes:
        if node.op is None:
            continue
        inputs = [values[(id(src), i)] for src, i in node.inputs]
        attrs = node.op.own_attrs(node.attrs)
        result = invoke(node.op, inputs, attrs)
        results = result if isinstance(result, list) else [result]
        for index, array in enumerate(results):
            values[(id(node), index)] = array
    return [values[(id(node), i)] for node, i in symbol._outputs]


def _default_aux(node, shapes, reference):
    shape = shapes[(id(node), 0)]
    ctx = reference.context if reference is not None else None
    dtype = reference.dtype if reference is not None else None
    array = zeros(shape, ctx, dtype)
    if '"one"' in node.attrs.get("__init__", ""):
        array[:] = 1
    return array


def reshape(executor, partial_shaping, allow_up_sizing, kwargs):
    """``Executor.reshape``: new shapes; arrays that keep their size are shared."""
    symbol = executor._symbol
    nodes, arg_nodes, aux_nodes = _variables(symbol)
    given = _by_node(arg_nodes + aux_nodes, kwargs, "shape", from_public_shape)
    shapes = infer_graph_shapes(nodes, given)

    def resized(node, array, kind):
        if array is None:
            return None
        shape = shapes.get((id(node), 0))
        if not _known(shape):
            raise MXNetError(f"Executor.reshape: cannot infer the new shape of {kind} "
                             f"{node.name!r}; pass it as a keyword")
        if shape == array.shape:
            return array
        if node.name not in kwargs and not partial_shaping:
            raise MXNetError(f"Executor.reshape: {kind} {node.name!r} changes shape "
                             f"from {array.shape} to {shape} but was not given; pass "
                             "partial_shaping=True to allow it")
        size = 1
        for dim in shape:
            size *= dim
        if size > array.size:
            if not allow_up_sizing:
                raise MXNetError(f"Executor.reshape: new shape of {kind} {node.name!r} "
                                 f"{shape} is larger than the original {array.shape}; "
                                 "pass allow_up_sizing=True to allocate new arrays")
            return zeros(shape, array.context, array.dtype)
        return NDArray(array._data.reshape(-1)[:size].reshape(shape), array.context)

    arg_arrays = [resized(n, a, "argument") for n, a in zip(arg_nodes,
                                                            executor.arg_arrays)]
    grad_arrays = [resized(n, g, "argument") for n, g in zip(arg_nodes,
                                                             executor.grad_arrays)]
    aux_arrays = [resized(n, a, "aux state") for n, a in zip(aux_nodes,
                                                             executor.aux_arrays)]
    types = _bound_types(nodes, arg_nodes + aux_nodes, arg_arrays + aux_arrays)
    return Executor(symbol, executor._ctx, arg_arrays, grad_arrays, executor._grad_reqs,
                    aux_arrays, shapes, types)
