"""Samplers: which indices a DataLoader reads, in which order, grouped how.

    SequentialSampler(5)            0 1 2 3 4
    RandomSampler(5)                3 0 4 1 2      (np.random: reseed for repeatability)
    BatchSampler(sampler, 2, ...)   [3 0] [4 1] [2]   'keep' | [3 0] [4 1] 'discard'
                                    'rollover': the short batch starts the next epoch
"""
import numpy as np

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "BatchSampler",
           "FilterSampler"]


class Sampler:
    """Base class: iterating yields indices (or batches of indices)."""

    def __iter__(self):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    """``start, start + 1, ..., start + length - 1``."""

    def __init__(self, length, start=0):
        self._length = length
        self._start = start

    def __iter__(self):
        return iter(range(self._start, self._start + self._length))

    def __len__(self):
        return self._length


class RandomSampler(Sampler):
    """A random permutation of ``0 .. length - 1`` each epoch (NumPy's global RNG)."""

    def __init__(self, length):
        self._length = length

    def __iter__(self):
        indices = np.arange(self._length)
        np.random.shuffle(indices)
        return iter(indices)

    def __len__(self):
        return self._length


class FilterSampler(Sampler):
    """The indices of the samples for which ``fn(sample)`` is true, in order.

    ``fn`` sees every sample once, when the sampler is made.

    Example
    -------
    >>> list(mx.gluon.data.FilterSampler(lambda x: x % 3 == 0, list(range(10))))
    [0, 3, 6, 9]
    """

    def __init__(self, fn, dataset):
        self._fn = fn
        self._dataset = dataset
        self._indices = [index for index in range(len(dataset)) if fn(dataset[index])]

    def __iter__(self):
        return iter(self._indices)

    def __len__(self):
        return len(self._indices)


class BatchSampler(Sampler):
    """Group a sampler's indices into lists of ``batch_size``.

    ``last_batch`` says what happens to a final short batch: 'keep' it, 'discard' it,
    or 'rollover' (prepend it to the next epoch).
    """

    def __init__(self, sampler, batch_size, last_batch="keep"):
        if last_batch not in ("keep", "discard", "rollover"):
            raise ValueError("last_batch must be one of 'keep', 'discard', or "
                             f"'rollover', but got {last_batch}")
        self._sampler = sampler
        self._batch_size = batch_size
        self._last_batch = last_batch
        self._prev = []

    def __iter__(self):
        batch, self._prev = self._prev, []
        for index in self._sampler:
            batch.append(index)
            if len(batch) == self._batch_size:
                yield batch
                batch = []
        if batch:
            if self._last_batch == "keep":
                yield batch
            elif self._last_batch == "rollover":
                self._prev = batch

    def __len__(self):
        if self._last_batch == "keep":
            return (len(self._sampler) + self._batch_size - 1) // self._batch_size
        if self._last_batch == "discard":
            return len(self._sampler) // self._batch_size
        return (len(self._prev) + len(self._sampler)) // self._batch_size
