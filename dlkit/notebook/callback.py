"""Training callbacks for notebooks: metrics into pandas, live charts with bokeh.

``Module.fit`` calls a callback after every batch (``batch_end_callback``), after each
evaluation (``eval_end_callback``) and after each epoch (``epoch_end_callback``). Each
class here offers its callbacks through ``callback_args()``, ready to unpack into
``fit``, and ``args_wrapper`` merges several of them::

    logger = PandasLogger(batch_size=32, frequent=10)
    module.fit(train_iter, eval_data=val_iter, num_epoch=3, **logger.callback_args())
    logger.train_df        # one row every 10 batches: metrics, speed, elapsed time
    logger.eval_df         # one row per evaluation
    logger.epoch_df        # one row per epoch: elapsed and epoch time

pandas and bokeh are optional: they are imported when a class is made, which raises
``ImportError`` naming the missing package (``pip install pandas bokeh``).
"""
import datetime
import importlib
import time
from collections import defaultdict

__all__ = ["PandasLogger", "LiveBokehChart", "LiveTimeSeries", "LiveLearningCurve",
           "args_wrapper"]


def _require(module_name, what):
    """Import an optional package, or explain which one ``what`` needs."""
    try:
        return importlib.import_module(module_name)
    except ImportError as error:
        package = module_name.split(".")[0]
        raise ImportError(f"mx.notebook.callback.{what} needs the optional package "
                          f"'{package}', which is not installed: pip install "
                          f"{package}") from error


def _extend(base_data, new_data):
    """Append to ``base_data`` the items of the longer ``new_data`` it lacks."""
    base_data.extend(new_data[len(base_data):])


class PandasLogger:
    """Collects training statistics in three pandas DataFrames: train, eval, epoch.

    Parameters
    ----------
    batch_size : int
        The batch size (turns batches per second into records per second).
    frequent : int, default 50
        Log a training row every ``frequent`` batches (evaluation rows are logged at
        every evaluation).

    Differs from MXNet: ``batches_per_sec`` and ``records_per_sec`` hold what their
    names say (MXNet 1.9.1 swaps them), and ``epoch_cb`` accepts the arguments that
    ``Module.fit`` passes to an epoch callback (MXNet's takes none, so ``fit`` fails).
    """

    def __init__(self, batch_size, frequent=50):
        pandas = _require("pandas", "PandasLogger")
        self.batch_size = batch_size
        self.frequent = frequent
        self._dataframes = {"train": pandas.DataFrame(), "eval": pandas.DataFrame(),
                            "epoch": pandas.DataFrame()}
        self.last_time = time.time()
        self.start_time = datetime.datetime.now()
        self.last_epoch_time = datetime.datetime.now()

    @property
    def train_df(self):
        """The training rows, one every ``frequent`` batches."""
        return self._dataframes["train"]

    @property
    def eval_df(self):
        """The evaluation rows, one per evaluation."""
        return self._dataframes["eval"]

    @property
    def epoch_df(self):
        """The epoch rows: elapsed time and the epoch's duration."""
        return self._dataframes["epoch"]

    @property
    def all_dataframes(self):
        """``{'train': ..., 'eval': ..., 'epoch': ...}``."""
        return self._dataframes

    def elapsed(self):
        """Time since the logger was made (a ``datetime.timedelta``)."""
        return datetime.datetime.now() - self.start_time

    def append_metrics(self, metrics, df_name):
        """Append the dict ``metrics`` as a row of DataFrame ``df_name`` (new keys
        become new columns)."""
        dataframe = self._dataframes[df_name]
        for column in metrics:
            if column not in dataframe.columns:
                dataframe[column] = None
        dataframe.loc[len(dataframe)] = [metrics.get(column)
                                         for column in dataframe.columns]

    def train_cb(self, param):
        """Batch-end callback: log a training row every ``frequent`` batches."""
        if param.nbatch % self.frequent == 0:
            self._process_batch(param, "train")

    def eval_cb(self, param):
        """Eval-end callback: log an evaluation row."""
        self._process_batch(param, "eval")

    def _process_batch(self, param, df_name):
        """A row: the metric values (the metric is then reset), speed, elapsed time,
        batch and epoch."""
        now = time.time()
        if param.eval_metric is not None:
            metrics = dict(param.eval_metric.get_name_value())
            param.eval_metric.reset()
        else:
            metrics = {}
        seconds = now - self.last_time
        batches_per_sec = self.frequent / seconds if seconds > 0 else float("inf")
        metrics["batches_per_sec"] = batches_per_sec
        metrics["records_per_sec"] = batches_per_sec * self.batch_size
        metrics["elapsed"] = self.elapsed()
        metrics["minibatch_count"] = param.nbatch
        metrics["epoch"] = param.epoch
        self.append_metrics(metrics, df_name)
        self.last_time = now

    def epoch_cb(self, *args):
        """Epoch-end callback: log the elapsed time and the epoch's duration."""
        now = datetime.datetime.now()
        metrics = {"elapsed": self.elapsed(), "epoch_time": now - self.last_epoch_time}
        self.append_metrics(metrics, "epoch")
        self.last_epoch_time = now

    def callback_args(self):
        """Keyword arguments for ``fit`` that install all three callbacks."""
        return {"batch_end_callback": self.train_cb,
                "eval_end_callback": self.eval_cb,
                "epoch_end_callback": self.epoch_cb}


