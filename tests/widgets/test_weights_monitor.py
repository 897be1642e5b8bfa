import numpy as np
import pytest

import dlkit as mx
from dlkit.widgets import WeightsMonitor


def test_gluon_updates_record_weight_and_gradient_histograms():
    net = mx.gluon.nn.Dense(3, in_units=4, prefix="dense_")
    net.initialize()
    monitor = WeightsMonitor(interval=2, pattern=".*weight")
    for _ in range(4):
        with mx.autograd.record():
            loss = net(mx.nd.ones((2, 4))).sum()
        loss.backward()
        monitor.update(net.collect_params())
    assert list(monitor.history) == ["dense_weight"]
    entries = monitor.history["dense_weight"]
    assert len(entries) == 2  # every second call
    counts, edges = entries[-1]["grad"]
    assert counts.sum() == 12 and len(edges) == 31
    assert entries[-1]["grad_rms"] == pytest.approx(2.0)  # d sum / dW = batch size


def test_the_figure_has_two_panels_per_parameter():
    pytest.importorskip("matplotlib")
    monitor = WeightsMonitor()
    random = np.random.RandomState(0)
    for step in range(3):
        monitor.record(step, {"a_weight": random.randn(5, 5), "a_bias": random.randn(5)},
                       {"a_weight": random.randn(5, 5)})
    assert len(monitor.figure().axes) == 4
    bundle = monitor._repr_mimebundle_()
    assert "a_bias" in bundle["text/plain"] and "<img" in bundle["text/html"]
