"""The operator lesson's checker accepts a right PReLU operator and rejects wrong ones,
saying what differs."""
import pytest

import dlkit as mx
from dlkit import exercises_operators, nd


def _channel_shape(x):
    return (1, -1) + (1,) * (x.ndim - 2)


class _PReLU(mx.operator.CustomOp):
    """The right operator; the wrong ones below override one part of it."""

    def forward(self, is_train, req, in_data, out_data, aux):
        x, gamma = in_data
        slope = gamma.reshape(_channel_shape(x))
        self.assign(out_data[0], req[0], nd.where(x > 0, x, nd.broadcast_mul(x, slope)))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        x, gamma = in_data
        dy = out_grad[0]
        slope = gamma.reshape(_channel_shape(x))
        d_data = nd.where(x > 0, dy, nd.broadcast_mul(dy, slope))
        self.assign(in_grad[0], req[0], d_data)
        self.assign(in_grad[1], req[1], self.gamma_grad(x, dy))

    def gamma_grad(self, x, dy):
        axes = (0,) + tuple(range(2, x.ndim))
        return (dy * x * (x <= 0)).sum(axis=axes)


class _PReLUProp(mx.operator.CustomOpProp):
    operator = _PReLU

    def __init__(self):
        super().__init__(need_top_grad=True)

    def list_arguments(self):
        return ["data", "gamma"]

    def infer_shape(self, in_shape):
        data = in_shape[0]
        return [data, [data[1]]], [data], []

    def infer_type(self, in_type):
        return [in_type[0]] * 2, [in_type[0]], []

    def create_operator(self, ctx, in_shapes, in_dtypes):
        return self.operator()


def _register(name, prop_class):
    mx.operator.register(name)(prop_class)
    return name


# ---- wrong operators, each wrong in one place ----
class _SlopeOnPositives(_PReLU):
    def forward(self, is_train, req, in_data, out_data, aux):
        x, gamma = in_data
        slope = gamma.reshape(_channel_shape(x))
        self.assign(out_data[0], req[0], nd.where(x > 0, nd.broadcast_mul(x, slope), x))


class _GammaGradOverBatchOnly(_PReLU):
    def gamma_grad(self, x, dy):   # right for 2-D data, wrong beyond
        summed = (dy * x * (x <= 0)).sum(axis=0)
        return summed.reshape((summed.shape[0], -1))[:, 0]


class _OverwritesGradients(_PReLU):
    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        x, gamma = in_data
        dy = out_grad[0]
        slope = gamma.reshape(_channel_shape(x))
        in_grad[0][:] = nd.where(x > 0, dy, nd.broadcast_mul(dy, slope))
        in_grad[1][:] = self.gamma_grad(x, dy)


class _NoGammaArgument(_PReLUProp):
    def list_arguments(self):
        return ["data"]


class _GammaAlongLastAxis(_PReLUProp):
    def infer_shape(self, in_shape):
        data = in_shape[0]
        return [data, [data[-1]]], [data], []


class _DefaultInferType(_PReLUProp):
    infer_type = mx.operator.CustomOpProp.infer_type


def _with_operator(operator):
    return type(f"Prop{operator.__name__}", (_PReLUProp,), {"operator": operator})


RIGHT = _register("_test_prelu_right", _PReLUProp)


def test_check_prelu_op_accepts_a_right_operator(capsys):
    exercises_operators.check_prelu_op(RIGHT)
    assert "check_prelu_op: all 11 cases pass" in capsys.readouterr().out


def test_check_prelu_op_rejects_an_unregistered_name():
    with pytest.raises(AssertionError, match="no custom operator is registered as "
                                             "'_test_prelu_missing'"):
        exercises_operators.check_prelu_op("_test_prelu_missing")


def test_check_prelu_op_names_a_missing_argument():
    name = _register("_test_prelu_no_gamma", _NoGammaArgument)
    with pytest.raises(AssertionError, match=r"list_arguments\(\) returned \['data'\], "
                                             r"expected \['data', 'gamma'\]"):
        exercises_operators.check_prelu_op(name)


def test_check_prelu_op_shows_the_wrong_inferred_shape():
    name = _register("_test_prelu_last_axis", _GammaAlongLastAxis)
    with pytest.raises(AssertionError, match=r"infer_shape\(\[\[2, 3, 5\], \[\]\]\) "
                                             r"gave in_shapes \[\(2, 3, 5\), \(5,\)\], "
                                             r"expected \[\(2, 3, 5\), \(3,\)\]"):
        exercises_operators.check_prelu_op(name)


def test_check_prelu_op_wants_gamma_to_take_the_data_type():
    name = _register("_test_prelu_default_type", _DefaultInferType)
    with pytest.raises(AssertionError, match=r"infer_type\(\[float32, None\]\) gave "
                                             r"in_types \['float32', None\], expected "
                                             r"\['float32', 'float32'\]"):
        exercises_operators.check_prelu_op(name)


def test_check_prelu_op_rejects_a_wrong_forward():
    name = _register("_test_prelu_positive_slope", _with_operator(_SlopeOnPositives))
    with pytest.raises(AssertionError, match=r"data of shape \(4, 3\) and gamma of "
                                             r"shape \(3,\), forward"):
        exercises_operators.check_prelu_op(name)


def test_check_prelu_op_rejects_a_gamma_gradient_summed_over_the_batch_only():
    name = _register("_test_prelu_batch_sum", _with_operator(_GammaGradOverBatchOnly))
    with pytest.raises(AssertionError, match=r"data of shape \(2, 3, 5\) .*the "
                                             r"gradient w.r.t. gamma"):
        exercises_operators.check_prelu_op(name)


def test_check_prelu_op_rejects_gradients_that_ignore_req():
    name = _register("_test_prelu_overwrites", _with_operator(_OverwritesGradients))
    with pytest.raises(AssertionError, match=r"req=\['add', 'add'\].*self.assign"):
        exercises_operators.check_prelu_op(name)


def test_check_prelu_op_reports_an_error_in_the_learners_code():
    class Broken(_PReLU):
        def forward(self, is_train, req, in_data, out_data, aux):
            raise ValueError("not written yet")
    name = _register("_test_prelu_broken", _with_operator(Broken))
    with pytest.raises(AssertionError, match="forward or backward raised ValueError: "
                                             "not written yet"):
        exercises_operators.check_prelu_op(name)
