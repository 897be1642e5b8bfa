"""Golden cases for MXNet 1.9.1's less common neural-network ops (run under MXNet 1.9.1;
see README.md): GroupNorm, SVMOutput, Crop, im2col, col2im, IdentityAttachKLSparseReg
and the legacy BatchNorm_v1, Convolution_v1 and Pooling_v1.

MXNet's ``nd`` functions of ``BatchNorm_v1`` and ``IdentityAttachKLSparseReg`` take no
auxiliary-state arguments, so their cases are run through an Executor (``bind``,
``forward``, ``backward`` with the same fixed head gradients) and written in the op-case
format; dlkit replays them through ``nd``. Their auxiliary states after the backward are
stored as ``<case id>/aux/<name>`` and checked by tests/ops/test_nn.py.
"""
import numpy as np

from mxgolden import GoldenWriter, _jsonable

random = np.random.RandomState(23)
golden = GoldenWriter("ops_nn2")


def uniform(shape, low=-1.0, high=1.0):
    return random.uniform(low, high, size=shape).astype(np.float32)


def executor_case(case_id, op_name, inputs, aux_names, attrs, is_train, grad_inputs,
                  seed=0):
    """Like ``GoldenWriter.op_case``, through ``simple_bind`` so that auxiliary states
    can be given; also stores them after the backward."""
    import mxnet as mx
    variables = {name: mx.sym.var(name) for name in inputs}
    symbol = getattr(mx.sym, op_name)(**variables, **attrs, name="op")
    executor = symbol.simple_bind(
        mx.cpu(), grad_req={name: "write" if name in grad_inputs else "null"
                            for name in symbol.list_arguments()},
        **{name: value.shape for name, value in inputs.items()})
    for name, value in inputs.items():
        target = executor.aux_dict if name in aux_names else executor.arg_dict
        target[name][:] = value
    outputs = [output.asnumpy() for output in executor.forward(is_train=is_train)]
    heads = np.random.RandomState(seed)
    head_grads = [heads.uniform(-1, 1, size=o.shape).astype(o.dtype) for o in outputs]
    executor.backward([mx.nd.array(head) for head in head_grads])
    prefix = case_id
    golden.add({"id": case_id, "op": op_name, "attrs": _jsonable(attrs),
                "inputs": [golden.add_array(f"{prefix}/in/{n}", v)
                           for n, v in inputs.items()],
                "input_names": list(inputs), "positional": False, "is_train": is_train,
                "outputs": [golden.add_array(f"{prefix}/out/{i}", o)
                            for i, o in enumerate(outputs)],
                "head_grads": [golden.add_array(f"{prefix}/head/{i}", h)
                               for i, h in enumerate(head_grads)],
                "grads": {n: golden.add_array(f"{prefix}/grad/{n}",
                                              executor.grad_dict[n].asnumpy())
                          for n in grad_inputs}})
    for name in aux_names:
        golden.add_array(f"{prefix}/aux/{name}", executor.aux_dict[name].asnumpy())


# ---- GroupNorm: gamma and beta have one entry per group in MXNet 1.9.1 ----
def group_norm(case_id, shape, num_groups, **attrs):
    golden.op_case(case_id, "GroupNorm",
                   {"data": uniform(shape, -1, 2),
                    "gamma": uniform((num_groups,), 0.5, 1.5),
                    "beta": uniform((num_groups,))},
                   {"num_groups": num_groups, **attrs})


group_norm("GroupNorm_3d", (2, 4, 3), 2)
group_norm("GroupNorm_4d_one_group", (2, 3, 2, 2), 1)
group_norm("GroupNorm_4d_group_per_channel", (2, 3, 2, 2), 3, eps=1e-3)
group_norm("GroupNorm_5d", (1, 6, 2, 1, 2), 3)
group_norm("GroupNorm_mean_var", (3, 4, 5), 2, output_mean_var=True)

