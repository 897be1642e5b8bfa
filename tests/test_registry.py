"""The sweep: every registered op's ``examples`` are checked the same way.

For each example: ``infer_shape``/``infer_type`` agree with what ``forward`` returns, and
the analytic gradient (the op's ``backward``) agrees with central differences in float64.
Ops join the sweep by declaring ``examples``; a new op without examples fails
``test_every_op_has_examples``.
"""
import numpy as np
import pytest

import dlkit as mx
from dlkit import autograd
from dlkit.ops.registry import list_ops
from dlkit.test_utils import check_numeric_gradient

CASES = [pytest.param(op, index, example, id=f"{op.name}-{index}")
         for op in list_ops() for index, example in enumerate(op.examples)]


def make_inputs(op, example, dtype, seed=0):
    """Random inputs for ``example`` (fixed ``values`` where the example gives them)."""
    attrs = op.parse_attrs(example.attrs)
    names = op.list_inputs(attrs)
    if len(names) != len(example.shapes):
        raise AssertionError(f"{op.name}: example has {len(example.shapes)} shapes for "
                             f"inputs {names}")
    random = np.random.RandomState(seed)
    inputs = {}
    for name, shape in zip(names, example.shapes):
        if name in example.values:
            inputs[name] = np.asarray(example.values[name], dtype=dtype).reshape(shape)
        else:
            inputs[name] = random.uniform(example.low, example.high, size=shape).astype(dtype)
    return names, inputs


def run(op, example, arrays):
    """Call the op through ``mx.nd`` in the example's mode, reseeding random ops."""
    mx.random.seed(0)
    mode = autograd.train_mode() if example.is_train else autograd.predict_mode()
    with mode:
        return mx.nd.invoke(op, list(arrays), dict(example.attrs))


def test_every_op_has_examples():
    missing = [op.name for op in list_ops() if not op.examples]
    assert not missing, f"ops without examples (the sweep cannot check them): {missing}"


@pytest.mark.parametrize("op, index, example", CASES)
def test_infer_shape_and_type_match_forward(op, index, example):
    names, inputs = make_inputs(op, example, np.float32)
    attrs = op.parse_attrs(example.attrs)
    outputs = run(op, example, [mx.nd.array(inputs[n], dtype=inputs[n].dtype) for n in names])
    outputs = outputs if isinstance(outputs, list) else [outputs]
    _, out_shapes = op.infer_shape([inputs[n].shape for n in names], **attrs)
    _, out_types = op.infer_type([inputs[n].dtype.name for n in names], **attrs)
    for position, output in enumerate(outputs):
        # None: a size only the values decide (boolean_mask's rows)
        inferred = tuple(out_shapes[position])
        assert len(inferred) == output.ndim, (op.name, position)
        assert all(dim in (None, size) for dim, size in zip(inferred, output.shape)), \
            (op.name, position)
        assert np.dtype(out_types[position]) == np.dtype(output.dtype), (op.name, position)


@pytest.mark.parametrize("op, index, example", CASES)
def test_numeric_gradient(op, index, example):
    if not example.grad:
        pytest.skip(example.reason or "example marks its gradient as not checkable")
    names, inputs = make_inputs(op, example, np.float64)
    aux = set(op.aux_names)
    checked = [n for n in names if n not in example.values and n not in aux]
    check_numeric_gradient(lambda arrays: run(op, example, arrays), inputs,
                           grad_nodes=checked, rtol=example.rtol * 100, atol=1e-6)


