"""``mx.nd.sparse``: MXNet's sparse arrays (CSR and row_sparse), as a teaching model.

A matrix that is mostly zeros can be stored by its non-zeros only. MXNet has two
such storage types (``stype``) beside the dense ``'default'``::

    dense (4 x 3)        csr: row i's values are data[indptr[i]:indptr[i+1]],
    [[0 1 0]                  in the columns indices[indptr[i]:indptr[i+1]]
     [2 0 3]               data    = [1 2 3 4]
     [0 0 0]               indices = [1 0 2 0]        (column of each value)
     [4 0 0]]              indptr  = [0 1 3 3 4]      (where each row starts)

                         row_sparse: only the rows holding a non-zero are kept
                           indices = [0 1 3]          (which rows)
                           data    = [[0 1 0], [2 0 3], [4 0 0]]

CSR suits inputs (a bag of words, a one-hot batch); row_sparse suits gradients that
touch few rows of a big weight (an ``Embedding`` with ``sparse_grad=True``).

How dlkit models it: memory is NOT saved. A ``CSRNDArray`` or ``RowSparseNDArray`` is
an ``NDArray`` subclass that keeps the full dense values; ``.data``, ``.indices`` and
``.indptr`` are computed from them on each access (new NDArrays; indices are int64, as
in MXNet). What is modelled is the API and the concepts: which storage type each
operation returns (``dot(csr.T, dense)`` is row_sparse, ``csr + 1`` is dense because
``0 + 1`` is not zero), the encodings themselves, conversion, slicing and the file
format. The ops run through ``invoke``'s general path (only exact NDArrays take its
fast path) and the functions here give the result its storage type.

Differs from MXNet, because the values are dense:
- an explicit zero is never stored: ``csr_matrix(([0., 1.], [0, 2], [0, 1, 2]))``
  has ``data`` ``[1.]`` (MXNet ``[0., 1.]``), ``(c - c).data`` is empty and the
  ``indices`` of a row_sparse result list only rows that hold a non-zero;
- indices are always sorted and unique; indices outside the shape raise an error
  (MXNet stores them and fails later, or never);
- ``mx.nd.sin(csr)`` (the ordinary ``mx.nd`` functions) returns a dense NDArray with
  the same values: use ``mx.nd.sparse.sin`` or ``csr.sin()`` for MXNet's stype;
- the optimizer update ops are left out of this namespace (MXNet's lazy row_sparse
  updates skip rows that a dense value cannot tell apart).
"""
import builtins

import numpy as np

from ..base import MXNetError, dtype_np
from ..context import Context, current_context
from ..ops.registry import OPS
from .ndarray import NDArray, _move, invoke, zeros as _zeros

__all__ = ["BaseSparseNDArray", "CSRNDArray", "RowSparseNDArray", "csr_matrix",
           "row_sparse_array", "zeros", "empty", "array", "add", "subtract",
           "multiply", "divide", "dot", "retain", "cast_storage", "tostype", "slice",
           "NotSupportedForSparseNDArray"]

_py_slice = builtins.slice   # this module defines its own slice()


class NotSupportedForSparseNDArray(MXNetError):
    """A dense-only NDArray method called on a sparse array (MXNet's exception)."""

    def __init__(self, function, *args):
        super().__init__(f"Function {function} is not supported for SparseNDArray and "
                         "only available in NDArray.")


# --------------------------------------------------------------------------------------
# The encodings, computed from dense values (NumPy or CuPy alike).
# --------------------------------------------------------------------------------------
def _csr_parts(xp, dense):
    """``(data, indices, indptr)`` of a 2-D array: non-zeros in row-major order."""
    rows, columns = xp.nonzero(dense)     # row-major order is CSR's order
    counts = xp.count_nonzero(dense, axis=1).astype(np.int64)
    indptr = xp.concatenate([xp.zeros(1, np.int64), xp.cumsum(counts)])
    return dense[rows, columns], columns.astype(np.int64), indptr


