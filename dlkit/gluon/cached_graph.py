"""What ``hybridize()`` does: trace a HybridBlock into a Symbol, run it with an
Executor.

Tracing calls ``hybrid_forward`` once with ``F = dlkit.symbol``, the inputs as
Variables (``data``, or ``data0, data1 ...``) and each Parameter as ``param.var()``; the
ops it calls build a graph instead of computing. Then, per input signature (shapes,
dtypes, context), the graph is bound once::

    block(x)  --first call-->  trace -> Symbol -> bind -> Executor  (kept in a dict)
    block(x)  --every call-->  executor.arg_arrays = [x, weights...]; executor.forward()

Under ``autograd.record()`` the whole graph is ONE tape node. Its ``backward`` hands the
head gradients to the Executor's ``backward`` (the registry ops' backward methods in
reverse order) and returns one gradient per argument; autograd then routes them to the
inputs and the parameters, exactly as for a single op.
"""
from .. import autograd
from ..base import MXNetError
from ..ndarray import NDArray
from ..ops.registry import Op

__all__ = ["CachedGraph", "trace", "infer_param_shapes"]


def _input_variables(count):
    from .. import symbol
    if count == 1:
        return [symbol.var("data")]
    return [symbol.var(f"data{i}") for i in range(count)]


def trace(block, args):
    """Trace ``block`` once with Symbols; returns a ``CachedGraph``."""
    from .. import symbol
    from .hybrid_block import _flatten, _regroup
    flat_args, in_format = _flatten(list(args), "input")
    inputs = _input_variables(len(flat_args))
    grouped = _regroup(inputs, in_format)[0]
    params = {name: param.var() for name, param in block._reg_params.items()}
    with block.name_scope():
        out = block.hybrid_forward(symbol, *grouped, **params)
    flat_out, out_format = _flatten(out, "output")
    output = flat_out[0] if len(flat_out) == 1 else symbol.Group(flat_out)
    graph = CachedGraph(inputs, output, out_format, block.collect_params())
    graph.in_format = in_format     # Block.save writes it into <prefix>-model.json
    return graph


def infer_param_shapes(block, args):
    """Complete a block's parameter shapes with ``Symbol.infer_shape_partial``."""
    graph = trace(block, args)
    flat_args = [a for a in _flatten_args(args)]
    given = {var.name: a.shape for var, a in zip(graph.inputs, flat_args)}
    arg_shapes, _, aux_shapes = graph.output.infer_shape_partial(**given)
    shapes = dict(zip(graph.output.list_arguments(), arg_shapes))
    shapes.update(zip(graph.output.list_auxiliary_states(), aux_shapes))
    for name, param in block.collect_params().items():
        if name in shapes and shapes[name]:
            param.shape = shapes[name]


def _flatten_args(args):
    from .hybrid_block import _flatten
    return _flatten(list(args), "input")[0]


class _GraphOp(Op):
    """Lets a whole traced graph sit on the autograd tape like one registered op
    (not registered: ``Op`` gives it the flags every op has)."""
    writes_grads_into = True      # passed on to the graph's ops (Executor.gradients)

    def __init__(self, graph):
        self.graph = graph
        self.name = "CachedGraph"

    def num_visible_outputs(self, attrs):
        return len(attrs["executor"].outputs)

    def backward(self, xp, inputs, outputs, out_grads, grad_into=None, **attrs):
        executor = attrs["executor"]
        ctx = attrs["ctx"]
        # the executor may have run other calls since: restore this call's values
        executor.restore_forward(attrs["values"])   # (they hold this call's inputs)
        # straight from the ops, not through the executor's grad_arrays: autograd
        # writes them into the Parameters' gradients, and one copy is enough
        grads = executor.gradients([NDArray(grad, ctx) for grad in out_grads],
                                   is_train=attrs["is_train"], grad_into=grad_into)
        return [grad if wants is not None else None
                for grad, wants in zip(grads, executor.grad_arrays)]


