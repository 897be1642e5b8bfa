"""The operator registry: every computation in dlkit is an ``Op`` defined once, here.

An operator is a class with a ``forward`` whose *signature declares everything*:

    def forward(self, xp,                   # xp: NumPy or CuPy
                data, weight, bias=None,    # inputs: the arrays, by MXNet's names
                *, num_hidden: Int, no_bias: Bool = False):  # attributes, typed

* positional parameters are the array inputs, with MXNet's input names (a default of
  ``None`` marks an input that may be absent, such as ``bias`` with ``no_bias=True``);
  ``*data`` marks a variadic op (``Concat``) whose inputs are ``arg0, arg1, ...``;
* keyword-only parameters are the attributes; the annotation is an attribute type
  (``attrs.py``) that parses Python values *and* MXNet's string form (``"(2, 2)"``,
  ``"True"``), since Symbol JSON stores attributes as strings.

``register_op`` reads that signature once and files the op under its name and aliases.
Every front end then calls the same methods::

    nd.tanh(x)            -> op.infer_shape, op.forward (+ a tape node while recording)
    sym.tanh(s)           -> a graph node; Symbol.infer_shape calls op.infer_shape
    Executor / Module     -> op.forward in topological order, op.backward in reverse
    autograd.backward     -> op.backward(xp, inputs, outputs, out_grads, **attrs)

Shapes here are tuples with ``None`` for an unknown dimension, or ``None`` for a shape
not known at all. MXNet's ``0`` for "unknown" is translated at the public boundary.
"""
import inspect
from dataclasses import dataclass, field

from ..base import MXNetError
from .attrs import (AttrType, Axis, Bool, Choice, Dtype, Float, Int, Optional,
                    OptionalBool, OptionalFloat, OptionalInt, Shape, Str)

__all__ = [
    "Op", "register_op", "get_op", "list_ops", "OPS", "Example", "REQUIRED",
    "AttrType", "Int", "Float", "Bool", "Str", "Shape", "Choice", "Axis", "Dtype",
    "OptionalInt", "OptionalFloat", "OptionalBool", "Optional",
    "same_shape", "same_dtype", "first_dtype", "shape_error", "known", "merge_shape",
    "unbroadcast", "broadcast_shape",
]

OPS = {}          # every name and alias -> the one Op instance
REQUIRED = inspect.Parameter.empty


# --------------------------------------------------------------------------------------
# Examples: what the test sweep runs for every op (gradient check, shape check, nd vs
# sym).
# --------------------------------------------------------------------------------------
@dataclass
class Example:
    """One small call of an op, swept by ``tests/test_registry.py``.

    ``shapes`` gives one shape per input; random inputs are drawn from ``[low, high)``.
    ``values`` overrides inputs by name with fixed values (labels, indices).
    ``grad=False`` skips the numeric gradient check (say why in ``reason``).
    """
    shapes: list
    attrs: dict = field(default_factory=dict)
    low: float = -1.0
    high: float = 1.0
    values: dict = field(default_factory=dict)
    grad: bool = True
    is_train: bool = False
    reason: str = ""
    rtol: float = 1e-4


