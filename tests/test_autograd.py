"""The tape (dlkit/autograd.py): recording, gradients summed over paths, and freeing."""
import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def test_gradient_summed_over_two_paths():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        y = x * x + mx.nd.tanh(x)
    y.backward()
    expected = 2 * np.array([1.0, 2.0]) + 1 - np.tanh([1.0, 2.0]) ** 2
    np.testing.assert_allclose(x.grad.asnumpy(), expected, rtol=1e-5)


def test_tape_is_freed_after_backward():
    x = mx.nd.ones((3,))
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.sigmoid(x * 2)
    node = y._entry[0]
    y.backward()
    assert node.inputs is None and node.outputs is None and node.out_grads is None
    with pytest.raises(MXNetError, match="sigmoid.*retain_graph"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = mx.nd.array([0.5])
    x.attach_grad(grad_req="add")
    with mx.autograd.record():
        y = x * 3
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.asscalar() == pytest.approx(6.0)


def test_long_chain_matches_the_chain_rule():
    x = mx.nd.array([0.3])
    x.attach_grad()
    with mx.autograd.record():
        y = x
        for _ in range(50):
            y = y * 0.9
    y.backward()
    assert x.grad.asscalar() == pytest.approx(0.9 ** 50, rel=1e-4)


def test_recording_flags_default_to_off_in_a_new_thread():
    import threading
    seen = []
    with mx.autograd.record():
        thread = threading.Thread(target=lambda: seen.append(
            (mx.autograd.is_recording(), mx.autograd.is_training())))
        thread.start()
        thread.join()
    assert seen == [(False, False)]


def _fc(x, w, b):
    return mx.nd.FullyConnected(x, w, b, num_hidden=w.shape[0])


def _dense_case(ctx):
    rng = np.random.default_rng(0)
    x = mx.nd.array(rng.standard_normal((4, 3)), ctx=ctx)
    w = mx.nd.array(rng.standard_normal((2, 3)), ctx=ctx)
    b = mx.nd.array(rng.standard_normal((2,)), ctx=ctx)
    return x, w, b


def test_weight_gradient_is_written_into_the_same_grad_array(ctx, monkeypatch):
    from dlkit.ops.conv import FullyConnected
    offered = []
    backward = FullyConnected.backward

    def spy(self, *args, grad_into=None, **kwargs):
        offered.append(grad_into)
        return backward(self, *args, grad_into=grad_into, **kwargs)
    monkeypatch.setattr(FullyConnected, "backward", spy)
    x, w, b = _dense_case(ctx)
    w.attach_grad()
    b.attach_grad()
    held, buffer = w.grad, w.grad._data
    with mx.autograd.record():
        y = _fc(x, w, b)
    y.backward()
    assert offered[0][1] is buffer                 # the GEMM got w.grad to write into
    assert w.grad is held and w.grad._data is buffer
    expected = np.ones((4, 2), np.float32).T @ x.asnumpy()
    np.testing.assert_allclose(w.grad.asnumpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(b.grad.asnumpy(), [4, 4])


def test_a_weight_used_twice_still_adds_both_gradients(ctx):
    x, w, b = _dense_case(ctx)
    w.attach_grad()
    with mx.autograd.record():
        y = _fc(x, w, b) + _fc(x * 2, w, b)
    y.backward()
    expected = 3 * (np.ones((4, 2), np.float32).T @ x.asnumpy())
    np.testing.assert_allclose(w.grad.asnumpy(), expected, rtol=1e-6)


def test_grad_req_add_and_autograd_grad_are_not_written_into_place(ctx):
    x, w, b = _dense_case(ctx)
    w.attach_grad(grad_req="add")
    for _ in range(2):
        with mx.autograd.record():
            y = _fc(x, w, b)
        y.backward()
    single = np.ones((4, 2), np.float32).T @ x.asnumpy()
    np.testing.assert_allclose(w.grad.asnumpy(), 2 * single, rtol=1e-6)
    before = w.grad.asnumpy()
    with mx.autograd.record():
        y = _fc(x, w, b)
    (grad,) = mx.autograd.grad(y, [w], head_grads=mx.nd.ones((4, 2), ctx=ctx))
    np.testing.assert_allclose(grad.asnumpy(), single, rtol=1e-6)
    np.testing.assert_array_equal(w.grad.asnumpy(), before)   # .grad untouched


def test_custom_function_backward_reaches_the_leaf(ctx):
    class Square(mx.autograd.Function):
        def forward(self, x):
            self.save_for_backward(x)
            return x * x

        def backward(self, dy):
            x, = self.saved_tensors
            return 2 * x * dy

    x = mx.nd.array([1.0, 2.0], ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = Square()(x) * 3
    y.backward()
    assert x.grad.asnumpy().tolist() == [6.0, 12.0]


# ---- autograd.get_symbol (golden from tests/golden/gen_misc_training.py) ----
def _record_golden_example(arrays):
    x = mx.nd.array(arrays["get_symbol/x"])
    x.attach_grad()
    w = mx.nd.array(arrays["get_symbol/w"])
    w.attach_grad()
    c = mx.nd.array(arrays["get_symbol/c"])
    c2 = mx.nd.array(arrays["get_symbol/c2"])
    with mx.autograd.record():
        y = mx.nd.FullyConnected(x, w, num_hidden=4, no_bias=True)
        z = mx.nd.relu(y) * 2 + c
        parts = mx.nd.split(z, num_outputs=2, axis=1)
        s = mx.nd.sum(parts[1] - parts[0] * c2 + x.slice_axis(axis=1, begin=0, end=2),
                      axis=1)
    return s, {"var0": x, "var1": w, "null2": c, "null3": c2}


def test_get_symbol_builds_the_graph_mxnet_builds():
    import json

    from golden_replay import load_topic
    from dlkit.ops.registry import get_op
    cases, arrays = load_topic("misc_training")
    case = next(c for c in cases if c["kind"] == "get_symbol")
    s, inputs = _record_golden_example(arrays)
    symbol = mx.autograd.get_symbol(s)
    assert symbol.list_arguments() == case["arguments"]
    graph, expected = json.loads(symbol.tojson()), case["json"]
    assert graph["arg_nodes"] == expected["arg_nodes"]
    assert graph["heads"] == expected["heads"]
    assert len(graph["nodes"]) == len(expected["nodes"])
    numbers = []
    for node, want in zip(graph["nodes"], expected["nodes"]):
        assert (node["op"], node["inputs"]) == (want["op"], want["inputs"])
        if node["op"] == "null":
            assert node["name"] == want["name"]
            continue
        numbers.append(int(node["name"].split("_")[1]))
        # MXNet keeps the attributes the caller gave; dlkit those that differ from
        # the defaults (SliceChannel's axis=1 is the default)
        attrs, wanted = node.get("attrs", {}), want.get("attrs", {})
        op = get_op(node["op"])
        for key, value in wanted.items():
            if key in attrs:
                assert attrs[key] == value
            else:
                attr_type, default = op.attrs[key]
                assert attr_type.parse(value) == default
        assert set(attrs) <= set(wanted)
    assert numbers == sorted(numbers)     # tape creation numbers, as MXNet's count
    assert symbol.list_outputs() == [f"node_{numbers[-1]}_output"]
    executor = symbol.bind(mx.cpu(), inputs)
    np.testing.assert_allclose(executor.forward()[0].asnumpy(),
                               arrays["get_symbol/s"], rtol=1e-5)


def test_get_symbol_of_a_leaf_is_a_variable_and_of_a_constant_an_error():
    x = mx.nd.ones((2,))
    x.attach_grad()
    assert mx.autograd.get_symbol(x).list_arguments() == ["var0"]
    with pytest.raises(MXNetError, match="not part of a computation graph"):
        mx.autograd.get_symbol(mx.nd.ones((2,)))


def test_get_symbol_picks_one_output_and_survives_backward():
    x = mx.nd.ones((2, 4))
    x.attach_grad()
    with mx.autograd.record():
        halves = mx.nd.split(x, num_outputs=2, axis=1)
        y = halves[1] * halves[0]
    y.backward()
    symbol = mx.autograd.get_symbol(halves[1])
    number = halves[1]._entry[0].number
    assert symbol.list_outputs() == [f"node_{number}_output1"]
    assert mx.autograd.get_symbol(y).list_arguments() == ["var0"]


def test_get_symbol_marks_batchnorm_statistics_as_auxiliary_states():
    x = mx.nd.ones((2, 3, 1, 1))
    x.attach_grad()
    stats = [mx.nd.ones(3), mx.nd.zeros(3), mx.nd.zeros(3), mx.nd.ones(3)]
    with mx.autograd.record():
        out = mx.nd.BatchNorm(x, *stats)
    symbol = mx.autograd.get_symbol(out)
    assert symbol.list_arguments() == ["var0", "null1", "null2"]
    assert symbol.list_auxiliary_states() == ["null3", "null4"]
    assert symbol.infer_shape(var0=(2, 3, 1, 1))[1] == [(2, 3, 1, 1)]


def test_get_symbol_refuses_a_custom_function():
    class Double(mx.autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, dy):
            return dy * 2

    x = mx.nd.ones((2,))
    x.attach_grad()
    with mx.autograd.record():
        y = Double()(x) + 1
    with pytest.raises(MXNetError, match="Double"):
        mx.autograd.get_symbol(y)
