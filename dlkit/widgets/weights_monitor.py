"""``WeightsMonitor``: histograms of every parameter and its gradient, over training.

``mx.mon.Monitor`` prints one number per array (the root mean square) every few
batches; this draws what those numbers summarise. Every ``interval`` batches it stores,
for each parameter, a histogram of the weights and of the gradients plus their root
mean squares; ``figure()`` draws one row per parameter: weight histograms (left) and
gradient histograms (right), early steps light, late steps dark.

Sources: as a ``Module.fit`` ``batch_end_callback`` (reads the module's parameter and
gradient arrays), from a Gluon loop with ``monitor.update(net.collect_params())`` after
``loss.backward()``, or from any dicts with ``monitor.record(step, weights, grads)``.
"""
from ._common import StaticDisplay, html_table, text_table

__all__ = ["WeightsMonitor"]


def _numpy(array):
    import numpy as np
    if array is None:
        return None
    return array.asnumpy() if hasattr(array, "asnumpy") else np.asarray(array)


def _histogram(values, bins):
    import numpy as np
    if values is None or values.size == 0:
        return None
    counts, edges = np.histogram(values.ravel(), bins=bins)
    return counts, edges


def _rms(values):
    import numpy as np
    return None if values is None else float(np.sqrt(np.mean(np.square(values))))


class WeightsMonitor(StaticDisplay):
    """Collect weight/gradient histograms every ``interval`` batches; draw them.

    Parameters
    ----------
    interval : int
        Record every ``interval``-th call.
    pattern : str
        Regular expression: only parameters whose name matches are recorded.
    bins : int
        Histogram bins.
    """

    def __init__(self, interval=1, pattern=".*", bins=30):
        import re
        self.interval = interval
        self.pattern = re.compile(pattern)
        self.bins = bins
        self.calls = 0
        self.steps = []
        # name -> list of {"step", "weight", "grad", "weight_rms", "grad_rms"}
        self.history = {}

    def record(self, step, weights, grads=None):
        """Store histograms of ``weights[name]``, ``grads[name]`` (NDArray/NumPy)."""
        grads = grads or {}
        self.steps.append(step)
        for name, weight in weights.items():
            if not self.pattern.match(name):
                continue
            weight, grad = _numpy(weight), _numpy(grads.get(name))
            self.history.setdefault(name, []).append({
                "step": step, "weight": _histogram(weight, self.bins),
                "grad": _histogram(grad, self.bins),
                "weight_rms": _rms(weight), "grad_rms": _rms(grad)})

    def _due(self):
        self.calls += 1
        return (self.calls - 1) % self.interval == 0

    def __call__(self, param):
        """``batch_end_callback`` for ``Module.fit`` (``param``: BatchEndParam)."""
        if not self._due():
            return
        group = param.locals["self"]._exec_group
        weights = {
            n: arrays[0] for n, arrays in zip(group.param_names, group.param_arrays)
        }
        grads = {
            n: arrays[0] for n, arrays in zip(group.param_names, group.grad_arrays)
        }
        self.record((param.epoch, param.nbatch), weights, grads)

    def update(self, params, step=None):
        """Record from a Gluon ``ParameterDict`` (call after ``loss.backward()``)."""
        if not self._due():
            return
        weights, grads = {}, {}
        for name, parameter in params.items():
            weights[name] = parameter.data()
            if getattr(parameter, "grad_req", "write") != "null":
                grads[name] = parameter.grad()
        self.record(self.calls - 1 if step is None else step, weights, grads)

    def rows(self):
        """Per parameter: ``(name, steps, last weight RMS, last gradient RMS)``."""
        rows = []
        for name, entries in self.history.items():
            last = entries[-1]
            rows.append(
                (name, len(entries), _fmt(last["weight_rms"]), _fmt(last["grad_rms"]))
            )
        return rows

    def figure(self, max_rows=8):
        """One row per parameter: weight and gradient histograms over time."""
        from ._plots import new_figure
        names = list(self.history)[:max_rows]
        figure = new_figure(8.0, 1.8 * max(1, len(names)))
        for row, name in enumerate(names):
            entries = self.history[name]
            for column, kind in enumerate(("weight", "grad")):
                axes = figure.add_subplot(len(names), 2, 2 * row + column + 1)
                for index, entry in enumerate(entries):
                    if entry[kind] is None:
                        continue
                    counts, edges = entry[kind]
                    shade = 0.15 + 0.85 * (index + 1) / len(entries)
                    axes.plot((edges[:-1] + edges[1:]) / 2, counts,
                              color=(0.1, 0.3, 0.7, shade) if kind == "weight"
                              else (0.8, 0.3, 0.1, shade))
                axes.set_title(
                    f"{name} {'weights' if kind == 'weight' else 'gradients'}",
                    fontsize=8,
                )
                axes.tick_params(labelsize=6)
        figure.tight_layout()
        return figure

    def png(self):
        from ._plots import figure_png
        return figure_png(self.figure())

    def static_html(self):
        import base64
        table = html_table(
            ["parameter", "steps", "weight rms", "gradient rms"], self.rows()
        )
        if not self.history:
            return table
        image = base64.b64encode(self.png()).decode()
        return table + f'<img src="data:image/png;base64,{image}"/>'

    def _repr_png_(self):
        return self.png() if self.history else None

    def __repr__(self):
        return "WeightsMonitor\n" + text_table(
            ["parameter", "steps", "weight rms", "gradient rms"], self.rows())


def _fmt(value):
    return "-" if value is None else f"{value:.4g}"
