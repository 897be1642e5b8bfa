"""``mx.operator``: write an operator in Python and use it like a built-in one.

An operator is described by two classes and filed under a name::

    class Square(mx.operator.CustomOp):          # computes, on NDArrays
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0] ** 2)
        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            self.assign(in_grad[0], req[0], 2 * in_data[0] * out_grad[0])

    @mx.operator.register("square")               # PROPS["square"] = SquareProp
    class SquareProp(mx.operator.CustomOpProp):   # describes: names, shapes, types
        def create_operator(self, ctx, in_shapes, in_dtypes):
            return Square()

    y = mx.nd.Custom(x, op_type="square")         # or mx.sym.Custom(s, ...)

How it plugs into the registry: ``register`` only files the prop class by name
(``PROPS`` in ``dlkit/ops/custom.py``). The registry has one op for all of them,
``Custom``, whose methods ask the prop named by ``op_type``::

    mx.nd.Custom(x, op_type="square", k=3)
      prop = SquareProp(k="3")                    keywords arrive as strings
      names     prop.list_arguments(), list_outputs(), list_auxiliary_states()
      shapes    prop.infer_shape([[2, 3]])    ->  ([[2, 3]], [[2, 3]], [])
      types     prop.infer_type([float32])    ->  ([float32], [float32], [])
      forward   op = prop.create_operator(ctx, [[2, 3]], [0])
                op.forward(is_train, req, in_data, out_data, aux)
      backward  op.backward(req, out_grad, in_data, out_data, in_grad, aux)
                (the same ``op`` object: it may keep what backward needs)

Because ``Custom`` is a registered op, everything that runs ops runs it: autograd,
Symbol graphs (``infer_shape``, JSON with ``op_type`` and the keywords), the
Executor, Module and hybridized Gluon blocks.

``out_data`` and ``in_grad`` are NDArrays the caller allocated; ``req[i]`` says how to
store into them: ``'write'`` (or ``'inplace'``) overwrites, ``'add'`` accumulates,
``'null'`` means the result is not wanted. ``self.assign(dst, req, src)`` does that.
Inside ``forward`` and ``backward`` autograd does not record.

Differs from MXNet: ``register`` rejects a class that is not a ``CustomOpProp``;
``assign`` rejects an unknown ``req`` (MXNet ignores it); see also
``dlkit/ops/custom.py``.
"""
import collections
import warnings

from .base import MXNetError
from .ops.custom import PROPS
from .ops.registry import REQUIRED, get_op, list_ops

__all__ = ["CustomOp", "CustomOpProp", "register", "get_all_registered_operators",
           "get_operator_arguments", "OperatorArguments"]


class CustomOp:
    """Base class of the object that computes a custom operator.

    Override ``forward`` and ``backward``; both receive lists of NDArrays and store
    results with ``self.assign``. (As in MXNet, the base methods do nothing.)
    """

    def __init__(self):
        pass

    def forward(self, is_train, req, in_data, out_data, aux):
        """Compute ``out_data`` from ``in_data`` (``aux``: states to update in place).

        Parameters
        ----------
        is_train : int
            1 in training mode, else 0.
        req : list of str
            How to store each output ('write', 'add', 'inplace' or 'null').
        in_data, out_data, aux : list of NDArray
        """

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        """Compute ``in_grad``, the gradients of the inputs, from ``out_grad``.

        Parameters
        ----------
        req : list of str
            How to store each input gradient; 'null' for inputs that need none.
        out_grad, in_data, out_data, in_grad, aux : list of NDArray
        """

    def assign(self, dst, req, src):
        """Store ``src`` into the NDArray ``dst`` as ``req`` says.

        Example
        -------
        >>> op, dst = mx.operator.CustomOp(), mx.nd.ones(2)
        >>> op.assign(dst, 'add', mx.nd.ones(2))
        >>> dst.asnumpy()
        array([2., 2.], dtype=float32)
        """
        if req == "null":
            return
        if req in ("write", "inplace"):
            dst[:] = src
        elif req == "add":
            dst[:] += src
        else:
            raise MXNetError(f"CustomOp.assign: unknown req {req!r}; use 'write', "
                             "'inplace', 'add' or 'null'")


