"""Golden cases for dlkit/ops/sequence.py (run under MXNet 1.9.1; see README.md).

``SequenceMask``, ``SequenceLast`` and ``SequenceReverse`` with and without
``sequence_length``, time axis 0 and 1; outputs and the gradient of ``data``
(``sequence_length`` is a count: no gradient)::

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_ops_sequence.py
"""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(5)
golden = GoldenWriter("ops_sequence")


def uniform(*shape):
    return random.uniform(-1, 1, size=shape).astype(np.float32)


lengths = np.array([2, 4, 1], dtype=np.float32)
time_major = uniform(4, 3, 2)          # (max_sequence_length, batch_size, features)
batch_major = uniform(3, 4)            # (batch_size, max_sequence_length)

golden.op_case("SequenceMask_plain", "SequenceMask", {"data": time_major})
golden.op_case("SequenceMask_lengths", "SequenceMask",
               {"data": time_major, "sequence_length": lengths},
               {"use_sequence_length": True, "value": -2.0}, grad_inputs=["data"])
golden.op_case("SequenceMask_axis1", "SequenceMask",
               {"data": batch_major, "sequence_length": lengths},
               {"use_sequence_length": True, "axis": 1}, grad_inputs=["data"])
# MXNet 1.9.1's CPU SequenceLast backward without sequence_length writes the
# gradient to the wrong steps (and can corrupt memory): outputs only here
golden.op_case("SequenceLast_plain", "SequenceLast", {"data": time_major},
               grad_inputs=[])
golden.op_case("SequenceLast_lengths", "SequenceLast",
               {"data": time_major, "sequence_length": lengths},
               {"use_sequence_length": True}, grad_inputs=["data"])
golden.op_case("SequenceLast_axis1", "SequenceLast",
               {"data": batch_major, "sequence_length": lengths},
               {"use_sequence_length": True, "axis": 1}, grad_inputs=["data"])
golden.op_case("SequenceReverse_plain", "SequenceReverse", {"data": time_major})
golden.op_case("SequenceReverse_lengths", "SequenceReverse",
               {"data": time_major, "sequence_length": lengths},
               {"use_sequence_length": True}, grad_inputs=["data"])
golden.save()
