"""The benchmark workloads, each written once against the MXNet API.

A workload is a ``Workload`` with one *setup* function per API it can run on:

* ``mx(mx)`` receives the imported ``dlkit`` *or* ``mxnet`` module (the same code runs
  on both, which is the point of dlkit) and returns a zero-argument ``step``;
* ``torch(torch)`` and ``numpy(np)`` are the same work in PyTorch and plain NumPy, given
  only where the comparison means something (the NumPy training steps are written out
  by hand in ``handnumpy.py``).

The worker (``worker.py``) calls setup once, calls ``step`` a few times to warm up, then
times ``number`` calls of ``step`` per repeat. Every ``step`` ends by waiting for its
results (MXNet's engine is asynchronous), so a repeat measures finished work. The
reported figure is ``seconds / (number * items) * scale`` in ``unit``: for the per-op
workloads an item is one op.

Workloads marked ``fresh_process`` are different: the setup receives the module's *name*
and returns a Python statement (or ``None`` where the workload does not apply), and
every repeat runs it in a new interpreter (``import dlkit``, executing a lesson). With
``measure="peak_rss"`` the figure is that process's peak resident memory instead of its
time; with ``rate=True`` it is work per second (GFLOP/s).

To add a workload, write its setup functions and append a ``Workload`` to ``WORKLOADS``;
``run.py`` picks it up. A setup that raises (an API dlkit does not have yet) is reported
as an error in that framework's cell of the table, and the other cells still run.
"""
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Workload:
    name: str
    description: str
    unit: str                      # "us/op", "ms/batch", "ms" ...
    scale: float                   # seconds -> unit
    number: int = 1                # step calls per timed repeat
    items: int = 1                 # items (ops, batches) done by one step call
    setups: dict = field(default_factory=dict)   # api name -> setup function
    fresh_process: bool = False
    repeats: int | None = None     # overrides run.py's --repeats for slow workloads
    rate: bool = False             # report work per second: number * items / s * scale
    measure: str = "time"          # "peak_rss": a fresh process's peak resident MB
    flops: float = 0.0             # matrix-product FLOPs in one item (MLP GEMM share)


WORKLOADS = []


def workload(**kwargs):
    """Register a workload whose setups are the functions of a small namespace class."""
    def decorate(namespace):
        setups = {api: getattr(namespace, api) for api in ("mx", "torch", "numpy")
                  if hasattr(namespace, api)}
        WORKLOADS.append(Workload(setups=setups, **kwargs))
        return namespace
    return decorate


def get_workload(name):
    for item in WORKLOADS:
        if item.name == name:
            return item
    raise KeyError(f"no workload named {name!r}; have {[w.name for w in WORKLOADS]}")


# --------------------------------------------------------------------------------------
# (a) Per-op overhead: the cost of one tiny imperative op, dominated by dispatch.
# --------------------------------------------------------------------------------------
ADD_OPS = 2000


@workload(name="add_small", description="c = a + b on shape (10,)", unit="us/op",
          scale=1e6, number=1, items=ADD_OPS)
class AddSmall:
    def mx(mx):
        a = mx.nd.ones((10,))
        b = mx.nd.ones((10,))

        def step():
            for _ in range(ADD_OPS):
                c = a + b
            c.wait_to_read()
        return step

    def torch(torch):
        a = torch.ones(10)
        b = torch.ones(10)

        def step():
            for _ in range(ADD_OPS):
                c = a + b
            return c
        return step

    def numpy(np):
        a = np.ones(10, dtype=np.float32)
        b = np.ones(10, dtype=np.float32)

        def step():
            for _ in range(ADD_OPS):
                c = a + b
            return c
        return step


# --------------------------------------------------------------------------------------
# (b) Autograd overhead: record 100 element-wise ops, then backward through them.
# --------------------------------------------------------------------------------------
CHAIN_OPS = 100


@workload(name="autograd_chain", description="100 element-wise ops recorded + backward",
          unit="us/op", scale=1e6, number=20, items=CHAIN_OPS)
