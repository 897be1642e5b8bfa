"""How much does a TrainingDashboard slow ``Module.fit``? (issue 6: at most 5 %)

The workload is the MLP 784-256-128-10 trained with SGD on synthetic data, batch 128.
The same fit runs three ways, interleaved so that a drift in machine speed hits all of
them alike:

    plain      mod.fit(...)                                   no callbacks
    notebook   dash.fit(mod, ...) with TrainingDashboard(display=True): the live path of
               a notebook. Every redraw really renders one matplotlib figure per metric
               to PNG (Agg) and updates display handles through an IPython shell (made
               here; its display publisher prints, so stdout goes to /dev/null meanwhile)
    text       dash.fit(mod, ...) with TrainingDashboard(display=False): the text lines
               printed outside a notebook

Each fit is timed by wall clock (``time.perf_counter``) and by this process's CPU time
(``time.process_time``, steadier on a busy machine); imports and set-up are excluded.
The dashboard's own time is also summed inside its callbacks ("in callbacks"), which
gives the overhead without comparing two noisy runs. The report gives medians over the
repeats and the overheads against ``plain``::

    python3 benchmarks/dashboard_overhead.py                 # 5 repeats, 2 epochs x 469 batches
    python3 benchmarks/dashboard_overhead.py -r 9 -e 2 -b 200 --redraw-interval 0.5

Whole processes, one fit each (matplotlib's import then counts against the dashboard)::

    python3 benchmarks/dashboard_overhead.py -r 1 --no-warmup --modes notebook
    python3 benchmarks/dashboard_overhead.py -r 1 --no-warmup --modes plain
"""
import argparse
import contextlib
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import dlkit as mx  # noqa: E402
from dlkit.widgets import TrainingDashboard  # noqa: E402


def mlp():
    data = mx.sym.var("data")
    hidden = mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=256, name="fc1"),
                               act_type="relu")
    hidden = mx.sym.Activation(mx.sym.FullyConnected(hidden, num_hidden=128, name="fc2"),
                               act_type="relu")
    return mx.sym.SoftmaxOutput(mx.sym.FullyConnected(hidden, num_hidden=10, name="fc3"),
                                name="softmax")


def synthetic_data(num_batches, batch_size=128, seed=0):
    """Random 784-pixel 'images' whose label depends on them (so accuracy moves)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((num_batches * batch_size, 784)).astype("float32")
    y = (X[:, :10].argmax(axis=1)).astype("float32")
    return mx.io.NDArrayIter(X, y, batch_size=batch_size, shuffle=False)


class TimedDashboard(TrainingDashboard):
    """A TrainingDashboard that sums the seconds spent in its own callbacks."""

    callback_seconds = 0.0

    def _timed(self, method, *args, **kwargs):
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            self.callback_seconds += time.perf_counter() - start

    def __call__(self, param):
        return self._timed(super().__call__, param)

    def epoch_end_callback(self, *args, **kwargs):
        return self._timed(super().epoch_end_callback, *args, **kwargs)

    def eval_end_callback(self, param):
        return self._timed(super().eval_end_callback, param)

    def finish(self):
        return self._timed(super().finish)


def fit_once(mode, train_iter, num_epochs, redraw_interval):
    """(wall seconds, CPU seconds) of one fit in ``mode``, and the dashboard (or None)."""
    mx.random.seed(0)
    train_iter.reset()
    mod = mx.mod.Module(mlp(), context=mx.cpu())
    fit_kwargs = dict(num_epoch=num_epochs, initializer=mx.init.Xavier(), optimizer="sgd",
                      optimizer_params={"learning_rate": 0.05}, eval_metric="acc")
    dash = None
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        start, start_cpu = time.perf_counter(), time.process_time()
        if mode == "plain":
            mod.fit(train_iter, **fit_kwargs)
        else:
            dash = TimedDashboard(redraw_interval=redraw_interval,
                                  display=(mode == "notebook"))
            dash.fit(mod, train_iter, **fit_kwargs)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - start_cpu
    return seconds, cpu_seconds, dash


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-r", "--repeats", type=int, default=5)
    parser.add_argument("-e", "--epochs", type=int, default=2)
    parser.add_argument("-b", "--batches", type=int, default=469,
                        help="batches per epoch (469: MNIST's 60000 images)")
    parser.add_argument("--redraw-interval", type=float, default=1.0)
    parser.add_argument("--modes", default="plain,notebook,text")
    parser.add_argument("--no-warmup", action="store_true",
                        help="skip the untimed warm-up fits (when timing whole processes)")
    args = parser.parse_args(argv)
    modes = args.modes.split(",")
    if "notebook" in modes:
        from IPython.core.interactiveshell import InteractiveShell
        InteractiveShell.instance()  # display handles need a shell, as in a notebook
    train_iter = synthetic_data(args.batches)
    if not args.no_warmup:
        fit_once("plain", train_iter, 1, args.redraw_interval)  # imports, caches
        if "notebook" in modes:
            fit_once("notebook", train_iter, 1, args.redraw_interval)  # matplotlib
    wall = {mode: [] for mode in modes}
    cpu = {mode: [] for mode in modes}
    inside = {mode: [] for mode in modes}
    redraws = {mode: [] for mode in modes}
    for _ in range(args.repeats):
        for mode in modes:
            seconds, cpu_seconds, dash = fit_once(mode, train_iter, args.epochs,
                                                  args.redraw_interval)
            wall[mode].append(seconds)
            cpu[mode].append(cpu_seconds)
            inside[mode].append(dash.callback_seconds / seconds if dash else 0.0)
            redraws[mode].append(dash.redraws if dash else 0)
    print(f"MLP 784-256-128-10, batch 128, {args.epochs} epochs x {args.batches} batches, "
          f"redraw_interval {args.redraw_interval} s, {args.repeats} repeats (medians)")
    print(f"{'mode':10} {'wall s':>7} {'overhead':>9} {'cpu s':>7} {'overhead':>9} "
          f"{'in callbacks':>13} {'redraws':>8}")
    for mode in modes:
        print(f"{mode:10} {statistics.median(wall[mode]):7.3f} "
              f"{overhead(wall, mode):>9} {statistics.median(cpu[mode]):7.3f} "
              f"{overhead(cpu, mode):>9} {100 * statistics.median(inside[mode]):12.1f}% "
              f"{statistics.median(redraws[mode]):8.0f}")


def overhead(times, mode):
    """Median of ``mode`` against the median of ``plain``, as a signed percentage."""
    if "plain" not in times:
        return "-"
    ratio = statistics.median(times[mode]) / statistics.median(times["plain"])
    return f"{100 * (ratio - 1):+.1f}%"


if __name__ == "__main__":
    main()
