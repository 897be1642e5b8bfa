"""Rich notebook display of dlkit objects (``_repr_mimebundle_`` bodies).

The core classes keep MXNet's plain-text ``repr`` and delegate their notebook display
here, with one line each, so this module (and everything it needs) is imported only
when a notebook actually shows an object::

    def _repr_mimebundle_(self, include=None, exclude=None):
        from ..widgets.display import symbol_mimebundle
        return symbol_mimebundle(self)

The NDArray's display lives in ``dlkit/visualization/ndarray_display.py`` (re-exported
here). Every bundle has a ``text/plain`` part (the object's ``repr``) and HTML or SVG;
no JavaScript, so saved notebooks stay static and safe.
"""

import html

from ..visualization.ndarray_display import heatmap_svg, ndarray_mimebundle

__all__ = ["ndarray_mimebundle", "symbol_mimebundle", "executor_mimebundle",
           "block_mimebundle", "heatmap_svg"]


def symbol_mimebundle(symbol):
    """The symbol's graph (``plot_network``; dlkit's layout without ``dot``)."""
    from ..visualization import plot_network
    text = repr(symbol)
    try:
        svg = plot_network(symbol)._repr_image_svg_xml()
    except Exception as error:  # a graph that cannot be drawn still shows its text
        return {
            "text/plain": text,
            "text/html": f"<pre>{html.escape(text)}\n({html.escape(str(error))})</pre>",
        }
    return {"text/plain": text, "image/svg+xml": svg}


def executor_mimebundle(executor):
    """Tables of arguments, gradients, aux states and outputs with shapes."""
    from ._common import html_table, format_shape
    sections = (("arguments", executor.arg_dict), ("gradients", executor.grad_dict),
                ("aux states", executor.aux_dict), ("outputs", executor.output_dict))
    parts = []
    for title, mapping in sections:
        rows = [
            (
                name,
                format_shape(a.shape) if a is not None else "-",
                _dtype_name(a.dtype) if a is not None else "-",
            )
            for name, a in mapping.items()
        ]
        if rows:
            parts.append(
                f"<h4>{title}</h4>" + html_table(["name", "shape", "dtype"], rows)
            )
    return {"text/plain": repr(executor), "text/html": "".join(parts)}


def _dtype_name(dtype):
    import numpy as np
    return np.dtype(dtype).name


def block_mimebundle(block):
    """A Gluon block: its structure (``repr``) and a table of its parameters."""
    from ._common import html_table, format_shape
    rows = []
    total = 0
    for name, parameter in block.collect_params().items():
        shape = parameter.shape
        known = shape is not None and all(shape)
        count = 1
        for size in (shape if known else ()):
            count *= size
        total += count if known else 0
        rows.append((name, format_shape(shape), count if known else "?"))
    text = repr(block)
    body = (f"<pre>{html.escape(text)}</pre>"
            + html_table(["parameter", "shape", "count"], rows)
            + f"<p>Total parameters: {total}</p>")
    return {"text/plain": text, "text/html": body}
