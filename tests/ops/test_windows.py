"""Tests for dlkit/ops/windows.py: the strided and the flat window views agree,
col2im adds every window back where it was read, and every column layout holds the
same windows."""
import numpy as np
import pytest

from dlkit.ops import windows

# (canvas shape, kernel, dilate): 1-D, 2-D with dilation, 3-D
CASES = [((2, 3, 9), (3,), (2,)),
         ((2, 3, 7, 6), (3, 2), (2, 1)),
         ((1, 2, 4, 5, 4), (2, 3, 2), (1, 1, 2))]


def out_size(spatial, kernel, dilate):
    return tuple(n - d * (k - 1) for n, k, d in zip(spatial, kernel, dilate))


@pytest.mark.parametrize("shape, kernel, dilate", CASES)
def test_flat_windows_at_real_positions_are_the_strided_windows(shape, kernel, dilate):
    canvas = np.random.RandomState(0).uniform(-1, 1, shape)
    ndim = len(kernel)
    out = out_size(shape[2:], kernel, dilate)
    strided = windows._windows(np, canvas, kernel, (1,) * ndim, dilate, out)
    flat = windows._flat_windows(np, canvas, kernel, dilate, out)
    assert flat.shape == shape[:2] + kernel + (windows._flat_span(shape[2:], out),)
    real = windows._flat_positions(np, flat, shape[2:], out)     # (N, C, *kernel, *out)
    taps = tuple(range(2, 2 + ndim))
    order = (0, 1) + tuple(t + ndim for t in taps) + taps
    np.testing.assert_array_equal(real.transpose(order), strided)


@pytest.mark.parametrize("shape, kernel, dilate", CASES)
def test_flat_col2im_matches_strided_col2im(shape, kernel, dilate):
    ndim = len(kernel)
    out = out_size(shape[2:], kernel, dilate)
    random = np.random.RandomState(1)
    grads = random.uniform(-1, 1, shape[:2] + out + kernel)   # one value per window tap
    expected = windows._add_windows(np.zeros(shape), grads, (1,) * ndim, dilate)
    span = windows._flat_span(shape[2:], out)
    columns = np.zeros(shape[:2] + kernel + (span,))          # junk columns stay zero
    taps = tuple(range(2 + ndim, 2 + 2 * ndim))
    order = (0, 1) + taps + tuple(range(2, 2 + ndim))
    windows._flat_positions(np, columns, shape[2:], out)[...] = grads.transpose(order)
    flat_canvas = np.zeros(shape[:2] + (int(np.prod(shape[2:])),))
    windows._add_flat_windows(flat_canvas, columns, kernel, dilate, shape[2:])
    np.testing.assert_allclose(flat_canvas.reshape(shape), expected, rtol=1e-13)


LAYOUTS = ["strided", "flat", "batch_last"]
# (kernel, stride, dilate, pad) for a (2, 4, 6, 5) canvas split into 2 groups
GEOMETRIES = [((3, 2), (1, 1), (2, 1), (1, 0)), ((2, 3), (2, 1), (1, 1), (0, 1))]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_columns_hold_every_window_in_each_layout(layout, geometry):
    kernel, stride, dilate, pad = geometry
    if layout == "flat" and max(stride) > 1:
        pytest.skip("flat windows need stride 1")
    data = np.random.RandomState(2).uniform(-1, 1, (2, 4, 6, 5))
    padded = np.pad(data, [(0, 0), (0, 0)] + [(p, p) for p in pad])
    out = tuple((n - d * (k - 1) - 1) // s + 1
                for n, k, s, d in zip(padded.shape[2:], kernel, stride, dilate))
    columns = windows._columns(np, data, 2, geometry, out, layout).copy()
    if layout == "flat":          # (N, G, rows, span): keep the real positions
        found = windows._flat_positions(np, columns, padded.shape[2:], out)
    else:
        found = windows._windows_of(np, columns, layout, out)     # (N, G, rows, *out)
    grouped = padded.reshape((2, 2, 2) + padded.shape[2:])          # (N, G, C/G, ...)
    view = windows._windows(np, grouped, kernel, stride, dilate, out)
    # (N, G, C/G, *out, *kernel) -> (N, G, *kernel, C/G, *out): rows tap, then channel
    expected = view.transpose(0, 1, 5, 6, 2, 3, 4).reshape((2, 2, -1) + out)
    np.testing.assert_array_equal(found, expected)


@pytest.mark.parametrize("layout", ["strided", "batch_last"])
def test_windows_of_undoes_the_output_gradient_columns(layout):
    out_grad = np.random.RandomState(3).uniform(-1, 1, (3, 4, 5, 2))   # (N, F, *out)
    geometry = ((2, 2), (1, 1), (1, 1), (0, 0))
    columns = windows._out_columns(np, out_grad, 2, geometry, (6, 3), layout)
    assert columns.shape == ((3, 2, 2, 10) if layout == "strided" else (1, 2, 2, 30))
    found = windows._windows_of(np, columns, layout, (5, 2))     # (N, G, F/G, *out)
    np.testing.assert_array_equal(found.reshape(out_grad.shape), out_grad)
