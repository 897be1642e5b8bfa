"""Cells made of other cells: stacks, dropout between them, residual and bidirectional.

    SequentialRNNCell        x -> [cell 0] -> [cell 1] -> ... (states concatenated)
    DropoutCell              dropout on the input; no states
    ResidualCell(cell)       output = cell(x) + x
    ZoneoutCell(cell)        while training, some units keep their previous value
    BidirectionalCell(l, r)  l reads the sequence forwards, r backwards; outputs joined

They follow MXNet 1.9.1's ``gluon.rnn`` classes of the same names, ``unroll``'s
``valid_length`` (per-sequence lengths) included.
"""
from ... import ndarray
from ...base import MXNetError
from ..block import _indent
from .rnn_cell import (HybridRecurrentCell, RecurrentCell, format_sequence,
                       get_begin_state, mask_sequence, reverse_sequence)

__all__ = ["SequentialRNNCell", "HybridSequentialRNNCell", "DropoutCell",
           "ModifierCell", "ResidualCell", "ZoneoutCell", "BidirectionalCell"]


def _cells_state_info(cells, batch_size):
    return sum([cell.state_info(batch_size) for cell in cells], [])


def _cells_begin_state(cells, **kwargs):
    return sum([cell.begin_state(**kwargs) for cell in cells], [])


class _StackMixin:
    """What SequentialRNNCell and HybridSequentialRNNCell share."""

    def __repr__(self):
        lines = "\n".join(f"({key}): {_indent(repr(cell), 2)}"
                          for key, cell in self._children.items())
        return f"{type(self).__name__}(\n{lines}\n)"

    def add(self, cell):
        """Append ``cell`` to the stack."""
        self.register_child(cell)

    def state_info(self, batch_size=0):
        return _cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs):
        """The states of every cell, concatenated in order."""
        if self._modified:
            raise MXNetError("After applying modifier cells the base cell cannot be "
                             "called directly. Call the modifier cell instead.")
        return _cells_begin_state(self._children.values(), **kwargs)

    def __call__(self, inputs, states):
        """One step through every cell; each takes its own slice of ``states``."""
        self._counter += 1
        next_states, position = [], 0
        for cell in self._children.values():
            if isinstance(cell, BidirectionalCell):
                raise MXNetError("a BidirectionalCell cannot be stepped; use unroll")
            count = len(cell.state_info())
            inputs, state = cell(inputs, states[position:position + count])
            position += count
            next_states.extend(state)
        return inputs, next_states

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None,
               valid_length=None):
        """Unroll each cell over the whole sequence; the next one reads its outputs."""
        self.reset()
        inputs, _, F, batch_size = format_sequence(length, inputs, layout, None)
        begin_state = get_begin_state(self, F, begin_state, inputs, batch_size)
        next_states, position = [], 0
        cells = list(self._children.values())
        for index, cell in enumerate(cells):
            count = len(cell.state_info())
            merge = merge_outputs if index == len(cells) - 1 else None
            inputs, states = cell.unroll(length, inputs,
                                         begin_state[position:position + count],
                                         layout=layout, merge_outputs=merge,
                                         valid_length=valid_length)
            position += count
            next_states.extend(states)
        return inputs, next_states

    def __getitem__(self, index):
        return self._children[str(index)]

    def __len__(self):
        return len(self._children)


class SequentialRNNCell(_StackMixin, RecurrentCell):
    """A stack of cells, run one after another at every step.

    Example
    -------
    >>> stack = mx.gluon.rnn.SequentialRNNCell()
    >>> stack.add(mx.gluon.rnn.LSTMCell(4)); stack.add(mx.gluon.rnn.GRUCell(3))
    >>> stack.initialize()
    >>> outputs, states = stack.unroll(5, mx.nd.ones((2, 5, 6)), merge_outputs=True)
    >>> outputs.shape, len(states)
    ((2, 5, 3), 3)
    """

    def hybrid_forward(self, *args, **kwargs):
        raise NotImplementedError


class HybridSequentialRNNCell(_StackMixin, HybridRecurrentCell):
    """A stack of hybrid cells (see ``SequentialRNNCell``)."""

    def hybrid_forward(self, F, inputs, states):
        return self.__call__(inputs, states)


