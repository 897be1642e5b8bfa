"""Golden cases for dlkit/ops/vision.py and dlkit/ops/ctc.py (run under MXNet 1.9.1;
see README.md).

``GridGenerator`` (affine, warp), ``BilinearSampler`` (positions inside, on and past
the border), ``SpatialTransformer``, ``ROIPooling`` (rounded, clipped, empty and
out-of-batch regions; tied maxima), ``Correlation`` (strides, padding, kernels,
subtraction) and ``CTCLoss`` (both blank conventions, padding values, lengths,
rounding, impossible labels, a blank inside a label); outputs and gradients::

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_ops_vision.py
"""
import numpy as np

from mxgolden import GoldenWriter

random = np.random.RandomState(11)
golden = GoldenWriter("ops_vision")


def uniform(*shape, low=-1.0, high=1.0):
    return random.uniform(low, high, size=shape).astype(np.float32)


def floats(values):
    return np.asarray(values, dtype=np.float32)


# ---- GridGenerator, BilinearSampler, SpatialTransformer ----
golden.op_case("GridGenerator_affine", "GridGenerator", {"data": uniform(2, 6)},
               {"transform_type": "affine", "target_shape": (3, 4)})
golden.op_case("GridGenerator_warp", "GridGenerator",
               {"data": uniform(2, 2, 3, 5, low=-2, high=2)},
               {"transform_type": "warp"})
golden.op_case("BilinearSampler", "BilinearSampler",
               {"data": uniform(2, 3, 4, 5), "grid": uniform(2, 2, 3, 6, low=-1.3,
                                                               high=1.3)})
border = floats([[-1, 1, 0, 1.1, -1.2, 0.99, 3, -1.5, 1, 1.5],
                 [-1, 1, 0, 0, 0.3, -1.05, 3, -1.5, -1, 1.2]]).reshape(1, 2, 1, 10)
golden.op_case("BilinearSampler_border", "BilinearSampler",
               {"data": uniform(1, 2, 3, 4), "grid": border})
identity = floats([[1, 0, 0, 0, 1, 0]] * 2)
golden.op_case("SpatialTransformer", "SpatialTransformer",
               {"data": uniform(2, 3, 5, 6), "loc": identity + uniform(2, 6) * 0.4},
               {"target_shape": (4, 3), "transform_type": "affine",
                "sampler_type": "bilinear"})

# ---- ROIPooling ----
rois = floats([[0, 0.5, 0.5, 3.5, 2.5], [1, 2, 1, 6.4, 5.5], [1, 5, 5, 2, 2],
               [2, 0, 0, 3, 3], [-1, 0, 0, 3, 3], [0, -3, -2, 1, 1],
               [0, 10, 10, 20, 20], [1.7, 0, 0, 7, 6], [0, 1.5, 2.5, 1.5, 2.5]])
golden.op_case("ROIPooling", "ROIPooling", {"data": uniform(2, 2, 6, 7), "rois": rois},
               {"pooled_size": (3, 2), "spatial_scale": 1.0}, grad_inputs=["data"])
golden.op_case("ROIPooling_scaled", "ROIPooling",
               {"data": uniform(1, 3, 8, 8),
                "rois": floats([[0, 2, 2, 12, 10], [0, 0, 3, 5, 15],
                                [0, 1, 1, 15, 15]])},
               {"pooled_size": (2, 3), "spatial_scale": 0.5}, grad_inputs=["data"])
ties = random.randint(0, 3, size=(1, 2, 6, 6)).astype(np.float32)
golden.op_case("ROIPooling_ties", "ROIPooling",
               {"data": ties, "rois": floats([[0, 0, 0, 5, 5], [0, 1, 0, 4, 5]])},
               {"pooled_size": (4, 3), "spatial_scale": 1.0}, grad_inputs=["data"])

# ---- Correlation ----
for case_id, attrs, shape in [
        ("Correlation", {}, (2, 3, 5, 6)),
        ("Correlation_kernel3", {"kernel_size": 3, "max_displacement": 2,
                                 "pad_size": 3}, (1, 2, 5, 6)),
        ("Correlation_strides", {"max_displacement": 3, "stride1": 2, "stride2": 2,
                                 "pad_size": 2}, (1, 2, 7, 6)),
        ("Correlation_subtract", {"is_multiply": False, "kernel_size": 3,
                                  "max_displacement": 1, "pad_size": 1}, (2, 2, 4, 5))]:
    golden.op_case(case_id, "Correlation",
                   {"data1": uniform(*shape), "data2": uniform(*shape)}, attrs)

# ---- CTCLoss ----
ctc_data = uniform(6, 3, 4)
for case_id, op_name, label, lengths, attrs in [
        ("CTCLoss_first", "CTCLoss", [[1, 2, 0], [3, 3, 0], [1, 3, 2]], {}, {}),
        ("ctc_loss_last", "ctc_loss", [[0, 1, -1], [2, 2, -1], [-1, 0, 1]], {},
         {"blank_label": "last"}),
        ("CTCLoss_rounded_labels", "CTCLoss", [[1, 2.5, 0], [1, 1.5, 0.4], [0, 0, 0]],
         {}, {}),
        ("CTCLoss_impossible", "CTCLoss", [[1, 1, 1], [1, 2, 3], [3, 3, 0]],
         {"data_lengths": [5, 6, 2]}, {"use_data_lengths": True}),
        ("CTCLoss_data_lengths_rounded", "ctc_loss",
         [[1, 2, 0], [1, 1, 0], [3, 0, 0]], {"data_lengths": [6, 4.6, 3.5]},
         {"use_data_lengths": True}),
        ("CTCLoss_label_lengths", "CTCLoss",
         [[0, 1, 2], [2, 2, 1], [0, 2, 1]], {"label_lengths": [2, 1.7, 3]},
         {"use_label_lengths": True, "blank_label": "last"}),
        ("CTCLoss_both_lengths", "CTCLoss", [[1, 2, 3], [1, 1, 0], [2, 2, 2]],
         {"data_lengths": [0, 4, 6], "label_lengths": [1, 2, 3]},
         {"use_data_lengths": True, "use_label_lengths": True}),
        ("CTCLoss_blank_inside_label", "CTCLoss", [[0, 0, 0], [1, 0, 1], [2, 0, 0]],
         {"label_lengths": [3, 3, 2]}, {"use_label_lengths": True})]:
    inputs = {"data": ctc_data, "label": floats(label)}
    inputs.update({name: floats(value) for name, value in lengths.items()})
    golden.op_case(case_id, op_name, inputs, attrs, grad_inputs=["data"])
golden.save()