def _stored_rows(xp, dense):
    """The (sorted) indices of the rows holding at least one non-zero."""
    flat = dense.reshape(dense.shape[0], -1)
    return xp.nonzero(xp.count_nonzero(flat, axis=1))[0].astype(np.int64)


# --------------------------------------------------------------------------------------
# The array classes.
# --------------------------------------------------------------------------------------
class BaseSparseNDArray(NDArray):
    """What CSR and row_sparse arrays share: the values are held densely (see the
    module docstring); the sparse parts are computed views of them."""
    __slots__ = ()
    _stype = None

    @property
    def stype(self):
        """``'csr'`` or ``'row_sparse'``."""
        return self._stype

    @property
    def size(self):
        """MXNet defines no element count for a sparse array."""
        raise NotImplementedError()

    def asscalar(self):
        raise NotImplementedError()

    def __repr__(self):
        shape = "x".join(str(dim) for dim in self.shape)
        return f"\n<{type(self).__name__} {shape} @{self._ctx}>"

    __str__ = __repr__

    def _part(self, values):
        return NDArray(values, self._ctx)

    def reshape(self, *args, **kwargs):
        raise NotSupportedForSparseNDArray("reshape")

    def astype(self, dtype, copy=True):
        """The same storage type with values cast to ``dtype``."""
        dtype = dtype_np(dtype)
        if not copy and self._data.dtype == dtype:
            return self
        return type(self)(self._data.astype(dtype), self._ctx)

    def copyto(self, other):
        """Copy onto a Context (same stype) or into an NDArray of this or dense
        stype; MXNet refuses a different sparse stype as the target."""
        if isinstance(other, Context):
            return type(self)(_move(self._data, other, copy=True), other)
        if isinstance(other, NDArray) and other.stype not in ("default", self.stype):
            raise TypeError(f"copyto does not support destination NDArray stype "
                            f"{other.stype}")
        return super().copyto(other)

    def tostype(self, stype):
        """Convert to ``stype``: ``'default'`` or this one (MXNet cannot convert
        directly between csr and row_sparse)."""
        return tostype(self, stype)

    def check_format(self, full_check=True):
        """MXNet checks the stored parts; dense values are always well formed."""

    def zeros_like(self):
        return _wrap(_zeros(self.shape, self._ctx, self._data.dtype), self.stype)

    def __getitem__(self, key):
        if key == _py_slice(None):
            return self
        raise MXNetError(f"{type(self).__name__} only supports [:] for __getitem__")

    def __setitem__(self, key, value):
        """Only ``x[:] = value`` (an array of the same shape, any stype)."""
        if key != _py_slice(None):
            raise TypeError(f"{type(self).__name__} only supports [:] for assignment")
        NDArray.__setitem__(self, key, value)

    # ---- arithmetic keeps the storage type when zeros stay zeros ----
    # Python tries a subclass's reflected method first, so ``dense * csr`` lands in
    # __rmul__; MXNet computes it as the dense array's broadcast op (a dense result).
    def __add__(self, other):
        return add(self, other)

    def __radd__(self, other):
        if isinstance(other, NDArray):
            return NDArray.__add__(other, self)
        return add(other, self)

    def __sub__(self, other):
        return subtract(self, other)

    def __rsub__(self, other):
        if isinstance(other, NDArray):
            return NDArray.__sub__(other, self)
        return subtract(other, self)

    def __mul__(self, other):
        return multiply(self, other)

    def __rmul__(self, other):
        if isinstance(other, NDArray):
            return NDArray.__mul__(other, self)
        return multiply(other, self)

    def __truediv__(self, other):
        return divide(self, other)

    def __rtruediv__(self, other):
        if isinstance(other, NDArray):
            return NDArray.__truediv__(other, self)
        return divide(other, self)

    def __neg__(self):
        return _wrap(invoke("negative", [self], {}), self.stype)

    def _inplace(self, other, operator_method):
        """``x += y``: compute, then write the values back into ``x`` (which keeps
        its storage type, as in MXNet)."""
        result = operator_method(self, other)
        self._data[...] = result._data
        return self

    def __iadd__(self, other):
        return self._inplace(other, BaseSparseNDArray.__add__)

    def __isub__(self, other):
        return self._inplace(other, BaseSparseNDArray.__sub__)

    def __imul__(self, other):
        return self._inplace(other, BaseSparseNDArray.__mul__)

    def __itruediv__(self, other):
        return self._inplace(other, BaseSparseNDArray.__truediv__)


