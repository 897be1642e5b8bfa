"""NDArray: MXNet's n-dimensional array, holding a NumPy (cpu) or CuPy (gpu) array.

An ``NDArray`` is a thin handle::

    NDArray
      _data   -> numpy.ndarray / cupy.ndarray   (the numbers)
      _ctx    -> Context                        (cpu(0), gpu(1), ...)
      _grad   -> NDArray or None                (after attach_grad)
      _entry  -> (TapeNode, index) or None      (which recorded op produced it)

Every computation goes through ``invoke`` (in ``dispatch.py``), the one imperative
dispatcher: it parses the op's attributes, checks contexts and shapes with the op's own
``infer_shape``, runs the op's ``forward`` with the context's array module, wraps the
results and, while ``autograd.record()`` is on, appends a node to the tape. This module
holds the array class and the creation functions (``array``, ``zeros``, ``arange`` ...).

MXNet quirks kept: arrays are float32 by default; ``asnumpy`` copies; basic slices such
as ``x[1:3]`` are views that write through to ``x``.
"""

import warnings

import numpy as np

from .. import autograd
from ..base import MXNetError, dtype_np, mx_real_t
from ..context import Context, current_context

__all__ = ["NDArray", "invoke", "array", "zeros", "ones", "full", "empty", "arange",
           "linspace", "eye", "zeros_like", "ones_like", "waitall", "concatenate",
           "moveaxis", "split_v2", "onehot_encode"]


# --------------------------------------------------------------------------------------
# The array class.
# --------------------------------------------------------------------------------------
def _shape_text(shape):
    return "x".join(str(dim) for dim in shape)


def _arithmetic(array_op, scalar_op):
    """An operator method such as ``__add__``: ``x + y`` runs ``array_op``
    (``broadcast_add``) and ``x + 2`` runs ``scalar_op`` (``_plus_scalar``).

    Each operator is its own function made here rather than a method that calls a shared
    helper: ``x + y`` is the hottest call in the library, and one call less is cheaper.
    """
    def method(self, other):
        if isinstance(other, NDArray):
            return invoke(array_op, [self, other], {})
        if isinstance(other, (int, float, np.number, bool)):
            return invoke(scalar_op, [self], {"scalar": other})
        if isinstance(other, np.ndarray):
            return invoke(
                array_op, [self, array(other, self._ctx, self._data.dtype)], {}
            )
        return NotImplemented
    method.__doc__ = f"NDArray: {array_op}; a number: {scalar_op}."
    return method


