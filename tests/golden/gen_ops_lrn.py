"""Golden cases for dlkit/ops/lrn.py and dlkit/ops/special.py (run under MXNet 1.9.1;
see README.md): ``LRN`` with two window sizes, and ``erf``; outputs and gradients::

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_ops_lrn.py
"""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(9)
golden = GoldenWriter("ops_lrn")


def uniform(*shape, scale=1.0):
    return (scale * random.uniform(-1, 1, size=shape)).astype(np.float32)


golden.op_case("LRN_nsize3", "LRN", {"data": uniform(2, 5, 2, 3, scale=2.0)},
               {"nsize": 3, "alpha": 0.5})
golden.op_case("LRN_nsize5", "LRN", {"data": uniform(1, 6, 3, 2)},
               {"nsize": 5, "alpha": 1e-2, "beta": 0.5, "knorm": 1.0})
golden.op_case("LRN_defaults", "LRN", {"data": uniform(1, 4, 2, 2)}, {"nsize": 1})
golden.op_case("erf", "erf", {"data": uniform(3, 4, scale=2.5)})
golden.save()
