"""Lesson 06 · Shape inference."""
from notebook import check, code, md, solution

NAME = "06-shape-inference"
CELLS = [
md("""
# 06 · Shape inference

**What you will build:** a small convolutional network whose parameter shapes you never
write down. You give only the data shape; `infer_shape` works out the shape of every
weight, bias, output and auxiliary state. You will also ask for partial answers, read
the error when shapes cannot fit, and count the network's parameters.

Time: about 20 minutes. You need lesson 05 (Symbols).
"""),
check("""
import dlkit as mx
"""),
md("""
## The seed example

`infer_shape(**shapes)` takes the shapes you know, by argument name, and returns three
lists: the shapes of the arguments (in `list_arguments()` order), of the outputs and of
the auxiliary states.
"""),
check("""
a = mx.sym.Variable("A")
b = mx.sym.Variable("B")
c = (a + b) / 10
d = c + 1
input_shapes = {"A": (10, 2), "B": (10, 2)}  # the shapes of the inputs
d.infer_shape(**input_shapes)
"""),
check("""
arg_shapes, out_shapes, aux_shapes = d.infer_shape(**input_shapes)
print(arg_shapes)
print(out_shapes)
print(aux_shapes)
"""),
md("""
(The seed post, written for Python 2, prints `(10L, 2L)`: Python 2's long integers.
Python 3 has one integer type.)

Shapes flow in both directions. Element-wise `+` needs equal shapes, so knowing `A`
is enough to know `B`:
"""),
check("""
d.infer_shape(A=(10, 2))
"""),
md("""
## Parameters inferred from data

Here is a small convolutional network. We give only the data shape, a batch of 64
grayscale 28x28 images:
"""),
check("""
data = mx.sym.Variable("data")
net = mx.sym.Convolution(data, name="conv1", kernel=(5, 5), num_filter=20)
net = mx.sym.Activation(net, name="relu1", act_type="relu")
net = mx.sym.Pooling(net, name="pool1", kernel=(2, 2), stride=(2, 2), pool_type="max")
net = mx.sym.Flatten(net, name="flat")
net = mx.sym.FullyConnected(net, name="fc1", num_hidden=10)
net = mx.sym.SoftmaxOutput(net, name="softmax")

arg_shapes, out_shapes, aux_shapes = net.infer_shape(data=(64, 1, 28, 28))
for name, shape in zip(net.list_arguments(), arg_shapes):
    print(f"{name:15s} {shape}")
print("output", out_shapes)
"""),
md("""
Each operator's `infer_shape` completes its own parameters from its input:

* `conv1_weight` is `(num_filter, input channels, kernel height, kernel width)`;
* the convolution gives `28 - 5 + 1 = 24`, pooling halves it to 12, so `flat` has
  `20 * 12 * 12 = 2880` features and `fc1_weight` is `(10, 2880)`;
* `softmax_label` gets one entry per example, `(64,)`.

This is how `Module` (lessons 08-09) allocates all parameters from the data shape
alone. To see every intermediate shape, infer on the internals:
"""),
check("""
internals = net.get_internals()
_, shapes, _ = internals.infer_shape(data=(64, 1, 28, 28))
for name, shape in zip(internals.list_outputs(), shapes):
    if name.endswith("_output"):
        print(f"{name:16s} {shape}")
"""),
md("""
## Partial inference

With too little information `infer_shape` cannot finish. It warns, naming the
arguments it could not decide, and returns `(None, None, None)`:
"""),
code("""
print(net.infer_shape())
"""),
md("""
`infer_shape_partial` returns what it *could* infer instead. An unknown shape is `()`
and an unknown dimension is `0` (MXNet 1.x's convention). Without the data shape,
only the parts fixed by attributes (`num_filter`, `kernel`, `num_hidden`) are known:
"""),
check("""
arg_shapes, out_shapes, _ = net.infer_shape_partial()
for name, shape in zip(net.list_arguments(), arg_shapes):
    print(f"{name:15s} {shape}")
"""),
md("""
An unknown batch size is a common partial case: everything but the batch dimension is
fixed.
"""),
check("""
arg_shapes, out_shapes, _ = net.infer_shape_partial(data=(0, 1, 28, 28))
print(arg_shapes[:4], out_shapes)
"""),
md("""
## Reading a shape error

When the shapes cannot fit, `infer_shape` raises `mx.base.MXNetError` before any
computation.
The message names the node, the operator, the shapes involved and a fix. Images of
3x3 pixels are too small for a 5x5 kernel:
"""),
check("""
try:
    net.infer_shape(data=(64, 1, 3, 3))
except mx.base.MXNetError as error:
    print(error)
"""),
md("""
Read it from the left: the failing node (`conv1`), its operator, then the reason. A
wrong parameter shape you pass yourself is caught the same way, with the shape it
should have had:
"""),
check("""
try:
    net.infer_shape(data=(64, 1, 28, 28), fc1_weight=(10, 100))
except mx.base.MXNetError as error:
    print(error)
"""),
md("""
## The ShapeInspector

The `ShapeInspector` widget runs `infer_shape` each time you type an input shape and
shows the three tables and a graph with a shape on every edge; a failing node is drawn
in red. Its state is readable without a browser:
"""),
code("""
from dlkit.widgets import ShapeInspector

inspector = ShapeInspector(net)
inspector.set_shape("data", "64, 1, 28, 28")
print(inspector.output_rows)
inspector.set_shape("data", "64, 1, 3, 3")
print(inspector.failing_node)
"""),
code("""
inspector.set_shape("data", "8, 1, 28, 28")
inspector
"""),
md("""
## Summary

* `symbol.infer_shape(name=shape, ...)` returns `(arg_shapes, out_shapes, aux_shapes)`
  in the order of `list_arguments()`, `list_outputs()`, `list_auxiliary_states()`.
* Parameter shapes come from the data shape and the layer attributes; you never write
  them. Shapes can also flow backwards (`A` fixes `B` in `A + B`).
* Without enough information `infer_shape` warns and returns `None`s;
  `infer_shape_partial` returns what is known, with `()` and `0` for the unknown.
* Bad shapes raise `MXNetError` naming the node, operator, shapes and the fix.

## Exercises

1. Write `count_params(symbol, **data_shapes)`: the number of learnable values, that
   is the total size of every argument that is not one of the given data inputs.
   Auxiliary states are not learned by gradient and do not count.
"""),
solution("""
def count_params(symbol, **data_shapes):
    ### BEGIN SOLUTION
    arg_shapes, _, _ = symbol.infer_shape(**data_shapes)
    total = 0
    for name, shape in zip(symbol.list_arguments(), arg_shapes):
        if name not in data_shapes:
            size = 1
            for dim in shape:
                size *= dim
            total += size
    return total
    ### END SOLUTION
""", "count_params"),
check("""
from dlkit.exercises_graphs import check_count_params

check_count_params(count_params)
"""),
md("""
2. Our `count_params(net, data=(64, 1, 28, 28))` counts the label `softmax_label` as
   well. Pass the label shape too and compare with `mx.viz.print_summary`.
3. Add `pad=(2, 2)` to `conv1`. Which shapes change? Predict them, then check.
4. Find the smallest square image size that `net` accepts, first on paper, then with
   `infer_shape` in a loop.

## Read the source

* `dlkit/symbol/infer.py`: `infer_shape` walks the graph in topological order,
  calling each operator's `infer_shape`, and repeats until no shape changes.
* `dlkit/symbol/symbol.py`: `Symbol.infer_shape`, `Symbol.infer_shape_partial`,
  `Symbol.infer_type`.
* `dlkit/ops/conv.py`: `FullyConnected.infer_shape` (weight from `num_hidden`) and
  `Convolution.infer_shape` (the output size formula and the "kernel larger than
  input" error).
* `dlkit/ops/registry.py`: `shape_error`, `merge_shape`.
* `dlkit/widgets/shape_inspector.py`: `ShapeInspector`.
"""),
]
