"""Golden cases for dlkit/ops/creation.py (run under MXNet 1.9.1; see README.md).

The zero-input creation ops behind ``mx.sym.zeros`` and friends, called as
``mx.nd._internal._zeros(shape=...)``::

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_ops_creation.py
"""
from mxgolden import GoldenWriter

golden = GoldenWriter("ops_creation")
golden.op_case("zeros", "_zeros", {}, {"shape": (2, 3)})
golden.op_case("ones_int32", "_ones", {}, {"shape": (3,), "dtype": "int32"})
golden.op_case("full", "_full", {}, {"shape": (2, 2), "value": 2.5})
golden.op_case("arange_repeat", "_arange", {},
               {"start": 1.0, "stop": 4.0, "step": 0.5, "repeat": 2})
golden.op_case("arange_stop_none", "_arange", {}, {"start": 5.0})
golden.op_case("arange_negative_step", "_arange", {},
               {"start": 3.0, "stop": -1.0, "step": -0.7, "dtype": "float64"})
golden.op_case("linspace", "_linspace", {}, {"start": -1.0, "stop": 2.0, "num": 7})
golden.op_case("linspace_no_endpoint", "_linspace", {},
               {"start": 0.0, "stop": 1.0, "num": 4, "endpoint": False})
golden.op_case("eye", "_eye", {}, {"N": 3, "M": 4, "k": 1})
golden.op_case("eye_below", "_eye", {}, {"N": 4, "k": -2, "dtype": "int32"})
golden.save()
