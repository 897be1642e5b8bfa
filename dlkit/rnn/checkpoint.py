"""Checkpoints of networks with RNN cells, in the cells' *unpacked* form.

``save_rnn_checkpoint`` stores each cell's weights split per gate (``unpack_weights``:
``lstm_i2h_weight`` becomes ``lstm_i2h_i_weight`` ... ``lstm_i2h_o_weight``; a
``FusedRNNCell``'s flat vector becomes ``lstm_l0_i2h_i_weight`` ...), so a
``FusedRNNCell`` and its ``unfuse()``d stack read the same files;
``load_rnn_checkpoint`` packs them back for the given cells.
"""
from ..model import load_checkpoint, save_checkpoint
from .rnn_cell import BaseRNNCell

__all__ = ["save_rnn_checkpoint", "load_rnn_checkpoint", "do_rnn_checkpoint"]


def _as_cells(cells):
    return [cells] if isinstance(cells, BaseRNNCell) else list(cells)


def save_rnn_checkpoint(cells, prefix, epoch, symbol, arg_params, aux_params):
    """``mx.model.save_checkpoint`` with ``cells``' weights unpacked per gate.

    Example
    -------
    >>> mx.rnn.save_rnn_checkpoint(cell, 'lm', 3, net, arg_params, aux_params)
    """
    for cell in _as_cells(cells):
        arg_params = cell.unpack_weights(arg_params)
    save_checkpoint(prefix, epoch, symbol, arg_params, aux_params)


def load_rnn_checkpoint(cells, prefix, epoch):
    """``(symbol, arg_params, aux_params)`` with ``cells``' weights packed again."""
    symbol, arg_params, aux_params = load_checkpoint(prefix, epoch)
    for cell in _as_cells(cells):
        arg_params = cell.pack_weights(arg_params)
    return symbol, arg_params, aux_params


def do_rnn_checkpoint(cells, prefix, period=1):
    """Epoch-end callback: ``save_rnn_checkpoint`` every ``period`` epochs (epoch
    numbers counted from 1)."""
    period = int(max(1, period))

    def _callback(iter_no, sym=None, arg=None, aux=None):
        if (iter_no + 1) % period == 0:
            save_rnn_checkpoint(cells, prefix, iter_no + 1, sym, arg, aux)
    return _callback
