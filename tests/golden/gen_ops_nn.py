"""Golden cases for dlkit/ops/nn.py, norm.py and softmax.py (run under MXNet 1.9.1;
see README.md).

Besides the op cases (outputs and gradients), BatchNorm's moving statistics after one
training forward + backward are stored as extra arrays ``<case id>/aux/<name>``; they are
checked by tests/ops/test_nn.py (op cases do not record auxiliary states).
"""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(7)
golden = GoldenWriter("ops_nn")


def uniform(shape, low=-1.0, high=1.0):
    return random.uniform(low, high, size=shape).astype(np.float32)


# ---- activations ----
for act_type in ["relu", "sigmoid", "tanh", "softrelu", "softsign"]:
    golden.op_case(f"Activation_{act_type}", "Activation",
                   {"data": uniform((3, 4), -3, 3)}, {"act_type": act_type})
for act_type, attrs in [("leaky", {}), ("elu", {"slope": 0.3}), ("gelu", {})]:
    golden.op_case(f"LeakyReLU_{act_type}", "LeakyReLU", {"data": uniform((3, 4), -3, 3)},
                   {"act_type": act_type, **attrs})
# MXNet 1.9.1's selu gradient for x < 0 is lambda * (y + alpha), not the derivative
# y + lambda * alpha; its rrelu gradient in prediction is not a derivative either.
# Only their outputs are compared (the sweep checks dlkit's gradients numerically).
for act_type in ["selu", "rrelu"]:
    golden.op_case(f"LeakyReLU_{act_type}", "LeakyReLU", {"data": uniform((3, 4), -3, 3)},
                   {"act_type": act_type}, grad_inputs=[])
golden.op_case("LeakyReLU_prelu", "LeakyReLU",
               {"data": uniform((2, 3, 4), -2, 2), "gamma": uniform((3,), 0.1, 0.5)},
               {"act_type": "prelu"})
golden.op_case("LeakyReLU_prelu_shared", "LeakyReLU",
               {"data": uniform((2, 3), -2, 2), "gamma": uniform((1,), 0.1, 0.5)},
               {"act_type": "prelu"})


# ---- BatchNorm: inputs as dicts so the aux check can rerun them ----
def batch_norm_inputs(shape, axis=1):
    channels = shape[axis]
    return {"data": uniform(shape, -1, 2), "gamma": uniform((channels,), 0.5, 1.5),
            "beta": uniform((channels,)), "moving_mean": uniform((channels,)),
            "moving_var": uniform((channels,), 0.5, 1.5)}


def batch_norm_case(case_id, shape, attrs, is_train, axis=1):
    """An op case plus the moving statistics after forward + backward.

    In prediction MXNet's CPU backward still applies the batch-statistics formula (with
    the moving statistics) to ``data``; dlkit uses the affine map's true gradient, so
    only gamma's and beta's gradients are compared there.
    """
    import mxnet as mx
    inputs = batch_norm_inputs(shape, axis)
    grad_inputs = ["data", "gamma", "beta"] if is_train else ["gamma", "beta"]
    golden.op_case(case_id, "BatchNorm", inputs, attrs, is_train=is_train,
                   grad_inputs=grad_inputs)
    arrays = {name: mx.nd.array(value) for name, value in inputs.items()}
    for name in ("data", "gamma", "beta"):
        arrays[name].attach_grad()
    with mx.autograd.record(train_mode=is_train):
        result = mx.nd.BatchNorm(**arrays, **attrs)
    outputs = result if isinstance(result, list) else [result]
    mx.autograd.backward(outputs)
    for name in ("moving_mean", "moving_var"):
        golden.add_array(f"{case_id}/aux/{name}", arrays[name].asnumpy())


batch_norm_case("BatchNorm_train", (4, 3, 2), {"fix_gamma": False}, True)
batch_norm_case("BatchNorm_train_fix_gamma", (4, 3, 2), {}, True)
batch_norm_case("BatchNorm_train_2d_eps", (5, 3), {"fix_gamma": False, "eps": 1e-5,
                                                   "momentum": 0.8}, True)
batch_norm_case("BatchNorm_train_axis_last", (2, 3, 4), {"fix_gamma": False, "axis": -1},
                True, axis=-1)
batch_norm_case("BatchNorm_train_mean_var", (4, 3, 2), {"fix_gamma": False,
                                                        "output_mean_var": True}, True)
batch_norm_case("BatchNorm_global_stats", (4, 3, 2), {"fix_gamma": False,
                                                      "use_global_stats": True}, True)
