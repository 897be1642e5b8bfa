import numpy as np
import pytest

import dlkit as mx
from dlkit.widgets import TrainingDashboard

try:
    from dlkit.module import Module
except ImportError:  # mx.mod is being wired; the class already lives in module.py
    from dlkit.module.module import Module


def small_net():
    data = mx.sym.var("data")
    hidden = mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=16, name="fc1"),
                               act_type="relu", name="relu1")
    return mx.sym.SoftmaxOutput(mx.sym.FullyConnected(hidden, num_hidden=4, name="fc2"),
                                name="softmax")


def data_iter(count=128):
    random = np.random.RandomState(0)
    X = random.randn(count, 10).astype("float32")
    y = (np.arange(count) % 4).astype("float32")
    return mx.io.NDArrayIter(X, y, batch_size=32, label_name="softmax_label")


def fit(dashboard, stop_at=None, num_epoch=3):
    """Train with the dashboard; snapshot parameters after every completed batch."""
    module = Module(small_net())
    snapshots = []

    def after_batch(param):
        arg_params, _ = param.locals["self"].get_params()
        snapshots.append({k: v.asnumpy().copy() for k, v in arg_params.items()})
        if stop_at == (param.epoch, param.nbatch):
            dashboard.stop()
    dashboard.fit(module, data_iter(), num_epoch=num_epoch, eval_data=data_iter(64),
                  batch_end_callback=after_batch, optimizer_params={"learning_rate": 0.1})
    return module, snapshots


def test_the_dashboard_records_train_and_validation_points_per_batch_and_epoch(capsys):
    dashboard = TrainingDashboard(redraw_interval=0.0, display=False)
    fit(dashboard, num_epoch=2)
    curves = dashboard.history["accuracy"]
    assert len(curves["train"]) == 2 * 4 and len(curves["validation"]) == 2
    assert dashboard.batches_per_epoch == 4
    assert "samples/s" in capsys.readouterr().out  # text lines outside a notebook
    pytest.importorskip("matplotlib")
    train_line = dashboard.figure("accuracy").axes[0].lines[0]
    assert len(train_line.get_xdata()) == 8


def test_stop_ends_training_with_the_parameters_of_the_last_completed_batch():
    dashboard = TrainingDashboard(redraw_interval=10.0, display=False)
    module, snapshots = fit(dashboard, stop_at=(1, 1))
    # Stop pressed during batch 1 of epoch 1: the dashboard's batch-end callback raises
    # StopTraining right after that batch, and fit returns.
    assert len(snapshots) == 4 + 2
    final, _ = module.get_params()
    for name, value in final.items():
        np.testing.assert_array_equal(value.asnumpy(), snapshots[-1][name])
    assert dashboard.stopped


def test_redraws_are_throttled_and_gluon_loops_use_update():
    dashboard = TrainingDashboard(num_epochs=1, batches_per_epoch=100,
                                  redraw_interval=60.0, display=False)
    for batch in range(100):
        dashboard.update(epoch=0, batch=batch, metrics={"loss": 1.0 / (batch + 1)},
                         samples=32)
    assert dashboard.redraws == 0  # none due within the first 60 s
    dashboard.finish()
    assert dashboard.redraws == 1  # the final frame
    status = dashboard.status()
    assert status["progress"] == 1.0 and status["remaining"] == pytest.approx(0.0)


def test_a_dashboard_frame_is_a_nontrivial_png():
    pytest.importorskip("matplotlib")
    image_module = pytest.importorskip("PIL.Image")
    import io
    dashboard = TrainingDashboard(batches_per_epoch=10, display=False, redraw_interval=1e9)
    for batch in range(30):
        dashboard.update(epoch=batch // 10, batch=batch % 10,
                         metrics={"accuracy": 1 - 0.5 ** (batch / 5)})
    dashboard.update(epoch=2, batch=None, metrics={"accuracy": 0.8}, validation=True)
    image = image_module.open(io.BytesIO(dashboard.png("accuracy"))).convert("RGB")
    assert image.width >= 300 and image.height >= 200
    assert len(image.getcolors(maxcolors=1 << 20)) > 10
    assert "<img" in dashboard._repr_mimebundle_()["text/html"]


def test_slow_redraws_are_spaced_so_drawing_stays_a_small_share_of_training(monkeypatch):
    from types import SimpleNamespace

    from dlkit.widgets import dashboard as dashboard_module
    clock = SimpleNamespace(now=100.0)
    monkeypatch.setattr(dashboard_module, "time", SimpleNamespace(monotonic=lambda: clock.now))
    dashboard = TrainingDashboard(batches_per_epoch=3000, redraw_interval=0.5, display=False)
    original = dashboard.status_line

    def slow_status_line():  # drawing a frame takes one (fake) second
        clock.now += 1.0
        return original()
    dashboard.status_line = slow_status_line
    for batch in range(3000):  # one batch every 0.1 s: 300 s of training
        clock.now += 0.1
        dashboard.update(epoch=0, batch=batch, metrics={"loss": 1.0})
        if batch == 500:
            dashboard.update(epoch=0, batch=None, metrics={"loss": 1.0}, validation=True)
    # without the cost rule: a redraw every 1.5 s, drawing two thirds of the time
    share = dashboard.redraws * 1.0 / (clock.now - 100.0)
    assert 5 <= dashboard.redraws and share <= dashboard_module.MAX_DRAW_SHARE + 0.01
    assert dashboard.redraw_due(clock.now + 0.6) is False  # 0.5 s would allow it; cost not


def test_a_fast_redraw_keeps_the_requested_interval():
    dashboard = TrainingDashboard(redraw_interval=0.5, display=False)
    dashboard.last_draw, dashboard.draw_seconds = 10.0, 0.001
    assert not dashboard.redraw_due(10.4) and dashboard.redraw_due(10.6)
    assert dashboard.redraw_due(10.1, end_of_epoch=True)  # validation shows at once


def test_fit_async_trains_in_a_worker_thread_and_stops_like_fit():
    import asyncio
    import threading

    dashboard = TrainingDashboard(redraw_interval=10.0, display=False)
    module = Module(small_net())
    threads = []

    def stop_in_epoch_1(param):
        threads.append(threading.current_thread())
        if (param.epoch, param.nbatch) == (1, 1):
            dashboard.stop()   # what the button does, from the kernel's thread
    result = asyncio.run(dashboard.fit_async(module, data_iter(), num_epoch=3,
                                             batch_end_callback=stop_in_epoch_1))
    assert result is module and dashboard.stopped
    assert len(threads) == 4 + 2
    assert threading.main_thread() not in threads
