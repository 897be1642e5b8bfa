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
        assert tuple(out_shapes[position]) == output.shape, (op.name, position)
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
