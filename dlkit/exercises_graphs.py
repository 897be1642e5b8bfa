"""Checkers for the exercises of the symbolic lessons (05 to 09): Symbol, shape
inference, Executor and Module.

Same pattern as ``dlkit.exercises``: each checker calls the learner's function on a few
small cases, compares with a reference computed here with NumPy or plain arithmetic
(never with the dlkit feature being taught), prints what passed or raises
``AssertionError`` saying which case failed, what was expected and what came back.

==========================  ===================================  ======================
checker                     exercise                             lesson
==========================  ===================================  ======================
``check_mlp_symbol``        an MLP Symbol with MXNet's names     05-symbols
``check_count_params``      parameter count from infer_shape     06-shape-inference
``check_executor_grads``    gradients of A*B + D by binding      07-executors
``check_train_step``        forward, backward, update a Module   08-module-intermediate
``check_fit_loop``          your own fit loop                    09-module-fit
==========================  ===================================  ======================
"""
import numpy as np

from . import io
from . import ndarray as nd
from . import symbol as sym
from .module import Module
from .exercises import _compare, _passed

__all__ = ["check_mlp_symbol", "check_count_params", "check_executor_grads",
           "check_train_step", "check_fit_loop"]


def _is_symbol(value, checker, case):
    if not isinstance(value, sym.Symbol):
        raise AssertionError(f"{checker}: for {case} your function returned "
                             f"{type(value).__name__}, expected a Symbol")


# ---- 05 ----------------------------------------------------------------------------
def check_mlp_symbol(mlp):
    """``mlp(hidden_units, num_classes)``: FullyConnected layers ``fc1``, ``fc2`` ...
    with ReLU activations ``relu1``, ``relu2`` ... between them, one last
    FullyConnected with ``num_classes`` units and a ``SoftmaxOutput`` named
    ``softmax``."""
    cases = [((8,), 3), ((16, 8), 4), ((), 2)]
    for hidden, classes in cases:
        case = f"mlp({hidden}, {classes})"
        net = mlp(hidden, classes)
        _is_symbol(net, "check_mlp_symbol", case)
        sizes = list(hidden) + [classes]
        expected_args = ["data"]
        for i in range(1, len(sizes) + 1):
            expected_args += [f"fc{i}_weight", f"fc{i}_bias"]
        expected_args.append("softmax_label")
        if net.list_arguments() != expected_args:
            raise AssertionError(f"check_mlp_symbol: for {case} the arguments are\n"
                                 f"{net.list_arguments()}\nexpected\n{expected_args}\n"
                                 "hint: pass name='fc1' ... and name='softmax'")
        if net.list_outputs() != ["softmax_output"]:
            raise AssertionError(f"check_mlp_symbol: for {case} the outputs are "
                                 f"{net.list_outputs()}, expected ['softmax_output']")
        relus = [f"relu{i}_output" for i in range(1, len(hidden) + 1)]
        internals = net.get_internals().list_outputs()
        missing = [name for name in relus if name not in internals]
        if missing:
            raise AssertionError(f"check_mlp_symbol: for {case} the graph has no "
                                 f"{missing}; name the activations relu1, relu2 ...")
        arg_shapes, out_shapes, _ = net.infer_shape(data=(5, 7))
        previous = 7
        for i, size in enumerate(sizes, start=1):
            weight = arg_shapes[expected_args.index(f"fc{i}_weight")]
            if tuple(weight) != (size, previous):
                raise AssertionError(f"check_mlp_symbol: for {case} fc{i}_weight has "
                                     f"shape {weight}, expected {(size, previous)}")
            previous = size
        if tuple(out_shapes[0]) != (5, classes):
            raise AssertionError(f"check_mlp_symbol: for {case} and data (5, 7) the "
                                 f"output shape is {out_shapes[0]}, "
                                 f"expected (5, {classes})")
    _passed("check_mlp_symbol", len(cases))


