"""The Gluon lessons' checkers accept right answers and reject wrong ones, saying why."""
import numpy as np
import pytest

from dlkit import exercises_gluon, nd


# ---- check_sgd_wd ----
def _sgd_wd(params, lr, batch_size, wd):
    for param in params:
        param[:] = param - lr * (param.grad / batch_size + wd * param)


def test_check_sgd_wd_accepts_mxnets_update(capsys):
    exercises_gluon.check_sgd_wd(_sgd_wd)
    assert "all 3 cases pass" in capsys.readouterr().out


def test_check_sgd_wd_rejects_decay_without_the_learning_rate():
    def seed_formula(params, lr, batch_size, wd):
        for param in params:
            param[:] = param - lr * param.grad / batch_size - wd * param
    with pytest.raises(AssertionError, match="multiplies the decay by the learning rate"):
        exercises_gluon.check_sgd_wd(seed_formula)


def test_check_sgd_wd_rejects_an_update_that_rebinds_the_name():
    def not_in_place(params, lr, batch_size, wd):
        for param in params:
            param = param - lr * (param.grad / batch_size + wd * param)  # noqa: F841
    with pytest.raises(AssertionError, match="did not change; update it in place"):
        exercises_gluon.check_sgd_wd(not_in_place)


def test_check_sgd_wd_rejects_a_missing_batch_size():
    def no_rescale(params, lr, batch_size, wd):
        for param in params:
            param[:] = param - lr * (param.grad + wd * param)
    with pytest.raises(AssertionError, match="batch_size=4"):
        exercises_gluon.check_sgd_wd(no_rescale)


# ---- check_evaluate_accuracy ----
def _evaluate_accuracy(net, data_iter):
    correct, total = 0.0, 0
    for X, y in data_iter:
        correct += (net(X).argmax(axis=1) == y.astype("float32")).sum().asscalar()
        total += y.shape[0]
    return correct / total


def test_check_evaluate_accuracy_accepts_counting_examples(capsys):
    exercises_gluon.check_evaluate_accuracy(_evaluate_accuracy)
    assert "all 3 cases pass" in capsys.readouterr().out


def test_check_evaluate_accuracy_rejects_the_mean_of_batch_accuracies_with_a_hint():
    def per_batch_mean(net, data_iter):
        accuracies = [(net(X).argmax(axis=1) == y).mean().asscalar()
                      for X, y in data_iter]
        return float(np.mean(accuracies))
    with pytest.raises(AssertionError, match="mean of the per-batch accuracies"):
        exercises_gluon.check_evaluate_accuracy(per_batch_mean)


def test_check_evaluate_accuracy_rejects_a_non_number():
    with pytest.raises(AssertionError, match="expected a number"):
        exercises_gluon.check_evaluate_accuracy(lambda net, data_iter: "high")


# ---- check_pad_batchify ----
def _pad_batchify(samples):
    longest = max(sequence.shape[0] for sequence, _ in samples)
    data = nd.zeros((len(samples), longest))
    for row, (sequence, _) in enumerate(samples):
        data[row, :sequence.shape[0]] = sequence
    return data, nd.array([label for _, label in samples])


def test_check_pad_batchify_accepts_zero_padding(capsys):
    exercises_gluon.check_pad_batchify(_pad_batchify)
    assert "all 4 cases pass" in capsys.readouterr().out


def test_check_pad_batchify_rejects_padding_at_the_front():
    def pad_front(samples):
        longest = max(sequence.shape[0] for sequence, _ in samples)
        data = nd.zeros((len(samples), longest))
        for row, (sequence, _) in enumerate(samples):
            data[row, longest - sequence.shape[0]:] = sequence
        return data, nd.array([label for _, label in samples])
    with pytest.raises(AssertionError, match="lengths 3, 1, 2 \\(data\\)"):
        exercises_gluon.check_pad_batchify(pad_front)


def test_check_pad_batchify_rejects_numpy_results():
    def numpy_batch(samples):
        data, label = _pad_batchify(samples)
        return data.asnumpy(), label
    with pytest.raises(AssertionError, match="data is ndarray, expected an NDArray"):
        exercises_gluon.check_pad_batchify(numpy_batch)
