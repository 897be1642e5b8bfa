"""Token embeddings: a ``Vocabulary`` whose every index also has a vector.

``idx_to_vec`` is an NDArray with one row per indexed token; row 0 is the unknown
token's vector (read from the file if the file has the unknown token, else made by
``init_unknown_vec``, zeros by default). A pretrained-vector file is plain text, one
token per line, its elements separated by ``elem_delim``::

    hello 0.1 0.2 0.3
    world 0.4 0.5 0.6

Kinds of embedding:

* ``CustomEmbedding(path)``: any such file;
* ``GloVe(name)``, ``FastText(name)``: the published files, looked up by name in
  ``embedding_root/<glove|fasttext>/``. dlkit does not download them: put the
  extracted ``.txt``/``.vec`` file there (or load it with ``CustomEmbedding``);
* ``CompositeEmbedding(vocab, [emb1, emb2])``: each vocabulary token gets the
  concatenation of its vectors in several embeddings.

With ``vocabulary=`` an embedding is re-indexed to that vocabulary's tokens (tokens of
the file outside it are dropped). ``register``/``create`` make embeddings by name, as
``mx.init.create`` makes initializers.
"""
import logging
import os
import warnings

from ... import ndarray as nd
from ... import registry
from ...base import MXNetError
from . import _constants as C
from . import vocab

__all__ = ["register", "create", "get_pretrained_file_names", "GloVe", "FastText",
           "CustomEmbedding", "CompositeEmbedding"]


def register(embedding_cls):
    """Register a token embedding class (a decorator), for ``create``."""
    register_text_embedding = registry.get_register_func(_TokenEmbedding,
                                                         "token embedding")
    return register_text_embedding(embedding_cls)


def create(embedding_name, **kwargs):
    """A token embedding made from a registered name (``'glove'``, ``'fasttext'``).

    Example
    -------
    >>> glove = mx.contrib.text.embedding.create(
    ...     "glove", pretrained_file_name="glove.6B.50d.txt", embedding_root="data")
    """
    create_text_embedding = registry.get_create_func(_TokenEmbedding,
                                                     "token embedding")
    return create_text_embedding(embedding_name, **kwargs)


def _file_names(embedding_cls):
    """The pretrained file names of a class (MXNet's own classes keep them with their
    SHA-1 hashes in ``pretrained_file_name_sha1``; dlkit's in a list)."""
    names = getattr(embedding_cls, "pretrained_file_names", None)
    if names is None:
        names = getattr(embedding_cls, "pretrained_file_name_sha1", {}).keys()
    return list(names)


def get_pretrained_file_names(embedding_name=None):
    """The valid ``pretrained_file_name`` values of one embedding (a list), or of
    every registered embedding (a dict name -> list).

    Raises ``KeyError`` for an unknown ``embedding_name``.
    """
    embeddings = registry.get_registry(_TokenEmbedding)
    if embedding_name is None:
        return {name: _file_names(cls) for name, cls in embeddings.items()}
    if embedding_name not in embeddings:
        raise KeyError(f"Cannot find `embedding_name` {embedding_name}. Use "
                       "`get_pretrained_file_names(embedding_name=None).keys()` to get "
                       "all the valid embedding names.")
    return _file_names(embeddings[embedding_name])


