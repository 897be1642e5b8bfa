"""Imperative automatic differentiation: a tape recorded while ``record()`` is on.

Every op called through ``mx.nd`` while recording appends a ``TapeNode`` that remembers
the op, its attributes, its input and output arrays, and where each input came from::

    x.attach_grad()                      x ----------.
    with autograd.record():                           v
        y = x * 2          # node 1: _mul_scalar(x)   y --.
        z = y + x          # node 2: broadcast_add(y, x)    v
    z.backward()                                     z  (head)

``backward`` walks the nodes reachable from the heads in reverse topological order and
calls each op's ``backward`` (the same method the Executor calls), summing the gradients
that reach an array by several paths (the nodes and that walk live in ``tape.py``).
Leaf arrays (``attach_grad``) receive the result in ``.grad`` according to their
``grad_req`` ('write', 'add' or 'null'). Afterwards the tape is freed unless
``retain_graph=True``, so memory does not grow from step to step.

``record(train_mode=True)`` also switches training mode, which Dropout and BatchNorm
read; ``pause()`` stops recording inside a recorded block.
"""

import threading

from .base import MXNetError
from .ops.registry import Op
from .tape import TapeNode, _topological_order, parent_of, propagate

__all__ = ["record", "pause", "train_mode", "predict_mode", "is_recording",
           "is_training", "set_recording", "set_training", "backward", "grad",
           "mark_variables", "get_symbol", "Function", "TapeNode"]

class _State(threading.local):
    """Per-thread flags. Class-level defaults make reading a flag a plain attribute
    lookup: ``invoke`` reads them on every op call."""
    recording = False
    training = False


_state = _State()


def is_recording():
    """True inside ``autograd.record()`` (and not inside a ``pause()``)."""
    return _state.recording


def is_training():
    """True in training mode: Dropout drops and BatchNorm uses batch statistics."""
    return _state.training


def set_recording(is_record):
    """Turn recording on or off; returns the previous state."""
    previous = is_recording()
    _state.recording = bool(is_record)
    return previous


def set_training(train_mode):
    """Turn training mode on or off; returns the previous state."""
    previous = is_training()
    _state.training = bool(train_mode)
    return previous


class _Scope:
    """Context manager that sets recording and training flags and restores them."""

    def __init__(self, recording, training):
        self._wanted = (recording, training)
        self._previous = (None, None)

    def __enter__(self):
        recording, training = self._wanted
        previous_recording = set_recording(recording) if recording is not None else None
        previous_training = set_training(training) if training is not None else None
        self._previous = (previous_recording, previous_training)
        return self

    def __exit__(self, *exc):
        previous_recording, previous_training = self._previous
        if previous_recording is not None:
            set_recording(previous_recording)
        if previous_training is not None:
            set_training(previous_training)


def record(train_mode=True):
    """Record operations for ``backward``; by default also enter training mode.

    Example
    -------
    >>> x = mx.nd.ones((2,)); x.attach_grad()
    >>> with mx.autograd.record():
    ...     y = 2 * x
    >>> y.backward()
    """
    return _Scope(True, train_mode)


def pause(train_mode=False):
    """Stop recording inside a ``record()`` block (prediction mode by default)."""
    return _Scope(False, train_mode)


def train_mode():
    """Training mode without changing recording."""
    return _Scope(None, True)


