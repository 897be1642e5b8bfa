"""``BatchEndParam``: what ``fit`` hands to every batch-end callback.

MXNet defines it in ``mx.model``; dlkit keeps it here so that ``callback`` does not
import ``model``, and ``model`` re-exports it.
"""
from collections import namedtuple

__all__ = ["BatchEndParam"]

BatchEndParam = namedtuple("BatchEndParam",
                           ["epoch", "nbatch", "eval_metric", "locals"])
BatchEndParam.__doc__ = """Arguments of a batch-end callback.

epoch : int
    The current epoch.
nbatch : int
    Batches done in this epoch (0-based index of the batch just finished).
eval_metric : EvalMetric or None
    The training metric, updated with this batch.
locals : dict or None
    ``fit``'s local variables (for callbacks that need more).
"""
