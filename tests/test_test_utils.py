"""mx.test_utils: tolerances by dtype, Symbol checks, random shapes and scaffolding."""
import os
import sys

import numpy as np
import pytest

import dlkit as mx
from dlkit import test_utils as tu
from dlkit.base import MXNetError


# ---- tolerances ----
def test_default_tolerances_follow_the_less_precise_dtype():
    assert tu.get_tols(mx.nd.ones(2), np.ones(2), None, None) == (1e-4, 1e-3)
    assert tu.get_tols(np.ones(2), np.ones(2), None, None) == (1e-5, 1e-20)
    assert tu.get_tols(1.0, 2, None, None) == (1e-5, 1e-20)   # numbers: float64/int64
    assert tu.get_tols(np.ones(2, np.float16), np.ones(2), 0.5, None) == (0.5, 1e-1)
    assert tu.get_tolerance(np.ones(2, np.float16), {np.dtype(np.float16): 0.3},
                            tu.default_rtols()) == 0.3
    assert tu.get_rtol() == 1e-5 and tu.get_atol(dtype=np.float32) == 1e-3
    assert tu.get_etol() == 0 and tu.get_etol(0.1) == 0.1
    assert tu.default_numeric_eps()[np.dtype(np.float32)] == 1 / 512
    assert tu.default_dtype() is np.float32


def test_effective_dtype_is_the_arrays_dtype_on_cpu():
    assert tu.effective_dtype(mx.nd.ones(2)) == np.float32
    assert tu.effective_dtype(np.ones(2, np.float16)) == np.float16


def test_assert_almost_equal_uses_dtype_tolerances():
    tu.assert_almost_equal(mx.nd.ones(3), np.ones(3, np.float32) + 5e-4)  # float32
    with pytest.raises(AssertionError, match="worst at \\(1,\\)"):
        tu.assert_almost_equal(np.array([1.0, 2.0]), np.array([1.0, 2.001]))
    with pytest.raises(AssertionError, match="shape mismatch"):
        tu.assert_almost_equal(np.ones(3), np.ones(4))
    assert tu.almost_equal(np.ones(2), np.ones(2) + 1e-7)
    assert not tu.almost_equal(np.ones(2), np.ones(2) + 1e-3)


def test_assert_almost_equal_ignore_nan_skips_nan_positions():
    a = np.array([1.0, np.nan, 3.0])
    b = np.array([1.0, 5.0, np.nan])
    tu.assert_almost_equal_ignore_nan(a, b)
    assert np.isnan(a[1])   # the inputs are left alone
    with pytest.raises(AssertionError):
        tu.assert_almost_equal_ignore_nan(a, np.array([2.0, 0.0, 0.0]))


def test_assert_allclose_and_assert_exception():
    tu.assert_allclose(mx.nd.ones(2), np.ones(2))
    with pytest.raises(AssertionError):
        tu.assert_allclose(np.ones(2), np.ones(2) + 1e-6)
    tu.assert_exception(int, ValueError, "not a number")
    with pytest.raises(AssertionError, match="int did not raise ValueError"):
        tu.assert_exception(int, ValueError, "3")


# ---- random data ----
def test_random_shapes_stay_in_range():
    np.random.seed(0)
    for _ in range(20):
        rows, columns = tu.rand_shape_2d(3, 4)
        assert 1 <= rows <= 3 and 1 <= columns <= 4
        assert all(1 <= d <= 2 for d in tu.rand_shape_3d(2, 2, 2))
        assert all(0 <= d <= 1 for d in tu.rand_shape_nd(4, 1, allow_zero_size=True))
        x, y = tu.rand_coord_2d(5, 6, -3, -2)
        assert (x, y) == (5, -3)
    assert 0 in [d for _ in range(20) for d in tu.rand_shape_2d(1, 1, True)]


def test_random_arrays():
    single = tu.random_arrays((2, 3))
    assert single.shape == (2, 3) and single.dtype == np.float32
    pair = tu.random_arrays((2,), ())
    assert [a.shape for a in pair] == [(2,), ()]
    uniform = tu.random_uniform_arrays((100,), low=2, high=3, dtype=np.float64)
    assert uniform[0].dtype == np.float64 and 2 <= uniform[0].min() <= 3
    np.random.seed(1)
    first = tu.random_sample(list(range(10)), 4)
    np.random.seed(1)
    assert tu.random_sample(list(range(10)), 4) == first and len(set(first)) == 4
    with pytest.raises(ValueError):
        tu.random_sample([1, 2], 3)


