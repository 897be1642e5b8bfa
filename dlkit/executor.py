"""Executor: a Symbol bound to arrays, run with the registry's forward and backward.

Binding turns the graph into a *plan*, computed once: the nodes in topological order,
each with its op, its parsed attributes and the numbered slots its inputs come from and
its outputs go to. ``forward`` and ``backward`` then only walk the plan::

    slots:  0 data   1 fc1_weight   2 fc1_bias   3 fc1_output   4 act_output
    plan:   [fc1: FullyConnected  in (0, 1, 2) -> out (3,)]
            [act: Activation      in (3,)      -> out (4,)]
    forward:  for each step in order     outputs = op.forward(xp, *inputs, **attrs)
    backward: for each step reversed     in_grads = op.backward(xp, inputs, outputs,
                                                                out_grads, **attrs)

These are the same ``forward``/``backward`` methods ``mx.nd`` and ``autograd`` call, so
the two front ends cannot disagree. Arrays: ``arg_arrays`` (inputs and parameters),
``grad_arrays`` (filled by ``backward`` according to ``grad_req``: 'write', 'add' or
'null'), ``aux_arrays`` (BatchNorm's moving statistics, updated in place in training)
and ``outputs`` (the same NDArray objects after every forward; their contents change).

Lifecycle: ``bind``/``simple_bind`` -> ``forward(is_train=True)`` -> ``backward()`` ->
read ``grad_dict``, update ``arg_dict`` -> repeat. Read it in lesson "Symbols".
"""
import time

from .base import MXNetError
from .ndarray.ndarray import NDArray
from .symbol.graph import auxiliary_nodes, topological_nodes

__all__ = ["Executor"]

# mx.profiler sets this to its recording function while it runs (profiler/recorder.py)
_profile_hook = None


class Step:
    """One node of the plan: an op call with its parsed attributes and slot numbers."""
    __slots__ = ("node", "op", "params", "inputs", "outputs", "train_aware", "backward",
                 "needs_grad", "into_args", "visible")

    def __init__(self, node, inputs, outputs):
        self.node = node
        self.op = node.op
        self.params = node.params
        self.inputs = inputs
        self.outputs = outputs
        self.train_aware = node.op.train_aware
        self.visible = node.op.num_visible_outputs(node.params)   # outputs with grads
        # set when some input leads to an array that wants a gradient
        self.backward = False
        self.needs_grad = None   # per input, for ops with skips_unneeded_grads
        # per input, the argument whose gradient this op may write into place (an
        # index into grad_arrays) or None; set for ops with writes_grads_into
        self.into_args = None


