"""dlkit/contrib: the old autograd API, the contrib op namespaces, text (vocabulary and
embeddings), the TensorBoard callback, DataLoaderIter and the onnx/quantization names.
Expected values come from MXNet 1.9.1 run on the same inputs."""
import collections
import sys
import types

import numpy as np
import pytest

import dlkit as mx
from dlkit.base import MXNetError

text = mx.contrib.text
EMBEDDING_FILE = ("hello 0.1 0.2 0.3\nworld 0.4 0.5 0.6\nhello 9 9 9\n<unk> 1 1 1\n"
                  "header 5\n")


# ---- mx.contrib.autograd -------------------------------------------------------------
def test_train_section_records_and_trains_test_section_neither():
    x, grad = mx.nd.array([1, 2]), mx.nd.zeros(2)
    mx.contrib.autograd.mark_variables([x], [grad])
    with mx.contrib.autograd.train_section():
        assert mx.autograd.is_recording() and mx.autograd.is_training()
        y = x * x * 3
        with mx.contrib.autograd.test_section():
            assert not mx.autograd.is_recording() and not mx.autograd.is_training()
    assert not mx.autograd.is_recording() and not mx.autograd.is_training()
    mx.contrib.autograd.backward([y])
    assert grad.asnumpy().tolist() == [6, 12]


def test_set_is_training_returns_previous_recording_state():
    try:
        assert mx.contrib.autograd.set_is_training(True) is False
        assert mx.autograd.is_training() and mx.autograd.is_recording()
        assert mx.contrib.autograd.set_is_training(False) is True
        mx.autograd.set_training(True)
        assert mx.contrib.autograd.set_is_training(False) is False
    finally:
        mx.autograd.set_training(False)
        mx.autograd.set_recording(False)


def test_backward_with_head_gradients_and_none():
    x, grad = mx.nd.array([1, 2]), mx.nd.zeros(2)
    mx.contrib.autograd.mark_variables([x], [grad])
    with mx.contrib.autograd.train_section():
        y, z = x * 2, x * 3
    mx.contrib.autograd.backward([y, z], [None, mx.nd.array([10, 10])])
    assert grad.asnumpy().tolist() == [32, 32]
    with pytest.raises(TypeError, match="list or tuple"):
        mx.contrib.autograd.backward(y)


def test_grad_and_loss_and_grad():
    function = mx.contrib.autograd.grad_and_loss(lambda a, b: (a * b).sum(), argnum=1)
    grads, loss = function(mx.nd.array([1, 2]), mx.nd.array([3, 4]))
    assert [g.asnumpy().tolist() for g in grads] == [[1, 2]]
    assert loss.asnumpy().tolist() == [11]
    square_grad = mx.contrib.autograd.grad(lambda a: a * a)
    assert square_grad(mx.nd.array([1, 2]))[0].asnumpy().tolist() == [2, 4]
    with pytest.raises(TypeError, match="NDArray"):
        square_grad(3.0)


# ---- mx.contrib.nd / sym -------------------------------------------------------------
def test_contrib_op_namespaces_are_the_contrib_ops():
    assert mx.contrib.nd is mx.contrib.ndarray and mx.contrib.sym is mx.contrib.symbol
    boxes = mx.nd.array([[0, 0, 2, 2], [1, 1, 3, 3]])
    np.testing.assert_allclose(mx.contrib.nd.box_iou(boxes, boxes).asnumpy(),
                               mx.nd.contrib.box_iou(boxes, boxes).asnumpy())
    symbol = mx.contrib.sym.box_iou(mx.sym.var("a"), mx.sym.var("b"))
    assert symbol.list_arguments() == ["a", "b"]
    assert symbol.name.startswith("box_iou")


def test_onnx_and_quantization_raise_clear_errors():
    with pytest.raises(NotImplementedError, match="no ONNX converter"):
        mx.contrib.onnx.export_model(None, None, [(1, 3)])
    assert mx.contrib.quant is mx.contrib.quantization
    with pytest.raises(NotImplementedError, match="no int8"):
        mx.contrib.quantization.quantize_net(None)


# ---- mx.contrib.text -----------------------------------------------------------------
def test_count_tokens_from_str():
    counter = text.utils.count_tokens_from_str(" Life is great ! \n life is good . \n",
                                               to_lower=True)
    assert counter == collections.Counter({"life": 2, "is": 2, "great": 1, "!": 1,
                                           "good": 1, ".": 1})
    start = collections.Counter({"a": 1})
    updated = text.utils.count_tokens_from_str("*a*b*\n*b*", "\\*", "\n",
                                               counter_to_update=start)
    assert updated is start and updated == collections.Counter({"a": 2, "b": 2})


