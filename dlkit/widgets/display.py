"""Rich notebook display of dlkit objects (``_repr_mimebundle_`` bodies).

The core classes keep MXNet's plain-text ``repr`` and delegate their notebook display
here, with one line each, so this module (and everything it needs) is imported only
when a notebook actually shows an object::

    def _repr_mimebundle_(self, include=None, exclude=None):
        from ..widgets.display import ndarray_mimebundle
        return ndarray_mimebundle(self)

Every bundle has a ``text/plain`` part (the object's ``repr``) and HTML or SVG; no
JavaScript, so saved notebooks stay static and safe.
"""
import html

__all__ = ["ndarray_mimebundle", "symbol_mimebundle", "executor_mimebundle",
           "block_mimebundle", "heatmap_svg"]

MAX_HEATMAP_CELLS = 64  # rows and columns drawn at most; larger arrays are subsampled


def _color(fraction):
    """Viridis-like ramp from dark blue (0) to yellow (1), as ``#rrggbb``."""
    stops = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))
    position = min(max(fraction, 0.0), 1.0) * (len(stops) - 1)
    low = int(position)
    high = min(low + 1, len(stops) - 1)
    mix = position - low
    rgb = [round(a + (b - a) * mix) for a, b in zip(stops[low], stops[high])]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def heatmap_svg(values, cell=8):
    """A small SVG heat map of a 2-D NumPy array (subsampled above 64 x 64)."""
    import numpy as np
    values = np.asarray(values, dtype="float64")
    row_step = max(1, -(-values.shape[0] // MAX_HEATMAP_CELLS))
    column_step = max(1, -(-values.shape[1] // MAX_HEATMAP_CELLS))
    values = values[::row_step, ::column_step]
    finite = values[np.isfinite(values)]
    low = float(finite.min()) if finite.size else 0.0
    span = (float(finite.max()) - low) if finite.size else 0.0
    rects = []
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            fraction = (value - low) / span if span > 0 and np.isfinite(value) else 0.5
            rects.append(f'<rect x="{j * cell}" y="{i * cell}" width="{cell}" '
                         f'height="{cell}" fill="{_color(fraction)}"/>')
    height, width = values.shape[0] * cell, values.shape[1] * cell
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
            f'<title>min {low:.4g}, max {low + span:.4g}</title>{"".join(rects)}</svg>')


def ndarray_mimebundle(array):
    """Values with MXNet's footer (``<NDArray 2x3 @cpu(0)>``), plus a heat map for 2-D."""
    text = repr(array)
    body = f"<pre>{html.escape(text)}</pre>"
    if len(array.shape) == 2 and array.size > 0 and str(array.dtype) != "bool":
        body += heatmap_svg(array.asnumpy())
    return {"text/plain": text, "text/html": body}


def symbol_mimebundle(symbol):
    """The symbol's graph (``plot_network``; dlkit's layout without ``dot``)."""
    from ..visualization import plot_network
    text = repr(symbol)
    try:
        svg = plot_network(symbol)._repr_image_svg_xml()
    except Exception as error:  # a graph that cannot be drawn still shows its text
        return {"text/plain": text,
                "text/html": f"<pre>{html.escape(text)}\n({html.escape(str(error))})</pre>"}
    return {"text/plain": text, "image/svg+xml": svg}


def executor_mimebundle(executor):
    """Tables of arguments, gradients, aux states and outputs with shapes."""
    from ._common import html_table, format_shape
    sections = (("arguments", executor.arg_dict), ("gradients", executor.grad_dict),
                ("aux states", executor.aux_dict), ("outputs", executor.output_dict))
    parts = []
    for title, mapping in sections:
        rows = [(name, format_shape(a.shape) if a is not None else "-",
                 _dtype_name(a.dtype) if a is not None else "-") for name, a in mapping.items()]
        if rows:
            parts.append(f"<h4>{title}</h4>" + html_table(["name", "shape", "dtype"], rows))
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