class NDArray:
    """An n-dimensional array on a device; MXNet's ``mx.nd.NDArray``.

    Create one with ``mx.nd.array``, ``mx.nd.zeros``, ``mx.nd.ones`` ...; compute with
    operators (``x + y``) and ``mx.nd.*`` functions; get NumPy data back with
    ``asnumpy()``.

    Example
    -------
    >>> x = mx.nd.array([[1, 2], [3, 4]])
    >>> (x * 2).asnumpy()
    array([[2., 4.],
           [6., 8.]], dtype=float32)
    """
    __slots__ = ("_data", "_ctx", "_grad", "_grad_req", "_entry", "_fresh_grad",
                 "__weakref__")
    __array_priority__ = 1000.0  # make numpy_scalar * NDArray use our __rmul__

    def __init__(self, data, ctx=None):
        self._data = data
        self._ctx = ctx if ctx is not None else current_context()
        self._grad = None
        self._grad_req = None
        self._entry = None
        self._fresh_grad = False  # set by autograd.backward; Gluon's Trainer reads it

    # ---- basic properties ----
    @property
    def shape(self):
        """The shape, a tuple of ints."""
        return tuple(self._data.shape)

    @property
    def size(self):
        """Number of elements."""
        return int(self._data.size)

    @property
    def ndim(self):
        """Number of dimensions."""
        return self._data.ndim

    @property
    def dtype(self):
        """The NumPy scalar type, such as ``numpy.float32`` (as MXNet returns it)."""
        return self._data.dtype.type

    @property
    def context(self):
        """The device this array lives on."""
        return self._ctx

    ctx = context

    @property
    def stype(self):
        """Storage type; dlkit arrays are always dense (``'default'``)."""
        return "default"

    @property
    def T(self):
        """The transpose (reverses all axes)."""
        return invoke("transpose", [self], {})

    @property
    def grad(self):
        """The gradient buffer created by ``attach_grad`` (None before)."""
        return self._grad

    @property
    def handle(self):
        """MXNet exposes a C handle; dlkit exposes the underlying NumPy/CuPy array."""
        return self._data

    # ---- printing ----
    def __repr__(self):
        shape_info = _shape_text(self.shape)
        return f"\n{self.asnumpy()}\n<{type(self).__name__} {shape_info} @{self._ctx}>"

    __str__ = __repr__

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Notebook display: MXNet's text, HTML with a 2-D heat map (lazy import)."""
        from ..visualization.ndarray_display import ndarray_mimebundle
        return ndarray_mimebundle(self)

    # ---- conversion ----
    def asnumpy(self):
        """A NumPy copy of the data."""
        if isinstance(self._data, np.ndarray):
            return self._data.copy()
        return self._data.get()

    def asscalar(self):
        """The value of a one-element array as a NumPy scalar."""
        if self.size != 1:
            raise MXNetError(f"asscalar: the array must have exactly one element, "
                             f"but its shape is {self.shape}")
        return self.asnumpy().reshape(())[()]

    def __float__(self):
        return float(self.asscalar())

    def __int__(self):
        return int(self.asscalar())

    def __bool__(self):
        if self.size != 1:
            raise ValueError("The truth value of an NDArray with multiple elements is "
                             "ambiguous.")
        return bool(self.asscalar())

    def __len__(self):
        return self.shape[0]

    def __iter__(self):
        for index in range(self.shape[0]):
            yield self[index]

    def __array__(self, dtype=None, copy=None):
        result = self.asnumpy()
        return result if dtype is None else result.astype(dtype)

    def astype(self, dtype, copy=True):
        """This array converted to ``dtype`` (a new array unless ``copy=False`` and the
        dtype already matches)."""
        dtype = dtype_np(dtype)
        if not copy and self._data.dtype == dtype:
            return self
        return invoke("Cast", [self], {"dtype": dtype.name})

    def copy(self):
        """A copy on the same context."""
        return self.copyto(self._ctx)

    def copyto(self, other):
        """Copy into the NDArray ``other`` (returned), or onto the Context ``other``."""
        if isinstance(other, NDArray):
            if other.shape != self.shape:
                raise MXNetError(
                    f"copyto: shape mismatch, source {self.shape} and target "
                    f"{other.shape}"
                )
            other._data[...] = _move(self._data, other._ctx)
            return other
        if isinstance(other, Context):
            return NDArray(_move(self._data, other, copy=True), other)
        raise MXNetError(f"copyto: expected an NDArray or a Context, got {type(other)}")

    def tostype(self, stype):
        """A copy stored as ``stype`` ('default', 'csr', 'row_sparse'); see
        ``dlkit/ndarray/sparse.py`` (the values stay dense in memory)."""
        from .sparse import tostype
        return tostype(self, stype)

    def as_in_context(self, context):
        """This array on ``context``: itself if already there, else a copy."""
        if context == self._ctx:
            return self
        return self.copyto(context)

    as_in_ctx = as_in_context

    def wait_to_read(self):
        """MXNet waits for pending writes; dlkit computes eagerly, so this returns."""

    def wait_to_write(self):
        """See ``wait_to_read``."""

    # ---- autograd ----
    def attach_grad(self, grad_req="write", stype=None):
        """Allocate ``.grad`` (zeros) and mark this array as a leaf for autograd.

        ``grad_req`` is ``'write'`` (overwrite), ``'add'`` (accumulate) or ``'null'``;
        ``stype='row_sparse'`` (or ``'csr'``) makes ``.grad`` a sparse array.
        """
        if grad_req not in ("write", "add", "null"):
            raise MXNetError(f"attach_grad: grad_req must be 'write', 'add' or 'null', "
                             f"got {grad_req!r}")
        if stype in (None, "default"):
            self._grad = NDArray(self._ctx.xp.zeros_like(self._data), self._ctx)
        else:   # a CSRNDArray or RowSparseNDArray buffer (values held densely)
            from .sparse import zeros as sparse_zeros
            self._grad = sparse_zeros(stype, self.shape, self._ctx, self._data.dtype)
        self._grad_req = grad_req
        self._entry = None

    def detach(self):
        """The same data, cut from the recorded graph."""
        return NDArray(self._data, self._ctx)

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        """Compute the gradient of this array with respect to its leaves."""
        autograd.backward([self], None if out_grad is None else [out_grad],
                          retain_graph=retain_graph, train_mode=train_mode)

    # ---- shape methods (each an op, so they are recorded) ----
    def reshape(self, *shape, **kwargs):
        """Reshape, with MXNet's special codes (0 copy, -1 infer, -2, -3, -4)."""
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = shape[0]
        if "shape" in kwargs:
            shape = kwargs.pop("shape")
        return invoke("Reshape", [self], {"shape": tuple(shape), **kwargs})

    def reshape_like(self, other):
        return invoke("reshape_like", [self, other], {})

    def zeros_like(self):
        return zeros_like(self)

    def ones_like(self):
        return ones_like(self)

    def broadcast_to(self, shape):
        return invoke("broadcast_to", [self], {"shape": shape})

    def broadcast_like(self, other):
        return invoke("broadcast_like", [self, other], {})

    def expand_dims(self, axis):
        return invoke("expand_dims", [self], {"axis": axis})

    def flatten(self):
        return invoke("Flatten", [self], {})

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (list, tuple)):
            axes = axes[0]
        return invoke("transpose", [self], {"axes": tuple(axes)} if axes else {})

    def swapaxes(self, dim1, dim2):
        return invoke("SwapAxis", [self], {"dim1": dim1, "dim2": dim2})

    def squeeze(self, axis=None):
        return invoke("squeeze", [self], {"axis": axis})

    def tile(self, reps):
        return invoke("tile", [self], {"reps": reps})

    def repeat(self, repeats, axis=None):
        return invoke("repeat", [self], {"repeats": repeats, "axis": axis})

    def split(self, num_outputs, axis=1, squeeze_axis=False):
        return invoke("SliceChannel", [self], {"num_outputs": num_outputs, "axis": axis,
                                               "squeeze_axis": squeeze_axis})

    def split_v2(self, indices_or_sections, axis=0, squeeze_axis=False):
        """``mx.nd.split_v2(self, ...)``: parts at given indices or equal sections."""
        return split_v2(self, indices_or_sections, axis, squeeze_axis)

    def slice(self, begin, end, step=()):
        return invoke("slice", [self], {"begin": begin, "end": end, "step": step})

    def slice_axis(self, axis, begin, end):
        return invoke("slice_axis", [self], {"axis": axis, "begin": begin, "end": end})

    def take(self, indices, axis=0, mode="clip"):
        return invoke("take", [self, indices], {"axis": axis, "mode": mode})

    def pick(self, index, axis=-1, keepdims=False, mode="clip"):
        return invoke("pick", [self, index], {"axis": axis, "keepdims": keepdims,
                                              "mode": mode})

    def one_hot(self, depth, on_value=1.0, off_value=0.0, dtype="float32"):
        return invoke("one_hot", [self], {"depth": depth, "on_value": on_value,
                                          "off_value": off_value, "dtype": dtype})

    def clip(self, a_min, a_max):
        return invoke("clip", [self], {"a_min": a_min, "a_max": a_max})

    def topk(self, **kwargs):
        return invoke("topk", [self], kwargs)

    def sort(self, **kwargs):
        return invoke("sort", [self], kwargs)

    def argsort(self, **kwargs):
        return invoke("argsort", [self], kwargs)

    def softmax(self, **kwargs):
        return invoke("softmax", [self], kwargs)

    def log_softmax(self, **kwargs):
        return invoke("log_softmax", [self], kwargs)

    def dot(self, other, **kwargs):
        return invoke("dot", [self, other], kwargs)

    def norm(self, **kwargs):
        return invoke("norm", [self], kwargs)

    def abs(self):
        return invoke("abs", [self], {})

    def sign(self):
        return invoke("sign", [self], {})

    def sqrt(self):
        return invoke("sqrt", [self], {})

    def square(self):
        return invoke("square", [self], {})

    def exp(self):
        return invoke("exp", [self], {})

    def log(self):
        return invoke("log", [self], {})

    def relu(self):
        return invoke("relu", [self], {})

    def sigmoid(self):
        return invoke("sigmoid", [self], {})

    def tanh(self):
        return invoke("tanh", [self], {})

    def sum(self, *args, **kwargs):
        return invoke("sum", [self, *args], kwargs)

    def mean(self, *args, **kwargs):
        return invoke("mean", [self, *args], kwargs)

    def max(self, *args, **kwargs):
        return invoke("max", [self, *args], kwargs)

    def min(self, *args, **kwargs):
        return invoke("min", [self, *args], kwargs)

    def prod(self, *args, **kwargs):
        return invoke("prod", [self, *args], kwargs)

    def argmax(self, *args, **kwargs):
        return invoke("argmax", [self, *args], kwargs)

    def argmin(self, *args, **kwargs):
        return invoke("argmin", [self, *args], kwargs)

    # ---- arithmetic: MXNet maps NDArray (op) NDArray to broadcast_* ops ----
    def _inplace(self, other, operator_method):
        result = operator_method(self, other)
        if result is NotImplemented:
            return result
        self._data[...] = result._data
        return self

    __add__ = _arithmetic("broadcast_add", "_plus_scalar")

    __radd__ = __add__

    __sub__ = _arithmetic("broadcast_sub", "_minus_scalar")

    __rsub__ = _arithmetic("_reverse_broadcast_sub", "_rminus_scalar")

    __mul__ = _arithmetic("broadcast_mul", "_mul_scalar")

    __rmul__ = __mul__

    __truediv__ = _arithmetic("broadcast_div", "_div_scalar")

    __rtruediv__ = _arithmetic("_reverse_broadcast_div", "_rdiv_scalar")

    __mod__ = _arithmetic("broadcast_mod", "_mod_scalar")

    __rmod__ = _arithmetic("_reverse_broadcast_mod", "_rmod_scalar")

    __pow__ = _arithmetic("broadcast_power", "_power_scalar")

    __rpow__ = _arithmetic("_reverse_broadcast_power", "_rpower_scalar")

    def __neg__(self):
        return invoke("_mul_scalar", [self], {"scalar": -1.0})

    def __abs__(self):
        return self.abs()

    def __iadd__(self, other):
        return self._inplace(other, NDArray.__add__)

    def __isub__(self, other):
        return self._inplace(other, NDArray.__sub__)

    def __imul__(self, other):
        return self._inplace(other, NDArray.__mul__)

    def __itruediv__(self, other):
        return self._inplace(other, NDArray.__truediv__)

    def __imod__(self, other):
        return self._inplace(other, NDArray.__mod__)

    __eq__ = _arithmetic("broadcast_equal", "_equal_scalar")

    __ne__ = _arithmetic("broadcast_not_equal", "_not_equal_scalar")

    __gt__ = _arithmetic("broadcast_greater", "_greater_scalar")

    __ge__ = _arithmetic("broadcast_greater_equal", "_greater_equal_scalar")

    __lt__ = _arithmetic("broadcast_lesser", "_lesser_scalar")

    __le__ = _arithmetic("broadcast_lesser_equal", "_lesser_equal_scalar")

    __hash__ = object.__hash__

    # ---- sharing memory with other libraries (DLPack) ----
    def to_dlpack_for_read(self):
        """A DLPack capsule viewing this array's memory, for another library to read
        (``mx.nd.from_dlpack``, ``numpy.from_dlpack``, PyTorch...). No copy is made.

        Differs from MXNet: the capsule is DLPack 1.0's (named ``dltensor_versioned``;
        MXNet makes the older ``dltensor``), flagged read-only, so a NumPy consumer
        gets a read-only view. In MXNet "for read" means waiting for pending writes
        first; dlkit computes eagerly, so there is nothing to wait for.
        """
        data = self._data
        if isinstance(data, np.ndarray):
            data = data.view()
            data.flags.writeable = False   # the read-only flag DLPack 1.0 carries
        return _dlpack_capsule(data)

    def to_dlpack_for_write(self):
        """A DLPack capsule viewing this array's memory that the consumer may write:
        ``mx.nd.from_dlpack(x.to_dlpack_for_write()) += 1`` changes ``x``.

        Differs from MXNet: a DLPack 1.0 capsule (``dltensor_versioned``), since only
        that version can tell NumPy the memory is writable.
        """
        return _dlpack_capsule(self._data)

    # ---- indexing ----
    def __getitem__(self, key):
        """Basic indexing returns a view (writes go through); advanced indexing a copy.

        While recording, indexing is the differentiable ``_getitem`` op.
        """
        key = _index_key(key)
        if autograd.is_recording() and autograd.parent_of(self) is not None:
            return invoke("_getitem", [self], {"key": key})
        result = self._data[key]
        if result.ndim == 0:      # MXNet: x[1, 2] is an NDArray of shape (1,)
            result = result.reshape((1,))
        return NDArray(result, self._ctx)

    def __setitem__(self, key, value):
        """Assign into part of the array: ``x[:] = 1``, ``x[1:3] = y``."""
        key = _index_key(key)
        if isinstance(value, NDArray):
            value = _move(value._data, self._ctx)
            if value.size == 1:   # MXNet: y[i, j] = x.sum() assigns a (1,) array
                value = value.reshape(())
        elif isinstance(value, np.ndarray) and self._ctx.device_type == "gpu":
            value = self._ctx.xp.asarray(value)
        try:
            self._data[key] = value
        except ValueError as error:
            source = getattr(value, "shape", ())
            raise MXNetError(f"NDArray.__setitem__: cannot assign a value of shape "
                             f"{tuple(source)} to index {key!r} of an array of shape "
                             f"{self.shape}: {error}") from None


