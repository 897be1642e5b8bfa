"""Golden cases for dlkit/ops/spatial.py (run under MXNet 1.9.1; see README.md).

``Pad`` in every mode on 4-D and 5-D data, and nearest ``UpSampling`` with one and
two inputs (concat and sum); outputs and gradients::

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_ops_spatial.py
"""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(3)
golden = GoldenWriter("ops_spatial")


def uniform(*shape):
    return random.uniform(-1, 1, size=shape).astype(np.float32)


image = uniform(2, 2, 3, 4)
volume = uniform(1, 2, 3, 3, 2)
for mode in ["constant", "edge", "reflect"]:
    golden.op_case(f"Pad_{mode}", "Pad", {"data": image},
                   {"mode": mode, "pad_width": (0, 0, 0, 0, 2, 1, 1, 3),
                    "constant_value": 1.5})
golden.op_case("Pad_reflect_5d", "Pad", {"data": volume},
               {"mode": "reflect", "pad_width": (0, 0, 0, 0, 1, 2, 2, 0, 1, 1)})
golden.op_case("pad_edge_alias", "pad", {"data": volume},
               {"mode": "edge", "pad_width": (0, 0, 0, 0, 0, 1, 1, 0, 2, 2)})

golden.op_case("UpSampling_one", "UpSampling", {"arg0": uniform(2, 3, 2, 3)},
               {"scale": 3, "sample_type": "nearest", "num_args": 1},
               positional=True)
golden.op_case("UpSampling_concat", "UpSampling",
               {"arg0": uniform(1, 2, 2, 4), "arg1": uniform(1, 3, 1, 2)},
               {"scale": 2, "sample_type": "nearest", "num_args": 2},
               positional=True)
golden.op_case("UpSampling_sum", "UpSampling",
               {"arg0": uniform(1, 2, 2, 2), "arg1": uniform(1, 2, 1, 1)},
               {"scale": 2, "sample_type": "nearest", "num_args": 2,
                "multi_input_mode": "sum"}, positional=True)
golden.save()
