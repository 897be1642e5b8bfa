"""dlkit/notebook: PandasLogger and the bokeh live charts (both optional packages),
args_wrapper. Tests that need pandas or bokeh are skipped where they are missing."""
import builtins
import datetime

import pytest

import dlkit as mx
from dlkit.model import BatchEndParam
from dlkit.notebook import callback


def _metric():
    metric = mx.metric.Accuracy()
    metric.update([mx.nd.array([0, 1])], [mx.nd.array([[0.9, 0.1], [0.8, 0.2]])])
    return metric


@pytest.fixture
def without(monkeypatch):
    """Make importing the given top-level packages fail, as if not installed."""
    def hide(*names):
        real_import = builtins.__import__

        def fake_import(name, *args, **kwargs):
            if name.split(".")[0] in names:
                raise ImportError(f"No module named {name!r}")
            return real_import(name, *args, **kwargs)
        monkeypatch.setattr(builtins, "__import__", fake_import)
        for name in list(__import__("sys").modules):
            if name.split(".")[0] in names:
                monkeypatch.delitem(__import__("sys").modules, name)
    return hide


def test_missing_pandas_or_bokeh_is_a_clear_error(without):
    without("pandas", "bokeh")
    with pytest.raises(ImportError, match="PandasLogger needs .*'pandas'.*pip install"):
        callback.PandasLogger(batch_size=4)
    with pytest.raises(ImportError, match="LiveLearningCurve needs .*'bokeh'"):
        callback.LiveLearningCurve("accuracy")
    with pytest.raises(ImportError, match="LiveTimeSeries needs .*'bokeh'"):
        callback.LiveTimeSeries()


def test_args_wrapper_collects_each_callback_kind():
    class One:
        def callback_args(self):
            return {"batch_end_callback": "a", "eval_end_callback": "b"}

    class Two:
        def callback_args(self):
            return {"batch_end_callback": "c"}

    assert callback.args_wrapper(One(), Two()) == {
        "batch_end_callback": ["a", "c"], "eval_end_callback": ["b"]}


def test_pandas_logger_rows():
    pytest.importorskip("pandas")
    logger = callback.PandasLogger(batch_size=4, frequent=2)
    for nbatch in range(3):
        logger.train_cb(BatchEndParam(epoch=0, nbatch=nbatch, eval_metric=_metric(),
                                      locals=None))
    logger.eval_cb(BatchEndParam(epoch=0, nbatch=3, eval_metric=None, locals=None))
    logger.epoch_cb(0, None, {}, {})           # what Module.fit passes
    train = logger.train_df
    assert len(train) == 2 and list(train["minibatch_count"]) == [0, 2]
    assert list(train["accuracy"]) == [0.5, 0.5]
    row = train.iloc[0]
    assert row["records_per_sec"] == pytest.approx(4 * row["batches_per_sec"])
    assert isinstance(row["elapsed"], (datetime.timedelta,
                                       __import__("pandas").Timedelta))
    assert "accuracy" not in logger.eval_df.columns and len(logger.eval_df) == 1
    assert list(logger.epoch_df.columns) == ["elapsed", "epoch_time"]
    assert set(logger.all_dataframes) == {"train", "eval", "epoch"}
    assert set(logger.callback_args()) == {"batch_end_callback", "eval_end_callback",
                                           "epoch_end_callback"}


def test_pandas_logger_in_module_fit():
    pytest.importorskip("pandas")
    data = mx.sym.var("data")
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(data, num_hidden=2),
                               name="softmax")
    train_iter = mx.io.NDArrayIter(mx.nd.ones((8, 3)), mx.nd.zeros((8,)), batch_size=4)
    logger = callback.PandasLogger(batch_size=4, frequent=1)
    module = mx.mod.Module(net)
    module.fit(train_iter, eval_data=train_iter, num_epoch=2,
               **logger.callback_args())
    assert len(logger.train_df) == 4 and len(logger.eval_df) == 2
    assert len(logger.epoch_df) == 2


def test_live_learning_curve_collects_points():
    pytest.importorskip("pandas")
    pytest.importorskip("bokeh")
    curve = callback.LiveLearningCurve("accuracy", display_freq=0, frequent=1)
    curve.batch_cb(BatchEndParam(epoch=0, nbatch=0, eval_metric=_metric(),
                                 locals=None))
    curve.eval_cb(BatchEndParam(epoch=0, nbatch=0, eval_metric=_metric(), locals=None))
    assert curve.y_axis_val1 == [0.5] and curve.y_axis_val2 == [0.5]
    series = callback.LiveTimeSeries(title="loss")
    series.update_chart_data(0.25)
    assert series.y_axis_val == [0.25]