# ---- 06 ----------------------------------------------------------------------------
def _mlp_case():
    data = sym.Variable("data")
    net = sym.FullyConnected(data, name="fc1", num_hidden=128)
    net = sym.Activation(net, name="relu1", act_type="relu")
    net = sym.FullyConnected(net, name="fc2", num_hidden=10)
    # 784*128 + 128 + 128*10 + 10
    return "an MLP 784-128-10 with data (64, 784)", net, {"data": (64, 784)}, 101770


def _conv_case():
    data = sym.Variable("data")
    net = sym.Convolution(data, name="conv1", kernel=(5, 5), num_filter=20)
    net = sym.BatchNorm(net, name="bn1")
    net = sym.Pooling(net, kernel=(2, 2), stride=(2, 2), pool_type="max")
    net = sym.FullyConnected(net, name="fc1", num_hidden=10)
    # conv 20*1*5*5 + 20; bn gamma + beta 2*20 (moving stats are aux, not counted);
    # 28-5+1 = 24, pooled to 12: fc 10*(20*12*12) + 10
    count = 20 * 25 + 20 + 2 * 20 + 10 * 20 * 12 * 12 + 10
    return "a conv net with data (8, 1, 28, 28)", net, {"data": (8, 1, 28, 28)}, count


def check_count_params(count_params):
    """``count_params(symbol, **data_shapes)``: the number of learnable values, that is
    the sizes of every argument except the data arguments (the ones in
    ``data_shapes``); auxiliary states are not learned by gradient and do not count."""
    cases = [_mlp_case(), _conv_case()]
    for case, net, shapes, expected in cases:
        got = count_params(net, **shapes)
        if int(got) != expected:
            raise AssertionError(f"check_count_params: for {case} you counted {got}, "
                                 f"expected {expected}")
    _passed("check_count_params", len(cases))


# ---- 07 ----------------------------------------------------------------------------
def check_executor_grads(executor_grads):
    """``executor_grads(a, b, d)`` with NumPy arrays: bind ``E = A * B + D``, run
    forward and backward with a head gradient of ones, return ``(output, grad_dict)``
    where ``grad_dict`` maps ``'A'``, ``'B'``, ``'D'`` to NDArrays."""
    rng = np.random.RandomState(3)
    cases = {
        "shape (1,)": [np.array([2.0], np.float32), np.array([3.0], np.float32),
                       np.array([1.0], np.float32)],
        "shape (2, 3)": [rng.randn(2, 3).astype(np.float32) for _ in range(3)],
    }
    for case, (a, b, d) in cases.items():
        result = executor_grads(a, b, d)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise AssertionError("check_executor_grads: return (output, grad_dict), "
                                 f"got {type(result).__name__}")
        output, grads = result
        if not isinstance(output, nd.NDArray):
            raise AssertionError(f"check_executor_grads: for {case} the output is "
                                 f"{type(output).__name__}, expected an NDArray")
        _compare("check_executor_grads", f"{case}, the output", output.asnumpy(),
                 a * b + d)
        expected = {"A": b, "B": a, "D": np.ones_like(d)}
        for name, value in expected.items():
            if grads.get(name) is None:
                raise AssertionError(f"check_executor_grads: for {case} the grad_dict "
                                     f"has no gradient for {name!r} (grad_req='null'?)")
            _compare("check_executor_grads", f"{case}, the gradient of {name}",
                     grads[name].asnumpy(), value)
    _passed("check_executor_grads", len(cases))


# ---- 08 and 09: a linear regression whose SGD steps NumPy can redo ------------------
def _regression_data(num_examples=40, seed=4):
    rng = np.random.RandomState(seed)
    X = rng.randn(num_examples, 3).astype(np.float32)
    y = X @ np.array([1.5, -2.0, 0.5], np.float32) + 0.3
    return X, y.astype(np.float32)


