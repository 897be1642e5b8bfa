"""Tests for dlkit/ops/conv.py (and the im2col/col2im ops of im2col_ops.py) beyond the
registry sweep and the MXNet goldens: a direct-loop reference for every attribute
combination and column layout, MXNet's quirks, and errors."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError
from dlkit.ops.registry import get_op
from dlkit.test_utils import check_numeric_gradient

nd = mx.nd


def direct_convolution(x, w, b, stride, pad, dilate, groups):
    """Convolution by the definition: one dot product per output position and filter."""
    ndim = x.ndim - 2
    padded = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in pad])
    kernel = w.shape[2:]
    filters, group_channels = w.shape[0], w.shape[1]
    out_spatial = [(padded.shape[2 + i] - dilate[i] * (kernel[i] - 1) - 1) // stride[i] + 1
                   for i in range(ndim)]
    out = np.zeros((x.shape[0], filters, *out_spatial))
    for position in np.ndindex(*out_spatial):
        window = tuple(slice(o * s, o * s + d * (k - 1) + 1, d)
                       for o, s, d, k in zip(position, stride, dilate, kernel))
        patch = padded[(slice(None), slice(None)) + window]
        for f in range(filters):
            group = f // (filters // groups)
            channels = patch[:, group * group_channels:(group + 1) * group_channels]
            out[(slice(None), f) + position] = (channels * w[f]).reshape(len(x), -1).sum(1)
    if b is not None:
        out += b.reshape((1, -1) + (1,) * ndim)
    return out


def direct_convolution_grads(x, w, out_grad, stride, pad, dilate, groups):
    """The data and weight gradients by the definition: every output is a dot product of
    a window with a filter, so its gradient flows back to both."""
    padded = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in pad])
    data_grad, weight_grad = np.zeros_like(padded), np.zeros_like(w)
    kernel = w.shape[2:]
    filters, group_channels = w.shape[0], w.shape[1]
    for position in np.ndindex(*out_grad.shape[2:]):
        window = tuple(slice(o * s, o * s + d * (k - 1) + 1, d)
                       for o, s, d, k in zip(position, stride, dilate, kernel))
        for f in range(filters):
            group = f // (filters // groups)
            channels = (slice(None), slice(group * group_channels,
                                           (group + 1) * group_channels))
            grad = out_grad[(slice(None), f) + position]               # (N,)
            weight_grad[f] += np.tensordot(grad, padded[channels + window], axes=1)
            data_grad[channels + window] += np.multiply.outer(grad, w[f])
    inside = tuple(slice(p, p + n) for p, n in zip(pad, x.shape[2:]))
    return data_grad[(slice(None), slice(None)) + inside], weight_grad


# (data shape, weight shape, stride, pad, dilate, num_group)
CONV_CASES = [
    ((2, 3, 6, 5), (4, 3, 3, 3), (1, 1), (0, 0), (1, 1), 1),
    ((2, 3, 7, 7), (4, 3, 3, 2), (2, 3), (1, 2), (1, 1), 1),
    ((1, 2, 9, 8), (2, 2, 3, 3), (1, 2), (2, 1), (2, 3), 1),
    ((2, 4, 6, 6), (6, 2, 3, 3), (2, 2), (1, 1), (1, 1), 2),
    ((1, 3, 5, 5), (3, 1, 3, 3), (1, 1), (1, 1), (1, 1), 3),
    ((2, 2, 11), (3, 2, 3), (2,), (1,), (2,), 1),
    ((1, 2, 4, 5, 4), (2, 2, 2, 3, 2), (1, 2, 1), (1, 0, 1), (1, 1, 2), 1),
]


def conv_attrs(weight_shape, stride, pad, dilate, groups, **extra):
    return dict(kernel=weight_shape[2:], num_filter=weight_shape[0], stride=stride, pad=pad,
                dilate=dilate, num_group=groups, **extra)


@pytest.mark.parametrize("data_shape, weight_shape, stride, pad, dilate, groups", CONV_CASES)
def test_convolution_matches_direct_definition(ctx, data_shape, weight_shape, stride, pad,
                                               dilate, groups):
    random = np.random.RandomState(1)
    x = random.uniform(-1, 1, data_shape)
    w = random.uniform(-1, 1, weight_shape)
    b = random.uniform(-1, 1, weight_shape[0])
    out = nd.Convolution(nd.array(x, ctx=ctx, dtype="float64"),
                         nd.array(w, ctx=ctx, dtype="float64"),
                         nd.array(b, ctx=ctx, dtype="float64"),
                         **conv_attrs(weight_shape, stride, pad, dilate, groups))
    expected = direct_convolution(x, w, b, stride, pad, dilate, groups)
    np.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("data_shape, weight_shape, stride, pad, dilate, groups",
                         CONV_CASES[1:5])
def test_convolution_gradients_match_numeric(data_shape, weight_shape, stride, pad, dilate,
                                             groups):
    random = np.random.RandomState(2)
    inputs = {"data": random.uniform(-1, 1, data_shape),
              "weight": random.uniform(-1, 1, weight_shape),
              "bias": random.uniform(-1, 1, weight_shape[0])}
    attrs = conv_attrs(weight_shape, stride, pad, dilate, groups)
    check_numeric_gradient(lambda arrays: nd.Convolution(*arrays, **attrs), inputs,
                           rtol=1e-4, atol=1e-8)


def force_layout(monkeypatch, layout):
    """Make every convolution use ``layout`` ("flat" only where a col2im follows)."""
    from dlkit.ops import conv

    def chosen(*args, col2im):
        return layout if col2im or layout != "flat" else "strided"
    monkeypatch.setattr(conv, "_column_layout", chosen)


LAYOUTS = ["strided", "flat", "batch_last"]
# CONV_CASES plus one with 18x18 outputs: its weight gradient is summed in chunks
LAYOUT_CASES = CONV_CASES + [((2, 1, 20, 20), (3, 1, 3, 3), (1, 1), (0, 0), (1, 1), 1)]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("data_shape, weight_shape, stride, pad, dilate, groups", CONV_CASES)
def test_deconvolution_is_the_adjoint_of_convolution(monkeypatch, layout, data_shape,
                                                     weight_shape, stride, pad, dilate,
                                                     groups):
    # <conv(x, w), y> == <x, deconv(y, w)>: deconvolution is convolution's data gradient
    if layout == "flat" and max(stride) > 1:
        pytest.skip("flat windows need stride 1")
    force_layout(monkeypatch, layout)
    random = np.random.RandomState(3)
    x = nd.array(random.uniform(-1, 1, data_shape), dtype="float64")
    w = nd.array(random.uniform(-1, 1, weight_shape), dtype="float64")
    attrs = conv_attrs(weight_shape, stride, pad, dilate, groups)
    y = nd.array(random.uniform(-1, 1, nd.Convolution(x, w, no_bias=True, **attrs).shape),
                 dtype="float64")
    conv = nd.Convolution(x, w, no_bias=True, **attrs).asnumpy()
    adj = [(n + 2 * p - d * (k - 1) - 1) % s
           for n, p, d, k, s in zip(data_shape[2:], pad, dilate, weight_shape[2:], stride)]
    attrs["num_filter"] = data_shape[1]
    deconv = nd.Deconvolution(y, w, adj=tuple(adj), **attrs)
    assert deconv.shape == data_shape
    np.testing.assert_allclose((conv * y.asnumpy()).sum(),
                               (x.asnumpy() * deconv.asnumpy()).sum(), rtol=1e-10)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("data_shape, weight_shape, stride, pad, dilate, groups",
                         LAYOUT_CASES)
def test_every_column_layout_computes_the_definition(monkeypatch, ctx, layout,
                                                     data_shape, weight_shape, stride,
                                                     pad, dilate, groups):
    if layout == "flat" and max(stride) > 1:
        pytest.skip("flat windows need stride 1")
    force_layout(monkeypatch, layout)
    random = np.random.RandomState(4)
    x, w = random.uniform(-1, 1, data_shape), random.uniform(-1, 1, weight_shape)
    b = random.uniform(-1, 1, weight_shape[0])
    data, weight, bias = (nd.array(a, ctx=ctx, dtype="float64") for a in (x, w, b))
    for array in (data, weight, bias):
        array.attach_grad()
    attrs = conv_attrs(weight_shape, stride, pad, dilate, groups)
    with mx.autograd.record():
        out = nd.Convolution(data, weight, bias, **attrs)
    out_grad = random.uniform(-1, 1, out.shape)
    out.backward(nd.array(out_grad, ctx=ctx, dtype="float64"))
    np.testing.assert_allclose(out.asnumpy(),
                               direct_convolution(x, w, b, stride, pad, dilate, groups),
                               rtol=1e-10, atol=1e-12)
    data_grad, weight_grad = direct_convolution_grads(x, w, out_grad, stride, pad,
                                                      dilate, groups)
    np.testing.assert_allclose(data.grad.asnumpy(), data_grad, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(weight.grad.asnumpy(), weight_grad, rtol=1e-10,
                               atol=1e-12)
    np.testing.assert_allclose(bias.grad.asnumpy(),
                               out_grad.sum(axis=(0,) + tuple(range(2, x.ndim))),
                               rtol=1e-10)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_deconvolution_gradients_match_numeric_in_every_layout(monkeypatch, layout):
    force_layout(monkeypatch, layout)
    random = np.random.RandomState(5)
    inputs = {"data": random.uniform(-1, 1, (2, 4, 3, 4)),
              "weight": random.uniform(-1, 1, (4, 3, 2, 3)),
              "bias": random.uniform(-1, 1, 6)}
    attrs = {"kernel": (2, 3), "num_filter": 6, "num_group": 2, "pad": (1, 0),
             "no_bias": False}
    check_numeric_gradient(lambda arrays: nd.Deconvolution(*arrays, **attrs), inputs,
                           rtol=1e-4, atol=1e-8)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("batch", [1, 3])
def test_data_gradient_is_a_fresh_array_not_a_scratch_buffer(monkeypatch, layout,
                                                              batch):
    # col2im adds into a reusable scratch canvas; backward must hand out a copy of it
    force_layout(monkeypatch, layout)
    convolution = get_op("Convolution")
    random = np.random.RandomState(6)
    x, w = random.uniform(-1, 1, (batch, 2, 5, 5)), random.uniform(-1, 1, (3, 2, 3, 3))
    attrs = {"kernel": (3, 3), "stride": (1, 1), "dilate": (1, 1), "pad": (1, 1),
             "num_group": 1, "no_bias": True}
    out = convolution.forward(np, x, w, kernel=(3, 3), num_filter=3, pad=(1, 1))
    first = convolution.backward(np, [x, w], [out], [np.ones_like(out)], **attrs)[0]
    kept = first.copy()
    convolution.backward(np, [x, w], [out], [-np.ones_like(out)], **attrs)
    np.testing.assert_array_equal(first, kept)


def test_convolution_docs_example():
    w = nd.array(np.arange(4).reshape((1, 1, 2, 2)))
    data = nd.array(np.arange(9).reshape((1, 1, 3, 3)))
    out = nd.Convolution(data, w, nd.array([1]), kernel=w.shape[2:], num_filter=w.shape[1],
                         stride=(2, 2), pad=(1, 1))
    np.testing.assert_array_equal(out.asnumpy(), [[[[1, 9], [22, 44]]]])


def test_pooling_docs_examples_use_stride_one_by_default():
    data = nd.array(np.arange(18).reshape((1, 2, 3, 3)))
    maximum = nd.Pooling(data=data, pool_type="max", kernel=(2, 2))
    average = nd.Pooling(data=data, pool_type="avg", kernel=(2, 2))
    np.testing.assert_array_equal(maximum.asnumpy()[0, 0], [[4, 5], [7, 8]])
    np.testing.assert_array_equal(average.asnumpy()[0, 1], [[11, 12], [14, 15]])


def test_max_pooling_sends_gradient_to_first_maximum_on_ties(ctx):
    x = nd.array([[[[1, 3, 3], [3, 2, 1], [0, 3, 1]]]], ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = nd.Pooling(x, kernel=(2, 2), pool_type="max")
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy()[0, 0], [[0, 2, 0], [1, 0, 0], [0, 1, 0]])


def test_avg_pooling_counts_padding_unless_told_not_to():
    data = nd.ones((1, 1, 3, 3))
    attrs = dict(pool_type="avg", kernel=(2, 2), stride=(2, 2), pad=(1, 1))
    with_pad = nd.Pooling(data, **attrs).asnumpy()[0, 0]
    without = nd.Pooling(data, count_include_pad=False, **attrs).asnumpy()[0, 0]
    np.testing.assert_array_equal(with_pad, [[0.25, 0.5], [0.5, 1.0]])
    np.testing.assert_array_equal(without, np.ones((2, 2)))


def test_full_convention_rounds_up_and_averages_cells_inside_the_input():
    data = nd.array(np.arange(9).reshape((1, 1, 3, 3)))
    out = nd.Pooling(data, pool_type="avg", kernel=(2, 2), stride=(2, 2),
                     pooling_convention="full")
    np.testing.assert_array_equal(out.asnumpy()[0, 0], [[2, 3.5], [6.5, 8]])


def test_global_pooling_ignores_kernel_stride_and_pad():
    data = nd.array(np.arange(18).reshape((1, 2, 3, 3)))
    out = nd.Pooling(data, pool_type="avg", global_pool=True, kernel=(2, 2), pad=(1, 1),
                     stride=(2, 2))
    np.testing.assert_array_equal(out.asnumpy().ravel(), [4, 13])


@pytest.mark.parametrize("attrs", [
    dict(pool_type="max", kernel=(3, 3), stride=(1, 1), pad=(1, 1)),
    dict(pool_type="avg", kernel=(3, 2), stride=(2, 1), pad=(1, 1), count_include_pad=False),
    dict(pool_type="sum", kernel=(2, 2), stride=(2, 2), pooling_convention="full"),
    dict(pool_type="max", kernel=(2, 3), stride=(2, 2), pad=(0, 1), pooling_convention="full"),
    dict(pool_type="lp", p_value=2, kernel=(2, 2)),
    dict(pool_type="avg", kernel=(3,), stride=(2,), pad=(1,)),
], ids=["max-pad", "avg-exclude-pad", "sum-full", "max-full", "lp2", "avg-1d"])
def test_pooling_gradients_match_numeric(attrs):
    shape = (2, 2, 5) if len(attrs["kernel"]) == 1 else (1, 2, 5, 6)
    data = np.random.RandomState(4).uniform(0.1, 1, shape)
    check_numeric_gradient(lambda arrays: nd.Pooling(*arrays, **attrs), {"data": data},
                           rtol=1e-4, atol=1e-8)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_outputs_keep_the_input_dtype(dtype):
    data = nd.ones((1, 2, 4, 4), dtype=dtype)
    weight = nd.ones((3, 2, 3, 3), dtype=dtype)
    assert nd.Convolution(data, weight, kernel=(3, 3), num_filter=3,
                          no_bias=True).dtype == np.dtype(dtype)
    for pool_type in ("max", "avg", "sum"):
        out = nd.Pooling(data, kernel=(2, 2), pool_type=pool_type, pad=(1, 1))
        assert out.dtype == np.dtype(dtype)


def test_fully_connected_takes_keyword_inputs_without_bias():
    data, weight = nd.ones((2, 3, 2)), nd.ones((4, 6))
    out = nd.FullyConnected(data=data, weight=weight, num_hidden=4, no_bias=True)
    np.testing.assert_array_equal(out.asnumpy(), np.full((2, 4), 6.0))


def test_fully_connected_infers_weight_and_bias_from_data():
    op = get_op("FullyConnected")
    attrs = op.parse_attrs({"num_hidden": 3})
    assert op.infer_shape([(2, 4, 5), None, None], **attrs) == (
        [(2, 4, 5), (3, 20), (3,)], [(2, 3)])
    attrs = op.parse_attrs({"num_hidden": 3, "flatten": False, "no_bias": True})
    assert op.list_inputs(attrs) == ["data", "weight"]
    assert op.infer_shape([(2, 4, 5), None], **attrs) == ([(2, 4, 5), (3, 5)], [(2, 4, 3)])


def test_convolution_and_deconvolution_infer_parameter_shapes():
    conv = get_op("Convolution")
    attrs = conv.parse_attrs({"kernel": (3,), "num_filter": 4, "num_group": 2})
    assert conv.infer_shape([(2, 6, 10), None, None], **attrs) == (
        [(2, 6, 10), (4, 3, 3), (4,)], [(2, 4, 8)])
    deconv = get_op("Deconvolution")
    attrs = deconv.parse_attrs({"kernel": (3, 3), "num_filter": 6, "stride": (2, 2),
                                "pad": (1, 1), "adj": (1, 1)})
    assert deconv.list_inputs(attrs) == ["data", "weight"]  # MXNet: no_bias=True here
    assert deconv.infer_shape([(1, 4, 5, 5), None], **attrs) == (
        [(1, 4, 5, 5), (4, 6, 3, 3)], [(1, 6, 10, 10)])


@pytest.mark.parametrize("call, words", [
    (lambda: nd.Convolution(nd.ones((1, 3, 5, 5)), nd.ones((4, 2, 3, 3)), nd.ones(4),
                            kernel=(3, 3), num_filter=4),
     ["Convolution", "weight", "(4, 2, 3, 3)", "(1, 3, 5, 5)", "(4, 3, 3, 3)"]),
    (lambda: nd.Convolution(nd.ones((1, 2, 3, 3)), nd.ones((4, 2, 5, 5)), nd.ones(4),
                            kernel=(5, 5), num_filter=4, pad=(0, 0)),
     ["Convolution", "kernel=(5, 5)", "(1, 2, 3, 3)", "pad"]),
    (lambda: nd.Pooling(nd.ones((1, 2, 3, 3)), kernel=(4, 4)),
     ["Pooling", "kernel=(4, 4)", "(1, 2, 3, 3)"]),
    (lambda: nd.Pooling(nd.ones((1, 2, 3, 3)), kernel=(2, 2), pool_type="maxx"),
     ["Pooling", "pool_type", "'maxx'", "'max'"]),
    (lambda: nd.FullyConnected(nd.ones((2, 5)), nd.ones((3, 4)), nd.ones(3), num_hidden=3),
     ["FullyConnected", "weight", "(3, 4)", "(2, 5)", "(3, 5)"]),
    (lambda: nd.Convolution(nd.ones((1, 3, 5, 5)), nd.ones((4, 1, 3, 3)), kernel=(3, 3),
                            num_filter=4, num_group=3, no_bias=True),
     ["Convolution", "num_filter=4", "num_group=3"]),
    (lambda: nd.Convolution(nd.ones((1, 2, 5, 5)), nd.ones((4, 2, 3, 3)), kernel=(3, 3),
                            stride=(1,), num_filter=4, no_bias=True),
     ["Convolution", "stride=(1,)", "2 entries"]),
    (lambda: nd.Convolution(nd.ones((1, 2, 5)), nd.ones((4, 2, 3, 3)), kernel=(3, 3),
                            num_filter=4, no_bias=True),
     ["Convolution", "(1, 2, 5)", "4-D data"]),
    (lambda: nd.Convolution(nd.ones((1, 2, 5, 5)), nd.ones((4, 2, 3, 3)), kernel=(3, 3),
                            num_filter=4, no_bias=True, layout="NHWC"),
     ["Convolution", "'NHWC'", "'NCHW'"]),
    (lambda: nd.Deconvolution(nd.ones((1, 2, 4, 4)), nd.ones((2, 2, 3, 3)), kernel=(3, 3),
                              num_filter=2, stride=(2, 2), target_shape=(12, 12)),
     ["Deconvolution", "target_shape=(12, 12)", "(1, 2, 4, 4)", "9"]),
    (lambda: nd.Deconvolution(nd.ones((1, 2, 4, 4)), nd.ones((2, 2, 3, 3)), kernel=(3, 3),
                              num_filter=2, stride=(2, 2), adj=(2, 2)),
     ["Deconvolution", "adj=(2, 2)", "stride=(2, 2)"]),
    (lambda: nd.Pooling(nd.ones((1, 2, 4, 4)), kernel=(2, 2), pool_type="lp"),
     ["Pooling", "p_value"]),
    (lambda: nd.Pooling(nd.ones((1, 2, 4)), kernel=(2,), pooling_convention="same"),
     ["Pooling", "'same'"]),
], ids=["conv-channels", "conv-kernel-too-big", "pool-kernel-too-big", "pool-type",
        "fc-weight", "conv-groups", "conv-stride-length", "conv-data-ndim", "conv-layout",
        "deconv-target-too-big", "deconv-adj", "pool-lp-p-value", "pool-same"])
def test_bad_inputs_raise_errors_naming_op_argument_and_shapes(call, words):
    with pytest.raises(MXNetError) as error:
        call()
    for word in words:
        assert word in str(error.value), (word, str(error.value))


@pytest.mark.parametrize("op_name", ["Convolution", "FullyConnected"])
def test_constant_data_gets_no_data_gradient_computed(monkeypatch, op_name):
    # needs_grad (MXNet's req='null'): a first layer's images need no gradient, so
    # neither autograd nor the Executor pays for one; the weight gradient is unchanged
    from dlkit.ops import conv

    attrs = ({"kernel": (3, 3), "num_filter": 2} if op_name == "Convolution"
             else {"num_hidden": 2})
    data = mx.nd.random.uniform(shape=(2, 1, 5, 5))
    weight_shape = (2, 1, 3, 3) if op_name == "Convolution" else (2, 25)
    weight = mx.nd.random.uniform(shape=weight_shape)
    weight.attach_grad()
    with mx.autograd.record():
        out = getattr(mx.nd, op_name)(data, weight, no_bias=True, **attrs)
    out.backward()
    expected = weight.grad.asnumpy()

    calls = []
    original = conv._conv_data_grad
    monkeypatch.setattr(conv, "_conv_data_grad",
                        lambda *args: calls.append(1) or original(*args))
    data_var = mx.sym.Variable("data")
    net = getattr(mx.sym, op_name)(data_var, no_bias=True, name="layer", **attrs)
    executor = net.bind(mx.cpu(), {"data": data, "layer_weight": weight},
                        args_grad={"layer_weight": mx.nd.zeros(weight_shape)},
                        grad_req={"data": "null", "layer_weight": "write"})
    executor.forward(is_train=True)
    executor.backward(mx.nd.ones(out.shape))
    np.testing.assert_allclose(executor.grad_dict["layer_weight"].asnumpy(), expected,
                               rtol=1e-5)
    with mx.autograd.record():
        out = getattr(mx.nd, op_name)(data, weight, no_bias=True, **attrs)
    out.backward()
    np.testing.assert_allclose(weight.grad.asnumpy(), expected, rtol=1e-5)
    assert calls == []


# ---- im2col and col2im ------------------------------------------------------------
UNGROUPED_CASES = [case for case in CONV_CASES if case[-1] == 1]


@pytest.mark.parametrize("data_shape, weight_shape, stride, pad, dilate, groups",
                         UNGROUPED_CASES)
def test_filters_times_im2col_columns_is_the_convolution(ctx, data_shape, weight_shape,
                                                         stride, pad, dilate, groups):
    # MXNet's row order (channel, then kernel tap) is the weight's own order
    x = np.random.uniform(-1, 1, data_shape)
    w = np.random.uniform(-1, 1, weight_shape)
    columns = nd.im2col(nd.array(x, ctx=ctx), kernel=weight_shape[2:], stride=stride,
                        pad=pad, dilate=dilate).asnumpy()
    product = np.matmul(w.reshape(len(w), -1).astype(np.float32), columns)
    expected = direct_convolution(x, w, None, stride, pad, dilate, 1)
    np.testing.assert_allclose(product.reshape(expected.shape), expected, rtol=1e-4,
                               atol=1e-5)


@pytest.mark.parametrize("data_shape, weight_shape, stride, pad, dilate, groups",
                         UNGROUPED_CASES)
def test_col2im_is_the_adjoint_of_im2col(ctx, data_shape, weight_shape, stride, pad,
                                         dilate, groups):
    attrs = dict(kernel=weight_shape[2:], stride=stride, pad=pad, dilate=dilate)
    x = nd.array(np.random.uniform(-1, 1, data_shape), ctx=ctx, dtype="float64")
    columns = nd.im2col(x, **attrs)
    c = nd.array(np.random.uniform(-1, 1, columns.shape), ctx=ctx, dtype="float64")
    image = nd.col2im(c, output_size=data_shape[2:], **attrs)
    assert image.shape == data_shape
    np.testing.assert_allclose((columns * c).sum().asscalar(),
                               (x * image).sum().asscalar(), rtol=1e-10)


def test_im2col_output_is_a_fresh_array_even_for_one_by_one_windows():
    x = nd.array(np.arange(6.0).reshape(1, 2, 1, 3))
    columns = nd.im2col(x, kernel=(1, 1))
    columns[:] = 0
    np.testing.assert_array_equal(x.asnumpy().ravel(), np.arange(6.0))


@pytest.mark.parametrize("call, words", [
    (lambda: nd.im2col(nd.ones((1, 1, 3, 3)), kernel=(4, 4)), "larger than the padded"),
    (lambda: nd.im2col(nd.ones((1, 1, 3, 3)), kernel=(2, 2), stride=(1,)),
     "stride=(1,) must have 2 entries"),
    (lambda: nd.im2col(nd.ones((1, 3, 3)), kernel=(2, 2)), "needs 4-D data"),
    (lambda: nd.col2im(nd.ones((2, 9, 6)), output_size=(3, 4), kernel=(2, 2)),
     "9 rows, not a multiple of the 4 taps"),
    (lambda: nd.col2im(nd.ones((2, 8, 5)), output_size=(3, 4), kernel=(2, 2)),
     "5 columns, but output_size=(3, 4)"),
    (lambda: nd.col2im(nd.ones((2, 8, 6)), output_size=(3,), kernel=(2, 2)),
     "output_size=(3,) needs 2 entries"),
])
def test_im2col_and_col2im_errors_name_the_shapes(call, words):
    with pytest.raises(MXNetError) as error:
        call()
    assert words in str(error.value)


# ---- Convolution_v1 -----------------------------------------------------------------
def test_convolution_v1_is_convolution_for_2d_kernels_with_true_gradients():
    # MXNet 1.9.1's Convolution_v1 data gradient is wrong with stride and dilate both
    # above 1; dlkit's is Convolution's
    x = np.random.uniform(-1, 1, (1, 4, 7, 6))
    w = np.random.uniform(-1, 1, (6, 4, 2, 3))
    attrs = dict(kernel=(2, 3), num_filter=6, stride=(2, 1), dilate=(2, 1),
                 no_bias=True)
    results = []
    for op_name in ("Convolution_v1", "Convolution"):
        data = nd.array(x, dtype="float64")
        data.attach_grad()
        with mx.autograd.record():
            out = getattr(nd, op_name)(data, nd.array(w, dtype="float64"), **attrs)
        out.backward()
        results.append((out.asnumpy(), data.grad.asnumpy()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])
    expected, _ = direct_convolution_grads(x, w, np.ones(results[0][0].shape),
                                           (2, 1), (0, 0), (2, 1), 1)
    np.testing.assert_allclose(results[0][1], expected, rtol=1e-10)


def test_convolution_v1_has_2d_kernels_and_no_ncw_layout():
    with pytest.raises(MXNetError, match="2-D kernels"):
        nd.Convolution_v1(nd.ones((1, 2, 5)), nd.ones((3, 2, 3)), nd.ones((3,)),
                          kernel=(3,), num_filter=3)
    with pytest.raises(MXNetError, match="'NCW' is not valid"):
        mx.sym.Convolution_v1(mx.sym.var("data"), kernel=(3, 3), num_filter=2,
                              layout="NCW")