def _scalar_comparison(op_name, compare):
    """``x > s`` and friends: sparse when ``compare(0, s)`` is false (zeros stay
    zeros), else dense, as MXNet decides."""
    def method(self, other):
        result = NDArray.__dict__[f"__{op_name}__"](self, other)
        if isinstance(other, NDArray) or compare(0, other):
            return result
        return _wrap(result, self.stype)
    method.__name__ = f"__{op_name}__"
    return method


for _name, _compare in (("eq", np.equal), ("ne", np.not_equal), ("gt", np.greater),
                        ("ge", np.greater_equal), ("lt", np.less),
                        ("le", np.less_equal)):
    setattr(BaseSparseNDArray, f"__{_name}__", _scalar_comparison(_name, _compare))
BaseSparseNDArray.__hash__ = object.__hash__


class CSRNDArray(BaseSparseNDArray):
    """A 2-D array in compressed sparse row format (values held densely).

    Example
    -------
    >>> c = mx.nd.array([[0, 1, 0], [2, 0, 3]]).tostype('csr')
    >>> c.data.asnumpy(), c.indices.asnumpy(), c.indptr.asnumpy()
    (array([1., 2., 3.], dtype=float32), array([1, 0, 2]), array([0, 1, 3]))
    """
    __slots__ = ()
    _stype = "csr"

    @property
    def data(self):
        """The non-zero values, row by row."""
        return self._part(_csr_parts(self._ctx.xp, self._data)[0])

    @property
    def indices(self):
        """The column of each value (int64)."""
        return self._part(_csr_parts(self._ctx.xp, self._data)[1])

    @property
    def indptr(self):
        """Row ``i``'s values are ``data[indptr[i]:indptr[i + 1]]`` (int64)."""
        return self._part(_csr_parts(self._ctx.xp, self._data)[2])

    def __getitem__(self, key):
        """Rows only: ``c[i]`` (a 1-row CSR) or ``c[start:stop]``."""
        if isinstance(key, tuple):
            raise ValueError("Multi-dimension indexing is not supported")
        if isinstance(key, (int, np.integer)):
            rows = self.shape[0]
            if not -rows <= key < rows:
                raise IndexError(f"index {key} is out of bounds for axis 0 with size "
                                 f"{rows}")
            key = _py_slice(key % rows, key % rows + 1)
        if not isinstance(key, _py_slice):
            raise ValueError(f"Undefined behaviour for {key}")
        if key.step not in (None, 1):
            raise ValueError("CSRNDArray only supports continuous slicing on axis 0")
        return CSRNDArray(self._data[key].copy(), self._ctx)

    def __setitem__(self, key, value):
        if not isinstance(value, (NDArray, np.ndarray)):
            raise ValueError("Assigning numeric types to CSRNDArray is not "
                             "implemented yet.")
        super().__setitem__(key, value)

    def asscipy(self):
        """A ``scipy.sparse.csr_matrix`` copy (needs SciPy, imported only here)."""
        try:
            import scipy.sparse
        except ImportError:
            raise ImportError("scipy could not be imported. Please make sure that the "
                              "scipy is installed.") from None
        host = self.asnumpy()
        data, indices, indptr = _csr_parts(np, host)
        return scipy.sparse.csr_matrix((data, indices, indptr), shape=host.shape,
                                       dtype=host.dtype)