def _dlpack_capsule(data):
    """``data.__dlpack__()`` in DLPack 1.0's format where the library has it."""
    try:
        return data.__dlpack__(max_version=(1, 0))
    except TypeError:   # a CuPy without DLPack 1.0
        return data.__dlpack__()


def _index_key(key):
    """Turn NDArray indices into arrays NumPy/CuPy understand."""
    if isinstance(key, NDArray):
        return key._data.astype(np.int64)
    if isinstance(key, tuple):
        return tuple(k._data.astype(np.int64) if isinstance(k, NDArray) else k
                     for k in key)
    return key


def _move(data, ctx, copy=False):
    """``data`` (NumPy or CuPy) as an array of ``ctx``'s array module."""
    xp = ctx.xp
    if xp is np:
        if isinstance(data, np.ndarray):
            return data.copy() if copy else data
        return data.get()
    with xp.cuda.Device(ctx.device_id):
        return xp.array(data, copy=True) if copy else xp.asarray(data)


def _op_method(op_name):
    """``x.<op_name>(*args, **kwargs)``: the op with ``x`` as its first input, as
    MXNet's NDArray methods are (``x.sin()``, ``x.slice_like(y, axes=(0,))``)."""
    def method(self, *args, out=None, **kwargs):
        return invoke(op_name, [self, *args], kwargs, out)
    method.__name__ = method.__qualname__ = op_name
    method.__doc__ = f"``mx.nd.{op_name}(self, *args, **kwargs)``."
    return method


