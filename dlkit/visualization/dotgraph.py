"""``DotGraph``: a real ``graphviz.Digraph`` that still draws when ``dot`` is missing.

``plot_network`` returns one, so code written for MXNet (``.source``, ``.render()``,
``.view()``, ``display(graph)``) keeps working. Where Graphviz's ``dot`` program is
installed every method is graphviz's own. Where it is not, displaying, ``pipe`` and
``render`` use dlkit's layout (``svg_layout``) and say once how to install ``dot``,
instead of a traceback from inside graphviz. This module imports ``graphviz``; it is
itself imported only when a picture is made.
"""
import graphviz

from .fallback import fallback_pipe, fallback_render
from .graph_spec import dot_available, warn_dot_missing

__all__ = ["DotGraph"]

# What graphviz raises when ``dot`` is absent or fails on this machine.
_DOT_FAILURES = (graphviz.ExecutableNotFound, graphviz.CalledProcessError, OSError)


class DotGraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` built from a ``GraphSpec``, with a dot-free fallback."""

    def __init__(self, spec, save_format="pdf"):
        super().__init__(name=spec.name, format=save_format)
        self.spec = spec
        for node in spec.nodes:
            self.node(name=node["name"], label=node["label"], **node["attrs"])
        for edge in spec.edges:
            self.edge(tail_name=edge["tail"], head_name=edge["head"],
                      label=edge["label"], **edge["attrs"])

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        return {"image/svg+xml": self._repr_image_svg_xml(), "text/plain": repr(self)}

    def _repr_image_svg_xml(self):
        if dot_available():
            try:
                # quiet: no dot warnings in cells
                return super().pipe(format="svg", encoding="utf-8", quiet=True)
            except _DOT_FAILURES:
                pass
        warn_dot_missing()
        return self.spec.to_svg()

    _repr_svg_ = _repr_image_svg_xml

    def pipe(self, format=None, renderer=None, formatter=None, neato_no_op=None,
             quiet=False, *, engine=None, encoding=None):
        if dot_available():
            return super().pipe(format, renderer, formatter, neato_no_op, quiet,
                                engine=engine, encoding=encoding)
        return fallback_pipe(self.spec, format or self.format, encoding)

    def render(self, filename=None, directory=None, view=False, cleanup=False,
               format=None, *args, **kwargs):
        if dot_available():
            return super().render(filename, directory, view, cleanup, format,
                                  *args, **kwargs)
        return fallback_render(self.spec, self.source, filename or self.filename,
                               directory or self.directory, format or self.format)

    def __repr__(self):
        return f"<dlkit graph {self.name!r}: {len(self.spec.node_names())} nodes>"
