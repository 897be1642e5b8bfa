"""The small top-level modules: mx.rnd, mx.registry, mx.log, mx.error, mx.libinfo,
mx.library, mx.kv.KVStoreBase/TestStore/KVStoreServer, mx.nd.CachedOp and
mx.nd.imdecode."""
import io
import logging
import warnings

import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError


def test_rnd_is_random():
    assert mx.rnd is mx.random


# ---- mx.registry ---------------------------------------------------------------------
class _Shape:
    def __init__(self, size=1):
        self.size = size


def test_registry_registers_creates_and_aliases():
    register = mx.registry.get_register_func(_Shape, "shape")
    alias = mx.registry.get_alias_func(_Shape, "shape")
    create = mx.registry.get_create_func(_Shape, "shape")

    @alias("sq", "box")
    @register
    class Square(_Shape):
        pass

    assert sorted(mx.registry.get_registry(_Shape)) == ["box", "sq", "square"]
    assert create("SQUARE", size=3).size == 3
    assert isinstance(create("box"), Square)
    assert create(shape="sq").size == 1
    assert create({"shape": "square", "size": 2}).size == 2
    assert create('["square", {"size": 5}]').size == 5
    assert create('{"shape": "square", "size": 6}').size == 6
    existing = Square(4)
    assert create(existing) is existing
    with pytest.raises(ValueError, match="already an instance"):
        create(existing, size=2)
    with pytest.raises(ValueError, match="circle is not registered"):
        create("circle")
    with pytest.raises(TypeError, match="string type"):
        create(3)
    with pytest.raises(TypeError, match="subclass of _Shape"):
        register(int)
    with pytest.warns(UserWarning, match="overriding existing shape"):
        register(Square)


def test_registry_shares_the_initializer_and_metric_tables():
    create = mx.registry.get_create_func(mx.init.Initializer, "initializer")
    xavier = create("xavier", magnitude=2)
    assert isinstance(xavier, mx.init.Xavier) and xavier.magnitude == 2
    assert isinstance(create('["normal", {"sigma": 0.5}]'), mx.init.Normal)
    assert "acc" in mx.registry.get_registry(mx.metric.EvalMetric)
    # a copy: changing it changes nothing
    mx.registry.get_registry(mx.init.Initializer).clear()
    assert "xavier" in mx.registry.get_registry(mx.init.Initializer)


# ---- mx.log --------------------------------------------------------------------------
def test_get_logger_prints_mxnet_header(capsys):
    logger = mx.log.get_logger("dlkit_test_log", level=mx.log.INFO)
    assert logger.level == logging.INFO
    assert mx.log.get_logger("dlkit_test_log") is logger
    assert len(logger.handlers) == 1          # set up once only
    logger.info("hello")
    err = capsys.readouterr().err
    assert "\x1b[32mI" in err and err.rstrip().endswith("]\x1b[0m hello")
    assert "test_small_modules.py:test_get_logger_prints_mxnet_header" in err


def test_get_logger_to_file_and_deprecated_spelling(tmp_path):
    path = tmp_path / "log.txt"
    logger = mx.log.get_logger("dlkit_test_file_log", filename=str(path))
    logger.warning("saved")
    assert path.read_text() == "saved\n"
    with pytest.warns(DeprecationWarning, match="get_logger"):
        assert mx.log.getLogger("dlkit_test_file_log") is logger
    assert (mx.log.CRITICAL, mx.log.DEBUG, mx.log.NOTSET) == (50, 10, 0)


# ---- mx.error ------------------------------------------------------------------------
def test_error_register_and_internal_error():
    @mx.error.register
    class MyError(mx.MXNetError):
        pass

    assert mx.error.error_types["MyError"] is MyError
    mx.error.register("Other", ValueError)
    assert mx.error.error_types["Other"] is ValueError
    assert mx.error.error_types["IndexError"] is IndexError
    error = mx.error.InternalError("boom")
    assert isinstance(error, mx.MXNetError) and isinstance(error, RuntimeError)
    assert str(error).startswith("boom\nMXNet hint: You hit an internal error.")
    assert str(mx.error.InternalError("x MXNet hint: y")) == "x MXNet hint: y"
    assert mx.error.MXNetError is mx.MXNetError


