"""``invoke``: the one imperative dispatcher every ``mx.nd.*`` call goes through.

An ``nd`` function, an NDArray operator such as ``a + b`` and a method such as
``x.sum()`` all end in ``invoke(op, args, kwargs)``, which runs one registered operator
on NDArrays in two steps::

    invoke(op, args, kwargs, out=None)
      |
      |-- fast path: the positional arguments are exactly the op's NDArray inputs,
      |   all on one context, and the keywords are only attributes -> the
      |   _CallPlan cached for (op, attributes) (_plan_of)
      |
      |-- general path (_prepare): split inputs from attributes (_split_arguments),
      |   parse attributes, fill optional inputs, pick the context (_context_of)
      |
      |-- op.infer_shape (a plan remembers the input shapes it already accepted)
      v
    _run: op.forward(xp, ...) -> wrap results in NDArrays
      |-- autograd.record() on: append a TapeNode to the tape
      |-- out= given: _write_out copies the results into those arrays
      '-- mx.profiler running: _timed_forward times the op (_profile_hook)

The op is the only place that knows what to compute; this module only moves arrays
in and out of it. ``infer_shape`` checks every call's shapes before any NumPy call, so a
bad shape raises the op's own teaching error; a cached plan skips the check only for
input shapes that already passed it with the same attributes (and where it cannot fail).
"""
import time

from .. import autograd
from ..autograd import TapeNode
from ..base import MXNetError
from ..context import Context, current_context
from ..ops.registry import OPS, get_op, same_shape
from .ndarray import NDArray

__all__ = ["invoke"]

# mx.profiler sets this to its recording function while it runs
# (profiler/recorder.py); None otherwise, so an unprofiled op pays for one
# `is not None` test
_profile_hook = None


def _split_arguments(op, args, kwargs):
    """Separate array inputs from attributes, MXNet style.

    Positional NDArrays are inputs in order; positional non-arrays after the inputs are
    attributes in declaration order (``nd.sum(x, 1)`` is ``axis=1``). Keyword arguments
    named like inputs are inputs.
    """
    inputs = []
    attrs = {}
    positional_attrs = []
    for value in args:
        if isinstance(value, NDArray) or (value is None and not positional_attrs):
            inputs.append(value)
        else:
            positional_attrs.append(value)
    if positional_attrs:
        names = list(op.attrs)
        for attr_name, value in zip(names, positional_attrs):
            attrs[attr_name] = value
    named_inputs = {}
    for key, value in kwargs.items():
        if key in op.input_names and (isinstance(value, NDArray) or value is None):
            named_inputs[key] = value
        else:
            attrs[key] = value
    if named_inputs:
        if op.variadic:
            raise MXNetError(f"operator {op.name}: pass its inputs positionally")
        slots = dict(zip(op.input_names, inputs + [None] * len(op.input_names)))
        for key, value in named_inputs.items():
            slots[key] = value
        inputs = [slots[name] for name in op.input_names]
    return inputs, attrs


def _parse_attrs_cached(op, attrs):
    if attrs:
        return op.parse_attrs(attrs)
    defaults = op.__dict__.get("_default_attrs")
    if defaults is None:
        defaults = op.parse_attrs({})
        op._default_attrs = defaults
    return defaults


class _CallPlan:
    """What ``invoke`` learns about one (op, attributes) pair and reuses on later calls.

    Parsing attributes and asking the op for its input and output counts cost more than
    adding two small arrays, and the answers never change for the same attributes.
    """
    __slots__ = ("attrs", "num_inputs", "num_visible", "check_shapes", "checked")

    def __init__(self, op, attrs):
        self.attrs = attrs
        self.num_inputs = len(op.list_inputs(attrs))
        self.num_visible = op.num_visible_outputs(attrs)
        # same_shape on a single input cannot fail, so calling it would be wasted work;
        # every other infer_shape runs once per new combination of input shapes
        self.check_shapes = not (self.num_inputs == 1 and
                                 type(op).infer_shape is same_shape)
        # input shapes that infer_shape accepted with these attributes: the answer
        # depends on nothing else, so a training loop checks its shapes once
        self.checked = set()

    def check(self, op, data):
        """Run ``op.infer_shape`` on the shapes of ``data`` unless they passed before
        (it raises the op's own error for shapes that do not fit)."""
        shapes = tuple([x.shape for x in data])
        if shapes in self.checked:
            return
        op.infer_shape(list(shapes), **self.attrs)
        if len(self.checked) >= _CHECKED_LIMIT:
            self.checked.clear()
        self.checked.add(shapes)