# The methods MXNet 1.9.1's NDArray has that only forward to an op; the ones that do
# more (reshape, astype, argmax...) are written out in the class above.
for _name in ("sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
              "arcsinh", "arccosh", "arctanh", "degrees", "radians", "log1p", "expm1",
              "log2", "log10", "cbrt", "rcbrt", "rsqrt", "reciprocal", "floor", "ceil",
              "round", "rint", "fix", "trunc", "argmax_channel", "broadcast_axes",
              "diag", "flip", "nanprod", "nansum", "pad", "shape_array", "size_array",
              "slice_like", "softmin", "depth_to_space", "space_to_depth"):
    if not hasattr(NDArray, _name):
        setattr(NDArray, _name, _op_method(_name))
del _name


# --------------------------------------------------------------------------------------
# Creation functions.
# --------------------------------------------------------------------------------------
def _ctx(ctx):
    return current_context() if ctx is None else ctx


def array(source_array, ctx=None, dtype=None):
    """An NDArray from a list, NumPy array or NDArray; float32 unless ``dtype`` is set.

    MXNet quirk kept: a float64 NumPy array becomes float32 unless you pass ``dtype``.
    (An NDArray source keeps its dtype.)
    """
    ctx = _ctx(ctx)
    if isinstance(source_array, NDArray):
        dtype = source_array.dtype if dtype is None else dtype
        source_array = source_array.asnumpy()
    dtype = dtype_np(mx_real_t if dtype is None else dtype)
    try:
        host = np.array(source_array, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise MXNetError(f"nd.array: cannot make an array of {dtype} from "
                         f"{type(source_array).__name__}: {error}") from None
    return NDArray(_move(host, ctx), ctx)


def empty(shape, ctx=None, dtype=None):
    """An uninitialised array (dlkit fills it with zeros: results are reproducible)."""
    return zeros(shape, ctx, dtype)


def _shape_arg(shape):
    return (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)


def zeros(shape, ctx=None, dtype=None, **kwargs):
    """An array of zeros, float32 by default."""
    ctx = _ctx(ctx)
    return NDArray(ctx.xp.zeros(_shape_arg(shape), dtype_np(dtype)), ctx)


def ones(shape, ctx=None, dtype=None, **kwargs):
    """An array of ones, float32 by default."""
    ctx = _ctx(ctx)
    return NDArray(ctx.xp.ones(_shape_arg(shape), dtype_np(dtype)), ctx)


def full(shape, val, ctx=None, dtype=mx_real_t, out=None):
    """An array filled with ``val``."""
    ctx = _ctx(ctx)
    result = NDArray(ctx.xp.full(_shape_arg(shape), val, dtype_np(dtype)), ctx)
    if out is not None:
        out[:] = result
        return out
    return result


def arange(start, stop=None, step=1.0, repeat=1, infer_range=None, ctx=None,
           dtype=mx_real_t):
    """Evenly spaced values in ``[start, stop)``; each repeated ``repeat`` times.

    The registry's ``_arange`` op computes them; like MXNet it raises for a range that
    holds no values (``arange(0)``, ``arange(2, 2)``, ``arange(0, -3)``).
    """
    return invoke("_arange", [], {"start": start, "stop": stop, "step": step,
                                  "repeat": repeat, "infer_range": bool(infer_range),
                                  "ctx": _ctx(ctx), "dtype": dtype})


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=mx_real_t):
    """``num`` evenly spaced values from ``start`` to ``stop`` (included unless
    ``endpoint=False``), computed by the ``_linspace`` op."""
    return invoke("_linspace", [], {"start": start, "stop": stop, "num": num,
                                    "endpoint": endpoint, "ctx": _ctx(ctx),
                                    "dtype": dtype})