# ---- arrays ----
def test_same_array_detects_shared_memory():
    a = mx.nd.array([1.0, 2.0])
    assert tu.same_array(a, a)
    assert not tu.same_array(a, a.copy())
    assert a.asnumpy().tolist() == [1.0, 2.0]   # the probe is undone


def test_np_reduce_matches_numpy():
    data = np.arange(24).reshape(2, 3, 4)
    np.testing.assert_array_equal(tu.np_reduce(data, (0, 2), True, np.sum),
                                  data.sum(axis=(0, 2), keepdims=True))
    np.testing.assert_array_equal(tu.np_reduce(data, -1, False, np.max),
                                  data.max(axis=-1))
    assert tu.np_reduce(data, None, False, np.sum) == data.sum()


def test_collapse_sum_like_is_the_broadcast_gradient():
    result = tu.collapse_sum_like(np.ones((2, 3, 4)), (3, 1))
    np.testing.assert_array_equal(result, np.full((3, 1), 8.0))
    assert tu.collapse_sum_like(np.ones((0, 3)), (1, 3)).tolist() == [[0, 0, 0]]
    with pytest.raises(ValueError, match="does not broadcast"):
        tu.collapse_sum_like(np.ones((2, 3)), (2, 2))


def test_create_vector_and_2d_tensor():
    vector = tu.create_vector(4)
    assert vector.dtype == np.int64 and vector.asnumpy().tolist() == [0, 1, 2, 3]
    tensor = tu.create_2d_tensor(2, 3)
    assert tensor.asnumpy().tolist() == [[0, 0, 0], [1, 1, 1]]


def test_compare_ndarray_tuple_walks_nested_tuples():
    tu.compare_ndarray_tuple((np.ones(2), (np.zeros(1),)), (np.ones(2), (np.zeros(1),)))
    with pytest.raises(AssertionError):
        tu.compare_ndarray_tuple((np.ones(2),), (np.zeros(2),))


# ---- Symbols ----
def test_check_symbolic_forward_passes_and_fails():
    lhs, rhs = mx.sym.Variable("lhs"), mx.sym.Variable("rhs")
    dot = mx.sym.dot(lhs, rhs)
    first, second = np.array([[1, 2], [3, 4]]), np.array([[5, 6], [7, 8]])
    outputs = tu.check_symbolic_forward(dot, [first, second], [[[19, 22], [43, 50]]])
    assert outputs[0].dtype == np.float32
    tu.check_symbolic_forward(dot, {"rhs": second, "lhs": first},
                              {dot.list_outputs()[0]: first @ second}, dtype="asnumpy")
    with pytest.raises(AssertionError, match="EXPECTED_.*FORWARD_"):
        tu.check_symbolic_forward(dot, [first, second], [np.zeros((2, 2))])
    with pytest.raises(ValueError, match="do not match"):
        tu.check_symbolic_forward(dot, {"lhs": first}, [first])


def test_check_symbolic_backward_for_each_grad_req():
    x, y = mx.sym.Variable("x"), mx.sym.Variable("y")
    product = x * y
    location = [np.array([1.0, 2.0]), np.array([3.0, 4.0])]
    head = [np.ones(2)]
    grads = tu.check_symbolic_backward(product, location, head,
                                       [location[1], location[0]])
    assert grads["x"].asnumpy().tolist() == [3.0, 4.0]
    tu.check_symbolic_backward(product, location, head,
                               {"x": location[1], "y": location[0]}, grad_req="add")
    tu.check_symbolic_backward(product, location, head,
                               {"x": location[1], "y": np.zeros(2)},
                               grad_req={"x": "write", "y": "null"})
    with pytest.raises(AssertionError, match="EXPECTED_x"):
        tu.check_symbolic_backward(product, location, head, [location[0], location[0]])


def test_check_symbolic_backward_of_a_loss_head_needs_no_out_grads():
    data, label = mx.sym.Variable("data"), mx.sym.Variable("label")
    net = mx.sym.SoftmaxOutput(data, label, name="softmax")
    scores, labels = np.array([[0.0, 0.0]]), np.array([1.0])
    tu.check_symbolic_backward(net, [scores, labels], None,
                               {"data": [[0.5, -0.5]], "label": [0.0]})


def test_check_consistency_across_dtypes():
    np.random.seed(0)
    fc = mx.sym.FullyConnected(num_hidden=3, name="fc")
    runs = [{"ctx": mx.cpu(0), "fc_data": (2, 4), "type_dict": {"fc_data": dtype}}
            for dtype in (np.float32, np.float64)]
    truth = tu.check_consistency(fc, runs)
    assert set(truth) == {"fc_output", "fc_data", "fc_weight", "fc_bias"}
    assert truth["fc_output"].dtype == np.float64   # the widest run is the reference
    tu.check_consistency([fc, fc], runs, grad_req="null", use_uniform=True)


