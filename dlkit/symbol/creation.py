"""``mx.sym.zeros``, ``ones``, ``full``, ``arange``, ``linspace``, ``eye``, and
``split_v2``.

MXNet's Python helpers with MXNet's signatures: each adds one node of a zero-input
creation op (``_zeros`` ... in ``dlkit/ops/creation.py``), filling in ``dtype``
(float32) as MXNet does, so ``tojson()`` matches MXNet's. A ``0`` in ``shape`` is a
dimension the graph infers from the node's consumers. ``split_v2`` is the one helper
here with an input: it turns its argument into ``_split_v2``'s attributes.

Example
-------
>>> x = mx.sym.var("x")
>>> (x + mx.sym.zeros((0, 3))).infer_shape(x=(2, 3))[1]
[(2, 3)]
"""
from ..base import dtype_name
from ..ops.registry import get_op
from .create import create

__all__ = ["zeros", "ones", "full", "arange", "linspace", "eye", "split_v2"]


def _node(op_name, attrs, name=None, attr=None):
    """One node of ``op_name``; ``dtype`` defaults to float32 and is stored by name."""
    dtype = attrs.get("dtype")
    attrs["dtype"] = "float32" if dtype is None else dtype_name(dtype)
    return create(get_op(op_name), op_name, [], attrs, name, attr)


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def zeros(shape, dtype=None, **kwargs):
    """A Symbol of zeros of ``shape`` (``_zeros``); ``0`` marks an inferred
    dimension."""
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _node("_zeros", dict(kwargs, shape=_shape(shape), dtype=dtype), name, attr)


def ones(shape, dtype=None, **kwargs):
    """A Symbol of ones of ``shape`` (``_ones``)."""
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _node("_ones", dict(kwargs, shape=_shape(shape), dtype=dtype), name, attr)


def full(shape, val, dtype=None, **kwargs):
    """A Symbol of ``shape`` filled with ``val`` (``_full``)."""
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _node("_full", dict(kwargs, shape=_shape(shape), value=float(val),
                               dtype=dtype), name, attr)


def arange(start, stop=None, step=1.0, repeat=1, infer_range=False, name=None,
           dtype=None):
    """Evenly spaced values in ``[start, stop)``, each ``repeat`` times
    (``_arange``)."""
    return _node("_arange", {"start": start, "stop": stop, "step": step,
                             "repeat": repeat, "infer_range": infer_range,
                             "dtype": dtype}, name)


def linspace(start, stop, num, endpoint=True, name=None, dtype=None):
    """``num`` evenly spaced values from ``start`` to ``stop`` (``_linspace``)."""
    return _node("_linspace", {"start": start, "stop": stop, "num": num,
                               "endpoint": endpoint, "dtype": dtype}, name)


def eye(N, M=0, k=0, dtype=None, **kwargs):  # noqa: N803  (MXNet's names)
    """An ``N x M`` Symbol with ones on diagonal ``k`` (``_eye``)."""
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _node("_eye", dict(kwargs, N=N, M=M, k=k, dtype=dtype), name, attr)


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Split the Symbol ``ary`` along ``axis`` (``_split_v2``): an int ``N`` gives
    ``N`` near-equal parts, a tuple ``(2, 3)`` the parts ``[:2], [2:3], [3:]``.

    MXNet quirk kept: unlike ``mx.nd.split_v2``, an ``N`` that does not divide the
    axis is no error here; the first parts are one longer (``numpy.array_split``).
    """
    indices, sections = [], 0
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
    elif isinstance(indices_or_sections, tuple):
        indices = [0] + list(indices_or_sections)
    else:
        raise ValueError("indices_or_sections must either int or tuple of ints")
    attrs = {"indices": indices, "axis": axis, "squeeze_axis": squeeze_axis,
             "sections": sections}
    return create(get_op("_split_v2"), "_split_v2", [ary], attrs)
