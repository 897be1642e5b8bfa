"""Loss heads (dlkit/ops/loss.py): what the sweep and the MXNet goldens do not cover.

Gradients against MXNet live in tests/golden/ops_loss.* (replayed by
tests/test_differential_ops.py); here: shape completion, bad shapes, signatures, the
head gradient being ignored, and contexts.
"""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError
from dlkit.ops.registry import get_op


def gradient_of(op_name, data, label, head=None, ctx=None, **attrs):
    """``(output, data gradient, label gradient)`` of one recorded call."""
    x = mx.nd.array(data, ctx=ctx)
    y = mx.nd.array(label, ctx=ctx)
    x.attach_grad()
    y.attach_grad()
    with mx.autograd.record():
        out = getattr(mx.nd, op_name)(x, y, **attrs)
    out.backward(None if head is None else mx.nd.array(head, ctx=ctx))
    return out.asnumpy(), x.grad.asnumpy(), y.grad.asnumpy()


@pytest.mark.parametrize("op_name, attrs", [
    ("SoftmaxOutput", [("grad_scale", 1.0), ("ignore_label", -1.0),
                       ("multi_output", False), ("use_ignore", False),
                       ("preserve_shape", False), ("normalization", "null"),
                       ("out_grad", False), ("smooth_alpha", 0.0)]),
    ("LinearRegressionOutput", [("grad_scale", 1.0)]),
    ("LogisticRegressionOutput", [("grad_scale", 1.0)]),
    ("MAERegressionOutput", [("grad_scale", 1.0)]),
    ("MakeLoss", [("grad_scale", 1.0), ("valid_thresh", 0.0),
                  ("normalization", "null")]),
    ("smooth_l1", [("scalar", 1.0)]),
    ("SVMOutput", [("margin", 1.0), ("regularization_coefficient", 1.0),
                   ("use_linear", False)]),
])
def test_attributes_have_mxnet_names_order_and_defaults(op_name, attrs):
    op = get_op(op_name)
    assert [(name, default) for name, (_, default) in op.attrs.items()] == attrs


def test_softmax_is_an_alias_of_softmax_output():
    assert get_op("Softmax") is get_op("SoftmaxOutput")


@pytest.mark.parametrize("attrs, data, label", [
    ({}, (4, 5), (4,)),
    ({}, (2, 3, 4), (2, 3)),
    ({"preserve_shape": True}, (2, 3, 4), (2, 3)),
    ({"multi_output": True}, (2, 3, 4, 5), (2, 20)),
])
def test_softmax_output_completes_the_label_shape(attrs, data, label):
    op = get_op("SoftmaxOutput")
    in_shapes, out_shapes = op.infer_shape([data, None], **op.parse_attrs(attrs))
    assert in_shapes == [data, label]
    assert out_shapes == [data]


def test_softmax_output_multi_output_accepts_an_unflattened_label():
    op = get_op("SoftmaxOutput")
    attrs = op.parse_attrs({"multi_output": True})
    assert op.infer_shape([(2, 3, 4, 5), (2, 4, 5)], **attrs)[0][1] == (2, 4, 5)
    with pytest.raises(MXNetError, match=r"SoftmaxOutput.*\(2, 20\).*\(2, 2, 10\)"):
        op.infer_shape([(2, 3, 4, 5), (2, 2, 10)], **attrs)


def test_softmax_output_rejects_a_label_of_the_wrong_shape():
    with pytest.raises(MXNetError, match=r"SoftmaxOutput.*label.*\(3,\)"):
        mx.nd.SoftmaxOutput(mx.nd.ones((2, 3)), mx.nd.ones((3,)))


@pytest.mark.parametrize("data, label", [((3, 4), (3, 4)), ((3, 1), (3,)),
                                         ((5,), (5,))])
def test_regression_outputs_complete_the_label_shape(data, label):
    op = get_op("LinearRegressionOutput")
    assert op.infer_shape([data, None], grad_scale=1.0) == ([data, label], [data])


def test_regression_output_rejects_a_label_of_another_size():
    with pytest.raises(MXNetError, match=r"LogisticRegressionOutput.*\(3,\).*\(3, 4\)"):
        mx.nd.LogisticRegressionOutput(mx.nd.ones((3, 4)), mx.nd.ones((3,)))


def test_softmax_cross_entropy_needs_2d_data():
    with pytest.raises(MXNetError, match="softmax_cross_entropy: data must be 2-D"):
        mx.nd.softmax_cross_entropy(mx.nd.ones((2, 3, 4)), mx.nd.ones((2,)))


