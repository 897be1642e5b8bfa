"""``mx.contrib.onnx``: ONNX import and export, which dlkit does not have.

MXNet converts between its Symbol/params and ONNX graphs with the ``onnx`` package.
dlkit keeps MXNet's names so that code mentioning them imports, but each call raises
``NotImplementedError`` saying so. dlkit reads and writes MXNet's own formats
(``Symbol.tojson``/``load``, ``mx.nd.save``/``load``, ``HybridBlock.export``).
"""
__all__ = ["export_model", "get_model_metadata", "import_model", "import_to_gluon"]


def _not_supported(name):
    def function(*args, **kwargs):
        raise NotImplementedError(
            f"mx.contrib.onnx.{name} is not supported by dlkit: it has no ONNX "
            "converter. Save the model in MXNet's format instead (HybridBlock.export, "
            "mx.model.save_checkpoint), which dlkit and MXNet both load.")
    function.__name__ = function.__qualname__ = name
    function.__doc__ = "Not supported by dlkit (no ONNX converter); raises."
    return function


export_model = _not_supported("export_model")
get_model_metadata = _not_supported("get_model_metadata")
import_model = _not_supported("import_model")
import_to_gluon = _not_supported("import_to_gluon")
