"""How a notebook shows an NDArray: MXNet's text, as HTML, plus a heat map for 2-D.

``NDArray._repr_mimebundle_`` calls ``ndarray_mimebundle`` (imported only when a
notebook displays an array, so ``import dlkit`` stays fast). The bundle has two parts::

    text/plain  repr(x) unchanged: the values, then MXNet's footer <NDArray 2x3 @cpu(0)>
    text/html   the same text in <pre>, and for a 2-D array an inline SVG heat map

The heat map is plain SVG (one ``<rect>`` per value, no JavaScript, no image encoder),
so saved notebooks stay small, static and identical from run to run, which nbval needs
when it compares a cell's outputs. Large arrays are subsampled to at most
``MAX_HEATMAP_CELLS`` rows and columns.
"""

import html

__all__ = ["ndarray_mimebundle", "heatmap_svg", "MAX_HEATMAP_CELLS"]

MAX_HEATMAP_CELLS = 24  # rows and columns drawn at most; every k-th one above that

# A viridis-like ramp: dark blue for the smallest value, yellow for the largest.
_RAMP = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))


def _color(fraction):
    """``#rrggbb`` for ``fraction`` in [0, 1] along the ramp (linear between stops)."""
    position = min(max(fraction, 0.0), 1.0) * (len(_RAMP) - 1)
    low = int(position)
    high = min(low + 1, len(_RAMP) - 1)
    mix = position - low
    rgb = [round(a + (b - a) * mix) for a, b in zip(_RAMP[low], _RAMP[high])]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def heatmap_svg(values, cell=12):
    """An SVG heat map of a 2-D array: one ``cell`` x ``cell`` square per value.

    Each square's tooltip is its index and value; the picture's title gives the range.
    NaN and infinite values are drawn grey. Arrays above ``MAX_HEATMAP_CELLS`` rows or
    columns show every k-th row/column.
    """
    import numpy as np
    values = np.asarray(values, dtype="float64")
    row_step = -(-values.shape[0] // MAX_HEATMAP_CELLS)  # ceiling division
    column_step = -(-values.shape[1] // MAX_HEATMAP_CELLS)
    values = values[::row_step, ::column_step]
    finite = values[np.isfinite(values)]
    low = float(finite.min()) if finite.size else 0.0
    high = float(finite.max()) if finite.size else 0.0
    rects = []
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if not np.isfinite(value):
                fill = "#bbbbbb"
            elif high > low:
                fill = _color((value - low) / (high - low))
            else:  # a constant array: the middle colour
                fill = _color(0.5)
            rects.append(f'<rect x="{j * cell}" y="{i * cell}" width="{cell}" '
                         f'height="{cell}" fill="{fill}"><title>[{i * row_step}, '
                         f'{j * column_step}] {value:.4g}</title></rect>')
    width, height = values.shape[1] * cell, values.shape[0] * cell
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'shape-rendering="crispEdges"><title>min {low:.4g}, max {high:.4g}</title>'
        f'{"".join(rects)}</svg>'
    )


def ndarray_mimebundle(array):
    """``{'text/plain': repr(array), 'text/html': values + footer [+ heat map]}``.

    Example
    -------
    >>> bundle = ndarray_mimebundle(mx.nd.ones((2, 3)))
    >>> sorted(bundle)
    ['text/html', 'text/plain']
    """
    text = repr(array)
    body = f'<pre class="dlkit-ndarray">{html.escape(text.strip())}</pre>'
    if len(array.shape) == 2 and array.size > 0:
        body += heatmap_svg(array.asnumpy())
    return {"text/plain": text, "text/html": body}
