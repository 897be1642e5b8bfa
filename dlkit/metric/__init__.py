"""``mx.metric``: evaluation metrics that accumulate over batches.

``base.py`` holds ``EvalMetric`` (local and global running averages), the registry
behind ``create``, ``CompositeEvalMetric`` and ``CustomMetric``/``np``;
``classification.py`` and ``regression.py`` hold the concrete metrics.
"""
from .base import (CompositeEvalMetric, CustomMetric, EvalMetric, alias,
                   check_label_shapes, create, np, register)
from .classification import (MCC, PCC, F1, Accuracy, CrossEntropy,
                             NegativeLogLikelihood, Perplexity, TopKAccuracy)
from .regression import MAE, MSE, RMSE, Caffe, Loss, PearsonCorrelation, Torch

__all__ = ["EvalMetric", "CompositeEvalMetric", "Accuracy", "TopKAccuracy", "F1", "MCC",
           "PCC", "Perplexity", "MAE", "MSE", "RMSE", "CrossEntropy",
           "NegativeLogLikelihood", "PearsonCorrelation", "Loss", "Torch", "Caffe",
           "CustomMetric", "np", "create", "register", "alias", "check_label_shapes"]