def eye(N, M=0, k=0, ctx=None, dtype=None, **kwargs):  # noqa: N803  (MXNet's names)
    """An ``N x M`` array (``M=0``: ``N x N``) with ones on diagonal ``k`` (``k > 0``
    above the main one), float32 unless ``dtype`` is given; the ``_eye`` op."""
    return invoke("_eye", [], {"N": N, "M": M, "k": k, "ctx": _ctx(ctx),
                               "dtype": mx_real_t if dtype is None else dtype})


def zeros_like(data, **kwargs):
    """Zeros with the shape, dtype and context of ``data``.

    Recorded under ``autograd.record()`` like any op (its gradient is zero), so a
    result built from it can be differentiated, as in MXNet."""
    return invoke("zeros_like", [data], kwargs)


def ones_like(data, **kwargs):
    """Ones with the shape, dtype and context of ``data`` (recorded like
    ``zeros_like``)."""
    return invoke("ones_like", [data], kwargs)


def waitall():
    """Wait for all pending computation (dlkit is eager: returns at once)."""


def concatenate(arrays, axis=0, always_copy=True):
    """Join arrays along ``axis`` (MXNet's python helper; same as ``concat``)."""
    return invoke("Concat", list(arrays), {"dim": axis, "num_args": len(arrays)})


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Split ``ary`` along ``axis`` (MXNet's Python helper for the ``_split_v2`` op).

    An int ``N`` gives ``N`` equal parts (a ``ValueError`` if the axis does not divide
    evenly); a tuple ``(2, 3)`` splits before positions 2 and 3: ``ary[:2]``,
    ``ary[2:3]``, ``ary[3:]``. Returns a list of NDArrays, or one NDArray for one part.

    Example
    -------
    >>> [part.shape for part in mx.nd.split_v2(mx.nd.zeros((6, 2)), (1, 4))]
    [(1, 2), (3, 2), (2, 2)]
    """
    length = ary.shape[axis]
    if isinstance(indices_or_sections, int):
        if length % indices_or_sections:
            raise ValueError("array split does not result in an equal division")
        size = length // indices_or_sections
        indices = [part * size for part in range(indices_or_sections)]
    elif isinstance(indices_or_sections, tuple):
        indices = [0] + list(indices_or_sections)
    else:   # MXNet's rule: a list is refused too
        raise ValueError("indices_or_sections must either int or tuple of ints")
    return invoke("_split_v2", [ary], {"indices": indices, "axis": axis,
                                       "squeeze_axis": squeeze_axis})


def onehot_encode(indices, out):
    """Write the one-hot rows of the 1-d ``indices`` into the 2-d ``out`` and return
    it (MXNet's older form of ``one_hot``; an index outside the row gives zeros)."""
    return invoke("_onehot_encode", [indices, out], {}, out)


def histogram(a, bins=10, range=None):  # noqa: A002  (MXNet's names)
    """Histogram of ``a`` (flattened): ``(counts, edges)``, by the op ``_histogram``.

    ``bins`` is an NDArray of edges or a number of equal bins over ``range``. Without a
    range MXNet hands the data to NumPy's ``histogram`` (over ``a.min()..a.max()``)
    and returns float32 arrays, with a warning; dlkit does the same.
    """
    if isinstance(bins, NDArray):
        return invoke("_histogram", [a, bins], {})
    if isinstance(bins, int) and not isinstance(bins, bool):
        if range is None:
            warnings.warn("range is not specified, using numpy's result to ensure "
                          "consistency with numpy")
            counts, edges = np.histogram(a.asnumpy(), bins=bins)
            return array(counts, ctx=a.context), array(edges, ctx=a.context)
        return invoke("_histogram", [a], {"bin_cnt": bins, "range": range})
    raise ValueError("bins argument should be either an integer or an NDArray")


def moveaxis(tensor, source, destination):
    """Move one axis to a new position."""
    axes = list(range(tensor.ndim))
    axes.insert(destination % tensor.ndim, axes.pop(source % tensor.ndim))
    return invoke("transpose", [tensor], {"axes": tuple(axes)})


# ``invoke`` wraps its results in the NDArray class above, so it is imported once that
# class exists; ``from dlkit.ndarray.ndarray import invoke`` keeps working.
from .dispatch import invoke
