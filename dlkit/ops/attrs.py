"""Attribute types: how an op's keyword-only attributes are read and written.

An op's ``forward`` annotates each attribute with one of these objects, and
``register_op`` (``registry.py``) records them. The same attribute arrives as a Python
value from ``nd``/``sym`` calls and as a string from Symbol JSON, so ``parse`` accepts
both and ``format`` writes MXNet's string back::

    num_hidden=10     --Int.parse-->    10        --Int.format-->    "10"
    kernel="(3, 3)"   --Shape.parse-->  (3, 3)    --Shape.format-->  "(3, 3)"
    no_bias="True"    --Bool.parse-->   True      --Bool.format-->   "True"

``parse`` raises ``ValueError`` for a bad value; the registry turns it into an
``MXNetError`` that names the op and the attribute. Strings are read with
``ast.literal_eval``, never ``eval``.
"""
import ast

from ..base import dtype_np

__all__ = ["AttrType", "Int", "Float", "Bool", "Str", "Shape", "FloatTuple", "Axis",
           "Dtype", "Optional", "Choice", "OptionalInt", "OptionalFloat",
           "OptionalBool"]


class AttrType:
    """How one attribute is parsed (``parse``) and written back to Symbol JSON
    (``format``)."""
    name = "value"

    def parse(self, value):
        raise NotImplementedError

    def format(self, value):
        return str(value)

    def __repr__(self):
        return self.name


def _literal(text):
    """Parse an MXNet attribute string (``'(2, 2)'``, ``'True'``) without ``eval``."""
    text = text.strip()
    if text in ("None", "none"):
        return None
    if text in ("true", "false"):
        return text == "true"
    if text.startswith("[") and text.endswith("]"):
        text = "(" + text[1:-1] + ",)" if text[1:-1].strip() else "()"
    return ast.literal_eval(text)


class _Int(AttrType):
    name = "int"

    def parse(self, value):
        if isinstance(value, str):
            value = _literal(value)
        if isinstance(value, bool) or not float(value).is_integer():
            raise ValueError(f"expected an integer, got {value!r}")
        return int(value)


class _Float(AttrType):
    name = "float"

    def parse(self, value):
        if isinstance(value, str):
            value = _literal(value)
        return float(value)


class _Bool(AttrType):
    name = "boolean"

    def parse(self, value):
        if isinstance(value, str):
            value = _literal(value.strip().capitalize() if value.strip() in
                             ("true", "false") else value)
        if value in (0, 1, True, False):
            return bool(value)
        raise ValueError(f"expected True or False, got {value!r}")


class _Str(AttrType):
    name = "string"

    def parse(self, value):
        return str(value)


class _Shape(AttrType):
    """A tuple of ints such as ``kernel=(3, 3)``; a single ``3`` becomes ``(3,)``."""
    name = "shape tuple"

    def parse(self, value):
        if isinstance(value, str):
            value = _literal(value)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return (int(value),)
        return tuple(int(v) for v in value)

    def format(self, value):
        return str(tuple(value)) if value is not None else "None"


class _FloatTuple(AttrType):
    """A tuple of floats such as ``sizes=(0.5, 0.25)`` or ``lrs=(0.1, 0.01)``; one
    number gives a 1-tuple. MXNet's string form is ``'(0.5, 0.25)'`` or
    ``'[0.5,0.25]'``."""
    name = "tuple of floats"

    def parse(self, value):
        if isinstance(value, str):
            text = value.strip()
            text = text[1:-1] if text[:1] in "([" else text
            return tuple(float(v) for v in text.split(",") if v.strip())
        if isinstance(value, (int, float)):
            return (float(value),)
        return tuple(float(v) for v in value)

    def format(self, value):
        return str(tuple(value))


class _Axis(AttrType):
    """``axis``: None, one int, or a tuple of ints."""
    name = "axis (int, tuple of ints or None)"

    def parse(self, value):
        if isinstance(value, str):
            value = _literal(value)
        if value is None or isinstance(value, int):
            return value
        value = tuple(int(v) for v in value)
        return value

    def format(self, value):
        return "None" if value is None else str(value)


class _Dtype(AttrType):
    name = "dtype"

    def parse(self, value):
        if value is None or value == "None":
            return None
        return dtype_np(value).name


class Optional(AttrType):
    """``None`` or a value of the wrapped type."""

    def __init__(self, inner):
        self.inner = inner
        self.name = f"{inner.name} or None"

    def parse(self, value):
        if value is None or (isinstance(value, str) and value.strip() in ("None", "")):
            return None
        return self.inner.parse(value)


class Choice(AttrType):
    """One of a fixed set of strings, such as ``act_type``."""

    def __init__(self, *values):
        self.values = values
        self.name = "one of " + ", ".join(repr(v) for v in values)

    def parse(self, value):
        if value is None and None in self.values:
            return None
        value = str(value)
        if value not in self.values:
            raise ValueError(f"{value!r} is not valid; valid values are "
                             + ", ".join(repr(v) for v in self.values if v is not None))
        return value


Int, Float, Bool, Str = _Int(), _Float(), _Bool(), _Str()
Shape, FloatTuple, Axis, Dtype = _Shape(), _FloatTuple(), _Axis(), _Dtype()
OptionalInt = Optional(Int)
OptionalFloat = Optional(Float)
OptionalBool = Optional(Bool)
