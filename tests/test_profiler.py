"""mx.profiler: per-op timings from the three op loops, dumps() tables, Chrome traces.
"""
import json
import os

import numpy as np
import pytest

import dlkit as mx
from dlkit import executor, profiler, tape
from dlkit.base import MXNetError
from dlkit.ndarray import dispatch
from dlkit.profiler import recorder


@pytest.fixture(autouse=True)
def fresh_profiler(tmp_path, monkeypatch):
    """Each test starts with MXNet's defaults, in a temporary folder."""
    monkeypatch.chdir(tmp_path)
    profiler.set_config(**recorder._DEFAULTS)
    yield
    profiler.set_state("stop")
    recorder._events.clear()
    recorder._stats.clear()
    recorder._started = False
    profiler.set_config(**recorder._DEFAULTS)


def _trace(filename="profile.json"):
    with open(filename) as file:
        return json.load(file)["traceEvents"]


def _op_events(events):
    return [e for e in events if e.get("cat", "").startswith("operator")]


def test_hooks_are_none_unless_recording():
    # the cost of an unprofiled op is one `is not None` test on these
    assert dispatch._profile_hook is None
    assert executor._profile_hook is None and tape._profile_hook is None
    profiler.set_state("run")
    assert dispatch._profile_hook is not None and executor._profile_hook is not None
    profiler.pause()
    assert dispatch._profile_hook is None and tape._profile_hook is None
    profiler.resume()
    assert tape._profile_hook is not None
    profiler.set_state("stop")
    assert dispatch._profile_hook is None and executor._profile_hook is None


def test_imperative_ops_become_complete_trace_events():
    a = mx.nd.ones((10,))
    profiler.set_state("run")
    b = a + a
    mx.nd.dot(mx.nd.ones((3, 3)), mx.nd.ones((3, 3)))
    profiler.set_state("stop")
    profiler.dump()
    events = _op_events(_trace())
    names = [e["name"] for e in events]
    assert names == ["broadcast_add", "dot"]
    for event in events:
        assert event["ph"] == "X" and event["cat"] == "operator,imperative"
        assert event["dur"] >= 0 and event["pid"] == os.getpid()
        assert isinstance(event["tid"], int) and isinstance(event["ts"], float)
    assert b.asnumpy().tolist() == [2.0] * 10   # the result is unchanged


def test_autograd_backward_is_recorded_under_mxnet_backward_names():
    x = mx.nd.ones((3,))
    x.attach_grad()
    profiler.set_state("run")
    with mx.autograd.record():
        y = (x * x).sum()
    y.backward()
    profiler.set_state("stop")
    profiler.dump()
    names = [e["name"] for e in _op_events(_trace())]
    assert names == ["broadcast_mul", "sum", "_backward_sum", "_backward_broadcast_mul"]
    np.testing.assert_allclose(x.grad.asnumpy(), [2, 2, 2])


def test_executor_forward_and_backward_are_symbolic_events():
    s = mx.sym.Variable("s")
    exe = (s * 2).bind(mx.cpu(), {"s": mx.nd.ones(2)}, args_grad={"s": mx.nd.zeros(2)})
    profiler.set_state("run")
    exe.forward(is_train=True)
    exe.backward(mx.nd.ones(2))
    profiler.set_state("stop")
    profiler.dump()
    events = _op_events(_trace())
    # MXNet drops the op's leading underscore after _backward_
    assert [(e["name"], e["cat"]) for e in events] == [
        ("_mul_scalar", "operator,symbolic"),
        ("_backward_mul_scalar", "operator,symbolic")]
    np.testing.assert_allclose(exe.grad_dict["s"].asnumpy(), [2, 2])


def test_profile_imperative_false_records_only_the_executor():
    profiler.set_config(profile_imperative=False)
    s = mx.sym.Variable("s")
    exe = (s + 1).bind(mx.cpu(), {"s": mx.nd.ones(2)})
    profiler.set_state("run")
    mx.nd.ones(2) * 3
    exe.forward()
    profiler.set_state("stop")
    profiler.dump()
    assert [e["name"] for e in _op_events(_trace())] == ["_plus_scalar"]


