"""``GraphExplorer``: look around a Symbol's graph one node at a time.

Controls (ipywidgets, when installed): a node dropdown, a "show weights" checkbox and an
"internal output" dropdown listing ``symbol.get_internals().list_outputs()``. The
picture is ``mx.viz.plot_network`` of the current view with the selected node outlined;
beside it the selected node's op, attributes, inputs, inferred shapes and parameter
count.

Clicking: an SVG shown in a notebook sends no events back to Python, so under the
picture a *node map* repeats the graph as buttons, one row per depth (inputs first,
each button coloured like its node in the picture). Clicking a button selects that
node, as picking it in the dropdown does::

    depth 0   [data]
    depth 1   [fc1]
    depth 2   [relu1]  [softmax_label]
    depth 3   [softmax]

State lives in plain attributes (``selected``, ``hide_weights``, ``view``) and methods
(``select``, ``show_weights``, ``show_internal``, ``node_info``, ``node_levels``) so it
can be driven and tested without a browser.
"""

import copy
import math

from ..visualization.network import (as_symbol, looks_like_weight, network_spec,
                                     shape_dicts)
from ..visualization.graph_spec import make_graph
from ._common import (StaticDisplay, format_shape, html_table, ipywidgets_or_none,
                      text_table)

__all__ = ["GraphExplorer"]