batch_norm_case("BatchNorm_predict", (4, 3, 2), {"fix_gamma": False}, False)
batch_norm_case("BatchNorm_predict_fix_gamma", (4, 3, 2), {}, False)
batch_norm_case("BatchNorm_predict_mean_var", (4, 3, 2), {"output_mean_var": True}, False)

# ---- other normalizations ----
golden.op_case("LayerNorm", "LayerNorm", {"data": uniform((2, 3, 4)),
                                          "gamma": uniform((4,), 0.5, 1.5),
                                          "beta": uniform((4,))})
golden.op_case("LayerNorm_axis1_mean_var", "LayerNorm",
               {"data": uniform((2, 3, 4)), "gamma": uniform((3,), 0.5, 1.5),
                "beta": uniform((3,))}, {"axis": 1, "eps": 1e-3, "output_mean_var": True})
golden.op_case("InstanceNorm", "InstanceNorm", {"data": uniform((2, 3, 4)),
                                                "gamma": uniform((3,), 0.5, 1.5),
                                                "beta": uniform((3,))})
golden.op_case("InstanceNorm_4d", "InstanceNorm", {"data": uniform((2, 2, 3, 2)),
                                                   "gamma": uniform((2,), 0.5, 1.5),
                                                   "beta": uniform((2,))}, {"eps": 1e-5})
for mode in ["instance", "channel", "spatial"]:
    golden.op_case(f"L2Normalization_{mode}", "L2Normalization",
                   {"data": uniform((2, 3, 2))}, {"mode": mode})

# ---- Dropout (comparable only where nothing is drawn) and Embedding ----
golden.op_case("Dropout_predict", "Dropout", {"data": uniform((3, 4))}, {"p": 0.5})
golden.op_case("Dropout_train_p0", "Dropout", {"data": uniform((3, 4))}, {"p": 0.0},
               is_train=True)
golden.op_case("Embedding", "Embedding",
               {"data": np.array([[0, 4, 1], [1, 1, 3]], np.float32),
                "weight": uniform((5, 4))},
               {"input_dim": 5, "output_dim": 4}, grad_inputs=["weight"])
golden.op_case("Embedding_clip_truncate", "Embedding",
               {"data": np.array([-1, 7, 1.7, 2.2], np.float32),
                "weight": uniform((4, 2))},
               {"input_dim": 4, "output_dim": 2}, grad_inputs=["weight"])

# ---- softmax family ----
golden.op_case("softmax", "softmax", {"data": uniform((2, 3), -3, 3)})
golden.op_case("softmax_axis_temperature", "softmax", {"data": uniform((2, 3, 2), -3, 3)},
               {"axis": 1, "temperature": 2.0})
golden.op_case("softmax_large_values", "softmax",
               {"data": np.array([[1000.0, 1001.0, 999.0]], np.float32)})
golden.op_case("softmax_length", "softmax",
               {"data": uniform((2, 4), -3, 3), "length": np.array([2, 4], np.int32)},
               {"use_length": True}, grad_inputs=["data"])
golden.op_case("softmax_dtype", "softmax", {"data": uniform((2, 3))},
               {"dtype": "float64"})
golden.op_case("log_softmax", "log_softmax", {"data": uniform((2, 3), -3, 3)})
golden.op_case("log_softmax_axis_temperature", "log_softmax",
               {"data": uniform((2, 3, 2), -3, 3)}, {"axis": 0, "temperature": 0.5})
golden.op_case("softmin", "softmin", {"data": uniform((2, 3), -3, 3)})
golden.op_case("softmin_temperature", "softmin", {"data": uniform((3, 2), -3, 3)},
               {"axis": 0, "temperature": 2.0})
golden.op_case("SoftmaxActivation", "SoftmaxActivation", {"data": uniform((2, 3), -3, 3)})
# instance mode on 3-D data: MXNet's forward uses the last axis but its backward axis 1,
# so only the output is compared
golden.op_case("SoftmaxActivation_3d", "SoftmaxActivation",
               {"data": uniform((2, 3, 2), -3, 3)}, grad_inputs=[])
golden.op_case("SoftmaxActivation_channel", "SoftmaxActivation",
               {"data": uniform((2, 3, 2), -3, 3)}, {"mode": "channel"})
# 1-D data: one slope per element (or one shared slope)
golden.op_case("LeakyReLU_prelu_1d", "LeakyReLU",
               {"data": uniform((4,), -2, 2), "gamma": uniform((4,), 0.1, 0.5)},
               {"act_type": "prelu"})
golden.op_case("LeakyReLU_prelu_1d_shared", "LeakyReLU",
               {"data": uniform((4,), -2, 2), "gamma": uniform((1,), 0.1, 0.5)},
               {"act_type": "prelu"})
golden.save()
