"""``TrainingDashboard``: live training curves, speed, progress and a Stop button.

Feed it from ``Module.fit`` (it is a ``batch_end_callback``; its
``epoch_end_callback``/``eval_end_callback`` methods fit the other two hooks) or from a
Gluon loop with ``dash.update(epoch=, batch=, metrics={...}, samples=)``.

Drawing: one matplotlib figure per metric (train and validation curves), rendered to
PNG with the Agg backend and pushed into a display handle, so the picture is replaced in
place (no ``clear_output`` on your cell, no flicker) and the last frame stays in the
saved notebook as a static image. Redraws are throttled twice over: at most one every
``redraw_interval`` seconds (the end of an epoch and a validation result may come
sooner), and never so often that drawing takes more than ``MAX_DRAW_SHARE`` (2 %) of
the time: after a redraw that took d seconds the next waits at least d * 98 / 2 (a
frame costs about 0.07 s, so about one redraw every 3.5 s).
A slow machine therefore redraws less often instead of training slower
(benchmarks/dashboard_overhead.py measures it).
Outside a notebook the dashboard prints one text line per redraw instead.

Stopping. A Jupyter kernel handles a button click only between two cells, or while
a cell *awaits*. So ``await dash.fit_async(mod, ...)`` trains in a worker thread while
the cell awaits it, and the click gets through (``dash.fit`` blocks the kernel: its
Stop button works only for code that calls ``dash.stop()``)::

    Stop clicked -> dash.stop(): dash.stopped = True
      Module:  at the next batch end the dashboard (a batch_end_callback) raises
               mx.callback.StopTraining; fit catches it and returns. Parameters are
               those after the last completed batch.
      Gluon:   your loop checks ``if dash.stopped: break`` (run it with
               ``await asyncio.to_thread(train)`` for the button to work).
"""
import sys
import time

from ..callback import StopTraining
from ._common import StaticDisplay, in_notebook, ipywidgets_or_none

__all__ = ["TrainingDashboard", "StopTraining"]

# the largest share of training time spent redrawing (issue 6: 5 %)
MAX_DRAW_SHARE = 0.02


