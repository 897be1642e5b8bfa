"""Data parallelism for Module: one Executor per context, each on a slice of the batch.

::

    batch (N rows) --split by work_load_list--> ctx0: rows [0, n0)   -> executor 0
                                                 ctx1: rows [n0, N)   -> executor 1
    forward/backward run on every executor; outputs are concatenated back;
    gradients stay per device and are summed by the kvstore in Module.update.

With a single context (the common case) the whole batch goes to one executor and
nothing is sliced or copied twice.
"""
import numpy as np

from ..base import MXNetError
from ..ndarray.ndarray import concatenate

__all__ = ["DataParallelExecutorGroup", "split_slices"]


def split_slices(batch_size, work_load_list):
    """Cut ``range(batch_size)`` into one slice per device, by workload."""
    total = float(sum(work_load_list))
    sizes = [int(round(batch_size * load / total)) for load in work_load_list]
    sizes[-1] = batch_size - sum(sizes[:-1])
    if min(sizes) <= 0:
        raise MXNetError(
            f"batch size {batch_size} is too small to split over "
            f"{len(work_load_list)} devices with workload {work_load_list}"
        )
    slices, start = [], 0
    for size in sizes:
        slices.append(slice(start, start + size))
        start += size
    return slices


def _sliced_shape(desc, part, batch_axis):
    shape = list(desc.shape)
    shape[batch_axis] = part.stop - part.start
    return tuple(shape)


