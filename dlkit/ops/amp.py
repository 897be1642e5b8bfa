"""Casts for mixed precision and storage: ``amp_cast``, ``amp_multicast``,
``cast_storage``.

MXNet's automatic mixed precision (AMP) rewrites a graph to run some layers in
float16 and inserts these casts between them. They convert only the float types AMP
trades between (float16 and float32) and pass every other dtype through unchanged,
so an integer label or a float64 statistic survives an AMP graph::

    float32 data  --amp_cast(dtype='float16')-->  float16
    int32 labels  --amp_cast(dtype='float16')-->  int32 (unchanged)

Their gradients cast back to each input's dtype. ``cast_storage`` changes how an
array is stored (dense or sparse); dlkit keeps every array's values dense.
"""
from .registry import Bool, Choice, Dtype, Example, Int, Op, register_op, shape_error

# The dtypes AMP casts between; MXNet also lists bfloat16, which NumPy lacks.
_AMP_TYPES = ("float16", "float32")


def _name(dtype):
    """A dtype's name (``'float16'``) from a NumPy dtype or a name."""
    return getattr(dtype, "name", dtype)


@register_op
class AmpCast(Op):
    """Cast float16/float32 data to ``dtype``; data of any other dtype passes through
    unchanged (see the module docstring)."""
    name = "amp_cast"
    examples = [Example(shapes=[(2, 3)], attrs={"dtype": "float16"}),
                Example(shapes=[(2, 3)], attrs={"dtype": "float32"})]

    def infer_shape(self, in_shapes, *, dtype):
        return list(in_shapes), [in_shapes[0]]

    def infer_type(self, in_types, *, dtype):
        source = in_types[0]
        if source is None:
            return list(in_types), [None]
        return list(in_types), [dtype if _name(source) in _AMP_TYPES else source]

    def forward(self, xp, data, *, dtype: Dtype):
        if data.dtype.name in _AMP_TYPES:
            return data.astype(dtype)
        return data.copy()

    def backward(self, xp, inputs, outputs, out_grads, *, dtype):
        return [out_grads[0].astype(inputs[0].dtype)]


@register_op
class AmpMulticast(Op):
    """Cast the float16/float32 inputs among the ``num_outputs`` inputs to the widest
    of their dtypes (the narrowest with ``cast_narrow=True``), so that an op can
    combine them; inputs of other dtypes pass through unchanged. Output ``i`` has the
    shape of input ``i``."""
    name = "amp_multicast"
    examples = [Example(shapes=[(2, 3), (3,)], attrs={"num_outputs": 2}),
                Example(shapes=[(2,)], attrs={"num_outputs": 1, "cast_narrow": True})]

    def list_inputs(self, attrs):
        return [f"data_{i}" for i in range(attrs["num_outputs"])]

    def num_outputs(self, attrs):
        return attrs["num_outputs"]

    def infer_shape(self, in_shapes, *, num_outputs, cast_narrow):
        return list(in_shapes), list(in_shapes)

    def infer_type(self, in_types, *, num_outputs, cast_narrow):
        if any(dtype is None for dtype in in_types):
            return list(in_types), [None] * num_outputs
        target = self._target([_name(dtype) for dtype in in_types], cast_narrow)
        return list(in_types), [target if _name(dtype) in _AMP_TYPES else dtype
                                for dtype in in_types]

    def _target(self, names, cast_narrow):
        """The dtype the AMP inputs meet at (``names``: every input's dtype name)."""
        present = [name for name in _AMP_TYPES if name in names]  # narrowest first
        if not present:
            return None
        return present[0] if cast_narrow else present[-1]

    def forward(self, xp, *data, num_outputs: Int, cast_narrow: Bool = False):
        target = self._target([array.dtype.name for array in data], cast_narrow)
        return tuple(array.astype(target) if array.dtype.name in _AMP_TYPES
                     else array.copy() for array in data)

    def backward(self, xp, inputs, outputs, out_grads, *, num_outputs, cast_narrow):
        return [grad.astype(array.dtype) for grad, array in zip(out_grads, inputs)]


@register_op
class CastStorage(Op):
    """A copy of ``data`` stored as ``stype``: ``'default'`` (dense), ``'csr'`` (2-D
    only) or ``'row_sparse'``. dlkit keeps the values dense whatever the stype, so the
    op copies them; ``mx.nd.cast_storage`` (``dlkit/ndarray/sparse.py``) then returns a
    ``CSRNDArray`` or ``RowSparseNDArray`` presenting them. The gradient passes through
    unchanged, as in MXNet."""
    name = "cast_storage"
    examples = [Example(shapes=[(2, 3)], attrs={"stype": "default"}),
                Example(shapes=[(2, 3)], attrs={"stype": "csr"}),
                Example(shapes=[(3, 2, 2)], attrs={"stype": "row_sparse"})]

    def infer_shape(self, in_shapes, *, stype):
        shape = in_shapes[0]
        if stype == "csr" and shape is not None and len(shape) != 2:
            raise shape_error(self, f"stype='csr' needs a 2-D array, but data has "
                                    f"shape {tuple(shape)}")
        return list(in_shapes), [shape]

    def forward(self, xp, data, *, stype: Choice("csr", "default", "row_sparse")):
        return data.copy()

    def backward(self, xp, inputs, outputs, out_grads, *, stype):
        return [out_grads[0]]
