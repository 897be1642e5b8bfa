"""Hand-written tests for dlkit/ops/ctc.py (and Gluon's ``CTCLoss`` built on it): what
the registry sweep and the MXNet goldens (tests/golden/ops_vision.json) miss: closed
forms, MXNet's label and length conventions, the batch against single samples, input
names and errors."""
import math

import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def ctc(data, label, ctx=mx.cpu(), **kwargs):
    arrays = {name: mx.nd.array(value, ctx=ctx) for name, value in kwargs.items()
              if name.endswith("lengths")}
    attrs = {name: value for name, value in kwargs.items()
             if not name.endswith("lengths")}
    attrs.update({f"use_{name}": True for name in arrays})
    return mx.nd.CTCLoss(mx.nd.array(data, ctx=ctx), mx.nd.array(label, ctx=ctx),
                         **arrays, **attrs).asnumpy()


def test_uniform_scores_give_minus_log_of_the_share_of_correct_paths(ctx):
    # 3 frames, classes {blank, a, b} equally likely: loss = -log(share of the 27
    # paths that read "a" once repeats merge and blanks go: a--, -aa, aaa, ...)
    paths = [(x, y, z) for x in range(3) for y in range(3) for z in range(3)]

    def reads(path):
        merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
        return [c for c in merged if c != 0]

    count = sum(reads(path) == [1] for path in paths)
    loss = ctc(np.zeros((3, 1, 3)), [[1, 0]], ctx)
    np.testing.assert_allclose(loss, [-math.log(count / 27)], rtol=1e-6)


def test_blank_last_is_blank_first_with_the_classes_rotated(ctx):
    random = np.random.RandomState(0)
    data = random.uniform(-1, 1, (6, 2, 4))
    first = ctc(data, [[1, 3, 0], [2, 2, 1]], ctx)
    rotated = np.roll(data, -1, axis=2)           # the blank moves from 0 to C - 1
    last = ctc(rotated, [[0, 2, -1], [1, 1, 0]], ctx, blank_label="last")
    np.testing.assert_allclose(last, first, rtol=1e-6)


def test_label_lengths_replace_the_padding_value(ctx):
    data = np.random.RandomState(1).uniform(-1, 1, (5, 2, 4))
    padded = ctc(data, [[1, 2, 0], [3, 0, 0]], ctx)
    counted = ctc(data, [[1, 2, 3], [3, 3, 3]], ctx, label_lengths=[2, 1])
    np.testing.assert_allclose(counted, padded, rtol=1e-6)


def test_each_sample_of_a_batch_equals_its_own_loss_and_gradient():
    # the time loop works on the whole batch; lengths differ per sample
    random = np.random.RandomState(2)
    data = random.uniform(-2, 2, (7, 3, 5))
    label = [[1, 2, 2, 4], [3, 0, 0, 0], [4, 1, 4, 1]]
    lengths = {"data_lengths": [7, 4, 6], "label_lengths": [3, 1, 4]}
    batch = mx.nd.array(data)
    batch.attach_grad()
    with mx.autograd.record():
        loss = mx.nd.CTCLoss(batch, mx.nd.array(label),
                             *[mx.nd.array(v) for v in lengths.values()],
                             use_data_lengths=True, use_label_lengths=True)
    loss.backward()
    for n in range(3):
        steps = lengths["data_lengths"][n]
        alone = mx.nd.array(data[:steps, n:n + 1])
        alone.attach_grad()
        with mx.autograd.record():
            own = mx.nd.CTCLoss(alone, mx.nd.array([label[n]]),
                                label_lengths=mx.nd.array(
                                    [lengths["label_lengths"][n]]),
                                use_label_lengths=True)
        own.backward()
        np.testing.assert_allclose(loss.asnumpy()[n], own.asnumpy()[0], rtol=1e-5)
        np.testing.assert_allclose(batch.grad.asnumpy()[:steps, n],
                                   alone.grad.asnumpy()[:, 0], rtol=1e-4, atol=1e-6)
        assert not batch.grad.asnumpy()[steps:, n].any()


def test_gradient_is_softmax_minus_path_occupancy_summing_to_zero_per_frame(ctx):
    data = mx.nd.array(np.random.RandomState(3).uniform(-1, 1, (5, 2, 4)), ctx=ctx)
    data.attach_grad()
    with mx.autograd.record():
        loss = mx.nd.CTCLoss(data, mx.nd.array([[1, 2], [3, 0]], ctx=ctx))
    loss.backward()
    # softmax sums to 1 per frame, and so do the occupancies of the correct paths
    np.testing.assert_allclose(data.grad.asnumpy().sum(axis=2), 0, atol=1e-6)


def test_an_impossible_label_has_loss_zero_and_no_gradient(ctx):
    # "aaa" needs 5 frames (a blank between repeats); only 3 are given
    data = mx.nd.array(np.random.RandomState(4).uniform(-1, 1, (3, 2, 3)), ctx=ctx)
    data.attach_grad()
    with mx.autograd.record():
        loss = mx.nd.CTCLoss(data, mx.nd.array([[1, 1, 1], [1, 2, 0]], ctx=ctx))
    loss.backward()
    assert loss.asnumpy()[0] == 0 and loss.asnumpy()[1] > 0
    assert not data.grad.asnumpy()[:, 0].any() and data.grad.asnumpy()[:, 1].any()


