"""Golden values for dlkit/operator.py and the ``Custom`` op (run under MXNet 1.9.1; see
README.md).

``define_ops(mx)`` registers three custom operators with the library it is given; this
script calls it with MXNet and ``tests/test_operator.py`` with dlkit, so both run the
very same Python code. The cases: ``mx.nd.Custom`` under autograd, Symbol names, shapes,
types and JSON, Executor forward/backward, ``Module.fit`` and a hybridized Gluon block.
"""
import numpy as np


def define_ops(mx):
    """Register ``golden_softmax`` (a loss head, MXNet's tutorial op),
    ``golden_pair`` (two inputs, two outputs, an aux state, string keywords) and
    ``golden_sigmoid`` (keeps its output on ``self`` from forward for backward)."""

    class Softmax(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            x = in_data[0].asnumpy()
            y = np.exp(x - x.max(axis=1, keepdims=True))
            y /= y.sum(axis=1, keepdims=True)
            self.assign(out_data[0], req[0], mx.nd.array(y))

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            label = in_data[1].asnumpy().ravel().astype(int)
            y = out_data[0].asnumpy()
            y[np.arange(label.shape[0]), label] -= 1.0
            self.assign(in_grad[0], req[0], mx.nd.array(y))

    @mx.operator.register("golden_softmax")
    class SoftmaxProp(mx.operator.CustomOpProp):
        def __init__(self):
            super().__init__(need_top_grad=False)

        def list_arguments(self):
            return ["data", "label"]

        def infer_shape(self, in_shape):
            return [in_shape[0], [in_shape[0][0]]], [in_shape[0]], []

        def create_operator(self, ctx, shapes, dtypes):
            return Softmax()

    class Pair(mx.operator.CustomOp):
        def __init__(self, scale, shift):
            super().__init__()
            self.scale, self.shift = scale, shift

        def forward(self, is_train, req, in_data, out_data, aux):
            lhs, rhs = in_data
            self.assign(out_data[0], req[0], self.scale * lhs + rhs + self.shift)
            self.assign(out_data[1], req[1], lhs * rhs)
            if is_train:
                aux[0][:] += 1

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            lhs, rhs = in_data
            self.assign(in_grad[0], req[0],
                        self.scale * out_grad[0] + out_grad[1] * rhs)
            self.assign(in_grad[1], req[1], out_grad[0] + out_grad[1] * lhs)

    @mx.operator.register("golden_pair")
    class PairProp(mx.operator.CustomOpProp):
        def __init__(self, scale="1", shift="0", **ignored):
            super().__init__()
            self.scale, self.shift = float(scale), float(shift)

        def list_arguments(self):
            return ["lhs", "rhs"]

        def list_outputs(self):
            return ["sum", "product"]

        def list_auxiliary_states(self):
            return ["calls"]

        def infer_shape(self, in_shape):
            return [in_shape[0], in_shape[0]], [in_shape[0], in_shape[0]], [[1]]

        def create_operator(self, ctx, shapes, dtypes):
            return Pair(self.scale, self.shift)

    class Sigmoid(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.output = 1 / (1 + mx.nd.exp(-in_data[0]))
            self.assign(out_data[0], req[0], self.output)

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            y = self.output
            self.assign(in_grad[0], req[0], out_grad[0] * y * (1 - y))

    @mx.operator.register("golden_sigmoid")
    class SigmoidProp(mx.operator.CustomOpProp):
        def create_operator(self, ctx, shapes, dtypes):
            return Sigmoid()


def symbols(mx):
    """The symbols whose names, shapes, types and JSON are compared."""
    with mx.name.NameManager():
        data = mx.sym.Variable("data")
        auto = mx.sym.Custom(data=data, op_type="golden_softmax")
        fc = mx.sym.FullyConnected(data, num_hidden=3, name="fc")
        loss = mx.sym.Custom(fc, op_type="golden_softmax", name="softmax")
        pair = mx.sym.Custom(mx.sym.Variable("a"), op_type="golden_pair", name="pair",
                             scale=2.5, shift=-1, flag=True, sizes=(1, 2))
        sigmoid = mx.sym.Custom(fc, op_type="golden_sigmoid", name="sig")
        pair_sum = pair[0] + 1
    return {"auto": auto, "loss": loss, "pair": pair, "sigmoid": sigmoid,
            "pair_sum": pair_sum}


def module_symbol(mx):
    """Dense, the custom sigmoid, then a built-in loss head."""
    fc = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=3, name="fc")
    sigmoid = mx.sym.Custom(fc, op_type="golden_sigmoid", name="sig")
    return mx.sym.LinearRegressionOutput(sigmoid, name="lro")


SHAPES = {"auto": {"data": (4, 3)}, "loss": {"data": (4, 5)},
          "pair": {"a": (2, 3), "pair_rhs": (2, 3)}, "sigmoid": {"data": (4, 5)},
          "pair_sum": {"a": (2, 3), "pair_rhs": (2, 3)}}


def uniform(random, *shape):
    return random.uniform(-1, 1, size=shape).astype(np.float32)


def fixed_inputs():
    """Inputs and parameters shared by the cases (the same arrays in the test)."""
    random = np.random.RandomState(5)
    return {"x": uniform(random, 4, 5), "label": np.array([0, 2, 1, 2], np.float32),
            "a": uniform(random, 2, 3), "b": uniform(random, 2, 3),
            "head_sum": uniform(random, 2, 3), "head_product": uniform(random, 2, 3),
            "head_sig": uniform(random, 4, 3),
            "fc_weight": uniform(random, 3, 5), "fc_bias": uniform(random, 3),
            "X": uniform(random, 12, 5),
            "Y": random.uniform(0, 1, size=(12, 3)).astype(np.float32)}


def main():
    import mxnet as mx
    from mxgolden import GoldenWriter

    golden = GoldenWriter("operator")
    define_ops(mx)
    inputs = fixed_inputs()
    for key, value in inputs.items():
        golden.add_array(f"in/{key}", value)
    nd = {key: mx.nd.array(value) for key, value in inputs.items()}

    # imperative, under autograd
    x = nd["x"].copy()
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Custom(x, nd["label"], op_type="golden_softmax")
    y.backward()
    golden.add_array("nd_softmax/out", y.asnumpy())
    golden.add_array("nd_softmax/grad", x.grad.asnumpy())

    a, b, calls = nd["a"].copy(), nd["b"].copy(), mx.nd.zeros((1,))
    a.attach_grad()
    b.attach_grad()
    with mx.autograd.record():
        total, product = mx.nd.Custom(a, b, calls, op_type="golden_pair", scale=2.5,
                                      shift=-1)
    mx.autograd.backward([total, product], [nd["head_sum"], nd["head_product"]])
    for key, value in (("sum", total), ("product", product), ("grad_a", a.grad),
                       ("grad_b", b.grad), ("calls", calls)):
        golden.add_array(f"nd_pair/{key}", value.asnumpy())

    # symbols: names, shapes, types, JSON
    for key, symbol in symbols(mx).items():
        arg_shapes, out_shapes, aux_shapes = symbol.infer_shape(**SHAPES[key])
        arg_types, out_types, aux_types = symbol.infer_type(
            **{name: "float64" for name in symbol.list_arguments()})
        partial = symbol.infer_type_partial(**{name: "float16" for name in SHAPES[key]})
        golden.add({"id": f"symbol_{key}", "name": symbol.name,
                    "arguments": symbol.list_arguments(),
                    "outputs": symbol.list_outputs(),
                    "aux_states": symbol.list_auxiliary_states(),
                    "arg_shapes": [list(s) for s in arg_shapes],
                    "out_shapes": [list(s) for s in out_shapes],
                    "aux_shapes": [list(s) for s in aux_shapes],
                    "arg_types": [np.dtype(t).name for t in arg_types],
                    "out_types": [np.dtype(t).name for t in out_types],
                    "aux_types": [np.dtype(t).name for t in aux_types],
                    "partial_types": [[None if t is None else np.dtype(t).name
                                       for t in types] for types in partial],
                    "json": symbol.tojson()})

    # Executor: out_grads in, an aux state updated in place. (MXNet 1.9.1 cannot run
    # the backward of a need_top_grad=False op in a graph: "unknown storage type: -1",
    # its issue #18519, so golden_softmax is compared in imperative mode only.)
    made = symbols(mx)
    executor = made["sigmoid"].simple_bind(mx.cpu(), data=(4, 5))
    executor.copy_params_from({"fc_weight": nd["fc_weight"], "fc_bias": nd["fc_bias"]})
    executor.forward(is_train=True, data=nd["x"])
    executor.backward([nd["head_sig"]])
    golden.add_array("executor_sigmoid/out", executor.outputs[0].asnumpy())
    for name in ("data", "fc_weight", "fc_bias"):
        golden.add_array(f"executor_sigmoid/grad/{name}",
                         executor.grad_dict[name].asnumpy())
    executor = made["pair"].simple_bind(mx.cpu(), a=(2, 3), pair_rhs=(2, 3))
    for step in range(2):
        executor.forward(is_train=True, a=nd["a"], pair_rhs=nd["b"])
    executor.backward([nd["head_sum"], nd["head_product"]])
    golden.add_array("executor_pair/sum", executor.outputs[0].asnumpy())
    golden.add_array("executor_pair/product", executor.outputs[1].asnumpy())
    golden.add_array("executor_pair/calls", executor.aux_dict["pair_calls"].asnumpy())
    golden.add_array("executor_pair/grad_a", executor.grad_dict["a"].asnumpy())
    golden.add_array("executor_pair/grad_b", executor.grad_dict["pair_rhs"].asnumpy())

    # Module.fit with the custom sigmoid inside the graph
    module = mx.mod.Module(module_symbol(mx), context=mx.cpu(),
                           label_names=["lro_label"])
    train_iter = mx.io.NDArrayIter(nd["X"], nd["Y"], batch_size=4, shuffle=False,
                                   label_name="lro_label")
    module.fit(train_iter, num_epoch=2, optimizer="sgd",
               optimizer_params={"learning_rate": 0.3},
               arg_params={"fc_weight": nd["fc_weight"], "fc_bias": nd["fc_bias"]},
               eval_metric="mse")
    arg_params, _ = module.get_params()
    for name, value in arg_params.items():
        golden.add_array(f"module/{name}", value.asnumpy())

    # Gluon: Dense then the custom sigmoid, imperative and hybridized
    class Net(mx.gluon.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.dense = mx.gluon.nn.Dense(3, in_units=5)

        def hybrid_forward(self, F, x):
            return F.Custom(self.dense(x), op_type="golden_sigmoid")

    for hybridize in (False, True):
        net = Net(prefix="net_")
        net.initialize()
        net.dense.weight.set_data(nd["fc_weight"])
        net.dense.bias.set_data(nd["fc_bias"])
        if hybridize:
            net.hybridize()
        with mx.autograd.record():
            out = net(nd["x"])
        out.backward(nd["head_sig"])
        key = f"gluon_{'hybrid' if hybridize else 'imperative'}"
        golden.add_array(f"{key}/out", out.asnumpy())
        golden.add_array(f"{key}/grad_weight", net.dense.weight.grad().asnumpy())
        golden.add_array(f"{key}/grad_bias", net.dense.bias.grad().asnumpy())
    golden.save()


if __name__ == "__main__":
    main()
