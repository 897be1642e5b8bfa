"""What every widget shares: optional ipywidgets, HTML tables, the static display form.

A widget keeps its *state* in plain attributes (tables, selected node, error text) so
tests and static output read it directly; the ipywidgets controls, when ipywidgets is
installed, only mirror that state. ``StaticDisplay`` gives every widget a
``_repr_mimebundle_`` with text/plain and HTML (plus the live widget view where a
widget front end exists), so GitHub, nbval and Colab show something.
"""
import html

__all__ = ["ipywidgets_or_none", "html_table", "format_shape", "StaticDisplay",
           "in_notebook"]


def ipywidgets_or_none():
    """The ipywidgets module, or None where it is not installed (static output only)."""
    try:
        import ipywidgets
    except ImportError:
        return None
    return ipywidgets


def in_notebook():
    """True inside a Jupyter kernel (where widgets and display handles work)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def format_shape(shape):
    """``(64, 1, 28, 28)`` -> ``'(64, 1, 28, 28)'``; unknown -> ``'?'``.

    ``infer_shape_partial`` reports an unknown shape as ``()`` and an unknown axis as 0
    (MXNet's convention); both print as ``?``.
    """
    if not shape:
        return "?"
    dims = ["?" if not d else str(d) for d in shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def html_table(header, rows, highlight=None):
    """A small HTML table; rows whose first cell is in ``highlight`` are red."""
    highlight = highlight or set()
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = []
    for row in rows:
        style = (
            ' style="color:red;font-weight:bold"' if row and row[0] in highlight else ""
        )
        cells = "".join(f"<td>{html.escape(str(c))}</td>" for c in row)
        body.append(f"<tr{style}>{cells}</tr>")
    return (f'<table class="dlkit-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def text_table(header, rows):
    """The same table as aligned plain text."""
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths))
             for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class StaticDisplay:
    """Mixin: ``_repr_mimebundle_`` = live widget + ``static_html`` + ``__repr__``.

    Subclasses define ``static_html()`` and ``__repr__``; they set ``self.ui`` to their
    ipywidgets container or None.
    """
    ui = None

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        bundle = {"text/plain": repr(self), "text/html": self.static_html()}
        if self.ui is not None and in_notebook():
            live = self.ui._repr_mimebundle_(include=include, exclude=exclude)
            live = live or {}
            bundle.update({k: v for k, v in live.items() if k != "text/plain"})
        return bundle

    def _repr_html_(self):
        return self.static_html()
