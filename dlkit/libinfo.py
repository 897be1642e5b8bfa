"""``mx.libinfo``: where MXNet's compiled library and C headers are, and its version.

MXNet is a C++ library (``libmxnet.so``) with a Python front end; build scripts ask
``find_lib_path()`` and ``find_include_path()`` where to link and compile against it.
dlkit is pure Python on NumPy/CuPy: there is no library and there are no headers, so
these raise ``RuntimeError``, the error MXNet raises when it cannot find them, with a
message saying why. ``__version__`` is the MXNet version whose API dlkit follows.
"""
__all__ = ["find_lib_path", "find_include_path", "find_conf_path", "__version__"]

__version__ = "1.9.1"

_PURE_PYTHON = ("dlkit is pure Python (NumPy on cpu, CuPy on gpu): it has no compiled "
                "library and no C/C++ headers to build against")


def find_lib_path(prefix="libmxnet"):
    """MXNet's path to ``libmxnet.so``; dlkit has none, so this raises.

    Raises
    ------
    RuntimeError
        Always, as MXNet does when the library is missing.
    """
    raise RuntimeError(f"Cannot find the MXNet library ({prefix}): {_PURE_PYTHON}. "
                       "Code that loads libmxnet through ctypes needs real MXNet.")


def find_include_path():
    """MXNet's C API header directory; dlkit has none (raises ``RuntimeError``)."""
    raise RuntimeError(f"Cannot find the MXNet include path: {_PURE_PYTHON}.")


def find_conf_path(prefix="tvmop"):
    """The TVM operator configuration MXNet may ship; dlkit has none (raises)."""
    raise RuntimeError(f"Cannot find the TVM op config ({prefix}): {_PURE_PYTHON}.")
