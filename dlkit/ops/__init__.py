"""All of dlkit's operators. Importing this package registers every op family.

``registry`` (with the attribute types in ``attrs``) holds the machinery; each other
module holds one family of operators.
"""
from . import registry
from . import (  # noqa: F401  (imported to register their operators)
    elemwise, binary, compare, scalar,  # element-wise
    shape, transpose, broadcast, join, indexing, sort,  # shape and selection
    reduce, linalg, nn, softmax, norm, conv, pooling, loss, random, rnn, sequence,
    linalg_triangular, linalg_factor, statistics, im2col_ops, layer_norm,
    resize, boxes, roi,
    creation, spatial, lrn, special, gather, amp, update, vision, ctc, contrib, image,
    custom, detection, border)
from . import random_pdf, random_sample, random_like  # noqa: F401  (more samplers)
from .registry import OPS, Op, get_op, list_ops, register_op

__all__ = ["registry", "OPS", "Op", "get_op", "list_ops", "register_op"]