def test_vocabulary_orders_by_frequency_then_token():
    counter = text.utils.count_tokens_from_str(" Life is great ! \n life is good . \n",
                                               to_lower=True)
    vocab = text.vocab.Vocabulary(counter, most_freq_count=3, reserved_tokens=["<pad>"])
    assert vocab.idx_to_token == ["<unk>", "<pad>", "is", "life", "!"]
    assert len(vocab) == 5
    assert vocab.to_indices(["is", "zz"]) == [2, 0] and vocab.to_indices("life") == 3
    assert vocab.to_tokens([0, 2]) == ["<unk>", "is"]
    frequent = text.vocab.Vocabulary(counter, min_freq=2)
    assert frequent.idx_to_token == ["<unk>", "is", "life"]
    assert frequent.reserved_tokens is None and frequent.unknown_token == "<unk>"


def test_vocabulary_errors():
    with pytest.raises(ValueError, match="min_freq"):
        text.vocab.Vocabulary(min_freq=0)
    with pytest.raises(ValueError, match="unknown_token"):
        text.vocab.Vocabulary(reserved_tokens=["<unk>"])
    with pytest.raises(ValueError, match="duplicate"):
        text.vocab.Vocabulary(reserved_tokens=["a", "a"])
    with pytest.raises(ValueError, match="Counter"):
        text.vocab.Vocabulary({"a": 1})
    with pytest.raises(ValueError, match="Token index 5"):
        text.vocab.Vocabulary().to_tokens(5)


