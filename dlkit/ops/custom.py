"""``Custom``: the registered op that runs an operator written in Python.

``mx.operator`` (``dlkit/operator.py``) lets a user describe an op with two classes and
file it under a name; this module is where that description meets the registry::

    @mx.operator.register("softmax")       PROPS["softmax"] = SoftmaxProp
    class SoftmaxProp(CustomOpProp): ...

    mx.nd.Custom(x, y, op_type="softmax", scale=2)      (or mx.sym.Custom)
      parse_attrs    prop = SoftmaxProp(scale="2")      every keyword as a string
      list_inputs    prop.list_arguments() + prop.list_auxiliary_states()
      list_outputs   prop.list_outputs()
      infer_shape    prop.infer_shape(...)              infer_type likewise
      forward        op = prop.create_operator(ctx, shapes, dtypes)
                     op.forward(is_train, req, in_data, out_data, aux)   on NDArrays
      backward       op.backward(req, out_grad, in_data, out_data, in_grad, aux)

So ``Custom`` is an ordinary registered op: ``mx.nd``, autograd, Symbol graphs, the
Executor, Module and hybridized Gluon blocks call its methods like any other's, and
its methods pass each question on to the prop.

Two things make it unlike other ops:

* its inputs, outputs and auxiliary states are named by the prop, not by ``forward``'s
  signature, so it overrides ``list_inputs``, ``list_outputs``, ``aux_inputs`` and
  ``loss_head`` (a prop with ``need_top_grad=False`` is a loss head);
* the user's ``CustomOp`` object may keep state from its forward for its backward
  (MXNet uses one object for both). ``forward`` files it in ``_OPERATORS`` under its
  first output array, and ``backward``, which receives that array, finds it there;
  the entry goes when the array is freed. (A hidden output would also carry it, but
  MXNet's Symbol JSON counts a Custom node's outputs, and dlkit's would differ.)

Differs from MXNet:

* a new ``CustomOp`` is created on every forward (MXNet keeps one per bound Executor,
  so state kept across batches is lost here);
* with ``need_top_grad=False`` the op's backward still receives the head gradients
  (MXNet passes empty arrays that must not be read), and it runs in graphs too:
  MXNet 1.9.1's Executor fails there ("unknown storage type: -1", its issue #18519);
* an argument shape the prop leaves unknown (``[]``) stays unknown, so
  ``infer_shape`` warns (MXNet reports it as ``()``).
"""
import weakref

import numpy as np

from ..base import DTYPE_NAME_TO_ID, MXNetError
from ..context import Context
from .registry import AttrType, Example, Op, Str, register_op, shape_error

__all__ = ["PROPS", "Custom"]

# op_type -> CustomOpProp subclass, filled by mx.operator.register
PROPS = {}

# id(first output array of a forward call) -> the CustomOp that computed it
_OPERATORS = {}


def _is_hidden_key(key):
    """``__lr_mult__``-style keys belong to the graph, not to the prop."""
    return key.startswith("__") and key.endswith("__")


def _public_shape(shape):
    """A shape as MXNet shows it to a prop: a list, ``-1`` for an unknown dimension
    and ``[]`` for an unknown shape."""
    if shape is None:
        return []
    return [-1 if dim is None else int(dim) for dim in shape]


def _internal_shape(shape):
    """A shape a prop returned, in dlkit's form (``None`` marks what is unknown)."""
    if shape is None or len(shape) == 0:
        return None
    return tuple(None if int(dim) <= 0 else int(dim) for dim in shape)


def _internal_type(dtype):
    return None if dtype is None else np.dtype(dtype).name


def _context_of(xp, arrays):
    """The Context of the arrays ``forward``/``backward`` receive."""
    if xp is np:
        return Context("cpu", 0)
    return Context("gpu", arrays[0].device.id)


def _create(prop, ctx, inputs):
    """The prop's CustomOp for these inputs (shapes as lists, MXNet's dtype numbers).
    """
    return prop.create_operator(ctx, [list(x.shape) for x in inputs],
                                [DTYPE_NAME_TO_ID[x.dtype.name] for x in inputs])