_PLANS = {}
_PLANS_LIMIT = 4096   # scalars vary (x * lr): start afresh rather than grow forever
_CHECKED_LIMIT = 64   # shape combinations remembered per plan


def _plan_of(op, kwargs):
    """The cached ``_CallPlan`` when ``kwargs`` holds only attributes, else None (the
    call then takes the general path, which also reports any mistake in it)."""
    if not kwargs:
        key = op             # the commonest call, `a + b`: no key to build
    elif len(kwargs) == 1:   # `x * 2`: one attribute, so build the key without loops
        (name, value), = kwargs.items()
        key = (op, name, value, type(value))
    else:
        # the value types are part of the key: True == 1, yet Int rejects True
        key = (op, tuple(kwargs.items()), tuple(map(type, kwargs.values())))
    try:
        plan = _PLANS.get(key)
    except TypeError:        # an unhashable value such as a list: no caching
        return None
    if plan is not None:
        return plan
    if op.variadic:          # the input count comes from the call itself
        return None
    for name, value in kwargs.items():
        if name not in op.attrs or isinstance(value, NDArray):
            return None
    try:
        plan = _CallPlan(op, _parse_attrs_cached(op, kwargs))
    except MXNetError:       # a bad or missing attribute: the general path explains it
        return None
    if len(_PLANS) >= _PLANS_LIMIT:
        _PLANS.clear()
    _PLANS[key] = plan
    return plan


def _context_of(op, inputs, ctx):
    context = None
    for value in inputs:
        if value is None:
            continue
        if context is None:
            context = value._ctx
        elif value._ctx != context:
            raise MXNetError(
                f"operator {op.name}: inputs are on different contexts, {context} and "
                f"{value._ctx}; move them with as_in_context() first")
    if context is None:
        context = Context(ctx) if ctx is not None else current_context()
    return context


def invoke(op, args, kwargs, out=None):
    """Run ``op`` imperatively on NDArrays: the path of every ``mx.nd.*`` call.

    Two steps: sort the call's arguments into inputs and parsed attributes
    (``_prepare``), then check shapes with the op's ``infer_shape``, run its ``forward``
    and record it (``_run``). A call whose positional arguments are exactly the op's
    arrays and whose keywords are attributes, such as ``a + b`` or ``x * 2``, skips the
    sorting and reuses a cached ``_CallPlan``: that keeps the per-op overhead small.
    """
    if type(op) is str:   # a plain dict lookup first: get_op only to report a typo
        op = OPS.get(op) or get_op(op)
    if "name" in kwargs:  # a node name (Gluon passes name="fwd") means nothing here
        del kwargs["name"]
    context = _common_context(op, args)
    if context is not None:
        plan = _plan_of(op, kwargs)
        if plan is not None and len(args) == plan.num_inputs:
            data = [x._data for x in args]   # all NDArrays here: no None check
            if plan.check_shapes:
                plan.check(op, data)
            return _run(op, args, data, plan.attrs, context, out, plan.num_visible)
    inputs, attrs, ctx = _prepare(op, args, kwargs)
    if ctx is None:
        ctx = attrs.get("ctx")   # samplers carry MXNet's ctx attribute
    context = _context_of(op, inputs, ctx)
    data = [None if x is None else x._data for x in inputs]
    op.infer_shape([None if x is None else x.shape for x in data], **attrs)
    return _run(op, inputs, data, attrs, context, out, op.num_visible_outputs(attrs))


