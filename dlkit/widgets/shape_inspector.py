"""``ShapeInspector``: type an input shape, watch ``infer_shape`` fill in the others.

One text box per data argument (an argument that is not a parameter: ``data``,
``softmax_label``). On every change ``symbol.infer_shape(**shapes)`` runs and the widget
shows three tables (arguments, outputs, auxiliary states) and the graph with a shape on
every edge. When the shapes cannot work, the error names the node that failed (dlkit:
``infer_shape error in node conv1 (Convolution): ...``; MXNet: ``Error in operator
conv1: ...``); that node is drawn in red and the message is shown in words.
"""

import re

from ..visualization.graph_spec import make_graph
from ..visualization.network import as_symbol, looks_like_weight, network_spec
from ._common import (StaticDisplay, format_shape, html_table, ipywidgets_or_none,
                      text_table)

__all__ = ["ShapeInspector", "parse_shape", "failing_node"]

_NODE_PATTERNS = (
    re.compile(r"in node ([^\s:]+)"),
    re.compile(r"Error in operator ([^\s:]+)"),
)


def parse_shape(text):
    """``'64, 1, 28, 28'`` or ``'(64,1,28,28)'`` -> ``(64, 1, 28, 28)``; '' -> None."""
    numbers = re.findall(r"-?\d+", text or "")
    if not numbers:
        return None
    return tuple(int(n) for n in numbers)


def failing_node(message):
    """The node name an infer_shape error message blames, or None."""
    for pattern in _NODE_PATTERNS:
        match = pattern.search(message)
        if match:
            return match.group(1)
    return None


class ShapeInspector(StaticDisplay):
    """Shape tables and a shape-labelled graph that follow the input shapes you type.

    Example
    -------
    >>> inspector = ShapeInspector(lenet)
    >>> inspector.set_shape('data', '64, 1, 28, 28')
    >>> inspector.output_rows  # [('softmax_output', (64, 10))]  # doctest: +SKIP
    """

    def __init__(self, symbol, **shapes):
        self.symbol = as_symbol(symbol, shapes)
        self.data_names = [name for name in self.symbol.list_arguments()
                           if not looks_like_weight(name)]
        self.shapes = {name: None for name in self.data_names}
        self.shapes.update({k: tuple(v) for k, v in shapes.items()})
        self.ui = self._build_ui()
        self._infer()

    def set_shape(self, name, shape):
        """Set input ``name`` to ``shape`` (a tuple or text: ``'64, 1, 28, 28'``)."""
        if name not in self.shapes:
            raise KeyError(f"{name!r} is not a data input; inputs: {self.data_names}")
        self.shapes[name] = (
            parse_shape(shape) if isinstance(shape, str) else tuple(shape)
        )
        self._infer()

    def _infer(self):
        known = {k: v for k, v in self.shapes.items() if v is not None}
        self.error = None
        self.failing_node = None
        self.argument_rows, self.output_rows, self.aux_rows = [], [], []
        arg_shapes = out_shapes = aux_shapes = None
        try:
            arg_shapes, out_shapes, aux_shapes = self.symbol.infer_shape_partial(
                **known
            )
        except Exception as error:  # an MXNetError from the op that rejects the shapes
            self.error = str(error)
            self.failing_node = failing_node(self.error)
        if arg_shapes is not None:
            self.argument_rows = list(zip(self.symbol.list_arguments(), arg_shapes))
            self.output_rows = list(zip(self.symbol.list_outputs(), out_shapes))
            self.aux_rows = list(zip(self.symbol.list_auxiliary_states(), aux_shapes))
        self.spec = self._graph_spec(known)
        self._sync()

    def _graph_spec(self, known):
        """The graph with every edge's shape when all shapes are known; else without."""
        try:
            spec = network_spec(self.symbol, "shapes", known if self.complete else None)
        except Exception:
            spec = network_spec(self.symbol, "shapes")
        if self.failing_node is not None:
            spec.highlight(self.failing_node, color="red")
            for node in spec.nodes:
                if node["name"] == self.failing_node:
                    node["attrs"]["fillcolor"] = "#ff9999"
        return spec

    @property
    def complete(self):
        """True when inference succeeded and every shape is fully known."""
        rows = self.argument_rows + self.output_rows + self.aux_rows
        return (
            self.error is None
            and bool(rows)
            and all(s is not None and None not in s and 0 not in s for _, s in rows)
        )

    def graph(self):
        """The shape-labelled graph (failing node in red) as a ``graphviz.Digraph``."""
        return make_graph(self.spec)

    def tables(self):
        """``{'arguments', 'outputs', 'aux_states'}``, each rows of (name, shape)."""
        return {"arguments": self.argument_rows, "outputs": self.output_rows,
                "aux_states": self.aux_rows}

    def _tables_html(self):
        parts = []
        if self.error:
            parts.append(f'<p style="color:red"><b>{self.failing_node or "error"}</b>: '
                         f"{_escape(self.error)}</p>")
        for title, rows in self.tables().items():
            parts.append(f"<h4>{title}</h4>" + html_table(
                ["name", "shape"], [(n, format_shape(s)) for n, s in rows]))
        return "".join(parts)

    # ---- ipywidgets ----
    def _build_ui(self):
        widgets = ipywidgets_or_none()
        if widgets is None:
            return None
        self._boxes = {}
        for name in self.data_names:
            box = widgets.Text(description=name, placeholder="e.g. 64, 1, 28, 28",
                               value="" if self.shapes[name] is None
                               else ", ".join(map(str, self.shapes[name])))
            box.observe(lambda change, name=name: self.set_shape(name, change["new"]),
                        names="value")
            self._boxes[name] = box
        self._tables = widgets.HTML()
        self._picture = widgets.HTML()
        return widgets.VBox([widgets.HBox(list(self._boxes.values())),
                             widgets.HBox([self._tables, self._picture])])

    def _sync(self):
        if self.ui is None:
            return
        self._tables.value = self._tables_html()
        self._picture.value = self.graph()._repr_image_svg_xml()

    def static_html(self):
        return self._tables_html() + self.graph()._repr_image_svg_xml()

    def __repr__(self):
        lines = ["ShapeInspector"]
        if self.error:
            lines.append(f"error in {self.failing_node}: {self.error}")
        for title, rows in self.tables().items():
            if rows:
                lines.append(text_table([title, "shape"],
                                        [(n, format_shape(s)) for n, s in rows]))
        return "\n".join(lines)


def _escape(text):
    import html
    return html.escape(text)
