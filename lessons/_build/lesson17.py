"""Lesson 17 · Your own operator (mx.operator); where its time goes (mx.profiler)."""
from notebook import check, code, md, solution

NAME = "17-custom-operators"
CELLS = [
md("""
# 17 · Your own operator, and where its time goes

**What you will build:** a softmax loss written in Python as an MXNet *custom
operator*, used three ways: imperatively with autograd, as the loss head of a Symbol
trained with `Module.fit` (where it matches the built-in `SoftmaxOutput` weight for
weight), and inside a hybridized Gluon block. Then you look at where such an operator
sits in dlkit's operator registry, compare it with `mx.autograd.Function`, and let
`mx.profiler` show what each operator of a training step costs. In the exercise you
write a PReLU operator, and a checker tests its values, gradients and shapes.

Time: about 30 minutes. You need lessons 03 (autograd), 05 to 07 (Symbols, shapes,
Executors), 09 (`Module.fit`), 13 (`hybridize`) and 16 (timing).

Every cell runs unchanged with `import mxnet as mx` (and `from mxnet import ...`),
except the two cells marked *dlkit's internals*, which open dlkit's operator registry,
and the exercise's checker, which comes with dlkit.
"""),
check("""
import json
import os
import tempfile

import numpy as np

import dlkit as mx
from dlkit import autograd, gluon, nd
from dlkit.gluon import nn

mx.random.seed(0)
np.random.seed(0)
"""),
md("""
## An operator in two classes

A custom operator is two classes:

* a `CustomOp` **computes**. Its `forward` and `backward` receive lists of NDArrays:
  the inputs (`in_data`), arrays the framework allocated for the results
  (`out_data`, `in_grad`) and, for each result, a `req` that says how to store it
  (`'write'`, `'add'` to accumulate, `'null'` when nobody wants it).
  `self.assign(dst, req, src)` stores as `req` says.
* a `CustomOpProp` **describes**: the names of the inputs and outputs, their shapes
  and types, whether backward needs the gradient from above, and which `CustomOp`
  to create.

Here is the classic example from MXNet's documentation, a softmax whose backward is
the gradient of the cross-entropy loss: a loss head, like `SoftmaxOutput`. Inside
`forward` and `backward` you may use any Python; this one converts to NumPy and back.
"""),
check("""
class Softmax(mx.operator.CustomOp):
    \"\"\"Forward: the softmax of each row. Backward: the gradient of the cross-entropy
    loss with respect to the input, softmax - one_hot(label).\"\"\"

    def forward(self, is_train, req, in_data, out_data, aux):
        x = in_data[0].asnumpy()
        e = np.exp(x - x.max(axis=1, keepdims=True))   # shifted: exp cannot overflow
        self.assign(out_data[0], req[0], mx.nd.array(e / e.sum(axis=1, keepdims=True)))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        label = in_data[1].asnumpy().astype(np.int64)
        grad = out_data[0].asnumpy()                   # the softmax forward stored
        grad[np.arange(len(label)), label] -= 1
        self.assign(in_grad[0], req[0], mx.nd.array(grad))
"""),
md("""
The label gets no gradient: `backward` leaves `in_grad[1]` alone. The prop names the
two inputs, completes the label's shape from the data's (one class index per row) and
says `need_top_grad=False`: this backward ignores `out_grad`, so nobody has to supply
a gradient from above. `@mx.operator.register` files the prop under a name, the
`op_type` you call it by.
"""),
check("""
@mx.operator.register("my_softmax")
class SoftmaxProp(mx.operator.CustomOpProp):
    def __init__(self):
        super().__init__(need_top_grad=False)   # a loss head

    def list_arguments(self):
        return ["data", "label"]

    def list_outputs(self):
        return ["output"]

    def infer_shape(self, in_shape):
        data_shape = in_shape[0]
        label_shape = [data_shape[0]]
        return [data_shape, label_shape], [data_shape], []   # inputs, outputs, aux

    def create_operator(self, ctx, in_shapes, in_dtypes):
        return Softmax()
"""),
md("""
## Imperatively, with autograd

`mx.nd.Custom` runs it. Under `autograd.record()` it is one node of the tape, like any
built-in op, and `backward` calls your `backward`:
"""),
check("""
x = nd.array([[1, 2, 3], [1, 1, 4]])
label = nd.array([2, 0])
x.attach_grad()
with autograd.record():
    p = nd.Custom(x, label, op_type="my_softmax")
p.backward()
print(p)
print(x.grad)
"""),
md("""
Each row of `p` sums to 1, and `x.grad` is `p` with 1 taken off at each row's label:
the last entry of row 0, the first of row 1. The built-in ops give the same numbers:
"""),
check("""
expected = nd.softmax(x) - nd.one_hot(label, 3)
print(np.allclose(x.grad.asnumpy(), expected.asnumpy()))
"""),
md("""
## As the loss head of a Symbol

`mx.sym.Custom` puts the operator into a graph. Called with only the scores, it makes
a variable for the missing input, named after the node: `softmax_label`, the label
name `Module` expects by default. The graph asks your `infer_shape` for the shapes.
"""),
check("""
def classifier(head):
    \"\"\"8 features -> 16 ReLU units -> 4 scores, then the chosen softmax head.\"\"\"
    data = mx.sym.var("data")
    hidden = mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=16, name="fc1"),
                               act_type="relu", name="relu1")
    scores = mx.sym.FullyConnected(hidden, num_hidden=4, name="fc2")
    if head == "custom":
        return mx.sym.Custom(scores, op_type="my_softmax", name="softmax")
    return mx.sym.SoftmaxOutput(scores, name="softmax")


net = classifier("custom")
print(net.list_arguments())
print(net.list_outputs())
arg_shapes, out_shapes, _ = net.infer_shape(data=(40, 8))
print(dict(zip(net.list_arguments(), arg_shapes)))
print(out_shapes)
"""),
md("""
Some data to train it on: four Gaussian clouds in 8 dimensions, one per class,
generated here (nothing to download).
"""),
check("""
def make_blobs(n_per_class, seed):
    \"\"\"n_per_class points around each of 4 fixed centres, shuffled.\"\"\"
    centres = np.random.RandomState(42).uniform(-3, 3, (4, 8))
    rng = np.random.RandomState(seed)
    X = np.concatenate([centre + rng.randn(n_per_class, 8) for centre in centres])
    y = np.repeat(np.arange(4), n_per_class)
    order = rng.permutation(len(y))
    return X[order].astype("float32"), y[order].astype("float32")


X_train, y_train = make_blobs(100, seed=1)
X_val, y_val = make_blobs(50, seed=2)
print(X_train.shape, X_val.shape, y_train[:8])
"""),
md("""
Now fit the same network twice, once with each head, from the same seed (so from the
same initial weights) and with the batches in the same order:
"""),
code("""
def fit(head, num_epoch=5):
    mx.random.seed(7)
    train_iter = mx.io.NDArrayIter(X_train, y_train, batch_size=40)
    mod = mx.mod.Module(classifier(head))
    mod.fit(train_iter, num_epoch=num_epoch, initializer=mx.init.Xavier(),
            optimizer="sgd", optimizer_params={"learning_rate": 0.3})
    return mod


modules = {head: fit(head) for head in ["custom", "builtin"]}
"""),
md("""
`fit` logs each epoch's training accuracy and time. Score both on the validation
set, and compare the weights:
"""),
check("""
val_iter = mx.io.NDArrayIter(X_val, y_val, batch_size=50)
for head, mod in modules.items():
    print(f"{head:>8}: {mod.score(val_iter, 'acc')}")
"""),
check("""
custom_params, builtin_params = (mod.get_params()[0] for mod in modules.values())
same = all(np.allclose(custom_params[name].asnumpy(), builtin_params[name].asnumpy(),
                       atol=1e-6) for name in custom_params)
print("same weights after fit:", same)
accuracies = [mod.score(val_iter, "acc")[0][1] for mod in modules.values()]
assert same and accuracies[0] == accuracies[1] > 0.9, accuracies
"""),
md("""
Same accuracy, same weights (to float32 rounding): `SoftmaxOutput`'s backward is
`softmax - one_hot` too (with its defaults `grad_scale=1`, `normalization='null'`),
and `Module` divides by the batch size through the optimizer's `rescale_grad`. A loss
head with `need_top_grad=False` is what lets `Module` run `backward()` with no head
gradient.

## Inside a Gluon block: `F.Custom`

In a `HybridBlock`, `F` is `mx.nd` when the block runs imperatively and `mx.sym` once
it is hybridized, and both have `Custom`. The head is a choice here, so that the
profiler can compare the two later.
"""),
check("""
class Classifier(gluon.HybridBlock):
    def __init__(self, head="custom", **kwargs):
        super().__init__(**kwargs)
        self.head = head
        with self.name_scope():
            self.hidden = nn.Dense(16, activation="relu")
            self.scores = nn.Dense(4)

    def hybrid_forward(self, F, x, label):
        scores = self.scores(self.hidden(x))
        if self.head == "custom":
            return F.Custom(scores, label, op_type="my_softmax")
        return F.SoftmaxOutput(scores, label)


mx.random.seed(7)
block = Classifier()
block.initialize(mx.init.Xavier())
block.hybridize()
print(block(mx.sym.var("data"), mx.sym.var("label")).list_arguments())
"""),
md("""
Train it as in lesson 13. The block returns the probabilities; `p.backward()` runs
the operator's backward, which ignores the head gradient and gives the cross-entropy
gradient. The label is an input of the op, so it is passed at prediction time too
(the forward does not read it).
"""),
check("""
def train(block, X, y, epochs, batch_size=40):
    trainer = gluon.Trainer(block.collect_params(), "sgd", {"learning_rate": 0.3})
    for _ in range(epochs):
        for start in range(0, len(X), batch_size):
            with autograd.record():
                p = block(X[start:start + batch_size], y[start:start + batch_size])
            p.backward()
            trainer.step(batch_size)


X, y = nd.array(X_train), nd.array(y_train)
train(block, X, y, epochs=5)
p_val = block(nd.array(X_val), nd.array(y_val))
correct = p_val.argmax(axis=1) == nd.array(y_val)
print("validation accuracy:", correct.mean().asscalar())
assert correct.mean().asscalar() > 0.9
"""),
md("""
With MXNet 1.9.1 the hybridized backward prints "Storage type fallback detected"
warnings; they do not change the numbers.

## How `Custom` plugs in

*This section opens dlkit's internals; the cells do not run with MXNet.*

dlkit defines every operator once, in its operator registry (`dlkit/ops/`), and
everything that runs ops (`mx.nd`, autograd, Symbols, the Executor, `Module`,
hybridized Gluon) looks them up there. A custom operator is not a new entry:
`register` only files your prop class in a dictionary, `PROPS`. The registry holds
one op, `Custom`, for all of them, and its methods pass each question to the prop
that `op_type` names.
"""),
check("""
# dlkit's internals: Custom is one entry of the operator registry
from dlkit.ops.custom import PROPS

custom_op = mx.ops.get_op("Custom")
print(custom_op, "is in the registry:", custom_op in mx.ops.list_ops())
print("filed props:", sorted(PROPS))

attrs = custom_op.parse_attrs({"op_type": "my_softmax"})   # makes SoftmaxProp()
print(type(attrs["prop"]).__name__)
print("inputs", custom_op.list_inputs(attrs), "outputs", custom_op.list_outputs(attrs),
      "loss head", custom_op.loss_head(attrs))
print(custom_op.infer_shape([(40, 4), None], **attrs))     # None: not known yet
"""),
md("""
(`_example_square` is dlkit's worked example in `dlkit/operator.py`.) Inside the
registry shapes are tuples and an unknown shape is `None`; `Custom` translates to and
from the lists MXNet shows a prop. Its `forward` makes a fresh `CustomOp` with
`create_operator`, allocates `out_data`, wraps the arrays as NDArrays, pauses autograd
and calls your `forward`.

A built-in op such as `SoftmaxOutput` is one class with everything in it: its inputs
(the `forward` signature names them), typed attributes with MXNet's defaults,
`infer_shape`, `forward` and `backward` on raw NumPy (or CuPy) arrays, and `examples`
that `tests/test_registry.py` sweeps for every op (numeric gradient check, shapes
against forward, Executor against imperative):
"""),
check("""
# dlkit's internals: a built-in op's entry
builtin_op = mx.ops.get_op("SoftmaxOutput")
print(builtin_op.input_names)
print({name: default for name, (kind, default) in builtin_op.attrs.items()})
print(builtin_op.examples[0].shapes, builtin_op.examples[0].values)
"""),
md("""
| | built-in op (`dlkit/ops/`) | `CustomOp` + `CustomOpProp` | `autograd.Function` |
| --- | --- | --- | --- |
| written as | one class | two classes, filed by `register` | one class |
| computes on | NumPy/CuPy arrays | NDArrays, stored with `assign` | NDArrays |
| attributes | typed, with defaults | strings, to the prop | the object's own |
| shapes | `infer_shape` | the prop's `infer_shape` | none |
| Symbol, `Module`, `hybridize` | yes | yes, through `Custom` | no: imperative only |
| tested by | the registry sweep, golden cases from MXNet | you | you |

## `mx.autograd.Function`

For a quick gradient rule in imperative code there is a lighter way:
`mx.autograd.Function`, one class whose `forward` and `backward` take and return
NDArrays. `save_for_backward` keeps what backward needs.
"""),
check("""
class Sigmoid(mx.autograd.Function):
    def forward(self, x):
        y = 1 / (1 + nd.exp(-x))
        self.save_for_backward(y)
        return y

    def backward(self, dy):
        y, = self.saved_tensors
        return dy * y * (1 - y)


z = nd.array([-1, 0, 2])
z.attach_grad()
with autograd.record():
    s = Sigmoid()(z)        # a new Function object for every call
s.backward()
print(s.asnumpy().round(5), z.grad.asnumpy().round(5))
"""),
md("""
A `Function` has no name in any registry, no `infer_shape` and no Symbol form, so a
Symbol graph cannot hold it: no `Module`, no `hybridize`, no export to JSON. It is
recorded on the tape when it is called, and that is all. A custom operator can go
wherever a built-in op goes.

## Where the time goes: `mx.profiler`

Lesson 16 timed whole steps with a stopwatch. The profiler times every operator.
`set_config` says what to record and where `dump` will write the trace;
`set_state('run')` starts recording and `set_state('stop')` stops it. With
`aggregate_stats=True` it also keeps per-operator statistics, which `dumps()` returns
as a table (`reset=True` clears them for the next measurement).

`profile_all=True` records everything, including every call into MXNet's C library
(`profile_api`). Here we name the parts we want instead, the operators run in graphs
(`profile_symbolic`) and imperatively (`profile_imperative`): in our runs MXNet 1.9.1,
timing its C API while a Python operator runs on its worker threads, sometimes stopped
with `Check failed: !thread_profiling_data.calls_.empty()`. MXNet's profiler is also
configured once per process: a second `set_config` after `dump()` fails.

Profile five training steps of the Gluon classifier with the built-in head, each on
the whole training set. The block is not hybridized, so every operator, forward and
backward, is called and timed on its own.
"""),
code("""
trace_file = os.path.join(tempfile.mkdtemp(), "profile.json")
mx.profiler.set_config(profile_symbolic=True, profile_imperative=True,
                       profile_api=False, aggregate_stats=True, filename=trace_file)


def profile_steps(head, steps=5):
    \"\"\"The profiler's table for `steps` training steps of a new Classifier.\"\"\"
    mx.random.seed(7)
    profiled = Classifier(head)
    profiled.initialize(mx.init.Xavier())
    train(profiled, X, y, epochs=1, batch_size=400)   # warm up: shapes, parameters
    mx.profiler.set_state("run")
    train(profiled, X, y, epochs=steps, batch_size=400)   # one step per epoch
    mx.nd.waitall()
    mx.profiler.set_state("stop")
    return mx.profiler.dumps(reset=True)


print(profile_steps("builtin"))
"""),
md("""
Your numbers will differ from the stored ones, and from run to run; look at the
ranking. The table's layout is MXNet's: one row per operator, `_backward_X` for the
backward of `X`, times in milliseconds, sorted by total time. On a network this small
no operator is much bigger than another: the two `FullyConnected` layers, their
backward and the loss head each take some ten to fifty microseconds a call, a good
part of it the fixed cost per call of lesson 16.

MXNet's table has more: a *Device Storage* section (memory), and under *operator* a
`multi_sgd_update` row (MXNet's optimizer is an operator too) and engine work such as
`DeleteVariable`. dlkit has no memory pool to watch, and its `Trainer` updates the
weights in place without an operator call, so those rows are missing.

Now the same five steps with our Python softmax:
"""),
code("""
print(profile_steps("custom"))
"""),
md("""
`Custom` and `_backward_Custom` should now be at the top, above the matrix products,
each a few times the cost of `SoftmaxOutput`'s row for the same arithmetic.
Every call of our operator converts to NumPy and back (`asnumpy`, `mx.nd.array`, then
`assign` copies into `out_data`), and `Custom` itself makes a new `CustomOp` and asks
the prop for shapes and types: Python work on every call. `SoftmaxOutput` is one
registered op working on the raw arrays. MXNet files a custom operator's time in a
section of its own, *Custom Operator*, as `my_softmax::pure_python` (the Python code)
and `_backward_my_softmax::pure_python`.

`dump()` writes every recorded event to `trace_file` in Chrome's trace format: open it
in `chrome://tracing` or at https://ui.perfetto.dev to see each operator as a bar on a
timeline. It is JSON: here are the fields of an operator's event, and the operators
the two measurements ran, without the timings:
"""),
check("""
mx.profiler.dump()
with open(trace_file) as f:
    trace = json.load(f)
print(sorted(trace))
events = [event for event in trace["traceEvents"] if "operator" in event.get("cat", "")]
print(sorted(events[0]))
print(sorted({event["name"] for event in events}))
"""),
md("""
`ph` is the kind of event and `ts` its start in microseconds. dlkit writes each
operator as one complete event (`ph: 'X'`) with its duration in `dur`; MXNet writes
a begin event (`'B'`) and an end event (`'E'`) instead, and its list also holds the
engine's own work (such as `DeleteVariable`), the optimizer's
`multi_sgd_update` and, in a category of their own, the custom operator's events.

## Summary

* A custom operator is a `CustomOp` (forward and backward on NDArrays, storing with
  `self.assign(dst, req, src)`) and a `CustomOpProp` (names, shapes, types,
  `need_top_grad`), filed under an `op_type` by `@mx.operator.register`.
* `mx.nd.Custom`, `mx.sym.Custom` and `F.Custom` run it with autograd, in Symbols and
  `Module`, and in hybridized Gluon blocks. With `need_top_grad=False` it is a loss
  head; the softmax here trains like `SoftmaxOutput`, to float rounding.
* In dlkit, `Custom` is one entry of the operator registry that passes every question
  to your prop. A built-in op is one class whose examples the tests sweep.
* `mx.autograd.Function` is lighter, and imperative only.
* `mx.profiler` times every operator: `set_config` (`profile_all=True` or the parts
  you name), `set_state('run')`/`('stop')`, `dumps()` for the table, `dump()` for a
  Chrome trace. A Python operator pays for its conversions and bookkeeping on every
  call.

## Exercises

1. Write PReLU, a leaky ReLU that learns its slopes, as a custom operator filed as
   `"my_prelu"`: `out = data` where `data > 0` and `gamma[c] * data` elsewhere, with
   `c` the index on axis 1 (the channel), for data of 2 or more dimensions. Its
   inputs are `['data', 'gamma']`, `infer_shape` completes `gamma`'s shape
   `(channels,)` from `data`'s, `infer_type` gives `gamma` the data's type (the
   default leaves an unknown input type unknown, and MXNet's `Module` then cannot
   bind), and backward returns both gradients: for `gamma`, `out_grad * data` where
   `data <= 0`, summed over every axis but 1. `check_prelu_op` tests the names, the
   shapes (also inside a Symbol), the types, the values, both gradients against
   finite differences, and `req='add'`.
"""),
solution("""
def channel_shape(x):
    \"\"\"Shape that lines gamma up with axis 1 of x: (1, C), (1, C, 1), ...\"\"\"
    return (1, -1) + (1,) * (x.ndim - 2)


class PReLU(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        ### BEGIN SOLUTION
        x, gamma = in_data
        slope = gamma.reshape(channel_shape(x))
        self.assign(out_data[0], req[0], nd.where(x > 0, x, nd.broadcast_mul(x, slope)))
        ### END SOLUTION

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        ### BEGIN SOLUTION
        x, gamma = in_data
        dy = out_grad[0]
        slope = gamma.reshape(channel_shape(x))
        d_data = nd.where(x > 0, dy, nd.broadcast_mul(dy, slope))
        self.assign(in_grad[0], req[0], d_data)
        every_axis_but_1 = (0,) + tuple(range(2, x.ndim))
        self.assign(in_grad[1], req[1], (dy * x * (x <= 0)).sum(axis=every_axis_but_1))
        ### END SOLUTION


@mx.operator.register("my_prelu")
class PReLUProp(mx.operator.CustomOpProp):
    def __init__(self):
        super().__init__(need_top_grad=True)

    def list_arguments(self):
        ### BEGIN SOLUTION
        return ["data", "gamma"]
        ### END SOLUTION

    def infer_shape(self, in_shape):
        ### BEGIN SOLUTION
        data_shape = in_shape[0]
        return [data_shape, [data_shape[1]]], [data_shape], []
        ### END SOLUTION

    def infer_type(self, in_type):
        ### BEGIN SOLUTION
        return [in_type[0], in_type[0]], [in_type[0]], []
        ### END SOLUTION

    def create_operator(self, ctx, in_shapes, in_dtypes):
        return PReLU()
""", "prelu_op"),
check("""
from dlkit.exercises_operators import check_prelu_op

check_prelu_op("my_prelu")
"""),
md("""
MXNet has PReLU built in, as `LeakyReLU(act_type='prelu')`; yours should agree:
"""),
check("""
images = nd.array(np.random.RandomState(3).randn(2, 3, 4, 4))
slopes = nd.array([0.1, 0.2, 0.3])
print(np.allclose(nd.Custom(images, slopes, op_type="my_prelu").asnumpy(),
                  nd.LeakyReLU(images, slopes, act_type="prelu").asnumpy()))
"""),
md("""
2. Put your PReLU into `classifier` between `fc1` and `fc2` instead of the ReLU
   (`mx.sym.Custom(..., op_type="my_prelu", name="prelu1")`). Which new argument does
   `list_arguments` show, what shape does `infer_shape` give it, and what values
   does `Module.init_params(mx.init.Xavier())` give it? (Hint: an initializer looks
   at the end of each parameter's name.) Train it: does it beat the ReLU?
3. Rewrite the softmax operator's `forward` and `backward` with NDArray operators
   (`nd.softmax`, `nd.one_hot`) instead of NumPy, and profile it again. Which rows
   appear now, and does `Custom`'s own time include theirs?
4. Give the softmax operator a keyword `grad_scale`, as `SoftmaxOutput` has:
   `mx.sym.Custom(scores, op_type="my_softmax", grad_scale=0.5)` hands the prop's
   `__init__` the *string* `'0.5'`. Check your weights after `fit` against
   `SoftmaxOutput(..., grad_scale=0.5)`.
5. Profile the classifier hybridized and not, at batch sizes 40 and 400. Which rows
   change, and what share of the step does `Custom` take at each size?
6. Open the trace file in https://ui.perfetto.dev. Find one training step: how long
   are the gaps between the operators' bars, and what runs in them?

## Read the source

* `dlkit/operator.py`: `CustomOp`, `CustomOpProp`, `register`, and the worked example
  `_example_square`.
* `dlkit/ops/custom.py`: `Custom`, the registry op that asks the prop
  (`parse_attrs`, `infer_shape`, `forward`, `backward`).
* `dlkit/ops/registry.py`: `Op`, `Example`, `register_op`; `tests/test_registry.py`:
  the sweep over every op's examples.
* `dlkit/ops/loss.py`: `SoftmaxOutput`, the built-in loss head.
* `dlkit/autograd.py`: `Function`.
* `dlkit/profiler/recorder.py`: `set_config`, `set_state`, `dumps`, `dump`; the hooks
  it sets in `dlkit/ndarray/dispatch.py`, `dlkit/executor.py` and `dlkit/tape.py`.
* `dlkit/exercises_operators.py`: `check_prelu_op`.
"""),
]
