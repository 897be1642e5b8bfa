"""Symbol constructions run twice: by gen_symbol.py in MXNet 1.9.1, and by
tests/test_symbol.py in dlkit (``mx`` is the module passed in). Each case builds its
graph inside a fresh ``NameManager`` so auto names do not depend on earlier cases.

``GRAPHS[name] = (build, infer_kwargs, partial_kwargs)``.
"""


def mlp(mx):
    data = mx.sym.Variable("data")
    fc1 = mx.sym.FullyConnected(data, name="fc1", num_hidden=16)
    act1 = mx.sym.Activation(fc1, name="relu1", act_type="relu")
    fc2 = mx.sym.FullyConnected(act1, name="fc2", num_hidden=10)
    return mx.sym.SoftmaxOutput(fc2, name="softmax")


def lenet(mx):
    data = mx.sym.Variable("data")
    conv1 = mx.sym.Convolution(data=data, kernel=(5, 5), num_filter=6)
    tanh1 = mx.sym.Activation(data=conv1, act_type="tanh")
    pool1 = mx.sym.Pooling(data=tanh1, pool_type="max", kernel=(2, 2), stride=(2, 2))
    conv2 = mx.sym.Convolution(data=pool1, kernel=(3, 3), num_filter=8, pad=(1, 1))
    tanh2 = mx.sym.Activation(data=conv2, act_type="tanh")
    pool2 = mx.sym.Pooling(data=tanh2, pool_type="avg", kernel=(2, 2), stride=(2, 2))
    flat = mx.sym.Flatten(data=pool2)
    fc1 = mx.sym.FullyConnected(data=flat, num_hidden=20)
    tanh3 = mx.sym.Activation(data=fc1, act_type="tanh")
    fc2 = mx.sym.FullyConnected(data=tanh3, num_hidden=10)
    return mx.sym.SoftmaxOutput(data=fc2, name="softmax")


def batchnorm(mx):
    data = mx.sym.Variable("data")
    fc = mx.sym.FullyConnected(data, num_hidden=6, name="fc")
    bn = mx.sym.BatchNorm(fc, name="bn", fix_gamma=False, eps=1e-3, momentum=0.9)
    act = mx.sym.Activation(bn, act_type="relu")
    return mx.sym.LinearRegressionOutput(act, name="lro")


def batchnorm_mean_var(mx):
    return mx.sym.BatchNorm(mx.sym.Variable("data"), name="bn2", output_mean_var=True)


def arithmetic(mx):
    a, b = mx.sym.Variable("a"), mx.sym.Variable("b")
    return mx.sym.Group([
        a + b, a - b, a * b, a / b, a % b, a ** b, a + 1, 1.5 + a, 3 - a, a * 2,
        2 / a, a ** 2, 2 ** a, -a, a > b, a >= 1, a < b, a <= 1, a == b, a != 2,
        mx.sym.maximum(a, b), mx.sym.maximum(a, 1), mx.sym.minimum(a, 2), abs(a),
        (a + b) / 10 + 1])


def auto_names(mx):
    x = mx.sym.Variable("x")
    y = mx.sym.FullyConnected(x, num_hidden=4)
    y = mx.sym.Activation(y, act_type="tanh")
    y = mx.sym.FullyConnected(y, num_hidden=3, no_bias=True)
    y = mx.sym.Dropout(y, p=0.5)
    y = mx.sym.relu(y)
    y = mx.sym.Reshape(y, shape=(-1, 0))
    y = mx.sym.sum(y, axis=(1,), keepdims=True)
    return mx.sym.Cast(y, dtype="float16")


def prefix_and_scope(mx):
    x = mx.sym.Variable("x")
    with mx.name.Prefix("net_"):
        a = mx.sym.FullyConnected(x, num_hidden=4)
        b = mx.sym.Activation(a, act_type="tanh", name="act")
    with mx.AttrScope(ctx_group="dev1", lr_mult="3"):
        w = mx.sym.Variable("w")
        c = mx.sym.FullyConnected(b, w, num_hidden=2, name="z", attr={"__foo__": "bar"})
    return c


def variable_attrs(mx):
    x = mx.sym.Variable("x", shape=(2, 3), dtype="float64", lr_mult=2, wd_mult=0.5,
                        init="zeros", attr={"foo": "bar"}, stype="default")
    y = mx.sym.var("y", shape=(0, 3))
    return x * 2 + y


def multi_output(mx):
    data = mx.sym.Variable("data")
    parts = mx.sym.SliceChannel(data, num_outputs=3, axis=1, name="sc")
    joined = mx.sym.Concat(parts[2], parts[0], dim=1, name="cc")
    return mx.sym.Group([joined, parts[1]])


def internals(mx):
    net = mlp(mx)
    return net.get_internals()["fc1_output"]


GRAPHS = {
    "mlp": (mlp, {"data": (5, 8)}, {"data": (0, 8)}),
    "lenet": (lenet, {"data": (2, 1, 16, 16)}, {"data": (0, 1, 16, 16)}),
    "batchnorm": (batchnorm, {"data": (4, 5)}, {"data": (0, 5)}),
    "batchnorm_mean_var": (batchnorm_mean_var, {"data": (4, 3)}, {"data": (0, 3)}),
    "arithmetic": (arithmetic, {"a": (2, 3)}, {"a": (2, 0)}),
    "auto_names": (auto_names, {"x": (2, 5)}, {"x": (0, 5)}),
    "prefix_and_scope": (prefix_and_scope, {"x": (3, 7)}, {"x": (0, 7)}),
    "variable_attrs": (variable_attrs, {}, {}),
    "multi_output": (multi_output, {"data": (2, 6)}, {"data": (0, 6)}),
    "internals": (internals, {"data": (5, 8)}, {"data": (0, 8)}),
}

# Graphs that are run forward and backward: (graph, shapes, labels {name: classes}).
RUNS = {
    "mlp": ("mlp", {"data": (5, 8)}, {"softmax_label": 10}),
    "lenet": ("lenet", {"data": (2, 1, 16, 16)}, {"softmax_label": 10}),
    "batchnorm": ("batchnorm", {"data": (4, 5)}, {}),
    "arithmetic": ("arithmetic", {"a": (2, 3), "b": (2, 3)}, {}),
}


def build(mx, name):
    """Build graph ``name`` under a fresh NameManager (auto names start at 0)."""
    with mx.name.NameManager():
        return GRAPHS[name][0](mx)
