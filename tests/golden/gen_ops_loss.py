"""Golden cases for dlkit/ops/loss.py (run under MXNet 1.9.1; see README.md).

The loss heads ignore the head gradients ``op_case`` passes, exactly as in MXNet, so the
stored input gradients are the loss gradients their backward defines.
"""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(7)
golden = GoldenWriter("ops_loss")


def uniform(shape, low=-2.0, high=2.0):
    return random.uniform(low, high, size=shape).astype(np.float32)


def labels(values):
    return np.array(values, np.float32)


# SoftmaxOutput: one label per row; -1 (the default ignore_label) selects no class.
rows = {"data": uniform((4, 5)), "label": labels([0, 4, -1, 2])}
for case_id, attrs in [
        ("SoftmaxOutput", {}),
        ("SoftmaxOutput_batch", {"normalization": "batch"}),
        ("SoftmaxOutput_valid", {"normalization": "valid"}),
        ("SoftmaxOutput_ignore", {"use_ignore": True}),
        ("SoftmaxOutput_ignore_valid", {"use_ignore": True, "normalization": "valid"}),
        ("SoftmaxOutput_ignore_label_2", {"use_ignore": True, "ignore_label": 2}),
        ("SoftmaxOutput_smooth", {"smooth_alpha": 0.2}),
        ("SoftmaxOutput_grad_scale", {"grad_scale": 0.5, "normalization": "batch"}),
        ("SoftmaxOutput_out_grad", {"out_grad": True})]:
    golden.op_case(case_id, "SoftmaxOutput", rows, attrs)
golden.op_case("Softmax_alias", "Softmax", rows)
golden.op_case("SoftmaxOutput_odd_labels", "SoftmaxOutput",
               {"data": uniform((3, 4)), "label": labels([7, 1.7, -3])})
# multi_output: classes on axis 1, one label per position.
spatial = uniform((2, 3, 2, 2))
position_labels = labels([[[0, 2], [1, -1]], [[2, 2], [0, 1]]])
for case_id, attrs in [
        ("SoftmaxOutput_multi", {}),
        ("SoftmaxOutput_multi_batch", {"normalization": "batch"}),
        ("SoftmaxOutput_multi_valid", {"normalization": "valid"}),
        ("SoftmaxOutput_multi_ignore", {"use_ignore": True, "normalization": "valid"}),
        ("SoftmaxOutput_multi_smooth", {"smooth_alpha": 0.1})]:
    golden.op_case(case_id, "SoftmaxOutput",
                   {"data": spatial, "label": position_labels},
                   dict(attrs, multi_output=True))
golden.op_case("SoftmaxOutput_multi_flat_label", "SoftmaxOutput",
               {"data": spatial, "label": position_labels.reshape(2, 4)},
               {"multi_output": True, "normalization": "batch"})
# preserve_shape: softmax along the last axis of any data.
golden.op_case("SoftmaxOutput_preserve", "SoftmaxOutput",
               {"data": uniform((2, 3, 4)), "label": labels([[0, 3, 1], [2, 2, -1]])},
               {"preserve_shape": True, "normalization": "batch"})
# default on 3-D data: softmax over each example's 12 values; the first N labels count.
golden.op_case("SoftmaxOutput_3d_flattened", "SoftmaxOutput",
               {"data": uniform((2, 3, 4)), "label": labels([[5, 1, 2], [11, 0, 3]])},
               {"normalization": "batch"})

for name in ["LinearRegressionOutput", "LogisticRegressionOutput",
             "MAERegressionOutput"]:
    golden.op_case(name, name, {"data": uniform((3, 4)), "label": uniform((3, 4))})
    golden.op_case(f"{name}_3d_scaled", name,
                   {"data": uniform((2, 3, 2)), "label": uniform((2, 3, 2))},
                   {"grad_scale": 3.0})
    golden.op_case(f"{name}_column", name,
                   {"data": uniform((4, 1)), "label": uniform((4,))})

loss_values = uniform((3, 4))
for case_id, attrs in [
        ("MakeLoss", {}),
        ("MakeLoss_scaled", {"grad_scale": 2.5}),
        ("MakeLoss_batch", {"normalization": "batch"}),
        ("MakeLoss_valid", {"normalization": "valid"}),
        ("MakeLoss_valid_thresh", {"normalization": "valid", "valid_thresh": 1.0}),
        ("MakeLoss_valid_none", {"normalization": "valid", "valid_thresh": 5.0})]:
    golden.op_case(case_id, "MakeLoss", {"data": loss_values}, attrs)

golden.op_case("softmax_cross_entropy", "softmax_cross_entropy",
               {"data": uniform((4, 5)), "label": labels([0, 4, 2, 2])},
               grad_inputs=["data"])
golden.op_case("softmax_cross_entropy_fractional_label", "softmax_cross_entropy",
               {"data": uniform((3, 3)), "label": labels([2, 0, 1.7])},
               grad_inputs=["data"])

kinks = np.array([[-3, -0.4, -0.1, 0.05], [0.1, 0.2, 0.6, 3]], np.float32)
golden.op_case("smooth_l1", "smooth_l1", {"data": kinks}, {"scalar": 2.0})
golden.op_case("smooth_l1_default", "smooth_l1", {"data": uniform((2, 3))})
golden.op_case("smooth_l1_sigma_half", "smooth_l1", {"data": uniform((2, 3), -6, 6)},
               {"scalar": 0.5})
# normalization='batch' divides by every axis but the last (2 * 3 here; 1 for a vector)
golden.op_case("MakeLoss_batch_3d", "MakeLoss", {"data": uniform((2, 3, 2))},
               {"normalization": "batch"})
golden.op_case("MakeLoss_batch_1d", "MakeLoss", {"data": uniform((4,))},
               {"normalization": "batch"})
golden.save()