def test_softmax_output_ignores_the_head_gradient_and_the_label_gets_none(ctx):
    data = np.random.uniform(-1, 1, (3, 4))
    label = [0, 3, 1]
    out, grad, label_grad = gradient_of("SoftmaxOutput", data, label, ctx=ctx)
    _, grad_scaled_head, _ = gradient_of("SoftmaxOutput", data, label,
                                         head=np.full((3, 4), 5.0), ctx=ctx)
    np.testing.assert_allclose(grad, out - np.eye(4)[label], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(grad, grad_scaled_head)
    np.testing.assert_array_equal(label_grad, 0)


def test_softmax_output_keeps_float64():
    data = mx.nd.array(np.ones((2, 3)), dtype="float64")
    assert mx.nd.SoftmaxOutput(data, mx.nd.array([0, 1], dtype="float64")).dtype == \
        np.float64


def test_regression_gradient_is_averaged_over_outputs_not_the_batch():
    data = np.arange(6.0).reshape(2, 3)
    label = np.zeros((2, 3))
    _, grad, _ = gradient_of("LinearRegressionOutput", data, label, grad_scale=3.0)
    np.testing.assert_allclose(grad, data * 3.0 / 3)


def test_make_loss_sends_grad_scale_through_the_graph_below_it():
    x = mx.nd.array([[1.0, -2.0], [3.0, 0.5]])
    x.attach_grad()
    with mx.autograd.record():
        loss = mx.nd.MakeLoss(x * x, grad_scale=0.5, normalization="batch")
    loss.backward(mx.nd.full((2, 2), 9.0))   # ignored, as in MXNet
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * x.asnumpy() * 0.5 / 2)


def test_smooth_l1_with_sigma_zero_is_zero():
    x = mx.nd.array([-3.0, 0.0, 2.0])
    np.testing.assert_array_equal(mx.nd.smooth_l1(x, scalar=0).asnumpy(), 0)


# ---- SVMOutput ----------------------------------------------------------------------
def test_svm_output_label_has_one_entry_per_row_of_the_last_axis():
    symbol = mx.sym.SVMOutput(mx.sym.var("data"), name="svm")
    assert symbol.list_arguments() == ["data", "svm_label"]
    assert symbol.infer_shape(data=(3, 4, 5))[0] == [(3, 4, 5), (3, 4)]
    with pytest.raises(MXNetError, match=r"SVMOutput.*label.*\(3,\)"):
        mx.nd.SVMOutput(mx.nd.ones((3, 4)), mx.nd.ones((4,)))
    with pytest.raises(MXNetError, match=r"SVMOutput.*\(1, classes\)"):
        mx.nd.SVMOutput(mx.nd.ones((4,)), mx.nd.ones((1,)))


@pytest.mark.parametrize("use_linear, expected", [
    # scores [0.5, -2, 1.5, 0.2] with label 2 and [-0.3, 0.9, -1.2, 3] with label 1,
    # margin 1, coefficient 0.5: MXNet 1.9.1's numbers
    (False, [[1.5, 0, 0, 1.2], [0.7, -0.1, 0, 4.0]]),
    (True, [[0.5, 0, 0, 0.5], [0.5, -0.5, 0, 0.5]])])
def test_svm_output_ignores_the_head_gradient_and_the_batch_size(ctx, use_linear,
                                                                expected):
    data = [[0.5, -2, 1.5, 0.2], [-0.3, 0.9, -1.2, 3.0]]
    out, data_grad, label_grad = gradient_of(
        "SVMOutput", data, [2, 1], head=np.full((2, 4), 7.0), ctx=ctx,
        regularization_coefficient=0.5, use_linear=use_linear)
    np.testing.assert_array_equal(out, np.array(data, dtype=np.float32))
    np.testing.assert_allclose(data_grad, expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(label_grad, 0)


def test_svm_output_trains_through_an_executor_without_head_gradients():
    symbol = mx.sym.SVMOutput(mx.sym.var("data"), mx.sym.var("label"))
    executor = symbol.simple_bind(mx.cpu(), data=(2, 3), label=(2,))
    executor.arg_dict["data"][:] = mx.nd.array([[2.0, -2.0, 0.0], [0.0, 0.0, 0.0]])
    executor.arg_dict["label"][:] = mx.nd.array([0, 2])
    executor.forward(is_train=True)
    executor.backward()
    np.testing.assert_allclose(executor.grad_dict["data"].asnumpy(),
                               [[0, 0, 2], [2, 2, -2]])
