"""``mx.mod``: Module, the machine that runs a Symbol (bind, init, fit, predict)."""
from .base_module import BaseModule
from .bucketing_module import BucketingModule
from .module import Module
from .python_module import PythonLossModule, PythonModule
from .sequential_module import SequentialModule

__all__ = ["BaseModule", "Module", "SequentialModule", "BucketingModule",
           "PythonModule", "PythonLossModule"]
