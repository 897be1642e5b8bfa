"""Cells made of other cells: stacks, both directions, and modifiers.

::

    SequentialRNNCell   x -> [cell 0] -> [cell 1] -> ... -> y   (states concatenated)
    BidirectionalCell   x -> [l_cell] forward in time   --+-> concat -> y
                        x -> [r_cell] backward in time  --'
    DropoutCell         x -> Dropout(x)                        (no states, no weights)
    ModifierCell        wraps a cell and changes what one of its steps returns:
      ZoneoutCell         keep some of the previous output/state units (random mask)
      ResidualCell        y = cell(x) + x

A wrapped cell is marked ``_modified``: calling it directly (or its
``begin_state``) is an error, so the modifier cannot be bypassed by accident.
"""
import numbers

from .. import symbol
from ..symbol import Symbol
from .rnn_cell import BaseRNNCell, normalize_sequence

__all__ = ["SequentialRNNCell", "BidirectionalCell", "DropoutCell", "ModifierCell",
           "ZoneoutCell", "ResidualCell"]


def _cells_state_info(cells):
    return sum([cell.state_info for cell in cells], [])


def _cells_begin_state(cells, **kwargs):
    return sum([cell.begin_state(**kwargs) for cell in cells], [])


def _check_not_modified(cell):
    if cell._modified:
        raise AssertionError("After applying modifier cells (e.g. DropoutCell) the "
                             "base cell cannot be called directly. Call the modifier "
                             "cell instead.")


def _share_params(parent, children, what):
    """The parent's params also list the children's Variables; a parent created
    with ``params=`` gives the children its Variables first."""
    if parent._override_cell_params:
        for child in children:
            if not child._own_params:
                raise AssertionError(f"Either specify params for {what} or child "
                                     "cells, not both.")
            child.params._params.update(parent.params._params)
    for child in children:
        parent.params._params.update(child.params._params)


class SequentialRNNCell(BaseRNNCell):
    """A stack of cells: each one's output is the next one's input.

    Parameters
    ----------
    params : RNNParams or None
        Shared by every cell added (then the cells must not have their own).

    Example
    -------
    >>> stack = mx.rnn.SequentialRNNCell()
    >>> stack.add(mx.rnn.LSTMCell(16, prefix='l0_'))
    >>> stack.add(mx.rnn.LSTMCell(16, prefix='l1_'))
    """

    def __init__(self, params=None):
        super().__init__(prefix="", params=params)
        self._override_cell_params = params is not None
        self._cells = []

    def add(self, cell):
        """Append ``cell`` to the stack."""
        self._cells.append(cell)
        _share_params(self, [cell], "SequentialRNNCell")

    @property
    def state_info(self):
        return _cells_state_info(self._cells)

    def begin_state(self, **kwargs):
        _check_not_modified(self)
        return _cells_begin_state(self._cells, **kwargs)

    def unpack_weights(self, args):
        for cell in self._cells:
            args = cell.unpack_weights(args)
        return args

    def pack_weights(self, args):
        for cell in self._cells:
            args = cell.pack_weights(args)
        return args

    def __call__(self, inputs, states):
        self._counter += 1
        next_states, start = [], 0
        for cell in self._cells:
            if isinstance(cell, BidirectionalCell):
                raise AssertionError("A BidirectionalCell cannot be stepped; unroll "
                                     "the SequentialRNNCell instead")
            count = len(cell.state_info)
            inputs, state = cell(inputs, states[start:start + count])
            start += count
            next_states.append(state)
        return inputs, sum(next_states, [])

    def unroll(self, length, inputs, begin_state=None, layout="NTC",
               merge_outputs=None):
        """Unroll each cell over the whole sequence in turn (only the last one
        honours ``merge_outputs``)."""
        self.reset()
        if begin_state is None:
            begin_state = self.begin_state()
        start, next_states = 0, []
        for i, cell in enumerate(self._cells):
            count = len(cell.state_info)
            states = begin_state[start:start + count]
            start += count
            last = i == len(self._cells) - 1
            inputs, states = cell.unroll(length, inputs=inputs, begin_state=states,
                                         layout=layout,
                                         merge_outputs=merge_outputs if last else None)
            next_states.extend(states)
        return inputs, next_states


