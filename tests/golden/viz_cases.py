"""Networks drawn and summarised twice: by gen_viz.py in MXNet 1.9.1 and by
tests/test_visualization.py in dlkit (``mx`` is the module passed in).

``CASES[name] = (build, shapes, dtypes)``; each build runs inside a fresh ``NameManager``
by the caller so automatic names (``_plusscalar0``) agree.
"""


def mlp(mx):
    data = mx.sym.Variable("data")
    fc1 = mx.sym.FullyConnected(data, name="fc1", num_hidden=128)
    act1 = mx.sym.Activation(fc1, name="relu1", act_type="relu")
    fc2 = mx.sym.FullyConnected(act1, name="fc2", num_hidden=64)
    act2 = mx.sym.Activation(fc2, name="relu2", act_type="relu")
    fc3 = mx.sym.FullyConnected(act2, name="fc3", num_hidden=10)
    return mx.sym.SoftmaxOutput(fc3, name="softmax")


def lenet(mx):
    data = mx.sym.Variable("data")
    conv1 = mx.sym.Convolution(data, kernel=(5, 5), num_filter=20, name="conv1")
    tanh1 = mx.sym.Activation(conv1, act_type="tanh", name="tanh1")
    pool1 = mx.sym.Pooling(tanh1, pool_type="max", kernel=(2, 2), stride=(2, 2), name="pool1")
    conv2 = mx.sym.Convolution(pool1, kernel=(5, 5), num_filter=50, name="conv2")
    tanh2 = mx.sym.Activation(conv2, act_type="tanh", name="tanh2")
    pool2 = mx.sym.Pooling(tanh2, pool_type="max", kernel=(2, 2), stride=(2, 2), name="pool2")
    flat = mx.sym.Flatten(pool2, name="flatten")
    fc1 = mx.sym.FullyConnected(flat, num_hidden=500, name="fc1")
    tanh3 = mx.sym.Activation(fc1, act_type="tanh", name="tanh3")
    fc2 = mx.sym.FullyConnected(tanh3, num_hidden=10, name="fc2")
    return mx.sym.SoftmaxOutput(fc2, name="softmax")


def batchnorm_net(mx):
    data = mx.sym.Variable("data")
    conv = mx.sym.Convolution(data, kernel=(3, 3), stride=(1, 1), pad=(1, 1), num_filter=8,
                              name="conv")
    bn = mx.sym.BatchNorm(conv, fix_gamma=False, name="bn")
    act = mx.sym.LeakyReLU(bn, act_type="leaky", slope=0.1, name="lrelu")
    pool = mx.sym.Pooling(act, pool_type="avg", global_pool=True, kernel=(1, 1), name="gap")
    drop = mx.sym.Dropout(pool, p=0.5, name="drop")
    both = mx.sym.concat(drop, drop, dim=1, name="cat")
    flat = mx.sym.Flatten(both, name="flat")
    fc = mx.sym.FullyConnected(flat, num_hidden=4, name="fc")
    return mx.sym.SoftmaxOutput(fc + 1, name="softmax")


def mixed(mx):
    """Multi-output ops, a Group, ops without special labels, no_bias parameter counts."""
    data = mx.sym.var("data")
    halves = mx.sym.SliceChannel(data, num_outputs=2, name="sl")
    fc = mx.sym.FullyConnected(halves[1], num_hidden=3, no_bias=True, name="fc")
    total = mx.sym.broadcast_add(fc, halves[0].sum(axis=1, keepdims=True))
    emb = mx.sym.Embedding(mx.sym.var("tok"), input_dim=10, output_dim=4, name="emb")
    image = mx.sym.var("img")
    deconv = mx.sym.Deconvolution(image, kernel=(2, 2), num_filter=3, name="dc")
    flat = mx.sym.Reshape(deconv, shape=(0, -1), name="rs")
    soft = mx.sym.softmax(flat, name="sm")
    soft_out = mx.sym.SoftmaxOutput(flat, name="sm2")
    conv = mx.sym.Convolution(image, kernel=(3, 3), num_filter=4, no_bias=True, name="cg")
    return mx.sym.Group([total, emb, soft, soft_out, conv])


CASES = {
    "mlp": (mlp, {"data": (100, 784)}, None),
    "lenet": (lenet, {"data": (64, 1, 28, 28)}, None),
    "batchnorm_net": (batchnorm_net, {"data": (2, 3, 8, 8)}, None),
    "mixed": (mixed, {"data": (2, 6), "tok": (2, 5), "img": (2, 3, 5, 5)},
              {"data": "float32", "tok": "float32", "img": "float16"}),
}

# (keyword arguments of plot_network besides symbol/shape/dtype, whether to pass shapes)
PLOT_VARIANTS = {
    "shapes": ({}, True),
    "weights": ({"hide_weights": False, "title": "net",
                 "node_attrs": {"shape": "oval", "fixedsize": "false"}}, False),
}

SUMMARY_VARIANTS = {
    "shapes": ({}, True),
    "no_shapes": ({}, False),
    "narrow": ({"line_length": 80, "positions": [0.5, 0.7, 0.8, 1.0]}, True),
}
