"""gluon.Parameter, Constant and ParameterDict."""
import warnings

import numpy as np
import pytest

import dlkit as mx
from dlkit import autograd, gluon, nd


def test_parameter_initializes_with_its_own_init_and_has_a_gradient():
    param = gluon.Parameter("w", shape=(2, 3), init=mx.init.One())
    param.initialize()
    assert param.data().asnumpy().tolist() == [[1, 1, 1], [1, 1, 1]]
    assert param.grad().shape == (2, 3)
    assert param.list_ctx() == [mx.cpu()]
    assert repr(param) == "Parameter w (shape=(2, 3), dtype=<class 'numpy.float32'>)"


def test_default_init_is_uniform_007_even_for_a_bare_bias_as_in_mxnet():
    weight = gluon.Parameter("fc_weight", shape=(50, 40))
    bias = gluon.Parameter("fc_bias", shape=(50,))
    weight.initialize()
    bias.initialize()
    values = weight.data().asnumpy()
    assert np.abs(values).max() <= 0.07 and values.std() > 0.01
    assert bias.data().asnumpy().any()  # MXNet: default_init wins over the name
    dense = gluon.nn.Dense(3, in_units=2)
    dense.initialize()
    assert not dense.bias.data().asnumpy().any()  # Dense's bias_initializer='zeros'


def test_gradients_flow_into_the_parameter_grad():
    param = gluon.Parameter("w", shape=(3,), init=mx.init.One())
    param.initialize()
    with autograd.record():
        y = (param.data() * nd.array([1, 2, 3])).sum()
    y.backward()
    assert param.grad().asnumpy().tolist() == [1, 2, 3]
    param.zero_grad()
    assert not param.grad().asnumpy().any()


def test_unknown_shape_without_deferred_init_raises():
    param = gluon.Parameter("w", shape=(2, 0))
    with pytest.raises(mx.MXNetError, match="invalid shape"):
        param.initialize()


def test_deferred_init_waits_for_the_shape():
    param = gluon.Parameter("w", shape=(2, 0), allow_deferred_init=True)
    param.initialize(init=mx.init.One())
    with pytest.raises(gluon.DeferredInitializationError, match="deferred"):
        param.data()
    param.shape = (2, 5)
    param._finish_deferred_init()
    assert param.data().shape == (2, 5)


def test_shape_may_only_complete_unknown_dimensions():
    param = gluon.Parameter("w", shape=(2, 0))
    with pytest.raises(mx.MXNetError, match="incompatible"):
        param.shape = (3, 4)


def test_uninitialized_access_names_the_fix():
    param = gluon.Parameter("w", shape=(2,))
    with pytest.raises(RuntimeError, match="initialize"):
        param.data()


def test_second_initialize_warns_unless_forced():
    param = gluon.Parameter("w", shape=(2,), init=mx.init.Zero())
    param.initialize()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        param.initialize()
    assert "force_reinit" in str(caught[0].message)
    param.initialize(init=mx.init.One(), force_reinit=True)
    assert param.data().asnumpy().tolist() == [1, 1]


def test_parameter_on_two_contexts_set_data_and_reset_ctx():
    param = gluon.Parameter("w", shape=(2,), init=mx.init.One())
    param.initialize(ctx=[mx.cpu(0), mx.cpu(1)])
    assert len(param.list_data()) == 2
    assert param.data(mx.cpu(1)).context == mx.cpu(1)
    with pytest.raises(mx.MXNetError, match="not initialized on context"):
        param.data(mx.cpu(2))
    param.set_data(nd.array([3, 4]))
    assert param.data(mx.cpu(1)).asnumpy().tolist() == [3, 4]
    param.reset_ctx(mx.cpu(2))
    assert param.list_ctx() == [mx.cpu(2)]
    assert param.data().asnumpy().tolist() == [3, 4]


def test_cast_and_grad_req_null():
    param = gluon.Parameter("w", shape=(2,))
    param.initialize()
    param.cast("float64")
    assert param.data().dtype == np.float64 and param.grad().dtype == np.float64
    param.grad_req = "null"
    with pytest.raises(mx.MXNetError, match="grad_req='null'"):
        param.grad()


def test_var_is_a_symbol_variable_named_like_the_parameter():
    param = gluon.Parameter("dense0_weight", shape=(3, 2))
    assert isinstance(param.var(), mx.sym.Symbol)
    assert param.var().name == "dense0_weight"


def test_constant_keeps_its_value_and_has_no_gradient():
    constant = gluon.Constant("c", [1, 2])
    constant.initialize(init=mx.init.Zero())
    assert constant.data().asnumpy().tolist() == [1, 2]
    assert constant.grad_req == "null"


def test_parameter_dict_get_update_repr_and_select():
    params = gluon.ParameterDict("net_")
    weight = params.get("weight", shape=(2, 0))
    assert params.get("weight", shape=(2, 3)) is weight and weight.shape == (2, 3)
    with pytest.raises(mx.MXNetError, match="does not match"):
        params.get("weight", lr_mult=2.0) if weight.lr_mult != 1.0 else \
            params.get("weight", shape=(4, 3))
    params.get("bias", shape=(2,))
    assert repr(params).startswith("net_ (\n  Parameter net_weight")
    assert list(params.select(".*bias").keys()) == ["net_bias"]
    other = gluon.ParameterDict("x_")
    other.update(params)
    assert list(other.keys()) == ["net_weight", "net_bias"]
    other.setattr("lr_mult", 0.5)
    assert weight.lr_mult == 0.5


def test_parameter_dict_save_and_load_round_trip(tmp_path):
    params = gluon.ParameterDict("net_")
    params.get("weight", shape=(2, 2))
    params.initialize()
    filename = str(tmp_path / "p.params")
    params.save(filename, strip_prefix="net_")
    assert sorted(nd.load(filename)) == ["weight"]
    fresh = gluon.ParameterDict("net_")
    fresh.get("weight", shape=(2, 2))
    fresh.load(filename, restore_prefix="net_")
    np.testing.assert_array_equal(fresh["net_weight"].data().asnumpy(),
                                  params["net_weight"].data().asnumpy())
    extra = gluon.ParameterDict("net_")
    extra.get("weight", shape=(2, 2))
    extra.get("other", shape=(1,))
    with pytest.raises(mx.MXNetError, match="allow_missing=True"):
        extra.load(filename, restore_prefix="net_")