def test_profile_all_overrides_the_single_switches():
    profiler.set_config(profile_all=True, profile_imperative=False,
                        profile_symbolic=False)
    profiler.set_state("run")
    mx.nd.ones(2) * 3
    profiler.set_state("stop")
    profiler.dump()
    assert "_mul_scalar" in [e["name"] for e in _trace()]


def test_pause_and_stop_skip_ops():
    a = mx.nd.ones(2)
    profiler.set_state("run")
    a + a
    profiler.pause()
    a - a
    profiler.resume()
    a * a
    profiler.set_state("stop")
    a / a
    profiler.dump()
    names = [e["name"] for e in _op_events(_trace())]
    assert names == ["broadcast_add", "broadcast_mul"]


def test_dumps_is_empty_without_aggregate_stats():
    profiler.set_state("run")
    mx.nd.ones(2) + 1
    assert profiler.dumps() == ""


def test_dumps_table_counts_each_op():
    profiler.set_config(aggregate_stats=True)
    a = mx.nd.ones((4,))
    profiler.set_state("run")
    for _ in range(3):
        a + a
    a * a
    profiler.set_state("stop")
    text = profiler.dumps()
    lines = text.split("\n")
    assert lines[1] == "Profile Statistics:"
    assert lines[2] == "\tNote the difference in units for different entries."
    start = lines.index("operator")
    assert lines[start + 1] == "================="
    assert lines[start + 2].split() == ["Name", "Total", "Count", "Time", "(ms)", "Min",
                                        "Time", "(ms)", "Max", "Time", "(ms)", "Avg",
                                        "Time", "(ms)"]
    rows = {line.split()[0]: line for line in lines[start + 4:] if line}
    assert set(rows) == {"broadcast_add", "broadcast_mul"}
    add = rows["broadcast_add"]
    assert add[:30].strip() == "broadcast_add" and add[30:41].strip() == "3"
    count, total, low, high, average = (float(v) for v in add.split()[1:])
    assert count == 3 and low <= average <= high and total >= high
    assert total == pytest.approx(3 * average, abs=2e-4)


def test_dumps_sorting_reset_and_json():
    profiler.set_config(aggregate_stats=True)
    a = mx.nd.ones((4,))
    profiler.set_state("run")
    a + a
    a + a
    a * a
    profiler.set_state("stop")
    by_count = profiler.dumps(sort_by="count").split("\n")
    start = by_count.index("operator") + 4
    assert by_count[start].startswith("broadcast_add")
    ascending = profiler.dumps(sort_by="count", ascending=True).split("\n")
    assert ascending[start].startswith("broadcast_mul")
    stats = json.loads(profiler.dumps(format="json", reset=True))
    assert stats["Unit"] == {"Time": "ms", "Memory": "kB"}
    assert stats["Time"]["operator"]["broadcast_add"]["Count"] == 2
    assert set(stats["Time"]["operator"]["broadcast_mul"]) == {"Count", "Total", "Min",
                                                              "Max", "Avg"}
    assert "operator" not in profiler.dumps()   # reset=True cleared the statistics


def test_dumps_rejects_bad_arguments():
    with pytest.raises(MXNetError, match="sort_by"):
        profiler.dumps(sort_by="median")
    with pytest.raises(MXNetError, match="format"):
        profiler.dumps(format="csv")


def test_dump_needs_a_run_and_finished_stops_the_profiler():
    with pytest.raises(MXNetError, match="hasn't been run"):
        profiler.dump()
    profiler.set_config(filename="trace.json")
    profiler.set_state("run")
    mx.nd.ones(2) + 1
    profiler.dump(finished=False)            # keeps running
    assert dispatch._profile_hook is not None
    mx.nd.ones(2) - 1
    profiler.dump()                          # finished=True: stops
    assert dispatch._profile_hook is None
    names = [e["name"] for e in _trace("trace.json")]
    assert "_plus_scalar" in names and "_minus_scalar" in names
    with pytest.raises(MXNetError, match="hasn't been run"):
        profiler.dump()


