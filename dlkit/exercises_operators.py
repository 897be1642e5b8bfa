"""Checkers for the exercises of the operator lessons (17): an operator written in
Python with ``mx.operator``.

Same pattern as ``dlkit.exercises``: each checker runs the learner's operator on a few
small cases, compares with a reference computed here with NumPy (the gradients with
finite differences), prints what passed or raises ``AssertionError`` saying which case
failed, what was expected and what came back.

====================  =======================================  =====================
checker               exercise                                 lesson
====================  =======================================  =====================
``check_prelu_op``    PReLU as a CustomOp/CustomOpProp pair    17-custom-operators
====================  =======================================  =====================
"""
import numpy as np

from . import autograd
from . import ndarray as nd
from . import symbol
from .context import cpu
from .exercises import _compare, _passed
from .ops.custom import PROPS

__all__ = ["check_prelu_op"]

# (data shape, seed): 2-D rows of features, 3-D sequences, 4-D images; the channel
# axis, which gamma runs along, is axis 1 in each
_PRELU_CASES = [((4, 3), 0), ((2, 3, 5), 1), ((2, 4, 3, 3), 2)]


def _reference_prelu(x, gamma):
    """``x`` where positive, ``gamma[c] * x`` elsewhere, ``c`` the index on axis 1."""
    slope = gamma.reshape((1, -1) + (1,) * (x.ndim - 2))
    return np.where(x > 0, x, slope * x)


def _run(checker, what, case, function, *args, **kwargs):
    """``function(*args, **kwargs)``; an error in the learner's code becomes an
    AssertionError that says which step of which case raised it."""
    try:
        return function(*args, **kwargs)
    except Exception as error:   # the learner's code may raise anything
        raise AssertionError(f"{checker}: for {case} {what} raised "
                             f"{type(error).__name__}: {error}") from error


def _as_shapes(shapes):
    """A list of shapes as tuples of ints, whatever sequences the prop returned (a
    shape that is no sequence, such as a bare ``3`` for ``[3]``, is kept as it is, so
    the comparison fails and the message shows it)."""
    return [tuple(int(dim) for dim in shape) if isinstance(shape, (list, tuple))
            else shape for shape in shapes]


def _check_names(checker, op_type, prop):
    for method, expected in [("list_arguments", ["data", "gamma"]),
                             ("list_outputs", ["output"]),
                             ("list_auxiliary_states", [])]:
        got = _run(checker, method, f"op_type {op_type!r}", getattr(prop, method))
        if list(got) != expected:
            raise AssertionError(f"{checker}: {type(prop).__name__}.{method}() "
                                 f"returned {list(got)}, expected {expected}")


def _check_infer_shape(checker, prop, data_shape):
    """The prop's own answer for a data shape and an unknown gamma shape (``[]``)."""
    case = f"infer_shape([{list(data_shape)}, []])"
    result = _run(checker, "infer_shape", case, prop.infer_shape,
                  [list(data_shape), []])
    if not isinstance(result, (list, tuple)) or len(result) not in (2, 3):
        raise AssertionError(f"{checker}: {case} returned {result!r}, expected "
                             "(in_shapes, out_shapes, aux_shapes)")
    got = [_as_shapes(shapes) for shapes in list(result) + [[]] * (3 - len(result))]
    expected = [[data_shape, (data_shape[1],)], [data_shape], []]
    for part, got_shapes, expected_shapes in zip(["in_shapes", "out_shapes",
                                                  "aux_shapes"], got, expected):
        if got_shapes != expected_shapes:
            raise AssertionError(f"{checker}: {case} gave {part} {got_shapes}, "
                                 f"expected {expected_shapes} (gamma has one slope "
                                 "per channel, the data's axis 1)")


