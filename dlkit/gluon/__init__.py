"""``mx.gluon``: MXNet's imperative training API, on top of dlkit's registry ops.

    Parameter / ParameterDict   weights with gradients, on one or more contexts
    Block / HybridBlock         layers and models; hybridize() traces them to a Symbol
    nn, rnn                     ready-made layers (Dense, Conv2D, LSTM ...)
    loss                        loss functions (L2Loss, SoftmaxCrossEntropyLoss ...)
    Trainer                     applies an mx.optimizer to a ParameterDict
    data                        Dataset, Sampler, DataLoader, vision datasets
    utils                       split_and_load, clip_global_norm, download ...
"""
from . import parameter, parameter_dict, block, hybrid_block
from .parameter import Parameter, Constant, DeferredInitializationError
from .parameter_dict import ParameterDict
from .block import Block
from .hybrid_block import HybridBlock, SymbolBlock
from . import nn, loss, utils, data, rnn, model_zoo, contrib
from .trainer import Trainer

__all__ = ["Parameter", "Constant", "ParameterDict", "DeferredInitializationError",
           "Block", "HybridBlock", "SymbolBlock", "Trainer", "nn", "rnn", "loss",
           "utils", "data", "model_zoo", "contrib"]
