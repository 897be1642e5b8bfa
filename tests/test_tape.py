"""dlkit/tape.py: the recorded nodes and the backward pass over them."""
import numpy as np
import pytest

import dlkit as mx
from dlkit import tape
from dlkit.base import MXNetError


def _recorded():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        y = x * 2
        z = y + x
    return x, y, z


def test_nodes_come_in_creation_order_and_know_their_parents():
    x, y, z = _recorded()
    order = tape._topological_order([tape.parent_of(z)])
    assert [node.op.name for node in order] == ["_mul_scalar", "broadcast_add"]
    assert order[1].parents == [y._entry, (None, x)]


def test_propagate_returns_leaf_gradients_without_touching_grad():
    x, _, z = _recorded()
    results = tape.propagate([z], [None], retain_graph=False)
    leaf, gradient = results[id(x)]
    assert leaf is x
    np.testing.assert_array_equal(gradient, [3.0, 3.0])
    assert x.grad.asnumpy().tolist() == [0.0, 0.0]


def test_a_freed_tape_explains_retain_graph():
    _, _, z = _recorded()
    tape.propagate([z], [None], retain_graph=False)
    with pytest.raises(MXNetError, match="retain_graph=True"):
        tape.propagate([z], [None], retain_graph=False)
