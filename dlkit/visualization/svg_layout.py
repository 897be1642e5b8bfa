"""dlkit's own graph layout: draws a ``GraphSpec`` when Graphviz's ``dot`` is missing.

A small version of the layered ("Sugiyama") drawing ``dot`` makes:

1. **Layers.** Every edge goes from a consumer (``tail``) down to its input (``head``),
   so a node sits one layer below the lowest consumer that uses it (longest path from
   the outputs). Outputs end up on top, data at the bottom: MXNet's pictures read
   bottom-up.
2. **Order.** Within a layer nodes are sorted by the mean position of their neighbours
   in the layer above, then below (the barycentre heuristic), which removes most
   crossings.
3. **Coordinates.** Each layer is centred; boxes are 1.3 x 0.8 inch like MXNet's nodes.

``to_svg`` writes the result as SVG text (no JavaScript, one ``<g class="node">`` per
node); ``to_image`` paints the same layout with matplotlib for PNG or PDF.
"""

from xml.sax.saxutils import escape

__all__ = ["layout", "to_svg", "to_image"]

POINTS_PER_INCH = 72
NODE_WIDTH = 1.3 * POINTS_PER_INCH
NODE_HEIGHT = 0.8034 * POINTS_PER_INCH
GAP_X = 24
GAP_Y = 44
MARGIN = 12
CHAR_WIDTH = 7.0  # 14px Times, roughly: enough to widen a box for a long label


def _node_table(spec):
    """name -> (label, attrs); nodes only named by edges get MXNet's implicit oval."""
    table = {name: (name, {"shape": "ellipse"}) for name in spec.node_names()}
    for node in spec.nodes:
        table[node["name"]] = (node["label"], node["attrs"])
    return table


def _layers(names, edges):
    """Longest-path layering from the consumers: layer[name] = 0 for graph outputs."""
    inputs_of = {name: [] for name in names}
    users = {name: 0 for name in names}
    for edge in edges:
        inputs_of[edge["tail"]].append(edge["head"])
        users[edge["head"]] += 1
    layer = {name: 0 for name in names}
    # Kahn's algorithm over "consumer before input" so every node is placed after all
    # of its consumers (the graphs are DAGs).
    ready = [name for name in names if users[name] == 0]
    while ready:
        name = ready.pop(0)
        for head in inputs_of[name]:
            layer[head] = max(layer[head], layer[name] + 1)
            users[head] -= 1
            if users[head] == 0:
                ready.append(head)
    return layer


def _order(rows, edges, sweeps=2):
    """Reorder nodes within layers by the barycentre of their neighbours' positions."""
    up = {}
    down = {}
    for edge in edges:
        up.setdefault(edge["head"], []).append(edge["tail"])
        down.setdefault(edge["tail"], []).append(edge["head"])
    for _ in range(sweeps):
        for neighbours, sequence in ((up, range(1, len(rows))),
                                     (down, range(len(rows) - 2, -1, -1))):
            for index in sequence:
                adjacent = rows[index - 1] if neighbours is up else rows[index + 1]
                position = {name: i for i, name in enumerate(adjacent)}

                def barycentre(name, start=rows[index]):
                    spots = [
                        position[n] for n in neighbours.get(name, ()) if n in position
                    ]
                    return sum(spots) / len(spots) if spots else start.index(name)
                rows[index] = sorted(rows[index], key=barycentre)
    return rows


def _box_width(label, attrs):
    longest = max(len(line) for line in str(label).split("\n"))
    return max(NODE_WIDTH, CHAR_WIDTH * longest + 12)


def layout(spec):
    """Positions for ``spec``: ``(boxes, edges, width, height)``.

    ``boxes[name] = (x_centre, y_centre, width, height, label, attrs)``; ``edges`` are
    ``(x1, y1, x2, y2, label, attrs)`` from the input's top to the consumer's bottom.
    """
    table = _node_table(spec)
    names = list(table)
    layer = _layers(names, spec.edges)
    rows = [[] for _ in range(max(layer.values(), default=0) + 1)]
    for name in names:
        rows[layer[name]].append(name)
    rows = _order(rows, spec.edges)
    widths = {name: _box_width(*table[name]) for name in names}
    row_widths = [sum(widths[n] for n in row) + GAP_X * (len(row) - 1) for row in rows]
    width = max(row_widths, default=NODE_WIDTH) + 2 * MARGIN
    boxes = {}
    for index, row in enumerate(rows):
        x = (width - row_widths[index]) / 2
        y = MARGIN + index * (NODE_HEIGHT + GAP_Y) + NODE_HEIGHT / 2
        for name in row:
            label, attrs = table[name]
            boxes[name] = (x + widths[name] / 2, y, widths[name], NODE_HEIGHT, label,
                           attrs)
            x += widths[name] + GAP_X
    height = 2 * MARGIN + len(rows) * NODE_HEIGHT + (len(rows) - 1) * GAP_Y
    lines = []
    for edge in spec.edges:
        tail, head = boxes[edge["tail"]], boxes[edge["head"]]
        lines.append((head[0], head[1] - head[3] / 2, tail[0], tail[1] + tail[3] / 2,
                      edge["label"], edge["attrs"]))
    return boxes, lines, width, height