def predict_mode():
    """Prediction mode without changing recording."""
    return _Scope(None, False)


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Compute gradients of ``heads`` and store them in each leaf's ``.grad``.

    Parameters
    ----------
    heads : NDArray or list of NDArray
        Outputs computed under ``record()``.
    head_grads : NDArray or list, optional
        Gradient arriving at each head; ones by default.
    retain_graph : bool
        Keep the tape so ``backward`` can run again.
    train_mode : bool
        Mode in which train-aware ops compute their backward.
    """
    with _Scope(None, train_mode):
        results = propagate(heads, head_grads, retain_graph, into_grads=True)
    for leaf, value in results.values():
        if leaf._grad_req == "null" or leaf._grad is None:
            continue
        target = leaf._grad._data
        if value is target:     # written into place by the op (tape._write_targets)
            leaf._fresh_grad = True
            continue
        value = value.astype(target.dtype, copy=False)
        if leaf._grad_req == "add":
            target += value
        else:
            target[...] = value
        leaf._fresh_grad = True


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False,
         train_mode=True):
    """Return the gradients of ``heads`` with respect to ``variables`` (new arrays).

    Unlike ``backward`` this leaves ``.grad`` untouched.

    Differs from MXNet: ``create_graph=True`` (higher-order gradients) is not supported
    and raises ``MXNetError``.
    """
    from .ndarray.ndarray import NDArray
    if create_graph:
        raise MXNetError("autograd.grad: create_graph=True (higher-order gradients) is "
                         "not supported by dlkit")
    single = isinstance(variables, NDArray)
    variables = [variables] if single else list(variables)
    if retain_graph is None:
        retain_graph = create_graph
    with _Scope(None, train_mode):
        results = propagate(heads, head_grads, retain_graph)
    gradients = []
    for variable in variables:
        found = results.get(id(variable))
        if found is None:
            gradients.append(variable.zeros_like())
        else:
            gradients.append(NDArray(found[1].astype(variable._data.dtype, copy=False),
                                     variable.context))
    return gradients[0] if single else gradients


def mark_variables(variables, gradients, grad_reqs="write"):
    """Mark arrays as leaves whose gradient goes into the given ``gradients`` arrays."""
    from .ndarray.ndarray import NDArray
    if isinstance(variables, NDArray):
        variables, gradients = [variables], [gradients]
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    for variable, gradient, grad_req in zip(variables, gradients, grad_reqs):
        variable._grad = gradient
        variable._grad_req = grad_req
        variable._entry = None


def get_symbol(x):
    """The Symbol of the recorded computation that produced ``x``.

    The tape already is a graph: each node knows its op, its attributes and where
    its inputs came from. ``get_symbol`` copies the part that leads to ``x`` into
    Symbol nodes, so the imperative code can be inspected, saved or bound like a
    symbolic one. Names follow MXNet: op nodes are ``node_<k>`` (``k`` is the
    tape's creation number of the call), leaves with ``attach_grad`` are
    ``var<i>`` and constant inputs ``null<i>``, numbered together. Attributes
    equal to their default are left out, as MXNet records only those given.

    Parameters
    ----------
    x : NDArray
        An output computed under ``autograd.record()``, or a leaf with
        ``attach_grad``.

    Returns
    -------
    Symbol

    Example
    -------
    >>> x = mx.nd.ones((2, 3)); x.attach_grad()
    >>> with mx.autograd.record():
    ...     y = mx.nd.relu(x) * 2
    >>> mx.autograd.get_symbol(y).list_arguments()
    ['var0']

    Differs from MXNet: variables are numbered within the returned Symbol (MXNet
    numbers them process-wide, when ``attach_grad`` is called or a constant is
    first recorded); an op whose inputs are all constants is never on dlkit's tape,
    so its result appears as a ``null`` variable (MXNet records it once one of
    those constants has fed a recorded op); a custom ``autograd.Function`` cannot
    be part of the graph.
    """
    from .symbol.graph import Node
    from .symbol.symbol import Symbol
    entry = parent_of(x)
    if entry is None:
        raise MXNetError("get_symbol: the NDArray is not part of a computation graph. "
                         "Did you forget to turn on recording (autograd.record()) "
                         "or to call attach_grad()?")
    variables = _VariableNames()
    if entry[0] is None:
        return Symbol([(variables.node(entry[1], "var"), 0)])
    nodes = {}
    for tape_node in _topological_order([entry]):
        op = tape_node.op
        if isinstance(op, _FunctionOp):
            raise MXNetError(f"get_symbol: the graph contains the custom "
                             f"autograd.Function {op.name}, which has no symbolic "
                             "form in dlkit")
        inputs = [_symbol_input(tape_node, position, nodes, variables)
                  for position in range(len(tape_node.parents))]
        params = {key: value for key, value in tape_node.attrs.items()
                  if key in op.attrs}
        nodes[tape_node] = Node(op, f"node_{tape_node.number}",
                                _given_attrs(op, params), inputs, params)
    return Symbol([(nodes[entry[0]], entry[1])])


class _VariableNames:
    """One variable node per leaf or constant array, numbered in order of first use
    (``var0``, ``var1``, ``null2`` ...)."""

    def __init__(self):
        self.by_array = {}

    def node(self, array, kind):
        from .symbol.graph import Node
        key = id(array)
        if key not in self.by_array:
            self.by_array[key] = Node(None, f"{kind}{len(self.by_array)}", {})
        return self.by_array[key]


def _symbol_input(tape_node, position, nodes, variables):
    """The Symbol entry of one input of a tape node."""
    parent = tape_node.parents[position]
    if parent is None:        # a constant: the array itself identifies it
        arrays = tape_node.inputs
        array = arrays[position] if arrays is not None else object()  # freed tape
        return (variables.node(array, "null"), 0)
    if parent[0] is None:     # a leaf with attach_grad
        return (variables.node(parent[1], "var"), 0)
    return (nodes[parent[0]], parent[1])


def _given_attrs(op, params):
    """The attributes that differ from the op's defaults, as Symbol JSON strings."""
    from .ops.registry import REQUIRED
    from .symbol.graph import attr_text
    given = {}
    for key, value in params.items():
        default = op.attrs[key][1]
        if default is not REQUIRED and value == default:
            continue
        given[key] = attr_text(op, key, value)
    return given


class _FunctionOp(Op):
    """Adapter that lets a user ``Function`` sit on the tape like a registered op
    (not registered: ``Op`` only gives it the flags every op has, with their
    defaults)."""

    def __init__(self, function):
        self.function = function
        self.name = type(function).__name__

    def num_visible_outputs(self, attrs):
        return attrs["num_outputs"]

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        from .ndarray.ndarray import NDArray
        ctx = attrs["ctx"]
        with pause():
            in_grads = self.function.backward(*[NDArray(g, ctx) for g in out_grads])
        if isinstance(in_grads, NDArray):
            in_grads = [in_grads]
        return [g._data if g is not None else None for g in in_grads]


class Function:
    """A custom differentiable operation written with NDArrays.

    Subclass it and define ``forward(*inputs)`` and ``backward(*out_grads)``; use
    ``self.save_for_backward(...)`` and ``self.saved_tensors`` to keep what backward
    needs.

    Example
    -------
    >>> class Sigmoid(mx.autograd.Function):
    ...     def forward(self, x):
    ...         y = 1 / (1 + mx.nd.exp(-x))
    ...         self.save_for_backward(y)
    ...         return y
    ...     def backward(self, dy):
    ...         y, = self.saved_tensors
    ...         return dy * y * (1 - y)
    """

    def __init__(self):
        self.saved_tensors = ()

    def save_for_backward(self, *arrays):
        self.saved_tensors = arrays

    def forward(self, *inputs):
        raise NotImplementedError

    def backward(self, *out_grads):
        raise NotImplementedError

    def __call__(self, *inputs):
        from .ndarray.ndarray import NDArray
        with pause(train_mode=is_training()):
            outputs = self.forward(*inputs)
        single = isinstance(outputs, NDArray)
        outputs = [outputs] if single else list(outputs)
        if is_recording():
            parents = [parent_of(x) for x in inputs]
            if any(p is not None for p in parents):
                attrs = {"num_outputs": len(outputs), "ctx": outputs[0].context}
                node = TapeNode(_FunctionOp(self), attrs, [x._data for x in inputs],
                                [y._data for y in outputs], parents, is_training())
                outputs = [NDArray(y._data, y.context) for y in outputs]
                for index, output in enumerate(outputs):
                    output._entry = (node, index)
        return outputs[0] if single else outputs
