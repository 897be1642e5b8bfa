"""``mx.optimizer``: update rules that turn gradients into weight changes.

``optimizer.py`` holds the base class, the registry and the ``Updater``; ``sgd.py`` the
momentum family (SGD, NAG, Signum); ``adaptive.py`` the per-coordinate ones (AdaGrad,
RMSProp, AdaDelta, Adam, Adamax, Nadam, Ftrl, FTML); ``layerwise.py`` the large-batch
ones with per-layer rates (LARS, LAMB, LBSGD); ``sgd_variants.py`` SGLD, DCASGD,
ccSGD and Test; ``serialization.py`` the pickle-free format of
``Updater.get_states``.
"""
from .adaptive import FTML, AdaDelta, AdaGrad, Adam, Adamax, Ftrl, Nadam, RMSProp
from .layerwise import LAMB, LARS, LBSGD
from .optimizer import Optimizer, Updater, create, get_updater, register
from .sgd import NAG, SGD, Signum
from .sgd_variants import DCASGD, SGLD, Test, ccSGD

__all__ = ["Optimizer", "Updater", "create", "get_updater", "register", "SGD", "NAG",
           "Signum", "AdaGrad", "RMSProp", "AdaDelta", "Adam", "Adamax", "Nadam",
           "Ftrl", "FTML", "LARS", "LAMB", "LBSGD", "SGLD", "DCASGD", "ccSGD", "Test"]
