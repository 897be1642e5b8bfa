"""Pictures without the ``dot`` program: dlkit's SVG, or matplotlib for PNG/PDF.

``fallback_pipe`` is what ``DotGraph.pipe`` does when ``dot`` is missing;
``FallbackGraph`` stands in for a ``graphviz.Digraph`` when even the ``graphviz`` Python
package is absent, with the same ``source``, ``pipe``, ``render`` and notebook display.
"""
import os

from .graph_spec import warn_dot_missing

__all__ = ["fallback_pipe", "fallback_render", "fallback_mimebundle", "FallbackGraph",
           "dot_source"]


def fallback_pipe(spec, format="svg", encoding=None):
    """The picture of ``spec`` in ``format`` ('svg' or matplotlib's png, pdf...)."""
    if format == "svg":
        data = spec.to_svg().encode("utf-8")
    else:
        from .svg_layout import to_image
        data = to_image(spec, format)
    return data.decode(encoding) if encoding else data


def fallback_render(spec, source, filename, directory, format):
    """Write the DOT source to ``filename``, the picture beside it; return its path."""
    warn_dot_missing()
    path = os.path.join(directory or "", filename)
    if os.path.dirname(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(source)
    outfile = f"{path}.{format}"
    with open(outfile, "wb") as handle:
        handle.write(fallback_pipe(spec, format))
    return outfile


def fallback_mimebundle(spec, text):
    """What a notebook shows for ``spec`` without ``dot``: dlkit's SVG and text."""
    warn_dot_missing()
    return {"image/svg+xml": spec.to_svg(), "text/plain": text}


def _quote(text):
    """Quote a DOT identifier the way the graphviz package does."""
    text = str(text)
    if text.isidentifier() or text.replace(".", "", 1).isdigit():
        return text
    return '"' + text.replace('"', '\\"') + '"'


def _attr_list(label, attrs):
    parts = [] if label is None else [f"label={_quote(label)}"]
    parts += [f"{key}={_quote(value)}" for key, value in sorted(attrs.items())]
    return " [" + " ".join(parts) + "]" if parts else ""


def dot_source(spec):
    """DOT text for ``spec``, formatted like the graphviz package formats it."""
    lines = [f"digraph {_quote(spec.name)} {{"]
    for node in spec.nodes:
        lines.append(
            f"\t{_quote(node['name'])}{_attr_list(node['label'], node['attrs'])}"
        )
    for edge in spec.edges:
        lines.append(f"\t{_quote(edge['tail'])} -> {_quote(edge['head'])}"
                     f"{_attr_list(edge['label'], edge['attrs'])}")
    return "\n".join(lines) + "\n}\n"


class FallbackGraph:
    """A graph picture with a ``graphviz.Digraph``-like face, drawn by dlkit."""

    def __init__(self, spec, save_format="pdf"):
        self.spec = spec
        self.name = spec.name
        self.format = save_format

    @property
    def source(self):
        return dot_source(self.spec)

    def pipe(self, format=None, encoding=None, **kwargs):
        return fallback_pipe(self.spec, format or self.format, encoding)

    def render(self, filename=None, directory=None, view=False, cleanup=False,
               format=None, **kwargs):
        return fallback_render(self.spec, self.source, filename or f"{self.name}.gv",
                               directory, format or self.format)

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        return fallback_mimebundle(self.spec, repr(self))

    def _repr_svg_(self):
        return self.spec.to_svg()

    def __repr__(self):
        return f"<dlkit graph {self.name!r}: {len(self.spec.node_names())} nodes>"
