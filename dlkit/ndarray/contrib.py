"""``mx.nd.contrib``: the operators MXNet files as ``_contrib_*`` (``mx.nd.contrib.X``
runs the registered op ``_contrib_X``), built from the registry like the rest of
``mx.nd``.

Below them, MXNet's Python-level helpers of this namespace, written with ``nd``
operators (so autograd records them like any other code):

* ``isfinite``, ``isinf``, ``isnan``: element-wise tests giving 1 or 0;
* ``foreach``, ``while_loop``, ``cond``: control flow that simply runs a Python loop or
  branch over NDArrays. Each step's ops join the tape while recording, so gradients
  flow through every iteration::

      foreach(body, data, states):   for each slice data[i]:
                                         out_i, states = body(data[i], states)
                                     return stack(out_0, out_1, ...), states
"""
from .. import ops as _ops  # noqa: F401  (registers every operator)
from .ndarray import NDArray, zeros
from .register import namespace_functions as _namespace_functions

globals().update(_namespace_functions("_contrib_"))


# --------------------------------------------------------------------------------------
# Element-wise tests.
# --------------------------------------------------------------------------------------
def isinf(data):
    """1 where ``data`` is +inf or -inf, else 0 (same dtype as ``data``).

    Example
    -------
    >>> mx.nd.contrib.isinf(mx.nd.array([float("inf"), -1]))  # [1. 0.]
    """
    return data.abs() == float("inf")


def isnan(data):
    """1 where ``data`` is NaN, else 0: NaN is the one value not equal to itself.

    Example
    -------
    >>> mx.nd.contrib.isnan(mx.nd.array([float("nan"), -1]))  # [1. 0.]
    """
    return data != data


def isfinite(data):
    """1 where ``data`` is neither infinite nor NaN, else 0.

    Example
    -------
    >>> mx.nd.contrib.isfinite(mx.nd.array([float("inf"), -1]))  # [0. 1.]
    """
    from . import logical_and
    return logical_and(data.abs() != float("inf"), data == data)


# --------------------------------------------------------------------------------------
# Control flow: nested lists of NDArrays are flattened for stacking, then regrouped.
# --------------------------------------------------------------------------------------
def _flatten(value, what):
    """``(flat list of NDArrays, structure)``: the structure is 0 for a lone NDArray,
    else a list of the items' structures (so ``_regroup`` can rebuild the nesting)."""
    if isinstance(value, NDArray):
        return [value], 0
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{what} must be an NDArray or a (nested) list of NDArrays, "
                        f"got {type(value).__name__}")
    flat, structure = [], []
    for item in value:
        item_flat, item_structure = _flatten(item, what)
        flat.extend(item_flat)
        structure.append(item_structure)
    return flat, structure


def _regroup(flat, structure):
    """Rebuild the nesting ``structure`` from ``flat``; returns ``(value, rest)``."""
    if structure == 0:
        return flat[0], flat[1:]
    result = []
    for item_structure in structure:
        item, flat = _regroup(flat, item_structure)
        result.append(item)
    return result, flat


def _truth(value, what):
    """A Python bool from a one-element NDArray (or a plain value)."""
    if isinstance(value, NDArray):
        if value.size != 1:
            raise ValueError(f"{what} must hold a single value, got shape "
                             f"{value.shape}")
        value = value.asscalar()
    return bool(value)


def foreach(body, data, init_states):
    """Run ``body`` on each slice of ``data`` along axis 0, carrying states.

    ``out, states = body(data[i], states)`` for ``i = 0, 1, ...``; ``data`` may be a
    list of NDArrays (then ``body`` gets the list of their slices).

    Parameters
    ----------
    body : callable ``(slice, states) -> (outputs, new_states)``
    data : NDArray or list of NDArrays
    init_states : NDArray or (nested) list of NDArrays

    Returns
    -------
    (outputs, states): every step's outputs stacked on a new axis 0 (same nesting as
    one step's outputs), and the states after the last step.

    Example
    -------
    >>> step = lambda x, states: (x + states[0], [states[0] * 2])
    >>> outs, states = mx.nd.contrib.foreach(step, mx.nd.ones((3, 2)), [mx.nd.ones(2)])
    """
    from . import stack
    _flatten(data, "foreach data")
    _flatten(init_states, "foreach init_states")
    one_array = isinstance(data, NDArray)
    steps = data.shape[0] if one_array else data[0].shape[0]
    states = init_states
    per_step, structure = [], 0
    for index in range(steps):
        slices = data[index] if one_array else [array[index] for array in data]
        outputs, states = body(slices, states)
        flat, structure = _flatten(outputs, "foreach output")
        per_step.append(flat)
    stacked = [stack(*arrays, num_args=len(arrays)) for arrays in zip(*per_step)]
    outputs, _ = _regroup(stacked, structure) if stacked else ([], [])
    return outputs, states


