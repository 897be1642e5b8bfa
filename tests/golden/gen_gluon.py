"""Goldens for Gluon (run by hand in the MXNet 1.9.1 venv, from tests/golden/).

    MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_gluon.py

Writes ``gluon.json``/``gluon.npz``: parameter names and reprs of nested containers,
every layer's forward and gradients with fixed parameters, every loss, Trainer steps,
DataLoader batches and split_and_load. Replayed by ``tests/gluon/test_differential.py``.
"""
import numpy as np

import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn

from mxgolden import GoldenWriter

# (case id, layer expression, input shape, train mode, integer input high or None)
LAYERS = [
    ("dense_relu", "nn.Dense(4, activation='relu')", (3, 5), False, None),
    ("dense_noflat_nobias", "nn.Dense(4, use_bias=False, flatten=False)", (2, 3, 5), False,
     None),
    ("dense_in_units", "nn.Dense(3, in_units=5, activation='tanh')", (2, 5), False, None),
    ("conv1d", "nn.Conv1D(3, 3, strides=2, padding=1)", (2, 2, 9), False, None),
    ("conv2d_sigmoid", "nn.Conv2D(4, 3, padding=1, activation='sigmoid')", (2, 3, 6, 6),
     False, None),
    ("conv2d_dilate", "nn.Conv2D(4, (2, 3), strides=(2, 1), dilation=(1, 2))", (2, 3, 6, 7),
     False, None),
    ("conv2d_groups", "nn.Conv2D(4, 3, groups=2, use_bias=False)", (2, 4, 5, 5), False, None),
    ("conv2d_transpose", "nn.Conv2DTranspose(3, 3, strides=2, padding=1, output_padding=1)",
     (2, 2, 4, 4), False, None),
    ("maxpool1d", "nn.MaxPool1D(2)", (2, 3, 8), False, None),
    ("maxpool2d", "nn.MaxPool2D(3, 2, 1)", (2, 2, 7, 7), False, None),
    ("avgpool1d", "nn.AvgPool1D(2)", (2, 3, 8), False, None),
    ("avgpool2d_ceil", "nn.AvgPool2D(3, 2, 1, ceil_mode=True)", (2, 2, 6, 6), False, None),
    ("globalmax2d", "nn.GlobalMaxPool2D()", (2, 3, 4, 5), False, None),
    ("globalavg2d", "nn.GlobalAvgPool2D()", (2, 3, 4, 5), False, None),
    ("globalavg1d", "nn.GlobalAvgPool1D()", (2, 3, 5), False, None),
    ("batchnorm_train", "nn.BatchNorm()", (4, 3, 2, 2), True, None),
    ("batchnorm_predict", "nn.BatchNorm(in_channels=3)", (4, 3, 2, 2), False, None),
    ("batchnorm_noscale", "nn.BatchNorm(scale=False, center=False)", (4, 3), True, None),
    ("instancenorm", "nn.InstanceNorm()", (2, 3, 4), False, None),
    ("layernorm", "nn.LayerNorm()", (2, 3, 4), False, None),
    ("embedding", "nn.Embedding(10, 4)", (2, 3), False, 10),
    ("flatten", "nn.Flatten()", (2, 3, 2), False, None),
    ("act_tanh", "nn.Activation('tanh')", (2, 5), False, None),
    ("act_softrelu", "nn.Activation('softrelu')", (2, 5), False, None),
    ("leakyrelu", "nn.LeakyReLU(0.1)", (2, 5), False, None),
    ("prelu", "nn.PReLU()", (2, 5), False, None),
    ("elu", "nn.ELU(0.5)", (2, 5), False, None),
    ("selu", "nn.SELU()", (2, 5), False, None),
    ("gelu", "nn.GELU()", (2, 5), False, None),
    ("swish", "nn.Swish()", (2, 5), False, None),
    ("dropout_predict", "nn.Dropout(0.5)", (2, 5), False, None),
    ("sequential_mlp", "_mlp()", (3, 4), True, None),
]

