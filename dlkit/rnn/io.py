"""Text data for the legacy RNN examples: ``encode_sentences`` turns words into
integer ids, ``BucketSentenceIter`` batches sentences of similar length.

Bucketing keeps padding small: each sentence goes to the shortest bucket that fits
it and is padded with ``invalid_label`` to that bucket's length; a batch holds
sentences of one bucket only and carries ``bucket_key`` (its length), which
``mx.mod.BucketingModule`` uses to pick the graph unrolled to that length::

    buckets [5, 10]:  "a b c"      -> bucket 5:  [a b c -1 -1]
                      "a b c d e f" -> bucket 10: [a b c d e f -1 -1 -1 -1]
    label = data shifted left by one (next-word prediction), ending in -1
"""
import bisect
import random

import numpy as np

from ..io import DataBatch, DataDesc, DataIter
from ..ndarray.ndarray import array

__all__ = ["encode_sentences", "BucketSentenceIter"]


def encode_sentences(sentences, vocab=None, invalid_label=-1, invalid_key="\n",
                     start_label=0, unknown_token=None):
    """Encode sentences (lists of words) as lists of integer ids.

    Parameters
    ----------
    sentences : list of list of str
    vocab : dict or None
        Word -> id. ``None`` builds a new one (``invalid_key`` maps to
        ``invalid_label``); with a given vocab an unknown word is an error unless
        ``unknown_token`` is set.
    invalid_label : int
        The id reserved for padding; new ids skip it.
    start_label : int
        The first new id.
    unknown_token : str or None
        Stands for words missing from ``vocab``.

    Returns
    -------
    (list of list of int, dict)

    MXNet quirk kept: with ``unknown_token`` every unknown word takes a NEW id and
    ``vocab[unknown_token]`` is moved to it, so unknown words do not share one id.

    Example
    -------
    >>> mx.rnn.encode_sentences([['a', 'b'], ['b', 'c']])
    ([[0, 1], [1, 2]], {'\\n': -1, 'a': 0, 'b': 1, 'c': 2})
    """
    next_id = start_label
    new_vocab = vocab is None
    if new_vocab:
        vocab = {invalid_key: invalid_label}
    result = []
    for sentence in sentences:
        coded = []
        for word in sentence:
            if word not in vocab:
                if not (new_vocab or unknown_token):
                    raise AssertionError(f"Unknown token {word}")
                if next_id == invalid_label:
                    next_id += 1
                if unknown_token:
                    word = unknown_token
                vocab[word] = next_id
                next_id += 1
            coded.append(vocab[word])
        result.append(coded)
    return result, vocab


class BucketSentenceIter(DataIter):
    """Batches of encoded sentences, grouped by length into buckets.

    Parameters
    ----------
    sentences : list of list of int
        Encoded sentences (see ``encode_sentences``).
    batch_size : int
    buckets : list of int or None
        Bucket lengths; default: every length that occurs at least ``batch_size``
        times. Sentences longer than the largest bucket are dropped (a warning is
        printed, as in MXNet).
    invalid_label : int
        Padding value, also the label after the last word.
    data_name, label_name : str
    dtype : str
    layout : str
        ``'NT'`` (batch major) or ``'TN'`` (time major).

    Shuffling uses Python's ``random`` (the batch order) and ``np.random`` (the
    sentences in each bucket) on every ``reset``, as MXNet does, so seeding both
    reproduces MXNet's order.

    Differs from MXNet: a bucket that receives no sentence holds an empty
    ``(0, length)`` array; MXNet fails in ``reset`` with an IndexError.

    Example
    -------
    >>> train_iter = mx.rnn.BucketSentenceIter(sentences, batch_size=32,
    ...                                        buckets=[10, 20, 30])
    """

    def __init__(self, sentences, batch_size, buckets=None, invalid_label=-1,
                 data_name="data", label_name="softmax_label", dtype="float32",
                 layout="NT"):
        super().__init__(batch_size)
        if not buckets:
            counts = np.bincount([len(sentence) for sentence in sentences])
            buckets = [length for length, count in enumerate(counts)
                       if count >= batch_size]
        buckets.sort()
        discarded = 0
        rows = [[] for _ in buckets]
        for sentence in sentences:
            bucket = bisect.bisect_left(buckets, len(sentence))
            if bucket == len(buckets):
                discarded += 1
                continue
            padded = np.full((buckets[bucket],), invalid_label, dtype=dtype)
            padded[:len(sentence)] = sentence
            rows[bucket].append(padded)
        self.data = [np.asarray(bucket_rows, dtype=dtype).reshape(-1, length)
                     for bucket_rows, length in zip(rows, buckets)]
        print(f"WARNING: discarded {discarded} sentences longer than the largest "
              "bucket.")
        self.batch_size = batch_size
        self.buckets = buckets
        self.data_name = data_name
        self.label_name = label_name
        self.dtype = dtype
        self.invalid_label = invalid_label
        self.nddata = []
        self.ndlabel = []
        self.major_axis = layout.find("N")
        self.layout = layout
        self.default_bucket_key = max(buckets)
        if self.major_axis == 0:
            shape = (batch_size, self.default_bucket_key)
        elif self.major_axis == 1:
            shape = (self.default_bucket_key, batch_size)
        else:
            raise ValueError("Invalid layout %s: Must by NT (batch major) or TN (time "
                             "major)")
        self.provide_data = [DataDesc(name=data_name, shape=shape, layout=layout)]
        self.provide_label = [DataDesc(name=label_name, shape=shape, layout=layout)]
        self.idx = []
        for i, bucket_data in enumerate(self.data):
            self.idx.extend([(i, j) for j in range(0, len(bucket_data) - batch_size + 1,
                                                   batch_size)])
        self.curr_idx = 0
        self.reset()

    def reset(self):
        """Shuffle the batch order and each bucket's sentences; rebuild the labels."""
        self.curr_idx = 0
        random.shuffle(self.idx)
        for bucket_data in self.data:
            np.random.shuffle(bucket_data)
        self.nddata = []
        self.ndlabel = []
        for bucket_data in self.data:
            label = np.empty_like(bucket_data)
            label[:, :-1] = bucket_data[:, 1:]
            label[:, -1] = self.invalid_label
            self.nddata.append(array(bucket_data, dtype=self.dtype))
            self.ndlabel.append(array(label, dtype=self.dtype))

    def next(self):
        """The next batch, with ``bucket_key`` and its own ``provide_data``."""
        if self.curr_idx == len(self.idx):
            raise StopIteration
        i, j = self.idx[self.curr_idx]
        self.curr_idx += 1
        data = self.nddata[i][j:j + self.batch_size]
        label = self.ndlabel[i][j:j + self.batch_size]
        if self.major_axis == 1:
            data = data.T
            label = label.T
        return DataBatch([data], [label], pad=0, bucket_key=self.buckets[i],
                         provide_data=[DataDesc(name=self.data_name, shape=data.shape,
                                                layout=self.layout)],
                         provide_label=[DataDesc(name=self.label_name,
                                                 shape=label.shape,
                                                 layout=self.layout)])
