"""dlkit/kvstore.py: local stores sum pushes, apply the optimizer, and refuse dist."""
import numpy as np
import pytest

import dlkit as mx


def test_local_store_properties():
    kv = mx.kv.create("local")
    assert (kv.type, kv.rank, kv.num_workers) == ("local", 0, 1)
    assert mx.kv.create("device").type == "device"
    assert mx.kvstore.create().type == "local"


def test_push_sums_values_and_replaces_without_optimizer(ctx):
    kv = mx.kv.create("device")
    kv.init(3, mx.nd.ones((2,), ctx=ctx))
    kv.push(3, [mx.nd.ones((2,), ctx=ctx) * 2, mx.nd.ones((2,), ctx=ctx) * 3])
    out = mx.nd.zeros((2,), ctx=ctx)
    kv.pull(3, out=out)
    assert out.asnumpy().tolist() == [5, 5]
    kv.push(3, mx.nd.ones((2,), ctx=ctx))
    kv.pull(3, out=out)
    assert out.asnumpy().tolist() == [1, 1]


def test_lists_of_str_keys_and_pull_to_several_outputs():
    kv = mx.kv.create("local")
    kv.init(["a", "b"], [mx.nd.ones((2,)), mx.nd.zeros((1,))])
    outs = [mx.nd.zeros((2,)), mx.nd.zeros((2,))]
    kv.pull("a", out=outs)
    assert [o.asnumpy().tolist() for o in outs] == [[1, 1], [1, 1]]
    kv.push(["a", "b"], [[mx.nd.ones((2,)), mx.nd.ones((2,))], mx.nd.full((1,), 4.0)])
    a, b = mx.nd.zeros((2,)), mx.nd.zeros((1,))
    kv.pull(["a", "b"], out=[a, b])
    assert a.asnumpy().tolist() == [2, 2] and b.asnumpy().tolist() == [4]


def test_set_optimizer_updates_the_stored_weight_on_push():
    kv = mx.kv.create("local")
    kv.init(0, mx.nd.ones((2,)))
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1))
    kv.push(0, [mx.nd.ones((2,)), mx.nd.ones((2,))])
    out = mx.nd.zeros((2,))
    kv.pull(0, out=out)
    np.testing.assert_allclose(out.asnumpy(), [0.8, 0.8])


def test_pushpull_pulls_into_the_pushed_array():
    kv = mx.kv.create("device")
    value = mx.nd.ones((2,))
    kv.init(0, value)
    kv.pushpull(0, mx.nd.ones((2,)) * 5, out=value)
    assert value.asnumpy().tolist() == [5, 5]


def test_custom_updater_gets_key_merged_and_stored():
    calls = []

    def updater(key, merged, stored):
        calls.append(key)
        stored[:] += merged

    kv = mx.kv.create("local")
    kv.init("w", mx.nd.ones((2,)))
    kv._set_updater(updater)
    kv.push("w", mx.nd.ones((2,)))
    out = mx.nd.zeros((2,))
    kv.pull("w", out=out)
    assert calls == ["w"] and out.asnumpy().tolist() == [2, 2]


def test_optimizer_states_round_trip_through_a_file(tmp_path):
    kv = mx.kv.create("local")
    kv.init(0, mx.nd.ones((3,)))
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9))
    kv.push(0, mx.nd.ones((3,)))
    path = str(tmp_path / "kv.states")
    kv.save_optimizer_states(path, dump_optimizer=True)
    other = mx.kv.create("local")
    other.set_optimizer(mx.optimizer.SGD())
    other.load_optimizer_states(path)
    momentum = other._updater.states[0].asnumpy()
    np.testing.assert_allclose(momentum, [-0.1, -0.1, -0.1], rtol=1e-6)
    assert other._updater.optimizer.momentum == 0.9


def test_bad_uses_raise_clear_errors():
    kv = mx.kv.create("local")
    kv.init(3, mx.nd.ones((2,)))
    with pytest.raises(mx.MXNetError, match="duplicate init of key 3"):
        kv.init(3, mx.nd.ones((2,)))
    with pytest.raises(mx.MXNetError, match="key 99 has not been inited"):
        kv.pull(99, out=mx.nd.zeros((2,)))
    with pytest.raises(mx.MXNetError, match="holds shape \\(2,\\) but a pushed value"):
        kv.push(3, mx.nd.ones((5,)))
    with pytest.raises(mx.MXNetError, match="Mixed key types"):
        kv.init("a", mx.nd.ones((2,)))
    with pytest.raises(mx.MXNetError, match="gradient compression is not supported"):
        kv.set_gradient_compression({"type": "2bit"})
    with pytest.raises(mx.MXNetError, match="no optimizer is set"):
        kv.save_optimizer_states("never-written")


@pytest.mark.parametrize("name", ["dist_sync", "dist_async", "dist_device_sync",
                                  "horovod"])
def test_distributed_types_say_what_is_supported(name):
    with pytest.raises(mx.MXNetError, match="not supported.*'local', 'device'"):
        mx.kv.create(name)
