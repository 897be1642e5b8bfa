"""Goldens for gluon.model_zoo.vision (run by hand in the MXNet 1.9.1 venv).

    cd tests/golden && MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python gen_model_zoo.py

Writes ``model_zoo.json``/``model_zoo.npz`` and ``model_zoo_files/``:

- a ``names`` case: the public names of ``vision`` and its modules, and
  ``get_model``'s error for an unknown name.
- ``structure`` cases (zoo models by name): every parameter's name, shape (after a
  forward pass at 224x224, 299x299 for Inception) and grad_req, the repr before
  initialization and the output shape.
- ``numeric`` cases: a model built by the zoo's own classes and factories, its
  parameters saved by MXNet's ``save_parameters`` (xz-compressed, in
  ``model_zoo_files/``),
  a fixed input and MXNet's output in inference mode, the repr after the forward pass
  and ``summary``'s text. The small ResNets are also saved the way MXNet's pretrained
  files are (``collect_params().save(strip_prefix=net.prefix)``).

Every model is built inside a fresh ``mx.name.NameManager()`` so its prefix counts
from 0 (``resnetv10_``). The full-size zoo models are far too big to store (resnet18_v1
alone is 47 MB), so the numeric cases use the small models (mobilenet0.25,
mobilenetv2_0.25, squeezenet1.1 with 10 classes) and narrow versions of ResNet and
DenseNet built from the same classes. To keep the files small, weights are rounded to
multiples of 1/64 and inputs to multiples of 1/8 (so xz shrinks them about tenfold);
BatchNorm parameters and statistics are random, so that a swapped gamma/beta or
mean/var would show.
"""
import contextlib
import io
import lzma
import os
import shutil

import numpy as np

import mxnet as mx
from mxnet.gluon.model_zoo import vision

from mxgolden import HERE, GoldenWriter

FILES = os.path.join(HERE, "model_zoo_files")
golden = GoldenWriter("model_zoo")
random = np.random.RandomState(0)

# (model name, store its repr too); the big reprs are left out to keep the file small
STRUCTURE = [("resnet18_v1", True), ("resnet18_v2", True), ("resnet50_v1", False),
             ("resnet50_v2", False), ("mobilenet0.25", True),
             ("mobilenetv2_0.25", True), ("squeezenet1.0", True),
             ("squeezenet1.1", True), ("alexnet", True), ("vgg11", True),
             ("vgg11_bn", True), ("densenet121", False), ("inceptionv3", False)]

# (case id, builder, positional args, keyword args, input shape); builder names a
# class or function of mxnet.gluon.model_zoo.vision, block classes are given by name
NUMERIC = [
    ("resnet18_v1_narrow", "ResNetV1",
     ["BasicBlockV1", [2, 2, 2, 2], [8, 8, 16, 32, 64]], {"classes": 10},
     (2, 3, 32, 32)),
    ("resnet_v1_bottleneck_thumbnail", "ResNetV1",
     ["BottleneckV1", [1, 1, 1], [8, 16, 32, 64]], {"classes": 10, "thumbnail": True},
     (2, 3, 16, 16)),
    ("resnet18_v2_narrow", "ResNetV2",
     ["BasicBlockV2", [2, 2, 2, 2], [8, 8, 16, 32, 64]], {"classes": 10},
     (2, 3, 32, 32)),
    ("resnet_v2_bottleneck", "ResNetV2", ["BottleneckV2", [1, 2, 1], [8, 16, 32, 64]],
     {"classes": 10}, (2, 3, 32, 32)),
    ("mobilenet0.25", "get_model", ["mobilenet0.25"], {"classes": 10},
     (1, 3, 64, 64)),
    ("mobilenetv2_0.25", "get_model", ["mobilenetv2_0.25"], {"classes": 10},
     (1, 3, 64, 64)),
    ("squeezenet1.1", "get_model", ["squeezenet1.1"], {"classes": 10},
     (1, 3, 224, 224)),
    ("densenet_narrow", "DenseNet", [8, 4, [2, 3, 2, 2]], {"classes": 10},
     (1, 3, 224, 224)),
]


def build(builder, args, kwargs):
    args = [getattr(vision, arg) if isinstance(arg, str) and arg[0].isupper() else arg
            for arg in args]
    with mx.name.NameManager():
        return getattr(vision, builder)(*args, **kwargs)