def _svg_node(name, box):
    x, y, width, height, label, attrs = box
    fill = (
        attrs.get("fillcolor", "white")
        if "filled" in attrs.get("style", "")
        else "white"
    )
    stroke = attrs.get("color", "black")
    stroke_width = attrs.get("penwidth", "1")
    style = (
        f'fill="{escape(fill)}" stroke="{escape(stroke)}" stroke-width="{stroke_width}"'
    )
    if attrs.get("shape", "ellipse") in ("oval", "ellipse", "circle"):
        shape = (
            f'<ellipse cx="{x:.1f}" cy="{y:.1f}" '
            f'rx="{width / 2:.1f}" ry="{height / 2:.1f}" {style}/>'
        )
    else:
        shape = (
            f'<rect x="{x - width / 2:.1f}" y="{y - height / 2:.1f}" '
            f'width="{width:.1f}" height="{height:.1f}" {style}/>'
        )
    rows = str(label).split("\n")
    first = y - 8 * (len(rows) - 1) + 4
    text = "".join(f'<text x="{x:.1f}" y="{first + 16 * i:.1f}" text-anchor="middle">'
                   f"{escape(row)}</text>" for i, row in enumerate(rows))
    return (
        f'<g class="node" id="node-{escape(name)}">'
        f"<title>{escape(name)}</title>{shape}{text}</g>"
    )


def _svg_edge(line):
    x1, y1, x2, y2, label, attrs = line
    parts = [
        f'<g class="edge"><line x1="{x1:.1f}" y1="{y1:.1f}" '
        f'x2="{x2:.1f}" y2="{y2:.1f}" stroke="black" marker-end="url(#arrow)"/>'
    ]
    if label:
        parts.append(f'<text x="{(x1 + x2) / 2 + 4:.1f}" y="{(y1 + y2) / 2 + 4:.1f}" '
                     f'font-size="12">{escape(str(label))}</text>')
    return "".join(parts) + "</g>"


def to_svg(spec):
    """SVG text of ``spec`` drawn with ``layout`` (static: no scripts, no links)."""
    boxes, lines, width, height = layout(spec)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}pt" '
        f'height="{height:.0f}pt" viewBox="0 0 {width:.1f} {height:.1f}" '
        'font-family="Times,serif" font-size="14">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto">'
        '<path d="M0,0 L10,5 L0,10" fill="none" stroke="black"/></marker></defs>'
        f"<title>{escape(spec.name)}</title>"
        '<rect width="100%" height="100%" fill="white"/>'
    )
    body = [_svg_edge(line) for line in lines]
    body += [_svg_node(name, box) for name, box in boxes.items()]
    return head + "".join(body) + "</svg>"


def to_image(spec, format="png", dpi=96):
    """The same layout painted by matplotlib (Agg), as bytes of a ``format`` file."""
    import io

    from matplotlib.figure import Figure
    from matplotlib.patches import Ellipse, FancyArrowPatch, Rectangle
    boxes, lines, width, height = layout(spec)
    figure = Figure(figsize=(width / POINTS_PER_INCH, height / POINTS_PER_INCH))
    axes = figure.add_axes([0, 0, 1, 1])
    axes.set_xlim(0, width)
    axes.set_ylim(height, 0)
    axes.axis("off")
    for x1, y1, x2, y2, label, _ in lines:
        axes.add_patch(FancyArrowPatch((x1, y1), (x2, y2), arrowstyle="->",
                                       mutation_scale=10))
        if label:
            axes.text((x1 + x2) / 2 + 4, (y1 + y2) / 2, str(label), fontsize=8)
    for x, y, box_width, box_height, label, attrs in boxes.values():
        filled = "filled" in attrs.get("style", "")
        style = {"facecolor": attrs.get("fillcolor", "white") if filled else "white",
                 "edgecolor": attrs.get("color", "black"),
                 "linewidth": float(attrs.get("penwidth", 1))}
        if attrs.get("shape", "ellipse") in ("oval", "ellipse", "circle"):
            patch = Ellipse((x, y), box_width, box_height, **style)
        else:
            patch = Rectangle(
                (x - box_width / 2, y - box_height / 2), box_width, box_height, **style
            )
        axes.add_patch(patch)
        axes.text(x, y, str(label), ha="center", va="center", fontsize=9)
    buffer = io.BytesIO()
    figure.savefig(buffer, format=format, dpi=dpi)
    return buffer.getvalue()
