"""Checkers for the exercises of the Gluon lessons (10 to 12).

Same pattern as ``dlkit.exercises``: each checker calls the learner's function on a few
small cases, compares with a reference computed here with NumPy or plain arithmetic
(never with the dlkit feature being taught), prints what passed or raises
``AssertionError`` saying which case failed, what was expected and what came back.

===========================  ===================================  ======================
checker                      exercise                             lesson
===========================  ===================================  ======================
``check_sgd_wd``             SGD with weight decay, as Trainer    10-gluon-basics
``check_evaluate_accuracy``  accuracy over a whole DataLoader      11-gluon-networks
``check_pad_batchify``       a batchify_fn that pads sequences    12-data-pipelines
===========================  ===================================  ======================
"""
import numpy as np

from . import ndarray as nd
from .gluon.data import ArrayDataset, DataLoader, SimpleDataset
from .exercises import _compare, _passed

__all__ = ["check_sgd_wd", "check_evaluate_accuracy", "check_pad_batchify"]


# ---- 10 ----------------------------------------------------------------------------
def check_sgd_wd(sgd_wd):
    """``sgd_wd(params, lr, batch_size, wd)``: update every NDArray in ``params`` in
    place, from its ``.grad``, exactly as ``gluon.Trainer(..., 'sgd', {'learning_rate':
    lr, 'wd': wd}).step(batch_size)`` does: ``w -= lr * (grad / batch_size + wd * w)``.
    """
    random = np.random.RandomState(0)
    cases = [("one (2, 1) weight, lr=0.1, batch_size=1, wd=0", [(2, 1)], 0.1, 1, 0.0),
             ("a (3, 2) weight and a (3,) bias, lr=0.5, batch_size=4, wd=0.1",
              [(3, 2), (3,)], 0.5, 4, 0.1),
             ("one (4,) weight, lr=0.1, batch_size=10, wd=0.5", [(4,)], 0.1, 10, 0.5)]
    for case, shapes, lr, batch_size, wd in cases:
        values = [random.randn(*shape).astype(np.float32) for shape in shapes]
        grads = [random.randn(*shape).astype(np.float32) for shape in shapes]
        params = []
        for value, grad in zip(values, grads):
            param = nd.array(value)
            param.attach_grad()
            param.grad[:] = nd.array(grad)
            params.append(param)
        sgd_wd(params, lr, batch_size, wd)
        for index, (param, value, grad) in enumerate(zip(params, values, grads)):
            expected = value - lr * (grad / batch_size + wd * value)
            got = param.asnumpy()
            if np.allclose(got, value) and not np.allclose(expected, value):
                raise AssertionError(
                    f"check_sgd_wd: for {case} params[{index}] did not change; update "
                    "it in place with param[:] = ... (param = ... only rebinds a name)")
            seed_formula = value - lr * grad / batch_size - wd * value
            if (wd and np.allclose(got, seed_formula, rtol=1e-5, atol=1e-6)
                    and not np.allclose(got, expected, rtol=1e-5, atol=1e-6)):
                raise AssertionError(
                    f"check_sgd_wd: for {case} you subtracted wd * w; MXNet's SGD "
                    "multiplies the decay by the learning rate too: "
                    "w -= lr * (grad / batch_size + wd * w)")
            _compare("check_sgd_wd", f"{case}, params[{index}]", got, expected)
    _passed("check_sgd_wd", len(cases))


# ---- 11 ----------------------------------------------------------------------------
def _scores(labels, right):
    """One-hot scores (N, 3): ``labels`` where ``right`` is 1, else a wrong class."""
    predicted = np.where(np.asarray(right) == 1, labels, (np.asarray(labels) + 1) % 3)
    return np.eye(3, dtype=np.float32)[predicted]