class DropoutCell(HybridRecurrentCell):
    """Dropout on the input of each step (while training); states pass through.

    Parameters
    ----------
    rate : float
        Fraction of the elements to drop.
    axes : tuple of int, default ()
        Axes along which one dropout mask is shared.
    """

    def __init__(self, rate, axes=(), prefix=None, params=None):
        super().__init__(prefix, params)
        if not isinstance(rate, (int, float)):
            raise MXNetError(f"DropoutCell: rate must be a number, got {rate!r}")
        self._rate = rate
        self._axes = axes

    def __repr__(self):
        return f"{type(self).__name__}(rate={self._rate}, axes={self._axes})"

    def state_info(self, batch_size=0):
        return []

    def _alias(self):
        return "dropout"

    def hybrid_forward(self, F, inputs, states):
        if self._rate > 0:
            inputs = F.Dropout(data=inputs, p=self._rate, axes=self._axes,
                               name=f"t{self._counter}_fwd")
        return inputs, states

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None,
               valid_length=None):
        """A whole-sequence array gets one Dropout call; a list goes step by step."""
        self.reset()
        inputs, _, F, _ = format_sequence(length, inputs, layout, merge_outputs)
        if not isinstance(inputs, list):
            return self.hybrid_forward(F, inputs, begin_state if begin_state else [])
        return super().unroll(length, inputs, begin_state=begin_state, layout=layout,
                              merge_outputs=merge_outputs)


class ModifierCell(HybridRecurrentCell):
    """Base class of cells that wrap a base cell and change what it computes.

    After wrapping, call the modifier, not the base cell.
    """

    def __init__(self, base_cell):
        if base_cell._modified:
            raise MXNetError(f"Cell {base_cell.name} is already modified. One cell "
                             "cannot be modified twice")
        base_cell._modified = True
        super().__init__(prefix=base_cell.prefix + self._alias(), params=None)
        self.base_cell = base_cell

    @property
    def params(self):
        return self.base_cell.params

    def state_info(self, batch_size=0):
        return self.base_cell.state_info(batch_size)

    def begin_state(self, func=ndarray.zeros, **kwargs):
        """The base cell's initial states."""
        if self._modified:
            raise MXNetError("After applying modifier cells the base cell cannot be "
                             "called directly. Call the modifier cell instead.")
        self.base_cell._modified = False
        begin = self.base_cell.begin_state(func=func, **kwargs)
        self.base_cell._modified = True
        return begin

    def hybrid_forward(self, F, inputs, states):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}({self.base_cell!r})"


class ResidualCell(ModifierCell):
    """Adds the input to the base cell's output (Wu et al., 2016); the base cell's
    output size must equal the input size."""

    def hybrid_forward(self, F, inputs, states):
        output, states = self.base_cell(inputs, states)
        output = F.elemwise_add(output, inputs, name=f"t{self._counter}_fwd")
        return output, states

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None,
               valid_length=None):
        """Unroll the base cell, then add the inputs to all outputs at once (with
        ``valid_length``, the padded inputs are zeroed first, like the outputs)."""
        self.reset()
        self.base_cell._modified = False
        outputs, states = self.base_cell.unroll(length, inputs, begin_state,
                                                layout=layout,
                                                merge_outputs=merge_outputs,
                                                valid_length=valid_length)
        self.base_cell._modified = True
        if merge_outputs is None:
            merge_outputs = not isinstance(outputs, list)
        inputs, axis, F, _ = format_sequence(length, inputs, layout, merge_outputs)
        if valid_length is not None:
            inputs = mask_sequence(F, inputs, length, valid_length, axis, merge_outputs)
        if merge_outputs:
            return F.elemwise_add(outputs, inputs), states
        return [F.elemwise_add(out, x) for out, x in zip(outputs, inputs)], states


