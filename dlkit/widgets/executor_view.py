"""``ExecutorView``: fill an Executor's inputs, run forward/backward, see every array.

Tables list arguments, gradients, auxiliary states and outputs with shapes and a short
summary (min / mean / max); the plan (one row per op, in execution order) and the
memory summary come from the Executor itself. Pick any array to see it as a heat map
and a histogram (matplotlib, imported when first drawn)::

    view = ExecutorView(lenet, data=(4, 1, 28, 28), softmax_label=(4,))
    view.fill('data', 'random'); view.forward(is_train=True); view.backward()
    view.grad_rows()  -> [('conv1_weight', (20, 1, 5, 5), 'min .. mean .. max'), ...]

``backward`` works for Group outputs too: heads that are not losses get a head gradient
of ones (what ``y.backward()`` uses for a scalar).
"""

from ..visualization.network import as_symbol
from ._common import (StaticDisplay, format_shape, html_table, ipywidgets_or_none,
                      text_table)
from ._plots import heatmap_png, histogram_png

__all__ = ["ExecutorView"]


def _summary(array):
    if array is None:
        return "-"
    values = array.asnumpy()
    if values.size == 0:
        return "empty"
    return f"{values.min():.4g} .. {values.mean():.4g} .. {values.max():.4g}"


class ExecutorView(StaticDisplay):
    """Inspect and drive an Executor (or a Symbol bound here with ``simple_bind``).

    Parameters
    ----------
    executor : Executor, Symbol or gluon.HybridBlock
        A bound executor, or a symbol to ``simple_bind`` with ``shapes`` (a block is
        first traced on one ``sym.var`` per name in ``shapes``).
    **shapes
        Input shapes for ``simple_bind`` (``data=(4, 784)``).
    """

    def __init__(self, executor, **shapes):
        if not hasattr(executor, "arg_dict"):
            from ..context import cpu
            executor = as_symbol(executor, shapes).simple_bind(cpu(), **shapes)
        self.executor = executor
        self.selected = None
        self.ui = self._build_ui()
        self._sync()

    # ---- actions ----
    def fill(self, name, how="ones", seed=0):
        """Set ``name`` to 'ones', 'zeros', 'random' (uniform -1..1) or an array."""
        import numpy as np
        target = self.executor.arg_dict[name]
        if isinstance(how, str):
            if how == "ones":
                values = np.ones(target.shape)
            elif how == "zeros":
                values = np.zeros(target.shape)
            elif how == "random":
                values = np.random.RandomState(seed).uniform(-1, 1, target.shape)
            else:
                raise ValueError(
                    f"fill {name!r}: how must be 'ones', 'zeros', 'random' or "
                    f"an array, got {how!r}"
                )
        else:
            values = np.asarray(how.asnumpy() if hasattr(how, "asnumpy") else how)
        target[:] = values.astype(target.dtype)
        self._sync()

    def fill_all(self, how="random"):
        """Fill every argument (data, labels and parameters) the same way."""
        for seed, name in enumerate(self.executor.arg_dict):
            self.fill(name, how, seed=seed)

    def forward(self, is_train=False):
        self.executor.forward(is_train=is_train)
        self._sync()
        return self.executor.outputs

    def backward(self):
        """Backward with head gradients of ones for outputs that are not loss heads."""
        from ..ndarray import ones
        from ..ops.registry import get_op
        heads = [get_op(step["op"]) for step in self.executor.plan
                 if step["name"] in self._head_names()]
        if heads and all(op.is_loss for op in heads):
            self.executor.backward()
        else:
            self.executor.backward([ones(out.shape) for out in self.executor.outputs])
        self._sync()

    # ---- tables ----
    def _rows(self, mapping):
        return [(name, tuple(a.shape) if a is not None else None, _summary(a))
                for name, a in mapping.items()]

    def argument_rows(self):
        return self._rows(self.executor.arg_dict)

    def grad_rows(self):
        return self._rows(self.executor.grad_dict)

    def aux_rows(self):
        return self._rows(self.executor.aux_dict)

    def _head_names(self):
        """Node names of the outputs: ``softmax_output`` -> ``softmax``."""
        return {key.rsplit("_", 1)[0] for key in self.executor.output_dict}

    def output_rows(self):
        return self._rows(self.executor.output_dict)

    def plan_rows(self):
        plan = getattr(self.executor, "plan", [])
        return [
            (step["name"], step["op"], ", ".join(step["inputs"]),
             " ".join(format_shape(s) for s in step["output_shapes"]))
            for step in plan
        ]

    def memory(self):
        summary = getattr(self.executor, "memory_summary", None)
        return summary() if summary else {}

    def array(self, name):
        """NDArray ``name``: an output, an argument, 'grad:<arg>' or an aux state."""
        executor = self.executor
        outputs = executor.output_dict
        if name.startswith("grad:"):
            return executor.grad_dict[name[5:]]
        for mapping in (outputs, executor.arg_dict, executor.aux_dict):
            if name in mapping:
                return mapping[name]
        raise KeyError(f"no array named {name!r}")

    def heatmap(self, name):
        """PNG bytes: heat map of array ``name``."""
        return heatmap_png(self.array(name).asnumpy(), name)

    def histogram(self, name):
        """PNG bytes: histogram of array ``name``."""
        return histogram_png(self.array(name).asnumpy(), name)

    def _sections(self):
        header = ["name", "shape", "min .. mean .. max"]
        return [("outputs", header, self.output_rows()),
                ("arguments", header, self.argument_rows()),
                ("gradients", header, self.grad_rows()),
                ("aux states", header, self.aux_rows()),
                ("plan", ["node", "op", "inputs", "output shapes"], self.plan_rows())]

    def static_html(self):
        parts = []
        for title, header, rows in self._sections():
            if rows:
                shown = [(r[0], format_shape(r[1]), *r[2:]) if title != "plan" else r
                         for r in rows]
                parts.append(f"<h4>{title}</h4>" + html_table(header, shown))
        memory = self.memory()
        if memory:
            parts.append("<p>memory (bytes): " + ", ".join(
                f"{k} {v}" for k, v in memory.items()) + "</p>")
        return "".join(parts)

    def __repr__(self):
        lines = ["ExecutorView"]
        for title, header, rows in self._sections()[:4]:
            if rows:
                lines.append(
                    text_table(
                        [title, *header[1:]],
                        [(r[0], format_shape(r[1]), r[2]) for r in rows],
                    )
                )
        return "\n".join(lines)

    # ---- ipywidgets ----
    def _build_ui(self):
        widgets = ipywidgets_or_none()
        if widgets is None:
            return None
        names = list(self.executor.arg_dict)
        self._fill_name = widgets.Dropdown(options=names, description="input")
        self._fill_how = widgets.Dropdown(options=["ones", "random", "zeros"])
        fill_button = widgets.Button(description="fill")
        fill_button.on_click(
            lambda _: self.fill(self._fill_name.value, self._fill_how.value)
        )
        forward_button = widgets.Button(description="forward")
        forward_button.on_click(lambda _: self.forward(is_train=True))
        backward_button = widgets.Button(description="backward")
        backward_button.on_click(lambda _: self.backward())
        choices = (list(self.executor.output_dict) + names
                   + [f"grad:{n}" for n in names] + list(self.executor.aux_dict))
        self._picked = widgets.Dropdown(options=choices, description="show")
        self._picked.observe(lambda change: self._draw(change["new"]), names="value")
        self._tables = widgets.HTML()
        self._heat = widgets.Image(format="png")
        self._hist = widgets.Image(format="png")
        return widgets.VBox([
            widgets.HBox([self._fill_name, self._fill_how, fill_button, forward_button,
                          backward_button]),
            self._tables, self._picked, widgets.HBox([self._heat, self._hist])])

    def _draw(self, name):
        self.selected = name
        self._heat.value = self.heatmap(name)
        self._hist.value = self.histogram(name)

    def _sync(self):
        if self.ui is None:
            return
        self._tables.value = self.static_html()
        if self.selected is not None:
            self._draw(self.selected)