class TrainingDashboard(StaticDisplay):
    """Live training view; see the module docstring.

    Parameters
    ----------
    num_epochs : int, optional
        For the remaining-time estimate and the epoch progress.
    batches_per_epoch : int, optional
        For the progress bar (learned after the first epoch when not given).
    redraw_interval : float
        Minimum seconds between two redraws during an epoch (longer when drawing is
        slow, see ``MAX_DRAW_SHARE``).
    display : bool or None
        Show the live view now (default: only inside a notebook).
    """

    def __init__(self, num_epochs=None, batches_per_epoch=None, redraw_interval=1.0,
                 display=None):
        self.num_epochs = num_epochs
        self.batches_per_epoch = batches_per_epoch
        self.redraw_interval = redraw_interval
        self.history = {}  # metric -> {"train": [(step, value)], "validation": [...]}
        self.stopped = False
        self.epoch = 0
        self.batch = 0
        self.samples = 0
        self.start_time = None
        self.last_draw = 0.0  # when the last redraw ended (time.monotonic)
        self.draw_seconds = 0.0  # how long it took
        self.redraws = 0
        self._figures = {}
        self._handles = None
        self.live = in_notebook() if display is None else display
        self.ui = self._build_ui() if self.live else None

    # ---- feeding ----
    def update(self, epoch, batch, metrics=None, samples=0, validation=False):
        """Record one batch (or a validation result); redraw if enough time passed."""
        now = time.monotonic()
        if self.start_time is None:
            self.start_time = now
            # first frame after redraw_interval: short fits skip it
            self.last_draw = now
            samples = 0  # the clock starts now: this batch's samples came before it
        self.epoch = epoch
        if batch is not None:
            self.batch = batch
        self.samples += samples
        step = self._step(epoch, batch)
        kind = "validation" if validation else "train"
        for name, value in (metrics or {}).items():
            curves = self.history.setdefault(name, {"train": [], "validation": []})
            curves[kind].append((step, float(value)))
        if self.redraw_due(now, end_of_epoch=validation):
            self.redraw()

    def redraw_due(self, now, end_of_epoch=False):
        """Whether a redraw is due at ``now`` (see the module docstring: throttling)."""
        waited = now - self.last_draw
        if waited < self.draw_seconds * (1 - MAX_DRAW_SHARE) / MAX_DRAW_SHARE:
            return False
        return end_of_epoch or waited >= self.redraw_interval

    def _step(self, epoch, batch):
        """Position on the x axis in epochs, fractional when the epoch size is known."""
        if batch is None:  # validation: the end of the epoch
            return epoch + 1
        if self.batches_per_epoch:
            return epoch + (batch + 1) / self.batches_per_epoch
        return epoch + batch / 1000.0

    def __call__(self, param):
        """``batch_end_callback``: ``param`` is ``mx.model.BatchEndParam``.

        Raises ``mx.callback.StopTraining`` once Stop was pressed, which ends
        ``Module.fit`` after this batch.
        """
        if not self.stopped:
            batch_size = self._batch_size(param)
            metrics = (
                dict(param.eval_metric.get_name_value()) if param.eval_metric else {}
            )
            self.update(param.epoch, param.nbatch, metrics, samples=batch_size)
        if self.stopped:
            raise StopTraining("stopped from the dashboard")

    batch_end_callback = __call__

    def epoch_end_callback(self, epoch, symbol=None, arg_params=None, aux_params=None):
        """Learns the epoch length, redraws (``Module.fit(epoch_end_callback=)``)."""
        if self.batches_per_epoch is None and epoch == 0:
            self.batches_per_epoch = self.batch + 1
        if self.redraw_due(time.monotonic(), end_of_epoch=True):
            self.redraw()

    def eval_end_callback(self, param):
        """Validation metrics; fits ``Module.fit(eval_end_callback=)``."""
        metrics = dict(param.eval_metric.get_name_value())
        self.update(param.epoch, None, metrics, validation=True)

    @staticmethod
    def _batch_size(param):
        module = (param.locals or {}).get("self")
        shapes = getattr(module, "data_shapes", None) if module is not None else None
        return int(shapes[0][1][0]) if shapes else 0

    # ---- stopping ----
    def stop(self):
        """End training at the next batch boundary (what the Stop button does)."""
        self.stopped = True
        if self.ui is not None:
            self._stop_button.disabled = True
            self._stop_button.description = "stopping..."

    def fit(self, module, train_data, **fit_kwargs):
        """``module.fit`` with this dashboard's callbacks added and Stop handled."""
        for key, hook in (("batch_end_callback", self),
                          ("epoch_end_callback", self.epoch_end_callback),
                          ("eval_end_callback", self.eval_end_callback)):
            given = fit_kwargs.get(key)
            given = (
                []
                if given is None
                else list(given) if isinstance(given, list) else [given]
            )
            fit_kwargs[key] = given + [hook]
        self.num_epochs = self.num_epochs or fit_kwargs.get("num_epoch")
        module.fit(train_data, **fit_kwargs)   # fit itself ends on StopTraining
        self.finish()
        return module

    async def fit_async(self, module, train_data, **fit_kwargs):
        """``fit`` in a worker thread, awaited, so that Stop works in a notebook.

        Use it as ``await dash.fit_async(mod, train_iter, num_epoch=10)`` in a cell:
        while the cell awaits, the kernel is free to deliver the button's click.
        NumPy's matrix products release the GIL, so training is as fast as with
        ``fit``. Returns ``module``.
        """
        import asyncio
        return await asyncio.to_thread(self.fit, module, train_data, **fit_kwargs)

    def finish(self):
        """Draw the final frame (it stays as a static image) and disable Stop."""
        self.redraw()
        if self.ui is not None:
            self._stop_button.disabled = True

    # ---- text and pictures ----
    def status(self):
        """``{'elapsed', 'remaining', 'samples_per_second', 'progress'}`` (s, 0..1)."""
        elapsed = 0.0 if self.start_time is None else time.monotonic() - self.start_time
        progress = None
        if self.batches_per_epoch:
            progress = min(1.0, (self.batch + 1) / self.batches_per_epoch) \
                if self.batch is not None else 1.0
        remaining = None
        if self.num_epochs and progress is not None:
            done = self.epoch + progress
            remaining = elapsed / done * (self.num_epochs - done) if done > 0 else None
        speed = self.samples / elapsed if elapsed > 0 else 0.0
        return {"elapsed": elapsed, "remaining": remaining, "samples_per_second": speed,
                "progress": progress}

    def status_line(self):
        status = self.status()
        parts = [f"epoch {self.epoch}"]
        if status["progress"] is not None:
            filled = int(20 * status["progress"])
            parts.append("[" + "#" * filled + "." * (20 - filled) + "]")
        parts.append(f"{status['samples_per_second']:.0f} samples/s")
        parts.append(f"elapsed {status['elapsed']:.1f}s")
        if status["remaining"] is not None:
            parts.append(f"remaining {status['remaining']:.1f}s")
        for name, curves in self.history.items():
            for kind in ("train", "validation"):
                if curves[kind]:
                    parts.append(f"{kind} {name}={curves[kind][-1][1]:.4f}")
        if self.stopped:
            parts.append("(stopped)")
        return "  ".join(parts)

    def figure(self, name):
        """The matplotlib Figure of metric ``name`` (train and validation curves)."""
        from ._plots import new_figure
        if name not in self._figures:
            figure = new_figure(4.0, 2.6)
            axes = figure.add_subplot()
            axes.set_title(name)
            axes.set_xlabel("epoch")
            train_line, = axes.plot([], [], label="train", color="#1f77b4")
            val_line, = axes.plot([], [], "o-", label="validation", color="#ff7f0e")
            axes.legend(loc="best")
            figure.tight_layout()
            self._figures[name] = (figure, axes, train_line, val_line)
        figure, axes, train_line, val_line = self._figures[name]
        for line, kind in ((train_line, "train"), (val_line, "validation")):
            points = self.history[name][kind]
            line.set_data([p[0] for p in points], [p[1] for p in points])
        axes.relim()
        axes.autoscale_view()
        return figure

    def png(self, name):
        from ._plots import figure_png
        return figure_png(self.figure(name))

    def redraw(self):
        """Refresh the live view now (or print a text line outside a notebook)."""
        start = time.monotonic()
        self.redraws += 1
        if self.live:
            self._draw()
        else:
            print(self.status_line(), file=sys.stdout)
        self.last_draw = time.monotonic()
        if self.redraws > 1:  # the first one also imports matplotlib and builds figures
            self.draw_seconds = self.last_draw - start

    def _draw(self):
        """Render every metric's figure and replace the previous frame in place."""
        from IPython.display import HTML, Image
        status = HTML(f"<pre>{self.status_line()}</pre>")
        pictures = [Image(data=self.png(name), format="png") for name in self.history]
        if self._handles is None:
            self._show_first_frame(status, pictures)
            return
        self._handles[0].update(status)
        for index, picture in enumerate(pictures):
            if index + 1 < len(self._handles):
                self._handles[index + 1].update(picture)
            else:
                from IPython.display import display
                self._handles.append(display(picture, display_id=True))

    def _show_first_frame(self, status, pictures):
        """Display the Stop button, the status line and the figures; keep their handles.

        Without an IPython shell there are no display handles (``display`` just prints),
        so the dashboard switches to its text lines.
        """
        from IPython import get_ipython
        from IPython.display import display
        if get_ipython() is None:
            self.live = False
            print(self.status_line(), file=sys.stdout)
            return
        if self.ui is not None:
            display(self.ui)
        self._handles = [display(status, display_id=True)]
        self._handles += [display(p, display_id=True) for p in pictures]

    def _build_ui(self):
        widgets = ipywidgets_or_none()
        if widgets is None:
            return None
        self._stop_button = widgets.Button(description="Stop", button_style="danger")
        self._stop_button.on_click(lambda _: self.stop())
        return self._stop_button

    def static_html(self):
        import base64
        images = "".join(
            '<img src="data:image/png;base64,'
            f'{base64.b64encode(self.png(n)).decode()}"/>'
            for n in self.history
        )
        return f"<pre>{self.status_line()}</pre>{images}"

    def __repr__(self):
        return "TrainingDashboard: " + self.status_line()