class LiveBokehChart:
    """Base class of charts that bokeh redraws in the notebook as training runs.

    Subclasses define ``setup_chart`` (draw, return bokeh's notebook handle) and
    ``update_chart_data``. The chart is pushed at most every ``display_freq`` seconds
    after a batch, and always after an evaluation.

    Needs bokeh (and pandas when no ``pandas_logger`` is given): ``ImportError``
    otherwise, at construction.
    """

    def __init__(self, pandas_logger, metric_name, display_freq=10, batch_size=None,
                 frequent=50):
        self._bokeh_io = _require("bokeh.io", type(self).__name__)
        self._bokeh_plotting = _require("bokeh.plotting", type(self).__name__)
        if pandas_logger:
            self.pandas_logger = pandas_logger
        else:
            self.pandas_logger = PandasLogger(batch_size=batch_size, frequent=frequent)
        self.display_freq = display_freq
        self.last_update = time.time()
        self.metric_name = metric_name
        self._bokeh_io.output_notebook()
        self.handle = self.setup_chart()

    def setup_chart(self):
        """Draw the chart; return the handle of ``bokeh.plotting.show``."""
        raise NotImplementedError("Incomplete base class: LiveBokehChart must be "
                                  "sub-classed")

    def update_chart_data(self):
        """Copy new data into the chart's data sources."""
        raise NotImplementedError("Incomplete base class: LiveBokehChart must be "
                                  "sub-classed")

    def interval_elapsed(self):
        """Whether more than ``display_freq`` seconds passed since the last push."""
        return time.time() - self.last_update > self.display_freq

    def _push_render(self):
        self._bokeh_io.push_notebook(handle=self.handle)
        self.last_update = time.time()

    def _do_update(self):
        self.update_chart_data()
        self._push_render()

    def batch_cb(self, param):
        """Batch-end callback: redraw when ``display_freq`` seconds have passed."""
        if self.interval_elapsed():
            self._do_update()

    def eval_cb(self, param):
        """Eval-end callback: redraw now."""
        self._do_update()

    def callback_args(self):
        """Keyword arguments for ``fit`` that install the callbacks."""
        return {"batch_end_callback": self.batch_cb,
                "eval_end_callback": self.eval_cb}


class LiveTimeSeries(LiveBokehChart):
    """A line of values against elapsed time; add points with
    ``update_chart_data(value)``.

    ``fig_params`` go to ``bokeh.plotting.figure``.

    Differs from MXNet: its batch and eval callbacks redraw the points added so far
    (MXNet's call ``update_chart_data()`` without the value it requires and fail).
    """

    def __init__(self, **fig_params):
        plotting = _require("bokeh.plotting", "LiveTimeSeries")
        self.fig = plotting.figure(x_axis_type="datetime",
                                   x_axis_label="Elapsed time", **fig_params)
        super().__init__(None, None)

    def setup_chart(self):
        self.start_time = datetime.datetime.now()
        self.x_axis_val = []
        self.y_axis_val = []
        self.line = self.fig.line(self.x_axis_val, self.y_axis_val)
        return self._bokeh_plotting.show(self.fig, notebook_handle=True)

    def elapsed(self):
        """Time since the chart was drawn."""
        return datetime.datetime.now() - self.start_time

    def update_chart_data(self, value=None):
        """Add the point (elapsed time, ``value``) and redraw (just redraw if None)."""
        if value is not None:
            self.x_axis_val.append(self.elapsed())
            self.y_axis_val.append(value)
        self.line.data_source.data = {"x": list(self.x_axis_val),
                                      "y": list(self.y_axis_val)}
        if value is not None:
            self._push_render()


