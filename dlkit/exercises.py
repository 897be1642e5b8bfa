"""Checkers for the lessons' exercises: ``check_relu(my_relu)`` and friends.

Each checker calls the learner's function on a few small cases, compares the results
with a NumPy reference and either prints what passed or raises ``AssertionError`` with a
message that says which case failed, what was expected and what came back. Checkers use
NumPy for their references, so they do not depend on the operators being taught.

====================  ============================  =========================
checker               exercise                      lesson
====================  ============================  =========================
``check_try_gpu``     pick gpu(0) or fall back      01-welcome
``check_softmax``     a stable row-wise softmax     02-ndarray
``check_grad_of``     a gradient with autograd      03-autograd
``check_relu``        ReLU by hand                  04-layers-from-scratch
``check_dropout``     inverted dropout by hand      04-layers-from-scratch
====================  ============================  =========================
"""
import numpy as np

from . import autograd
from . import ndarray as nd
from .context import Context, cpu, gpu, num_gpus

__all__ = ["check_try_gpu", "check_softmax", "check_grad_of", "check_relu",
           "check_dropout"]


def _as_numpy(value, checker, case):
    """The learner's result as a NumPy array; it must be an NDArray."""
    if not isinstance(value, nd.NDArray):
        raise AssertionError(f"{checker}: for {case} your function returned "
                             f"{type(value).__name__}, expected an NDArray")
    return value.asnumpy()


def _compare(checker, case, got, expected, rtol=1e-5, atol=1e-6):
    """Raise an AssertionError that shows both values unless ``got`` is close."""
    got = np.asarray(got)
    if got.shape != expected.shape:
        raise AssertionError(f"{checker}: for {case} the result has shape {got.shape}, "
                             f"expected {expected.shape}")
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        raise AssertionError(f"{checker}: for {case}\nexpected\n{expected}\ngot\n{got}")


def _passed(checker, count):
    print(f"{checker}: all {count} cases pass")


def check_try_gpu(try_gpu):
    """``try_gpu()`` must return ``mx.gpu(0)`` if a GPU is usable, else ``mx.cpu()``."""
    ctx = try_gpu()
    if not isinstance(ctx, Context):
        raise AssertionError(f"check_try_gpu: returned {ctx!r}, expected a Context "
                             "such as mx.cpu() or mx.gpu(0)")
    expected = gpu(0) if num_gpus() > 0 else cpu()
    if ctx != expected:
        raise AssertionError(f"check_try_gpu: this machine has {num_gpus()} GPU(s), so "
                             f"expected {expected}, got {ctx}")
    print(f"check_try_gpu: {ctx} is right for a machine with {num_gpus()} GPU(s)")


def _reference_softmax(x):
    shifted = x - x.max(axis=1, keepdims=True)
    exps = np.exp(shifted)
    return exps / exps.sum(axis=1, keepdims=True)


def check_softmax(softmax):
    """``softmax(X)`` of a 2-D NDArray: each row exponentiated and scaled to sum to 1.

    The last case has entries near 1000, where ``exp`` overflows unless the row's
    maximum is subtracted first (which leaves the result unchanged).
    """
    cases = {
        "a 1x3 row [[1, 2, 3]]": np.array([[1.0, 2.0, 3.0]], dtype=np.float32),
        "a 4x5 random matrix": np.random.RandomState(0).randn(4, 5).astype(np.float32),
        "large values [[1000, 1001], [-5, 5]]":
            np.array([[1000.0, 1001.0], [-5.0, 5.0]], dtype=np.float32),
    }
    for case, x in cases.items():
        got = _as_numpy(softmax(nd.array(x)), "check_softmax", case)
        if not np.all(np.isfinite(got)):
            raise AssertionError(f"check_softmax: for {case} the result has inf or "
                                 f"nan:\n{got}\nhint: subtract each row's max first")
        _compare("check_softmax", case, got, _reference_softmax(x.astype(np.float64)))
    _passed("check_softmax", len(cases))