# ---- mx.libinfo, mx.library ----------------------------------------------------------
def test_libinfo_says_there_is_no_compiled_library():
    assert mx.libinfo.__version__ == "1.9.1" == mx.__version__
    for function in (mx.libinfo.find_lib_path, mx.libinfo.find_include_path,
                     mx.libinfo.find_conf_path):
        with pytest.raises(RuntimeError, match="pure Python"):
            function()


def test_library_load_checks_the_path_then_refuses(tmp_path):
    with pytest.raises(MXNetError, match="does NOT exist"):
        mx.library.load(str(tmp_path / "missing.so"))
    library = tmp_path / "libop.so"
    library.write_bytes(b"")
    text = tmp_path / "notes.txt"
    text.write_text("x")
    with pytest.raises(MXNetError, match="is NOT a library file"):
        mx.library.load(str(text))
    with pytest.raises(MXNetError, match="cannot load compiled MXNet extension"):
        mx.library.load(str(library))


# ---- mx.kv ---------------------------------------------------------------------------
def test_kvstore_base_registry_and_test_store():
    assert isinstance(mx.kv.create("local"), mx.kv.KVStoreBase)
    assert mx.kv.create("Local").type == "local"     # names are lower-cased
    store = mx.kv.create("teststore")
    assert (store.type, store.rank, store.num_workers) == ("teststore", 0, 1)
    assert store.is_capable(mx.kv.KVStoreBase.OPTIMIZER) is False
    with pytest.raises(ValueError, match="Unknown capability"):
        store.is_capable("compression")
    values = [mx.nd.ones(2), mx.nd.ones(2) * 2]
    store.pushpull("w", values)
    assert [v.asnumpy().tolist() for v in values] == [[3, 3], [3, 3]]
    out = mx.nd.zeros(2)
    store.pushpull("w", [mx.nd.ones(2), mx.nd.ones(2)], out=out)
    assert out.asnumpy().tolist() == [2, 2]
    outs = [mx.nd.zeros(2), mx.nd.zeros(2)]
    store.broadcast("w", mx.nd.ones(2) * 5, outs)
    assert [o.asnumpy().tolist() for o in outs] == [[5, 5], [5, 5]]


def test_kvstore_base_register_and_abstract_methods():
    @mx.kv.KVStoreBase.register
    class MyStore(mx.kv.KVStoreBase):
        pass

    store = mx.kv.create("mystore")
    assert type(store) is MyStore
    with pytest.raises(NotImplementedError):
        store.pushpull("a", mx.nd.ones(1))
    with pytest.warns(UserWarning, match="overriding existing kvstore"):
        mx.kv.KVStoreBase.register(MyStore)
    del mx.kv.KVStoreBase.kv_registry["mystore"]


def test_kvstore_server_cannot_run_without_servers():
    server = mx.kv.KVStoreServer(mx.kv.create("local"))
    assert server.kvstore.type == "local"
    with pytest.raises(MXNetError, match="no distributed key-value store"):
        server.run()


# ---- mx.nd.CachedOp ------------------------------------------------------------------
def _fc_batchnorm():
    data, weight = mx.sym.var("data"), mx.sym.var("w")
    fc = mx.sym.FullyConnected(data, weight=weight, num_hidden=2, no_bias=True)
    return mx.sym.BatchNorm(fc, name="bn")