class RowSparseNDArray(BaseSparseNDArray):
    """An array whose non-zero rows (slices along axis 0) are listed by index.

    Example
    -------
    >>> r = mx.nd.array([[0, 0], [1, 2], [0, 0]]).tostype('row_sparse')
    >>> r.indices.asnumpy(), r.data.asnumpy()
    (array([1]), array([[1., 2.]], dtype=float32))
    """
    __slots__ = ()
    _stype = "row_sparse"

    @property
    def data(self):
        """The stored rows, shape ``(len(indices),) + shape[1:]``."""
        xp = self._ctx.xp
        return self._part(self._data[_stored_rows(xp, self._data)])

    @property
    def indices(self):
        """The index of each stored row (int64, sorted)."""
        return self._part(_stored_rows(self._ctx.xp, self._data))

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)):
            raise MXNetError("__getitem__ with int key is not implemented for "
                             "RowSparseNDArray yet")
        return super().__getitem__(key)

    def retain(self, *args, **kwargs):
        """``mx.nd.sparse.retain(self, indices)``."""
        return retain(self, *args, **kwargs)


_CLASSES = {"csr": CSRNDArray, "row_sparse": RowSparseNDArray}


def _wrap(result, stype):
    """``result`` (a dense NDArray from ``invoke``) presented as ``stype``. The data
    and its autograd entry are shared, so a wrapped result stays differentiable."""
    if stype == "default" or result.stype == stype:
        return result
    wrapped = _CLASSES[stype](result._data, result._ctx)
    wrapped._entry = result._entry
    return wrapped


# --------------------------------------------------------------------------------------
# Creation.
# --------------------------------------------------------------------------------------
def _dtype_of(value, dtype):
    """MXNet's rule: the given dtype, else the source's (NDArray or NumPy), else
    float32."""
    if dtype is not None:
        return dtype_np(dtype)
    if isinstance(value, (NDArray, np.ndarray)):
        return np.dtype(value.dtype)
    return np.dtype(np.float32)


def _host(value, dtype=None):
    return value.asnumpy() if isinstance(value, NDArray) else np.asarray(value, dtype)


def _on(host, ctx, stype):
    ctx = current_context() if ctx is None else ctx
    return _CLASSES[stype](_move(np.ascontiguousarray(host), ctx), ctx)


def _is_shape(arg):
    return isinstance(arg, tuple) and all(
        isinstance(dim, (int, np.integer)) for dim in arg)


def csr_matrix(arg1, shape=None, ctx=None, dtype=None):
    """A ``CSRNDArray`` from ``(data, indices, indptr)``, a shape ``(M, N)`` (all
    zeros), a 2-D dense array or list, or another CSRNDArray.

    Example
    -------
    >>> mx.nd.sparse.csr_matrix(([1, 2, 3], [0, 2, 1], [0, 1, 1, 3]),
    ...                         shape=(3, 3)).asnumpy()
    array([[1., 0., 0.],
           [0., 0., 0.],
           [0., 3., 2.]], dtype=float32)

    Differs from MXNet: explicit zeros in ``data`` are not kept; indices outside
    ``shape`` raise an ``MXNetError``.
    """
    if isinstance(arg1, tuple) and len(arg1) == 3 and not _is_shape(arg1):
        data, indices, indptr = arg1
        return _on(_csr_dense(data, indices, indptr, shape, dtype), ctx, "csr")
    if _is_shape(arg1):
        if len(arg1) != 2:
            raise ValueError(f"csr_matrix: a CSR shape has 2 dimensions, got {arg1}")
        return _on(np.zeros(arg1, _dtype_of(None, dtype)), ctx, "csr")
    if isinstance(arg1, RowSparseNDArray):
        raise ValueError("Unexpected input type: RowSparseNDArray")
    host = _host(arg1).astype(_dtype_of(arg1, dtype))
    if host.ndim != 2:
        raise ValueError(f"To convert to a CSR, the NDArray should be 2 Dimensional. "
                         f"Current shape is {host.shape}")
    return _on(host, ctx if ctx is not None else getattr(arg1, "context", None), "csr")


