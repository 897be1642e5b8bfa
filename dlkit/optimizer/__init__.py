"""``mx.optimizer``: update rules that turn gradients into weight changes.

``optimizer.py`` holds the base class, the registry and the ``Updater``; ``sgd.py`` the
momentum family (SGD, NAG, Signum); ``adaptive.py`` the per-coordinate ones (AdaGrad,
RMSProp, AdaDelta, Adam, Adamax, Nadam, Ftrl); ``serialization.py`` the pickle-free
format of ``Updater.get_states``.
"""
from .adaptive import AdaDelta, AdaGrad, Adam, Adamax, Ftrl, Nadam, RMSProp
from .optimizer import Optimizer, Updater, create, get_updater, register
from .sgd import NAG, SGD, Signum

__all__ = ["Optimizer", "Updater", "create", "get_updater", "register", "SGD", "NAG",
           "Signum", "AdaGrad", "RMSProp", "AdaDelta", "Adam", "Adamax", "Nadam",
           "Ftrl"]