def test_cached_op_matches_mxnet_and_updates_aux_states_when_training():
    # numbers from MXNet 1.9.1 (same graph and inputs)
    op = mx.nd.CachedOp(_fc_batchnorm(), flags=[("static_alloc", True)])
    x, weight = mx.nd.ones((3, 4)), mx.nd.ones((2, 4))
    gamma, beta = mx.nd.ones(2), mx.nd.zeros(2)
    moving_mean, moving_var = mx.nd.zeros(2), mx.nd.ones(2)
    y = op(x, weight, gamma, beta, moving_mean, moving_var)
    np.testing.assert_allclose(y.asnumpy(), np.full((3, 2), 3.9980016), rtol=1e-6)
    assert moving_mean.asnumpy().tolist() == [0, 0]       # prediction mode
    x.attach_grad()
    weight.attach_grad()
    with mx.autograd.record():
        y = op(x, weight, gamma, beta, moving_mean, moving_var)
    y.backward()
    np.testing.assert_allclose(moving_mean.asnumpy(), [0.4, 0.4], rtol=1e-6)
    np.testing.assert_allclose(weight.grad.asnumpy(), np.zeros((2, 4)), atol=1e-6)
    out = mx.nd.zeros((3, 2))
    assert op(x, weight, gamma, beta, moving_mean, moving_var, out=out) is out
    np.testing.assert_allclose(out.asnumpy(), np.full((3, 2), 3.7926266), rtol=1e-6)


def test_cached_op_gradients_equal_the_imperative_ones():
    data, weight = mx.sym.var("data"), mx.sym.var("weight")
    op = mx.nd.CachedOp(mx.sym.tanh(mx.sym.dot(data, weight)) * data)
    random = np.random.RandomState(0)
    x = mx.nd.array(random.uniform(-1, 1, (3, 3)))
    w = mx.nd.array(random.uniform(-1, 1, (3, 3)))
    for array in (x, w):
        array.attach_grad()
    with mx.autograd.record():
        loss = (op(x, w) ** 2).sum()
    loss.backward()
    cached = x.grad.asnumpy(), w.grad.asnumpy()
    with mx.autograd.record():
        loss = ((mx.nd.tanh(mx.nd.dot(x, w)) * x) ** 2).sum()
    loss.backward()
    np.testing.assert_allclose(cached[0], x.grad.asnumpy(), rtol=1e-5)
    np.testing.assert_allclose(cached[1], w.grad.asnumpy(), rtol=1e-5)


def test_cached_op_several_outputs_and_wrong_input_count():
    a = mx.sym.var("a")
    op = mx.nd.CachedOp(mx.sym.Group([a * 2, a + 1]))
    first, second = op(mx.nd.ones(2))
    assert first.asnumpy().tolist() == [2, 2] and second.asnumpy().tolist() == [2, 2]
    with pytest.raises(MXNetError, match="got 2 inputs but the graph takes 1"):
        op(mx.nd.ones(2), mx.nd.ones(2))


# ---- mx.nd.imdecode ------------------------------------------------------------------
def _png(image):
    Image = pytest.importorskip("PIL.Image")
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def test_nd_imdecode_gives_float_channels_first():
    image = (np.arange(4 * 6 * 3) * 7 % 256).astype(np.uint8).reshape(4, 6, 3)
    data = _png(image)
    decoded = mx.nd.imdecode(data)
    assert decoded.dtype == np.float32
    np.testing.assert_array_equal(decoded.asnumpy(), image.transpose(2, 0, 1))
    clipped = mx.nd.imdecode(data, clip_rect=(1, 1, 4, 3))
    np.testing.assert_array_equal(clipped.asnumpy(), image[1:3, 1:4].transpose(2, 0, 1))
    centred = mx.nd.imdecode(data, mean=mx.nd.ones((3, 4, 6)))
    np.testing.assert_array_equal(centred.asnumpy(), image.transpose(2, 0, 1) - 1.0)
    batch = mx.nd.zeros((2, 3, 4, 6))
    assert mx.nd.imdecode(data, out=batch, index=1) is batch
    assert batch[0].sum().asscalar() == 0
    np.testing.assert_array_equal(batch[1].asnumpy(), image.transpose(2, 0, 1))
    assert mx.nd.imdecode(data, channels=1).shape == (1, 4, 6)
    with pytest.raises(MXNetError, match="clip_rect"):
        mx.nd.imdecode(data, clip_rect=(0, 0, 7, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mx.nd.imdecode(data)
