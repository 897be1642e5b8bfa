"""Test scaffolding: the GPUs there are, retrying a random test, temporary environment
variables, silencing standard error, a data iterator that never ends, and MNIST
iterators over local files.
"""
import contextlib
import os
import sys

from ..base import MXNetError
from ..context import num_gpus
from ..io.base import DataIter
from ..util import getenv, setenv


def list_gpus():
    """``range(number of GPUs)``: the ids of the GPUs dlkit can use."""
    return range(num_gpus())


def retry(n):
    """Decorator: run a random test up to ``n`` times, failing only if every run
    raises ``AssertionError``."""
    if n <= 0:
        raise ValueError(f"retry: n must be positive, got {n}")

    def decorate(test):
        def wrapper(*args, **kwargs):
            for attempt in range(n):
                try:
                    test(*args, **kwargs)
                    return
                except AssertionError:
                    if attempt == n - 1:
                        raise
        wrapper.__name__ = test.__name__
        wrapper.__doc__ = test.__doc__
        return wrapper
    return decorate


@contextlib.contextmanager
def environment(*args):
    """``with environment(name, value):`` or ``with environment({name: value}):``
    sets environment variables (None unsets) and restores them afterwards.

    Example
    -------
    >>> with mx.test_utils.environment("MXNET_ENGINE_TYPE", "NaiveEngine"):
    ...     pass
    """
    if len(args) == 1 and isinstance(args[0], dict):
        wanted = dict(args[0])
    elif len(args) == 2:
        wanted = {args[0]: args[1]}
    else:
        raise ValueError("environment: expecting one dict arg or two args: env var "
                         "name and value")
    saved = {name: getenv(name) for name in wanted}
    _set_environment(wanted)
    try:
        yield
    finally:
        _set_environment(saved)


def _set_environment(values):
    for name, value in values.items():
        setenv(name, value)


@contextlib.contextmanager
def discard_stderr():
    """``with discard_stderr():`` sends everything written to standard error, by
    Python or by C code (file descriptor 2), to the null device."""
    sys.stderr.flush()
    with open(os.devnull, "w") as null, contextlib.redirect_stderr(null):
        try:
            saved = os.dup(2)
        except OSError:    # no descriptor 2 (some embedded interpreters): Python only
            yield
            return
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class DummyIter(DataIter):
    """Gives the first batch of ``real_iter`` forever (for timing a model without the
    cost of reading data)."""

    def __init__(self, real_iter):
        super().__init__(real_iter.batch_size)
        self.real_iter = real_iter
        self.provide_data = real_iter.provide_data
        self.provide_label = real_iter.provide_label
        self.the_batch = next(real_iter)

    def __iter__(self):
        return self

    def next(self):
        """The same first batch, every time; never raises ``StopIteration``."""
        return self.the_batch


_MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def get_mnist_iterator(batch_size, input_shape, num_parts=1, part_index=0):
    """``(train_iter, val_iter)``: ``MNISTIter``s over the MNIST files in ``data/``.

    ``input_shape`` of 3 numbers gives images ``(1, 28, 28)``, else flat vectors.

    Differs from MXNet: dlkit downloads nothing; put the four unzipped idx files
    (``train-images-idx3-ubyte``...) in ``./data`` first, or it raises.
    """
    from ..io import MNISTIter
    missing = [name for name in _MNIST_FILES
               if not os.path.exists(os.path.join("data", name))]
    if missing:
        raise MXNetError(f"get_mnist_iterator: {missing} not found in "
                         f"{os.path.abspath('data')}; dlkit does not download data. "
                         "Put MNIST's four unzipped idx files there")
    flat = len(input_shape) != 3
    train_iter = MNISTIter(image="data/train-images-idx3-ubyte",
                           label="data/train-labels-idx1-ubyte", batch_size=batch_size,
                           shuffle=True, flat=flat, num_parts=num_parts,
                           part_index=part_index)
    val_iter = MNISTIter(image="data/t10k-images-idx3-ubyte",
                         label="data/t10k-labels-idx1-ubyte", batch_size=batch_size,
                         shuffle=False, flat=flat, num_parts=num_parts,
                         part_index=part_index)
    return train_iter, val_iter
