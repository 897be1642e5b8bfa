"""``mx.contrib.autograd``: MXNet's first, experimental autograd API.

It came before ``mx.autograd`` and is kept for old code. Each function here is a thin
layer over ``dlkit.autograd``; the one difference in spirit is that the old API ties
recording and training together (``train_section`` records *and* switches training
mode, ``test_section`` turns both off)::

    old (contrib)                      current (mx.autograd)
    set_is_training(True)              set_recording(True); set_training(True)
    with train_section():              with record():
    with test_section():               with pause():
    mark_variables(xs, grads)          mark_variables(xs, grads)
    backward(heads) / compute_gradient backward(heads)
    grad_and_loss(f)(x)                x.attach_grad(); with record(): y = f(x) ...
"""
import functools

from .. import autograd as _autograd
from ..ndarray import NDArray, zeros_like

__all__ = ["set_is_training", "TrainingStateScope", "train_section", "test_section",
           "mark_variables", "backward", "compute_gradient", "grad_and_loss", "grad"]


def set_is_training(is_train):
    """Turn recording and training mode on or off together.

    Returns
    -------
    bool
        The previous recording state.
    """
    _autograd.set_training(is_train)
    return _autograd.set_recording(is_train)


class TrainingStateScope:
    """A ``with`` scope that sets recording and training to ``enter_state`` and
    restores the previous state on exit."""

    def __init__(self, enter_state):
        self._enter_state = enter_state
        self._prev = None

    def __enter__(self):
        self._prev = set_is_training(self._enter_state)

    def __exit__(self, ptype, value, trace):
        if self._prev != self._enter_state:
            set_is_training(self._prev)


def train_section():
    """Record and train inside the ``with`` block (``mx.autograd.record()`` today).

    Example
    -------
    >>> x = mx.nd.ones((2,)); g = mx.nd.zeros((2,))
    >>> mx.contrib.autograd.mark_variables([x], [g])
    >>> with mx.contrib.autograd.train_section():
    ...     y = x * 3
    >>> mx.contrib.autograd.backward([y]); g.asnumpy()
    array([3., 3.], dtype=float32)
    """
    return TrainingStateScope(True)


def test_section():
    """Neither record nor train inside the ``with`` block (for evaluation inside a
    ``train_section``)."""
    return TrainingStateScope(False)


def mark_variables(variables, gradients, grad_reqs="write"):
    """Make ``variables`` leaves whose gradients go into ``gradients``.

    ``grad_reqs`` is one of ``'write'``, ``'add'``, ``'null'``, or one per variable.
    """
    _autograd.mark_variables(variables, gradients, grad_reqs)


def backward(outputs, out_grads=None, retain_graph=False):
    """Compute the gradients of ``outputs`` (a list or tuple) into the marked
    variables' gradient arrays; ``out_grads`` gives one head gradient (or None for
    ones) per output."""
    if not isinstance(outputs, (list, tuple)):
        raise TypeError("outputs must be a list or tuple of NDArrays")
    if out_grads is not None:
        if len(out_grads) != len(outputs):
            raise ValueError("outputs and out_grads must have the same length")
        out_grads = [grad if grad is not None else output.ones_like()
                     for output, grad in zip(outputs, out_grads)]
    _autograd.backward(list(outputs), out_grads, retain_graph=retain_graph)


def compute_gradient(outputs):
    """Deprecated: ``backward(outputs)``."""
    backward(outputs)


def grad_and_loss(func, argnum=None):
    """Wrap ``func`` so that a call returns ``(gradients, outputs)``.

    Parameters
    ----------
    func : callable
        Computes the loss from NDArrays.
    argnum : int or list of int, optional
        Which positional arguments to differentiate (default: all).

    Example
    -------
    >>> grads, loss = mx.contrib.autograd.grad_and_loss(lambda x: (x * x).sum())(
    ...     mx.nd.array([1, 2]))
    >>> grads[0].asnumpy()
    array([2., 4.], dtype=float32)
    """
    @functools.wraps(func)
    def wrapped(*args):
        variables = args
        if argnum is not None:
            positions = argnum if isinstance(argnum, list) else [argnum]
            variables = [args[index] for index in positions]
        for variable in variables:
            if not isinstance(variable, NDArray):
                raise TypeError("type of autograd input should NDArray, got "
                                f"{type(variable).__name__}")
        grads = [zeros_like(variable) for variable in variables]
        mark_variables(variables, grads)
        with train_section():
            outputs = func(*args)
        compute_gradient([outputs] if isinstance(outputs, NDArray) else outputs)
        return grads, outputs

    return wrapped


def grad(func, argnum=None):
    """Wrap ``func`` so that a call returns only the gradients (see
    ``grad_and_loss``)."""
    grad_with_loss = grad_and_loss(func, argnum)

    @functools.wraps(grad_with_loss)
    def wrapped(*args):
        return grad_with_loss(*args)[0]

    return wrapped