class Executor:
    """A bound Symbol: arrays for every input, a plan, and forward/backward.

    Made by ``Symbol.bind`` or ``Symbol.simple_bind``, not directly.

    Example
    -------
    >>> a, b = mx.sym.Variable("a"), mx.sym.Variable("b")
    >>> exe = (a * b).bind(mx.cpu(), {"a": mx.nd.ones(2), "b": mx.nd.ones(2) * 3})
    >>> exe.forward()[0].asnumpy()
    array([3., 3.], dtype=float32)
    """

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Notebook display: plain text (MXNet's repr) plus a table of its arrays (see
        widgets/display.py)."""
        from .widgets.display import executor_mimebundle
        return executor_mimebundle(self)

    def __init__(self, symbol, ctx, arg_arrays, grad_arrays, grad_reqs, aux_arrays,
                 shapes, types=None):
        self._symbol = symbol
        self._ctx = ctx
        self.arg_arrays = list(arg_arrays)
        self.grad_arrays = list(grad_arrays)
        self.aux_arrays = list(aux_arrays)
        self._grad_reqs = list(grad_reqs)
        self._arg_names = symbol.list_arguments()
        self._aux_names = symbol.list_auxiliary_states()
        self._output_names = symbol.list_outputs()
        self._shapes = shapes
        self._make_plan()
        # before the first forward the outputs are zeros of the inferred shape and
        # dtype (``types``, from bind's inference; float32 where unknown), as MXNet
        # allocates them; a size known only when the op runs (boolean_mask's rows,
        # None) starts at 0
        types = types or {}
        self.outputs = [NDArray(ctx.xp.zeros(tuple(dim or 0 for dim in
                                                   self._entry_shape(entry)),
                                             types.get((id(entry[0]), entry[1]))
                                             or "float32"), ctx)
                        for entry in symbol._outputs]
        self._values = None
        self._is_train = False
        self._monitor = None
        self._monitor_all = False

    # ---- the plan ----
    def _make_plan(self):
        nodes = topological_nodes(self._symbol._outputs)
        slot_of, steps = {}, []
        for node in nodes:
            for index in range(node.num_outputs()):
                slot_of[(id(node), index)] = len(slot_of)
            if node.op is None:
                continue
            inputs = [slot_of[(id(src), i)] for src, i in node.inputs]
            outputs = [slot_of[(id(node), i)] for i in range(node.num_outputs())]
            step = Step(node, inputs, outputs)
            inferred = self._shapes.get((id(node), 0))
            completed = inferred is not None and None not in inferred
            if not node.inputs and "shape" in step.params and completed:
                # a zero-input op (sym.zeros, a sampler) may leave dimensions to shape
                # inference (MXNet's 0); it makes what inference completed
                step.params = dict(step.params, shape=tuple(inferred))
            steps.append(step)
        aux = auxiliary_nodes(nodes)
        self._arg_slots = [slot_of[(id(n), 0)] for n in nodes
                           if n.op is None and id(n) not in aux]
        self._aux_slots = [slot_of[(id(n), 0)] for n in nodes
                           if n.op is None and id(n) in aux]
        self._head_slots = [slot_of[(id(node), i)] for node, i in self._symbol._outputs]
        self._head_nodes = [node for node, _ in self._symbol._outputs]
        self._variable_slots = set(self._arg_slots) | set(self._aux_slots)
        self._slot_count = len(slot_of)
        self._steps = steps
        self._slot_of = slot_of
        wants = {slot for slot, req in zip(self._arg_slots,
                                           self._grad_reqs) if req != "null"}
        for step in steps:  # forward order: a step needs backward if an input does
            if any(slot in wants for slot in step.inputs):
                step.backward = True
                wants.update(step.outputs)
            if step.op.skips_unneeded_grads:
                step.needs_grad = tuple(slot in wants for slot in step.inputs)
        self._wants_grad = wants
        self._plan_writes_into()

    def _plan_writes_into(self):
        """Which steps may write an argument's gradient straight into its array.

        Only where the argument is read by exactly one input slot of the whole graph
        (its gradient is then that op's result alone, nothing to add up) and that op
        has ``writes_grads_into``: FullyConnected writes its weight gradient GEMM into
        ``grad_arrays`` with no copy (see Op in ops/registry.py).
        """
        uses = {}
        for slot in [s for step in self._steps for s in step.inputs] + self._head_slots:
            uses[slot] = uses.get(slot, 0) + 1
        arg_of_slot = {slot: index for index, slot in enumerate(self._arg_slots)}
        for step in self._steps:
            if step.backward and step.op.writes_grads_into:
                step.into_args = tuple(
                    arg_of_slot.get(slot) if uses[slot] == 1 else None
                    for slot in step.inputs)

    def _entry_shape(self, entry):
        shape = self._shapes.get((id(entry[0]), entry[1]))
        return tuple(shape) if shape is not None else ()

    @property
    def plan(self):
        """The steps in execution order: op, node name, input names, output shapes."""
        rows = []
        for step in self._steps:
            node = step.node
            rows.append({"name": node.name, "op": step.op.name,
                         "inputs": [src.output_name(i) for src, i in node.inputs],
                         "attrs": dict(node.attrs),
                         "output_shapes": [self._entry_shape((node, i))
                                           for i in range(node.num_outputs())]})
        return rows

    # ---- dictionaries ----
    @property
    def arg_dict(self):
        return dict(zip(self._arg_names, self.arg_arrays))

    @property
    def grad_dict(self):
        return dict(zip(self._arg_names, self.grad_arrays))

    @property
    def aux_dict(self):
        return dict(zip(self._aux_names, self.aux_arrays))

    @property
    def output_dict(self):
        return dict(zip(self._output_names, self.outputs))

    # ---- running ----
    def forward(self, is_train=False, **kwargs):
        """Run the graph; keyword arrays are first copied into the same-named arguments.

        Returns ``outputs`` (a list of NDArrays, the same objects every time).
        """
        if kwargs:
            arg_dict = self.arg_dict
            for name, value in kwargs.items():
                if name not in arg_dict:
                    raise MXNetError(f"Executor.forward: unknown argument {name!r}; "
                                     f"the arguments are {self._arg_names}")
                _copy_into(arg_dict[name], value, f"argument {name!r}")
        values = [None] * self._slot_count
        for slot, array in zip(self._arg_slots, self.arg_arrays):
            values[slot] = array._data
        for slot, array in zip(self._aux_slots, self.aux_arrays):
            # the array itself: ops update aux states in place
            values[slot] = array._data
        xp = self._ctx.xp
        hook = _profile_hook   # None unless mx.profiler records
        for step in self._steps:
            inputs = [values[slot] for slot in step.inputs]
            if self._monitor_all:
                self._report_inputs(step, inputs)
            if hook is not None:
                start = time.perf_counter_ns()
            if step.train_aware:
                results = step.op.forward(xp, *inputs, is_train=is_train, **step.params)
            else:
                results = step.op.forward(xp, *inputs, **step.params)
            if hook is not None:
                hook(step.op.name, "symbolic", start, xp)
            if not isinstance(results, (tuple, list)):
                results = (results,)
            for slot, result in zip(step.outputs, results):
                values[slot] = result
            if self._monitor is not None:
                self._report_outputs(step, results)
        for output, slot in zip(self.outputs, self._head_slots):
            data = values[slot]
            # an output that is an argument itself is copied: its array is the user's
            output._data = data.copy() if slot in self._variable_slots else data
        self._values = values
        self._is_train = bool(is_train)
        return self.outputs

    def saved_forward(self):
        """The intermediate values of the last forward: what ``backward`` reads."""
        return self._values

    def restore_forward(self, values):
        """Make ``backward`` use an earlier forward's ``values`` (from
        ``saved_forward``).

        Autograd needs this for hybridized Gluon blocks: a recorded call may be
        differentiated after the same executor ran other calls, in either mode.
        """
        self._values = values
        self._is_train = True

    def backward(self, out_grads=None, is_train=True):
        """Gradients of the outputs w.r.t. the arguments, into ``grad_arrays``.

        ``out_grads``: one NDArray per output; may be omitted for loss heads
        (``SoftmaxOutput``...), whose backward ignores it.

        Differs from MXNet: backward after ``forward(is_train=False)`` raises (MXNet
        runs it with the prediction-mode forward values).
        """
        grad_into = [target._data if req == "write" and target is not None
                     and target.dtype == arg.dtype else None
                     for req, target, arg in zip(self._grad_reqs, self.grad_arrays,
                                                 self.arg_arrays)]
        self._store_gradients(self.gradients(out_grads, is_train, grad_into))

    def gradients(self, out_grads=None, is_train=True, grad_into=None):
        """What ``backward`` computes, returned instead of stored: one array (or None)
        per argument, in ``list_arguments()`` order, before any ``grad_req``.

        Hybridized Gluon blocks call this: autograd writes the gradients into the
        Parameters itself, so copying them into ``grad_arrays`` first would be waste.
        ``grad_into`` (one array or None per argument) lets ops that can write a
        gradient straight into that array; it is then the array returned for it.
        """
        if self._values is None:
            raise MXNetError("Executor.backward: call forward(is_train=True) first")
        if not self._is_train:
            raise MXNetError("Executor.backward: the last forward ran with "
                             "is_train=False; call forward(is_train=True) before "
                             "backward()")
        xp = self._ctx.xp
        values = self._values
        grads = [None] * self._slot_count
        hook = _profile_hook   # None unless mx.profiler records
        for slot, head in zip(self._head_slots, self._head_gradients(out_grads)):
            grads[slot] = head if grads[slot] is None else grads[slot] + head
        for step in reversed(self._steps):
            if not step.backward:
                continue
            out_grads_now = [grads[slot] for slot in step.outputs]
            if len(out_grads_now) == 1:   # the common case: one output
                if out_grads_now[0] is None:
                    continue              # no gradient reached this step
            elif all(grad is None for grad in out_grads_now):
                continue
            else:
                for index in range(step.visible):
                    if out_grads_now[index] is None:
                        output = values[step.outputs[index]]
                        out_grads_now[index] = xp.zeros_like(output)
            inputs = [values[slot] for slot in step.inputs]
            outputs = [values[slot] for slot in step.outputs]
            extra = {}
            if step.train_aware:
                extra["is_train"] = is_train
            if step.needs_grad is not None:
                extra["needs_grad"] = step.needs_grad
            if step.into_args is not None and grad_into is not None:
                extra["grad_into"] = tuple(None if index is None else grad_into[index]
                                           for index in step.into_args)
            if hook is not None:
                start = time.perf_counter_ns()
            in_grads = step.op.backward(xp, inputs, outputs, out_grads_now, **extra,
                                        **step.params)
            if hook is not None:   # MXNet's name for an op's gradient node
                name = "_backward_" + step.op.name.lstrip("_")
                hook(name, "symbolic", start, xp)
            for slot, grad in zip(step.inputs, in_grads):
                if grad is None or slot not in self._wants_grad:
                    continue
                grads[slot] = grad if grads[slot] is None else grads[slot] + grad
        return [grads[slot] for slot in self._arg_slots]

    def _head_gradients(self, out_grads):
        if isinstance(out_grads, NDArray):
            out_grads = [out_grads]
        if out_grads is not None and len(out_grads) != len(self.outputs):
            raise MXNetError(f"Executor.backward: got {len(out_grads)} out_grads for "
                             f"{len(self.outputs)} outputs {self._output_names}")
        heads = []
        for index, (node, output) in enumerate(zip(self._head_nodes, self.outputs)):
            given = None if out_grads is None else out_grads[index]
            if given is not None:
                if given.shape != output.shape:
                    raise MXNetError(f"Executor.backward: out_grads[{index}] has shape "
                                     f"{given.shape} but output "
                                     f"{self._output_names[index]} has shape "
                                     f"{output.shape}")
                heads.append(given._data)
            elif node.op is not None and node.op.loss_head(node.params):
                heads.append(self._ctx.xp.ones_like(output._data))  # ignored by the op
            else:
                raise MXNetError(
                    f"Executor.backward: output {self._output_names[index]} is not a "
                    "loss head, so its gradient (out_grads) is required. To minimise "
                    "the output itself, end the graph with mx.sym.MakeLoss")
        return heads

    def _store_gradients(self, grads):
        for grad, req, target in zip(grads, self._grad_reqs, self.grad_arrays):
            if req == "null" or target is None or grad is target._data:
                continue     # (an op wrote this one into place already)
            if grad is None:
                if req == "write":
                    target._data[...] = 0
                continue
            if req == "add":
                target._data += grad.astype(target._data.dtype, copy=False)
            else:
                target._data[...] = grad

    # ---- monitoring and inspection ----
    def set_monitor_callback(self, callback, monitor_all=False):
        """Call ``callback(name, NDArray)`` with every op output (and input if
        ``monitor_all``) during forward.

        Differs from MXNet: the callback gets a ``str`` name and an ``NDArray`` (MXNet
        passes bytes and a C handle that ``mx.mon.Monitor`` converts).
        """
        self._monitor = callback
        self._monitor_all = bool(monitor_all)

    def _report_inputs(self, step, inputs):
        for name, data in zip(step.node.input_names(), inputs):
            self._monitor(f"{step.node.name}_{name}", NDArray(data, self._ctx))

    def _report_outputs(self, step, results):
        for index in range(step.op.num_visible_outputs(step.params)):
            output = NDArray(results[index], self._ctx)
            self._monitor(step.node.output_name(index), output)

    def memory_summary(self):
        """Bytes held in arguments, gradients, aux states and intermediate results."""
        def size(arrays):
            return int(sum(a._data.nbytes for a in arrays if a is not None))
        variable_slots = set(self._arg_slots) | set(self._aux_slots)
        intermediate = 0
        if self._values is not None:
            intermediate = int(sum(v.nbytes for slot, v in enumerate(self._values)
                                   if slot not in variable_slots and v is not None))
        summary = {"arguments": size(self.arg_arrays),
                   "gradients": size(self.grad_arrays),
                   "aux_states": size(self.aux_arrays), "intermediate": intermediate}
        summary["total"] = sum(summary.values())
        return summary

    def debug_str(self):
        """A text listing of the plan (MXNet prints its internal graph similarly)."""
        lines = ["Symbol Outputs:"]
        lines += [f"\toutput[{i}]={n}" for i, n in enumerate(self._output_names)]
        for node in topological_nodes(self._symbol._outputs):
            if node.op is None:
                lines.append(f"Variable:{node.name}")
                continue
            lines += ["--------------------", f"Op:{node.op.name}, Name={node.name}",
                      "Inputs:"]
            lines += [f"\targ[{i}]={src.name}({index})"
                      for i, (src, index) in enumerate(node.inputs)]
            if node.attrs:
                lines += ["Attrs:"] + [f"\t{k}={v}" for k,
                                       v in sorted(node.attrs.items())]
        total = self.memory_summary()["total"]
        lines.append(f"Total {total // (1 << 20)} MB allocated")
        return "\n".join(lines) + "\n"

    # ---- parameters and reshaping ----
    def copy_params_from(self, arg_params, aux_params=None, allow_extra_params=False):
        """Copy arrays into the arguments (and aux states) of the same name."""
        for params, targets, kind in ((arg_params, self.arg_dict, "argument"),
                                      (aux_params or {}, self.aux_dict, "aux state")):
            for name, value in params.items():
                if name in targets:
                    _copy_into(targets[name], value, f"{kind} {name!r}")
                elif not allow_extra_params:
                    raise MXNetError(f"copy_params_from: {name!r} is not an {kind} of "
                                     f"this executor ({sorted(targets)}); pass "
                                     "allow_extra_params=True to skip it")

    def reshape(self, partial_shaping=False, allow_up_sizing=False, **kwargs):
        """A new Executor for new input shapes, sharing arrays whose shape is unchanged.
        """
        from .symbol.bind import reshape
        return reshape(self, partial_shaping, allow_up_sizing, kwargs)


def _copy_into(target, value, what):
    """Copy an NDArray or NumPy array into ``target``, checking the shape."""
    source = value._data if isinstance(value, NDArray) else value
    shape = tuple(getattr(source, "shape", ()))
    if shape != target.shape:
        raise MXNetError(f"{what}: shape mismatch, the executor holds {target.shape} "
                         f"but got {shape}; use Executor.reshape for new shapes")
    target[:] = value if isinstance(value, NDArray) else source
