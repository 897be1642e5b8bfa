"""The tape behind ``autograd``: recorded nodes and the backward pass over them.

``invoke`` (ndarray/dispatch.py) appends a ``TapeNode`` for every op it runs while
``autograd.record()`` is on; each node knows its op, its arrays and its ``parents``
(where every input came from). ``propagate`` is the backward pass::

    heads --_topological_order--> nodes, each after every node that feeds it
    for node in reversed(order):  in_grads = op.backward(xp, inputs, outputs, out_grads)
                                  -> added to the parent node's out_grads, or to a leaf

``autograd.backward`` and ``autograd.grad`` (autograd.py) call it and decide what the
leaves' gradients become.
"""
import itertools
import operator
import time

from .base import MXNetError

__all__ = ["TapeNode", "parent_of", "propagate"]

# mx.profiler sets this to its recording function while it runs (profiler/recorder.py)
_profile_hook = None


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
        write gradients into place) holds, per input, an array to write it into.

        ``_backward_node`` calls ``op.backward`` itself for the commonest ops, those
        that take none of the extra keywords below."""
        if self.freed:
            self._raise_freed()
        op = self.op
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


def propagate(heads, head_grads, retain_graph, into_grads=False):
    """Propagate gradients from heads; return {id(leaf): (leaf, gradient array)}.

    ``into_grads``: ops with ``writes_grads_into`` may write a leaf's gradient straight
    into its ``.grad`` array (``autograd.backward`` asks for it; ``autograd.grad``,
    which must not touch ``.grad``, does not). The caller sets the training mode."""
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
    op = node.op
    hook = _profile_hook     # None unless mx.profiler records
    if hook is not None:
        start = time.perf_counter_ns()
    if op.plain_backward:    # most ops: no extra keywords, so call backward directly
        in_grads = op.backward(xp, node.inputs, node.outputs, out_grads, **node.attrs)
    else:
        grad_into = None
        if targets and op.writes_grads_into:
            grad_into = tuple(None if parent is None or parent[0] is not None
                              else targets.get(id(parent[1]))
                              for parent in node.parents)
        in_grads = node.run_backward(xp, out_grads, grad_into)
    if hook is not None:     # MXNet's name for an op's gradient node
        hook("_backward_" + op.name.lstrip("_"), "imperative", start, xp)
    for parent, in_grad in zip(node.parents, in_grads):
        if parent is None or in_grad is None:
            continue
        source = parent[0]
        if source is not None:
            if source.out_grads is None and len(source.outputs) == 1 \
                    and not source.freed:
                source.out_grads = [in_grad]   # add_out_grad's first arrival, inline
            else:
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