# --------------------------------------------------------------------------------------
# The Op base class.
# --------------------------------------------------------------------------------------
class Op:
    """Base class of every operator. Subclasses set ``name`` and define ``forward``,
    ``backward``, ``infer_shape`` and (if not all-same) ``infer_type``.

    Class attributes a subclass may set:

    ``name``            MXNet's operator name (``"FullyConnected"``)
    ``aliases``         other names it answers to (``("flatten",)``)
    ``aux_names``       trailing inputs that are auxiliary states (BatchNorm's moving
                        statistics)
    ``train_aware``     True if forward/backward behave differently in training; they
                        then receive ``is_train`` as a keyword
    ``examples``        ``Example`` calls swept by the tests
    ``is_loss``         True for a loss head (``SoftmaxOutput``): its backward ignores
                        the head gradient, so ``Executor.backward()`` needs no
                        ``out_grads``
    ``skips_unneeded_grads``
                        True if backward accepts the keyword ``needs_grad`` (one bool
                        per input, like MXNet's ``req = 'null'``) and returns None for
                        inputs that need none. Worth it where one input's gradient is
                        expensive: a first convolution's data gradient is a whole GEMM
                        plus col2im nobody reads. Autograd and the Executor pass it.
    ``writes_grads_into``
                        True if backward accepts the keyword ``grad_into`` (per input,
                        an array of the input's shape and dtype, or None) and may
                        write that input's gradient into it, returning that same
                        array. Autograd offers a parameter's ``.grad`` array, the
                        Executor its ``grad_arrays`` (MXNet's ``req='write'``): a
                        weight gradient then goes straight from the GEMM into place,
                        not through a copy. Callers check ``returned is target``.
    ``inputs_named_by_attrs``
                        True for an op that takes ``*inputs`` whose names its
                        attributes decide (``Custom``: its prop's list_arguments). A
                        Symbol call may then pass inputs by position or by name, and
                        missing ones become variables, as for a fixed op.
    """
    name = None
    aliases = ()
    aux_names = ()
    train_aware = False
    is_loss = False
    skips_unneeded_grads = False
    writes_grads_into = False
    inputs_named_by_attrs = False
    examples = ()
    # True when backward takes none of the keywords above (is_train, needs_grad,
    # grad_into): the tape then calls it directly. Set for each subclass.
    plain_backward = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.plain_backward = not (cls.train_aware or cls.skips_unneeded_grads or
                                  cls.writes_grads_into)

    # filled by register_op from the forward signature
    input_names = ()
    optional_inputs = ()
    variadic = False
    attrs = {}

    # ---- inputs and outputs ----
    def list_inputs(self, attrs):
        """The input names for these attributes (arguments then auxiliary states)."""
        if self.variadic:
            return [f"arg{i}" for i in range(attrs["num_args"])]
        return list(self.input_names)

    def num_outputs(self, attrs):
        """How many arrays ``forward`` returns (hidden ones included)."""
        return 1

    def num_visible_outputs(self, attrs):
        """How many outputs a user sees (Dropout returns its mask too but shows one)."""
        return self.num_outputs(attrs)

    def list_outputs(self, attrs):
        """Output names: ``['output']``, or ``['output0', 'output1', ...]``."""
        count = self.num_visible_outputs(attrs)
        if count == 1:
            return ["output"]
        return [f"output{i}" for i in range(count)]

    def aux_inputs(self, attrs):
        """Which inputs are auxiliary states (``aux_names``; Custom asks its prop)."""
        return self.aux_names

    def loss_head(self, attrs):
        """True if backward ignores the head gradient, so ``Executor.backward()``
        needs no ``out_grads`` (``is_loss``; Custom asks its prop)."""
        return self.is_loss

    # ---- attributes ----
    def own_attrs(self, stored):
        """This op's attributes among a graph node's stored strings, which may also
        hold keys such as ``__lr_mult__`` (Custom keeps every other key)."""
        return {key: value for key, value in stored.items() if key in self.attrs}

    def parse_attrs(self, given):
        """Check and convert user attributes (Python values or MXNet strings).

        Returns a dict holding every attribute, defaults filled in.
        """
        unknown = [key for key in given if key not in self.attrs]
        if unknown:
            raise MXNetError(
                f"operator {self.name}: unknown attribute {unknown[0]!r}; it accepts "
                + (", ".join(self.attrs) if self.attrs else "no attributes"))
        parsed = {}
        for attr_name, (attr_type, default) in self.attrs.items():
            if attr_name in given:
                value = given[attr_name]
                try:
                    parsed[attr_name] = attr_type.parse(value)
                except (ValueError, TypeError, SyntaxError) as error:
                    raise MXNetError(
                        f"operator {self.name}: invalid value {value!r} for attribute "
                        f"{attr_name!r} (expected {attr_type.name}): {error}") from None
            elif default is REQUIRED:
                raise MXNetError(
                    f"operator {self.name}: required attribute {attr_name!r} "
                    f"({attr_type.name}) is missing")
            else:
                parsed[attr_name] = default
        return parsed

    # ---- shapes and types: overridden per op ----
    def infer_shape(self, in_shapes, **attrs):
        """Return ``(in_shapes, out_shapes)``; unknown input shapes are completed if
        possible."""
        raise NotImplementedError(f"{self.name} has no infer_shape")

    def infer_shape_from_outputs(self, in_shapes, out_shapes, **attrs):
        """Graph inference only: complete unknown input dimensions from known output
        shapes (a ``sym.zeros((0, 3))`` state learns its batch size from
        ``FullyConnected``'s output). Returns ``in_shapes``; by default unchanged."""
        return in_shapes

    def infer_type(self, in_types, **attrs):
        """Return ``(in_types, out_types)``; by default every array gets the first known
        dtype."""
        return same_dtype(self, in_types, **attrs)

    def forward(self, xp, *inputs, **attrs):
        raise NotImplementedError

    def backward(self, xp, inputs, outputs, out_grads, **attrs):
        raise MXNetError(f"operator {self.name} is not differentiable")

    def __repr__(self):
        return f"<Op {self.name}>"


