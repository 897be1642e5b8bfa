"""Make one ``mx.nd`` function per registered op: a closure with a real signature.

``nd.FullyConnected`` is not written by hand anywhere: it is built here from the
``FullyConnected`` entry of the registry, so ``help(nd.FullyConnected)`` shows the op's
docstring, its inputs and its attributes with their defaults, and calling it runs
``invoke`` (see ``dispatch.py``).
"""
import inspect

from ..ops.registry import REQUIRED, list_ops
from .ndarray import invoke

__all__ = ["make_function", "public_functions", "namespace_functions", "docstring"]


def _signature(op):
    """E.g. ``(data=None, weight=None, *, num_hidden, no_bias=False, out=None)``."""
    kind = inspect.Parameter
    if op.variadic:
        parameters = [kind("data", kind.VAR_POSITIONAL)]
    else:
        parameters = [kind(name, kind.POSITIONAL_OR_KEYWORD, default=None)
                      for name in op.input_names]
    for attr_name, (attr_type, default) in op.attrs.items():
        parameters.append(kind(attr_name, kind.KEYWORD_ONLY, default=default,
                               annotation=attr_type))
    parameters.append(kind("out", kind.KEYWORD_ONLY, default=None))
    parameters.append(kind("name", kind.KEYWORD_ONLY, default=None))
    return inspect.Signature(parameters)


def _describe_attrs(op):
    lines = []
    for attr_name, (attr_type, default) in op.attrs.items():
        shown = "required" if default is REQUIRED else f"default {default!r}"
        lines.append(f"    {attr_name} : {attr_type.name}, {shown}")
    return "\n".join(lines)


def docstring(op, inputs_label="Inputs"):
    """The docstring of a generated function: the op's own, its inputs and attributes,
    and where the op is defined (shared by ``mx.nd`` and ``mx.sym``)."""
    inputs = ", ".join(op.input_names) if not op.variadic else "arg0, arg1, ..."
    return (f"{inspect.getdoc(op) or op.name}\n\n{inputs_label}: {inputs}\n"
            f"Attributes:\n{_describe_attrs(op) or '    none'}\n\n"
            f"Defined once in {type(op).__module__}.{type(op).__name__}.")


def make_function(op, name):
    """The ``mx.nd.<name>`` function for ``op``."""
    def function(*args, out=None, **kwargs):
        return invoke(op, args, kwargs, out)

    function.__name__ = name
    function.__qualname__ = name
    function.__module__ = "dlkit.ndarray"
    function.__signature__ = _signature(op)
    function.__doc__ = docstring(op)
    return function


def public_functions():
    """``{name: function}`` for every op name and alias."""
    functions = {}
    for op in list_ops():
        for name in (op.name, *op.aliases):
            functions[name] = make_function(op, name)
    return functions


def namespace_functions(prefix, make=make_function):
    """``{short name: function}`` for the ops of one MXNet namespace.

    MXNet files some operators under a prefix and shows them in a sub-namespace without
    it: the op ``_linalg_gemm2`` is ``mx.nd.linalg.gemm2``, ``_contrib_box_nms`` is
    ``mx.nd.contrib.box_nms``. The short name is the function's name (and so a Symbol's
    auto name: ``gemm20``, as in MXNet). ``make`` builds one function (``mx.sym``
    passes its own).
    """
    functions = {}
    for op in list_ops():
        for name in (op.name, *op.aliases):
            if name.startswith(prefix):
                short = name[len(prefix):]
                functions[short] = make(op, short)
    return functions
