"""mx.runtime: MXNet 1.9.1's feature names with what dlkit really has."""
import pytest

import dlkit as mx
from dlkit.base import MXNetError

# as MXNet 1.9.1 prints them, in its order
MXNET_FEATURES = [
    "CUDA", "CUDNN", "NCCL", "CUDA_RTC", "TENSORRT", "CPU_SSE", "CPU_SSE2", "CPU_SSE3",
    "CPU_SSE4_1", "CPU_SSE4_2", "CPU_SSE4A", "CPU_AVX", "CPU_AVX2", "OPENMP", "SSE",
    "F16C", "JEMALLOC", "BLAS_OPEN", "BLAS_ATLAS", "BLAS_MKL", "BLAS_APPLE", "LAPACK",
    "MKLDNN", "OPENCV", "CAFFE", "PROFILER", "DIST_KVSTORE", "CXX14",
    "INT64_TENSOR_SIZE", "SIGNAL_HANDLER", "DEBUG", "TVM_OP"]


def test_features_lists_mxnet_names_in_order():
    features = mx.runtime.Features()
    assert list(features) == MXNET_FEATURES
    assert [f.name for f in mx.runtime.feature_list()] == MXNET_FEATURES


def test_features_is_one_shared_instance():
    assert mx.runtime.Features() is mx.runtime.Features()
    assert len(mx.runtime.Features()) == len(MXNET_FEATURES)


def test_cuda_is_enabled_exactly_when_a_gpu_is_usable():
    assert mx.runtime.Features().is_enabled("CUDA") == (mx.context.num_gpus() > 0)


def test_what_dlkit_does_not_have_is_disabled():
    features = mx.runtime.Features()
    for name in ("CUDNN", "NCCL", "TENSORRT", "MKLDNN", "OPENCV", "CAFFE",
                 "DIST_KVSTORE", "OPENMP", "JEMALLOC", "TVM_OP", "CPU_SSE4A", "DEBUG"):
        assert not features.is_enabled(name), name


def test_what_dlkit_has_is_enabled():
    features = mx.runtime.Features()
    assert features.is_enabled("LAPACK") and features.is_enabled("PROFILER")
    assert features.is_enabled("INT64_TENSOR_SIZE")
    blas = [name for name in MXNET_FEATURES
            if name.startswith("BLAS_") and features.is_enabled(name)]
    assert len(blas) <= 1   # NumPy is linked to one BLAS at most


def test_is_enabled_ignores_case_and_rejects_unknown_names():
    features = mx.runtime.Features()
    assert features.is_enabled("lapack") is True
    with pytest.raises(MXNetError, match="Feature 'FOO' is unknown, known features "
                                         "are: \\['CUDA', 'CUDNN'"):
        features.is_enabled("foo")
    assert isinstance(MXNetError("x"), RuntimeError)   # MXNet raises RuntimeError


def test_feature_repr_marks_enabled_and_disabled():
    assert repr(mx.runtime.Feature("LAPACK", True)) == "✔ LAPACK"
    assert repr(mx.runtime.Feature("MKLDNN", False)) == "✖ MKLDNN"
    text = repr(mx.runtime.Features())
    assert text.startswith("[") and "✖ MKLDNN" in text and "✔ LAPACK" in text