def register_op(cls):
    """Class decorator: read ``forward``'s signature, create the op, file it by name."""
    op = cls()
    signature = inspect.signature(cls.forward)
    parameters = list(signature.parameters.values())[2:]  # skip self, xp
    inputs, optional, attrs = [], [], {}
    for parameter in parameters:
        if parameter.kind is parameter.VAR_POSITIONAL:
            op.variadic = True
        elif parameter.kind is parameter.POSITIONAL_OR_KEYWORD:
            inputs.append(parameter.name)
            if parameter.default is None:
                optional.append(parameter.name)
        elif parameter.kind is parameter.KEYWORD_ONLY and parameter.name != "is_train":
            attr_type = parameter.annotation
            if not isinstance(attr_type, AttrType):
                raise TypeError(f"{cls.__name__}.forward: attribute {parameter.name!r} "
                                "needs an attribute type annotation")
            attrs[parameter.name] = (attr_type, parameter.default)
    op.input_names = tuple(inputs)
    op.optional_inputs = tuple(optional)
    op.attrs = attrs
    for name in (op.name, *op.aliases):
        if name in OPS:
            raise TypeError(f"operator name {name!r} registered twice")
        OPS[name] = op
    return cls


def get_op(name):
    """The op registered under ``name`` (or an alias)."""
    try:
        return OPS[name]
    except KeyError:
        raise MXNetError(f"unknown operator {name!r}") from None


def list_ops():
    """Every distinct registered op, sorted by name."""
    unique = {id(op): op for op in OPS.values()}
    return sorted(unique.values(), key=lambda op: op.name)


# --------------------------------------------------------------------------------------
# Shared shape/type rules.
# --------------------------------------------------------------------------------------
def known(shape):
    """True if every dimension of ``shape`` is known."""
    return shape is not None and all(dim is not None for dim in shape)


def shape_error(op, message):
    """An ``MXNetError`` for a bad shape, prefixed with the operator's name."""
    return MXNetError(f"operator {op.name}: {message}")


def check_float(op, dtype):
    """Reject integer data, as MXNet does for softmax or pooling, with a teaching error
    (``dtype``: a dtype or its name)."""
    if getattr(dtype, "kind", None) == "f":   # the common case: no name lookup, which
        return                                # NumPy computes in Python on each call
    dtype = getattr(dtype, "name", dtype)
    if dtype is not None and not str(dtype).startswith(("float", "bfloat")):
        raise MXNetError(f"operator {op.name}: data must be floating point, got "
                         f"{dtype}; convert it with astype('float32')")


def merge_shape(op, what, first, second):
    """Combine two partial views of the same shape; raise if they disagree."""
    if first is None:
        return second
    if second is None:
        return first
    if len(first) != len(second):
        raise shape_error(op, f"{what}: expected shape {first}, got {second}")
    merged = []
    for a, b in zip(first, second):
        if a is not None and b is not None and a != b:
            raise shape_error(op, f"{what}: expected shape {first}, got {second}")
        merged.append(a if a is not None else b)
    return tuple(merged)


def same_shape(op, in_shapes, **attrs):
    """Element-wise rule: all inputs and the output share one shape.

    Unknown inputs take the shape of the known ones (MXNet infers both ways).
    """
    names = op.list_inputs(attrs)
    shape = None
    for name, in_shape in zip(names, in_shapes):
        try:
            shape = merge_shape(op, "inputs must have the same shape", shape, in_shape)
        except MXNetError:
            described = ", ".join(f"{n} {s}" for n, s in zip(names, in_shapes))
            raise shape_error(op, f"inputs must have the same shape, got {described}; "
                                  "use broadcast_* ops to combine different "
                                  "shapes") from None
    return [shape] * len(in_shapes), [shape] * op.num_outputs(attrs)


def same_dtype(op, in_types, **attrs):
    """All inputs and outputs share the first known dtype."""
    dtype = next((t for t in in_types if t is not None), None)
    return [dtype] * len(in_types), [dtype] * op.num_outputs(attrs)


def first_dtype(op, in_types, **attrs):
    """Outputs take the first input's dtype; other inputs keep theirs (labels, indices).
    """
    dtype = in_types[0] if in_types else None
    return list(in_types), [dtype] * op.num_outputs(attrs)


def unbroadcast(xp, grad, shape):
    """Sum a gradient back to an input's ``shape`` after that input was broadcast.

    Broadcasting copies values along new or size-1 axes, so the gradient of each
    original element is the sum over its copies.
    """
    if grad.shape == tuple(shape):
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(axis for axis,
                 dim in enumerate(shape) if dim == 1 and grad.shape[axis] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad


def broadcast_shape(op, in_shapes, **attrs):
    """NumPy broadcasting of two shapes; a clear error when they cannot be broadcast."""
    lhs, rhs = in_shapes
    if lhs == rhs:
        return list(in_shapes), [lhs]
    if not known(lhs) or not known(rhs):
        return list(in_shapes), [None]
    result = []
    for index in range(1, max(len(lhs), len(rhs)) + 1):
        a = lhs[-index] if index <= len(lhs) else 1
        b = rhs[-index] if index <= len(rhs) else 1
        if a != b and 1 not in (a, b):
            raise shape_error(op, f"shapes {lhs} and {rhs} cannot be broadcast "
                                  f"together (dimension {-index}: {a} vs {b})")
        result.append(max(a, b) if 0 not in (a, b) else 0)
    return list(in_shapes), [tuple(reversed(result))]
