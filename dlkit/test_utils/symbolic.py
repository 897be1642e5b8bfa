"""Checking Symbols: bind a graph, run it, compare with expected numbers.

    check_symbolic_forward(sym, inputs, expected)        outputs of forward
    check_symbolic_backward(sym, inputs, out_grads, ..)  argument gradients
    check_consistency(sym, runs)       one graph on several contexts and dtypes agrees
    simple_forward(sym, **inputs)      forward only, NumPy results
"""
import numpy as np

from ..ndarray.ndarray import NDArray, array
from .compare import _numpy, assert_almost_equal
from .data import default_context


def _as_arrays(symbol, values, names, what, ctx, dtype):
    """``{name: NDArray}`` from a list (in ``names`` order) or dict of arrays."""
    if values is None:
        return None
    if isinstance(values, dict):
        if set(values) != set(names):
            raise ValueError(f"Symbol {what} and keys of the given {what} do not match:"
                             f" symbol has {sorted(names)}, given {sorted(values)}")
    else:
        values = dict(zip(names, values))
    arrays = {}
    for name in names:
        value = values[name]
        if dtype == "asnumpy":
            arrays[name] = array(_numpy(value), ctx, _numpy(value).dtype)
        else:
            arrays[name] = array(_numpy(value), ctx, dtype)
    return arrays


def check_symbolic_forward(sym, location, expected, rtol=None, atol=None,
                           aux_states=None, ctx=None, equal_nan=False,
                           dtype=np.float32):
    """Bind ``sym`` at ``location``, run forward (``is_train=False``) and compare each
    output with ``expected`` (a list in output order or a dict by output name).

    ``location``/``aux_states``: arrays in ``list_arguments()``/
    ``list_auxiliary_states()`` order, or dicts by name. ``dtype`` is the dtype they
    are made in, or ``"asnumpy"`` to keep each array's own. Returns the outputs.

    Example
    -------
    >>> lhs, rhs = mx.sym.Variable("lhs"), mx.sym.Variable("rhs")
    >>> mx.test_utils.check_symbolic_forward(
    ...     mx.sym.dot(lhs, rhs), [np.eye(2), np.ones((2, 2))], [np.ones((2, 2))])
    [...]
    """
    ctx = ctx or default_context()
    args = _as_arrays(sym, location, sym.list_arguments(), "arguments", ctx, dtype)
    aux = _as_arrays(sym, aux_states, sym.list_auxiliary_states(), "aux_states", ctx,
                     dtype)
    if isinstance(expected, dict):
        expected = [expected[name] for name in sym.list_outputs()]
    grads = {name: array(np.zeros(value.shape), ctx, value.dtype)
             for name, value in args.items()}
    executor = sym.bind(ctx, args=args, args_grad=grads, aux_states=aux)
    executor.forward(is_train=False)
    for name, want, output in zip(sym.list_outputs(), expected, executor.outputs):
        assert_almost_equal(want, output, rtol, atol,
                            (f"EXPECTED_{name}", f"FORWARD_{name}"),
                            equal_nan=equal_nan)
    return executor.outputs


def check_symbolic_backward(sym, location, out_grads, expected, rtol=None, atol=None,
                            aux_states=None, grad_req="write", ctx=None,
                            grad_stypes=None, equal_nan=False, dtype=np.float32):
    """Bind ``sym``, run forward and backward with ``out_grads`` and compare the
    argument gradients with ``expected`` (a list in argument order or a dict).

    Gradient arrays start as random numbers, so 'add' is checked as the change and
    'null' as no change. Returns ``{name: gradient NDArray}``.

    Example
    -------
    >>> x = mx.sym.Variable("x")
    >>> grads = mx.test_utils.check_symbolic_backward(
    ...     x * 3, [np.ones(2)], [np.ones(2)], [3 * np.ones(2)])
    """
    ctx = ctx or default_context()
    arg_names = sym.list_arguments()
    args = _as_arrays(sym, location, arg_names, "arguments", ctx, dtype)
    aux = _as_arrays(sym, aux_states, sym.list_auxiliary_states(), "aux_states", ctx,
                     dtype)
    if not isinstance(expected, dict):
        expected = dict(zip(arg_names, expected))
    if isinstance(grad_req, str):
        grad_req = {name: grad_req for name in arg_names}
    elif not isinstance(grad_req, dict):
        grad_req = dict(zip(arg_names, grad_req))
    # gradient buffers start dirty (random, in name order), so a missed write shows
    dirty = {name: np.random.normal(size=args[name].shape) for name in sorted(expected)}
    grads = {name: array(value, ctx, _numpy(expected[name]).dtype if dtype == "asnumpy"
                         else dtype) for name, value in dirty.items()}
    executor = sym.bind(ctx, args=args, args_grad=grads, grad_req=grad_req,
                        aux_states=aux)
    executor.forward(is_train=True)
    if isinstance(out_grads, dict):
        out_grads = [out_grads[name] for name in sym.list_outputs()]
    if out_grads is not None:
        out_grads = [value if isinstance(value, NDArray) else
                     array(value, ctx, _numpy(value).dtype if dtype == "asnumpy"
                           else dtype) for value in out_grads]
    executor.backward(out_grads)
    for name, want in expected.items():
        labels = (f"EXPECTED_{name}", f"BACKWARD_{name}")
        got = grads[name].asnumpy()
        if grad_req[name] == "write":
            assert_almost_equal(want, got, rtol, atol, labels, equal_nan=equal_nan)
        elif grad_req[name] == "add":
            assert_almost_equal(want, got - dirty[name], rtol, atol, labels,
                                equal_nan=equal_nan)
        elif grad_req[name] == "null":
            assert_almost_equal(dirty[name], got, rtol, atol, labels,
                                equal_nan=equal_nan)
        else:
            raise ValueError(f"Invalid grad_req {grad_req[name]} for argument {name}")
    return grads