def _csr_dense(data, indices, indptr, shape, dtype):
    """The dense matrix that ``(data, indices, indptr)`` encodes."""
    values = _host(data).astype(_dtype_of(data, dtype)).reshape(-1)
    columns = _host(indices).astype(np.int64).reshape(-1)
    starts = _host(indptr).astype(np.int64).reshape(-1)
    if len(starts) == 0 or starts[0] != 0 or np.any(np.diff(starts) < 0) or \
            starts[-1] != len(values) or len(columns) != len(values):
        raise MXNetError(f"csr_matrix: inconsistent parts: {len(values)} values, "
                         f"{len(columns)} indices and indptr {starts.tolist()} (indptr "
                         "must rise from 0 to the number of values)")
    if shape is None:
        shape = (len(starts) - 1, int(columns.max()) + 1 if len(columns) else 0)
    if len(starts) != shape[0] + 1 or np.any(columns < 0) or \
            np.any(columns >= shape[1]):
        raise MXNetError(f"csr_matrix: indptr of length {len(starts)} and column "
                         f"indices {columns.tolist()} do not fit shape {tuple(shape)}")
    dense = np.zeros(shape, values.dtype)
    rows = np.repeat(np.arange(shape[0]), np.diff(starts))
    dense[rows, columns] = values
    return dense


def row_sparse_array(arg1, shape=None, ctx=None, dtype=None):
    """A ``RowSparseNDArray`` from ``(data, indices)`` (row ``indices[i]`` is
    ``data[i]``), a shape (all zeros), a dense array, or another RowSparseNDArray.

    Example
    -------
    >>> mx.nd.sparse.row_sparse_array(([[1, 2]], [1]), shape=(3, 2)).asnumpy()
    array([[0., 0.],
           [1., 2.],
           [0., 0.]], dtype=float32)

    Differs from MXNet: rows of zeros in ``data`` are not kept as stored rows.
    """
    if isinstance(arg1, tuple) and len(arg1) == 2 and not _is_shape(arg1):
        data, indices = arg1
        values = _host(data).astype(_dtype_of(data, dtype))
        rows = _host(indices).astype(np.int64).reshape(-1)
        if values.ndim == 0 or len(values) != len(rows):
            raise MXNetError(f"row_sparse_array: data has {len(values)} rows for "
                             f"{len(rows)} indices")
        if shape is None:
            shape = (int(rows.max()) + 1 if len(rows) else 0,) + values.shape[1:]
        if tuple(shape[1:]) != values.shape[1:] or np.any(rows < 0) or \
                np.any(rows >= shape[0]):
            raise MXNetError(f"row_sparse_array: data rows of shape {values.shape[1:]}"
                             f" at indices {rows.tolist()} do not fit {tuple(shape)}")
        dense = np.zeros(shape, values.dtype)
        dense[rows] = values
        return _on(dense, ctx, "row_sparse")
    if _is_shape(arg1):
        if len(arg1) < 2:
            raise ValueError(f"Unexpected length of input tuple: {len(arg1)}")
        return _on(np.zeros(arg1, _dtype_of(None, dtype)), ctx, "row_sparse")
    if isinstance(arg1, CSRNDArray):
        raise ValueError("Unexpected input type: CSRNDArray")
    host = _host(arg1).astype(_dtype_of(arg1, dtype))
    return _on(host, ctx if ctx is not None else getattr(arg1, "context", None),
               "row_sparse")


def zeros(stype, shape, ctx=None, dtype=None, **kwargs):
    """An all-zero array of storage type ``stype`` (nothing stored).

    Example
    -------
    >>> mx.nd.sparse.zeros('csr', (2, 3)).indptr.asnumpy()
    array([0, 0, 0])
    """
    if stype == "default":
        return _zeros(shape, ctx, dtype)
    if stype not in _CLASSES:
        raise ValueError(f"unknown storage type{stype}")
    ctx = current_context() if ctx is None else ctx
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return _CLASSES[stype](ctx.xp.zeros(shape, dtype_np(dtype)), ctx)


def empty(stype, shape, ctx=None, dtype=None):
    """An array of storage type ``stype`` with nothing stored: ``zeros``."""
    return zeros(stype, shape, ctx, dtype)


