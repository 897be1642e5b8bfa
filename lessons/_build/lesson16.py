"""Lesson 16 · Where the time goes: a framework next to hand-written NumPy."""
from notebook import check, code, md, solution

NAME = "16-where-the-time-goes"
CELLS = [
md("""
# 16 · Where the time goes

**What you will build:** a stopwatch for one operation and for one training step; the
same training step written in plain NumPy, checked to give exactly Gluon's new
weights; and a time budget that puts the two side by side, so you can see what a
framework costs on top of the arithmetic it asks NumPy to do.

Time: about 30 minutes. You need lessons 03 (autograd), 10 (Gluon) and 13
(`hybridize`).

**About the numbers.** Every timing here is measured when you run the cell, so yours
will differ from the ones stored in the notebook, and from one run to the next. The
test run checks only the cells that count or compare, never the ones that time.
Compare numbers measured in the same run, and take the best of several repeats: the
slow repeats are the ones another program interrupted.
"""),
check("""
import timeit

import matplotlib.pyplot as plt
import numpy as np

import dlkit as mx
from dlkit import autograd, gluon, nd
from dlkit.gluon import nn

mx.random.seed(0)
np.random.seed(0)


def per_call_us(fn, number=1000, repeat=5):
    \"\"\"Microseconds per call of fn(): the best of `repeat` runs of `number` calls.\"\"\"
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6
"""),
md("""
## The cost of one operation

`c = a + b` on two NDArrays ends in NumPy's `a + b`, but on the way dlkit does what
every framework does for every operator (lesson 03 showed the tape; the path is
`NDArray.__add__` → `invoke` in `dlkit/ndarray/dispatch.py`):

1. find the operator (`broadcast_add`) and its cached *call plan* for these attributes;
2. check the input shapes with the operator's `infer_shape` (once per new shape);
3. call the operator's `forward` with NumPy (or CuPy on a GPU);
4. wrap the result in a new NDArray;
5. under `autograd.record()`, append a node to the tape: the op, its inputs and outputs.
"""),
code("""
a_np, b_np = np.ones(10, np.float32), np.ones(10, np.float32)
a, b = nd.ones((10,)), nd.ones((10,))
a.attach_grad()


def add_recorded():
    with autograd.record():
        return a + b


print(f"NumPy  a + b                    {per_call_us(lambda: a_np + b_np):5.2f} us")
print(f"dlkit  a + b                    {per_call_us(lambda: a + b):5.2f} us")
print(f"dlkit  a + b under record()     {per_call_us(add_recorded):5.2f} us")
"""),
md("""
On ten numbers the framework's bookkeeping is most of the time. It is a fixed cost per
call, so it matters less as the arrays grow: at a million numbers the addition itself
dominates and both take about the same time.
"""),
code("""
sizes = [10, 1_000, 100_000, 1_000_000]
ratios = []
for size in sizes:
    x_np, x = np.ones(size, np.float32), nd.ones((size,))
    number = max(20, 200_000 // size)
    numpy_us = per_call_us(lambda: x_np + x_np, number=number, repeat=3)
    dlkit_us = per_call_us(lambda: x + x, number=number, repeat=3)
    ratios.append(dlkit_us / numpy_us)
    print(f"{size:>9,} numbers: NumPy {numpy_us:8.2f} us, dlkit {dlkit_us:8.2f} us")

plt.figure(figsize=(5, 3))
plt.semilogx(sizes, ratios, "o-")
plt.axhline(1, color="gray", linestyle=":")
plt.xlabel("numbers in each array")
plt.ylabel("dlkit time / NumPy time")
plt.title("a + b: the fixed cost per call fades")
plt.show()
"""),
md("""
## A training step, and what autograd keeps for it

The benchmark suite (`benchmarks/`) trains a 784-256-128-10 network on batches of 128
MNIST-shaped images. Here is that network with Gluon, and one step of it recorded.
"""),
check("""
batch_size = 128
X = nd.random.uniform(shape=(batch_size, 784))
y = nd.array(np.random.randint(0, 10, batch_size))

net = nn.HybridSequential()
net.add(nn.Dense(256, activation="relu"), nn.Dense(128, activation="relu"), nn.Dense(10))
net.initialize(mx.init.Xavier())
loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})

with autograd.record():
    loss = loss_fn(net(X), y)

# dlkit's internals: the nodes backward will walk, in order
from dlkit.tape import _topological_order

nodes = _topological_order([loss._entry])
print(len(nodes), "nodes:", [node.op.name for node in nodes])
"""),
md("""
Nine operators: each `Dense` is a `FullyConnected` (one matrix product plus the bias)
and an `Activation`, and the loss is four small ops (lesson 10): `log_softmax`, `pick`
of the label's entry, a multiplication by -1 and a `mean` over the batch.

Each node holds the arrays its backward needs. Counted once each, that is the memory
the step keeps alive until `backward`:
"""),
check("""
def tape_bytes(nodes):
    arrays = {}
    for node in nodes:
        for array in list(node.inputs or []) + list(node.outputs or []):
            if array is not None:
                arrays[id(array)] = array.nbytes
    return sum(arrays.values())


print("held by the tape before backward:", tape_bytes(nodes), "bytes")
loss.backward()
trainer.step(batch_size)
print("held by the tape after backward: ", tape_bytes(nodes), "bytes")
print("nodes freed:", all(node.freed for node in nodes))
"""),
md("""
The input batch alone is 128 × 784 × 4 = 401,408 bytes, and the parameters
(`W1` is 256 × 784) are held too. After `backward` every node drops its arrays, so a
training loop does not grow step by step. `backward(retain_graph=True)` keeps them
for a second backward.

## The same step without a framework

What does the framework compute? Written out with NumPy, for weights stored the way
MXNet stores them (`W` is `(out_units, in_units)`, so a layer is `x @ W.T + b`):
"""),
check("""
def softmax_ce_grad(z, labels):
    \"\"\"Gradient of the batch's mean softmax cross-entropy w.r.t. the logits z.\"\"\"
    p = np.exp(z - z.max(axis=1, keepdims=True))   # shifted: exp cannot overflow
    p /= p.sum(axis=1, keepdims=True)              # softmax
    p[np.arange(len(labels)), labels] -= 1         # softmax - one_hot
    return p / len(labels)


def numpy_step(weights, X, labels, lr):
    \"\"\"One SGD step of the 784-256-128-10 ReLU network; returns the new weights.\"\"\"
    W1, b1, W2, b2, W3, b3 = weights
    h1 = np.maximum(X @ W1.T + b1, 0)
    h2 = np.maximum(h1 @ W2.T + b2, 0)
    z = h2 @ W3.T + b3
    g3 = softmax_ce_grad(z, labels)
    g2 = (g3 @ W3) * (h2 > 0)          # ReLU lets the gradient through where h > 0
    g1 = (g2 @ W2) * (h1 > 0)
    grads = [g1.T @ X, g1.sum(axis=0), g2.T @ h1, g2.sum(axis=0), g3.T @ h2,
             g3.sum(axis=0)]
    return [w - lr * g for w, g in zip(weights, grads)]


def weights_of(net):
    return [param.data().asnumpy() for param in net.collect_params().values()]


def gluon_step():
    with autograd.record():
        loss = loss_fn(net(X), y)
    loss.backward()
    trainer.step(batch_size)


X_np, labels_np = X.asnumpy(), y.asnumpy().astype(np.int64)
expected = numpy_step(weights_of(net), X_np, labels_np, lr=0.1)
gluon_step()
print("same new weights:", all(np.allclose(e, g, rtol=1e-4, atol=1e-6)
                               for e, g in zip(expected, weights_of(net))))
"""),
code("""
print("largest difference:", max(float(np.abs(e - g).max())
                                 for e, g in zip(expected, weights_of(net))))
"""),
md("""
The two agree to float32 rounding: the products are summed in a different order, and
`Trainer.step(batch_size)` multiplies by `lr / batch_size` where `softmax_ce_grad`
divides by the batch size. Everything the framework adds (autograd, the loss as four
reusable ops, parameters, the optimizer) is bookkeeping around these eight matrix
products.

## The time budget

Now time both, alternating them so that a burst of load on the machine hits both
alike, and split Gluon's step into its four parts.
"""),
code("""
import time


def timed_gluon_step(parts):
    t0 = time.perf_counter()
    with autograd.record():
        out = net(X)
        t1 = time.perf_counter()
        loss = loss_fn(out, y)
        t2 = time.perf_counter()
    loss.backward()
    t3 = time.perf_counter()
    trainer.step(batch_size)
    loss.wait_to_read()
    t4 = time.perf_counter()
    for name, seconds in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
        parts[name] = min(parts[name], seconds * 1e6)


def time_steps(repeats=40):
    parts = dict.fromkeys(["net forward", "loss", "backward", "trainer.step"], np.inf)
    weights, numpy_us = weights_of(net), np.inf
    for _ in range(repeats):
        timed_gluon_step(parts)
        start = time.perf_counter()
        weights = numpy_step(weights, X_np, labels_np, lr=0.1)
        numpy_us = min(numpy_us, (time.perf_counter() - start) * 1e6)
    return parts, numpy_us


parts, numpy_us = time_steps()
for name, us in parts.items():
    print(f"{name:>13}: {us:6.0f} us")
total = sum(parts.values())
print(f"{'Gluon step':>13}: {total:6.0f} us   NumPy step: {numpy_us:.0f} us   "
      f"ratio {total / numpy_us:.2f}")
"""),
md("""
Each part is the best of 40 repeats, so the parts add up to a little less than a
typical step. How much of either step is the arithmetic itself? Time the eight matrix
products alone, the floor that no framework built on NumPy can go below:
"""),
code("""
W1, b1, W2, b2, W3, b3 = weights_of(net)
h1 = np.maximum(X_np @ W1.T + b1, 0)
h2 = np.maximum(h1 @ W2.T + b2, 0)
g3 = softmax_ce_grad(h2 @ W3.T + b3, labels_np)
g2 = (g3 @ W3) * (h2 > 0)
g1 = (g2 @ W2) * (h1 > 0)


def products_only():
    X_np @ W1.T, h1 @ W2.T, h2 @ W3.T                 # forward
    g1.T @ X_np, g2.T @ h1, g3.T @ h2, g3 @ W3, g2 @ W2   # backward


gemm_us = per_call_us(products_only, number=20)
# a (rows, n_in) @ (n_in, n_out) product is 2 * rows * n_in * n_out operations; each
# layer has three (forward, weight gradient, input gradient), except that nobody needs
# the gradient of the input batch X
layer_flops = [2 * batch_size * n_in * n_out
               for n_in, n_out in [(784, 256), (256, 128), (128, 10)]]
flops = 3 * sum(layer_flops) - layer_flops[0]
print(f"matrix products: {gemm_us:.0f} us, {flops / gemm_us / 1e3:.0f} GFLOP/s")
print(f"share of the NumPy step: {gemm_us / numpy_us:.0%}, "
      f"of the Gluon step: {gemm_us / total:.0%}")
"""),
code("""
plt.figure(figsize=(7, 2.2))
left = 0
for name, us in parts.items():
    plt.barh("Gluon", us, left=left, label=name)
    left += us
plt.barh("NumPy", numpy_us, color="gray", label="NumPy step")
plt.axvline(gemm_us, color="black", linestyle=":", label="matrix products alone")
plt.xlabel("microseconds per step (best repeat)")
plt.legend(loc="center left", bbox_to_anchor=(1, 0.5), fontsize=8)
plt.show()
"""),
md("""
What you should see: the matrix products are most of both steps, and Gluon's step
takes a fifth or so longer than the hand-written one. Where does that extra go?

* **Per-operator bookkeeping**, as for `a + b`: nine ops forward and nine backward,
  each a few microseconds.
* **The loss as four general ops.** `numpy_step` computes the loss gradient in one
  fused function; Gluon runs `log_softmax`, `pick`, `* -1` and `mean` forward and
  backward, because the same four ops serve every loss you can build from them.
* **Small extra passes.** The Gluon step allocates a few more arrays than
  `numpy_step` (each op returns a fresh result), and the `Trainer` visits the
  parameters one by one.

Both steps here store `W` as `(out, in)`, MXNet's layout, so the forward product is
`X @ W.T`. The benchmark's hand-written step stores `(in, out)` instead, and with
OpenBLAS `X @ W` on that layout can be a little faster. dlkit keeps MXNet's layout:
saved parameter files and `Symbol` shapes depend on it. Measure the difference on your
machine:
"""),
code("""
W1_in_out = np.ascontiguousarray(W1.T)        # the same numbers, stored (in, out)
print(f"X @ W1.T   {per_call_us(lambda: X_np @ W1.T, number=50):6.0f} us")
print(f"X @ W1_io  {per_call_us(lambda: X_np @ W1_in_out, number=50):6.0f} us")
"""),
md("""
What a framework saves you is visible too. `FullyConnected` writes its weight gradient
straight into `net[0].weight.grad()` (MXNet's `grad_req='write'`), so no copy of a
256 × 784 array is made per step. `Trainer.step` folds `1 / batch_size` into the
learning rate when that is exact (a power of two, as 1/128 is): one multiplication
over each gradient instead of two.

## hybridize: one node instead of five

`hybridize()` (lesson 13) traces the network into a Symbol once and runs it through an
Executor. The tape then holds one node for the whole network, and the Executor runs
the ops without `invoke`'s per-call work.
"""),
check("""
net.hybridize()
with autograd.record():
    loss = loss_fn(net(X), y)
print([node.op.name for node in _topological_order([loss._entry])])
loss.backward()
trainer.step(batch_size)
"""),
code("""
hybrid_parts, hybrid_numpy_us = time_steps()
print(f"hybridized Gluon step: {sum(hybrid_parts.values()):.0f} us   "
      f"NumPy step: {hybrid_numpy_us:.0f} us")
"""),
md("""
On a network this small the saving is small, if any: five op calls were never much
next to eight matrix products of this size, and calling the Executor has its own
fixed cost. On many small ops (lesson 03's long chains, recurrent networks unrolled
over time) the per-call cost is most of the step, and that is where a graph pays. In
MXNet 1.9.1 one imperative `a + b` costs well over ten microseconds (the benchmark's
`add_small` row), so graphs of many small ops gain more from `hybridize` there.

## Measuring frameworks against each other

The benchmark suite runs these workloads and more (LeNet, `Module.fit`, the autograd
chain, import time, peak memory) for dlkit, MXNet 1.9.1 and PyTorch in one run,
alternating them, and prints medians, best repeats and ratios. MXNet runs twice, with
its defaults and with OpenMP on every core, since which of the two is faster depends
on the workload; `dlkit/mxnet-best` compares with the faster one:

```bash
python3 benchmarks/run.py                              # everything, about 7 minutes
python3 benchmarks/run.py -w mlp_gluon,add_small -f dlkit,numpy
```

`benchmarks/handnumpy.py` holds the hand-written NumPy steps it compares with,
written like `numpy_step` above (with `W` stored `(in, out)`).

## Summary

* A framework adds a fixed cost per operator call: dispatch, shape checks, wrapping,
  and a tape node under `autograd.record()`. It dominates on small arrays and fades
  on large ones.
* A training step is a handful of matrix products plus bookkeeping; the products set
  the floor. On this MLP, Gluon's step is within a fraction of a hand-written NumPy
  step that computes the same new weights.
* The tape holds the arrays backward needs and frees them after `backward`.
* `hybridize` replaces per-op calls with one Executor run: it helps most where there
  are many small ops.
* Time with the best of several repeats, alternate the things you compare, and
  compare only numbers from the same run.

## Exercises

1. Write `hand_step(weights, X, labels, lr, wd)` for a network `Dense(hidden,
   activation='tanh')` → `Dense(classes)` with softmax cross-entropy, and SGD with
   weight decay as Gluon's `Trainer` does it: `w -= lr * (grad / batch_size + wd * w)`
   for every parameter. `weights` is `[W1, b1, W2, b2]` in MXNet's layout; return the
   four new arrays. `check_hand_step` compares your step with Gluon's.
"""),
solution("""
def hand_step(weights, X, labels, lr, wd):
    ### BEGIN SOLUTION
    W1, b1, W2, b2 = weights
    h = np.tanh(X @ W1.T + b1)
    g2 = softmax_ce_grad(h @ W2.T + b2, labels)   # already divided by the batch size
    g1 = (g2 @ W2) * (1 - h * h)                  # tanh' = 1 - tanh^2
    grads = [g1.T @ X, g1.sum(axis=0), g2.T @ h, g2.sum(axis=0)]
    return [w - lr * (g + wd * w) for w, g in zip(weights, grads)]
    ### END SOLUTION
""", "hand_step"),
check("""
from dlkit.exercises_training import check_hand_step

check_hand_step(hand_step)
"""),
md("""
2. Time `a + b` on `mx.gpu(0)` if you have a GPU. At which size does the GPU beat
   NumPy on the CPU, and why is it slower on ten numbers?
3. Run the time budget with `batch_size = 16` and `batch_size = 1024`. How do the
   ratio to the NumPy step and the share of the matrix products change, and why?
4. Build a chain of 100 element-wise ops under `autograd.record()` (lesson 03) on
   arrays of 10 numbers, and time it with and without recording, and with a
   hybridized `HybridLambda`. Which part of the cost does each one remove?
5. `Trainer` decays the biases too when `wd` is set, while `Module` (lesson 08) gives
   parameters whose names do not end in `_weight` or `_gamma` a `wd_mult` of 0. Check
   both with a one-step experiment.

## Read the source

* `dlkit/ndarray/dispatch.py`: `invoke`, `_CallPlan`, `_run` (the path of `a + b`).
* `dlkit/tape.py`: `TapeNode`, `propagate` (backward, and freeing the tape).
* `dlkit/ops/conv.py`: `FullyConnected.forward`, `backward` (`grad_into`).
* `dlkit/optimizer/sgd.py`: `SGD.update` (the power-of-two shortcut).
* `dlkit/gluon/cached_graph.py`: `CachedGraph.__call__` (one tape node for a network).
* `benchmarks/handnumpy.py`, `benchmarks/workloads.py`, `benchmarks/run.py`.
"""),
]
