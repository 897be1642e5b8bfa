"""Golden cases for dlkit/ops/conv.py (run under MXNet 1.9.1; see README.md)."""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(7)
golden = GoldenWriter("ops_conv")


def uniform(*shape):
    return random.uniform(-1, 1, size=shape).astype(np.float32)


def arange(*shape):
    return np.arange(np.prod(shape), dtype=np.float32).reshape(shape)


# FullyConnected
golden.op_case("fc", "FullyConnected", {"data": uniform(3, 5), "weight": uniform(4, 5),
                                        "bias": uniform(4)}, {"num_hidden": 4})
golden.op_case("fc_flatten_4d", "FullyConnected",
               {"data": uniform(2, 2, 2, 3), "weight": uniform(3, 12), "bias": uniform(3)},
               {"num_hidden": 3})
golden.op_case("fc_no_bias", "FullyConnected", {"data": uniform(3, 5), "weight": uniform(2, 5)},
               {"num_hidden": 2, "no_bias": True})
golden.op_case("fc_no_flatten", "FullyConnected",
               {"data": uniform(2, 3, 4), "weight": uniform(5, 4), "bias": uniform(5)},
               {"num_hidden": 5, "flatten": False})

# Convolution: the seed example from MXNet's documentation, then one attribute at a time
golden.op_case("conv_seed", "Convolution",
               {"data": arange(1, 1, 3, 3), "weight": arange(1, 1, 2, 2),
                "bias": np.array([1], np.float32)},
               {"kernel": (2, 2), "num_filter": 1, "stride": (2, 2), "pad": (1, 1)})
golden.op_case("conv_plain", "Convolution",
               {"data": uniform(2, 3, 5, 6), "weight": uniform(4, 3, 3, 3), "bias": uniform(4)},
               {"kernel": (3, 3), "num_filter": 4})
golden.op_case("conv_stride_pad", "Convolution",
               {"data": uniform(2, 2, 7, 6), "weight": uniform(3, 2, 3, 2), "bias": uniform(3)},
               {"kernel": (3, 2), "num_filter": 3, "stride": (2, 3), "pad": (1, 2)})
golden.op_case("conv_dilate", "Convolution",
               {"data": uniform(1, 2, 8, 8), "weight": uniform(2, 2, 3, 3), "bias": uniform(2)},
               {"kernel": (3, 3), "num_filter": 2, "dilate": (2, 3), "pad": (1, 1)})
golden.op_case("conv_groups", "Convolution",
               {"data": uniform(2, 4, 5, 5), "weight": uniform(6, 2, 3, 3), "bias": uniform(6)},
               {"kernel": (3, 3), "num_filter": 6, "num_group": 2, "stride": (2, 2)})
golden.op_case("conv_depthwise", "Convolution",
               {"data": uniform(1, 3, 5, 5), "weight": uniform(3, 1, 3, 3)},
               {"kernel": (3, 3), "num_filter": 3, "num_group": 3, "pad": (1, 1),
                "no_bias": True})
golden.op_case("conv_no_bias", "Convolution",
               {"data": uniform(2, 3, 4, 4), "weight": uniform(2, 3, 2, 2)},
               {"kernel": (2, 2), "num_filter": 2, "no_bias": True})
golden.op_case("conv_1d", "Convolution",
               {"data": uniform(2, 3, 10), "weight": uniform(4, 3, 3), "bias": uniform(4)},
               {"kernel": (3,), "num_filter": 4, "stride": (2,), "pad": (1,), "dilate": (2,)})
golden.op_case("conv_3d", "Convolution",
               {"data": uniform(1, 2, 4, 5, 4), "weight": uniform(2, 2, 2, 3, 2),
                "bias": uniform(2)},
               {"kernel": (2, 3, 2), "num_filter": 2, "pad": (1, 0, 1)})

# Deconvolution (MXNet's default is no_bias=True)
golden.op_case("deconv_plain", "Deconvolution",
               {"data": uniform(2, 3, 3, 4), "weight": uniform(3, 2, 3, 3)},
               {"kernel": (3, 3), "num_filter": 2})
golden.op_case("deconv_bias_stride_pad_adj", "Deconvolution",
               {"data": uniform(1, 2, 3, 3), "weight": uniform(2, 3, 4, 3), "bias": uniform(3)},
               {"kernel": (4, 3), "num_filter": 3, "stride": (2, 3), "pad": (1, 1),
                "adj": (1, 2), "no_bias": False})
golden.op_case("deconv_groups_dilate", "Deconvolution",
               {"data": uniform(1, 4, 3, 3), "weight": uniform(4, 3, 2, 2)},
               {"kernel": (2, 2), "num_filter": 6, "num_group": 2, "dilate": (2, 2)})
golden.op_case("deconv_target_shape", "Deconvolution",
               {"data": uniform(1, 2, 4, 4), "weight": uniform(2, 2, 3, 3)},
               {"kernel": (3, 3), "num_filter": 2, "stride": (2, 2), "target_shape": (8, 8)})