def array(source_array, ctx=None, dtype=None):
    """A sparse array from a CSRNDArray, a RowSparseNDArray or a
    ``scipy.sparse.csr_matrix``; dtype kept unless given.

    Example
    -------
    >>> c = mx.nd.array([[0, 1]]).tostype('csr')
    >>> mx.nd.sparse.array(c, dtype='float64').dtype
    <class 'numpy.float64'>
    """
    if isinstance(source_array, BaseSparseNDArray):
        result = source_array.astype(source_array.dtype if dtype is None else dtype)
        return result.copyto(source_array.context if ctx is None else ctx)
    if isinstance(source_array, NDArray):
        raise AssertionError("Please use `tostype` to create RowSparseNDArray or "
                             "CSRNDArray from an NDArray")
    if type(source_array).__name__ in ("csr_matrix", "csr_array"):
        host = source_array.toarray()
        return _on(host.astype(_dtype_of(host, dtype)), ctx, "csr")
    raise ValueError("Please use mx.nd.array to create an NDArray with source_array "
                     f"of type {type(source_array)}")


# --------------------------------------------------------------------------------------
# Operators and the storage type of their results (MXNet's rules, checked against it).
# --------------------------------------------------------------------------------------
# Unary ops that map 0 to 0 keep the input's stype (sin(0) = 0); the others (cos, exp,
# log ...) give a dense result, since every zero would become a non-zero.
_ZERO_PRESERVING = (
    "abs", "arcsin", "arcsinh", "arctan", "arctanh", "cbrt", "ceil", "degrees",
    "expm1", "fix", "floor", "log1p", "negative", "radians", "relu", "rint", "round",
    "sign", "sin", "sinh", "sqrt", "square", "stop_gradient", "tan", "tanh", "trunc",
    "zeros_like", "make_loss")
_DENSE_RESULT = (
    "arccos", "arccosh", "cos", "cosh", "exp", "gamma", "gammaln", "log", "log10",
    "log2", "rsqrt", "sigmoid", "sum", "mean", "norm", "Embedding", "FullyConnected",
    "LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput",
    "broadcast_add", "broadcast_plus", "broadcast_sub", "broadcast_minus", "where",
    "elemwise_div")


def _stypes(args):
    return [value.stype for value in args if isinstance(value, NDArray)]


def _first_stype(args, attrs):
    return _stypes(args)[0]


def _dense(args, attrs):
    return "default"


def _sum_rule(args, attrs):
    """elemwise_add/sub: sparse only when both inputs have the same sparse stype."""
    left, right = _stypes(args)[:2]
    return left if left == right else "default"


def _product_rule(args, attrs):
    """elemwise_mul: zero times anything is zero, so one sparse input is enough
    (csr times row_sparse has no kernel in MXNet: dense)."""
    left, right = _stypes(args)[:2]
    if left == right or right == "default":
        return left
    return right if left == "default" else "default"


def _broadcast_product_rule(args, attrs):
    """broadcast_mul/div: only csr (by a dense array) has a sparse kernel."""
    return "csr" if _stypes(args)[:2] == ["csr", "default"] else "default"


def _add_n_rule(args, attrs):
    stypes = _stypes(args)
    return "row_sparse" if set(stypes) == {"row_sparse"} else "default"


def _concat_rule(args, attrs):
    stypes = _stypes(args)
    return "csr" if set(stypes) == {"csr"} and attrs.get("dim", 1) == 0 else "default"


def _clip_rule(args, attrs):
    """clip keeps zeros at zero only when ``a_min <= 0 <= a_max``; MXNet has no
    sparse kernel for the other case."""
    stype = _stypes(args)[0]
    if stype != "default" and not attrs.get("a_min", 0) <= 0 <= attrs.get("a_max", 0):
        raise MXNetError(f"clip: a {stype} input needs a_min <= 0 <= a_max (so that "
                         f"zeros stay zero), got a_min={attrs.get('a_min')}, "
                         f"a_max={attrs.get('a_max')}; convert it with "
                         "tostype('default') first")
    return stype