def test_check_consistency_reports_a_disagreement():
    data = mx.sym.Variable("data")
    runs = [{"ctx": mx.cpu(0), "data": (3,), "type_dict": {"data": np.float64}},
            {"ctx": mx.cpu(0), "data": (3,), "type_dict": {"data": np.float16}}]
    # exp(3) in float16 is about 20.08, off by far more than 1e-6
    arg_params = {"data": np.full(3, 3.0)}
    with pytest.raises(AssertionError, match="run 1"):
        tu.check_consistency(mx.sym.exp(data), runs, arg_params=arg_params,
                             rtol=1e-6, atol=1e-6)
    tu.check_consistency(mx.sym.exp(data), runs, arg_params=arg_params, rtol=1e-6,
                         atol=1e-6, raise_on_err=False)
    with pytest.raises(ValueError, match="at least two"):
        tu.check_consistency(data, runs[:1])


def test_simple_forward_returns_numpy():
    x = mx.sym.Variable("x")
    np.testing.assert_array_equal(tu.simple_forward(x * 2, x=np.ones(2)), [2.0, 2.0])
    both = tu.simple_forward(mx.sym.Group([x + 1, x - 1]), x=np.zeros(1))
    assert [o.tolist() for o in both] == [[1.0], [-1.0]]


# ---- scaffolding ----
def test_list_gpus_counts_cupys_devices():
    assert list(tu.list_gpus()) == list(range(mx.context.num_gpus()))


def test_retry_reruns_only_failing_assertions():
    calls = []

    @tu.retry(3)
    def flaky():
        calls.append(1)
        assert len(calls) >= 2

    flaky()
    assert len(calls) == 2 and flaky.__name__ == "flaky"

    @tu.retry(2)
    def always_fails():
        raise AssertionError("no")

    with pytest.raises(AssertionError, match="no"):
        always_fails()


def test_environment_sets_and_restores_variables():
    name = "DLKIT_TEST_ENVIRONMENT"
    os.environ.pop(name, None)
    with tu.environment(name, "1"):
        assert os.environ[name] == "1"
        with tu.environment({name: None}):
            assert name not in os.environ
        assert os.environ[name] == "1"
    assert name not in os.environ
    with pytest.raises(ValueError, match="one dict arg or two args"):
        with tu.environment(name):
            pass


def test_discard_stderr_hides_python_and_c_level_output(capfd):
    with tu.discard_stderr():
        print("hidden from python", file=sys.stderr)
        os.write(2, b"hidden from C\n")
    print("shown", file=sys.stderr)
    assert capfd.readouterr().err == "shown\n"


def test_dummy_iter_repeats_the_first_batch():
    real = mx.io.NDArrayIter(np.arange(12).reshape(6, 2), np.arange(6), batch_size=2)
    dummy = tu.DummyIter(real)
    batches = [next(dummy) for _ in range(5)]   # more than the 3 real batches
    assert all(batch is batches[0] for batch in batches)
    assert dummy.batch_size == 2 and dummy.provide_data == real.provide_data
    assert batches[0].data[0].asnumpy().tolist() == [[0, 1], [2, 3]]


def test_get_mnist_iterator_needs_local_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MXNetError, match="does not download"):
        tu.get_mnist_iterator(10, (784,))


def test_get_mnist_iterator_reads_local_idx_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    images = np.arange(4 * 28 * 28, dtype=np.uint8).reshape(4, 28, 28)
    for prefix in ("train", "t10k"):
        header = np.array([2051, 4, 28, 28], dtype=">i4").tobytes()
        (tmp_path / "data" / f"{prefix}-images-idx3-ubyte").write_bytes(
            header + images.tobytes())
        header = np.array([2049, 4], dtype=">i4").tobytes()
        (tmp_path / "data" / f"{prefix}-labels-idx1-ubyte").write_bytes(
            header + np.arange(4, dtype=np.uint8).tobytes())
    train_iter, val_iter = tu.get_mnist_iterator(2, (1, 28, 28))
    assert next(train_iter).data[0].shape == (2, 1, 28, 28)
    flat_train, _ = tu.get_mnist_iterator(2, (784,))
    assert next(flat_train).data[0].shape == (2, 784)
    assert next(val_iter).label[0].asnumpy().tolist() == [0.0, 1.0]