def while_loop(cond, func, loop_vars, max_iterations=None):
    """Run ``func`` while ``cond`` holds, at most ``max_iterations`` times.

    ``cond(*loop_vars)`` returns a one-element NDArray; ``func(*loop_vars)`` returns
    ``(step_output, new_loop_vars)``.

    Parameters
    ----------
    cond : callable ``(*loop_vars) -> NDArray``
    func : callable ``(*loop_vars) -> (step_output, new_loop_vars)``
    loop_vars : NDArray or list of NDArrays
    max_iterations : int, required

    Returns
    -------
    (outputs, loop_vars): each step output stacked along a new axis 0 and padded to
    ``max_iterations`` rows (an empty list if ``cond`` never held), and the final
    loop variables.

    Differs from MXNet: the padding rows are zeros (MXNet leaves them uninitialized).

    Example
    -------
    >>> cond = lambda i, s: i <= 5
    >>> func = lambda i, s: ([i + s], [i + 1, s + i])
    >>> outputs, states = mx.nd.contrib.while_loop(
    ...     cond, func, [mx.nd.array([0]), mx.nd.array([1])], max_iterations=10)
    """
    from . import concat
    if max_iterations is None:
        raise ValueError("while_loop: max_iterations must be given (the outputs are "
                         "padded to that many steps)")
    if isinstance(max_iterations, NDArray):
        max_iterations = max_iterations.asscalar()
    max_iterations = int(max_iterations)
    one_array = isinstance(loop_vars, NDArray)
    loop_vars = [loop_vars] if one_array else list(loop_vars)
    if not loop_vars:
        raise ValueError("while_loop: loop_vars must hold at least one NDArray")
    per_step, structure = [], None
    while len(per_step) < max_iterations and _truth(cond(*loop_vars), "cond's result"):
        step_output, new_vars = func(*loop_vars)
        step_output = [] if step_output is None else step_output
        new_vars = [new_vars] if isinstance(new_vars, NDArray) else list(new_vars or [])
        if len(new_vars) != len(loop_vars):
            raise ValueError(f"while_loop: func returned {len(new_vars)} loop "
                             f"variables, expected {len(loop_vars)}")
        flat, structure = _flatten(step_output, "while_loop step output")
        if per_step and len(flat) != len(per_step[0]):
            raise ValueError("while_loop: every step must return the same number of "
                             "outputs")
        per_step.append(flat)
        loop_vars = new_vars
    stacked = []
    for arrays in zip(*per_step):
        rows = [array.expand_dims(0) for array in arrays]
        missing = max_iterations - len(rows)
        if missing:
            rows.append(zeros((missing,) + arrays[0].shape, ctx=arrays[0].context,
                              dtype=arrays[0].dtype))
        stacked.append(concat(*rows, dim=0, num_args=len(rows)))
    outputs = _regroup(stacked, structure)[0] if structure is not None else stacked
    return outputs, (loop_vars[0] if one_array else loop_vars)


def cond(pred, then_func, else_func):
    """``then_func()`` if the one-element NDArray ``pred`` is non-zero, else
    ``else_func()``: a plain Python ``if`` (only the branch taken runs and records).

    Example
    -------
    >>> a, b = mx.nd.array([1]), mx.nd.array([2])
    >>> mx.nd.contrib.cond(a * b < 5, lambda: (a + 5) * (b + 5),
    ...                    lambda: (a - 5) * (b - 5))   # [42.]
    """
    if _truth(pred, "cond's pred"):
        return then_func()
    return else_func()