def _dot_rule(args, attrs):
    """csr.T x (dense or row_sparse) is row_sparse (only rows of the csr's non-zero
    columns are filled); dense x csr is csr (MXNet on CPU); the rest dense."""
    left, right = _stypes(args)[:2]
    transpose_a = attrs.get("transpose_a", False)
    if left == "csr" and transpose_a and not attrs.get("transpose_b", False) and \
            right in ("default", "row_sparse"):
        return "row_sparse"
    if left == "default" and right == "csr" and not transpose_a:
        return "csr"
    return "default"


def _slice_rule(args, attrs):
    return "csr" if _stypes(args)[0] == "csr" else "default"


_RULES = {name: _first_stype for name in _ZERO_PRESERVING}
_RULES.update({name: _dense for name in _DENSE_RESULT})
_RULES.update({"elemwise_add": _sum_rule, "elemwise_sub": _sum_rule,
               "elemwise_mul": _product_rule, "broadcast_mul": _broadcast_product_rule,
               "broadcast_div": _broadcast_product_rule, "add_n": _add_n_rule,
               "ElementWiseSum": _add_n_rule, "concat": _concat_rule,
               "clip": _clip_rule, "dot": _dot_rule, "slice": _slice_rule})


def _sparse_function(name, rule):
    """``mx.nd.sparse.<name>``: the registered op, its result given MXNet's stype."""
    op = OPS[name]

    def function(*args, out=None, **kwargs):
        stype = rule(list(args) + list(kwargs.values()), kwargs)
        result = invoke(op, args, dict(kwargs), out)
        return result if out is not None else _wrap(result, stype)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"``mx.nd.{name}`` with MXNet's output storage type "
                        f"({rule.__doc__ or rule.__name__.strip('_')}).")
    return function


def _namespace():
    """The functions of ``mx.nd.sparse`` made from the registry (names MXNet has)."""
    return {name: _sparse_function(name, rule) for name, rule in _RULES.items()
            if name in OPS}


def _binary(lhs, rhs, same_shape_op, broadcast_op, scalar_op, reverse_scalar_op,
            scalar_keeps):
    """MXNet's helper for add/subtract/multiply/divide: ``elemwise_*`` for arrays of
    one shape, ``broadcast_*`` otherwise, ``*_scalar`` ops for a number (sparse kept
    when ``scalar_keeps``: ``c * 2`` is csr, ``c + 1`` dense)."""
    if isinstance(lhs, NDArray) and isinstance(rhs, NDArray):
        if lhs.shape == rhs.shape:
            return _SPARSE[same_shape_op](lhs, rhs)
        return _SPARSE[broadcast_op](lhs, rhs)
    if isinstance(lhs, NDArray):
        result = invoke(scalar_op, [lhs], {"scalar": rhs})
        return _wrap(result, lhs.stype if scalar_keeps else "default")
    if isinstance(rhs, NDArray):
        result = invoke(reverse_scalar_op, [rhs], {"scalar": lhs})
        keeps = scalar_keeps and reverse_scalar_op == scalar_op
        return _wrap(result, rhs.stype if keeps else "default")
    raise TypeError(f"type {type(rhs)} not supported")


def add(lhs, rhs):
    """``lhs + rhs`` (arrays or numbers) with MXNet's output stype: csr + csr is csr,
    anything + dense or + a number is dense."""
    return _binary(lhs, rhs, "elemwise_add", "broadcast_add", "_plus_scalar",
                   "_plus_scalar", False)


def subtract(lhs, rhs):
    """``lhs - rhs``, stype as for ``add``."""
    return _binary(lhs, rhs, "elemwise_sub", "broadcast_sub", "_minus_scalar",
                   "_rminus_scalar", False)


def multiply(lhs, rhs):
    """``lhs * rhs``: sparse whenever a sparse factor makes zeros (csr * dense is
    csr, csr * 2 is csr)."""
    return _binary(lhs, rhs, "elemwise_mul", "broadcast_mul", "_mul_scalar",
                   "_mul_scalar", True)