@pytest.mark.parametrize("op, index, example", CASES)
def test_executor_matches_imperative(op, index, example):
    """The Executor (bind with the example's inputs) gives the ``nd`` outputs and
    gradients: both front ends call the same ``forward``/``backward``."""
    from dlkit.symbol.create import create
    if op.num_visible_outputs(op.parse_attrs(example.attrs)) == 0:
        pytest.skip("no outputs (reset_arrays): its Symbol has no graph to bind")
    names, inputs = make_inputs(op, example, np.float64)
    aux = [n for n in names if n in op.aux_names]
    wanted = [n for n in names if n not in aux and n not in example.values]
    variables = {n: mx.sym.Variable(n) for n in names}
    if op.variadic:
        symbol = create(op, op.name.lower(), list(variables.values()), dict(example.attrs))
    else:
        symbol = create(op, op.name.lower(), [], {**variables, **example.attrs})
    # imperative, recorded
    arrays = {n: mx.nd.array(inputs[n], dtype=np.float64) for n in names}
    for n in wanted:
        arrays[n].attach_grad()
    mx.random.seed(0)
    with autograd.record(train_mode=example.is_train):
        result = mx.nd.invoke(op, [arrays[n] for n in names], dict(example.attrs))
    outputs = result if isinstance(result, list) else [result]
    random = np.random.RandomState(1)
    heads = [mx.nd.array(random.uniform(-1, 1, o.shape), dtype=o.dtype) for o in outputs]
    check_grads = bool(wanted) and (example.is_train or not op.train_aware)
    if check_grads:
        try:
            autograd.backward(outputs, heads)
        except mx.MXNetError:
            check_grads = False  # not differentiable: compare forward only
    # declarative
    args = {n: mx.nd.array(inputs[n], dtype=np.float64) for n in names if n not in aux}
    grads = {n: mx.nd.zeros(inputs[n].shape, dtype=np.float64) for n in wanted}
    executor = symbol.bind(mx.cpu(), args, args_grad=grads,
                           aux_states={n: mx.nd.array(inputs[n], dtype=np.float64)
                                       for n in aux})
    mx.random.seed(0)
    executor.forward(is_train=example.is_train or check_grads)
    for ours, theirs in zip(executor.outputs, outputs):
        np.testing.assert_allclose(ours.asnumpy(), theirs.asnumpy(), rtol=1e-10, atol=1e-12)
    if check_grads:
        executor.backward(heads)
        for n in wanted:
            np.testing.assert_allclose(executor.grad_dict[n].asnumpy(),
                                       arrays[n].grad.asnumpy(), rtol=1e-10, atol=1e-12)


WRITERS = [case for case in CASES if case.values[0].writes_grads_into]


@pytest.mark.parametrize("op, index, example", WRITERS)
def test_gradients_written_into_place_equal_returned_ones(op, index, example):
    # the writes_grads_into contract: given grad_into, backward fills those arrays
    # and returns them, with the same numbers as without
    attrs = op.parse_attrs(example.attrs)
    names, inputs = make_inputs(op, example, np.float32)
    arrays = [inputs[name] for name in names]
    outputs = op.forward(np, *arrays, **attrs)
    outputs = list(outputs) if isinstance(outputs, (tuple, list)) else [outputs]
    out_grads = [np.ones_like(out) for out in outputs]
    plain = op.backward(np, arrays, outputs, out_grads, **attrs)
    targets = tuple(np.full_like(array, np.nan) for array in arrays)
    written = op.backward(np, arrays, outputs, out_grads, grad_into=targets, **attrs)
    for expected, got, target in zip(plain, written, targets):
        if expected is None:
            continue
        if got is target:
            np.testing.assert_allclose(target, expected, rtol=1e-6)
        else:   # an op may decline a destination: then it returns a new array
            np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert any(got is target for got, target in zip(written, targets))


@pytest.mark.parametrize("op", list_ops(), ids=lambda op: op.name)
def test_plain_backward_only_for_ops_without_backward_keywords(op):
    # the tape calls a plain op's backward directly, with the attributes alone; every
    # op that wants is_train, needs_grad or grad_into must go through run_backward
    wants_keywords = op.train_aware or op.skips_unneeded_grads or op.writes_grads_into
    assert op.plain_backward is not wants_keywords


def test_custom_op_subclass_gets_plain_backward_from_its_flags():
    from dlkit.ops.registry import Op

    class TrainAware(Op):
        train_aware = True

    class Plain(Op):
        pass

    assert TrainAware.plain_backward is False
    assert Plain.plain_backward is True