LOSSES = [
    ("l2", "gluon.loss.L2Loss()", [(3, 4), (3, 4)]),
    ("l2_weighted", "gluon.loss.L2Loss(weight=0.5)", [(3, 4), (3, 4), (3, 1)]),
    ("l1", "gluon.loss.L1Loss()", [(3, 4), (3, 4)]),
    ("sigmoid_bce", "gluon.loss.SigmoidBinaryCrossEntropyLoss()", [(3, 4), "binary"]),
    ("sigmoid_bce_prob", "gluon.loss.SigmoidBCELoss(from_sigmoid=True)",
     ["prob", "binary"]),
    ("softmax_ce", "gluon.loss.SoftmaxCrossEntropyLoss()", [(3, 5), "class5"]),
    ("softmax_ce_dense", "gluon.loss.SoftmaxCELoss(sparse_label=False)",
     [(3, 5), "prob5"]),
    ("softmax_ce_logits_axis", "gluon.loss.SoftmaxCrossEntropyLoss(axis=1, from_logits=True)",
     [(3, 5, 2), "class5x2"]),
    ("kldiv", "gluon.loss.KLDivLoss()", [(3, 5), "prob5"]),
    ("kldiv_logits", "gluon.loss.KLDivLoss(from_logits=False)", [(3, 5), "prob5"]),
    ("huber", "gluon.loss.HuberLoss(rho=0.5)", [(3, 4), (3, 4)]),
    ("hinge", "gluon.loss.HingeLoss()", [(3, 4), "signed"]),
    ("squared_hinge", "gluon.loss.SquaredHingeLoss(margin=2)", [(3, 4), "signed"]),
    ("logistic", "gluon.loss.LogisticLoss()", [(3, 4), "signed"]),
    ("logistic_binary", "gluon.loss.LogisticLoss(label_format='binary')",
     [(3, 4), "binary"]),
    ("triplet", "gluon.loss.TripletLoss()", [(3, 4), (3, 4), (3, 4)]),
    ("cosine", "gluon.loss.CosineEmbeddingLoss()", [(3, 4), (3, 4), "signed1"]),
]


def _mlp():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(5, activation="relu"), nn.BatchNorm(), nn.Dense(2))
    return net


def _input(random, spec):
    if isinstance(spec, tuple):
        return random.uniform(-1, 1, spec).astype(np.float32)
    if spec == "binary":
        return random.randint(0, 2, (3, 4)).astype(np.float32)
    if spec == "prob":
        return random.uniform(0.05, 0.95, (3, 4)).astype(np.float32)
    if spec == "signed":
        return (random.randint(0, 2, (3, 4)) * 2 - 1).astype(np.float32)
    if spec == "signed1":
        return (random.randint(0, 2, (3,)) * 2 - 1).astype(np.float32)
    if spec == "class5":
        return random.randint(0, 5, (3,)).astype(np.float32)
    if spec == "class5x2":
        return random.randint(0, 5, (3, 2)).astype(np.float32)
    if spec == "prob5":
        values = random.uniform(0.1, 1, (3, 5))
        return (values / values.sum(axis=1, keepdims=True)).astype(np.float32)
    raise ValueError(spec)


def names_cases(writer):
    """Parameter names, structural names and reprs of nested containers."""
    mx.name.NameManager._current.value = mx.name.NameManager()  # fresh global counters

    class Net(gluon.Block):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.body = nn.Sequential()
                self.body.add(nn.Dense(4, activation="relu"), nn.Dropout(0.5))
                self.head = nn.HybridSequential()
                self.head.add(nn.Conv2D(3, 2), nn.BatchNorm(), nn.Dense(2))

        def forward(self, x):
            return x

    first = nn.Sequential()
    with first.name_scope():
        first.add(nn.Dense(256, activation="relu"), nn.Dense(10, in_units=256))
    second = nn.HybridSequential()
    second.add(nn.Dense(3), nn.Dense(4))
    third = nn.HybridSequential()
    with third.name_scope():
        inner = nn.HybridSequential()
        with inner.name_scope():
            inner.add(nn.Dense(2), nn.Conv2DTranspose(3, 2))
        third.add(inner, nn.Embedding(10, 4), nn.LayerNorm(), nn.InstanceNorm())
    net = Net()
    for block in (first, second, third, net):
        writer.add({"kind": "names", "names": list(block.collect_params().keys()),
                    "structural": list(block._collect_params_with_prefix().keys()),
                    "repr": repr(block), "params_repr": repr(block.collect_params())})