class DataParallelExecutorGroup:
    """The executors of one bound Module (MXNet's executor group).

    Parameters
    ----------
    symbol : Symbol
    contexts : list of Context
    workload : list of float
    data_shapes, label_shapes : list of DataDesc
    param_names : list of str
        Arguments that are parameters (learned).
    for_training, inputs_need_grad : bool
    fixed_param_names : list of str
        Parameters bound with ``grad_req='null'`` (never updated).
    grad_req : str or dict
    """

    def __init__(self, symbol, contexts, workload, data_shapes, label_shapes,
                 param_names, for_training, inputs_need_grad, fixed_param_names=None,
                 grad_req="write", state_names=None, shared_group=None):
        self.symbol = symbol
        self.contexts = contexts
        self.workload = workload
        self.param_names = param_names
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.fixed_param_names = set(fixed_param_names or [])
        self.state_names = list(state_names or [])
        self.arg_names = symbol.list_arguments()
        self.aux_names = symbol.list_auxiliary_states()
        # asked once: update_metric pairs outputs with these names after every batch
        self.output_names = symbol.list_outputs()
        self.grad_req = self._grad_req_dict(grad_req, data_shapes, label_shapes)
        self.shared_group = shared_group
        self.execs = []
        self.bind_exec(data_shapes, label_shapes)

    def _grad_req_dict(self, grad_req, data_shapes, label_shapes):
        """MXNet's rule: parameters get ``grad_req`` (fixed ones 'null'), inputs get
        'write' only when ``inputs_need_grad``; nothing gets gradients for inference."""
        input_names = ([d.name for d in data_shapes]
                       + [d.name for d in label_shapes or []])
        requests = {}
        for name in self.arg_names:
            if not self.for_training:
                requests[name] = "null"
            elif name in self.param_names:
                wanted = (
                    grad_req.get(name, "write")
                    if isinstance(grad_req, dict)
                    else grad_req
                )
                requests[name] = "null" if name in self.fixed_param_names else wanted
            elif name in input_names and name in [d.name for d in data_shapes]:
                requests[name] = "write" if self.inputs_need_grad else "null"
            else:
                requests[name] = "null"
        return requests

    # ---- binding ----
    def bind_exec(self, data_shapes, label_shapes, reshape=False):
        """Create (or reshape) one executor per context for these input shapes."""
        self.data_shapes = list(data_shapes)
        self.label_shapes = list(label_shapes) if label_shapes else []
        self.batch_size = self.data_shapes[0].shape[self.data_shapes[0].get_batch_axis(
            self.data_shapes[0].layout)]
        self.slices = split_slices(self.batch_size, self.workload)
        self.data_names = [d.name for d in self.data_shapes]
        self.label_names = [d.name for d in self.label_shapes]
        previous = self.execs
        self.execs = []
        for index, ctx in enumerate(self.contexts):
            shapes = {}
            for desc in self.data_shapes + self.label_shapes:
                axis = desc.get_batch_axis(desc.layout)
                shapes[desc.name] = _sliced_shape(desc, self.slices[index], axis)
            if reshape and previous:
                executor = previous[index].reshape(allow_up_sizing=True, **shapes)
            elif self.shared_group is not None:
                executor = self._bind_shared(index, ctx, shapes)
            else:
                types = {d.name: d.dtype for d in self.data_shapes + self.label_shapes}
                executor = self.symbol.simple_bind(ctx=ctx, grad_req=self.grad_req,
                                                   type_dict=types, **shapes)
            self.execs.append(executor)
        if previous and reshape:
            self._share_params(previous)
        self.param_arrays = [
            [e.arg_dict[n] for e in self.execs] for n in self.param_names
        ]
        self.grad_arrays = [[e.grad_dict.get(n) for e in self.execs]
                            for n in self.param_names]
        self.aux_arrays = [[e.aux_dict[n] for e in self.execs] for n in self.aux_names]
        self.data_arrays = [
            [(s, e.arg_dict[n]) for s, e in zip(self.slices, self.execs)]
            for n in self.data_names
        ]
        self.label_arrays = [
            [(s, e.arg_dict[n]) for s, e in zip(self.slices, self.execs)]
            for n in self.label_names
        ]
        self.input_grad_arrays = [[e.grad_dict.get(n) for e in self.execs]
                                  for n in self.data_names]

    def _bind_shared(self, index, ctx, shapes):
        """Bind with the shared group's parameter arrays themselves (same memory), as
        BucketingModule needs: every bucket updates one set of parameters."""
        from ..ndarray.ndarray import zeros
        shared = self.shared_group.execs[index]
        arg_shapes, _, aux_shapes = self.symbol.infer_shape(**shapes)
        args, grads = {}, {}
        for name, shape in zip(self.arg_names, arg_shapes):
            reuse = name in self.param_names and name in shared.arg_dict and \
                shared.arg_dict[name].shape == tuple(shape)
            args[name] = shared.arg_dict[name] if reuse else zeros(shape, ctx)
            if self.grad_req[name] != "null":
                grads[name] = shared.grad_dict[name] if reuse and \
                    shared.grad_dict.get(name) is not None else zeros(shape, ctx)
        aux = {
            name: (
                shared.aux_dict[name] if name in shared.aux_dict else zeros(shape, ctx)
            )
            for name, shape in zip(self.aux_names, aux_shapes)
        }
        return self.symbol.bind(ctx, args, args_grad=grads, grad_req=self.grad_req,
                                aux_states=aux)

    def _share_params(self, previous):
        """Keep parameter values when executors are rebuilt for new shapes."""
        for old, new in zip(previous, self.execs):
            for name in self.param_names + self.aux_names:
                source = old.arg_dict.get(name, old.aux_dict.get(name))
                target = new.arg_dict.get(name, new.aux_dict.get(name))
                if source is not None and target is not None and source is not target:
                    source.copyto(target)

    def reshape(self, data_shapes, label_shapes):
        """Rebind for new input shapes, keeping parameters."""
        self.bind_exec(data_shapes, label_shapes, reshape=True)

    # ---- parameters ----
    def set_params(self, arg_params, aux_params, allow_extra=False):
        """Copy parameter values into every executor."""
        for executor in self.execs:
            executor.copy_params_from(arg_params, aux_params,
                                      allow_extra_params=allow_extra)

    def get_params(self, arg_params, aux_params):
        """Average each parameter over devices into the given (cpu) arrays."""
        for name, block in zip(self.param_names, self.param_arrays):
            _average_into(block, arg_params[name])
        for name, block in zip(self.aux_names, self.aux_arrays):
            _average_into(block, aux_params[name])

    # ---- computation ----
    def forward(self, data_batch, is_train=None):
        """Copy the batch's slices into the executors and run forward."""
        if is_train is None:
            is_train = self.for_training
        _load_slices(data_batch.data, self.data_arrays, "data")
        if self.label_arrays and data_batch.label:
            _load_slices(data_batch.label, self.label_arrays, "label")
        for executor in self.execs:
            executor.forward(is_train=is_train)

    def backward(self, out_grads=None):
        """Run backward on every executor (slicing ``out_grads`` per device)."""
        if not self.for_training:
            raise MXNetError("Module.backward: the module was bound with "
                             "for_training=False; re-bind with for_training=True")
        for index, executor in enumerate(self.execs):
            part = None
            if out_grads is not None:
                part = [_slice_rows(g, self.slices[index]) for g in out_grads]
            executor.backward(out_grads=part)

    def get_outputs(self, merge_multi_context=True):
        """Outputs per output name: merged over devices, or lists per device."""
        outputs = [[e.outputs[i] for e in self.execs]
                   for i in range(len(self.execs[0].outputs))]
        if merge_multi_context:
            return [_merge(block) for block in outputs]
        return outputs

    def get_input_grads(self, merge_multi_context=True):
        """Gradients with respect to the data inputs (needs ``inputs_need_grad``)."""
        if not self.inputs_need_grad:
            raise MXNetError(
                "get_input_grads: bind the module with inputs_need_grad=True"
            )
        if merge_multi_context:
            return [_merge(block) for block in self.input_grad_arrays]
        return self.input_grad_arrays

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """Update ``eval_metric`` with each device's outputs and its slice of labels."""
        for index, (executor, part) in enumerate(zip(self.execs, self.slices)):
            if pre_sliced:
                labels_slice = labels[index]
            elif len(self.execs) == 1:
                labels_slice = labels
            else:
                labels_slice = [_slice_rows(label, part) for label in labels]
            label_dict = dict(zip(self.label_names or
                                  [f"label{i}" for i in range(len(labels_slice))],
                                  labels_slice))
            pred_dict = dict(zip(self.output_names, executor.outputs))
            eval_metric.update_dict(label_dict, pred_dict)

    def install_monitor(self, monitor):
        for executor in self.execs:
            monitor.install(executor)


def _slice_rows(array, part):
    if part.start == 0 and part.stop == array.shape[0]:
        return array
    return array[part]


def _load_slices(batch_arrays, targets, what):
    if len(batch_arrays) != len(targets):
        raise MXNetError(f"Module.forward: the batch has {len(batch_arrays)} {what} "
                         f"arrays but the module was bound with {len(targets)}")
    for source, block in zip(batch_arrays, targets):
        for part, target in block:
            piece = _slice_rows(source, part)
            if isinstance(piece, np.ndarray):
                target[:] = piece
            elif piece.shape != target.shape:
                raise MXNetError(
                    f"Module.forward: {what} of shape {piece.shape} does not "
                    f"fit the bound shape {target.shape}"
                )
            else:
                piece.copyto(target)


def _merge(block):
    if len(block) == 1:
        return block[0]
    return concatenate([array.as_in_context(block[0].context) for array in block])


def _average_into(block, target):
    total = block[0].as_in_context(target.context).copy()
    for array in block[1:]:
        total += array.as_in_context(target.context)
    if len(block) > 1:
        total /= len(block)
    target[:] = total.astype(target.dtype)
