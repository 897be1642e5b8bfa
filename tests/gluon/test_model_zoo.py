"""Tests for dlkit/gluon/model_zoo: the vision networks against MXNet 1.9.1.

Goldens: tests/golden/gen_model_zoo.py. Structure cases compare parameter names,
shapes (by symbolic shape inference, no forward pass), grad_req and repr; numeric cases
load a ``.params`` file written by MXNet into the dlkit model and compare outputs.
"""
import contextlib
import io
import lzma
import os
import shutil

import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError
from dlkit.gluon import nn
from dlkit.gluon.model_zoo import model_store, vision
from dlkit.gluon.contrib.nn import HybridConcurrent, Identity
from golden_replay import GOLDEN, load_topic

CASES, ARRAYS = load_topic("model_zoo")
FILES = os.path.join(GOLDEN, "model_zoo_files")
NAMES = next(case for case in CASES if case["kind"] == "names")
STRUCTURE = [case for case in CASES if case["kind"] == "structure"]
NUMERIC = [case for case in CASES if case["kind"] == "numeric"]


def _build(builder, args=(), kwargs=None):
    """The golden case's model, its prefix counting from 0 as in the generator."""
    args = [getattr(vision, arg) if isinstance(arg, str) and arg[0].isupper() else arg
            for arg in args]
    with mx.name.NameManager():
        return getattr(vision, builder)(*args, **(kwargs or {}))


def _param_table(net, shapes=None):
    """name, shape and grad_req per line, as gen_model_zoo.py writes them."""
    lines = []
    for name, param in net.collect_params().items():
        shape = tuple(shapes[name]) if shapes is not None else tuple(param.shape)
        lines.append(f"{name} {shape} {param.grad_req}")
    return "\n".join(lines)


def _inferred_shapes(net, input_shape):
    """Every parameter's shape from symbolic shape inference (no computation)."""
    out = net(mx.sym.var("data"))
    arg_shapes, out_shapes, aux_shapes = out.infer_shape(data=tuple(input_shape))
    shapes = dict(zip(out.list_arguments(), arg_shapes))
    shapes.update(zip(out.list_auxiliary_states(), aux_shapes))
    return shapes, out_shapes[0]


def _decompressed(file_name, folder, target_name=None):
    """Unpack an xz-compressed golden ``.params`` file into ``folder``."""
    target = os.path.join(folder, target_name or file_name[:-len(".xz")])
    with lzma.open(os.path.join(FILES, file_name)) as source, \
            open(target, "wb") as handle:
        shutil.copyfileobj(source, handle)
    return target


def _assert_output(case, output):
    expected = ARRAYS[case["output"]]
    np.testing.assert_allclose(output, expected, rtol=1e-4,
                               atol=1e-5 * np.abs(expected).max())


# ---- names ----
def test_vision_has_every_public_name_of_mxnet():
    missing = [name for name in NAMES["vision"] if not hasattr(vision, name)]
    assert missing == []
    for module, names in NAMES["modules"].items():
        assert sorted(getattr(vision, module).__all__) == names


def test_get_model_rejects_an_unknown_name_with_mxnet_message():
    with pytest.raises(ValueError) as error:
        vision.get_model("no_such_net")
    assert str(error.value) == NAMES["unknown_name_error"]


def test_get_model_is_case_insensitive_and_passes_keyword_arguments():
    net = vision.get_model("ResNet18_V1", classes=10, thumbnail=True, prefix="net_")
    assert isinstance(net, vision.ResNetV1)
    shapes, out_shape = _inferred_shapes(net, (1, 3, 32, 32))
    assert shapes["net_conv0_weight"] == (64, 3, 3, 3)
    assert shapes["net_dense0_weight"] == (10, 512)
    assert out_shape == (1, 10)


# ---- structure: names, shapes, grad_req and repr of the zoo models ----
@pytest.mark.parametrize("case", STRUCTURE, ids=[case["name"] for case in STRUCTURE])
def test_zoo_model_matches_mxnet_structure(case):
    net = _build("get_model", [case["name"]])
    if case["repr"] is not None:
        assert repr(net) == case["repr"]
    shapes, out_shape = _inferred_shapes(net, case["input_shape"])
    assert _param_table(net, shapes) == case["params"]
    assert list(out_shape) == case["out_shape"]


# ---- numbers: MXNet's parameter files, loaded into dlkit ----
@pytest.mark.parametrize("case", NUMERIC, ids=[case["id"] for case in NUMERIC])
def test_mxnet_params_file_loads_and_gives_mxnet_output(case, ctx, tmp_path):
    net = _build(case["builder"], case["args"], case["kwargs"])
    assert repr(net) == case["repr"]
    net.load_parameters(_decompressed(case["file"], str(tmp_path)), ctx=ctx)
    x = mx.nd.array(ARRAYS[case["input"]], ctx=ctx)
    _assert_output(case, net(x).asnumpy())
    assert _param_table(net) == case["params"]
    assert repr(net) == case["repr_initialized"]
    net.hybridize()
    _assert_output(case, net(x).asnumpy())


@pytest.mark.parametrize("case", [case for case in NUMERIC if case["file_full_names"]],
                         ids=lambda case: case["id"])
def test_pretrained_style_file_loads_whatever_the_model_prefix(case, tmp_path):
    """MXNet's pretrained files store names without the model prefix, so they load
    into a model built with any prefix; hybridized gives the same numbers."""
    args = [getattr(vision, arg) if isinstance(arg, str) and arg[0].isupper() else arg
            for arg in case["args"]]
    net = getattr(vision, case["builder"])(*args, prefix="other_", **case["kwargs"])
    net.load_parameters(_decompressed(case["file_full_names"], str(tmp_path)))
    net.hybridize()
    _assert_output(case, net(mx.nd.array(ARRAYS[case["input"]])).asnumpy())


