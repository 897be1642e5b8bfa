"""_cvcopyMakeBorder (dlkit/ops/border.py): what the registry sweep and the MXNet
goldens (ops_border) do not cover: OpenCV's fill rules, the gradient, errors."""
import numpy as np
import pytest

import dlkit as mx


def _border(data, **attrs):
    return mx.nd._cvcopyMakeBorder(mx.nd.array(data, dtype=data.dtype), **attrs)


def test_reflect_types_follow_opencvs_patterns_on_one_row():
    row = np.arange(1, 5, dtype=np.float32).reshape(1, 4, 1)   # a b c d
    expected = {1: [1, 1, 1, 2, 3, 4, 4, 4],    # aa|abcd|dd
                2: [2, 1, 1, 2, 3, 4, 4, 3],    # ba|abcd|dc
                3: [3, 4, 1, 2, 3, 4, 1, 2],    # cd|abcd|ab
                4: [3, 2, 1, 2, 3, 4, 3, 2]}    # cb|abcd|cb
    for border_type, values in expected.items():
        out = _border(row, top=0, bot=0, left=2, right=2, type=border_type)
        assert out.asnumpy()[0, :, 0].tolist() == values


def test_values_fill_each_channel_and_value_is_the_fallback():
    image = np.zeros((1, 1, 3), dtype=np.uint8)
    out = _border(image, top=1, bot=0, left=0, right=0, values=(7, 300, 2.5))
    assert out.asnumpy()[0, 0].tolist() == [7, 255, 2]   # saturate, round half even
    out = _border(image, top=1, bot=0, left=0, right=0, value=9)
    assert out.asnumpy()[0, 0].tolist() == [9, 9, 9]
    out = _border(image, top=1, bot=0, left=0, right=0, value=9, values=(1,))
    assert out.asnumpy()[0, 0].tolist() == [1, 0, 0]


def test_gradient_adds_head_gradients_onto_the_copied_pixels():
    data = mx.nd.array(np.ones((2, 2, 1), dtype=np.float32))
    data.attach_grad()
    with mx.autograd.record():
        out = mx.nd._cvcopyMakeBorder(data, top=0, bot=0, left=0, right=3, type=1)
    out.backward(mx.nd.ones(out.shape))
    assert data.grad.asnumpy()[:, :, 0].tolist() == [[1, 4], [1, 4]]


def test_symbol_shape_inference():
    out = mx.sym._cvcopyMakeBorder(mx.sym.var("src"), top=1, bot=2, left=3, right=4)
    assert out.infer_shape(src=(5, 6, 3))[1] == [(8, 13, 3)]


@pytest.mark.parametrize("data, attrs, message", [
    (np.ones((2, 3), np.float32), {}, "must be an image"),
    (np.ones((2, 3, 3), np.float32), {"top": -1}, "must be >= 0"),
    (np.ones((2, 3, 3), np.float32), {"type": 5}, "unknown border type=5"),
    (np.ones((2, 3, 3), np.float16), {}, "src must be one of"),
    (np.ones((2, 3, 5), np.float32), {"values": (1, 2)}, "only with one value"),
])
def test_bad_input_names_the_argument(data, attrs, message):
    attrs = {"top": 1, "bot": 1, "left": 1, "right": 1, **attrs}
    with pytest.raises(mx.MXNetError, match=message):
        _border(data, **attrs)
