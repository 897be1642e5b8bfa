"""``HybridBlock``: a block written once with ``F``, run imperatively or as a graph.

``hybrid_forward(F, x, *args, **params)`` receives ``F = dlkit.ndarray`` and NDArrays,
or ``F = dlkit.symbol`` and Symbols; the parameters arrive as keyword arguments. Its
life::

    net = nn.HybridSequential(); net.add(...); net.initialize()
    net(x)              imperative: every layer calls F.<op> on NDArrays (tape per op)
    net.hybridize()
    net(x)              first call per input signature: trace hybrid_forward with
                        Symbols -> one Symbol -> bind an Executor (``cached_graph.py``)
    net(x)              later calls: run that Executor; under autograd.record() the
                        whole graph is ONE tape node whose backward runs the
                        Executor's backward

Deferred initialization: a parameter whose shape has an unknown 0 is completed at the
first call, by the layer's ``infer_shape`` (which asks the registry op, such as
``FullyConnected.infer_shape``) or, for a whole traced graph, by ``Symbol.infer_shape``.
``SymbolBlock`` runs a Symbol made elsewhere (``SymbolBlock.imports`` reads an
``export``-ed model).
"""
import warnings

from .. import autograd, ndarray
from ..base import MXNetError
from ..ndarray import NDArray
from ..ops.registry import get_op
from .block import Block
from .parameter import DeferredInitializationError, Parameter, shape_with_none

__all__ = ["HybridBlock", "SymbolBlock", "complete_shapes"]


def complete_shapes(op_name, inputs, **attrs):
    """Fill in the unknown dimensions of Parameters from the registry op's shape rule.

    ``inputs`` lists the op's inputs in order: NDArrays (known shapes) and Parameters
    (shape may contain 0). ``complete_shapes('FullyConnected', [x, weight, bias],
    num_hidden=10)`` sets ``weight.shape`` to ``(10, x.shape[1])``.
    """
    op = get_op(op_name)
    parsed = op.parse_attrs(attrs)
    in_shapes = []
    for value in inputs:
        if isinstance(value, Parameter):
            in_shapes.append(shape_with_none(value.shape))
        elif value is None:
            in_shapes.append(None)
        else:
            in_shapes.append(tuple(value.shape))
    completed, _ = op.infer_shape(in_shapes, **parsed)
    for value, shape in zip(inputs, completed):
        if isinstance(value, Parameter) and shape is not None:
            value.shape = shape


def _flatten(args, what):
    """Nested lists of arrays/symbols -> a flat list and a format to rebuild them."""
    if not isinstance(args, (list, tuple)):  # a leaf: an array, a Symbol or None
        return [args], int(0)
    flat, formats = [], []
    for item in args:
        items, fmt = _flatten(item, what)
        flat.extend(items)
        formats.append(fmt)
    return flat, formats


def _regroup(flat, fmt):
    """The inverse of ``_flatten``: returns ``(rebuilt, remaining flat items)``."""
    if isinstance(fmt, int):
        if fmt == 0:
            return flat[0], flat[1:]
        return flat[:fmt], flat[fmt:]
    rebuilt = []
    for item_fmt in fmt:
        item, flat = _regroup(flat, item_fmt)
        rebuilt.append(item)
    return rebuilt, flat


class _Imperative:
    """Run a block and its children imperatively, unrecorded, for a moment."""

    def __init__(self, block):
        self._block = block
        self._active = []
        self._pause = autograd.pause()

    def __enter__(self):
        self._pause.__enter__()
        self._block.apply(self._deactivate)

    def _deactivate(self, block):
        if getattr(block, "_active", False):
            self._active.append(block)
            block._active = False

    def __exit__(self, *exc):
        for block in self._active:
            block._active = True
        self._pause.__exit__(*exc)