def _common_context(op, args):
    """The context of ``args`` when there are some and all are NDArrays (else None);
    raises when they live on different devices."""
    context = None
    for x in args:
        if type(x) is not NDArray:
            return None
        if context is None:
            context = x._ctx
        elif x._ctx is not context and x._ctx != context:
            _context_of(op, args, None)  # raises, naming both contexts
    return context


def _prepare(op, args, kwargs):
    """General case of ``invoke``: returns ``(inputs, parsed attrs, ctx or None)``."""
    ctx = kwargs.pop("ctx", None) if "ctx" in kwargs and "ctx" not in op.attrs else None
    inputs, attrs = _split_arguments(op, args, kwargs)
    if op.variadic and "num_args" in op.attrs and "num_args" not in attrs:
        attrs["num_args"] = len(inputs)  # MXNet counts the inputs for you
    attrs = _parse_attrs_cached(op, attrs)
    names = op.list_inputs(attrs)
    while len(inputs) > len(names) and inputs[-1] is None:
        inputs.pop()  # keyword inputs leave a None slot for bias when no_bias drops it
    slots = dict(zip(op.input_names, inputs))
    if len(inputs) > len(names) and not op.variadic and all(
            slots[name] is None for name in slots if name not in names):
        inputs = [slots.get(name) for name in names]   # a dropped input in the middle
    if len(inputs) < len(names):
        inputs = inputs + [None] * (len(names) - len(inputs))
    for name, value in zip(names, inputs):
        if value is None and name not in op.optional_inputs:
            raise MXNetError(f"operator {op.name}: missing input {name!r}; it takes "
                             f"inputs {names}")
    if len(inputs) > len(names):
        raise MXNetError(f"operator {op.name}: got {len(inputs)} inputs but it takes "
                         f"{len(names)}: {names}")
    return inputs, attrs, ctx


def _run(op, inputs, data, attrs, context, out, num_visible):
    """Compute, wrap the results and record them on the tape (shapes are checked)."""
    xp = context.xp
    state = autograd._state   # per-thread flags: look the object up once per call
    training = state.training
    if _profile_hook is not None:
        results = _timed_forward(op, xp, data, attrs, training)
    elif op.train_aware:
        results = op.forward(xp, *data, is_train=training, **attrs)
    else:
        results = op.forward(xp, *data, **attrs)
    if type(results) is tuple or type(results) is list:
        outputs = [NDArray(result, context) for result in results]
    else:            # one result, the common case: no tuple or comprehension needed
        outputs = [NDArray(results, context)]
        results = (results,)
    if state.recording:   # append a node to the tape, unless only constants came in
        # parent_of(x) for each input, written out: this runs for every recorded op
        parents = [None if x is None else x._entry if x._entry is not None
                   else (None, x) if x._grad_req is not None else None
                   for x in inputs]
        if any(parents):
            node = TapeNode(op, attrs, data, results, parents, training, xp,
                            num_visible)
            for index, output in enumerate(outputs):
                output._entry = (node, index)
    if out is not None:
        return _write_out(op, outputs[:num_visible], out)
    return outputs[0] if num_visible == 1 else outputs[:num_visible]


def _timed_forward(op, xp, data, attrs, training):
    """``op.forward`` timed for mx.profiler (called only while it records)."""
    start = time.perf_counter_ns()
    if op.train_aware:
        results = op.forward(xp, *data, is_train=training, **attrs)
    else:
        results = op.forward(xp, *data, **attrs)
    hook = _profile_hook   # another thread may have stopped the profiler meanwhile
    if hook is not None:
        hook(op.name, "imperative", start, xp)
    return results


def _write_out(op, outputs, out):
    targets = out if isinstance(out, (list, tuple)) else [out]
    for target, output in zip(targets, outputs):
        if target.shape != output.shape:
            raise MXNetError(
                f"operator {op.name}: out= has shape {target.shape} but the "
                f"result has shape {output.shape}"
            )
        target._data[...] = output._data
        target._entry = output._entry
    return out