golden.op_case("deconv_1d", "Deconvolution",
               {"data": uniform(2, 2, 5), "weight": uniform(2, 3, 3), "bias": uniform(3)},
               {"kernel": (3,), "num_filter": 3, "stride": (2,), "pad": (1,),
                "no_bias": False})

# Pooling: the seed examples, then each convention and type
seed = arange(1, 2, 3, 3)
golden.op_case("pool_seed_max", "Pooling", {"data": seed}, {"pool_type": "max",
                                                            "kernel": (2, 2)})
golden.op_case("pool_seed_avg", "Pooling", {"data": seed}, {"pool_type": "avg",
                                                            "kernel": (2, 2)})
golden.op_case("pool_max_ties", "Pooling",
               {"data": np.array([[[[1, 3, 3], [3, 2, 1], [0, 3, 1]]]], np.float32)},
               {"pool_type": "max", "kernel": (2, 2)})
golden.op_case("pool_max_stride", "Pooling", {"data": uniform(2, 2, 6, 5)},
               {"pool_type": "max", "kernel": (2, 2), "stride": (2, 2)})
golden.op_case("pool_max_pad", "Pooling", {"data": uniform(1, 2, 5, 5)},
               {"pool_type": "max", "kernel": (3, 3), "stride": (2, 2), "pad": (1, 1)})
golden.op_case("pool_avg_pad", "Pooling", {"data": uniform(1, 2, 5, 5)},
               {"pool_type": "avg", "kernel": (3, 3), "stride": (2, 2), "pad": (1, 1)})
golden.op_case("pool_avg_exclude_pad", "Pooling", {"data": uniform(1, 2, 5, 5)},
               {"pool_type": "avg", "kernel": (3, 3), "stride": (2, 2), "pad": (1, 1),
                "count_include_pad": False})
golden.op_case("pool_sum", "Pooling", {"data": uniform(1, 2, 4, 5)},
               {"pool_type": "sum", "kernel": (2, 3), "stride": (1, 2)})
golden.op_case("pool_full_max", "Pooling", {"data": uniform(1, 2, 5, 6)},
               {"pool_type": "max", "kernel": (2, 2), "stride": (2, 2),
                "pooling_convention": "full"})
golden.op_case("pool_full_avg", "Pooling", {"data": uniform(1, 2, 5, 6)},
               {"pool_type": "avg", "kernel": (3, 3), "stride": (2, 2),
                "pooling_convention": "full"})
golden.op_case("pool_full_avg_pad_exclude", "Pooling", {"data": uniform(1, 1, 3, 3)},
               {"pool_type": "avg", "kernel": (2, 2), "stride": (2, 2), "pad": (1, 1),
                "pooling_convention": "full", "count_include_pad": False})
golden.op_case("pool_full_sum_pad", "Pooling", {"data": uniform(1, 1, 5, 4)},
               {"pool_type": "sum", "kernel": (2, 2), "stride": (2, 2), "pad": (1, 1),
                "pooling_convention": "full"})
golden.op_case("pool_global_avg", "Pooling", {"data": uniform(2, 3, 4, 3)},
               {"pool_type": "avg", "global_pool": True, "kernel": (2, 2), "pad": (1, 1)})
golden.op_case("pool_global_max", "Pooling", {"data": uniform(2, 3, 4, 3)},
               {"pool_type": "max", "global_pool": True})
golden.op_case("pool_1d_max", "Pooling", {"data": uniform(2, 2, 9)},
               {"pool_type": "max", "kernel": (3,), "stride": (2,)})
golden.op_case("pool_1d_avg_pad", "Pooling", {"data": uniform(2, 2, 7)},
               {"pool_type": "avg", "kernel": (3,), "stride": (2,), "pad": (1,)})
golden.op_case("pool_3d_max", "Pooling", {"data": uniform(1, 1, 4, 4, 4)},
               {"pool_type": "max", "kernel": (2, 2, 2), "stride": (2, 2, 2)})
golden.op_case("pool_lp1", "Pooling", {"data": uniform(1, 2, 4, 4)},
               {"pool_type": "lp", "p_value": 1, "kernel": (2, 2), "stride": (2, 2)})
golden.op_case("pool_lp2", "Pooling", {"data": uniform(1, 2, 4, 4)},
               {"pool_type": "lp", "p_value": 2, "kernel": (3, 3)})
# p = 3: the real cube root keeps a negative sum's sign; the second window sums to
# exactly 0 and MXNet sends no gradient through it
golden.op_case("pool_lp3", "Pooling",
               {"data": np.array([[[[1.0, -2.0, 0.5], [-1.0, -0.5, 2.0]]]], np.float32)},
               {"pool_type": "lp", "p_value": 3, "kernel": (2, 2), "stride": (1, 1)})
golden.op_case("pool_lp3_random", "Pooling", {"data": uniform(1, 2, 4, 4)},
               {"pool_type": "lp", "p_value": 3, "kernel": (2, 2), "stride": (2, 2)})
golden.save()
