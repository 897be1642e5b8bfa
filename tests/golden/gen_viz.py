"""Golden DOT sources and summaries of mx.viz, written by MXNet 1.9.1 (run by hand).

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_viz.py

For every network of ``viz_cases.CASES`` writes ``plot_network(...).source`` (MXNet's venv
has the graphviz 0.8.4 Python package) and the text ``print_summary`` prints.
"""
import contextlib
import io
import warnings

import mxnet as mx

from mxgolden import GoldenWriter
from viz_cases import CASES, PLOT_VARIANTS, SUMMARY_VARIANTS


def main():
    writer = GoldenWriter("viz")
    for name, (build, shapes, dtypes) in CASES.items():
        with mx.name.NameManager():
            symbol = build(mx)
        for variant, (kwargs, with_shape) in PLOT_VARIANTS.items():
            extra = dict(kwargs)
            if with_shape:
                extra["shape"] = shapes
                if dtypes:
                    extra["dtype"] = dtypes
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                source = mx.viz.plot_network(symbol, **extra).source
            writer.add({"kind": "plot", "net": name, "variant": variant, "source": source})
        for variant, (kwargs, with_shape) in SUMMARY_VARIANTS.items():
            text = io.StringIO()
            with contextlib.redirect_stdout(text):
                mx.viz.print_summary(symbol, shape=shapes if with_shape else None, **kwargs)
            writer.add({"kind": "summary", "net": name, "variant": variant,
                        "text": text.getvalue()})
    writer.save()


if __name__ == "__main__":
    main()
