"""Symbol: a description of a computation, built first and run later (``mx.sym``).

Calling ``mx.sym.FullyConnected(data, num_hidden=128, name="fc1")`` computes nothing: it
adds a node to a graph and returns a ``Symbol`` naming that node's outputs. Missing
parameter inputs become variables named after the node (``fc1_weight``, ``fc1_bias``)::

    data ----------.
    fc1_weight ----+--> [fc1: FullyConnected] --fc1_output--> [activation0: Activation]
    fc1_bias ------'                                                  |
                                                             activation0_output

Lifecycle: build (``Variable``, op functions, ``+``) -> inspect (``list_arguments``,
``infer_shape``, ``tojson``) -> ``bind``/``simple_bind`` to an ``Executor`` that runs
the graph with the same registered ops ``mx.nd`` uses.

Nodes and graph walks live in ``graph.py``; node creation in ``create.py``; shape/type
passes in ``infer.py``; JSON in ``json.py``; binding in ``bind.py`` and
``dlkit/executor.py``. Read this file in lesson "Symbols".
"""
import numbers

from .. import attribute
from ..base import MXNetError
from ..ops.registry import get_op
from .graph import Node, auxiliary_nodes, stored_key, topological_nodes

__all__ = ["Symbol", "apply_op"]


class Symbol:
    """A symbolic output (or group of outputs) of a computation graph.

    Example
    -------
    >>> data = mx.sym.Variable("data")
    >>> fc1 = mx.sym.FullyConnected(data=data, num_hidden=128, name="fc1")
    >>> fc1.list_arguments()
    ['data', 'fc1_weight', 'fc1_bias']
    """
    __slots__ = ("_outputs", "__weakref__")

    def __init__(self, outputs):
        self._outputs = list(outputs)

    # ---- names and structure ----
    @property
    def name(self):
        """The node name when every output comes from one node (None for a group)."""
        nodes = {id(node) for node, _ in self._outputs}
        return self._outputs[0][0].name if len(nodes) == 1 else None

    def _nodes(self):
        return topological_nodes(self._outputs)

    def list_arguments(self):
        """Names of the input variables that are not auxiliary states, in graph order.
        """
        nodes = self._nodes()
        aux = auxiliary_nodes(nodes)
        return [n.name for n in nodes if n.op is None and id(n) not in aux]

    def list_auxiliary_states(self):
        """Names of the auxiliary states (``bn_moving_mean``, ``bn_moving_var``)."""
        nodes = self._nodes()
        aux = auxiliary_nodes(nodes)
        return [n.name for n in nodes if n.op is None and id(n) in aux]

    def list_inputs(self):
        """Every input variable, arguments and auxiliary states, in graph order."""
        return [n.name for n in self._nodes() if n.op is None]

    def list_outputs(self):
        """Output names: ``fc1_output``; a variable's output is its own name."""
        return [node.output_name(index) for node, index in self._outputs]

    def get_internals(self):
        """A group of every node's visible outputs, so ``internals['fc1_output']``
        works."""
        entries = []
        for node in self._nodes():
            entries.extend((node, i) for i in range(node.num_visible_outputs()))
        return Symbol(entries)

    def get_children(self):
        """A group of the inputs of this symbol's node(s); None for a variable."""
        entries = [entry for node, _ in self._outputs for entry in node.inputs]
        return Symbol(entries) if entries else None

    def __len__(self):
        return len(self._outputs)

    def __iter__(self):
        return (self[index] for index in range(len(self._outputs)))

    def __getitem__(self, index):
        """Output ``index``: an int, a slice, or an output name such as
        ``'fc1_output'``."""
        if isinstance(index, str):
            names = self.list_outputs()
            matches = [i for i, n in enumerate(names) if n == index]
            if len(matches) != 1:
                raise ValueError(f"Symbol has {len(matches)} outputs named {index!r}; "
                                 f"its outputs are {names}")
            index = matches[0]
        if isinstance(index, slice):
            return Symbol(self._outputs[index])
        if not -len(self._outputs) <= index < len(self._outputs):
            raise IndexError(f"Symbol has {len(self._outputs)} outputs, index {index} "
                             "is out of range")
        return Symbol([self._outputs[index]])

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Notebook display: plain text (MXNet's repr) plus the graph as SVG (see
        widgets/display.py)."""
        from ..widgets.display import symbol_mimebundle
        return symbol_mimebundle(self)

    def __repr__(self):
        if self.name is not None:
            return f"<Symbol {self.name}>"
        return "<Symbol group [" + ", ".join(n.name for n, _ in self._outputs) + "]>"

    def __bool__(self):
        raise NotImplementedError("a Symbol has no truth value (it holds no numbers); "
                                  "bind it and compare the NDArray outputs instead")

    # ---- attributes ----
    def attr(self, key):
        """The attribute ``key`` of this symbol's node, or None."""
        attrs = self._single_node("attr").attrs
        return attrs.get(stored_key(key), attrs.get(key))

    def list_attr(self, recursive=False):
        """This node's attributes; MXNet's hidden keys appear as ``__k__`` and ``k``."""
        if recursive:
            raise DeprecationWarning("Symbol.list_attr(recursive=True) is deprecated; "
                                     "use attr_dict()")
        return _listed(self._single_node("list_attr").attrs)

    def attr_dict(self):
        """``{node name: attributes}`` for every node that has attributes."""
        return {n.name: _listed(n.attrs) for n in self._nodes() if n.attrs}

    def _set_attr(self, **kwargs):
        for key, value in kwargs.items():
            if not isinstance(value, str):
                raise ValueError(f"attribute {key!r} must be a string, got {value!r}")
            for node, _ in self._outputs:
                node.attrs[stored_key(key)] = value

    def _single_node(self, method):
        nodes = {id(n): n for n, _ in self._outputs}
        if len(nodes) != 1:
            raise MXNetError(f"Symbol.{method}: only a single-node symbol has "
                             f"attributes; this one groups {len(nodes)} nodes")
        return self._outputs[0][0]

    # ---- copying and composing ----
    def __copy__(self):
        return self._clone({})

    def __deepcopy__(self, memo):
        return self._clone({})

    def _clone(self, replace):
        """A new graph with fresh nodes; variables named in ``replace`` are substituted.
        """
        mapping = {}
        for node in self._nodes():
            if node.op is None and node.name in replace:
                mapping[id(node)] = replace[node.name]
                continue
            inputs = [_copied_entry(mapping, entry) for entry in node.inputs]
            mapping[id(node)] = Node(node.op, node.name, dict(node.attrs), inputs,
                                     node.params)
        return Symbol([_copied_entry(mapping, entry) for entry in self._outputs])

    def __call__(self, *args, **kwargs):
        """Compose: a copy with input variables replaced by symbols (by name)."""
        names = self.list_inputs()
        replace = dict(zip(names, args))
        replace.update(kwargs)
        kwargs.pop("name", None)
        for key, value in replace.items():
            if key not in names or not isinstance(value, Symbol) or len(value) != 1:
                raise MXNetError(f"Symbol.__call__: {key!r} must name an input "
                                 f"({names}) and be a single-output Symbol")
        return self._clone({k: v._outputs[0] for k, v in replace.items()})

    def __getstate__(self):
        return {"json": self.tojson()}

    def __setstate__(self, state):
        from .json import load_json
        self._outputs = load_json(state["json"])._outputs

    # ---- arithmetic: MXNet maps Symbol (op) Symbol to the elemwise ops ----
    def _math(self, other, op_name, hint, scalar_op, scalar_hint):
        if isinstance(other, Symbol):
            return apply_op(op_name, hint, [self, other])
        if isinstance(other, numbers.Number):
            return apply_op(scalar_op, scalar_hint, [self], scalar=other)
        return NotImplemented

    def __add__(self, other):
        return self._math(other, "_Plus", "_plus", "_PlusScalar", "_plusscalar")

    __radd__ = __add__

    def __sub__(self, other):
        return self._math(other, "_Minus", "_minus", "_MinusScalar", "_minusscalar")

    def __rsub__(self, other):
        return self._math(other, "_Minus", "_minus", "_RMinusScalar", "_rminusscalar")

    def __mul__(self, other):
        return self._math(other, "_Mul", "_mul", "_MulScalar", "_mulscalar")

    __rmul__ = __mul__

    def __truediv__(self, other):
        return self._math(other, "_Div", "_div", "_DivScalar", "_divscalar")

    def __rtruediv__(self, other):
        return self._math(other, "_Div", "_div", "_RDivScalar", "_rdivscalar")

    def __mod__(self, other):
        return self._math(other, "_mod", "_mod", "_ModScalar", "_modscalar")

    def __rmod__(self, other):
        return self._math(other, "_mod", "_mod", "_RModScalar", "_rmodscalar")

    def __pow__(self, other):
        return self._math(other, "_Power", "_power", "_PowerScalar", "_powerscalar")

    def __rpow__(self, other):
        return self._math(other, "_Power", "_power", "_rpower_scalar", "_rpower_scalar")

    def __neg__(self):
        return self.__mul__(-1.0)  # MXNet writes -a as _mul_scalar with scalar "-1.0"

    def __abs__(self):
        return apply_op("abs", "abs", [self])

    def __eq__(self, other):
        return self._math(other, "_equal", "_equal", "_equal_scalar", "_equal_scalar")

    def __ne__(self, other):
        return self._math(other, "_not_equal", "_not_equal", "_not_equal_scalar",
                          "_not_equal_scalar")

    def __gt__(self, other):
        return self._math(other, "_greater", "_greater", "_greater_scalar",
                          "_greater_scalar")

    def __ge__(self, other):
        return self._math(other, "_greater_equal", "_greater_equal",
                          "_greater_equal_scalar", "_greater_equal_scalar")

    def __lt__(self, other):
        return self._math(other, "_lesser", "_lesser", "_lesser_scalar",
                          "_lesser_scalar")

    def __le__(self, other):
        return self._math(other, "_lesser_equal", "_lesser_equal",
                          "_lesser_equal_scalar", "_lesser_equal_scalar")

    __hash__ = object.__hash__

    # ---- a few fluent methods MXNet symbols have (each one registered op) ----
    def reshape(self, *shape, **kwargs):
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = shape[0]
        if shape:
            kwargs["shape"] = tuple(shape)
        return apply_op("Reshape", "reshape", [self], **kwargs)

    def flatten(self, **kwargs):
        return apply_op("Flatten", "flatten", [self], **kwargs)

    def transpose(self, *axes, **kwargs):
        if axes:
            kwargs["axes"] = tuple(axes[0]) if isinstance(axes[0], (list,
                                                                    tuple)) else axes
        return apply_op("transpose", "transpose", [self], **kwargs)

    def sum(self, *args, **kwargs):
        return apply_op("sum", "sum", [self, *args], **kwargs)

    def mean(self, *args, **kwargs):
        return apply_op("mean", "mean", [self, *args], **kwargs)

    def astype(self, dtype):
        return apply_op("Cast", "cast", [self], dtype=dtype)

    # ---- the other halves, defined in their own modules ----
    def infer_shape(self, *args, **kwargs):
        """``(arg_shapes, out_shapes, aux_shapes)`` from some known shapes (see
        infer.py).
        """
        from .infer import infer_shape
        return infer_shape(self, args, kwargs, partial=False)

    def infer_shape_partial(self, *args, **kwargs):
        """Like ``infer_shape`` but returns what is known (0 marks an unknown dim)."""
        from .infer import infer_shape
        return infer_shape(self, args, kwargs, partial=True)

    def infer_type(self, *args, **kwargs):
        """``(arg_types, out_types, aux_types)`` as NumPy types (see infer.py)."""
        from .infer import infer_type
        return infer_type(self, args, kwargs, partial=False)

    def infer_type_partial(self, *args, **kwargs):
        from .infer import infer_type
        return infer_type(self, args, kwargs, partial=True)

    def tojson(self, remove_amp_cast=True):
        """The graph in MXNet's JSON format (see json.py)."""
        from .json import tojson
        return tojson(self)

    def save(self, fname, remove_amp_cast=True):
        """Write ``tojson()`` to ``fname`` (MXNet's ``-symbol.json`` files).

        The file is replaced atomically (see ``dlkit/fileio.py``), so an interrupted
        save never leaves half a graph behind.
        """
        from ..fileio import write_atomically
        write_atomically(fname, self.tojson())

    def bind(self, ctx, args, args_grad=None, grad_req="write", aux_states=None,
             group2ctx=None, shared_exec=None):
        """An ``Executor`` running this graph on the given arrays (see executor.py)."""
        from .bind import bind
        return bind(self, ctx, args, args_grad, grad_req, aux_states, group2ctx,
                    shared_exec)

    def simple_bind(self, ctx, grad_req="write", type_dict=None, stype_dict=None,
                    group2ctx=None, shared_arg_names=None, shared_exec=None,
                    shared_buffer=None, **kwargs):
        """An ``Executor`` with arrays allocated from inferred shapes (see executor.py).
        """
        from .bind import simple_bind
        return simple_bind(self, ctx, grad_req, type_dict, shared_arg_names,
                           shared_exec, kwargs)

    def eval(self, ctx=None, **kwargs):
        """Bind ``kwargs`` as arguments, run forward, return the outputs (a list)."""
        from .bind import evaluate
        return evaluate(self, ctx, kwargs)

    def eval_imperative(self, ctx=None, aux_states=None, **kwargs):
        """Run the graph op by op through ``mx.nd``, so ``autograd`` can record it."""
        from .bind import eval_imperative
        return eval_imperative(self, ctx, aux_states, kwargs)


def _listed(attrs):
    listed = dict(attrs)
    for key, value in attrs.items():
        if key.startswith("__") and key.endswith("__") and \
                key[2:-2] in attribute.HIDDEN_KEYS:
            listed[key[2:-2]] = value
    return listed


def _copied_entry(mapping, entry):
    target = mapping[id(entry[0])]
    if isinstance(target, tuple):  # a substituted variable: (node, index) of the symbol
        return target
    return (target, entry[1])


def apply_op(op_name, hint, args, **kwargs):
    """Add a node calling the op ``op_name``: how ``a + b`` and the fluent methods
    build."""
    from .create import create
    return create(get_op(op_name), hint, list(args), kwargs)