@pytest.mark.parametrize("case_id", ["resnet_v1_bottleneck_thumbnail",
                                     "mobilenetv2_0.25"])
def test_summary_prints_mxnet_table(case_id, tmp_path):
    case = next(case for case in NUMERIC if case["id"] == case_id)
    net = _build(case["builder"], case["args"], case["kwargs"])
    net.load_parameters(_decompressed(case["file"], str(tmp_path)))
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        net.summary(mx.nd.array(ARRAYS[case["input"]]))
    assert text.getvalue() == case["summary"]


# ---- pretrained=True: local files only ----
def test_pretrained_loads_a_file_found_in_root(tmp_path):
    case = next(case for case in NUMERIC if case["id"] == "mobilenet0.25")
    _decompressed(case["file"], str(tmp_path), "mobilenet0.25-0123abcd.params")
    net = vision.get_model("mobilenet0.25", pretrained=True, root=str(tmp_path),
                           classes=10)
    _assert_output(case, net(mx.nd.array(ARRAYS[case["input"]])).asnumpy())


def test_pretrained_without_a_local_file_explains_how_to_load_one(tmp_path):
    with pytest.raises(MXNetError, match="does not download") as error:
        vision.resnet18_v1(pretrained=True, root=str(tmp_path))
    assert "load_parameters" in str(error.value)
    assert "resnet18_v1" in str(error.value)


@pytest.mark.parametrize("factory, store_name", [
    (lambda **kw: vision.get_vgg(16, batch_norm=True, **kw), "vgg16_bn"),
    (lambda **kw: vision.mobilenet0_5(**kw), "mobilenet0.5"),
    (lambda **kw: vision.mobilenet_v2_1_0(**kw), "mobilenetv2_1.0"),
    (lambda **kw: vision.squeezenet1_0(**kw), "squeezenet1.0"),
    (lambda **kw: vision.inception_v3(**kw), "inceptionv3"),
    (lambda **kw: vision.densenet169(**kw), "densenet169"),
    (lambda **kw: vision.alexnet(**kw), "alexnet"),
    (lambda **kw: vision.resnet50_v2(**kw), "resnet50_v2"),
])
def test_pretrained_looks_for_mxnet_store_names(factory, store_name, tmp_path):
    with pytest.raises(MXNetError, match=f"'{store_name}'"):
        factory(pretrained=True, root=str(tmp_path))


def test_model_store_finds_cached_and_plain_names_and_purges(tmp_path):
    root = str(tmp_path)
    plain = tmp_path / "alexnet.params"
    plain.write_bytes(b"")
    assert model_store.get_model_file("alexnet", root=root) == str(plain)
    cached = tmp_path / "alexnet-44335d1f.params"
    cached.write_bytes(b"")
    assert model_store.get_model_file("alexnet", root=root) == str(cached)
    (tmp_path / "notes.txt").write_text("kept")
    model_store.purge(root)
    assert sorted(os.listdir(root)) == ["notes.txt"]


# ---- bad arguments ----
def test_factories_reject_unknown_versions_and_depths():
    with pytest.raises(AssertionError, match="Invalid resnet version: 3"):
        vision.get_resnet(3, 18)
    with pytest.raises(AssertionError, match="Invalid number of layers: 19"):
        vision.get_resnet(1, 19)
    with pytest.raises(KeyError, match="num_layers=12"):
        vision.get_vgg(12)
    with pytest.raises(KeyError, match="num_layers=100"):
        vision.densenet.get_densenet(100)
    with pytest.raises(AssertionError, match="Unsupported SqueezeNet version 1.2"):
        vision.SqueezeNet("1.2")
    with pytest.raises(AssertionError, match="one entry more than layers"):
        vision.ResNetV1(vision.BasicBlockV1, [1, 1], [1, 2])
    with pytest.raises(AssertionError, match="one entry per stage"):
        vision.VGG([1, 2], [3])


# ---- the containers the zoo adds ----
def test_hybrid_concurrent_concatenates_branches_and_backpropagates():
    net = HybridConcurrent(axis=1, prefix="cat_")
    with net.name_scope():
        net.add(nn.Dense(2, in_units=3), Identity(), nn.Dense(1, in_units=3))
    net.initialize()
    x = mx.nd.array(np.arange(6, dtype=np.float32).reshape(2, 3))
    x.attach_grad()
    with mx.autograd.record():
        y = net(x)
    y.backward()
    first = net[0].weight.data().asnumpy()
    third = net[2].weight.data().asnumpy()
    expected = np.concatenate([x.asnumpy() @ first.T, x.asnumpy(),
                               x.asnumpy() @ third.T], axis=1)
    np.testing.assert_allclose(y.asnumpy(), expected, rtol=1e-6)
    expected_grad = 1 + first.sum(axis=0) + third.sum(axis=0)
    np.testing.assert_allclose(x.grad.asnumpy(), np.tile(expected_grad, (2, 1)),
                               rtol=1e-6)
    assert list(net.collect_params()) == ["cat_dense0_weight", "cat_dense0_bias",
                                          "cat_dense1_weight", "cat_dense1_bias"]
    net.hybridize()
    np.testing.assert_allclose(net(x).asnumpy(), expected, rtol=1e-6)


def test_identity_returns_its_input_and_prints_like_mxnet():
    x = mx.nd.array([[1.0, -2.0]])
    assert (Identity()(x).asnumpy() == x.asnumpy()).all()
    assert repr(Identity()) == "Identity(\n\n)"