class DropoutCell(BaseRNNCell):
    """Dropout on the inputs (a cell with no states and no weights).

    Parameters
    ----------
    dropout : float
        Probability of zeroing a unit (in training only).
    """

    def __init__(self, dropout, prefix="dropout_", params=None):
        super().__init__(prefix, params)
        if not isinstance(dropout, numbers.Number):
            raise AssertionError(f"DropoutCell: dropout must be a number, got "
                                 f"{dropout!r}")
        self.dropout = dropout

    @property
    def state_info(self):
        return []

    def __call__(self, inputs, states):
        if self.dropout > 0:
            inputs = symbol.Dropout(data=inputs, p=self.dropout)
        return inputs, states

    def unroll(self, length, inputs, begin_state=None, layout="NTC",
               merge_outputs=None):
        """One ``Dropout`` over the merged sequence when it is one Symbol."""
        self.reset()
        inputs, _ = normalize_sequence(length, inputs, layout, merge_outputs)
        if isinstance(inputs, Symbol):
            return self(inputs, [])
        return super().unroll(length, inputs, begin_state=begin_state, layout=layout,
                              merge_outputs=merge_outputs)


class ModifierCell(BaseRNNCell):
    """Base class of cells that wrap ``base_cell`` and change its step.

    The wrapper has no weights of its own: ``params``, ``state_info`` and the
    weight (un)packing are the base cell's.
    """

    def __init__(self, base_cell):
        super().__init__()
        base_cell._modified = True
        self.base_cell = base_cell

    @property
    def params(self):
        self._own_params = False
        return self.base_cell.params

    @property
    def state_info(self):
        return self.base_cell.state_info

    def begin_state(self, init_sym=symbol.zeros, **kwargs):
        """The base cell's initial states (``init_sym`` plays ``func``'s role)."""
        _check_not_modified(self)
        self.base_cell._modified = False
        begin = self.base_cell.begin_state(func=init_sym, **kwargs)
        self.base_cell._modified = True
        return begin

    def unpack_weights(self, args):
        return self.base_cell.unpack_weights(args)

    def pack_weights(self, args):
        return self.base_cell.pack_weights(args)

    def __call__(self, inputs, states):
        raise NotImplementedError


class ZoneoutCell(ModifierCell):
    """Zoneout: in training, each unit of the output/states keeps its previous value
    with probability ``zoneout_outputs``/``zoneout_states`` (Krueger et al., 2016).

    The random mask is ``Dropout(ones_like(x))`` (non-zero = take the new value),
    so at inference every unit takes the new value. The first step's "previous
    output" is ``zeros((0, 0))``, a shape completed by inference.
    """

    def __init__(self, base_cell, zoneout_outputs=0.0, zoneout_states=0.0):
        from .fused_cell import FusedRNNCell
        if isinstance(base_cell, FusedRNNCell):
            raise AssertionError("FusedRNNCell doesn't support zoneout. Please unfuse "
                                 "first.")
        if isinstance(base_cell, BidirectionalCell):
            raise AssertionError("BidirectionalCell doesn't support zoneout since it "
                                 "doesn't support step. Please add ZoneoutCell to the "
                                 "cells underneath instead.")
        super().__init__(base_cell)
        self.zoneout_outputs = zoneout_outputs
        self.zoneout_states = zoneout_states
        self.prev_output = None

    def reset(self):
        super().reset()
        self.prev_output = None

    def __call__(self, inputs, states):
        next_output, next_states = self.base_cell(inputs, states)

        def mask(p, like):
            return symbol.Dropout(symbol.ones_like(like), p=p)

        prev_output = self.prev_output
        if prev_output is None:
            prev_output = symbol.zeros((0, 0))
        output = next_output
        if self.zoneout_outputs != 0.0:
            output = symbol.where(mask(self.zoneout_outputs, next_output), next_output,
                                  prev_output)
        if self.zoneout_states != 0.0:
            states = [symbol.where(mask(self.zoneout_states, new), new, old)
                      for new, old in zip(next_states, states)]
        else:
            states = next_states
        self.prev_output = output
        return output, states