def _check_infer_type(checker, prop, dtype):
    """The prop's answer for a data type and an unknown gamma type (``None``): gamma
    takes the data's type. (MXNet's default ``infer_type`` leaves it unknown, and
    ``Module`` then cannot bind a graph with the op.)"""
    name = np.dtype(dtype).name
    case = f"infer_type([{name}, None])"
    result = _run(checker, "infer_type", case, prop.infer_type, [dtype, None])
    if not isinstance(result, (list, tuple)) or len(result) not in (2, 3):
        raise AssertionError(f"{checker}: {case} returned {result!r}, expected "
                             "(in_types, out_types, aux_types)")
    got = [[None if t is None else np.dtype(t).name for t in types]
           for types in list(result) + [[]] * (3 - len(result))]
    expected = [[name, name], [name], []]
    for part, got_types, expected_types in zip(["in_types", "out_types", "aux_types"],
                                               got, expected):
        if got_types != expected_types:
            raise AssertionError(f"{checker}: {case} gave {part} {got_types}, expected "
                                 f"{expected_types} (gamma takes the data's type)")


def _check_symbol(checker, op_type, data_shape):
    """In a graph: the argument names and the shapes ``Symbol.infer_shape`` derives."""
    case = f"mx.sym.Custom(data, op_type={op_type!r}, name='prelu')"
    net = _run(checker, "building the Symbol", case, symbol.Custom,
               symbol.var("data"), op_type=op_type, name="prelu")
    if net.list_arguments() != ["data", "prelu_gamma"]:
        raise AssertionError(f"{checker}: {case}.list_arguments() is "
                             f"{net.list_arguments()}, expected "
                             "['data', 'prelu_gamma']")
    arg_shapes, out_shapes, _ = _run(checker, "infer_shape", case, net.infer_shape,
                                     data=data_shape)
    expected = [[data_shape, (data_shape[1],)], [data_shape]]
    if [_as_shapes(arg_shapes), _as_shapes(out_shapes)] != expected:
        raise AssertionError(f"{checker}: {case}.infer_shape(data={data_shape}) gave "
                             f"arguments {arg_shapes} and outputs {out_shapes}, "
                             f"expected {expected[0]} and {expected[1]}")


def _forward(op_type, x, gamma):
    return nd.Custom(nd.array(x, dtype=x.dtype), nd.array(gamma, dtype=gamma.dtype),
                     op_type=op_type).asnumpy()


def _numeric_gradients(checker, case, op_type, x, gamma, head, eps=1e-3):
    """Central differences of ``sum(head * forward(x, gamma))``. The op is
    element-wise in ``x``, so one pair of forward calls shifts every entry at once;
    each slope in ``gamma`` is shifted on its own."""
    def forward(data, slopes):
        return _run(checker, "forward", case, _forward, op_type, data, slopes)
    d_x = head * (forward(x + eps, gamma) - forward(x - eps, gamma)) / (2 * eps)
    d_gamma = np.zeros_like(gamma)
    for c in range(gamma.size):
        step = np.zeros_like(gamma)
        step[c] = eps
        d_gamma[c] = (head * (forward(x, gamma + step)
                              - forward(x, gamma - step))).sum() / (2 * eps)
    return d_x, d_gamma


def _check_values(checker, op_type, data_shape, seed):
    """Forward against NumPy; backward (through autograd, with a random head
    gradient) against finite differences of the learner's own forward."""
    rng = np.random.RandomState(seed)
    channels = data_shape[1]
    # |x| >= 0.1, away from the kink at 0 where the derivative jumps
    x = rng.uniform(0.1, 1.0, data_shape) * rng.choice([-1.0, 1.0], data_shape)
    gamma = rng.uniform(0.05, 0.5, channels)
    head = rng.uniform(-1.0, 1.0, data_shape)
    case = f"data of shape {data_shape} and gamma of shape ({channels},)"

    data, slopes = nd.array(x, dtype="float64"), nd.array(gamma, dtype="float64")
    data.attach_grad()
    slopes.attach_grad()

    def forward_and_backward():
        with autograd.record():
            out = nd.Custom(data, slopes, op_type=op_type)
        out.backward(nd.array(head, dtype="float64"))
        return out
    out = _run(checker, "forward or backward", case, forward_and_backward)
    _compare(checker, f"{case}, forward (x where x > 0, gamma[c] * x elsewhere)",
             out.asnumpy(), _reference_prelu(x, gamma), rtol=1e-5, atol=1e-6)

    d_x, d_gamma = _numeric_gradients(checker, case, op_type, x, gamma, head)
    _compare(checker, f"{case}, the gradient w.r.t. data (out_grad where x > 0, "
             "gamma[c] * out_grad elsewhere)", data.grad.asnumpy(), d_x,
             rtol=1e-3, atol=1e-4)
    _compare(checker, f"{case}, the gradient w.r.t. gamma (out_grad * x where x <= 0, "
             "summed over every axis but 1)", slopes.grad.asnumpy(), d_gamma,
             rtol=1e-3, atol=1e-4)
    return x, gamma, head, out, data.grad.asnumpy(), slopes.grad.asnumpy()