class ZoneoutCell(ModifierCell):
    """Zoneout (Krueger et al., 2016): while training, each unit of the output and of
    the states keeps its previous value with probability ``zoneout_outputs`` /
    ``zoneout_states`` instead of taking the new one.

    Parameters
    ----------
    base_cell : RecurrentCell
    zoneout_outputs : float, default 0
    zoneout_states : float, default 0
    """

    def __init__(self, base_cell, zoneout_outputs=0.0, zoneout_states=0.0):
        if isinstance(base_cell, BidirectionalCell):
            raise MXNetError("BidirectionalCell doesn't support zoneout since it "
                             "doesn't support step. Please add ZoneoutCell to the "
                             "cells underneath instead.")
        super().__init__(base_cell)
        self.zoneout_outputs = zoneout_outputs
        self.zoneout_states = zoneout_states
        self._prev_output = None

    def __repr__(self):
        return (f"{type(self).__name__}(p_out={self.zoneout_outputs}, "
                f"p_state={self.zoneout_states}, {self.base_cell!r})")

    def _alias(self):
        return "zoneout"

    def reset(self):
        super().reset()
        self._prev_output = None

    def hybrid_forward(self, F, inputs, states):
        next_output, next_states = self.base_cell(inputs, states)
        previous = self._prev_output
        if previous is None:
            previous = F.zeros_like(next_output)

        def keep_new(p, like):
            # Dropout of ones: 0 where a unit keeps its old value (only in training)
            return F.Dropout(F.ones_like(like), p=p)

        output = next_output
        if self.zoneout_outputs != 0:
            output = F.where(keep_new(self.zoneout_outputs, next_output), next_output,
                             previous)
        if self.zoneout_states != 0:
            next_states = [F.where(keep_new(self.zoneout_states, new), new, old)
                           for new, old in zip(next_states, states)]
        self._prev_output = output
        return output, next_states


class BidirectionalCell(HybridRecurrentCell):
    """Run ``l_cell`` forwards and ``r_cell`` backwards over a sequence and join their
    outputs on the feature axis. It can only be unrolled, not stepped.

    Parameters
    ----------
    l_cell, r_cell : RecurrentCell
    output_prefix : str, default 'bi_'
    """

    def __init__(self, l_cell, r_cell, output_prefix="bi_"):
        super().__init__(prefix="", params=None)
        self.register_child(l_cell, "l_cell")
        self.register_child(r_cell, "r_cell")
        self._output_prefix = output_prefix

    def __call__(self, inputs, states):
        raise NotImplementedError("Bidirectional cannot be stepped. Please use unroll")

    def __repr__(self):
        return (f"{type(self).__name__}(forward={self._children['l_cell']!r}, "
                f"backward={self._children['r_cell']!r})")

    def state_info(self, batch_size=0):
        return _cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs):
        """The forward cell's states, then the backward cell's."""
        return _cells_begin_state(self._children.values(), **kwargs)

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None,
               valid_length=None):
        """Outputs have the features of both cells: (batch, length, left + right).

        With ``valid_length``, ``r_cell`` reads each sequence's valid steps backwards
        (``SequenceReverse``) and the outputs are merged unless
        ``merge_outputs=False``, as in MXNet.
        """
        self.reset()
        inputs, axis, F, batch_size = format_sequence(length, inputs, layout, False)
        begin_state = get_begin_state(self, F, begin_state, inputs, batch_size)
        l_cell, r_cell = self._children.values()
        split = len(l_cell.state_info(batch_size))
        l_outputs, l_states = l_cell.unroll(length, inputs, begin_state[:split],
                                            layout=layout, merge_outputs=False,
                                            valid_length=valid_length)
        r_outputs, r_states = r_cell.unroll(
            length, reverse_sequence(F, inputs, length, valid_length),
            begin_state[split:], layout=layout, merge_outputs=False,
            valid_length=valid_length)
        r_outputs = reverse_sequence(F, r_outputs, length, valid_length)
        if merge_outputs is None:
            merge_outputs = valid_length is not None
        if merge_outputs:
            outputs = F.concat(F.stack(*l_outputs, axis=axis),
                               F.stack(*r_outputs, axis=axis),
                               dim=2, name=f"{self._output_prefix}out")
        else:
            prefix = self._output_prefix
            outputs = [F.concat(left, right, dim=1, name=f"{prefix}t{step}")
                       for step, (left, right) in enumerate(zip(l_outputs, r_outputs))]
        if valid_length is not None:
            outputs = mask_sequence(F, outputs, length, valid_length, axis,
                                    merge_outputs)
        return outputs, l_states + r_states
