"""``mx.contrib.quantization`` (``mx.contrib.quant``): int8 quantization, which dlkit
does not have.

MXNet rewrites a graph to run with int8 operators (``quantize_model``, ``quantize_net``)
and calibrates the value ranges on sample data. dlkit has no quantized operators, so
these names exist (code mentioning them imports) and each call raises
``NotImplementedError``.
"""
__all__ = ["quantize_model", "quantize_model_mkldnn", "quantize_graph", "calib_graph",
           "quantize_net", "quantize_net_v2", "combine_histogram"]


def _not_supported(name):
    def function(*args, **kwargs):
        raise NotImplementedError(
            f"mx.contrib.quantization.{name} is not supported by dlkit: it has no "
            "int8 (quantized) operators; run the model in float32")
    function.__name__ = function.__qualname__ = name
    function.__doc__ = "Not supported by dlkit (no quantized operators); raises."
    return function


quantize_model = _not_supported("quantize_model")
quantize_model_mkldnn = _not_supported("quantize_model_mkldnn")
quantize_graph = _not_supported("quantize_graph")
calib_graph = _not_supported("calib_graph")
quantize_net = _not_supported("quantize_net")
quantize_net_v2 = _not_supported("quantize_net_v2")
combine_histogram = _not_supported("combine_histogram")