def layer_cases(writer):
    for case_id, expression, shape, is_train, high in LAYERS:
        random = np.random.RandomState(len(writer.cases))
        layer = eval(expression)
        layer.initialize()
        x = (random.randint(0, high, shape).astype(np.float32) if high
             else random.uniform(-1, 1, shape).astype(np.float32))
        layer(nd.array(x))  # finish deferred initialization
        params = layer._collect_params_with_prefix()
        values = {}
        for key, param in params.items():
            value = random.uniform(0.5, 1.5, param.shape).astype(np.float32)
            param.set_data(nd.array(value))
            values[key] = value
        data = nd.array(x)
        if not high:
            data.attach_grad()
        with autograd.record(train_mode=is_train):
            y = layer(data)
        head = random.uniform(-1, 1, y.shape).astype(np.float32)
        y.backward(nd.array(head))
        prefix = f"layer/{case_id}"
        writer.add({"kind": "layer", "id": case_id, "expression": expression,
                    "is_train": is_train, "integer_input": bool(high),
                    "input": writer.add_array(f"{prefix}/x", x),
                    "params": {k: writer.add_array(f"{prefix}/p/{k}", v)
                               for k, v in values.items()},
                    "head": writer.add_array(f"{prefix}/head", head),
                    "output": writer.add_array(f"{prefix}/y", y.asnumpy()),
                    "input_grad": None if high else writer.add_array(
                        f"{prefix}/dx", data.grad.asnumpy()),
                    "param_grads": {k: writer.add_array(f"{prefix}/g/{k}",
                                                        p.grad().asnumpy())
                                    for k, p in params.items() if p.grad_req != "null"},
                    "after": {k: writer.add_array(f"{prefix}/after/{k}",
                                                  p.data().asnumpy())
                              for k, p in params.items() if "running" in k}})


def loss_cases(writer):
    for case_id, expression, specs in LOSSES:
        random = np.random.RandomState(100 + len(writer.cases))
        loss = eval(expression)
        inputs = [_input(random, spec) for spec in specs]
        arrays = [nd.array(value) for value in inputs]
        arrays[0].attach_grad()
        with autograd.record():
            value = loss(*arrays)
        value.backward()
        prefix = f"loss/{case_id}"
        writer.add({"kind": "loss", "id": case_id, "expression": expression,
                    "repr": repr(loss),
                    "inputs": [writer.add_array(f"{prefix}/in{i}", v)
                               for i, v in enumerate(inputs)],
                    "output": writer.add_array(f"{prefix}/out", value.asnumpy()),
                    "grad": writer.add_array(f"{prefix}/grad", arrays[0].grad.asnumpy())})


def trainer_cases(writer):
    for case_id, optimizer, params in [
            ("sgd", "sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}),
            ("adam", "adam", {"learning_rate": 0.01})]:
        random = np.random.RandomState(7)
        net = nn.Dense(3, in_units=4)
        net.initialize()
        weight = random.uniform(-1, 1, (3, 4)).astype(np.float32)
        net.weight.set_data(nd.array(weight))
        net.bias.set_data(nd.zeros(3))
        trainer = gluon.Trainer(net.collect_params(), optimizer, params)
        x = random.uniform(-1, 1, (6, 4)).astype(np.float32)
        y = random.uniform(-1, 1, (6, 3)).astype(np.float32)
        weights = []
        for _ in range(3):
            with autograd.record():
                loss = gluon.loss.L2Loss()(net(nd.array(x)), nd.array(y))
            loss.backward()
            trainer.step(6)
            weights.append(net.weight.data().asnumpy())
        prefix = f"trainer/{case_id}"
        writer.add({"kind": "trainer", "id": case_id, "optimizer": optimizer,
                    "params": params, "weight": writer.add_array(f"{prefix}/w0", weight),
                    "x": writer.add_array(f"{prefix}/x", x),
                    "y": writer.add_array(f"{prefix}/y", y),
                    "weights": writer.add_array(f"{prefix}/weights", np.stack(weights)),
                    "bias": writer.add_array(f"{prefix}/bias", net.bias.data().asnumpy())})


def data_cases(writer):
    dataset = gluon.data.ArrayDataset(nd.arange(14).reshape((7, 2)), nd.arange(7))
    for last_batch in ("keep", "discard", "rollover"):
        loader = gluon.data.DataLoader(dataset, batch_size=3, last_batch=last_batch)
        epochs = [[[x.asnumpy().tolist(), y.asnumpy().tolist()] for x, y in loader]
                  for _ in range(2)]
        writer.add({"kind": "dataloader", "last_batch": last_batch, "epochs": epochs,
                    "len": len(loader)})
    pieces = gluon.utils.split_and_load(nd.arange(12).reshape((6, 2)),
                                        [mx.cpu(0), mx.cpu(1)])
    writer.add({"kind": "split_and_load", "pieces": [p.asnumpy().tolist() for p in pieces],
                "contexts": [str(p.context) for p in pieces]})
    uneven = gluon.utils.split_data(nd.arange(10).reshape((5, 2)), 3, even_split=False)
    writer.add({"kind": "split_data", "shapes": [list(p.shape) for p in uneven]})


if __name__ == "__main__":
    writer = GoldenWriter("gluon")
    names_cases(writer)
    layer_cases(writer)
    loss_cases(writer)
    trainer_cases(writer)
    data_cases(writer)
    writer.save()
