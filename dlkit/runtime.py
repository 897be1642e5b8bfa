"""``mx.runtime``: which features this build has, under MXNet's feature names.

MXNet reports the options its C++ library was compiled with (CUDA, cuDNN, MKL-DNN, a
BLAS, CPU instruction sets...). dlkit has no C++ library: it computes with NumPy on the
CPU and CuPy on a GPU, so each feature is answered by asking them::

    CUDA              CuPy is installed and sees a GPU
    CPU_SSE ... F16C  NumPy's SIMD kernels can use the instruction set on this CPU
    BLAS_* / LAPACK   the BLAS and LAPACK NumPy was built with
    PROFILER          mx.profiler records operators (profiler/recorder.py)
    INT64_TENSOR_SIZE arrays may hold more than 2**31 elements (NumPy's sizes are int64)

Everything else (cuDNN, NCCL, MKL-DNN, OpenCV, TensorRT, a distributed kvstore...) is
something dlkit does not have, and reads as disabled.

Example
-------
>>> features = mx.runtime.Features()
>>> features.is_enabled("MKLDNN")
False
"""
import collections

from .base import MXNetError
from .context import num_gpus

__all__ = ["Feature", "Features", "feature_list"]

# MXNet 1.9.1's feature names, in the order MXNet lists them
FEATURE_NAMES = ("CUDA", "CUDNN", "NCCL", "CUDA_RTC", "TENSORRT", "CPU_SSE", "CPU_SSE2",
                 "CPU_SSE3", "CPU_SSE4_1", "CPU_SSE4_2", "CPU_SSE4A", "CPU_AVX",
                 "CPU_AVX2", "OPENMP", "SSE", "F16C", "JEMALLOC", "BLAS_OPEN",
                 "BLAS_ATLAS", "BLAS_MKL", "BLAS_APPLE", "LAPACK", "MKLDNN", "OPENCV",
                 "CAFFE", "PROFILER", "DIST_KVSTORE", "CXX14", "INT64_TENSOR_SIZE",
                 "SIGNAL_HANDLER", "DEBUG", "TVM_OP")

# MXNet's instruction-set features and NumPy's names for them (CPU_SSE4A has none)
_CPU_FEATURES = {"CPU_SSE": "SSE", "CPU_SSE2": "SSE2", "CPU_SSE3": "SSE3",
                 "CPU_SSE4_1": "SSE41", "CPU_SSE4_2": "SSE42", "CPU_AVX": "AVX",
                 "CPU_AVX2": "AVX2", "SSE": "SSE", "F16C": "F16C"}

# the BLAS features and a word that NumPy's BLAS name contains for each
_BLAS_FEATURES = {"BLAS_OPEN": "openblas", "BLAS_ATLAS": "atlas", "BLAS_MKL": "mkl",
                  "BLAS_APPLE": "accelerate"}


class Feature:
    """One feature: ``name`` and ``enabled``; prints as ``✔ NAME`` or ``✖ NAME``."""

    def __init__(self, name, enabled):
        self._name = name
        self._enabled = bool(enabled)

    @property
    def name(self):
        """The feature's name, such as ``'CUDA'``."""
        return self._name

    @property
    def enabled(self):
        """True if dlkit has this feature here."""
        return self._enabled

    def __repr__(self):
        mark = "✔" if self.enabled else "✖"
        return f"{mark} {self.name}"


def feature_list():
    """Every feature as a list of ``Feature`` objects, in MXNet's order."""
    found = _detect()
    return [Feature(name, found.get(name, False)) for name in FEATURE_NAMES]


class Features(collections.OrderedDict):
    """An ordered ``{name: Feature}`` of every feature; one shared instance, made on
    first use (detecting a GPU imports CuPy).

    Example
    -------
    >>> mx.runtime.Features().is_enabled("CUDA")   # True with CuPy and a GPU
    False
    """
    instance = None

    def __new__(cls):
        if cls.instance is None:
            cls.instance = super().__new__(cls)
            super().__init__(cls.instance, [(f.name, f) for f in feature_list()])
        return cls.instance

    def __init__(self):
        pass   # filled once in __new__: calling Features() again must not refill it

    def __repr__(self):
        return str(list(self.values()))

    def is_enabled(self, feature_name):
        """True if the feature (any letter case) is enabled; an unknown name raises."""
        feature_name = feature_name.upper()
        if feature_name not in self:
            raise MXNetError(f"Feature '{feature_name}' is unknown, known features "
                             f"are: {list(self.keys())}")
        return self[feature_name].enabled


def _detect():
    """``{name: True}`` for each feature dlkit has on this machine."""
    found = {"CUDA": num_gpus() > 0, "LAPACK": True, "PROFILER": True,
             "INT64_TENSOR_SIZE": True}
    cpu = _numpy_cpu_features()
    for name, numpy_name in _CPU_FEATURES.items():
        found[name] = bool(cpu.get(numpy_name, False))
    blas = _numpy_blas_name()
    for name, word in _BLAS_FEATURES.items():
        found[name] = word in blas
    return found


def _numpy_cpu_features():
    """NumPy's run-time CPU feature table (``{'AVX2': True, ...}``), {} if hidden."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:   # NumPy 1.x keeps it in numpy.core
        try:
            from numpy.core._multiarray_umath import __cpu_features__
        except ImportError:
            return {}
    return __cpu_features__


def _numpy_blas_name():
    """The name of the BLAS NumPy was built with, lower case ('' if unknown)."""
    import numpy
    try:
        config = numpy.show_config(mode="dicts")
        return str(config["Build Dependencies"]["blas"]["name"]).lower()
    except (TypeError, KeyError):   # NumPy 1.x: show_config has no mode
        return ""