def test_dump_writes_atomically_leaving_no_temporary_file(tmp_path):
    profiler.set_config(filename=str(tmp_path / "out.json"))
    profiler.set_state("run")
    mx.nd.ones(2) + 1
    profiler.dump()
    assert sorted(os.listdir(tmp_path)) == ["out.json"]
    document = json.loads((tmp_path / "out.json").read_text())
    assert document["displayTimeUnit"] == "ms"
    assert document["traceEvents"][0]["ph"] == "M"   # the process name


def test_set_config_and_set_state_reject_bad_values():
    with pytest.raises(MXNetError, match="bogus"):
        profiler.set_config(bogus=True)
    with pytest.raises(MXNetError, match="boolean"):
        profiler.set_config(profile_all="maybe")
    with pytest.raises(MXNetError, match="'run' or 'stop'"):
        profiler.set_state("go")
    with pytest.raises(MXNetError, match="kvstore"):
        profiler.set_state("run", profile_process="server")
    profiler.set_config(aggregate_stats="True", profile_api=0)   # MXNet's str forms
    assert recorder._config["aggregate_stats"] is True


def test_deprecated_aliases_warn_and_work():
    with pytest.warns(UserWarning, match="deprecated"):
        profiler.profiler_set_config(mode="all", filename="old.json")
    with pytest.warns(UserWarning):
        profiler.profiler_set_state("run")
    mx.nd.ones(2) + 1
    with pytest.warns(UserWarning):
        profiler.dump_profile()
    assert "_plus_scalar" in [e["name"] for e in _trace("old.json")]


def test_task_frame_event_counter_and_marker():
    profiler.set_config(aggregate_stats=True)
    domain = profiler.Domain("data")
    task = domain.new_task("decode")
    frame = domain.new_frame("iteration")
    event = profiler.Event("epoch")
    counter = domain.new_counter("samples", 5)    # set before the run: not traced
    marker = domain.new_marker("checkpoint")
    profiler.set_state("run")
    for region in (task, frame, event):
        region.start()
        region.stop()
    task.start()
    task.stop()
    counter += 3
    counter -= 1
    counter.set_value(10)
    marker.mark("global")
    profiler.set_state("stop")
    assert str(domain) == "data" and str(task) == "decode" and counter.value == 10
    table = profiler.dumps()
    assert "\ndata\n" in table and "\ndata,frame\n" in table and "\nevent\n" in table
    profiler.dump()
    events = _trace()
    regions = [(e["name"], e["cat"]) for e in events if e["ph"] == "X"]
    assert regions == [("decode", "data"), ("iteration", "data,frame"),
                       ("epoch", "event"), ("decode", "data")]
    counts = [e["args"]["samples"] for e in events if e["ph"] == "C"]
    assert counts == [8, 7, 10]
    instants = [e for e in events if e["ph"] == "i"]
    assert instants[0]["name"] == "checkpoint" and instants[0]["s"] == "g"


def test_annotation_errors():
    task = profiler.Domain("d").new_task("t")
    with pytest.raises(MXNetError, match="stop\\(\\) without start\\(\\)"):
        task.stop()
    with pytest.raises(MXNetError, match="invalid scope 'weird'"):
        profiler.Domain("d").new_marker("m").mark("weird")


def test_gluon_hybridized_block_is_profiled_as_symbolic():
    net = mx.gluon.nn.Dense(2, in_units=3)
    net.initialize()
    net.hybridize()
    x = mx.nd.ones((1, 3))
    net(x)   # build the cached graph outside the run
    profiler.set_state("run")
    net(x)
    profiler.set_state("stop")
    profiler.dump()
    events = _op_events(_trace())
    assert ("FullyConnected", "operator,symbolic") in [(e["name"], e["cat"])
                                                       for e in events]