class LiveLearningCurve(LiveBokehChart):
    """Training (dotted) and validation (green) values of ``metric_name`` against
    training time, redrawn as the network trains.

    Parameters
    ----------
    metric_name : str
        A name the evaluation metric reports (``'accuracy'``).
    display_freq : float, default 10
        Seconds between redraws after batches.
    frequent : int, default 50
        Record a training point every ``frequent`` batches.
    """

    def __init__(self, metric_name, display_freq=10, frequent=50):
        self.frequent = frequent
        self.start_time = datetime.datetime.now()
        self._data = {"train": {"elapsed": []}, "eval": {"elapsed": []}}
        super().__init__(None, metric_name, display_freq, frequent=frequent)

    def setup_chart(self):
        self.fig = self._bokeh_plotting.figure(x_axis_type="datetime",
                                               x_axis_label="Training time")
        self.x_axis_val1, self.y_axis_val1 = [], []
        self.train1 = self.fig.line(self.x_axis_val1, self.y_axis_val1,
                                    line_dash="dotted", alpha=0.3,
                                    legend_label="train")
        self.train2 = self.fig.scatter(self.x_axis_val1, self.y_axis_val1, size=1.5,
                                       line_alpha=0.3, fill_alpha=0.3,
                                       legend_label="train")
        self.train2.visible = False   # dots replace the line once there are many
        self.x_axis_val2, self.y_axis_val2 = [], []
        self.valid1 = self.fig.line(self.x_axis_val2, self.y_axis_val2,
                                    line_color="green", line_width=2,
                                    legend_label="validation")
        self.valid2 = self.fig.scatter(self.x_axis_val2, self.y_axis_val2,
                                       line_color="green", line_width=2)
        self.fig.legend.location = "bottom_right"
        self.fig.yaxis.axis_label = self.metric_name
        return self._bokeh_plotting.show(self.fig, notebook_handle=True)

    def batch_cb(self, param):
        if param.nbatch % self.frequent == 0:
            self._process_batch(param, "train")
        if self.interval_elapsed():
            self._do_update()

    def eval_cb(self, param):
        self._process_batch(param, "eval")
        self._do_update()

    def _process_batch(self, param, df_name):
        """Record the metric values (then reset the metric) with the elapsed time."""
        if param.eval_metric is not None:
            metrics = dict(param.eval_metric.get_name_value())
            param.eval_metric.reset()
        else:
            metrics = {}
        metrics["elapsed"] = datetime.datetime.now() - self.start_time
        for key, value in metrics.items():
            self._data[df_name].setdefault(key, []).append(value)

    def update_chart_data(self):
        train = self._data["train"]
        if train["elapsed"]:
            _extend(self.x_axis_val1, train["elapsed"])
            _extend(self.y_axis_val1, train[self.metric_name])
        evaluation = self._data["eval"]
        if evaluation["elapsed"]:
            _extend(self.x_axis_val2, evaluation["elapsed"])
            _extend(self.y_axis_val2, evaluation[self.metric_name])
        for glyph, xs, ys in ((self.train1, self.x_axis_val1, self.y_axis_val1),
                              (self.train2, self.x_axis_val1, self.y_axis_val1),
                              (self.valid1, self.x_axis_val2, self.y_axis_val2),
                              (self.valid2, self.x_axis_val2, self.y_axis_val2)):
            glyph.data_source.data = {"x": list(xs), "y": list(ys)}
        if len(self.x_axis_val1) > 10:
            self.train1.visible = False
            self.train2.visible = True


def args_wrapper(*args):
    """Merge the ``callback_args()`` of several callback objects: each ``fit``
    keyword gets the list of their callbacks.

    Example
    -------
    >>> logger = PandasLogger(batch_size=32)
    >>> curve = LiveLearningCurve("accuracy")
    >>> module.fit(train_iter, eval_data=val_iter, **args_wrapper(logger, curve))
    """
    merged = defaultdict(list)
    for callback in args:
        for key, function in callback.callback_args().items():
            merged[key].append(function)
    return dict(merged)