# ---- SVMOutput: backward is the hinge-loss gradient, whatever the head gradient ----
for use_linear in (False, True):
    kind = "l1" if use_linear else "l2"
    golden.op_case(f"SVMOutput_{kind}", "SVMOutput",
                   {"data": uniform((4, 5), -2, 2),
                    "label": np.array([2, 0, 4, 1], np.float32)},
                   {"use_linear": use_linear}, grad_inputs=["data"])
    golden.op_case(f"SVMOutput_{kind}_margin_coefficient", "SVMOutput",
                   {"data": uniform((3, 4), -2, 2),
                    "label": np.array([3, 1.7, 0], np.float32)},
                   {"use_linear": use_linear, "margin": 0.5,
                    "regularization_coefficient": 0.3}, grad_inputs=["data"])
golden.op_case("SVMOutput_3d_label_out_of_range", "SVMOutput",
               {"data": uniform((2, 3, 2), -2, 2),
                "label": np.array([[0, 2, 1], [1, -1, 0]], np.float32)},
               {}, grad_inputs=["data"])

# ---- Crop ----
golden.op_case("Crop_h_w_offset", "Crop", {"data": uniform((2, 3, 5, 6))},
               {"num_args": 1, "h_w": (2, 3), "offset": (1, 2)}, positional=True)
golden.op_case("Crop_center", "Crop", {"data": uniform((1, 2, 5, 6))},
               {"num_args": 1, "h_w": (2, 3), "center_crop": True, "offset": (3, 0)},
               positional=True)
golden.op_case("Crop_like", "Crop", {"data": uniform((2, 2, 5, 4)),
                                     "crop_like": uniform((1, 1, 3, 2))},
               {"offset": (2, 1)}, positional=True)
golden.op_case("Crop_like_center", "Crop", {"data": uniform((1, 2, 6, 5)),
                                            "crop_like": uniform((3, 4, 3, 2))},
               {"center_crop": True}, positional=True)

# ---- im2col and col2im (each is the other's gradient); MXNet 1.9.1's CPU kernels fail
# for 1-D and 3-D kernels, so only 2-D is compared (the sweep checks the others) ----
for case_id, shape, attrs in [
        ("basic", (2, 2, 3, 4), {"kernel": (2, 2), "stride": (1, 2), "pad": (0, 1)}),
        ("dilate", (1, 3, 5, 5), {"kernel": (2, 3), "dilate": (2, 1), "stride": (2, 1),
                                  "pad": (1, 1)}),
        ("wide_kernel", (2, 1, 4, 6), {"kernel": (1, 4), "stride": (3, 1)})]:
    golden.op_case(f"im2col_{case_id}", "im2col", {"data": uniform(shape)}, attrs)
for case_id, shape, attrs in [
        ("basic", (2, 8, 6), {"output_size": (3, 4), "kernel": (2, 2)}),
        ("stride_pad", (1, 12, 9), {"output_size": (4, 3), "kernel": (2, 3),
                                    "stride": (2, 1), "pad": (1, 1)}),
        ("dilate", (2, 6, 9), {"output_size": (5, 4), "kernel": (3, 1),
                               "dilate": (2, 1), "stride": (1, 2), "pad": (1, 1)})]:
    golden.op_case(f"col2im_{case_id}", "col2im", {"data": uniform(shape)}, attrs)

# ---- IdentityAttachKLSparseReg: moving_avg moves in backward, training or not ----
for case_id, attrs, is_train in [
        ("IdentityAttachKLSparseReg", {}, True),
        ("IdentityAttachKLSparseReg_attrs", {"sparseness_target": 0.3, "penalty": 0.5,
                                             "momentum": 0.6}, False)]:
    executor_case(case_id, "IdentityAttachKLSparseReg",
                  {"data": uniform((3, 4), 0.05, 0.95),
                   "moving_avg": uniform((4,), 0.1, 0.6)},
                  ["moving_avg"], attrs, is_train, ["data"])