class AutogradChain:
    def mx(mx):
        x = mx.nd.ones((10,))
        x.attach_grad()

        def step():
            with mx.autograd.record():
                y = x
                for _ in range(CHAIN_OPS // 4):
                    y = y * 0.9
                    y = y + 0.1
                    y = mx.nd.tanh(y)
                    y = mx.nd.sigmoid(y)
            y.backward()
            x.grad.wait_to_read()
        return step

    def torch(torch):
        x = torch.ones(10, requires_grad=True)

        def step():
            y = x
            for _ in range(CHAIN_OPS // 4):
                y = y * 0.9
                y = y + 0.1
                y = torch.tanh(y)
                y = torch.sigmoid(y)
            y.backward(torch.ones(10))
            x.grad = None
        return step


# --------------------------------------------------------------------------------------
# (c) Import time in a fresh interpreter.
# --------------------------------------------------------------------------------------
@workload(name="import", description="import time in a fresh process", unit="ms",
          scale=1e3, fresh_process=True)
class ImportTime:
    def mx(mx_module_name):
        return f"import {mx_module_name}"

    def torch(torch_module_name):
        return "import torch"

    def numpy(numpy_module_name):
        return "import numpy"


# --------------------------------------------------------------------------------------
# Training steps on an MLP and on LeNet: Gluon (imperative and hybridized) and Module,
# with PyTorch and a hand-written NumPy step (``handnumpy.py``) doing the same work.
# --------------------------------------------------------------------------------------
BATCH_SIZE = 128
NUM_INPUTS = 784
NUM_HIDDEN = (256, 128)
NUM_CLASSES = 10
MLP_SIZES = (NUM_INPUTS, *NUM_HIDDEN, NUM_CLASSES)
LEARNING_RATE = 0.1


def _mlp_gemm_shapes(batch_size):
    """``(m, k, n)`` of every matrix product in one MLP training step: forward
    ``X @ W`` per layer, backward ``h.T @ grad`` per layer and ``grad @ W.T`` for all but
    the first layer (nobody needs the gradient of the data)."""
    shapes = []
    layers = list(zip(MLP_SIZES[:-1], MLP_SIZES[1:]))
    for n_in, n_out in layers:
        shapes.append((batch_size, n_in, n_out))            # forward
        shapes.append((n_in, batch_size, n_out))            # weight gradient
    for n_in, n_out in layers[1:]:
        shapes.append((batch_size, n_out, n_in))            # input gradient
    return shapes


MLP_GEMM_SHAPES = _mlp_gemm_shapes(BATCH_SIZE)
MLP_STEP_FLOPS = sum(2.0 * m * k * n for m, k, n in MLP_GEMM_SHAPES)


def _mx_batch(mx, shape):
    mx.random.seed(0)
    X = mx.nd.random.uniform(shape=shape)
    y = mx.nd.array([i % NUM_CLASSES for i in range(shape[0])])
    return X, y


def _numpy_batch(np, shape):
    X = np.random.default_rng(0).random(shape, dtype=np.float32)
    y = np.arange(shape[0]) % NUM_CLASSES
    return X, y


def _gluon_train_step(mx, net, X, y):
    net.initialize(mx.init.Xavier())
    loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = mx.gluon.Trainer(net.collect_params(), "sgd",
                               {"learning_rate": LEARNING_RATE})

    def step():
        with mx.autograd.record():
            loss = loss_fn(net(X), y)
        loss.backward()
        trainer.step(X.shape[0])
        loss.wait_to_read()
    return step


def _gluon_mlp(mx):
    net = mx.gluon.nn.HybridSequential()
    net.add(mx.gluon.nn.Dense(NUM_HIDDEN[0], activation="relu"),
            mx.gluon.nn.Dense(NUM_HIDDEN[1], activation="relu"),
            mx.gluon.nn.Dense(NUM_CLASSES))
    return net


def _torch_train_step(torch, net, X, y):
    loss_fn = torch.nn.CrossEntropyLoss()
    trainer = torch.optim.SGD(net.parameters(), lr=LEARNING_RATE)

    def step():
        trainer.zero_grad()
        loss = loss_fn(net(X), y)
        loss.backward()
        trainer.step()
        return loss
    return step


def _torch_mlp(torch):
    nn = torch.nn
    return nn.Sequential(nn.Linear(NUM_INPUTS, NUM_HIDDEN[0]), nn.ReLU(),
                         nn.Linear(NUM_HIDDEN[0], NUM_HIDDEN[1]), nn.ReLU(),
                         nn.Linear(NUM_HIDDEN[1], NUM_CLASSES))


def _torch_batch(torch, shape):
    torch.manual_seed(0)
    X = torch.rand(*shape)
    y = torch.tensor([i % NUM_CLASSES for i in range(shape[0])])
    return X, y


def _numpy_mlp_step(np):
    from handnumpy import MLP
    X, y = _numpy_batch(np, (BATCH_SIZE, NUM_INPUTS))
    net = MLP(MLP_SIZES, lr=LEARNING_RATE)
    return lambda: net.step(X, y)


@workload(name="mlp_gluon", description="MLP 784-256-128-10 Gluon train step, batch 128",
          unit="ms/batch", scale=1e3, number=10, flops=MLP_STEP_FLOPS)
class MlpGluon:
    def mx(mx):
        X, y = _mx_batch(mx, (BATCH_SIZE, NUM_INPUTS))
        return _gluon_train_step(mx, _gluon_mlp(mx), X, y)

    def torch(torch):
        X, y = _torch_batch(torch, (BATCH_SIZE, NUM_INPUTS))
        return _torch_train_step(torch, _torch_mlp(torch), X, y)

    numpy = _numpy_mlp_step


@workload(name="mlp_gluon_hybrid", description="the same MLP after net.hybridize()",
          unit="ms/batch", scale=1e3, number=10, flops=MLP_STEP_FLOPS)
class MlpGluonHybrid:
    def mx(mx):
        X, y = _mx_batch(mx, (BATCH_SIZE, NUM_INPUTS))
        net = _gluon_mlp(mx)
        net.hybridize()
        return _gluon_train_step(mx, net, X, y)

    numpy = _numpy_mlp_step


def _mlp_symbol(mx):
    data = mx.sym.var("data")
    net = mx.sym.FullyConnected(data, num_hidden=NUM_HIDDEN[0], name="fc1")
    net = mx.sym.Activation(net, act_type="relu", name="relu1")
    net = mx.sym.FullyConnected(net, num_hidden=NUM_HIDDEN[1], name="fc2")
    net = mx.sym.Activation(net, act_type="relu", name="relu2")
    net = mx.sym.FullyConnected(net, num_hidden=NUM_CLASSES, name="fc3")
    return mx.sym.SoftmaxOutput(net, name="softmax")


@workload(name="mlp_module_step", description="the MLP as a Module: forward_backward + "
          "update, batch 128", unit="ms/batch", scale=1e3, number=10,
          flops=MLP_STEP_FLOPS)
class MlpModuleStep:
    def mx(mx):
        X, y = _mx_batch(mx, (BATCH_SIZE, NUM_INPUTS))
        mod = mx.mod.Module(_mlp_symbol(mx), context=mx.cpu())
        mod.bind(data_shapes=[("data", X.shape)],
                 label_shapes=[("softmax_label", y.shape)])
        mod.init_params(mx.init.Xavier())
        mod.init_optimizer(optimizer="sgd",
                           optimizer_params={"learning_rate": LEARNING_RATE})
        batch = mx.io.DataBatch(data=[X], label=[y])

        def step():
            mod.forward_backward(batch)
            mod.update()
            mod.get_outputs()[0].wait_to_read()
        return step

    def torch(torch):
        X, y = _torch_batch(torch, (BATCH_SIZE, NUM_INPUTS))
        return _torch_train_step(torch, _torch_mlp(torch), X, y)

    numpy = _numpy_mlp_step


FIT_EXAMPLES = 2048


@workload(name="mlp_module_fit",
          description="Module.fit, 1 epoch of 2048 examples over NDArrayIter, batch 128, "
          "accuracy metric", unit="ms/batch", scale=1e3, number=1,
          items=FIT_EXAMPLES // BATCH_SIZE, flops=MLP_STEP_FLOPS)
class MlpModuleFit:
    def mx(mx):
        X, y = _mx_batch(mx, (FIT_EXAMPLES, NUM_INPUTS))
        train_iter = mx.io.NDArrayIter(X, y, batch_size=BATCH_SIZE, shuffle=False)
        mod = mx.mod.Module(_mlp_symbol(mx), context=mx.cpu())

        def step():
            train_iter.reset()
            mod.fit(train_iter, num_epoch=1, optimizer="sgd", eval_metric="acc",
                    optimizer_params={"learning_rate": LEARNING_RATE},
                    initializer=mx.init.Xavier(), force_init=True, force_rebind=True)
            mx.nd.waitall()
        return step

    def torch(torch):
        X, y = _torch_batch(torch, (FIT_EXAMPLES, NUM_INPUTS))

        def step():
            net = _torch_mlp(torch)
            loss_fn = torch.nn.CrossEntropyLoss()
            trainer = torch.optim.SGD(net.parameters(), lr=LEARNING_RATE)
            correct = 0
            for start in range(0, FIT_EXAMPLES, BATCH_SIZE):
                X_batch, y_batch = X[start:start + BATCH_SIZE], y[start:start + BATCH_SIZE]
                trainer.zero_grad()
                output = net(X_batch)
                loss_fn(output, y_batch).backward()
                trainer.step()
                correct += int((output.argmax(dim=1) == y_batch).sum())
            return correct / FIT_EXAMPLES
        return step

    def numpy(np):
        from handnumpy import fit_epoch
        X, y = _numpy_batch(np, (FIT_EXAMPLES, NUM_INPUTS))
        return lambda: fit_epoch(MLP_SIZES, X, y, BATCH_SIZE, lr=LEARNING_RATE)


# --------------------------------------------------------------------------------------
# The limit: NumPy's matrix products alone, for the MLP step's shapes (issue 8, item 5).
# run.py divides each framework's MLP step by it ("share of the GEMM limit").
# --------------------------------------------------------------------------------------
@workload(name="mlp_gemm_limit",
          description="NumPy float32 GEMMs of one MLP step (its 8 matrix shapes)",
          unit="GFLOP/s", scale=1e-9, number=20, items=MLP_STEP_FLOPS, rate=True)
class MlpGemmLimit:
    def numpy(np):
        rng = np.random.default_rng(0)
        operands = [(rng.random((m, k), dtype=np.float32),
                     rng.random((k, n), dtype=np.float32),
                     np.empty((m, n), np.float32)) for m, k, n in MLP_GEMM_SHAPES]

        def step():
            for lhs, rhs, out in operands:
                np.matmul(lhs, rhs, out=out)
        return step


# --------------------------------------------------------------------------------------
# Issue 3: the same MLP forward+backward bound as an Executor vs recorded by autograd.
# --------------------------------------------------------------------------------------
def _mlp_params(mx):
    mx.random.seed(1)
    shapes = {}
    for index, (n_in, n_out) in enumerate(zip(MLP_SIZES[:-1], MLP_SIZES[1:])):
        shapes[f"fc{index + 1}_weight"] = (n_out, n_in)
        shapes[f"fc{index + 1}_bias"] = (n_out,)
    return {name: mx.nd.random.uniform(-0.05, 0.05, shape=shape)
            for name, shape in shapes.items()}


@workload(name="mlp_executor_fwd_bwd",
          description="MLP forward+backward, Symbol bound by simple_bind (Executor)",
          unit="ms/batch", scale=1e3, number=10, flops=MLP_STEP_FLOPS)
class MlpExecutor:
    def mx(mx):
        X, y = _mx_batch(mx, (BATCH_SIZE, NUM_INPUTS))
        # the same gradients as the autograd workload: none for the data and labels
        symbol = _mlp_symbol(mx)
        grad_req = {name: "null" if name in ("data", "softmax_label") else "write"
                    for name in symbol.list_arguments()}
        executor = symbol.simple_bind(mx.cpu(), grad_req=grad_req, data=X.shape,
                                      softmax_label=y.shape)
        for name, value in _mlp_params(mx).items():
            value.copyto(executor.arg_dict[name])
        X.copyto(executor.arg_dict["data"])
        y.copyto(executor.arg_dict["softmax_label"])

        def step():
            executor.forward(is_train=True)
            executor.backward()
            executor.grad_dict["fc1_weight"].wait_to_read()
        return step


@workload(name="mlp_autograd_fwd_bwd",
          description="the same forward+backward, nd ops recorded by autograd",
          unit="ms/batch", scale=1e3, number=10, flops=MLP_STEP_FLOPS)
class MlpAutograd:
    def mx(mx):
        X, y = _mx_batch(mx, (BATCH_SIZE, NUM_INPUTS))
        params = _mlp_params(mx)
        for value in params.values():
            value.attach_grad()

        def step():
            with mx.autograd.record():
                h = X
                for index in range(1, 4):
                    h = mx.nd.FullyConnected(h, params[f"fc{index}_weight"],
                                             params[f"fc{index}_bias"],
                                             num_hidden=params[f"fc{index}_bias"].shape[0])
                    if index < 3:
                        h = mx.nd.Activation(h, act_type="relu")
                out = mx.nd.SoftmaxOutput(h, y)
            out.backward()
            params["fc1_weight"].grad.wait_to_read()
        return step


# --------------------------------------------------------------------------------------
# LeNet.
# --------------------------------------------------------------------------------------
LENET_BATCH = 64


def _gluon_lenet(mx):
    nn = mx.gluon.nn
    net = nn.HybridSequential()
    net.add(nn.Conv2D(channels=20, kernel_size=5, activation="relu"),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Conv2D(channels=50, kernel_size=5, activation="relu"),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Flatten(),
            nn.Dense(500, activation="relu"),
            nn.Dense(NUM_CLASSES))
    return net


def _torch_lenet(torch):
    nn = torch.nn
    return nn.Sequential(nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
                         nn.Conv2d(20, 50, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
                         nn.Flatten(), nn.Linear(800, 500), nn.ReLU(),
                         nn.Linear(500, NUM_CLASSES))


def _numpy_lenet_step(np):
    from handnumpy import LeNet
    X, y = _numpy_batch(np, (LENET_BATCH, 1, 28, 28))
    net = LeNet(lr=LEARNING_RATE)
    return lambda: net.step(X, y)


@workload(name="lenet_gluon",
          description="LeNet (conv 20, conv 50, dense 500) on 1x28x28, Gluon train step, "
          "batch 64", unit="ms/batch", scale=1e3, number=3)
class LenetGluon:
    def mx(mx):
        X, y = _mx_batch(mx, (LENET_BATCH, 1, 28, 28))
        return _gluon_train_step(mx, _gluon_lenet(mx), X, y)

    def torch(torch):
        X, y = _torch_batch(torch, (LENET_BATCH, 1, 28, 28))
        return _torch_train_step(torch, _torch_lenet(torch), X, y)

    numpy = _numpy_lenet_step


@workload(name="lenet_gluon_hybrid", description="the same LeNet after net.hybridize()",
          unit="ms/batch", scale=1e3, number=3)
class LenetGluonHybrid:
    def mx(mx):
        X, y = _mx_batch(mx, (LENET_BATCH, 1, 28, 28))
        net = _gluon_lenet(mx)
        net.hybridize()
        return _gluon_train_step(mx, net, X, y)

    numpy = _numpy_lenet_step


DIGITS_FILE = Path(__file__).resolve().parents[1] / "dlkit/gluon/data/vision/digits.npz"
DIGITS_TRAIN = 1437   # the split of dlkit's Digits dataset


@workload(name="lenet_digits_train",
          description="tests/gluon/test_lenet_digits.py's run: a small LeNet, 5 epochs of "
          "Adam on the 8x8 digits (1437 images, batch 64), hybridized", unit="s",
          scale=1.0, number=1, repeats=3)
class LenetDigitsTrain:
    # issue 5: the test asserts >= 95% validation accuracy; its time is measured here
    def mx(mx):
        import numpy as np
        with np.load(DIGITS_FILE, allow_pickle=False) as archive:
            images = archive["images"][:DIGITS_TRAIN, None].astype("float32") / 255
            labels = archive["labels"][:DIGITS_TRAIN].astype("float32")
        X, y = mx.nd.array((images - 0.03) / 0.05), mx.nd.array(labels)
        nn = mx.gluon.nn

        def train():
            net = nn.HybridSequential()
            net.add(nn.Conv2D(8, kernel_size=3, padding=1, activation="relu"),
                    nn.MaxPool2D(pool_size=2, strides=2),
                    nn.Conv2D(16, kernel_size=3, padding=1, activation="relu"),
                    nn.MaxPool2D(pool_size=2, strides=2),
                    nn.Flatten(), nn.Dense(32, activation="relu"), nn.Dense(10))
            net.initialize(mx.init.Xavier())
            net.hybridize()
            loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
            trainer = mx.gluon.Trainer(net.collect_params(), "adam",
                                       {"learning_rate": 0.01})
            for epoch in range(5):
                for start in range(0, DIGITS_TRAIN, 64):
                    data, label = X[start:start + 64], y[start:start + 64]
                    with mx.autograd.record():
                        loss = loss_fn(net(data), label)
                    loss.backward()
                    trainer.step(data.shape[0])
            loss.wait_to_read()
        return train


# --------------------------------------------------------------------------------------
# Peak resident memory of a training run, each in a fresh process (issue 8: at most 1.5x
# the hand-written NumPy version's). The figure includes the interpreter and the
# framework's import, as a user's training script would.
# --------------------------------------------------------------------------------------
HERE = Path(__file__).resolve().parent


def _memory_workload(name, source, steps, description):
    def statement(api, module_name):
        return (f"import sys\nsys.path.insert(0, {str(HERE)!r})\n"
                f"import {module_name} as module\nimport workloads\n"
                f"step = workloads.get_workload({source!r}).setups[{api!r}](module)\n"
                f"for _ in range({steps}):\n    step()")

    namespace = type(name, (), {
        "mx": staticmethod(lambda module_name: statement("mx", module_name)),
        "torch": staticmethod(lambda module_name: statement("torch", module_name)),
        "numpy": staticmethod(lambda module_name: statement("numpy", module_name))})
    workload(name=name, description=description, unit="MB", scale=1.0,
             fresh_process=True, measure="peak_rss", repeats=3)(namespace)


_memory_workload("mlp_peak_memory", "mlp_gluon", 30,
                 "peak resident memory of 30 MLP training steps (fresh process)")
_memory_workload("lenet_peak_memory", "lenet_gluon", 5,
                 "peak resident memory of 5 LeNet training steps (fresh process)")


# --------------------------------------------------------------------------------------
# Lessons: executing each notebook from a fresh interpreter, kernel start included.
# --------------------------------------------------------------------------------------
LESSONS = Path(__file__).resolve().parent.parent / "lessons"


def _lesson_workload(path):
    def mx(module_name):
        if module_name != "dlkit":       # the lessons also open dlkit's internals
            return None
        return ("import nbclient, nbformat\n"
                f"notebook = nbformat.read({str(path)!r}, as_version=4)\n"
                "nbclient.NotebookClient(notebook, timeout=600, resources={'metadata': "
                f"{{'path': {str(path.parent)!r}}}}}).execute()")

    namespace = type(path.stem, (), {"mx": staticmethod(mx)})
    workload(name=f"lesson_{path.stem}", description=f"execute lessons/{path.name}",
             unit="s", scale=1.0, fresh_process=True, repeats=1)(namespace)


for _path in sorted(LESSONS.glob("[0-9][0-9]-*.ipynb")):
    _lesson_workload(_path)