@pytest.fixture
def embedding_file(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text(EMBEDDING_FILE)
    return str(path)


def test_custom_embedding_reads_the_file_as_mxnet(embedding_file):
    with pytest.warns(UserWarning) as caught:
        embedding = text.embedding.CustomEmbedding(embedding_file)
    messages = " ".join(str(w.message) for w in caught)
    assert "duplicate" in messages and "likely a header" in messages
    assert embedding.idx_to_token == ["<unk>", "hello", "world"]
    assert embedding.vec_len == 3
    np.testing.assert_allclose(embedding.idx_to_vec.asnumpy(),
                               [[1, 1, 1], [0.1, 0.2, 0.3], [0.4, 0.5, 0.6]],
                               rtol=1e-6)
    assert embedding.get_vecs_by_tokens("world").shape == (3,)
    np.testing.assert_allclose(
        embedding.get_vecs_by_tokens(["World", "x"], lower_case_backup=True).asnumpy(),
        [[0.4, 0.5, 0.6], [1, 1, 1]], rtol=1e-6)
    embedding.update_token_vectors("hello", mx.nd.array([7, 8, 9]))
    assert embedding.get_vecs_by_tokens("hello").asnumpy().tolist() == [7, 8, 9]
    with pytest.raises(ValueError, match="Token nope is unknown"):
        embedding.update_token_vectors("nope", mx.nd.array([7, 8, 9]))
    with pytest.raises(ValueError, match=r"must be \(2, 3\)"):
        embedding.update_token_vectors(["hello", "world"], mx.nd.ones((2, 4)))


def test_composite_embedding_and_vocabulary_reindexing(embedding_file, tmp_path):
    with pytest.warns(UserWarning):
        first = text.embedding.CustomEmbedding(embedding_file)
    first.update_token_vectors("hello", mx.nd.array([7, 8, 9]))
    second_file = tmp_path / "second.csv"
    second_file.write_text("a,1,2\nc,3,4\n")
    second = text.embedding.CustomEmbedding(str(second_file), elem_delim=",",
                                            init_unknown_vec=mx.nd.ones)
    vocab = text.vocab.Vocabulary(collections.Counter(["c", "hello", "zz", "zz"]))
    assert vocab.idx_to_token == ["<unk>", "zz", "c", "hello"]
    both = text.embedding.CompositeEmbedding(vocab, [first, second])
    assert both.idx_to_token == vocab.idx_to_token and both.vec_len == 5
    assert both.idx_to_vec.asnumpy().tolist() == [
        [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 3, 4], [7, 8, 9, 1, 1]]
    with pytest.warns(UserWarning):
        reindexed = text.embedding.CustomEmbedding(embedding_file, vocabulary=vocab)
    assert reindexed.idx_to_token == vocab.idx_to_token
    np.testing.assert_allclose(reindexed.idx_to_vec.asnumpy(),
                               [[1, 1, 1], [1, 1, 1], [1, 1, 1], [0.1, 0.2, 0.3]],
                               rtol=1e-6)


def test_embedding_file_errors(tmp_path):
    with pytest.raises(ValueError, match="valid path"):
        text.embedding.CustomEmbedding(str(tmp_path / "missing.txt"))
    ragged = tmp_path / "ragged.txt"
    ragged.write_text("a 1 2\nb 1 2 3\n")
    with pytest.raises(MXNetError, match="dimension of token b is 3"):
        text.embedding.CustomEmbedding(str(ragged))


def test_pretrained_names_and_no_download(tmp_path, embedding_file):
    names = text.embedding.get_pretrained_file_names()
    assert len(names["glove"]) == 10 and len(names["fasttext"]) == 327
    assert "glove.6B.50d.txt" in text.embedding.get_pretrained_file_names("glove")
    assert "wiki.simple.vec" in names["fasttext"]
    # MXNet's order (its dict order), positions taken from MXNet 1.9.1
    assert names["fasttext"][0] == "crawl-300d-2M.vec"
    assert names["fasttext"][172] == "wiki.multi.ar.vec"
    assert names["fasttext"][213] == "wiki-news-300d-1M-subword.vec"
    with pytest.raises(KeyError, match="Cannot find `embedding_name` nope"):
        text.embedding.get_pretrained_file_names("nope")
    with pytest.raises(KeyError, match="Cannot find pretrained file x.txt"):
        text.embedding.create("glove", pretrained_file_name="x.txt")
    with pytest.raises(MXNetError, match="does not download"):
        text.embedding.create("glove", pretrained_file_name="glove.6B.50d.txt",
                              embedding_root=str(tmp_path))
    with pytest.raises(ValueError, match="nope is not registered"):
        text.embedding.create("nope")
    # a local copy of the file is read
    (tmp_path / "fasttext").mkdir()
    (tmp_path / "fasttext" / "wiki.simple.vec").write_text("2 3\na 1 2 3\nb 4 5 6\n")
    with pytest.warns(UserWarning, match="header"):
        fasttext = text.embedding.create("fasttext", embedding_root=str(tmp_path))
    assert isinstance(fasttext, text.embedding.FastText)
    assert fasttext.idx_to_token == ["<unk>", "a", "b"]


def test_register_a_token_embedding(embedding_file):
    @text.embedding.register
    class MyEmbedding(text.embedding.CustomEmbedding):
        pretrained_file_names = ["mine.txt"]

    assert text.embedding.get_pretrained_file_names("myembedding") == ["mine.txt"]
    with pytest.warns(UserWarning):
        made = text.embedding.create("MyEmbedding", pretrained_file_path=embedding_file)
    assert isinstance(made, MyEmbedding)


# ---- mx.contrib.tensorboard ----------------------------------------------------------
def test_log_metrics_callback_without_a_writer_raises(monkeypatch):
    monkeypatch.setattr(mx.contrib.tensorboard, "_WRITERS", ("no_such_writer_module",))
    with pytest.raises(ImportError, match="pip install mxboard"):
        mx.contrib.tensorboard.LogMetricsCallback("logs")


def test_log_metrics_callback_writes_each_metric(monkeypatch):
    written = []

    class SummaryWriter:
        def __init__(self, logdir):
            self.logdir = logdir

        def add_scalar(self, name, value, global_step):
            written.append((name, value, global_step))

    monkeypatch.setitem(sys.modules, "fake_writer", types.SimpleNamespace(
        SummaryWriter=SummaryWriter))
    monkeypatch.setattr(mx.contrib.tensorboard, "_WRITERS", ("fake_writer",))
    callback = mx.contrib.tensorboard.LogMetricsCallback("logs/train", prefix="train")
    assert callback.summary_writer.logdir == "logs/train"
    metric = mx.metric.Accuracy()
    metric.update([mx.nd.array([0, 1])], [mx.nd.array([[0.9, 0.1], [0.8, 0.2]])])
    callback(mx.model.BatchEndParam(epoch=3, nbatch=0, eval_metric=metric,
                                    locals=None))
    callback(mx.model.BatchEndParam(epoch=4, nbatch=0, eval_metric=None, locals=None))
    assert written == [("train-accuracy", 0.5, 3)]


# ---- mx.contrib.io -------------------------------------------------------------------
def test_data_loader_iter_pads_the_last_batch():
    dataset = mx.gluon.data.ArrayDataset(mx.nd.arange(20).reshape((10, 2)),
                                         mx.nd.arange(10))
    it = mx.contrib.io.DataLoaderIter(mx.gluon.data.DataLoader(dataset, 4))
    assert it.provide_data[0].name == "data" and it.provide_data[0].shape == (4, 2)
    assert it.provide_label[0].name == "softmax_label"
    batches = list(it)
    assert [batch.pad for batch in batches] == [0, 0, 2]
    assert batches[2].data[0].shape == (4, 2)
    assert batches[2].data[0][:2].asnumpy().tolist() == [[16, 17], [18, 19]]
    it.reset()
    assert len(list(it)) == 3