def divide(lhs, rhs):
    """``lhs / rhs``: csr / number stays csr, ``number / csr`` and ``csr / csr`` are
    dense (0 / 0 is not 0); csr / a broadcast dense array stays csr."""
    return _binary(lhs, rhs, "elemwise_div", "broadcast_div", "_div_scalar",
                   "_rdiv_scalar", True)


def dot(lhs, rhs, transpose_a=False, transpose_b=False, forward_stype=None):
    """Matrix product with MXNet's output stype: ``dot(csr, dense)`` dense,
    ``dot(csr.T, dense)`` row_sparse, ``dot(dense, csr)`` csr.

    Example
    -------
    >>> c = mx.nd.array([[0, 1], [0, 0]]).tostype('csr')
    >>> mx.nd.sparse.dot(c, mx.nd.ones((2, 3)), transpose_a=True).stype
    'row_sparse'
    """
    return _SPARSE["dot"](lhs, rhs, transpose_a=transpose_a, transpose_b=transpose_b)


def retain(data, indices):
    """Keep only rows ``indices`` of the row_sparse ``data`` (others become zero).

    Built from registered ops (a row mask from ``one_hot``), so it is recorded and
    differentiable like them."""
    if data.stype != "row_sparse":
        raise MXNetError(f"retain: data must be a RowSparseNDArray, got stype "
                         f"{data.stype!r}")
    rows = data.shape[0]
    hits = invoke("one_hot", [indices], {"depth": rows, "dtype": data._data.dtype.name})
    mask = invoke("max", [hits], {"axis": 0})
    mask = invoke("reshape", [mask], {"shape": (rows,) + (1,) * (data.ndim - 1)})
    return _wrap(invoke("broadcast_mul", [data, mask], {}), "row_sparse")


def cast_storage(data, stype, out=None):
    """``data`` stored as ``stype`` ('default', 'csr' or 'row_sparse'); the op
    ``cast_storage`` copies the values, this function gives the result its class.

    Example
    -------
    >>> mx.nd.cast_storage(mx.nd.ones((2, 2)), stype='csr').stype
    'csr'
    """
    result = invoke("cast_storage", [data], {"stype": stype}, out)
    return result if out is not None else _wrap(result, stype)


def tostype(data, stype):
    """``data.tostype(stype)`` for any NDArray: ``cast_storage``, with MXNet's
    Python-side checks (csr needs 2-D data; csr and row_sparse do not convert into
    each other)."""
    if data.stype != "default" and stype not in ("default", data.stype):
        raise ValueError(f"cast_storage from {data.stype} to {stype} is not supported")
    if stype == "csr" and data.ndim != 2:
        raise ValueError(f"To convert to a CSR, the NDArray should be 2 Dimensional. "
                         f"Current shape is {data.shape}")
    return cast_storage(data, stype=stype)


def slice(data, begin, end, step=(), **kwargs):  # noqa: A001  (MXNet's name)
    """``mx.nd.slice``: a csr input gives a csr result (any other a dense one)."""
    return _SPARSE["slice"](data, begin=begin, end=end, step=step, **kwargs)


_SPARSE = _namespace()
globals().update({name: function for name, function in _SPARSE.items()
                  if name not in globals()})
__all__ += [name for name in _SPARSE if name not in __all__]


def _method(name):
    """``x.<name>()`` on a sparse array: the op, with MXNet's output stype."""
    def method(self, *args, **kwargs):
        return _SPARSE[name](self, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    return method


# The NDArray methods whose ops keep zeros at zero keep the stype on sparse arrays
# (c.sin() is csr); the rest are inherited and return dense arrays, as in MXNet.
for _name in _ZERO_PRESERVING + ("clip",):
    if hasattr(NDArray, _name) and _name in _SPARSE and _name != "zeros_like":
        setattr(BaseSparseNDArray, _name, _method(_name))
del _name