class CachedGraph:
    """A traced Symbol plus one bound Executor per input signature."""

    def __init__(self, inputs, output, out_format, params):
        self.inputs = inputs
        self.output = output
        self.out_format = out_format
        self.params = params
        self.arg_names = output.list_arguments()
        self.aux_names = output.list_auxiliary_states()
        data_names = {var.name: index for index, var in enumerate(inputs)}
        self.sources = {}
        for name in self.arg_names + self.aux_names:
            if name in data_names:
                self.sources[name] = data_names[name]
            elif name in params:
                self.sources[name] = params[name]
            else:
                raise MXNetError(f"Unknown input to HybridBlock: {name}; every input "
                                 "of the traced graph must be a data input or a "
                                 "Parameter of the block (use self.params.get)")
        self._params = [p for p in self.sources.values() if not isinstance(p, int)]
        self.executors = {}
        self._op = _GraphOp(self)

    def _finish_deferred(self, block, data):
        """Deferred parameters get their shapes (from the data) and values now."""
        params = self._params
        if all(p._data is not None for p in params):
            return
        if any(not p._shape_known() for p in params):
            block._deferred_infer_shape(*data)
        for param in params:
            param._finish_deferred_init()

    def _arrays(self, names, data, ctx):
        arrays = []
        for name in names:
            source = self.sources[name]
            arrays.append(data[source] if isinstance(source, int) else source.data(ctx))
        return arrays

    def _executor(self, args, auxes, ctx, data_needs):
        """The executor for this input signature; ``data_needs[i]`` says whether data
        input ``i`` wants a gradient (a constant batch of images does not, so the
        first layer skips its data gradient, as MXNet's ``grad_req='null'`` does)."""
        # (the raw arrays' shapes and dtypes: NDArray's properties would convert each)
        key = (ctx, tuple([(a._data.shape, a._data.dtype) for a in args]), data_needs)
        executor = self.executors.get(key)
        if executor is None:
            grads = []
            for name, array in zip(self.arg_names, args):
                source = self.sources[name]
                if isinstance(source, int):
                    wants = data_needs[source]
                else:
                    wants = source.grad_req != "null"
                grads.append(array.zeros_like() if wants else None)
            executor = self.output.bind(ctx, args, args_grad=grads, grad_req="write",
                                        aux_states=auxes)
            self.executors[key] = executor
        return executor

    def __call__(self, block, args):
        if len(args) == 1 and type(args[0]) is NDArray:   # the common call: one array
            data = list(args)
        else:
            data = _flatten_args(args)
            if any(not isinstance(a, NDArray) for a in data if a is not None):
                raise MXNetError("a hybridized block takes NDArrays as inputs")
        ctx = data[0].context
        self._finish_deferred(block, data)
        arg_arrays = self._arrays(self.arg_names, data, ctx)
        aux_arrays = self._arrays(self.aux_names, data, ctx)
        recording = autograd.is_recording()
        data_needs = tuple(recording and autograd.parent_of(array) is not None
                           for array in data)
        executor = self._executor(arg_arrays, aux_arrays, ctx, data_needs)
        executor.arg_arrays = arg_arrays
        executor.aux_arrays = aux_arrays
        is_train = autograd.is_training()
        results = executor.forward(is_train=is_train)
        outputs = [NDArray(result._data, ctx) for result in results]
        if recording:
            self._record(executor, arg_arrays, outputs, ctx, is_train)
        if self.out_format is None:
            return outputs[0] if len(outputs) == 1 else outputs
        if type(self.out_format) is int and self.out_format == 0:
            return outputs[0]                # one output, the common case
        from .hybrid_block import _regroup   # (here: hybrid_block imports this module)
        return _regroup(outputs, self.out_format)[0]

    def _record(self, executor, arg_arrays, outputs, ctx, is_train):
        parents = [autograd.parent_of(array) for array in arg_arrays]
        if all(parent is None for parent in parents):
            return
        attrs = {"executor": executor, "values": executor.saved_forward(), "ctx": ctx,
                 "is_train": is_train}
        node = autograd.TapeNode(self._op, attrs, [a._data for a in arg_arrays],
                                 [o._data for o in outputs], parents, is_train,
                                 ctx.xp, len(outputs))
        for index, output in enumerate(outputs):
            output._entry = (node, index)
