"""Atomic writes: an interrupted save never destroys the previous file."""
import os

import pytest

import dlkit as mx
from dlkit import fileio
from dlkit.fileio import write_atomically


def _crash_on_replace(monkeypatch):
    def crash(source, target):
        raise KeyboardInterrupt("power cut during save")
    monkeypatch.setattr(fileio.os, "replace", crash)


def test_write_atomically_replaces_content_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "notes.txt"
    write_atomically(target, "first")
    write_atomically(target, b"second")
    assert target.read_bytes() == b"second"
    assert os.listdir(tmp_path) == ["notes.txt"]


def test_interrupted_write_keeps_old_file_and_removes_temporary(tmp_path, monkeypatch):
    target = tmp_path / "notes.txt"
    target.write_text("old")
    _crash_on_replace(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["notes.txt"]


def _mlp():
    data = mx.sym.Variable("data")
    fc = mx.sym.FullyConnected(data, num_hidden=3, name="fc")
    return mx.sym.SoftmaxOutput(fc, name="softmax")


def test_interrupted_checkpoint_keeps_previous_symbol_and_params(tmp_path, monkeypatch):
    prefix = str(tmp_path / "net")
    arg_params = {"fc_weight": mx.nd.ones((3, 4)), "fc_bias": mx.nd.zeros((3,))}
    mx.model.save_checkpoint(prefix, 1, _mlp(), arg_params, {})
    before = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}
    _crash_on_replace(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        mx.model.save_checkpoint(prefix, 1, _mlp(), {"fc_weight": mx.nd.zeros((3, 4))},
                                 {})
    after = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}
    assert after == before
    symbol, loaded, _ = mx.model.load_checkpoint(prefix, 1)
    assert symbol.list_arguments() == ["data", "fc_weight", "fc_bias", "softmax_label"]
    assert loaded["fc_weight"].asnumpy().sum() == 12


def test_optimizer_states_are_written_atomically(tmp_path, monkeypatch):
    net = mx.gluon.nn.Dense(2, in_units=3)
    net.initialize()
    trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"momentum": 0.9})
    with mx.autograd.record():
        loss = net(mx.nd.ones((1, 3))).sum()
    loss.backward()
    trainer.step(1)
    target = tmp_path / "trainer.states"
    trainer.save_states(str(target))
    before = target.read_bytes()
    _crash_on_replace(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        trainer.save_states(str(target))
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["trainer.states"]
