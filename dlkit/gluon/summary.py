"""``Block.summary``: MXNet's layer table, built with forward hooks.

Every block except the Sequential containers gets a forward hook that records its output
shape and parameter count; one forward pass fills the table::

    --------------------------------------------------------------------------------
            Layer (type)                                Output Shape         Param #
    ================================================================================
                   Input                                (2, 1, 8, 8)               0
                Conv2D-1                                (2, 6, 6, 6)              60
"""
from ..ndarray import NDArray

__all__ = ["print_summary"]

LINE = "{:>20}  {:>42} {:>15}"


def _shape_text(values):
    """``(2, 3)`` for one array, ``(2, 3), (2, 4)`` for several (as MXNet prints)."""
    if isinstance(values, NDArray):
        return str(values.shape)
    if isinstance(values, (list, tuple)):
        if len(values) == 1:
            return _shape_text(values[0])
        return ", ".join(_shape_text(value) for value in values)
    return str(values)


def _count(block, seen, row):
    """Add the block's own parameters to ``row``; shared ones are counted once more."""
    for param in block.params.values():
        size = param.data().size
        row["params"] += size
        row["trainable"] += 0 if param.grad_req == "null" else size
        if id(param) in seen:
            row["shared"] += size
        seen.add(id(param))


def print_summary(block, inputs):
    """Run ``block(*inputs)`` with hooks and print the table."""
    from .nn.basic_layers import HybridSequential, Sequential
    rows = {"Input": {"shape": _shape_text(inputs), "params": 0, "trainable": 0,
                      "shared": 0}}
    seen, handles, hybridized = set(), [], []

    def hook(child, _, outputs):
        row = {"shape": _shape_text(outputs), "params": 0, "trainable": 0, "shared": 0}
        _count(child, seen, row)
        rows[f"{type(child).__name__}-{len(rows)}"] = row

    def prepare(child):
        # the summary pass runs imperatively so that every child's hook fires
        if getattr(child, "_active", False):
            hybridized.append(child)
            child._active = False
        if not isinstance(child, (Sequential, HybridSequential)):
            handles.append(child.register_forward_hook(hook))

    try:
        block.apply(prepare)
        block(*inputs)
    finally:
        for handle in handles:
            handle.detach()
        for child in hybridized:
            child._active = True
    _print_rows(rows)


def _print_rows(rows):
    print("-" * 80)
    print(LINE.format("Layer (type)", "Output Shape", "Param #"))
    print("=" * 80)
    for name, row in rows.items():
        print(LINE.format(name, row["shape"], row["params"]))
    total = sum(row["params"] for row in rows.values())
    trainable = sum(row["trainable"] for row in rows.values())
    shared = sum(row["shared"] for row in rows.values())
    print("=" * 80)
    print("Parameters in forward computation graph, duplicate included")
    print(f"   Total params: {total}")
    print(f"   Trainable params: {trainable}")
    print(f"   Non-trainable params: {total - trainable}")
    print(f"Shared params in forward computation graph: {shared}")
    print(f"Unique parameters in model: {total - shared}")
    print("-" * 80)