# ---- BatchNorm_v1: its hidden var output is the variance itself ----
def batch_norm_v1(case_id, shape, attrs, is_train):
    """In prediction MXNet's data gradient is no derivative (see dlkit's docstring):
    only gamma's and beta's are compared there."""
    channels = shape[1]
    inputs = {"data": uniform(shape, -1, 2), "gamma": uniform((channels,), 0.5, 1.5),
              "beta": uniform((channels,)), "moving_mean": uniform((channels,)),
              "moving_var": uniform((channels,), 0.5, 1.5)}
    grad_inputs = ["data", "gamma", "beta"] if is_train else ["gamma", "beta"]
    executor_case(case_id, "BatchNorm_v1", inputs, ["moving_mean", "moving_var"],
                  attrs, is_train, grad_inputs)


batch_norm_v1("BatchNorm_v1_train", (4, 3, 2, 2), {"fix_gamma": False}, True)
batch_norm_v1("BatchNorm_v1_train_fix_gamma", (4, 3, 2, 1), {}, True)
batch_norm_v1("BatchNorm_v1_train_2d", (5, 3), {"fix_gamma": False, "eps": 1e-5,
                                                "momentum": 0.8}, True)
batch_norm_v1("BatchNorm_v1_train_mean_var", (4, 3, 2, 2),
              {"fix_gamma": False, "output_mean_var": True}, True)
batch_norm_v1("BatchNorm_v1_global_stats", (4, 3, 2, 2),
              {"fix_gamma": False, "use_global_stats": True}, True)
batch_norm_v1("BatchNorm_v1_predict_mean_var", (4, 3, 2, 2),
              {"fix_gamma": False, "output_mean_var": True}, False)

# ---- Convolution_v1 (2-D only; its data gradient is wrong with stride and dilate
# both above 1 on an axis, so no case combines them) ----
golden.op_case("Convolution_v1", "Convolution_v1",
               {"data": uniform((2, 3, 5, 5)), "weight": uniform((4, 3, 3, 3)),
                "bias": uniform((4,))},
               {"kernel": (3, 3), "num_filter": 4, "pad": (1, 1)})
golden.op_case("Convolution_v1_group_dilate", "Convolution_v1",
               {"data": uniform((1, 4, 7, 6)), "weight": uniform((6, 2, 2, 3))},
               {"kernel": (2, 3), "num_filter": 6, "dilate": (2, 1), "num_group": 2,
                "no_bias": True})
golden.op_case("Convolution_v1_stride_pad", "Convolution_v1",
               {"data": uniform((2, 2, 6, 5)), "weight": uniform((3, 2, 2, 2)),
                "bias": uniform((3,))},
               {"kernel": (2, 2), "num_filter": 3, "stride": (2, 2), "pad": (1, 0)})

# ---- Pooling_v1: max pooling pads with zeros ----
for case_id, shape, attrs, low, high in [
        ("max", (2, 2, 4, 4), {"kernel": (2, 2), "stride": (2, 2)}, -1, 1),
        ("max_pad_negative", (1, 2, 5, 4), {"kernel": (3, 3), "stride": (2, 2),
                                            "pad": (1, 1)}, -1, -0.1),
        ("max_full_pad", (1, 1, 5, 4), {"kernel": (3, 3), "stride": (2, 2),
                                        "pad": (2, 2), "pooling_convention": "full"},
         -1, 1),
        ("avg_pad", (1, 2, 5, 5), {"kernel": (3, 3), "stride": (2, 2), "pad": (1, 1),
                                   "pool_type": "avg"}, -1, 1),
        ("avg_full", (1, 2, 5, 4), {"kernel": (2, 2), "stride": (2, 2), "pad": (1, 0),
                                    "pool_type": "avg", "pooling_convention": "full"},
         -1, 1),
        ("sum_full", (1, 2, 6, 6), {"kernel": (3, 3), "stride": (2, 2), "pad": (1, 1),
                                    "pool_type": "sum", "pooling_convention": "full"},
         -1, 1),
        ("global_avg", (2, 3, 3, 4), {"pool_type": "avg", "global_pool": True}, -1, 1)]:
    golden.op_case(f"Pooling_v1_{case_id}", "Pooling_v1",
                   {"data": uniform(shape, low, high)}, attrs)
golden.save()
