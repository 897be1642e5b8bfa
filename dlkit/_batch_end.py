"""``BatchEndParam``: what a batch-end callback receives (``mx.model.BatchEndParam``)."""
from collections import namedtuple

BatchEndParam = namedtuple("BatchEndParams", ["epoch", "nbatch", "eval_metric", "locals"])