class _TokenEmbedding(vocab.Vocabulary):
    """Base class of token embeddings: a ``Vocabulary`` plus ``idx_to_vec``.

    Keyword arguments go to ``Vocabulary`` (``unknown_token``, ...).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._vec_len = None
        self._idx_to_vec = None

    # ---- loading -------------------------------------------------------------------
    def _load_embedding(self, pretrained_file_path, elem_delim, init_unknown_vec,
                        encoding="utf8"):
        """Read a pretrained-vector text file: every new token is indexed (after the
        vocabulary's own tokens) and gets its vector.

        The first vector of a token wins (later ones warn). A line with one number is a
        header (fastText's ``count dim``) and is skipped with a warning.
        """
        path = os.path.expanduser(pretrained_file_path)
        if not os.path.isfile(path):
            raise ValueError("`pretrained_file_path` must be a valid path to the "
                             f"pre-trained token embedding file, got {path!r}")
        logging.info("Loading pre-trained token embedding vectors from %s", path)
        vec_len = None
        rows = []
        seen = set()
        unknown_vec = None
        with open(path, "r", encoding=encoding) as handle:
            for line_num, line in enumerate(handle, start=1):
                elems = line.rstrip().split(elem_delim)
                if len(elems) <= 1:
                    raise MXNetError(f"At line {line_num} of the pre-trained text "
                                     f"embedding file {path}: expected a token and its "
                                     f"numbers separated by {elem_delim!r}")
                token, values = elems[0], [float(value) for value in elems[1:]]
                if token == self.unknown_token and unknown_vec is None:
                    unknown_vec = values
                    seen.add(token)
                elif token in seen:
                    warnings.warn(f"At line {line_num} of the pre-trained token "
                                  f"embedding file: the embedding vector for token "
                                  f"{token} has been loaded and a duplicate is "
                                  "skipped.")
                elif len(values) == 1:
                    warnings.warn(f"At line {line_num} of the pre-trained text "
                                  f"embedding file: token {token} with 1-dimensional "
                                  f"vector {values} is likely a header and is skipped.")
                else:
                    if vec_len is None:
                        vec_len = len(values)
                    elif len(values) != vec_len:
                        raise MXNetError(
                            f"At line {line_num} of the pre-trained token embedding "
                            f"file: the dimension of token {token} is {len(values)} "
                            f"but the dimension of previous tokens is {vec_len}. "
                            "Dimensions of all the tokens must be the same.")
                    rows.append(values)
                    self._idx_to_token.append(token)
                    self._token_to_idx[token] = len(self._idx_to_token) - 1
                    seen.add(token)
        if vec_len is None:
            raise MXNetError(f"the pre-trained token embedding file {path} holds no "
                             "token vectors")
        self._vec_len = vec_len
        # row 0 (the unknown token) first; its value is set just below
        self._idx_to_vec = nd.array([[0.0] * vec_len] + rows)
        if unknown_vec is None:
            self._idx_to_vec[C.UNKNOWN_IDX] = init_unknown_vec(shape=vec_len)
        else:
            self._idx_to_vec[C.UNKNOWN_IDX] = nd.array(unknown_vec)

    def _index_tokens_from_vocabulary(self, vocabulary):
        """Take over the vocabulary's indexing (copies of its tables)."""
        self._token_to_idx = dict(vocabulary.token_to_idx)
        self._idx_to_token = list(vocabulary.idx_to_token)
        self._unknown_token = vocabulary.unknown_token
        reserved = vocabulary.reserved_tokens
        self._reserved_tokens = list(reserved) if reserved is not None else None

    def _set_idx_to_vec_by_embeddings(self, token_embeddings, vocab_len,
                                      vocab_idx_to_token):
        """One row per vocabulary token: the embeddings' vectors side by side (each
        embedding's unknown vector for the unknown token and for tokens it lacks)."""
        new_vec_len = sum(embed.vec_len for embed in token_embeddings)
        new_idx_to_vec = nd.zeros(shape=(vocab_len, new_vec_len))
        col_start = 0
        for embed in token_embeddings:
            col_end = col_start + embed.vec_len
            new_idx_to_vec[0, col_start:col_end] = embed.idx_to_vec[0]
            if vocab_len > 1:
                new_idx_to_vec[1:, col_start:col_end] = embed.get_vecs_by_tokens(
                    list(vocab_idx_to_token[1:]))
            col_start = col_end
        self._vec_len = new_vec_len
        self._idx_to_vec = new_idx_to_vec

    def _build_embedding_for_vocabulary(self, vocabulary):
        if vocabulary is None:
            return
        if not isinstance(vocabulary, vocab.Vocabulary):
            raise TypeError("The argument `vocabulary` must be an instance of "
                            "mx.contrib.text.vocab.Vocabulary.")
        self._set_idx_to_vec_by_embeddings([self], len(vocabulary),
                                           vocabulary.idx_to_token)
        self._index_tokens_from_vocabulary(vocabulary)

    # ---- use -----------------------------------------------------------------------
    @property
    def vec_len(self):
        """int: the length of each vector."""
        return self._vec_len

    @property
    def idx_to_vec(self):
        """NDArray ``(len(self), vec_len)``: row ``i`` is the vector of token ``i``."""
        return self._idx_to_vec

    def get_vecs_by_tokens(self, tokens, lower_case_backup=False):
        """The vector of a token (1-D) or the vectors of a list of tokens (2-D).

        Unknown tokens get the unknown vector (row 0). With ``lower_case_backup`` a
        token not found as written is looked up in lower case.
        """
        single = not isinstance(tokens, list)
        tokens = [tokens] if single else tokens
        indices = []
        for token in tokens:
            index = self._token_to_idx.get(token)
            if index is None and lower_case_backup:
                index = self._token_to_idx.get(token.lower())
            indices.append(C.UNKNOWN_IDX if index is None else index)
        vecs = nd.Embedding(nd.array(indices), self._idx_to_vec,
                            input_dim=self._idx_to_vec.shape[0],
                            output_dim=self._idx_to_vec.shape[1])
        return vecs[0] if single else vecs

    def update_token_vectors(self, tokens, new_vectors):
        """Overwrite the vectors of known ``tokens`` with the rows of ``new_vectors``.

        One token takes a 1-D or 2-D NDArray, several tokens a 2-D one of shape
        ``(len(tokens), vec_len)``. An unknown token raises ``ValueError`` (name the
        unknown token itself to change its vector).
        """
        if not isinstance(new_vectors, nd.NDArray):
            raise TypeError("`new_vectors` must be an NDArray, got "
                            f"{type(new_vectors).__name__}")
        if not isinstance(tokens, list) or len(tokens) == 1:
            if new_vectors.ndim not in (1, 2):
                raise ValueError("`new_vectors` must be a 1-D or 2-D NDArray if "
                                 "`tokens` is a singleton.")
            tokens = tokens if isinstance(tokens, list) else [tokens]
            if new_vectors.ndim == 1:
                new_vectors = new_vectors.expand_dims(axis=0)
        elif new_vectors.ndim != 2:
            raise ValueError("`new_vectors` must be a 2-D NDArray if `tokens` is a "
                             "list of multiple strings.")
        if new_vectors.shape != (len(tokens), self.vec_len):
            raise ValueError(f"new_vectors has shape {new_vectors.shape}; it must be "
                             f"({len(tokens)}, {self.vec_len}): one row of the "
                             "embedding's length per token")
        indices = []
        for token in tokens:
            if token not in self._token_to_idx:
                raise ValueError(f"Token {token} is unknown. To update the embedding "
                                 "vector for an unknown token, please specify it "
                                 "explicitly as the `unknown_token` "
                                 f"{self._idx_to_token[C.UNKNOWN_IDX]} in `tokens`. "
                                 "This is to avoid unintended updates.")
            indices.append(self._token_to_idx[token])
        self._idx_to_vec[nd.array(indices)] = new_vectors

    @classmethod
    def _check_pretrained_file_names(cls, pretrained_file_name):
        """Raise ``KeyError`` unless ``pretrained_file_name`` is one of the class's."""
        embedding_name = cls.__name__.lower()
        names = _file_names(cls)
        if pretrained_file_name not in names:
            raise KeyError(f"Cannot find pretrained file {pretrained_file_name} for "
                           f"token embedding {embedding_name}. Valid pretrained files "
                           f"for embedding {embedding_name}: {', '.join(names)}")


def _default_root():
    """``$MXNET_HOME/embeddings``, as MXNet (``~/.mxnet/embeddings`` if unset)."""
    home = os.environ.get("MXNET_HOME", os.path.join("~", ".mxnet"))
    return os.path.join(home, "embeddings")


class _PretrainedEmbedding(_TokenEmbedding):
    """GloVe and fastText: a published file, found by name in ``embedding_root``.

    Differs from MXNet: nothing is downloaded; the (extracted) file must already be at
    ``<embedding_root>/<glove|fasttext>/<pretrained_file_name>``.
    """

    def __init__(self, pretrained_file_name, embedding_root, init_unknown_vec,
                 vocabulary, **kwargs):
        type(self)._check_pretrained_file_names(pretrained_file_name)
        super().__init__(**kwargs)
        path = self._local_file(embedding_root, pretrained_file_name)
        self._load_embedding(path, " ", init_unknown_vec)
        if vocabulary is not None:
            self._build_embedding_for_vocabulary(vocabulary)

    @classmethod
    def _local_file(cls, embedding_root, pretrained_file_name):
        folder = os.path.join(os.path.expanduser(embedding_root), cls.__name__.lower())
        path = os.path.join(folder, pretrained_file_name)
        if not os.path.isfile(path):
            raise MXNetError(
                f"{cls.__name__} file '{pretrained_file_name}' was not found in "
                f"'{folder}': dlkit does not download pretrained embeddings. Copy the "
                f"extracted file to '{path}' (or pass embedding_root=), or load any "
                "local vector file with mx.contrib.text.embedding.CustomEmbedding.")
        return path


@register
class GloVe(_PretrainedEmbedding):
    """The GloVe word vectors (Pennington, Socher and Manning, 2014), read from
    ``<embedding_root>/glove/<pretrained_file_name>``.

    Parameters
    ----------
    pretrained_file_name : str, default 'glove.840B.300d.txt'
        One of ``get_pretrained_file_names('glove')``.
    embedding_root : str, default '$MXNET_HOME/embeddings'
    init_unknown_vec : callable, default nd.zeros
        Makes the unknown token's vector: ``init_unknown_vec(shape=vec_len)``.
    vocabulary : Vocabulary, optional
        Re-index to this vocabulary's tokens.

    Differs from MXNet: the file is not downloaded (see ``_PretrainedEmbedding``).
    """
    pretrained_file_names = C.GLOVE_FILE_NAMES

    def __init__(self, pretrained_file_name="glove.840B.300d.txt",
                 embedding_root=_default_root(), init_unknown_vec=nd.zeros,
                 vocabulary=None, **kwargs):
        super().__init__(pretrained_file_name, embedding_root, init_unknown_vec,
                         vocabulary, **kwargs)


@register
class FastText(_PretrainedEmbedding):
    """The fastText word vectors (Bojanowski et al., 2017), read from
    ``<embedding_root>/fasttext/<pretrained_file_name>``.

    Parameters are those of ``GloVe``; ``pretrained_file_name`` defaults to
    ``'wiki.simple.vec'`` and is one of ``get_pretrained_file_names('fasttext')``.

    Differs from MXNet: the file is not downloaded (see ``_PretrainedEmbedding``).
    """
    pretrained_file_names = C.FAST_TEXT_FILE_NAMES

    def __init__(self, pretrained_file_name="wiki.simple.vec",
                 embedding_root=_default_root(), init_unknown_vec=nd.zeros,
                 vocabulary=None, **kwargs):
        super().__init__(pretrained_file_name, embedding_root, init_unknown_vec,
                         vocabulary, **kwargs)


class CustomEmbedding(_TokenEmbedding):
    """Token vectors from your own text file (``token v1 v2 ...`` per line).

    Parameters
    ----------
    pretrained_file_path : str
        The file.
    elem_delim : str, default ' '
        Separates the token and the numbers on a line.
    encoding : str, default 'utf8'
    init_unknown_vec : callable, default nd.zeros
        Makes the unknown token's vector when the file does not have it.
    vocabulary : Vocabulary, optional
        Re-index to this vocabulary's tokens.

    Example
    -------
    >>> emb = mx.contrib.text.embedding.CustomEmbedding("vectors.txt")
    >>> emb.get_vecs_by_tokens(["hello", "unseen"]).shape   # (2, vec_len)
    """

    def __init__(self, pretrained_file_path, elem_delim=" ", encoding="utf8",
                 init_unknown_vec=nd.zeros, vocabulary=None, **kwargs):
        super().__init__(**kwargs)
        self._load_embedding(pretrained_file_path, elem_delim, init_unknown_vec,
                             encoding)
        if vocabulary is not None:
            self._build_embedding_for_vocabulary(vocabulary)


class CompositeEmbedding(_TokenEmbedding):
    """The tokens of ``vocabulary``, each with the concatenation of its vectors in
    ``token_embeddings`` (one embedding or a list).

    Example
    -------
    >>> both = CompositeEmbedding(vocab, [emb_50d, emb_100d])   # vec_len 150
    """

    def __init__(self, vocabulary, token_embeddings):
        if not isinstance(vocabulary, vocab.Vocabulary):
            raise TypeError("The argument `vocabulary` must be an instance of "
                            "mx.contrib.text.vocab.Vocabulary.")
        if not isinstance(token_embeddings, list):
            token_embeddings = [token_embeddings]
        for embed in token_embeddings:
            if not isinstance(embed, _TokenEmbedding):
                raise TypeError("The argument `token_embeddings` must be an instance "
                                "or a list of instances of token embeddings, got "
                                f"{type(embed).__name__}")
        self._index_tokens_from_vocabulary(vocabulary)
        self._set_idx_to_vec_by_embeddings(token_embeddings, len(self),
                                           self.idx_to_token)
