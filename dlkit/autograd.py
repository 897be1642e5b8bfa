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
that reach an array by several paths. Leaf arrays (``attach_grad``) receive the result
in ``.grad`` according to their ``grad_req`` ('write', 'add' or 'null'). Afterwards the
tape is freed unless ``retain_graph=True``, so memory does not grow from step to step.

``record(train_mode=True)`` also switches training mode, which Dropout and BatchNorm
read; ``pause()`` stops recording inside a recorded block.
"""

import itertools
import operator
import threading

from .base import MXNetError

__all__ = ["record", "pause", "train_mode", "predict_mode", "is_recording",
           "is_training", "set_recording", "set_training", "backward", "grad",
           "mark_variables", "Function", "TapeNode"]

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


class TapeNode:
    """One recorded op call: what ``backward`` needs to send gradients to its inputs.

    ``parents[i]`` says where input ``i`` came from: ``(node, output_index)`` for the
    output of an earlier node, ``(None, array)`` for a leaf with ``attach_grad``, or
    ``None`` for a constant. ``inputs``/``outputs`` are raw NumPy/CuPy arrays. ``xp``
    and ``num_visible`` may be given by the recorder (``invoke`` knows them already) so
    that ``backward`` does not have to work them out again; ``out_grads`` collects the
    gradients that reach this node's outputs while ``backward`` runs.
    """
    __slots__ = ("op", "attrs", "inputs", "outputs", "parents", "is_train", "freed",
                 "xp", "num_visible", "out_grads", "number")
    _counter = itertools.count()

    def __init__(self, op, attrs, inputs, outputs, parents, is_train, xp=None,
                 num_visible=None):
        self.op = op
        self.attrs = attrs
        self.inputs = inputs
        self.outputs = outputs
        self.parents = parents
        self.is_train = is_train
        self.freed = False
        self.xp = xp
        self.num_visible = num_visible
        self.out_grads = None
        self.number = next(TapeNode._counter)  # creation order (see _topological_order)

    def _raise_freed(self):
        raise MXNetError(
            f"backward through operator {self.op.name} a second time: its graph was "
            "freed after the first backward; pass retain_graph=True to the first call")

    def run_backward(self, xp, out_grads, grad_into=None):
        """The op's backward: one gradient per input. ``grad_into`` (for ops that
        write gradients into place) holds, per input, an array to write it into."""
        if self.freed:
            self._raise_freed()
        op = self.op
        if not (op.train_aware or op.skips_unneeded_grads or grad_into):
            return op.backward(xp, self.inputs, self.outputs, out_grads, **self.attrs)
        extra = {}
        if op.train_aware:
            extra["is_train"] = self.is_train
        if op.skips_unneeded_grads:   # a constant input (parent None) needs none
            extra["needs_grad"] = tuple(parent is not None for parent in self.parents)
        if grad_into:
            extra["grad_into"] = grad_into
        return op.backward(xp, self.inputs, self.outputs, out_grads, **extra,
                           **self.attrs)

    def add_out_grad(self, index, grad):
        """Add a gradient for output ``index`` (several consumers may send one)."""
        out_grads = self.out_grads
        if out_grads is None:   # the first gradient to arrive: nothing to add it to
            if self.freed:
                self._raise_freed()
            out_grads = self.out_grads = [None] * len(self.outputs)
            out_grads[index] = grad
            return
        current = out_grads[index]
        out_grads[index] = grad if current is None else current + grad


_creation_number = operator.attrgetter("number")


def parent_of(array):
    """Where an NDArray came from, for a new tape node (see ``TapeNode.parents``)."""
    if array is None:
        return None
    if array._entry is not None:
        return array._entry
    if array._grad_req is not None:
        return (None, array)
    return None


def _topological_order(heads):
    """Nodes reachable from the heads, each after every node that feeds it.

    A node is always created after the nodes that feed it, so sorting the reachable
    nodes by creation number gives a topological order without a second graph walk.
    """
    found = set()    # TapeNode hashes by identity, so nodes go in the set
    stack = [entry[0] for entry in heads if entry[0] is not None]
    while stack:
        node = stack.pop()
        if node in found:
            continue
        found.add(node)
        for parent in node.parents:
            if parent is not None and parent[0] is not None and parent[0] not in found:
                stack.append(parent[0])
    return sorted(found, key=_creation_number)


def _accumulate(store, key, value):
    current = store.get(key)
    store[key] = value if current is None else current + value


def _write_targets(order, entries):
    """``{id(leaf): its .grad array}`` for the leaves whose gradient an op may write
    straight into place (MXNet's ``req='write'`` into the gradient buffer).

    A leaf qualifies when its ``grad_req`` is 'write', exactly one recorded input
    slot uses it (nothing to add up) and that slot's op has ``writes_grads_into``
    (FullyConnected's weight gradient is a GEMM that can write there, which saves
    copying a weight-sized array every step).
    """
    writers = [node for node in order if node.op.writes_grads_into]
    if not writers:
        return {}
    uses = {}
    for parent in itertools.chain(entries, *(node.parents for node in order)):
        if parent is not None and parent[0] is None:
            uses[id(parent[1])] = uses.get(id(parent[1]), 0) + 1
    targets = {}
    for node in writers:
        for parent in node.parents:
            if parent is None or parent[0] is not None or uses[id(parent[1])] != 1:
                continue
            leaf = parent[1]
            if (leaf._grad_req == "write" and leaf._grad is not None
                    and leaf._grad._data.dtype == leaf._data.dtype):
                targets[id(leaf)] = leaf._grad._data
    return targets


def _run_backward(heads, head_grads, retain_graph, train_mode, into_grads=False):
    """Propagate gradients from heads; return {id(leaf): (leaf, gradient array)}.

    ``into_grads``: ops that can may write leaf gradients straight into the leaves'
    ``.grad`` arrays (``backward`` asks for it; ``grad``, which must not touch
    ``.grad``, does not)."""
    if not isinstance(heads, (list, tuple)):       # one NDArray
        heads = [heads]
    if not isinstance(head_grads, (list, tuple)):  # None or one NDArray
        head_grads = [head_grads] * len(heads) if head_grads is None else [head_grads]
    if len(head_grads) != len(heads):
        raise MXNetError(f"backward: got {len(heads)} heads but {len(head_grads)} "
                         "head gradients")
    leaf_grads, leaves = {}, {}
    entries = []
    for head in heads:
        entry = parent_of(head)
        if entry is None:
            raise MXNetError(
                "cannot differentiate with respect to a head that was not computed "
                "under autograd.record() from arrays with attach_grad()"
            )
        entries.append(entry)
    order = _topological_order(entries)
    targets = _write_targets(order, entries) if into_grads else {}
    previous_training = set_training(train_mode) if train_mode is not None else None
    try:
        for head, head_grad, entry in zip(heads, head_grads, entries):
            xp = head.context.xp
            value = xp.ones(head.shape, head._data.dtype) if head_grad is None else \
                head_grad._data
            if entry[0] is None:
                leaves[id(entry[1])] = entry[1]
                _accumulate(leaf_grads, id(entry[1]), value)
            else:
                entry[0].add_out_grad(entry[1], value)
        for node in reversed(order):
            _backward_node(node, leaves, leaf_grads, targets)   # clears its out_grads
    except BaseException:
        for node in order:
            node.out_grads = None   # gradients live only during this backward
        raise
    finally:
        if previous_training is not None:
            set_training(previous_training)
    if not retain_graph:            # free the tape: memory does not grow step by step
        for node in order:
            node.inputs = node.outputs = None
            node.freed = True
    return {key: (leaves[key], value) for key, value in leaf_grads.items()}


def _backward_node(node, leaves, leaf_grads, targets):
    """Run one node's backward and send its input gradients to parents and leaves."""
    out_grads = node.out_grads
    if out_grads is None:    # no gradient reached this node
        return
    node.out_grads = None
    xp = node.xp if node.xp is not None else _xp_of(node)
    visible = node.num_visible
    if visible is None:
        visible = node.op.num_visible_outputs(node.attrs)
    if visible != 1 or len(out_grads) != 1:   # one output reached: nothing to fill
        for i in range(visible):
            if out_grads[i] is None:
                out_grads[i] = xp.zeros_like(node.outputs[i])
    grad_into = None
    if targets and node.op.writes_grads_into:
        grad_into = tuple(None if parent is None or parent[0] is not None
                          else targets.get(id(parent[1])) for parent in node.parents)
    in_grads = node.run_backward(xp, out_grads, grad_into)
    for parent, in_grad in zip(node.parents, in_grads):
        if parent is None or in_grad is None:
            continue
        source = parent[0]
        if source is not None:
            source.add_out_grad(parent[1], in_grad)
        else:
            leaves[id(parent[1])] = parent[1]
            _accumulate(leaf_grads, id(parent[1]), in_grad)


def _xp_of(node):
    for array in node.outputs:
        if array is not None:
            return _module_of(array)
    raise MXNetError(f"operator {node.op.name} recorded no outputs")


def _module_of(array):
    import numpy
    if isinstance(array, numpy.ndarray) or numpy.isscalar(array):
        return numpy
    import cupy
    return cupy


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
    results = _run_backward(heads, head_grads, retain_graph, train_mode,
                            into_grads=True)
    for leaf, value in results.values():
        if leaf._grad_req == "null" or leaf._grad is None:
            continue
        target = leaf._grad._data
        if value is target:          # written into place by the op (_write_targets)
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
    results = _run_backward(heads, head_grads, retain_graph, train_mode)
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


class _FunctionOp:
    """Adapter that lets a user ``Function`` sit on the tape like a registered op."""
    train_aware = False
    skips_unneeded_grads = False

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
