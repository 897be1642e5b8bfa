"""Lesson 07 · Binding and executors."""
from notebook import check, code, md, solution

NAME = "07-executors"
CELLS = [
md("""
# 07 · Binding and executors

**What you will build:** running symbols. You will *bind* arrays to a graph's arguments
to get an `Executor`, run it forward and backward, read its arguments, gradients and
auxiliary states by name, choose how gradients are written, compute several outputs at
once, and look at the executor's plan and memory.

Time: about 25 minutes. You need lessons 05 (Symbols) and 06 (shape inference).
"""),
check("""
import numpy as np

import dlkit as mx

np.set_printoptions(precision=4)
"""),
md("""
## Bind: arrays for the arguments

A symbol has no values. `bind` attaches one NDArray to each argument node (not to the
internal nodes) and returns an `Executor`, the object that computes. The seed's example,
`E = A * B + D`:
"""),
check("""
A = mx.sym.Variable("A")
B = mx.sym.Variable("B")
C = A * B
D = mx.sym.Variable("D")
E = C + D
a = mx.nd.empty(1)  # an array of size 1 whose values are not set
b = mx.nd.ones(1)   # b is 1
d = mx.nd.ones(1)
executor = E.bind(ctx=mx.cpu(), args={"A": a, "B": b, "D": d})
type(executor)
"""),
check("""
executor.arg_dict
"""),
md("""
`mx.nd.empty` allocates an array without setting its values. In MXNet they are
whatever the memory held before (the seed post got 0 by luck); dlkit fills them with
zeros. Never read an `empty` array before writing it. `forward()` computes the outputs,
which are NDArrays like any other:
"""),
check("""
executor.forward()
print(executor.outputs[0])
print(executor.outputs[0].asnumpy())
"""),
md("""
The executor does not copy the arrays you bound: `arg_dict["A"]` *is* `a`. Writing
into it changes the next forward's result:
"""),
check("""
executor.arg_dict["A"][:] = 3
executor.forward()
print(a, executor.outputs[0].asnumpy())
"""),
md("""
## Backward: gradient arrays

For gradients, bind a second dictionary, `args_grad`, with one array per argument to
receive them. `backward` needs the gradient of the output (the *head gradient*) unless
the output is a loss; for `E`, ones means "the gradient of `sum(E)`":
"""),
check("""
args = {"A": mx.nd.array([2, 3]), "B": mx.nd.array([4, 5]), "D": mx.nd.array([1, 1])}
grads = {name: mx.nd.zeros(2) for name in "ABD"}
executor = E.bind(ctx=mx.cpu(), args=args, args_grad=grads)
executor.forward(is_train=True)
executor.backward(out_grads=mx.nd.ones(2))
for name, grad in executor.grad_dict.items():
    print(name, grad.asnumpy())
"""),
md("""
As expected, `dE/dA = B`, `dE/dB = A` and `dE/dD = 1`. Without `out_grads` the
executor refuses, since `E` is not a loss; MXNet raises the same error:
"""),
check("""
try:
    executor.backward()
except mx.base.MXNetError as error:
    print(error)
"""),
md("""
## grad_req: write, add or null

`grad_req` says what `backward` does with each gradient array: `"write"` overwrites it
(the default), `"add"` accumulates into it (for gradients summed over several
backward passes), `"null"` computes no gradient at all:
"""),
check("""
grads = {name: mx.nd.zeros(2) for name in "ABD"}
executor = E.bind(ctx=mx.cpu(), args=args, args_grad=grads,
                  grad_req={"A": "add", "B": "null", "D": "write"})
for _ in range(2):
    executor.forward(is_train=True)
    executor.backward(out_grads=mx.nd.ones(2))
print(grads["A"].asnumpy(), grads["B"].asnumpy(), grads["D"].asnumpy())
"""),
md("""
`A`'s gradient was added twice (`2 * B`), `B`'s was never written and `D`'s was
overwritten.

## simple_bind: let the executor allocate

Allocating every argument and gradient by hand is tedious for a real network.
`simple_bind` takes only the input shapes, runs `infer_shape` (lesson 06) and
allocates all arrays itself, filled with zeros:
"""),
check("""
data = mx.sym.Variable("data")
net = mx.sym.FullyConnected(data, name="fc1", num_hidden=3)
net = mx.sym.BatchNorm(net, name="bn1")
net = mx.sym.SoftmaxOutput(net, name="softmax")
executor = net.simple_bind(ctx=mx.cpu(), data=(4, 5))
for name, array in executor.arg_dict.items():
    print(f"{name:14s} {array.shape}  grad {executor.grad_dict[name].shape}")
"""),
md("""
`softmax_label` has a gradient array too, but labels should not be trained:
`grad_req` can name the arguments that need none (Module does this for you). Fill the
arrays in place with `[:] =`, since the executor holds these exact objects:
"""),
check("""
mx.random.seed(0)
executor.arg_dict["data"][:] = mx.nd.random.normal(shape=(4, 5))
executor.arg_dict["fc1_weight"][:] = mx.nd.random.normal(scale=0.5, shape=(3, 5))
executor.arg_dict["softmax_label"][:] = mx.nd.array([0, 1, 2, 1])
executor.forward(is_train=True)
executor.backward()  # SoftmaxOutput is a loss: no head gradient needed
print(executor.outputs[0].shape, executor.grad_dict["fc1_weight"].shape)
"""),
md("""
## Auxiliary states

BatchNorm's moving mean and variance are *auxiliary states*: inputs the graph updates
itself during training, not through gradients. They live in `aux_dict`. `simple_bind`
starts them at zero, and the training step above (forward and backward) has already
moved them. Set them back to zero: a forward in prediction mode leaves them alone:
"""),
check("""
executor.aux_dict["bn1_moving_mean"][:] = 0
executor.forward(is_train=False)
print(executor.aux_dict["bn1_moving_mean"])
"""),
md("""
A training step moves them towards the batch statistics, by `1 - momentum = 0.1` of
the way. An MXNet quirk worth knowing: on the CPU the update happens in **backward**,
not in forward (MXNet's GPU kernel does it in forward). So `forward(is_train=True)`
alone leaves them where they were; the `backward()` that follows moves them:
"""),
check("""
arrays = executor.arg_dict
fc1_out = mx.nd.FullyConnected(arrays["data"], arrays["fc1_weight"], arrays["fc1_bias"],
                               num_hidden=3)
executor.forward(is_train=True)
print(executor.aux_dict["bn1_moving_mean"])
executor.backward()
print(executor.aux_dict["bn1_moving_mean"])
print(0.1 * fc1_out.mean(axis=0))
"""),
md("""
## Several outputs: Group

Binding a `Group` computes all its outputs in one forward. The seed groups `E` with
its internal node `C`, so both `A * B` and `A * B + D` come out:
"""),
check("""
G = mx.sym.Group([E, C])
executor = G.bind(ctx=mx.cpu(), args=args)
executor.forward()
for name, out in zip(G.list_outputs(), executor.outputs):
    print(name, out.asnumpy())
"""),
md("""
`executor.output_dict` gives the same arrays by name.

## What the executor will do: plan and memory

Binding decides once what to run. `plan` lists the operator calls in execution order
with their inputs and output shapes:
"""),
check("""
executor = E.simple_bind(ctx=mx.cpu(), A=(1000,), B=(1000,), D=(1000,))
for step in executor.plan:
    print(step["name"], step["op"], step["inputs"], step["output_shapes"])
"""),
md("""
`memory_summary()` counts the bytes held for arguments, gradients, auxiliary states
and intermediate results. Before the first forward there are no intermediates yet;
after it, the executor keeps the results of `C` and `E` (backward needs them):
"""),
check("""
print(executor.memory_summary())
executor.forward(is_train=True)
print(executor.memory_summary())
"""),
md("""
Three arguments of 1000 float32 values are 12000 bytes, and so are their gradients;
`C` and `E` are 4000 bytes each. Every output you add to a `Group` must be kept like
this, so large groups cost memory.

## The ExecutorView

The `ExecutorView` widget fills an executor's inputs, runs it and shows every array
with a min / mean / max summary, the plan and the memory. Its rows are readable
without a browser:
"""),
code("""
from dlkit.widgets import ExecutorView

view = ExecutorView(net, data=(4, 5), softmax_label=(4,))
view.fill_all("random")
view.forward(is_train=True)
view.backward()
view.grad_rows()
"""),
code("""
view
"""),
md("""
## Summary

* `symbol.bind(ctx, args, args_grad=None, grad_req="write", aux_states=None)` attaches
  your arrays to the argument nodes and returns an `Executor`; it uses the arrays
  themselves, not copies.
* `simple_bind(ctx, **shapes)` infers every shape and allocates all arrays.
* `forward(is_train=...)` fills `outputs`; `backward(out_grads)` fills `grad_dict`
  (head gradients are needed unless the output is a loss).
* `grad_req` is `"write"`, `"add"` or `"null"`, per argument.
* Auxiliary states (`aux_dict`) change only in training: on the CPU in `backward`,
  after a `forward(is_train=True)` (an MXNet quirk dlkit keeps).
* Binding a `Group` computes several outputs; `plan` and `memory_summary()` show what
  the executor runs and holds.

## Exercises

1. Write `executor_grads(a, b, d)` for NumPy arrays `a`, `b`, `d` of one shape: bind
   `E = A * B + D` (use `simple_bind` and fill the arrays, or `bind`), run forward and
   backward with a head gradient of ones and return `(output, grad_dict)`.
"""),
solution("""
def executor_grads(a, b, d):
    ### BEGIN SOLUTION
    A, B, D = mx.sym.Variable("A"), mx.sym.Variable("B"), mx.sym.Variable("D")
    E = A * B + D
    executor = E.simple_bind(ctx=mx.cpu(), A=a.shape, B=b.shape, D=d.shape)
    executor.arg_dict["A"][:] = a
    executor.arg_dict["B"][:] = b
    executor.arg_dict["D"][:] = d
    executor.forward(is_train=True)
    executor.backward(out_grads=mx.nd.ones(a.shape))
    return executor.outputs[0], executor.grad_dict
    ### END SOLUTION
""", "executor_grads"),
check("""
from dlkit.exercises_graphs import check_executor_grads

check_executor_grads(executor_grads)
"""),
md("""
2. Bind `E` with `grad_req="add"` and run forward and backward three times. Then zero
   the gradients with `grad[:] = 0` and check the next backward starts afresh.
3. Bind the BatchNorm network with `simple_bind` and run 50 training forwards on the
   same batch. What do the moving mean and variance converge to?
4. Use `executor.reshape(data=(2, 5))` to run the network on a smaller batch. Which
   arrays are shared with the original executor?

## Read the source

* `dlkit/executor.py`: `Executor` (`forward`, `backward`, `arg_dict`, `grad_dict`,
  `aux_dict`, `output_dict`, `plan`, `memory_summary`, `reshape`) and
  `_head_gradients` (the "not a loss head" error), and `_plan_writes_into`: with
  `grad_req="write"`, FullyConnected's backward writes its weight gradient straight
  into your gradient array (the matrix product's output *is* that array), so nothing
  is copied; see `writes_grads_into` in `dlkit/ops/registry.py`.
* `dlkit/symbol/bind.py`: `bind` and `simple_bind`: checking the arrays you pass,
  `infer_shape`, allocating arguments, gradients and auxiliary states.
* `dlkit/ops/norm.py`: `BatchNorm` (its `aux_names`, and the in-place moving-average
  update in `backward` when `is_train`).
* `dlkit/widgets/executor_view.py`: `ExecutorView`.
"""),
]
