"""Golden cases for dlkit/ops/gather.py (run under MXNet 1.9.1; see README.md).

``gather_nd`` (with a repeated tuple, so its gradient adds; negative indices) and
``scatter_nd`` (distinct tuples); outputs and the gradient of ``data``::

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_ops_gather.py
"""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(4)
golden = GoldenWriter("ops_gather")


def uniform(*shape):
    return random.uniform(-1, 1, size=shape).astype(np.float32)


golden.op_case("gather_nd_slices", "gather_nd",
               {"data": uniform(2, 3, 4),
                "indices": np.array([[1, 0, 1], [2, 0, 2]], dtype=np.float32)},
               grad_inputs=["data"])
golden.op_case("gather_nd_elements", "gather_nd",
               {"data": uniform(3, 2),
                "indices": np.array([[[0, 2], [2, 1]], [[1, 0], [1, 1]]],
                                    dtype=np.int32)},
               grad_inputs=["data"])
# MXNet 1.9.1's gather_nd backward crashes on negative indices: outputs only here
golden.op_case("gather_nd_negative", "gather_nd",
               {"data": uniform(3, 2),
                "indices": np.array([[-1, 0, -3], [1, -2, 0]], dtype=np.int32)},
               grad_inputs=[])
golden.op_case("scatter_nd_slices", "scatter_nd",
               {"data": uniform(3, 4),
                "indices": np.array([[1, 0, 1], [2, 0, 0]], dtype=np.float32)},
               {"shape": (2, 3, 4)}, grad_inputs=["data"])
golden.op_case("scatter_nd_elements", "scatter_nd",
               {"data": uniform(2, 2),
                "indices": np.array([[[0, 2], [4, 1]]], dtype=np.int32)},
               {"shape": (5,)}, grad_inputs=["data"])
golden.save()
