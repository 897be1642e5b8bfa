"""mx.util: GPU queries, environment variables and the (always off) NumPy interface."""
import os

import pytest

import dlkit as mx
from dlkit.base import MXNetError

needs_no_gpu = pytest.mark.skipif(mx.context.num_gpus() > 0,
                                  reason="checks the error raised without a GPU")
needs_gpu = pytest.mark.skipif(mx.context.num_gpus() == 0, reason="needs a GPU")


def test_numpy_semantics_read_off():
    assert mx.util.is_np_array() is False and mx.util.is_np_shape() is False


def test_turning_numpy_semantics_on_raises_a_clear_error():
    with pytest.raises(MXNetError, match="no NumPy interface \\(mx.np / mx.npx\\)"):
        mx.util.set_np()
    with pytest.raises(MXNetError, match="mx.nd"):
        mx.util.set_np_shape(True)
    with pytest.raises(MXNetError):
        mx.util.np_shape()
    with pytest.raises(MXNetError):
        mx.util.np_array(True)


def test_set_np_array_without_shape_is_mxnets_value_error():
    with pytest.raises(ValueError, match="NumPy Shape semantics is required"):
        mx.util.set_np(shape=False, array=True)


def test_turning_numpy_semantics_off_works():
    mx.util.set_np(shape=False, array=False)
    mx.util.reset_np()
    assert mx.util.set_np_shape(False) is False   # the previous state
    with mx.util.np_shape(False), mx.util.np_array(active=False):
        assert not mx.util.is_np_shape()


def test_use_np_decorators_fail_where_they_decorate():
    with pytest.raises(MXNetError, match="@use_np on Net needs"):
        @mx.util.use_np
        class Net(mx.gluon.HybridBlock):
            pass
    with pytest.raises(MXNetError, match="use_np_shape"):
        mx.util.use_np_shape(len)
    with pytest.raises(MXNetError, match="use_np_array"):
        mx.util.use_np_array(len)


def test_getenv_and_setenv():
    name = "DLKIT_TEST_UTIL_VARIABLE"
    assert mx.util.getenv(name) is None
    mx.util.setenv(name, 3)
    try:
        assert mx.util.getenv(name) == "3" == os.environ[name]
    finally:
        mx.util.setenv(name, None)
    assert name not in os.environ


def test_set_module_changes_what_help_shows():
    @mx.util.set_module("dlkit.somewhere")
    def helper():
        pass
    assert helper.__module__ == "dlkit.somewhere"


def test_get_gpu_count_is_cupys_count():
    assert mx.util.get_gpu_count() == mx.context.num_gpus()


def test_compute_capability_needs_a_gpu_context():
    with pytest.raises(ValueError, match="Expecting a gpu context .* received ctx "
                                         "cpu\\(0\\)"):
        mx.util.get_cuda_compute_capability(mx.cpu())


@needs_no_gpu
def test_gpu_memory_queries_raise_without_a_gpu():
    with pytest.raises(MXNetError, match="gpu_memory_info"):
        mx.context.gpu_memory_info(0)
    with pytest.raises(MXNetError, match="gpu_memory_info"):
        mx.util.get_gpu_memory(0)


@needs_gpu
def test_gpu_memory_info_reports_free_and_total_bytes():
    free, total = mx.context.gpu_memory_info(0)
    assert isinstance(free, int) and 0 < free <= total
    assert mx.util.get_gpu_memory(0)[1] == total
    assert mx.util.get_cuda_compute_capability(mx.gpu(0)) >= 30
    with pytest.raises(MXNetError, match="no GPU"):
        mx.context.gpu_memory_info(mx.context.num_gpus())
