"""The benchmark workloads, each written once against the MXNet API.

A workload is a ``Workload`` with one *setup* function per API it can run on:

* ``mx(mx)`` receives the imported ``dlkit`` *or* ``mxnet`` module (the same code runs
  on both, which is the point of dlkit) and returns a zero-argument ``step``;
* ``torch(torch)`` and ``numpy(np)`` are the same work in PyTorch and plain NumPy, given
  only where the comparison means something.

The worker (``worker.py``) calls setup once, calls ``step`` a few times to warm up, then
times ``number`` calls of ``step`` per repeat. Every ``step`` ends by waiting for its
results (MXNet's engine is asynchronous), so a repeat measures finished work. The
reported figure is ``seconds / (number * items) * scale`` in ``unit``: for the per-op
workloads an item is one op.

Workloads marked ``fresh_process`` are different: the setup receives the module's *name*
and returns a Python statement (or ``None`` where the workload does not apply), and
every repeat runs it in a new interpreter (``import dlkit``, executing a lesson).

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
# Dense matrix product: the ceiling set by the BLAS underneath.
# --------------------------------------------------------------------------------------
@workload(name="gemm_512", description="dot of two 512x512 float32 matrices",
          unit="ms", scale=1e3, number=10)
class Gemm:
    def mx(mx):
        mx.random.seed(0)
        a = mx.nd.random.uniform(shape=(512, 512))
        b = mx.nd.random.uniform(shape=(512, 512))

        def step():
            mx.nd.dot(a, b).wait_to_read()
        return step

    def torch(torch):
        torch.manual_seed(0)
        a = torch.rand(512, 512)
        b = torch.rand(512, 512)
        return lambda: torch.mm(a, b)

    def numpy(np):
        rng = np.random.default_rng(0)
        a = rng.random((512, 512), dtype=np.float32)
        b = rng.random((512, 512), dtype=np.float32)
        return lambda: a @ b


# --------------------------------------------------------------------------------------
# Training steps on an MLP and on LeNet: Gluon (imperative and hybridized) and Module.
# --------------------------------------------------------------------------------------
BATCH_SIZE = 64
NUM_INPUTS = 784
NUM_HIDDEN = (256, 128)
NUM_CLASSES = 10


def _mx_batch(mx, shape):
    mx.random.seed(0)
    X = mx.nd.random.uniform(shape=shape)
    y = mx.nd.array([i % NUM_CLASSES for i in range(shape[0])])
    return X, y


def _gluon_train_step(mx, net, X, y):
    net.initialize(mx.init.Xavier())
    loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.01})

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
    trainer = torch.optim.SGD(net.parameters(), lr=0.01)

    def step():
        trainer.zero_grad()
        loss = loss_fn(net(X), y)
        loss.backward()
        trainer.step()
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


@workload(name="mlp_gluon", description="MLP 784-256-128-10 Gluon train step, batch 64",
          unit="ms/batch", scale=1e3, number=10)
class MlpGluon:
    def mx(mx):
        X, y = _mx_batch(mx, (BATCH_SIZE, NUM_INPUTS))
        return _gluon_train_step(mx, _gluon_mlp(mx), X, y)

    def torch(torch):
        X, y = _torch_batch(torch, (BATCH_SIZE, NUM_INPUTS))
        return _torch_train_step(torch, _torch_mlp(torch), X, y)


@workload(name="mlp_gluon_hybrid", description="the same MLP after net.hybridize()",
          unit="ms/batch", scale=1e3, number=10)
class MlpGluonHybrid:
    def mx(mx):
        X, y = _mx_batch(mx, (BATCH_SIZE, NUM_INPUTS))
        net = _gluon_mlp(mx)
        net.hybridize()
        return _gluon_train_step(mx, net, X, y)


def _mlp_symbol(mx):
    data = mx.sym.var("data")
    net = mx.sym.FullyConnected(data, num_hidden=NUM_HIDDEN[0], name="fc1")
    net = mx.sym.Activation(net, act_type="relu", name="relu1")
    net = mx.sym.FullyConnected(net, num_hidden=NUM_HIDDEN[1], name="fc2")
    net = mx.sym.Activation(net, act_type="relu", name="relu2")
    net = mx.sym.FullyConnected(net, num_hidden=NUM_CLASSES, name="fc3")
    return mx.sym.SoftmaxOutput(net, name="softmax")


@workload(name="mlp_module_step", description="the MLP as a Module: forward_backward + "
          "update, batch 64", unit="ms/batch", scale=1e3, number=10)
class MlpModuleStep:
    def mx(mx):
        X, y = _mx_batch(mx, (BATCH_SIZE, NUM_INPUTS))
        mod = mx.mod.Module(_mlp_symbol(mx), context=mx.cpu())
        mod.bind(data_shapes=[("data", X.shape)],
                 label_shapes=[("softmax_label", y.shape)])
        mod.init_params(mx.init.Xavier())
        mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.01})
        batch = mx.io.DataBatch(data=[X], label=[y])

        def step():
            mod.forward_backward(batch)
            mod.update()
            mod.get_outputs()[0].wait_to_read()
        return step


FIT_EXAMPLES = 1024


@workload(name="mlp_module_fit",
          description="Module.fit, 1 epoch of 1024 examples over NDArrayIter, batch 64",
          unit="ms/batch", scale=1e3, number=1, items=FIT_EXAMPLES // BATCH_SIZE)
class MlpModuleFit:
    def mx(mx):
        X, y = _mx_batch(mx, (FIT_EXAMPLES, NUM_INPUTS))
        train_iter = mx.io.NDArrayIter(X, y, batch_size=BATCH_SIZE, shuffle=False)
        mod = mx.mod.Module(_mlp_symbol(mx), context=mx.cpu())

        def step():
            train_iter.reset()
            mod.fit(train_iter, num_epoch=1, optimizer="sgd",
                    optimizer_params={"learning_rate": 0.01},
                    initializer=mx.init.Xavier(), force_init=True, force_rebind=True)
            mx.nd.waitall()
        return step


LENET_BATCH = 32


def _gluon_lenet(mx):
    nn = mx.gluon.nn
    net = nn.HybridSequential()
    net.add(nn.Conv2D(channels=6, kernel_size=5, activation="relu"),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Conv2D(channels=16, kernel_size=5, activation="relu"),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Flatten(),
            nn.Dense(120, activation="relu"),
            nn.Dense(84, activation="relu"),
            nn.Dense(NUM_CLASSES))
    return net


@workload(name="lenet_gluon",
          description="LeNet on 1x28x28, Gluon train step, batch 32",
          unit="ms/batch", scale=1e3, number=5)
class LenetGluon:
    def mx(mx):
        X, y = _mx_batch(mx, (LENET_BATCH, 1, 28, 28))
        return _gluon_train_step(mx, _gluon_lenet(mx), X, y)

    def torch(torch):
        nn = torch.nn
        net = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
                            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
                            nn.Flatten(), nn.Linear(256, 120), nn.ReLU(),
                            nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, NUM_CLASSES))
        X, y = _torch_batch(torch, (LENET_BATCH, 1, 28, 28))
        return _torch_train_step(torch, net, X, y)


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
             unit="s", scale=1.0, fresh_process=True, repeats=3)(namespace)


for _path in sorted(LESSONS.glob("[0-9][0-9]-*.ipynb")):
    _lesson_workload(_path)
