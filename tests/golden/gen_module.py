"""Golden values for dlkit/module (run under MXNet 1.9.1; see README.md).

An MLP with fixed initial parameters is trained with ``Module.fit`` for 2 epochs on
fixed data (``shuffle=False``); we store final parameters, the logged metrics, ``score``
and ``predict`` results, and parameters after manual forward/backward/update steps with
momentum SGD, for one and for two contexts.
"""
import logging

import mxnet as mx
import numpy as np

from mxgolden import GoldenWriter

golden = GoldenWriter("module")
random = np.random.RandomState(7)
X = random.uniform(-1, 1, size=(40, 6)).astype(np.float32)
y = (X[:, 0] + X[:, 1] > 0).astype(np.float32) + (X[:, 2] > 0.5)
golden.add_array("X", X)
golden.add_array("y", y)


def mlp():
    data = mx.sym.Variable("data")
    fc1 = mx.sym.FullyConnected(data, name="fc1", num_hidden=8)
    act1 = mx.sym.Activation(fc1, name="relu1", act_type="relu")
    fc2 = mx.sym.FullyConnected(act1, name="fc2", num_hidden=3)
    return mx.sym.SoftmaxOutput(fc2, name="softmax")


initial = {"fc1_weight": random.uniform(-0.5, 0.5, (8, 6)).astype(np.float32),
           "fc1_bias": random.uniform(-0.1, 0.1, (8,)).astype(np.float32),
           "fc2_weight": random.uniform(-0.5, 0.5, (3, 8)).astype(np.float32),
           "fc2_bias": random.uniform(-0.1, 0.1, (3,)).astype(np.float32)}
for name, value in initial.items():
    golden.add_array(f"initial/{name}", value)


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


capture = Capture()
logging.getLogger().addHandler(capture)
logging.getLogger().setLevel(logging.INFO)

for contexts in (1, 2):
    context = [mx.cpu(i) for i in range(contexts)]
    train_iter = mx.io.NDArrayIter(X, y, batch_size=10, shuffle=False)
    val_iter = mx.io.NDArrayIter(X[:20], y[:20], batch_size=10)
    mod = mx.mod.Module(mlp(), context=context)
    capture.lines.clear()
    mod.fit(train_iter, eval_data=val_iter, num_epoch=2, optimizer="sgd",
            optimizer_params={"learning_rate": 0.5, "momentum": 0.9, "wd": 0.001},
            arg_params={k: mx.nd.array(v) for k, v in initial.items()},
            eval_metric="acc")
    arg_params, _ = mod.get_params()
    for name, value in arg_params.items():
        golden.add_array(f"fit{contexts}/{name}", value.asnumpy())
    logs = [line for line in capture.lines if "Time cost" not in line]
    score = mod.score(val_iter, ["acc", "ce"])
    predicted = mod.predict(val_iter)
    golden.add_array(f"fit{contexts}/predict", predicted.asnumpy())
    golden.add({"id": f"fit{contexts}", "logs": logs, "score": score,
                "output_shapes": [[n, list(s)] for n, s in mod.output_shapes],
                "data_shapes": [[d.name, list(d.shape)] for d in mod.data_shapes],
                "label_shapes": [[d.name, list(d.shape)] for d in mod.label_shapes]})

for optimizer, params in [("sgd", {"learning_rate": 0.1}),
                          ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}),
                          ("adam", {"learning_rate": 0.01})]:
    mod = mx.mod.Module(mlp())
    mod.bind(data_shapes=[("data", (10, 6))], label_shapes=[("softmax_label", (10,))])
    mod.init_params(arg_params={k: mx.nd.array(v) for k, v in initial.items()})
    mod.init_optimizer(optimizer=optimizer, optimizer_params=params)
    for step in range(3):
        batch = mx.io.DataBatch([mx.nd.array(X[step * 10:(step + 1) * 10])],
                                [mx.nd.array(y[step * 10:(step + 1) * 10])])
        mod.forward(batch, is_train=True)
        mod.backward()
        mod.update()
    key = f"steps_{optimizer}_{len(params)}"
    for name, value in mod.get_params()[0].items():
        golden.add_array(f"{key}/{name}", value.asnumpy())
    golden.add({"id": key, "optimizer": optimizer, "params": params})
golden.save()