class CustomOpProp:
    """Base class of the description of a custom operator: its names, shapes and
    types, and how to make its ``CustomOp``.

    Parameters
    ----------
    need_top_grad : bool, default True
        False for a loss head: its backward ignores the gradient arriving from above,
        so ``Executor.backward()`` and ``Module`` need no head gradient.

    Subclasses take their own keywords in ``__init__`` (``mx.nd.Custom(x,
    op_type='my_op', scale=2)`` calls ``MyProp(scale='2')``: always strings) and must
    call ``super().__init__``.
    """

    def __init__(self, need_top_grad=True):
        self.need_top_grad_ = need_top_grad

    def list_arguments(self):
        """Input names, in order (default ``['data']``)."""
        return ["data"]

    def list_outputs(self):
        """Output names (default ``['output']``)."""
        return ["output"]

    def list_auxiliary_states(self):
        """Names of states the op updates in place, after the inputs (default none)."""
        return []

    def infer_shape(self, in_shape):
        """``(in_shapes, out_shapes, aux_shapes)`` from the input shapes (lists, -1
        for an unknown dimension, ``[]`` for an unknown shape). By default every
        output has the first input's shape and there are no aux states."""
        return in_shape, (in_shape[0],) * len(self.list_outputs()), ()

    def infer_type(self, in_type):
        """``(in_types, out_types, aux_types)`` from the input types (NumPy types,
        None if unknown). By default everything takes the first input's type."""
        return (in_type, [in_type[0]] * len(self.list_outputs()),
                [in_type[0]] * len(self.list_auxiliary_states()))

    def infer_storage_type(self, in_stype):
        """Storage types; dlkit has only dense ('default') storage."""
        return (in_stype, ["default"] * len(self.list_outputs()),
                ["default"] * len(self.list_auxiliary_states()))

    def infer_storage_type_backward(self, ograd_stype, in_stype, out_stype,
                                    igrad_stype, aux_stype):
        """Storage types of the backward pass; dense ('default') throughout."""
        return (["default"] * len(ograd_stype), ["default"] * len(in_stype),
                ["default"] * len(out_stype), ["default"] * len(igrad_stype),
                ["default"] * len(aux_stype))

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        """Which of these arrays backward reads (MXNet frees the others early; dlkit
        keeps them all, so this only documents the op)."""
        deps = []
        if self.need_top_grad_:
            deps.extend(out_grad)
        deps.extend(in_data)
        deps.extend(out_data)
        return deps

    def create_operator(self, ctx, in_shapes, in_dtypes):
        """The ``CustomOp`` that computes; ``in_shapes`` are lists and ``in_dtypes``
        MXNet's type numbers (0 is float32), inputs then aux states."""
        return CustomOp()


def register(reg_name):
    """Class decorator: file a ``CustomOpProp`` subclass under ``reg_name``, the
    ``op_type`` that ``mx.nd.Custom``/``mx.sym.Custom`` take.

    Registering a name again replaces the earlier class, with a warning (as in MXNet).

    Example
    -------
    >>> @mx.operator.register("identity_example")
    ... class IdentityProp(mx.operator.CustomOpProp):
    ...     pass
    """
    def do_register(prop_cls):
        if not (isinstance(prop_cls, type) and issubclass(prop_cls, CustomOpProp)):
            raise TypeError(f"mx.operator.register({reg_name!r}): expected a subclass "
                            f"of mx.operator.CustomOpProp, got {prop_cls!r}")
        if reg_name in PROPS:
            warnings.warn(f"New registration is overriding existing custom operator "
                          f"{reg_name}", stacklevel=2)
        PROPS[reg_name] = prop_cls
        return prop_cls
    return do_register


def get_all_registered_operators():
    """Every operator name the registry answers to (aliases included), sorted."""
    return sorted({name for op in list_ops() for name in (op.name, *op.aliases)})


OperatorArguments = collections.namedtuple("OperatorArguments",
                                           ["narg", "names", "types"])


def get_operator_arguments(op_name):
    """``OperatorArguments(narg, names, types)``: an op's inputs, then attributes.

    Differs from MXNet: the type texts use dlkit's attribute type names.
    """
    op = get_op(op_name)
    if op.variadic:
        names, types = ["data"], ["NDArray-or-Symbol[]"]
    else:
        names = list(op.input_names)
        types = ["NDArray-or-Symbol"] * len(names)
    for attr_name, (attr_type, default) in op.attrs.items():
        names.append(attr_name)
        if default is REQUIRED:
            types.append(f"{attr_type.name}, required")
        else:
            types.append(f"{attr_type.name}, optional, default={default!r}")
    return OperatorArguments(len(names), names, types)


# --------------------------------------------------------------------------------------
# A worked example, filed under a name MXNet does not have: the registry's test sweep
# runs ``Custom`` with it (``Custom.examples`` in ops/custom.py).
# --------------------------------------------------------------------------------------
class _ExampleSquare(CustomOp):
    """``y = scale * x^2``; ``dy/dx = 2 * scale * x``."""

    def __init__(self, scale):
        super().__init__()
        self.scale = scale

    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], self.scale * in_data[0] * in_data[0])

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], 2 * self.scale * in_data[0] * out_grad[0])


@register("_example_square")
class _ExampleSquareProp(CustomOpProp):
    """One input ``data``, one output; ``scale`` arrives as a string."""

    def __init__(self, scale="1"):
        super().__init__(need_top_grad=True)
        self.scale = float(scale)

    def create_operator(self, ctx, in_shapes, in_dtypes):
        return _ExampleSquare(self.scale)
