"""``mx.nd.CachedOp``: a whole Symbol called like one operator, and the deprecated
``mx.nd.imdecode``.

MXNet's ``CachedOp`` is what ``hybridize()`` runs underneath: a graph prepared once and
then called on NDArrays. Here it is the same machinery as a hybridized Gluon block
(``gluon/cached_graph.py``): per input signature (context, shapes, dtypes) the Symbol
is bound once to an Executor, and each call runs ``Executor.forward``::

    op = mx.nd.CachedOp(sym)         inputs in sym.list_inputs() order:
    y = op(x, w, gamma, beta, mean, var)     arguments and auxiliary states mixed

Under ``autograd.record()`` the whole graph is one tape node, whose backward is the
Executor's backward, so ``y.backward()`` reaches ``x.grad`` and ``w.grad``. Auxiliary
states (BatchNorm's moving statistics) are the caller's own arrays and are updated in
place in training mode, as in MXNet.
"""
from .. import autograd
from ..base import MXNetError
from .ndarray import NDArray

__all__ = ["CachedOp", "imdecode"]


class CachedOp:
    """A Symbol prepared once and called on NDArrays like an operator.

    Parameters
    ----------
    sym : Symbol
        The graph; a call takes one NDArray per ``sym.list_inputs()`` entry.
    flags : list of (str, value) pairs
        MXNet's execution options (``static_alloc``, ``static_shape`` ...): accepted
        and kept in ``flags``; they change nothing here.

    Example
    -------
    >>> data, weight = mx.sym.var("data"), mx.sym.var("weight")
    >>> op = mx.nd.CachedOp(mx.sym.FullyConnected(data, weight, num_hidden=2,
    ...                                            no_bias=True))
    >>> op(mx.nd.ones((3, 4)), mx.nd.ones((2, 4))).shape
    (3, 2)
    """

    def __init__(self, sym, flags=()):
        from ..symbol.bind import _variables
        self._symbol = sym
        self.flags = dict(flags)
        _, arg_nodes, aux_nodes = _variables(sym)
        inputs = [node for node in sym._nodes() if node.op is None]
        position = {id(node): index for index, node in enumerate(inputs)}
        self._input_names = [node.name for node in inputs]
        self._arg_positions = [position[id(node)] for node in arg_nodes]
        self._aux_positions = [position[id(node)] for node in aux_nodes]
        self._executors = {}
        self._tape_op = None

    def __call__(self, *args, out=None, default_ctx=None):
        """Run the graph on ``args`` (one NDArray per input); returns one NDArray, or
        a list for several outputs (written into ``out`` when given)."""
        arrays = self._check_inputs(args)
        ctx = arrays[0].context if arrays else default_ctx
        arg_arrays = [arrays[index] for index in self._arg_positions]
        aux_arrays = [arrays[index] for index in self._aux_positions]
        recording = autograd.is_recording()
        needs = tuple(recording and autograd.parent_of(array) is not None
                      for array in arg_arrays)
        executor = self._executor(arg_arrays, aux_arrays, ctx, needs)
        executor.arg_arrays = arg_arrays
        executor.aux_arrays = aux_arrays
        is_train = autograd.is_training()
        results = executor.forward(is_train=is_train)
        outputs = [NDArray(result._data, ctx) for result in results]
        if any(needs):
            self._record(executor, arg_arrays, outputs, ctx, is_train)
        if out is not None:
            return self._write_out(outputs, out)
        return outputs[0] if len(outputs) == 1 else outputs

    def _check_inputs(self, args):
        if len(args) != len(self._input_names):
            raise MXNetError(f"CachedOp: got {len(args)} inputs but the graph takes "
                             f"{len(self._input_names)}: {self._input_names} (its "
                             "list_inputs(), arguments and auxiliary states in graph "
                             "order)")
        for name, array in zip(self._input_names, args):
            if not isinstance(array, NDArray):
                raise MXNetError(f"CachedOp: input {name!r} must be an NDArray, got "
                                 f"{type(array).__name__}")
        return list(args)

    def _executor(self, arg_arrays, aux_arrays, ctx, needs):
        """The Executor bound for this signature (made on first use): gradient arrays
        only for the arguments that need one in this call."""
        key = (ctx, tuple((a.shape, a.dtype) for a in arg_arrays + aux_arrays), needs)
        executor = self._executors.get(key)
        if executor is None:
            grads = [array.zeros_like() if wanted else None
                     for array, wanted in zip(arg_arrays, needs)]
            executor = self._symbol.bind(ctx, arg_arrays, args_grad=grads,
                                         grad_req="write", aux_states=aux_arrays)
            self._executors[key] = executor
        return executor

    def _record(self, executor, arg_arrays, outputs, ctx, is_train):
        """One tape node for the whole graph: a hybridized block's node type, whose
        backward runs the Executor's backward."""
        if self._tape_op is None:
            from ..gluon.cached_graph import _GraphOp
            self._tape_op = _GraphOp(self)
        parents = [autograd.parent_of(array) for array in arg_arrays]
        attrs = {"executor": executor, "values": executor.saved_forward(), "ctx": ctx,
                 "is_train": is_train}
        node = autograd.TapeNode(self._tape_op, attrs, [a._data for a in arg_arrays],
                                 [o._data for o in outputs], parents, is_train,
                                 ctx.xp, len(outputs))
        for index, output in enumerate(outputs):
            output._entry = (node, index)

    @staticmethod
    def _write_out(outputs, out):
        targets = out if isinstance(out, (list, tuple)) else [out]
        if len(targets) != len(outputs):
            raise MXNetError(f"CachedOp: out= has {len(targets)} arrays for "
                             f"{len(outputs)} outputs")
        for target, output in zip(targets, outputs):
            if target.shape != output.shape:
                raise MXNetError(f"CachedOp: out= has shape {target.shape} but the "
                                 f"output has shape {output.shape}")
            target[:] = output
            target._entry = output._entry
        return out


