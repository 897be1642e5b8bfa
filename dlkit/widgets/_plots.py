"""Small matplotlib pictures as PNG bytes (Agg backend, no window, imported lazily)."""
import io

__all__ = ["figure_png", "heatmap_png", "histogram_png", "new_figure"]


def new_figure(width=4.0, height=3.0):
    """A matplotlib ``Figure`` not registered with pyplot (no GUI, no global state)."""
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), dpi=80)


def figure_png(figure):
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _as_2d(values):
    import numpy as np
    values = np.asarray(values, dtype="float64")
    if values.ndim == 0:
        return values.reshape(1, 1)
    if values.ndim == 1:
        return values.reshape(1, -1)
    return values.reshape(values.shape[0], -1)


def heatmap_png(values, title=""):
    """A heat map of an array (rows x everything else), with a colour bar."""
    figure = new_figure()
    axes = figure.add_subplot()
    image = axes.imshow(_as_2d(values), cmap="viridis", aspect="auto")
    figure.colorbar(image, ax=axes)
    axes.set_title(title)
    return figure_png(figure)


def histogram_png(values, title="", bins=30):
    """A histogram of all of an array's values."""
    import numpy as np
    figure = new_figure()
    axes = figure.add_subplot()
    axes.hist(np.asarray(values, dtype="float64").ravel(), bins=bins, color="#80b1d3")
    axes.set_title(title)
    return figure_png(figure)
