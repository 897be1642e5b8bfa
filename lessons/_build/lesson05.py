"""Lesson 05 · Symbols."""
from notebook import check, code, md, solution

NAME = "05-symbols"
CELLS = [
md("""
# 05 · Symbols: describing a computation before running it

**What you will build:** a multilayer perceptron written as a *symbolic graph*: a
description of the computation with no numbers in it yet. You will create variables,
combine them with operators, read the names MXNet gives to every node and parameter,
pull intermediate outputs out of the graph, group several outputs, save the graph as
JSON and load it back, and draw it.

Time: about 25 minutes. You need lessons 02 (NDArray) and 04 (layers).
"""),
check("""
import dlkit as mx

mx.__version__
"""),
md("""
## Variables and operators

`mx.sym.Variable` creates a named placeholder: an *argument* of the graph, to be given
a value later. Arithmetic on symbols does not compute anything; it adds nodes to a
graph. Here `A` and `B` are argument nodes and `C` is an internal node:
"""),
check("""
A = mx.sym.Variable("A")
B = mx.sym.Variable("B")
C = A + B
print(type(C))
print(C.list_arguments(), C.list_outputs())
"""),
md("""
`C` knows its inputs (`list_arguments`) and the name of its result (`list_outputs`),
but holds no values. Every `mx.nd` operator has a symbolic twin in `mx.sym` with the
same name and parameters. The seed post's example: a fully connected layer followed by
a ReLU:
"""),
check("""
input = mx.sym.Variable("data")  # a symbol variable; the name is up to you
fc1 = mx.sym.FullyConnected(data=input, num_hidden=128, name="fc1")  # fully connected
act1 = mx.sym.Activation(fc1, act_type="relu")  # activation

print(type(fc1))             # act1 is a Symbol too
print(fc1.list_outputs())    # the node's name with "_output" appended
print(fc1.list_arguments())  # fc1_weight and fc1_bias were created for us
"""),
md("""
`FullyConnected` needs a weight and a bias. We passed only `data`, so the operator
created the two missing inputs as new variables named `<layer name>_weight` and
`<layer name>_bias`. The activation got no `name=`, so MXNet made one up:
"""),
check("""
print(act1.list_outputs())     # not a name we chose
print(act1.list_arguments())   # all the arguments of the whole graph below act1
"""),
md("""
## Naming

An automatic name is the operator's name in lower case plus a counter per operator
type: `activation0`, `activation1`, `fullyconnected0` ... The counters run for the whole
Python session, so the same code run twice gives different names. Give every layer
that has parameters a `name=`, or its parameters will not match a saved model:
"""),
check("""
act2 = mx.sym.Activation(act1, act_type="relu")
fc_anon = mx.sym.FullyConnected(act2, num_hidden=10)
print(act2.name, fc_anon.name)
print(fc_anon.list_arguments()[-2:])
"""),
md("""
`mx.name.Prefix` adds a prefix to every automatic name created inside a `with` block.
It is the simple way to build two copies of the same block without clashes. Each
`Prefix` block counts from 0 again:
"""),
check("""
with mx.name.Prefix("tower1_"):
    t1 = mx.sym.FullyConnected(input, num_hidden=4)
with mx.name.Prefix("tower2_"):
    t2 = mx.sym.FullyConnected(input, num_hidden=4)
print(t1.list_arguments())
print(t2.list_arguments())
"""),
md("""
## A whole network

Here is a complete classifier: two fully connected layers with a ReLU between them, a
batch normalization, and a softmax loss. Every layer is named.
"""),
check("""
data = mx.sym.Variable("data")
net = mx.sym.FullyConnected(data, name="fc1", num_hidden=64)
net = mx.sym.Activation(net, name="relu1", act_type="relu")
net = mx.sym.BatchNorm(net, name="bn1")
net = mx.sym.FullyConnected(net, name="fc2", num_hidden=10)
net = mx.sym.SoftmaxOutput(net, name="softmax")
print(net.list_arguments())
print(net.list_outputs())
print(net.list_auxiliary_states())
"""),
md("""
Three kinds of inputs appear:

* **arguments**: the data, the label `softmax_label` (created by `SoftmaxOutput`, which
  is a loss) and the learnable parameters;
* **outputs**: what the graph computes;
* **auxiliary states**: arrays the graph updates itself, not by gradient. BatchNorm's
  moving mean and variance are the only common ones (lesson 07 watches them change).

`mx.viz.print_summary` lists the layers, and with a data shape, the output shapes and
parameter counts:
"""),
check("""
mx.viz.print_summary(net, shape={"data": (32, 100)})
"""),
md("""
`mx.viz.plot_network` draws the graph (with Graphviz when it is installed, otherwise
with dlkit's own simpler layout). Parameters are hidden by default:
"""),
code("""
mx.viz.plot_network(net, shape={"data": (32, 100)})
"""),
md("""
The `GraphExplorer` widget lets you pick a node (in its dropdown, or by clicking the
node's button in the map under the picture) and see its operator, attributes,
inputs, shapes and parameter count. Display `explorer` in a cell to use it; without a
browser, ask it directly:
"""),
check("""
from dlkit.widgets import GraphExplorer

explorer = GraphExplorer(net, shape={"data": (32, 100)})
explorer.node_info("fc1")
"""),
md("""
## Internal outputs

`get_internals()` returns a group of *every* node's output, arguments included. Index
it by output name to get a symbol that stops at that node, for example to read
features from the middle of a network:
"""),
check("""
internals = net.get_internals()
print(internals.list_outputs())
features = internals["fc1_output"]
print(features.list_arguments(), features.list_outputs())
"""),
md("""
`features` shares its nodes with `net`: it is the same graph, cut off after `fc1`. Its
arguments no longer include the label or the later layers' parameters.

## Grouping outputs

`mx.sym.Group` bundles several symbols into one with several outputs. Binding a group
(lesson 07) computes all of them in one pass. The seed's example groups `E = A*B + D`
with its internal node `C`:
"""),
check("""
A = mx.sym.Variable("A")
B = mx.sym.Variable("B")
C = A * B
D = mx.sym.Variable("D")
E = C + D
G = mx.sym.Group([E, C])
print(G.list_outputs(), G.list_arguments())
print(G[1].list_outputs())
"""),
md("""
Indexing a group by position (or by output name) gives back one output. Keep groups
small: each extra output must be kept in memory instead of being freed early.

## Saving and loading

A symbol is only a graph, so it serializes to JSON: one entry per node with its
operator, name, attributes and inputs. This is the `-symbol.json` file of an MXNet
checkpoint.
"""),
check("""
js = net.tojson()
print(js[:300])
"""),
check("""
net2 = mx.sym.load_json(js)
print(net2.list_arguments() == net.list_arguments())
print(net2.tojson() == js)
"""),
md("""
`mx.sym.save(fname)` and `mx.sym.load(fname)` do the same with a file.

## Summary

* `mx.sym.Variable(name)` is an argument node; operators in `mx.sym` build a graph
  without computing anything.
* Layers create their missing parameters as `<name>_weight`, `<name>_bias`; unnamed
  nodes get automatic names such as `activation0`, which depend on the session. Name
  every layer; `mx.name.Prefix` prefixes automatic names.
* `list_arguments()`, `list_outputs()`, `list_auxiliary_states()` list the graph's
  inputs, results and self-updated states.
* `get_internals()["fc1_output"]` cuts a graph at any node; `mx.sym.Group` combines
  outputs.
* `tojson()` / `mx.sym.load_json()` save and restore the graph.

## Exercises

1. Write `mlp(hidden_units, num_classes)` that returns a symbol: for each entry of
   `hidden_units` a `FullyConnected` layer named `fc1`, `fc2` ... followed by a ReLU
   named `relu1`, `relu2` ...; then a last `FullyConnected` with `num_classes` units and
   a `SoftmaxOutput` named `softmax`. `check_mlp_symbol` checks the names and shapes.
"""),
solution("""
def mlp(hidden_units, num_classes):
    ### BEGIN SOLUTION
    net = mx.sym.Variable("data")
    for i, units in enumerate(hidden_units, start=1):
        net = mx.sym.FullyConnected(net, name=f"fc{i}", num_hidden=units)
        net = mx.sym.Activation(net, name=f"relu{i}", act_type="relu")
    net = mx.sym.FullyConnected(net, name=f"fc{len(hidden_units) + 1}",
                                num_hidden=num_classes)
    return mx.sym.SoftmaxOutput(net, name="softmax")
    ### END SOLUTION
""", "mlp"),
check("""
from dlkit.exercises_graphs import check_mlp_symbol

check_mlp_symbol(mlp)
"""),
md("""
2. Build `mlp((16,), 3)` inside `with mx.name.Prefix("a_"):` Which names change, and
   why do the ones you set with `name=` not?
3. Take `mlp((32, 16), 10).get_internals()["relu2_output"]` and check with
   `list_arguments()` which parameters a feature extractor needs.
4. Open the JSON of `mx.sym.Group([E, C])`. How does it record which nodes are the
   outputs (the `heads` entry)?

## Read the source

* `dlkit/symbol/symbol.py`: `Symbol` (`list_arguments`, `list_outputs`,
  `list_auxiliary_states`, `get_internals`, `__getitem__`, `tojson`), `Variable`,
  `Group`.
* `dlkit/symbol/register.py`: how every registered operator becomes an `mx.sym`
  function that creates missing parameter variables.
* `dlkit/symbol/graph.py`: the node list behind a symbol; `dlkit/symbol/json.py`:
  `tojson` / `load_json`.
* `dlkit/name.py`: `NameManager` (the `activation0` counters) and `Prefix`.
* `dlkit/visualization/network.py`: `plot_network`; `dlkit/visualization/summary.py`:
  `print_summary`.
"""),
]