def _regression_module(batch_size, lr):
    """A bound Module ``fc(data) -> LinearRegressionOutput`` with fixed parameters and
    plain SGD (rescale_grad = 1/batch_size, no momentum, no weight decay)."""
    data = sym.Variable("data")
    net = sym.FullyConnected(data, name="fc", num_hidden=1)
    net = sym.LinearRegressionOutput(net, name="lro")
    mod = Module(net, data_names=["data"], label_names=["lro_label"])
    mod.bind(data_shapes=[("data", (batch_size, 3))],
             label_shapes=[("lro_label", (batch_size,))])
    weight = np.array([[0.1, 0.2, -0.1]], np.float32)
    bias = np.array([0.05], np.float32)
    mod.init_params(arg_params={"fc_weight": nd.array(weight),
                                "fc_bias": nd.array(bias)})
    mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": lr})
    return mod, weight[0].astype(np.float64), float(bias[0])


def _numpy_sgd_step(weight, bias, X, y, lr):
    """One SGD step on 0.5 * (X.w + b - y)^2 averaged over the batch."""
    residual = X.astype(np.float64) @ weight + bias - y
    grad_w = residual @ X / len(y)
    grad_b = residual.mean()
    return weight - lr * grad_w, bias - lr * grad_b


def _module_weights(mod):
    args, _ = mod.get_params()
    return args["fc_weight"].asnumpy()[0], float(args["fc_bias"].asnumpy()[0])


def check_train_step(train_step):
    """``train_step(mod, batch)``: one forward (training mode), backward and update of a
    bound Module with an initialised optimizer. Checked against the same SGD step done
    with NumPy, twice in a row."""
    X, y = _regression_data(8)
    mod, weight, bias = _regression_module(batch_size=4, lr=0.1)
    for step, start in enumerate((0, 4), start=1):
        batch = io.DataBatch(data=[nd.array(X[start:start + 4])],
                             label=[nd.array(y[start:start + 4])])
        train_step(mod, batch)
        weight, bias = _numpy_sgd_step(weight, bias, X[start:start + 4],
                                       y[start:start + 4], 0.1)
        got_w, got_b = _module_weights(mod)
        hint = "" if not np.allclose(got_w, [0.1, 0.2, -0.1]) else (
            "\nhint: the weights did not move; call mod.update() after mod.backward()")
        try:
            _compare("check_train_step", f"step {step}, fc_weight", got_w, weight,
                     rtol=1e-4, atol=1e-5)
            _compare("check_train_step", f"step {step}, fc_bias", np.array(got_b),
                     np.array(bias), rtol=1e-4, atol=1e-5)
        except AssertionError as error:
            raise AssertionError(f"{error}{hint}") from None
    _passed("check_train_step", 2)


def check_fit_loop(fit_loop):
    """``fit_loop(mod, train_iter, num_epoch)``: your own training loop over a bound
    Module with an initialised optimizer: every batch of every epoch trained once, the
    iterator reset between epochs. Checked against NumPy SGD over the same batches."""
    X, y = _regression_data(40)
    cases = [(10, 1), (10, 3), (8, 2)]
    for batch_size, num_epoch in cases:
        case = f"batch_size={batch_size}, num_epoch={num_epoch}"
        mod, weight, bias = _regression_module(batch_size=batch_size, lr=0.05)
        train_iter = io.NDArrayIter(X, y, batch_size=batch_size, shuffle=False,
                                    label_name="lro_label")
        fit_loop(mod, train_iter, num_epoch)
        for _ in range(num_epoch):
            for start in range(0, len(X), batch_size):
                stop = start + batch_size
                weight, bias = _numpy_sgd_step(weight, bias, X[start:stop],
                                               y[start:stop], 0.05)
        got_w, got_b = _module_weights(mod)
        _compare("check_fit_loop", f"{case}, fc_weight (did you reset the iterator "
                 "each epoch and train every batch once?)", got_w, weight,
                 rtol=1e-4, atol=1e-5)
        _compare("check_fit_loop", f"{case}, fc_bias", np.array(got_b), np.array(bias),
                 rtol=1e-4, atol=1e-5)
    _passed("check_fit_loop", len(cases))
