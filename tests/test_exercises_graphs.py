"""The checkers of lessons 05-09 accept right answers and reject wrong ones clearly."""
import pytest

import dlkit as mx
from dlkit import exercises_graphs as ex


# ---- check_mlp_symbol ----
def _mlp(hidden_units, num_classes, relu_names=True):
    net = mx.sym.Variable("data")
    for i, units in enumerate(hidden_units, start=1):
        net = mx.sym.FullyConnected(net, name=f"fc{i}", num_hidden=units)
        net = mx.sym.Activation(net, name=f"relu{i}" if relu_names else None,
                                act_type="relu")
    net = mx.sym.FullyConnected(net, name=f"fc{len(hidden_units) + 1}",
                                num_hidden=num_classes)
    return mx.sym.SoftmaxOutput(net, name="softmax")


def test_check_mlp_symbol_accepts_a_named_mlp(capsys):
    ex.check_mlp_symbol(_mlp)
    assert "all 3 cases pass" in capsys.readouterr().out


def test_check_mlp_symbol_rejects_auto_named_layers():
    def unnamed(hidden_units, num_classes):
        net = mx.sym.Variable("data")
        for units in list(hidden_units) + [num_classes]:
            net = mx.sym.FullyConnected(net, num_hidden=units)
        return mx.sym.SoftmaxOutput(net, name="softmax")
    with pytest.raises(AssertionError, match="hint: pass name='fc1'"):
        ex.check_mlp_symbol(unnamed)


def test_check_mlp_symbol_rejects_unnamed_activations():
    with pytest.raises(AssertionError, match="relu1_output"):
        ex.check_mlp_symbol(lambda h, c: _mlp(h, c, relu_names=False))


def test_check_mlp_symbol_rejects_a_non_symbol():
    with pytest.raises(AssertionError, match="expected a Symbol"):
        ex.check_mlp_symbol(lambda h, c: None)


# ---- check_count_params ----
def _count_params(symbol, **data_shapes):
    arg_shapes, _, _ = symbol.infer_shape(**data_shapes)
    total = 0
    for name, shape in zip(symbol.list_arguments(), arg_shapes):
        if name not in data_shapes:
            size = 1
            for dim in shape:
                size *= dim
            total += size
    return total


def test_check_count_params_accepts_the_infer_shape_count(capsys):
    ex.check_count_params(_count_params)
    assert "all 2 cases pass" in capsys.readouterr().out


def test_check_count_params_rejects_counting_the_data_too():
    def with_data(symbol, **data_shapes):
        arg_shapes, _, _ = symbol.infer_shape(**data_shapes)
        return sum(int(mx.nd.zeros(shape).size) for shape in arg_shapes)
    with pytest.raises(AssertionError, match="expected 101770"):
        ex.check_count_params(with_data)


def test_check_count_params_rejects_counting_aux_states():
    def with_aux(symbol, **data_shapes):
        _, _, aux_shapes = symbol.infer_shape(**data_shapes)
        return _count_params(symbol, **data_shapes) + sum(s[0] for s in aux_shapes)
    with pytest.raises(AssertionError, match="conv net"):
        ex.check_count_params(with_aux)


# ---- check_executor_grads ----
def _executor_grads(a, b, d, grad_req="write"):
    A, B, D = (mx.sym.Variable(n) for n in "ABD")
    E = A * B + D
    executor = E.simple_bind(ctx=mx.cpu(), grad_req=grad_req, A=a.shape, B=b.shape,
                             D=d.shape)
    for name, value in zip("ABD", (a, b, d)):
        executor.arg_dict[name][:] = value
    executor.forward(is_train=True)
    executor.backward(out_grads=mx.nd.ones(a.shape))
    return executor.outputs[0], executor.grad_dict


def test_check_executor_grads_accepts_simple_bind(capsys):
    ex.check_executor_grads(_executor_grads)
    assert "all 2 cases pass" in capsys.readouterr().out


def test_check_executor_grads_rejects_grad_req_null():
    with pytest.raises(AssertionError, match="no gradient for 'A'"):
        ex.check_executor_grads(lambda a, b, d: _executor_grads(a, b, d, "null"))


def test_check_executor_grads_rejects_swapped_gradients():
    def swapped(a, b, d):
        out, grads = _executor_grads(a, b, d)
        return out, {"A": grads["B"], "B": grads["A"], "D": grads["D"]}
    with pytest.raises(AssertionError, match="the gradient of A"):
        ex.check_executor_grads(swapped)


# ---- check_train_step ----
def _train_step(mod, batch):
    mod.forward(batch, is_train=True)
    mod.backward()
    mod.update()


def test_check_train_step_accepts_forward_backward_update(capsys):
    ex.check_train_step(_train_step)
    assert "all 2 cases pass" in capsys.readouterr().out


def test_check_train_step_rejects_a_step_without_update():
    def no_update(mod, batch):
        mod.forward(batch, is_train=True)
        mod.backward()
    with pytest.raises(AssertionError, match="call mod.update"):
        ex.check_train_step(no_update)


# ---- check_fit_loop ----
def _fit_loop(mod, train_iter, num_epoch, reset=True):
    for _ in range(num_epoch):
        if reset:
            train_iter.reset()
        for batch in train_iter:
            mod.forward_backward(batch)
            mod.update()


def test_check_fit_loop_accepts_a_loop_that_resets(capsys):
    ex.check_fit_loop(_fit_loop)
    assert "all 3 cases pass" in capsys.readouterr().out


def test_check_fit_loop_rejects_a_loop_that_never_resets():
    with pytest.raises(AssertionError, match="reset the iterator"):
        ex.check_fit_loop(lambda m, it, n: _fit_loop(m, it, n, reset=False))