def test_lengths_and_labels_are_rounded_but_the_gradient_truncates_data_lengths():
    data = np.random.RandomState(5).uniform(-1, 1, (6, 1, 4))
    # label 1.5 is class 2 and 0.4 is padding: C's round, as MXNet
    np.testing.assert_allclose(ctc(data, [[1.5, 0.4]]), ctc(data, [[2, 0]]), rtol=1e-6)
    # 4.6 frames count as 5 for the loss ...
    np.testing.assert_allclose(ctc(data, [[1, 2]], data_lengths=[4.6]),
                               ctc(data[:5], [[1, 2]]), rtol=1e-6)
    # ... but MXNet's gradient stops before frame int(4.6) = 4
    x = mx.nd.array(data)
    x.attach_grad()
    with mx.autograd.record():
        loss = mx.nd.CTCLoss(x, mx.nd.array([[1, 2]]), mx.nd.array([4.6]),
                             use_data_lengths=True)
    loss.backward()
    assert x.grad.asnumpy()[3].any() and not x.grad.asnumpy()[4:].any()


def test_inputs_follow_the_length_flags_and_the_output_is_named_output0():
    def arguments(**flags):
        return mx.sym.CTCLoss(name="ctc", **flags).list_arguments()

    assert arguments() == ["ctc_data", "ctc_label"]
    assert arguments(use_label_lengths=True) == ["ctc_data", "ctc_label",
                                                 "ctc_label_lengths"]
    assert arguments(use_data_lengths=True, use_label_lengths=True)[2:] == [
        "ctc_data_lengths", "ctc_label_lengths"]
    assert mx.sym.CTCLoss(name="ctc").list_outputs() == ["ctc_output0"]
    out = mx.sym.ctc_loss(mx.sym.var("d"), mx.sym.var("l"), mx.sym.var("n"),
                          use_data_lengths=True)
    assert out.infer_shape(d=(5, 3, 4), l=(3, 2)) == (
        [(5, 3, 4), (3, 2), (3,)], [(3,)], [])


def test_float64_data_gives_float64_loss_and_int_labels_are_accepted():
    loss = mx.nd.CTCLoss(mx.nd.zeros((4, 2, 3), dtype="float64"),
                         mx.nd.array([[1, 2], [2, 0]], dtype="int32"))
    assert loss.dtype == np.float64 and loss.shape == (2,)


@pytest.mark.parametrize("data_shape, label, kwargs, message", [
    ((4, 2, 3), [[1, 3], [1, 2]], {}, r"label values .* \[0, 2\]"),
    ((4, 2, 3), [[0, -2], [1, -1]], {"blank_label": "last"},
     r"label values .* \[0, 2\]"),
    ((4, 2, 3), [[1, 2], [1, 2]], {"label_lengths": [3, 1]}, r"label_lengths .*\[3\]"),
    ((4, 2, 3), [[1, 2], [1, 2]], {"data_lengths": [5, 4]}, r"data_lengths .*\[5\]"),
    ((2, 2, 3), [[1, 2, 1], [1, 2, 1]], {}, "cannot fit in 2 frames"),
    ((4, 2, 3), [[1, 2]], {}, "same batch size"),
    ((4, 3), [[1, 2]], {}, "3-D"),
    ((4, 2, 3), [[1, 2], [1, 2]], {"data_lengths": [4, 4, 4]}, r"\(batch_size,\)")])
def test_ctc_rejects_bad_inputs_with_a_clear_message(data_shape, label, kwargs,
                                                     message):
    with pytest.raises(MXNetError, match=f"CTCLoss: .*{message}"):
        ctc(np.zeros(data_shape), label, **kwargs)


# ---- gluon.loss.CTCLoss (blank last, batch-major by default) ----
GLUON_PRED = np.random.RandomState(0).uniform(-1, 1, (2, 5, 4))
GLUON_LABEL = [[1, 0, -1], [2, 2, 1]]


@pytest.mark.parametrize("args, expected", [
    ((), [3.57075, 5.7916]),                       # printed by MXNet 1.9.1
    ((mx.nd.array([4, 5]),), [2.69922, 5.7916]),
    ((None, mx.nd.array([1, 2])), [3.97208, 4.34938]),
    ((None, None, mx.nd.array([2, 3])), [7.1415, 17.37481])])
def test_gluon_ctc_loss_matches_mxnet(args, expected):
    loss = mx.gluon.loss.CTCLoss()
    out = loss(mx.nd.array(GLUON_PRED), mx.nd.array(GLUON_LABEL), *args)
    np.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-5)


def test_gluon_ctc_loss_time_major_layouts_and_weight():
    loss = mx.gluon.loss.CTCLoss(layout="TNC", label_layout="TN", weight=0.5)
    out = loss(mx.nd.array(GLUON_PRED.swapaxes(0, 1)),
               mx.nd.array(np.array(GLUON_LABEL).T))
    np.testing.assert_allclose(out.asnumpy(), [1.785375, 2.8958], rtol=1e-5)
    assert repr(loss) == "CTCLoss(batch_axis=1, w=0.5)"


def test_gluon_ctc_loss_hybridized_gives_the_same_loss_and_gradient():
    results = []
    for hybridize in (False, True):
        loss = mx.gluon.loss.CTCLoss()
        if hybridize:
            loss.hybridize()
        pred = mx.nd.array(GLUON_PRED)
        pred.attach_grad()
        with mx.autograd.record():
            out = loss(pred, mx.nd.array(GLUON_LABEL), mx.nd.array([4, 5]),
                       mx.nd.array([2, 3]))
        out.backward()
        results.append((out.asnumpy(), pred.grad.asnumpy()))
    for plain, hybrid in zip(*results):
        np.testing.assert_allclose(hybrid, plain, rtol=1e-6)


@pytest.mark.parametrize("kwargs", [{"layout": "NCT"}, {"label_layout": "NTC"}])
def test_gluon_ctc_loss_rejects_other_layouts_as_mxnet_does(kwargs):
    with pytest.raises(AssertionError, match="layouts"):
        mx.gluon.loss.CTCLoss(**kwargs)