class GraphExplorer(StaticDisplay):
    """Browse a Symbol (or HybridBlock) graph: pick a node, see everything about it.

    Parameters
    ----------
    symbol : Symbol or gluon.HybridBlock
    shape : dict of str to tuple, optional
        Input shapes; with them edges and the node table show inferred shapes.

    Example
    -------
    >>> explorer = GraphExplorer(net, shape={'data': (1, 784)})
    >>> explorer.select('fc1'); explorer.node_info('fc1')['params']  # doctest: +SKIP
    """

    def __init__(self, symbol, shape=None):
        self.symbol = as_symbol(symbol, shape)
        self.shape = shape
        self.hide_weights = True
        self.view = self.symbol
        self.internal = None
        self.selected = None
        self._refresh()
        self.ui = self._build_ui()

    # ---- state changes ----
    def select(self, name):
        """Select node ``name`` (its details appear and it is outlined in the graph)."""
        if name not in self.spec.details:
            raise KeyError(
                f"no node named {name!r}; nodes: {', '.join(self.spec.details)}"
            )
        self.selected = name
        self._sync()

    def show_weights(self, flag=True):
        """Draw parameter variables (``*_weight``, ``*_bias``) or hide them."""
        self.hide_weights = not flag
        self._refresh()

    def show_internal(self, output_name=None):
        """View only the part of the graph computing internal output ``output_name``
        (``'fc1_output'``); None goes back to the whole graph."""
        if output_name is None:
            self.view = self.symbol
        else:
            internals = self.symbol.get_internals()
            names = internals.list_outputs()
            if output_name not in names:
                raise KeyError(
                    f"no internal output {output_name!r}; choose from {names}"
                )
            self.view = internals[names.index(output_name)]
        self.internal = output_name
        self._refresh()

    # ---- what is shown ----
    def _refresh(self):
        shape = self._view_shapes()
        self.spec = network_spec(
            self.view, "plot", shape, hide_weights=self.hide_weights
        )
        self.shapes, _ = shape_dicts(self.view, shape) if shape else (None, None)
        self.arg_shapes = {}
        if shape:
            arg_shapes, _, aux_shapes = self.view.infer_shape(**shape)
            self.arg_shapes = dict(zip(self.view.list_arguments(), arg_shapes))
            self.arg_shapes.update(zip(self.view.list_auxiliary_states(), aux_shapes))
        if self.selected not in self.spec.details:
            self.selected = None
        self._sync()

    def _view_shapes(self):
        if not self.shape:
            return None
        arguments = set(self.view.list_arguments())
        return {k: v for k, v in self.shape.items() if k in arguments}

    def node_info(self, name=None):
        """A node's ``{'name', 'op', 'attrs', 'inputs', 'output_shapes', 'params'}``."""
        name = name or self.selected
        detail = self.spec.details[name]
        outputs = []
        if self.shapes is not None:
            outputs = [(key, shape) for key, shape in self.shapes.items()
                       if key == name or key.startswith(name + "_output")]
        params = 0
        for source in detail["inputs"]:
            if looks_like_weight(source) and source in self.arg_shapes:
                params += math.prod(self.arg_shapes[source])
        return {"name": name, "op": detail["op"], "attrs": dict(detail["attrs"]),
                "inputs": list(detail["inputs"]), "output_shapes": outputs,
                "params": params}

    def node_levels(self):
        """Node names grouped by depth (longest path from an input): what the node map
        shows, one row per depth."""
        depth = {}
        for name in self.spec.node_names():
            detail = self.spec.details.get(name, {"inputs": []})
            sources = [depth[source] for source in detail["inputs"] if source in depth]
            depth[name] = 1 + max(sources) if sources else 0
        levels = [[] for _ in range(1 + max(depth.values(), default=-1))]
        for name, level in depth.items():
            levels[level].append(name)
        return levels

    def graph(self):
        """The current picture as a ``graphviz.Digraph`` (selected node outlined)."""
        spec = copy.deepcopy(self.spec)
        if self.selected is not None:
            spec.highlight(self.selected, color="blue")
        return make_graph(spec)

    def info_rows(self):
        if self.selected is None:
            return []
        info = self.node_info()
        rows = [("op", info["op"]), ("inputs", ", ".join(info["inputs"]) or "-")]
        rows += [(f"attr {k}", v) for k, v in sorted(info["attrs"].items())]
        rows += [(f"shape {k}", format_shape(s)) for k, s in info["output_shapes"]]
        rows.append(("parameters", info["params"]))
        return rows

    # ---- ipywidgets ----
    def _build_ui(self):
        widgets = ipywidgets_or_none()
        if widgets is None:
            return None
        self._node_box = widgets.Dropdown(description="node", options=[])
        self._weights_box = widgets.Checkbox(description="show weights", value=False)
        internals = ["(whole graph)"] + self.symbol.get_internals().list_outputs()
        self._internal_box = widgets.Dropdown(description="output", options=internals)
        self._picture = widgets.HTML()
        self._info = widgets.HTML()
        self._node_map = widgets.VBox()
        self._node_buttons = {}
        self._map_levels = None
        self._node_box.observe(lambda change: self.select(change["new"])
                               if change["new"] else None, names="value")
        self._weights_box.observe(lambda change: self.show_weights(change["new"]),
                                  names="value")
        self._internal_box.observe(
            lambda change: self.show_internal(None if change["new"] == "(whole graph)"
                                              else change["new"]), names="value")
        controls = widgets.HBox([self._node_box, self._weights_box, self._internal_box])
        self._sync()
        return widgets.VBox([controls, widgets.HBox([self._picture, self._info]),
                             widgets.HTML("<b>click a node:</b>"), self._node_map])

    def _sync(self):
        if getattr(self, "_picture", None) is None:
            return
        self._node_box.options = [""] + list(self.spec.details)
        self._node_box.value = self.selected or ""
        self._picture.value = self.graph()._repr_image_svg_xml()
        self._info.value = html_table(["", self.selected or ""], self.info_rows())
        self._sync_node_map()

    def _sync_node_map(self):
        """Rebuild the buttons when the view changed; mark the selected one."""
        widgets = ipywidgets_or_none()
        levels = self.node_levels()
        if levels != self._map_levels:
            self._map_levels = levels
            colors = {node["name"]: node["attrs"].get("fillcolor")
                      for node in self.spec.nodes}
            self._node_buttons = {}
            rows = []
            for level in levels:
                row = []
                for name in level:
                    button = widgets.Button(description=name,
                                            tooltip=self.spec.details.get(
                                                name, {}).get("op", name),
                                            layout=widgets.Layout(width="auto"))
                    if colors.get(name):
                        button.style.button_color = colors[name]
                    if name in self.spec.details:
                        button.on_click(lambda _, name=name: self.select(name))
                    else:   # a weight drawn from an edge only: nothing to show
                        button.disabled = True
                    self._node_buttons[name] = button
                    row.append(button)
                rows.append(widgets.HBox(row))
            self._node_map.children = rows
        for name, button in self._node_buttons.items():
            button.icon = "check" if name == self.selected else ""

    def static_html(self):
        return (self.graph()._repr_image_svg_xml()
                + html_table(["", self.selected or ""], self.info_rows()))

    def __repr__(self):
        text = f"GraphExplorer: {len(self.spec.details)} nodes"
        if self.selected is not None:
            text += "\n" + text_table(["", self.selected], self.info_rows())
        return text
