"""Making symbols: ``Variable``, ``Group`` and ``create``, where ``mx.sym.X`` ends.

``create`` adds one node calling a registered op. It splits the call into inputs and
attributes the way MXNet does, names the node (``fullyconnected0`` from the name
manager, or ``name=``), keeps the attributes as the strings Symbol JSON stores, and
turns every input that was not given into a variable named ``<node>_<input>``
(``fc1_weight``; BatchNorm's moving statistics become auxiliary states with MXNet's
initializers).
"""
from .. import attribute, name as _name
from ..base import DTYPE_NAME_TO_ID, MXNetError, dtype_name
from .graph import Node, attr_text, stored_key
from .symbol import Symbol

__all__ = ["Variable", "var", "Group", "create"]

_STORAGE_TYPE_IDS = {"default": 0, "row_sparse": 1, "csr": 2}
# MXNet's BatchNorm gives its moving statistics these initializers when it creates them.
_AUX_INIT = {"moving_mean": '["zero", {}]', "moving_var": '["one", {}]'}


def Variable(name, attr=None, shape=None, lr_mult=None, wd_mult=None, dtype=None,
             init=None, stype=None, **kwargs):
    """A named input of the graph (data, label or parameter).

    Parameters
    ----------
    name : str
    attr : dict of str to str, optional
    shape : tuple, optional (0 marks an unknown dimension)
    lr_mult, wd_mult : float, optional
    dtype : str or numpy type, optional
    init : Initializer or str, optional
    stype : str, optional ('default', 'row_sparse', 'csr')

    Example
    -------
    >>> x = mx.sym.Variable("x", shape=(2, 3))
    >>> x.infer_shape()
    ([(2, 3)], [(2, 3)], [])
    """
    if not isinstance(name, str):
        raise TypeError(f"Variable: name must be a string, got {name!r}")
    attrs = {stored_key(k): str(v) for k, v in attribute.current().get(attr).items()}
    if shape is not None:
        attrs["__shape__"] = str(tuple(shape))
    if lr_mult is not None:
        attrs["__lr_mult__"] = str(lr_mult)
    if wd_mult is not None:
        attrs["__wd_mult__"] = str(wd_mult)
    if dtype is not None:
        attrs["__dtype__"] = str(DTYPE_NAME_TO_ID[dtype_name(dtype)])
    if init is not None:
        attrs["__init__"] = init if isinstance(init, str) else init.dumps()
    if stype is not None:
        attrs["__storage_type__"] = str(_STORAGE_TYPE_IDS[stype])
    for key, value in kwargs.items():
        if not (key.startswith("__") and key.endswith("__")):
            raise ValueError(f"Variable: attribute {key}={value!r} is not supported; "
                             "extra attributes must look like __yourattr__")
        attrs[key] = str(value)
    return Symbol([(Node(None, name, attrs), 0)])


var = Variable


def Group(symbols):
    """One symbol with the outputs of several: ``mx.sym.Group([loss, prediction])``."""
    if not symbols or any(not isinstance(s, Symbol) for s in symbols):
        raise TypeError("Group: expected a non-empty list of Symbols")
    return Symbol([entry for s in symbols for entry in s._outputs])


def create(op, hint, args, kwargs, name=None, attr=None):
    """Add one node calling ``op``; return its outputs (every ``mx.sym.X`` ends here).

    Positional Symbols are inputs in order; other positional values are attributes in
    declaration order (``mx.sym.sum(x, 1)`` is ``axis=1``); keyword Symbols are inputs
    by name. Inputs not given become variables ``<name>_<input>``.
    """
    inputs, given = _split_arguments(op, args, kwargs)
    given.update(attribute.current().get(attr))  # as in MXNet, the scope wins
    if op.variadic and "num_args" in op.attrs and "num_args" not in given:
        given["num_args"] = len(inputs)  # MXNet counts the inputs for you
    params = {k: v for k, v in given.items() if not _is_extra_key(k)}
    attrs = {stored_key(k): attr_text(op, k, v) for k, v in given.items()}
    parsed = op.parse_attrs(params)
    node_name = _name.current().get(name, hint)
    node = Node(op, node_name, attrs, (), parsed)
    node.inputs = _input_entries(op, node, inputs)
    return Symbol([(node, i) for i in range(node.num_visible_outputs())])


def _is_extra_key(key):
    return key in attribute.HIDDEN_KEYS or (key.startswith("__") and key.endswith("__"))


def _input_names(op, kwargs):
    """The op's input names; an op whose attributes name them (``Custom``) is asked
    with this call's attributes."""
    if not op.inputs_named_by_attrs:
        return op.input_names
    attrs = {key: value for key, value in kwargs.items()
             if not isinstance(value, Symbol) and not _is_extra_key(key)}
    return op.list_inputs(op.parse_attrs(attrs))


def _split_arguments(op, args, kwargs):
    """``(inputs, attrs)``: inputs a list (variadic) or a dict name -> Symbol."""
    if op.variadic and not op.inputs_named_by_attrs:
        for value in args:
            if not isinstance(value, Symbol):
                raise TypeError(f"operator {op.name}: positional arguments must be "
                                f"Symbols, got {value!r}")
        symbols = {k: v for k, v in kwargs.items() if isinstance(v, Symbol)}
        if symbols:
            raise TypeError(f"operator {op.name}: pass its inputs positionally, not as "
                            f"keywords ({sorted(symbols)})")
        return list(args), dict(kwargs)
    names = _input_names(op, kwargs)
    inputs, attrs, positional_attrs = {}, {}, []
    for value in args:
        if (isinstance(value, Symbol) or value is None) and not positional_attrs:
            if len(inputs) >= len(names):
                raise MXNetError(f"operator {op.name}: too many inputs; it takes "
                                 f"{list(names)}")
            inputs[names[len(inputs)]] = value
        else:
            positional_attrs.append(value)
    attrs.update(zip(op.attrs, positional_attrs))
    for key, value in kwargs.items():
        if isinstance(value, Symbol):
            if key not in names:
                raise MXNetError(f"operator {op.name}: {key!r} is not an input; its "
                                 f"inputs are {list(names)}")
            inputs[key] = value
        else:
            attrs[key] = value
    return {k: v for k, v in inputs.items() if v is not None}, attrs


def _input_entries(op, node, inputs):
    """One ``(node, index)`` entry per input, creating variables for missing ones."""
    names = node.input_names()
    if op.variadic and not op.inputs_named_by_attrs:
        given = dict(zip(names, inputs))
        if len(inputs) != len(names):
            raise MXNetError(f"operator {op.name}: num_args={len(names)} but "
                             f"{len(inputs)} inputs were given")
    else:
        given = inputs
        extra = [key for key in given if key not in names]
        if extra:
            raise MXNetError(f"operator {op.name}: input {extra[0]!r} is not used with "
                             f"these attributes; inputs are {names}")
    entries = []
    for input_name in names:
        symbol = given.get(input_name)
        if symbol is None:
            attrs = dict(node.attrs)
            if input_name in op.aux_names and input_name in _AUX_INIT:
                attrs["__init__"] = _AUX_INIT[input_name]
            variable = Node(None, f"{node.name}_{input_name}", attrs)
            entries.append((variable, 0))
            continue
        if len(symbol._outputs) != 1:
            raise MXNetError(f"operator {op.name}: input {input_name!r} is a group of "
                             f"{len(symbol._outputs)} outputs; pick one with symbol[i]")
        entries.append(symbol._outputs[0])
    return entries