class HybridBlock(Block):
    """A Block whose computation is ``hybrid_forward(F, x, *args, **params)``.

    Example
    -------
    >>> class Scale(mx.gluon.HybridBlock):
    ...     def __init__(self, **kwargs):
    ...         super().__init__(**kwargs)
    ...         self.k = self.params.get('k', shape=(1,), init=mx.init.One())
    ...     def hybrid_forward(self, F, x, k):
    ...         return F.broadcast_mul(x, k)
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._active = False
        self._flags = {}
        self._cached_graph = None

    def register_child(self, block, name=None):
        if not isinstance(block, HybridBlock):
            raise ValueError(
                f"Children of HybridBlock must also be HybridBlock, but {block} has "
                f"type {type(block)}. If you are using Sequential, please try "
                "HybridSequential instead.")
        super().register_child(block, name)
        self._clear_cached_op()

    def _clear_cached_op(self):
        self._cached_graph = None

    def hybridize(self, active=True, static_alloc=False, static_shape=False, **kwargs):
        """Run as one traced graph from the next call on (``active=False`` undoes it).

        ``static_alloc``/``static_shape`` are accepted for compatibility; dlkit's
        Executor always reuses its arrays for one input signature.
        """
        self._active = active
        self._flags = {"static_alloc": static_alloc, "static_shape": static_shape}
        self._clear_cached_op()
        if active and (self._forward_hooks or self._forward_pre_hooks):
            warnings.warn(f'"{self}" is being hybridized while still having forward '
                          f'hook/pre-hook. If "{self}" is a child of HybridBlock, the '
                          "hooks will not take effect.", stacklevel=2)
        super().hybridize(active, static_alloc=static_alloc, static_shape=static_shape,
                          **kwargs)

    def cast(self, dtype):
        self._clear_cached_op()
        super().cast(dtype)

    # ---- running ----
    def forward(self, x, *args):
        """Dispatch on the input type: NDArrays run now, Symbols build a graph."""
        if type(x) is NDArray and all(type(arg) is NDArray for arg in args):
            # the common calls, net(x) and loss(out, label): nothing to sort
            ctx = x.context
        else:
            from .. import symbol
            flat = [value for value in _flatten([x, *args],
                                                "input")[0] if value is not None]
            has_symbol = any(isinstance(value, symbol.Symbol) for value in flat)
            has_ndarray = any(isinstance(value, NDArray) for value in flat)
            if has_symbol and has_ndarray:
                raise ValueError("In HybridBlock, we do not support mixed NDArrays and "
                                 "Symbols types for the input. Please check the type "
                                 "of the args.")
            if not has_symbol and not has_ndarray:
                raise ValueError("In HybridBlock, there must be one NDArray or one "
                                 "Symbol in the input.")
            if has_symbol:
                params = {name: param.var() for name, param in self._reg_params.items()}
                with self.name_scope():
                    return self.hybrid_forward(symbol, x, *args, **params)
            ctx = flat[0].context
        if self._active:
            return self._call_cached_graph(x, *args)
        try:
            params = {name: param.data(ctx) for name, param in self._reg_params.items()}
        except DeferredInitializationError:
            self._deferred_infer_shape(x, *args)
            for param in self.params.values():
                param._finish_deferred_init()
            params = {name: param.data(ctx) for name, param in self._reg_params.items()}
        return self.hybrid_forward(ndarray, x, *args, **params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        """Override: compute the output with ``F.<op>`` (F is ndarray or symbol)."""
        raise NotImplementedError(f"{type(self).__name__} must define hybrid_forward()")

    # ---- shapes ----
    def _deferred_infer_shape(self, *args):
        try:
            self.infer_shape(*args)
        except Exception as error:
            raise MXNetError("Deferred initialization failed because shape cannot be "
                             f"inferred. {error}") from error

    def infer_shape(self, *args):
        """Complete parameter shapes from the input shapes.

        Layers override this with their registry op's ``infer_shape`` (see
        ``complete_shapes``). A block whose own parameters are known (a container)
        runs once imperatively, so that each child completes its own; otherwise the
        graph is traced and ``Symbol.infer_shape_partial`` does the work.
        """
        own_unknown = any(not param._shape_known()
                          for param in self._reg_params.values())
        if own_unknown:
            from .cached_graph import infer_param_shapes
            infer_param_shapes(self, args)
            return
        with _Imperative(self):
            self.forward(*args)

    def infer_type(self, *args):
        """Parameters take the dtype of the first input (dlkit's float rule)."""
        dtype = _flatten(list(args), "input")[0][0].dtype
        for param in self.collect_params().values():
            if param._data is None:
                param.dtype = dtype

    # ---- graph mode ----
    def _get_graph(self, *args):
        """The traced ``(input variables, output Symbol)``, traced once."""
        from .cached_graph import trace
        if self._cached_graph is None:
            self._cached_graph = trace(self, args)
        return self._cached_graph.inputs, self._cached_graph.output

    def _call_cached_graph(self, *args):
        if self._cached_graph is None:
            from .cached_graph import trace
            self._cached_graph = trace(self, args)
        return self._cached_graph(self, args)

    def export(self, path, epoch=0, remove_amp_cast=True):
        """Write ``path-symbol.json`` and ``path-%04d.params`` (MXNet's model files).

        Call it after ``hybridize()`` and one forward pass.
        """
        if self._cached_graph is None:
            raise MXNetError("Please first call block.hybridize() and then run forward "
                             "with this block at least once before calling export.")
        output = self._cached_graph.output
        output.save(f"{path}-symbol.json")
        arg_names = set(output.list_arguments())
        aux_names = set(output.list_auxiliary_states())
        arrays = {}
        for name, param in self.collect_params().items():
            if name in arg_names:
                arrays[f"arg:{name}"] = param._reduce()
            elif name in aux_names:
                arrays[f"aux:{name}"] = param._reduce()
        ndarray.save(f"{path}-{epoch:04d}.params", arrays)
        return f"{path}-symbol.json", f"{path}-{epoch:04d}.params"


class SymbolBlock(HybridBlock):
    """A HybridBlock that runs a given Symbol (MXNet's ``gluon.SymbolBlock``).

    Parameters
    ----------
    outputs : Symbol or list of Symbol
    inputs : Symbol or list of Symbol
        The variables that are data; every other argument becomes a Parameter.
    params : ParameterDict, optional
        Parameters to share.

    Example
    -------
    >>> net = mx.gluon.SymbolBlock.imports('model-symbol.json', ['data'],
    ...                                    'model-0000.params')  # doctest: +SKIP
    """

    @staticmethod
    def imports(symbol_file, input_names, param_file=None, ctx=None,
                allow_missing=False, ignore_extra=False):
        """Load a model written by ``export`` (or by MXNet)."""
        from .. import symbol
        output = symbol.load(symbol_file)
        if isinstance(input_names, str):
            input_names = [input_names]
        inputs = [symbol.var(name) for name in input_names]
        block = SymbolBlock(output, inputs)
        if param_file is not None:
            block.collect_params().load(param_file, ctx, allow_missing, ignore_extra)
        return block

    def __init__(self, outputs, inputs, params=None):
        super().__init__(prefix=None, params=None)
        from .. import symbol
        self._prefix = ""
        self._params = type(self._params)("", params)
        if isinstance(inputs, symbol.Symbol) and len(inputs.list_outputs()) == 1:
            inputs = [inputs]
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            outputs = outputs[0]
        if isinstance(outputs, (list, tuple)):
            outputs = symbol.Group(list(outputs))
        input_names = {value.name for value in inputs}
        for name in outputs.list_arguments():
            if name not in input_names:
                self.params.get(name, allow_deferred_init=True)
        for name in outputs.list_auxiliary_states():
            self.params.get(name, grad_req="null", allow_deferred_init=True)
        self._symbol_inputs = list(inputs)
        self._symbol_output = outputs
        self._active = True

    def forward(self, x, *args):
        from .. import symbol
        if isinstance(x, symbol.Symbol):
            names = [value.name for value in self._symbol_inputs]
            mapping = dict(zip(names, [x, *args]))
            return self._symbol_output._compose_copy(**mapping)
        return self._call_cached_graph(x, *args)

    def _call_cached_graph(self, *args):
        from .cached_graph import CachedGraph
        if self._cached_graph is None:
            self._cached_graph = CachedGraph(self._symbol_inputs, self._symbol_output,
                                             None, self.collect_params())
        return self._cached_graph(self, args)

    def hybridize(self, active=True, **kwargs):
        """A SymbolBlock always runs its graph."""
        super().hybridize(True, **kwargs)

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise NotImplementedError