def _check_req_add(checker, prop, x, gamma, head, out, d_x, d_gamma):
    """Call backward as an Executor with ``grad_req='add'`` does: the gradients must
    be added to what ``in_grad`` holds."""
    case = (f"backward(req=['add', 'add'], ...) on data of shape {x.shape} with "
            "in_grad holding ones (as with grad_req='add')")
    shapes = [list(x.shape), [gamma.size]]
    operator = _run(checker, "create_operator", case, prop.create_operator, cpu(),
                    shapes, [1, 1])   # 1 is MXNet's type number of float64
    in_grad = [nd.ones(x.shape, dtype="float64"), nd.ones(gamma.shape, dtype="float64")]
    _run(checker, "backward", case, operator.backward, req=["add", "add"],
         out_grad=[nd.array(head, dtype="float64")],
         in_data=[nd.array(x, dtype="float64"), nd.array(gamma, dtype="float64")],
         out_data=[out], in_grad=in_grad, aux=[])
    hint = "(store with self.assign(in_grad[i], req[i], value), which adds for 'add')"
    _compare(checker, f"{case}, in_grad[0] {hint}", in_grad[0].asnumpy(), 1 + d_x,
             rtol=1e-5, atol=1e-6)
    _compare(checker, f"{case}, in_grad[1] {hint}", in_grad[1].asnumpy(), 1 + d_gamma,
             rtol=1e-5, atol=1e-6)


def check_prelu_op(op_type):
    """The custom operator registered as ``op_type`` must be PReLU, a leaky ReLU that
    learns its slopes: ``out = data`` where ``data > 0`` and ``gamma[c] * data``
    elsewhere, ``c`` being the index on axis 1 (the channel).

    Checked: ``list_arguments() == ['data', 'gamma']`` (one output, no aux states);
    ``infer_shape`` completes ``gamma``'s shape ``(channels,)`` from ``data``'s, called
    directly and inside a Symbol; ``infer_type`` gives ``gamma`` the data's type;
    forward values against NumPy; both gradients against
    finite differences, for 2-D, 3-D and 4-D data; and ``backward`` with
    ``req='add'`` adding to ``in_grad`` instead of overwriting it.
    """
    checker = "check_prelu_op"
    if op_type not in PROPS:
        raise AssertionError(f"{checker}: no custom operator is registered as "
                             f"{op_type!r}; decorate your CustomOpProp subclass with "
                             f"@mx.operator.register({op_type!r})")
    prop = _run(checker, "creating the prop", f"{PROPS[op_type].__name__}()",
                PROPS[op_type])
    _check_names(checker, op_type, prop)
    for data_shape, _ in _PRELU_CASES:
        _check_infer_shape(checker, prop, data_shape)
    for dtype in (np.float32, np.float64):
        _check_infer_type(checker, prop, dtype)
    _check_symbol(checker, op_type, (2, 3, 5))
    for data_shape, seed in _PRELU_CASES:
        x, gamma, head, out, d_x, d_gamma = _check_values(checker, op_type, data_shape,
                                                          seed)
    _check_req_add(checker, prop, x, gamma, head, out, d_x, d_gamma)
    _passed(checker, 2 * len(_PRELU_CASES) + 5)