def check_evaluate_accuracy(evaluate_accuracy):
    """``evaluate_accuracy(net, data_iter)``: the fraction of all examples in
    ``data_iter`` (a DataLoader of ``(X, y)`` batches) whose ``net(X).argmax(axis=1)``
    equals ``y``, as a Python float. Batches may differ in size: count examples, do not
    average the per-batch accuracies."""
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], dtype=np.float32)
    cases = [
        # batches of 4, 4, 2: accuracies 1, 0.5, 0; over all 10 examples 0.6
        ("10 examples in batches of 4, 4 and 2", labels,
         [1, 1, 1, 1, 1, 0, 1, 0, 0, 0], 4),
        ("10 examples in one batch", labels, [1, 0, 1, 0, 1, 0, 1, 1, 1, 1], 10),
        ("7 examples in batches of 3, 3 and 1", labels[:7], [0, 0, 0, 1, 1, 1, 1], 3),
    ]
    for case, y, right, batch_size in cases:
        loader = DataLoader(ArrayDataset(nd.array(_scores(y.astype(int), right)),
                                         nd.array(y)), batch_size)
        got = evaluate_accuracy(lambda X: X, loader)
        expected = float(np.mean(right))
        try:
            got = float(got.asscalar() if isinstance(got, nd.NDArray) else got)
        except (TypeError, ValueError):
            raise AssertionError(f"check_evaluate_accuracy: for {case} your function "
                                 f"returned {got!r}, expected a number") from None
        if abs(got - expected) > 1e-6:
            hint = ""
            sizes = [
                len(right[i : i + batch_size]) for i in range(0, len(right), batch_size)
            ]
            per_batch = np.mean([np.mean(right[i:i + batch_size])
                                 for i in range(0, len(right), batch_size)])
            if len(set(sizes)) > 1 and abs(got - per_batch) < 1e-6:
                hint = ("\nhint: that is the mean of the per-batch accuracies; the "
                        "last batch is smaller, so count correct examples instead")
            raise AssertionError(f"check_evaluate_accuracy: for {case} expected "
                                 f"{expected}, got {got}{hint}")
    _passed("check_evaluate_accuracy", len(cases))


# ---- 12 ----------------------------------------------------------------------------
def check_pad_batchify(pad_batchify):
    """``pad_batchify(samples)``: ``samples`` is a list of ``(sequence, label)`` with
    each sequence a 1-D float32 NDArray of its own length. Return ``(data, label)``:
    ``data`` a float32 NDArray (batch, longest length) with each sequence at the start
    of its row and zeros after it, ``label`` an NDArray (batch,) of the labels.
    Also used as ``DataLoader(..., batchify_fn=pad_batchify)``."""
    random = np.random.RandomState(0)
    cases = {"lengths 3, 1, 2": [3, 1, 2], "equal lengths 2, 2": [2, 2],
             "one sequence of length 4": [4]}
    for case, lengths in cases.items():
        sequences = [random.randn(n).astype(np.float32) + 1 for n in lengths]
        labels = list(range(len(lengths)))
        samples = [(nd.array(s), label) for s, label in zip(sequences, labels)]
        result = pad_batchify(samples)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise AssertionError(
                f"check_pad_batchify: for {case} return (data, label), "
                f"got {type(result).__name__}"
            )
        data, label = result
        for name, value in (("data", data), ("label", label)):
            if not isinstance(value, nd.NDArray):
                raise AssertionError(f"check_pad_batchify: for {case} {name} is "
                                     f"{type(value).__name__}, expected an NDArray")
        expected = np.zeros((len(lengths), max(lengths)), dtype=np.float32)
        for row, sequence in enumerate(sequences):
            expected[row, :len(sequence)] = sequence
        _compare("check_pad_batchify", f"{case} (data)", data.asnumpy(), expected)
        _compare("check_pad_batchify", f"{case} (label)", label.asnumpy(),
                 np.array(labels, dtype=np.float32))
    dataset = SimpleDataset([(nd.array(np.ones(n, dtype=np.float32)), n)
                             for n in (1, 3, 2, 2, 5)])
    shapes = [batch[0].shape for batch in DataLoader(dataset, 2,
                                                     batchify_fn=pad_batchify)]
    if shapes != [(2, 3), (2, 2), (1, 5)]:
        raise AssertionError(
            "check_pad_batchify: in a DataLoader with batch_size 2 over "
            f"lengths 1, 3, 2, 2, 5 the data shapes are {shapes}, "
            "expected [(2, 3), (2, 2), (1, 5)]"
        )
    _passed("check_pad_batchify", len(cases) + 1)
