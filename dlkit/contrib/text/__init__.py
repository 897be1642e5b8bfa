"""``mx.contrib.text``: from raw text to vectors, in three steps::

    utils.count_tokens_from_str(text)      -> Counter({'is': 2, 'life': 2, ...})
    vocab.Vocabulary(counter)              -> token <-> index (index 0: '<unk>')
    embedding.CustomEmbedding(path, vocabulary=vocab)
                                           -> index -> vector (an NDArray row)

Pretrained vectors (GloVe, fastText) are read from local files: dlkit does not
download them.
"""
from . import utils
from . import vocab
from . import embedding
