"""Counting the tokens of a text: the first step of building a ``Vocabulary``."""
import collections
import re

__all__ = ["count_tokens_from_str"]


def count_tokens_from_str(source_str, token_delim=" ", seq_delim="\n", to_lower=False,
                          counter_to_update=None):
    r"""Count the tokens of ``source_str``.

    The text is split at every ``token_delim`` and every ``seq_delim`` (both regular
    expressions: escape special characters, ``'\\*'``); empty pieces are dropped.

    Parameters
    ----------
    source_str : str
        The text.
    token_delim : str, default ' '
        Separates tokens.
    seq_delim : str, default '\\n'
        Separates sequences (lines).
    to_lower : bool, default False
        Lower-case the tokens first.
    counter_to_update : collections.Counter, optional
        Add the counts to this counter (and return it) instead of a new one.

    Returns
    -------
    collections.Counter

    Example
    -------
    >>> count_tokens_from_str(" Life is great ! \n life is good . \n", to_lower=True)
    Counter({'life': 2, 'is': 2, 'great': 1, '!': 1, 'good': 1, '.': 1})
    """
    tokens = [token for token in re.split(token_delim + "|" + seq_delim, source_str)
              if token]
    if to_lower:
        tokens = [token.lower() for token in tokens]
    if counter_to_update is None:
        return collections.Counter(tokens)
    counter_to_update.update(tokens)
    return counter_to_update
