"""``Vocabulary``: the two-way map between tokens and integer indices.

Indices are given in this order::

    0            the unknown token ('<unk>'): every token not in the vocabulary
                 maps here
    1 .. r       the reserved tokens, as given ('<pad>', '<bos>', ...)
    r+1 ..       the counter's tokens, most frequent first; ties in sorted token order

``most_freq_count`` caps how many counter tokens are kept and ``min_freq`` drops rare
ones.
"""
import collections

from . import _constants as C

__all__ = ["Vocabulary"]


class Vocabulary:
    """Indexing for text tokens.

    Parameters
    ----------
    counter : collections.Counter, optional
        Token frequencies; its keys are indexed by frequency.
    most_freq_count : int, optional
        Keep at most this many tokens of ``counter`` (reserved ones not counted).
    min_freq : int, default 1
        Keep only tokens of ``counter`` seen at least this often.
    unknown_token : hashable, default '<unk>'
        What every unknown token maps to (index 0).
    reserved_tokens : list, optional
        Tokens always indexed, right after the unknown token; no duplicates and not
        the unknown token.

    Differs from MXNet: bad arguments raise ``ValueError`` (MXNet: ``AssertionError``).

    Example
    -------
    >>> counter = mx.contrib.text.utils.count_tokens_from_str("a b b c c c")
    >>> vocab = mx.contrib.text.vocab.Vocabulary(counter, reserved_tokens=["<pad>"])
    >>> vocab.idx_to_token
    ['<unk>', '<pad>', 'c', 'b', 'a']
    >>> vocab.to_indices(["c", "zzz"])
    [2, 0]
    """

    def __init__(self, counter=None, most_freq_count=None, min_freq=1,
                 unknown_token="<unk>", reserved_tokens=None):
        if min_freq <= 0:
            raise ValueError("`min_freq` must be set to a positive value.")
        if reserved_tokens is not None:
            if unknown_token in set(reserved_tokens):
                raise ValueError("`reserved_token` cannot contain `unknown_token`.")
            if len(set(reserved_tokens)) != len(reserved_tokens):
                raise ValueError("`reserved_tokens` cannot contain duplicate reserved "
                                 "tokens.")
        self._index_unknown_and_reserved_tokens(unknown_token, reserved_tokens)
        if counter is not None:
            self._index_counter_keys(counter, unknown_token, reserved_tokens,
                                     most_freq_count, min_freq)

    def _index_unknown_and_reserved_tokens(self, unknown_token, reserved_tokens):
        self._unknown_token = unknown_token
        self._idx_to_token = [unknown_token]     # so the unknown index is 0
        if reserved_tokens is None:
            self._reserved_tokens = None
        else:
            self._reserved_tokens = list(reserved_tokens)
            self._idx_to_token.extend(reserved_tokens)
        self._token_to_idx = {token: index
                              for index, token in enumerate(self._idx_to_token)}

    def _index_counter_keys(self, counter, unknown_token, reserved_tokens,
                            most_freq_count, min_freq):
        if not isinstance(counter, collections.Counter):
            raise ValueError("`counter` must be an instance of collections.Counter.")
        special = set(reserved_tokens) if reserved_tokens is not None else set()
        special.add(unknown_token)
        # most frequent first; a stable sort keeps ties in sorted token order
        by_frequency = sorted(counter.items(), key=lambda item: item[0])
        by_frequency.sort(key=lambda item: item[1], reverse=True)
        kept = len(counter) if most_freq_count is None else most_freq_count
        capacity = len(special) + kept
        for token, frequency in by_frequency:
            if frequency < min_freq or len(self._idx_to_token) == capacity:
                break
            if token not in special:
                self._idx_to_token.append(token)
                self._token_to_idx[token] = len(self._idx_to_token) - 1

    def __len__(self):
        return len(self._idx_to_token)

    @property
    def token_to_idx(self):
        """dict: each indexed token -> its index."""
        return self._token_to_idx

    @property
    def idx_to_token(self):
        """list: the indexed tokens; position = index."""
        return self._idx_to_token

    @property
    def unknown_token(self):
        """The representation of every unknown token (index 0)."""
        return self._unknown_token

    @property
    def reserved_tokens(self):
        """The reserved tokens (a list), or None."""
        return self._reserved_tokens

    def to_indices(self, tokens):
        """The index of a token, or the list of indices of a list of tokens (0 for
        unknown tokens)."""
        single = not isinstance(tokens, list)
        tokens = [tokens] if single else tokens
        indices = [self._token_to_idx.get(token, C.UNKNOWN_IDX) for token in tokens]
        return indices[0] if single else indices

    def to_tokens(self, indices):
        """The token of an index, or the list of tokens of a list of indices.

        Raises ``ValueError`` for an index that is not an int or is too large.
        """
        single = not isinstance(indices, list)
        indices = [indices] if single else indices
        max_index = len(self._idx_to_token) - 1
        tokens = []
        for index in indices:
            if not isinstance(index, int) or index > max_index:
                raise ValueError(f"Token index {index} in the provided `indices` is "
                                 "invalid.")
            tokens.append(self._idx_to_token[index])
        return tokens[0] if single else tokens