def check_grad_of(grad_of):
    """``grad_of(f, x)`` must return the gradient of ``f`` at the NDArray ``x``.

    ``f`` is element-wise here, so the gradient is ``f'`` applied element by element.
    """
    x_values = np.array([-1.5, 0.0, 0.5, 2.0], dtype=np.float32)
    cases = [
        ("f(x) = x * x * x", lambda x: x * x * x, lambda v: 3 * v ** 2),
        ("f(x) = 2 * x + 1", lambda x: 2 * x + 1, lambda v: 2 + 0 * v),
        ("f(x) = tanh(x)", lambda x: nd.tanh(x), lambda v: 1 - np.tanh(v) ** 2),
    ]
    for case, function, derivative in cases:
        x = nd.array(x_values)
        got = _as_numpy(grad_of(function, x), "check_grad_of", case)
        _compare("check_grad_of", case, got, derivative(x_values.astype(np.float64)),
                 rtol=1e-4, atol=1e-5)
    if autograd.is_recording():
        raise AssertionError("check_grad_of: your grad_of left autograd recording; "
                             "use `with autograd.record():` so it switches off again")
    _passed("check_grad_of", len(cases))


def check_relu(relu):
    """``relu(X)`` = max(X, 0) element-wise, for any shape, and differentiable."""
    rng = np.random.RandomState(1)
    cases = {
        "[-2, -0.5, 0, 0.5, 2]": np.array([-2, -0.5, 0, 0.5, 2], dtype=np.float32),
        "a 3x4 matrix": rng.randn(3, 4).astype(np.float32),
        "a 2x3x4x4 batch of images": rng.randn(2, 3, 4, 4).astype(np.float32),
    }
    for case, x in cases.items():
        got = _as_numpy(relu(nd.array(x)), "check_relu", case)
        _compare("check_relu", case, got, np.maximum(x, 0))
    # The gradient is 0 left of zero and 1 right of it. At zero itself any value in
    # [0, 1] is a valid subgradient (nd.relu says 0, nd.maximum(x, 0) says 1).
    case = "the gradient at [-2, -0.5, 0.5, 2]"
    x = nd.array([-2.0, -0.5, 0.5, 2.0])
    x.attach_grad()
    try:
        with autograd.record():
            y = relu(x)
        y.backward()
    except Exception as exc:
        raise AssertionError(f"check_relu: {case} failed: {exc}") from exc
    _compare("check_relu", case, x.grad.asnumpy(), np.array([0, 0, 1, 1], np.float32))
    _passed("check_relu", len(cases) + 1)


def check_dropout(dropout):
    """``dropout(X, drop_probability)``: zero each entry with that probability and
    scale the survivors by ``1 / (1 - drop_probability)``, keeping expected values."""
    x = np.random.RandomState(2).rand(200, 100).astype(np.float32) + 0.5
    got = _as_numpy(dropout(nd.array(x), 0.0), "check_dropout", "drop_probability=0")
    _compare("check_dropout", "drop_probability=0 (keep everything)", got, x)
    got = _as_numpy(dropout(nd.array(x), 1.0), "check_dropout", "drop_probability=1")
    _compare("check_dropout", "drop_probability=1 (drop everything)", got,
             np.zeros_like(x))
    for p in (0.2, 0.5):
        case = f"drop_probability={p} on 20000 entries"
        got = _as_numpy(dropout(nd.array(x), p), "check_dropout", case)
        kept = got != 0
        dropped_fraction = 1 - kept.mean()
        if abs(dropped_fraction - p) > 0.02:
            raise AssertionError(f"check_dropout: for {case} {dropped_fraction:.3f} of "
                                 f"the entries are zero, expected about {p}")
        _compare("check_dropout", f"{case}, the kept entries",
                 got[kept], x[kept] / (1 - p), rtol=1e-5)
    _passed("check_dropout", 4)