def imdecode(str_img, clip_rect=(0, 0, 0, 0), out=None, index=0, channels=3,
             mean=None):
    """DEPRECATED (use ``mx.image.imdecode``): decode an image into a float32
    ``(channels, height, width)`` array.

    Parameters
    ----------
    str_img : bytes
        The encoded image (PNG, JPEG ...).
    clip_rect : 4 ints (x0, y0, x1, y1)
        Keep only this rectangle; ``x1``/``y1`` of 0 mean the full width/height.
    out : NDArray, optional
        ``(c, h, w)``, or ``(n, c, h, w)`` to fill slice ``index``.
    index : int
        Which slice of a 4-D ``out`` to fill.
    channels : int
        3 for RGB, 1 for gray.
    mean : NDArray, optional
        Subtracted from the image (``(c, h, w)``).

    Differs from MXNet: MXNet 1.9.1's ``nd.imdecode`` fails on every call (its shape
    check rejects the output); dlkit does what its documentation describes, decoding
    with ``mx.image.imdecode`` (Pillow, RGB order).
    """
    from ..image import imdecode as image_imdecode
    if channels not in (1, 3):
        raise MXNetError(f"imdecode: channels must be 1 or 3, got {channels}")
    image = image_imdecode(str_img, flag=1 if channels == 3 else 0)   # (h, w, c) uint8
    height, width = image.shape[0], image.shape[1]
    x0, y0, x1, y1 = (int(value) for value in clip_rect)
    x1 = x1 or width
    y1 = y1 or height
    if not (0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height):
        raise MXNetError(f"imdecode: clip_rect {tuple(clip_rect)} does not fit in the "
                         f"{width}x{height} image")
    decoded = image[y0:y1, x0:x1].transpose((2, 0, 1)).astype("float32")
    if mean is not None:
        if mean.shape != decoded.shape:
            raise MXNetError(f"imdecode: mean has shape {mean.shape} but the image is "
                             f"{decoded.shape} (channels, height, width)")
        decoded = decoded - mean.as_in_context(decoded.context)
    if out is None:
        return decoded
    target = out if out.ndim == 3 else out[index]
    if target.shape != decoded.shape:
        raise MXNetError(f"imdecode: out has shape {target.shape} but the image is "
                         f"{decoded.shape} (channels, height, width)")
    target[:] = decoded
    return out