def check_consistency(sym, ctx_list, scale=1.0, grad_req="write", arg_params=None,
                      aux_params=None, rtol=None, atol=None, raise_on_err=True,
                      ground_truth=None, equal_nan=False, use_uniform=False,
                      rand_type=np.float64):
    """Run one graph (or one per entry) on several contexts and dtypes and check that
    all agree with the most precise run, forward and (unless ``grad_req='null'``)
    backward.

    ``ctx_list`` holds ``simple_bind`` keywords per run: ``{'ctx': mx.cpu(0),
    'fc_data': (2, 4), 'type_dict': {'fc_data': np.float32}}``. Inputs not in
    ``arg_params`` are random (normal with std ``scale``, or uniform). Returns the
    reference values ``{name: NDArray}``: outputs, then argument gradients.

    Example
    -------
    >>> sym = mx.sym.FullyConnected(num_hidden=3, name="fc")
    >>> runs = [{"ctx": mx.cpu(0), "fc_data": (2, 4),
    ...          "type_dict": {"fc_data": dtype}} for dtype in (np.float64, np.float32)]
    >>> reference = mx.test_utils.check_consistency(sym, runs)
    """
    if len(ctx_list) < 2:
        raise ValueError("check_consistency: give at least two runs in ctx_list")
    symbols = list(sym) if isinstance(sym, (list, tuple)) else [sym] * len(ctx_list)
    if len(symbols) != len(ctx_list):
        raise ValueError(f"check_consistency: {len(symbols)} symbols for "
                         f"{len(ctx_list)} runs")
    output_names = symbols[0].list_outputs()
    executors = [s.simple_bind(grad_req=grad_req, **dict(run))
                 for s, run in zip(symbols, ctx_list)]
    _fill_inputs(executors, scale, arg_params, aux_params, use_uniform, rand_type,
                 grad_req)
    for executor in executors:
        executor.forward(is_train=False)
    # the reference: the first run whose first output has the widest dtype
    reference = int(np.argmax([np.dtype(e.outputs[0].dtype).itemsize
                               for e in executors]))

    def compare(stage, names, arrays_of, truth):
        for index, executor in enumerate(executors):
            if index == reference:
                continue
            for name, got in zip(names, arrays_of(executor)):
                if truth.get(name) is None:
                    continue
                try:
                    assert_almost_equal(got, truth[name], rtol=rtol, atol=atol,
                                        names=(f"run {index} {name}",
                                               f"run {reference} {name}"),
                                        equal_nan=equal_nan)
                except AssertionError as error:
                    if raise_on_err:
                        raise
                    print(f"{stage} error: {error}")

    truth = dict(ground_truth) if ground_truth is not None else \
        dict(executors[reference].output_dict)
    compare("Predict", output_names, lambda e: e.outputs, truth)
    if grad_req != "null":
        _forward_backward(executors)
        if ground_truth is None:
            truth = dict(executors[reference].output_dict)
            truth.update(executors[reference].grad_dict)
        names = output_names + symbols[0].list_arguments()
        compare("Train", names, lambda e: e.outputs + e.grad_arrays, truth)
    return truth


def _fill_inputs(executors, scale, arg_params, aux_params, use_uniform, rand_type,
                 grad_req):
    """The same inputs for every run of ``check_consistency``."""
    arg_params = dict(arg_params or {})
    aux_params = dict(aux_params or {})
    for name, value in sorted(executors[0].arg_dict.items()):   # a repeatable order
        if name not in arg_params:
            if use_uniform:
                arg_params[name] = np.random.uniform(-0.92 * scale, 0.92 * scale,
                                                     size=value.shape).astype(rand_type)
            else:
                arg_params[name] = np.random.normal(size=value.shape,
                                                    scale=scale).astype(rand_type)
    for executor in executors:
        for name, target in executor.arg_dict.items():
            target[:] = _numpy(arg_params[name]).astype(target.dtype)
        for name, target in executor.aux_dict.items():
            target[:] = aux_params.get(name, 0)
        if grad_req == "add":
            for target in executor.grad_arrays:
                if target is not None:
                    target[:] = 0


def _forward_backward(executors):
    """Train-mode forward in every run, then backward with the first run's outputs
    (cast to the least precise output dtype) as the head gradients."""
    for executor in executors:
        executor.forward(is_train=True)
    heads = []
    for index, output in enumerate(executors[0].outputs):
        narrowest = min((e.outputs[index].dtype for e in executors),
                        key=lambda dtype: np.dtype(dtype).itemsize)
        heads.append(output.asnumpy().astype(narrowest))
    for executor in executors:
        executor.backward([array(head, output.context, output.dtype)
                           for head, output in zip(heads, executor.outputs)])


def simple_forward(sym, ctx=None, is_train=False, **inputs):
    """Run ``sym`` on NumPy ``inputs`` (by argument name); NumPy results (one array
    for one output)."""
    ctx = ctx or default_context()
    executor = sym.bind(ctx, args={name: array(value, ctx)
                                   for name, value in inputs.items()})
    executor.forward(is_train=is_train)
    outputs = [output.asnumpy() for output in executor.outputs]
    return outputs[0] if len(outputs) == 1 else outputs