def _remember(operator, output):
    """File ``operator`` under ``output`` until that array is freed (an array type
    without weak references is skipped: backward then makes a fresh CustomOp)."""
    key = id(output)
    try:
        weakref.finalize(output, _OPERATORS.pop, key, None)
    except TypeError:
        return
    _OPERATORS[key] = operator


def _wrap(arrays, ctx):
    """NDArrays viewing ``arrays`` (no copy: the op may update aux states in place).

    ``ndarray`` imports the registry, so this import waits until the first call."""
    from ..ndarray.ndarray import NDArray
    return [NDArray(array, ctx) for array in arrays]


class _PropType(AttrType):
    """Custom's ``prop`` attribute: the CustomOpProp that ``parse_attrs`` makes from
    ``op_type`` and the other keywords, once per node or call (as MXNet does), so
    that a prop may keep what its ``infer_shape`` learnt for ``create_operator``."""
    name = "the CustomOpProp made from op_type and the other keywords (never given)"

    def parse(self, value):
        return value


_Prop = _PropType()


@register_op
class Custom(Op):
    """Run the operator registered with ``@mx.operator.register(op_type)``.

    Inputs are the prop's ``list_arguments()`` then its ``list_auxiliary_states()``,
    positionally (``mx.sym.Custom`` also takes them by name and makes variables for
    missing ones, ``<name>_label``). Every other keyword reaches the prop's
    ``__init__`` as a string, as in MXNet: ``scale=2`` arrives as ``'2'``.
    The example runs ``_example_square`` from ``dlkit/operator.py``.
    """
    name = "Custom"
    train_aware = True            # the CustomOp's forward receives is_train
    skips_unneeded_grads = True   # req is 'null' for inputs that need no gradient
    inputs_named_by_attrs = True
    examples = [Example(shapes=[(2, 3)],
                        attrs={"op_type": "_example_square", "scale": "1.5"})]

    # ---- attributes: op_type picks the prop, the rest configure it ----
    def parse_attrs(self, given):
        """``{"op_type": name, "prop": PropClass(**other keywords as strings)}``."""
        if "op_type" not in given:
            raise MXNetError("operator Custom: required attribute 'op_type' (the name "
                             "given to @mx.operator.register) is missing")
        op_type = str(given["op_type"])
        if op_type not in PROPS:
            raise MXNetError(f"operator Custom: cannot find custom operator "
                             f"{op_type!r}; registered ones are {sorted(PROPS)}. "
                             f"Register it first with @mx.operator.register"
                             f"({op_type!r})")
        kwargs = {}
        for key, value in given.items():
            if key == "op_type":
                continue
            if hasattr(value, "asnumpy"):
                raise MXNetError(f"operator Custom ({op_type}): array {key}= given by "
                                 "keyword; pass the inputs positionally, in the order "
                                 "of the prop's list_arguments()")
            kwargs[key] = str(value)   # MXNet hands the prop strings only
        return {"op_type": op_type, "prop": PROPS[op_type](**kwargs)}

    def own_attrs(self, stored):
        return {key: value for key, value in stored.items() if not _is_hidden_key(key)}

    # ---- inputs and outputs: named by the prop ----
    def list_inputs(self, attrs):
        prop = attrs["prop"]
        return list(prop.list_arguments()) + list(prop.list_auxiliary_states())

    def aux_inputs(self, attrs):
        return list(attrs["prop"].list_auxiliary_states())

    def loss_head(self, attrs):
        return not attrs["prop"].need_top_grad_

    def list_outputs(self, attrs):
        return list(attrs["prop"].list_outputs())

    def num_outputs(self, attrs):
        return len(attrs["prop"].list_outputs())

    # ---- shapes and types: the prop's answers, checked and converted ----
    def _checked(self, prop, what, result, in_count):
        """The prop's ``(in, out, aux)`` lists (a pair means no aux states), each of
        the length its list_* method promises."""
        where = f"operator Custom: {type(prop).__name__}.infer_{what}"
        if not isinstance(result, (list, tuple)) or len(result) not in (2, 3):
            raise MXNetError(f"{where} must return (in_{what}s, out_{what}s) or "
                             f"(in_{what}s, out_{what}s, aux_{what}s), got {result!r}")
        result = list(result) + [[]] * (3 - len(result))
        expected = [("input", in_count, "list_arguments"),
                    ("output", len(prop.list_outputs()), "list_outputs"),
                    ("aux state", len(prop.list_auxiliary_states()),
                     "list_auxiliary_states")]
        for values, (kind, count, method) in zip(result, expected):
            if len(values) != count:
                raise MXNetError(f"{where} returned {len(values)} {kind} {what}s "
                                 f"{list(values)}, but {method}() names {count}")
        return result

    def infer_shape(self, in_shapes, *, op_type, prop):
        names = self.list_inputs({"prop": prop})
        if len(in_shapes) != len(names):
            raise shape_error(self, f"({op_type}) got {len(in_shapes)} inputs but it "
                                    f"takes {len(names)}: {names}")
        arg_count = len(prop.list_arguments())
        shown = [_public_shape(shape) for shape in in_shapes[:arg_count]]
        args, outs, auxes = self._checked(prop, "shape", prop.infer_shape(shown),
                                          arg_count)
        in_shapes = [_internal_shape(shape) for shape in list(args) + list(auxes)]
        return in_shapes, [_internal_shape(shape) for shape in outs]

    def infer_type(self, in_types, *, op_type, prop):
        arg_count = len(prop.list_arguments())
        shown = [None if t is None else np.dtype(t).type for t in in_types[:arg_count]]
        args, outs, auxes = self._checked(prop, "type", prop.infer_type(shown),
                                          arg_count)
        in_types = [_internal_type(dtype) for dtype in list(args) + list(auxes)]
        return in_types, [_internal_type(dtype) for dtype in outs]

    # ---- forward and backward: the user's CustomOp on NDArrays ----
    def forward(self, xp, *inputs, is_train=False, op_type: Str, prop: _Prop = None):
        from .. import autograd
        _, out_shapes = self.infer_shape([x.shape for x in inputs], op_type=op_type,
                                         prop=prop)
        _, out_types = self.infer_type([x.dtype.name for x in inputs], op_type=op_type,
                                       prop=prop)
        if any(shape is None or None in shape for shape in out_shapes):
            raise MXNetError(f"operator Custom: {type(prop).__name__}.infer_shape left "
                             f"an output shape unknown: {out_shapes}")
        ctx = _context_of(xp, inputs)
        operator = _create(prop, ctx, inputs)
        arg_count = len(prop.list_arguments())
        out_data = _wrap([xp.zeros(shape, dtype or "float32")
                          for shape, dtype in zip(out_shapes, out_types)], ctx)
        # MXNet runs the user's code unrecorded, in the mode of the call, and passes
        # is_train as the int it got from C
        with autograd.pause(train_mode=bool(is_train)):
            operator.forward(is_train=int(bool(is_train)),
                             req=["write"] * len(out_data),
                             in_data=_wrap(inputs[:arg_count], ctx), out_data=out_data,
                             aux=_wrap(inputs[arg_count:], ctx))
        outputs = tuple(out._data for out in out_data)
        if outputs:
            _remember(operator, outputs[0])
        return outputs

    def backward(self, xp, inputs, outputs, out_grads, *, is_train=False,
                 needs_grad=None, op_type, prop):
        from .. import autograd
        ctx = _context_of(xp, inputs)
        operator = _OPERATORS.get(id(outputs[0])) if outputs else None
        if operator is None:   # outputs not made by forward here: a fresh CustomOp
            operator = _create(prop, ctx, inputs)
        arg_count = len(prop.list_arguments())
        if needs_grad is None:
            needs_grad = [True] * arg_count
        req = ["write" if need else "null" for need in needs_grad[:arg_count]]
        in_grad = _wrap([xp.zeros_like(x) for x in inputs[:arg_count]], ctx)
        with autograd.pause(train_mode=True):
            operator.backward(req=req, out_grad=_wrap(out_grads, ctx),
                              in_data=_wrap(inputs[:arg_count], ctx),
                              out_data=_wrap(outputs, ctx), in_grad=in_grad,
                              aux=_wrap(inputs[arg_count:], ctx))
        grads = [grad._data if wanted == "write" else None
                 for grad, wanted in zip(in_grad, req)]
        return grads + [None] * (len(inputs) - arg_count)