def param_table(net):
    """One line per parameter: name, shape, grad_req (as the tests compare them)."""
    return "\n".join(f"{name} {tuple(param.shape)} {param.grad_req}"
                     for name, param in net.collect_params().items())


def structure_case(name, with_repr):
    with mx.name.NameManager():
        net = vision.get_model(name)
    repr_before = repr(net)
    net.initialize()
    size = 299 if name == "inceptionv3" else 224
    out = net(mx.nd.zeros((1, 3, size, size)))
    golden.add({"kind": "structure", "name": name, "input_shape": [1, 3, size, size],
                "params": param_table(net), "repr": repr_before if with_repr else None,
                "out_shape": list(out.shape)})


def rounded(values, step):
    return (np.round(np.asarray(values) / step) * step).astype(np.float32)


def fix_parameters(net):
    """Round every weight to the 1/64 grid; random BatchNorm parameters."""
    for name, param in net.collect_params().items():
        shape = param.shape
        if name.endswith("_gamma") or name.endswith("_running_var"):
            value = rounded(random.uniform(0.5, 1.5, size=shape), 1 / 32)
        elif name.endswith("_beta") or name.endswith("_running_mean"):
            value = rounded(random.uniform(-0.25, 0.25, size=shape), 1 / 64)
        elif name.endswith("_bias"):
            value = rounded(random.uniform(-0.1, 0.1, size=shape), 1 / 128)
        else:
            value = rounded(param.data().asnumpy(), 1 / 64)
        param.set_data(mx.nd.array(value))


def save_compressed(net, file_name, full_names=False):
    """``save_parameters`` (or, with ``full_names``, the older format of MXNet's
    pretrained files: full names minus the model's prefix), then xz-compress the file
    (the tests decompress it)."""
    path = os.path.join(FILES, file_name)
    if full_names:
        net.collect_params().save(path, strip_prefix=net.prefix)
    else:
        net.save_parameters(path)
    with open(path, "rb") as source, lzma.open(path + ".xz", "wb", preset=9) as target:
        shutil.copyfileobj(source, target)
    os.remove(path)
    return file_name + ".xz"


def numeric_case(case_id, builder, args, kwargs, input_shape):
    mx.random.seed(7)
    net = build(builder, args, kwargs)
    repr_before = repr(net)
    net.initialize(mx.init.Xavier(rnd_type="gaussian", magnitude=2))
    net(mx.nd.zeros(input_shape))       # finishes the deferred initialization
    fix_parameters(net)
    x = rounded(random.uniform(-1, 1, size=input_shape), 1 / 8)
    out = net(mx.nd.array(x)).asnumpy()    # inference mode: not recording
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        net.summary(mx.nd.array(x))
    golden.add({"kind": "numeric", "id": case_id, "builder": builder, "args": args,
                "kwargs": kwargs, "file": save_compressed(net, case_id + ".params"),
                "file_full_names": save_compressed(net, case_id + "-full.params", True)
                if case_id.startswith("resnet_") else None,
                "input": golden.add_array(f"{case_id}/input", x),
                "output": golden.add_array(f"{case_id}/output", out),
                "params": param_table(net), "repr": repr_before,
                "repr_initialized": repr(net), "summary": text.getvalue()})
    print(f"{case_id}: output scale {np.abs(out).max():.3g}")


def names_case():
    """The zoo's public names and ``get_model``'s error for an unknown name."""
    try:
        vision.get_model("no_such_net")
    except ValueError as error:
        message = str(error)
    public = {module: sorted(getattr(getattr(vision, module), "__all__", []))
              for module in ("densenet", "inception", "mobilenet", "resnet",
                             "squeezenet", "vgg")}
    golden.add({"kind": "names", "vision": sorted(name for name in dir(vision)
                                                  if not name.startswith("_")),
                "modules": public, "unknown_name_error": message})


def main():
    os.makedirs(FILES, exist_ok=True)
    for name in os.listdir(FILES):
        os.remove(os.path.join(FILES, name))
    names_case()
    for name, with_repr in STRUCTURE:
        structure_case(name, with_repr)
    for case in NUMERIC:
        numeric_case(*case)
    golden.save()


if __name__ == "__main__":
    main()
