"""dlkit/monitor.py: what Monitor collects, when, and MXNet's log text."""
import logging

import dlkit as mx


class FakeExecutor:
    """Reports one op output per forward, like Executor.set_monitor_callback."""

    def __init__(self):
        self.arg_dict = {"data": mx.nd.ones((2, 2)),
                         "fc_weight": mx.nd.full((3, 2), 0.5)}
        self.aux_dict = {"bn_moving_var": mx.nd.full((3,), 4.0)}
        self.callback = None

    def set_monitor_callback(self, callback, monitor_all=False):
        self.callback = callback
        self.monitor_all = monitor_all

    def forward(self):
        self.callback("fc_output", mx.nd.full((2, 3), 2.0))


def test_monitor_collects_every_interval_batches_with_rms():
    exe = FakeExecutor()
    mon = mx.mon.Monitor(2, sort=True)
    mon.install(exe)
    reports = []
    for _ in range(3):
        mon.tic()
        exe.forward()
        reports.append(mon.toc())
    assert reports[1] == []
    assert reports[0] == [(1, "bn_moving_var", "4.0\t"), (1, "data", "1.0\t"),
                          (1, "fc_output", "2.0\t"), (1, "fc_weight", "0.5\t")]
    assert [step for step, _, _ in reports[2]] == [3, 3, 3, 3]


def test_pattern_and_custom_stat_func():
    exe = FakeExecutor()
    mon = mx.mon.Monitor(1, stat_func=lambda x: [x[0], x[0] * 0], pattern="fc.*",
                         monitor_all=True)
    mon.install(exe)
    assert exe.monitor_all is True
    mon.tic()
    exe.forward()
    names = [name for _, name, _ in mon.toc()]
    assert names == ["fc_output", "fc_weight"]


def test_toc_print_uses_mxnet_format(caplog):
    exe = FakeExecutor()
    mon = mx.mon.Monitor(1, pattern="fc_output")
    mon.install(exe)
    mon.tic()
    exe.forward()
    with caplog.at_level(logging.INFO):
        mon.toc_print()
    expected = "Batch:       1 fc_output" + " " * 22 + "2.0\t"
    assert caplog.records[0].getMessage() == expected


def test_monitor_on_a_real_executor():
    net = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=3, name="fc")
    exe = net.simple_bind(mx.cpu(), data=(2, 4))
    exe.arg_dict["data"][:] = 1
    exe.arg_dict["fc_weight"][:] = 0.5
    mon = mx.mon.Monitor(1, sort=True)
    mon.install(exe)
    mon.tic()
    exe.forward()
    assert mon.toc() == [(1, "data", "1.0\t"), (1, "fc_bias", "0.0\t"),
                         (1, "fc_output", "2.0\t"), (1, "fc_weight", "0.5\t")]