class ResidualCell(ModifierCell):
    """Adds the input to the base cell's output: ``y_t = cell(x_t) + x_t`` (the
    sizes must match). The sum is named ``<output name>_plus_residual``."""

    def __call__(self, inputs, states):
        output, states = self.base_cell(inputs, states)
        output = symbol.elemwise_add(output, inputs,
                                     name=f"{output.name}_plus_residual")
        return output, states

    def unroll(self, length, inputs, begin_state=None, layout="NTC",
               merge_outputs=None):
        """Unroll the base cell, then add the inputs (merged or step by step)."""
        self.reset()
        self.base_cell._modified = False
        outputs, states = self.base_cell.unroll(length, inputs=inputs,
                                                begin_state=begin_state,
                                                layout=layout,
                                                merge_outputs=merge_outputs)
        self.base_cell._modified = True
        if merge_outputs is None:
            merge_outputs = isinstance(outputs, Symbol)
        inputs, _ = normalize_sequence(length, inputs, layout, merge_outputs)
        if merge_outputs:
            return symbol.elemwise_add(outputs, inputs,
                                       name=f"{outputs.name}_plus_residual"), states
        outputs = [symbol.elemwise_add(out, step, name=f"{out.name}_plus_residual")
                   for out, step in zip(outputs, inputs)]
        return outputs, states


class BidirectionalCell(BaseRNNCell):
    """Runs ``l_cell`` forward and ``r_cell`` backward in time and concatenates
    their outputs at each step (``<output_prefix>t<i>``, or ``<output_prefix>out``
    when merged).

    The states returned are ``[l_states, r_states]``: a list of two lists, as in
    MXNet (``state_info`` and ``begin_state`` are flat).
    """

    def __init__(self, l_cell, r_cell, params=None, output_prefix="bi_"):
        super().__init__("", params=params)
        self._output_prefix = output_prefix
        self._override_cell_params = params is not None
        _share_params(self, [l_cell, r_cell], "BidirectionalCell")
        self._cells = [l_cell, r_cell]

    def unpack_weights(self, args):
        for cell in self._cells:
            args = cell.unpack_weights(args)
        return args

    def pack_weights(self, args):
        for cell in self._cells:
            args = cell.pack_weights(args)
        return args

    def __call__(self, inputs, states):
        raise NotImplementedError("Bidirectional cannot be stepped. Please use unroll")

    @property
    def state_info(self):
        return _cells_state_info(self._cells)

    def begin_state(self, **kwargs):
        _check_not_modified(self)
        return _cells_begin_state(self._cells, **kwargs)

    def unroll(self, length, inputs, begin_state=None, layout="NTC",
               merge_outputs=None):
        self.reset()
        inputs, axis = normalize_sequence(length, inputs, layout, False)
        if begin_state is None:
            begin_state = self.begin_state()
        l_cell, r_cell = self._cells
        count = len(l_cell.state_info)
        l_outputs, l_states = l_cell.unroll(length, inputs=inputs,
                                            begin_state=begin_state[:count],
                                            layout=layout, merge_outputs=merge_outputs)
        r_outputs, r_states = r_cell.unroll(length, inputs=list(reversed(inputs)),
                                            begin_state=begin_state[count:],
                                            layout=layout, merge_outputs=merge_outputs)
        if merge_outputs is None:
            merge_outputs = (isinstance(l_outputs, Symbol)
                             and isinstance(r_outputs, Symbol))
        if merge_outputs:
            l_outputs = [l_outputs]
            r_outputs = [symbol.reverse(r_outputs, axis=axis)]
        else:
            l_outputs = self._as_steps(l_outputs, axis, length)
            r_outputs = list(reversed(self._as_steps(r_outputs, axis, length)))
        outputs = []
        for i, (left, right) in enumerate(zip(l_outputs, r_outputs)):
            name = (f"{self._output_prefix}out" if merge_outputs
                    else f"{self._output_prefix}t{i}")
            outputs.append(symbol.Concat(left, right, dim=1 + merge_outputs,
                                         name=name))
        if merge_outputs:
            outputs = outputs[0]
        return outputs, [l_states, r_states]

    @staticmethod
    def _as_steps(outputs, axis, length):
        if isinstance(outputs, Symbol):
            return list(symbol.SliceChannel(outputs, axis=axis, num_outputs=length,
                                            squeeze_axis=1))
        return outputs
