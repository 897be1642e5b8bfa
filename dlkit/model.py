"""``mx.model``: checkpoints in MXNet's file formats, ``BatchEndParam``, and the
legacy ``FeedForward`` (defined in ``feedforward.py``).

A checkpoint is two files::

    prefix-symbol.json     the graph (Symbol.save)
    prefix-0003.params     parameters, keys 'arg:fc1_weight' / 'aux:bn_moving_mean'

Both are written atomically (to a temporary file, then renamed), so a crash while saving
never destroys the previous checkpoint.
"""
import logging

from ._batch_end import BatchEndParam
from .feedforward import FeedForward
from .ndarray.serialization import load as nd_load, save as nd_save

__all__ = ["save_checkpoint", "load_checkpoint", "load_params", "BatchEndParam",
           "FeedForward"]


def save_checkpoint(prefix, epoch, symbol, arg_params, aux_params,
                    remove_amp_cast=True):
    """Write ``prefix-symbol.json`` and ``prefix-%04d.params``.

    Example
    -------
    >>> mx.model.save_checkpoint('mlp', 3, net, arg_params, aux_params)
    """
    if symbol is not None:
        symbol.save(f"{prefix}-symbol.json")
    save_dict = {f"arg:{k}": v.as_in_context(_cpu()) for k, v in arg_params.items()}
    save_dict.update({f"aux:{k}": v.as_in_context(_cpu()) for k,
                      v in aux_params.items()})
    param_name = "%s-%04d.params" % (prefix, epoch)
    nd_save(param_name, save_dict)
    logging.info('Saved checkpoint to "%s"', param_name)


def load_params(prefix, epoch):
    """``(arg_params, aux_params)`` from ``prefix-%04d.params``."""
    arg_params, aux_params = {}, {}
    for key, value in nd_load("%s-%04d.params" % (prefix, epoch)).items():
        kind, _, name = key.partition(":")
        if kind == "arg":
            arg_params[name] = value
        elif kind == "aux":
            aux_params[name] = value
    return arg_params, aux_params


def load_checkpoint(prefix, epoch):
    """``(symbol, arg_params, aux_params)`` saved by ``save_checkpoint`` (or MXNet)."""
    from .symbol import load as symbol_load
    symbol = symbol_load(f"{prefix}-symbol.json")
    arg_params, aux_params = load_params(prefix, epoch)
    return symbol, arg_params, aux_params


def _cpu():
    from .context import cpu
    return cpu()
