"""All of dlkit's operators. Importing this package registers every op family.

``registry`` holds the machinery; each other module holds one family of operators.
"""
from . import registry
from . import (elemwise, reduce, shape, indexing, linalg, nn, norm, conv, pooling,  # noqa: F401
               loss, random)
from .registry import OPS, Op, get_op, list_ops, register_op

__all__ = ["registry", "OPS", "Op", "get_op", "list_ops", "register_op"]
