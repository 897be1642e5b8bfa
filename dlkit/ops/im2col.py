"""Convolution as matrix products: the machinery behind ``Convolution`` and
``Deconvolution`` (conv.py).

Convolution is computed the way fast CPU libraries do it, as matrix products:

    data (N, C, H, W) --pad--> canvas --strided view--> windows (N, C, OH, OW, KH, KW)
                                                             | copy = "im2col"
    weight (F, KH*KW*C)   @   columns (KH*KW*C, OH*OW)  ->  out (F, OH*OW), per sample

The strided view (``as_strided``) costs nothing: every window is a different way of
reading the same memory. The one copy lays the windows out as columns so that GEMMs
(BLAS on cpu, cuBLAS on gpu) do all the multiply-adds; each sample's product is already
its slice of MXNet's ``(N, F, OH, OW)`` output. The backward pass is the same picture
read backwards: the weight gradient is a GEMM with the columns (summed over samples),
and the data gradient is a GEMM back to columns followed by "col2im", which adds every
column back where its window was read (one vectorised add per kernel position).

How the columns lie in memory decides how fast the copies are, not the numbers:
``_column_layout`` picks "strided" (above), "flat" (stride-1 windows as contiguous
runs, for a faster col2im) or "batch_last" (the whole batch as one matrix, for layers
with many channels); ``windows.py`` builds them. The large temporaries (columns, GEMM
products) live in reusable scratch buffers.

``Deconvolution`` *is* the data gradient of a convolution, and its gradient is a
convolution, so it reuses the same three helpers (``_conv_forward``,
``_conv_data_grad``, ``_conv_weight_grad``).

Grouped convolution (``num_group``) splits channels and filters into ``G`` independent
convolutions; it is one batched GEMM with the group as the batch axis.

The operators ``im2col`` and ``col2im`` (``im2col_ops.py``) give users the same columns
in MXNet's row order.
"""

import math

from .windows import (_add_flat_windows, _add_windows, _batch_last_scratch, _columns,
                      _crop, _padded, _scratch, _windows_of)


def _column_layout(channels, filters, groups, geometry, col2im):
    """Which im2col layout (``windows.py``) a convolution uses; all give equal numbers.

    - "strided": one GEMM per sample, whose product lands in the ``(N, F, *out)``
      output as it is: no layout pass. Per-sample products also suit OpenBLAS in the
      weight gradient: LeNet's first layer as one ``(25, 36864) @ (36864, 20)`` runs at
      ~50 GFLOP/s (two threads share out its tiny outer sizes), as 64 products it takes
      0.4 ms instead of 0.8. im2col copies runs of one output row (OW cells).
    - "batch_last" when the columns are much larger than the output (C/G * prod(kernel)
      >= 4 * F/G, as in every layer but a network's first). The data is moved to
      ``(C, *spatial, N)`` memory so that im2col copies runs of ``OW * N`` cells, and
      col2im adds runs as long: LeNet's 20 -> 50 channel layer (12x12 -> 8x8) copies
      its 2 M-entry columns in 0.2 ms instead of 1.3 ms. The price is a transpose of
      the output (computed as ``(*out, N, F)``) and of its gradient (needed as
      ``(F, *out, N)``) to and from MXNet's ``(N, F, *out)``: 0.2 ms each there, but
      0.7 ms in LeNet's first layer (25 rows for 20 filters), which gains far less
      from the copy.
    - "flat" instead of "strided" when a col2im follows and the stride is 1: it adds
      whole spans of cells, more than paying for the junk columns the GEMMs then also
      multiply (16% more work for a 28x28 -> 24x24 layer).
    """
    kernel, stride = geometry[0], geometry[1]
    if channels // groups * math.prod(kernel) >= 4 * (filters // groups):
        return "batch_last"
    if col2im and all(s == 1 for s in stride):
        return "flat"
    return "strided"


def _conv_forward(xp, data, weight, bias, groups, geometry, out_spatial, layout):
    """``out[n, f] = sum_c,k weight[f, c, k] * window[n, c, k] + bias[f]``: one GEMM
    per group (and per sample, unless the layout is "batch_last")."""
    filters, batch = weight.shape[0], data.shape[0]
    columns = _columns(xp, data, groups, geometry, out_spatial, layout)
    weight = _weight_rows(xp, weight, groups)
    result = xp.empty((batch, filters) + tuple(out_spatial), dtype=columns.dtype)
    bias = None if bias is None else bias.reshape((-1,) + (1,) * len(out_spatial))
    if layout != "batch_last":
        # one GEMM per sample writes straight into MXNet's (N, F, *out) layout
        products = result.reshape(columns.shape[:2] + (-1, columns.shape[-1]))
        xp.matmul(weight, columns, out=products)
        if bias is not None:
            result += bias
        return result
    # the product is computed transposed, (M, F/G) = columns^T @ weight^T: the same
    # numbers, but OpenBLAS runs LeNet's 20 -> 50 layer in 1.3 ms this way, not 1.5
    products = _scratch(xp, "products", (1, groups) + columns.shape[-1:]
                        + weight.shape[1:2], columns.dtype)
    xp.matmul(columns.swapaxes(2, 3), weight.swapaxes(1, 2), out=products)
    # one pass moves (G, *out, N, F/G) to MXNet's (N, F, *out) layout and adds the bias
    ndim = len(out_spatial)
    products = products[0].reshape((groups,) + tuple(out_spatial) + (batch, -1))
    products = products.transpose((ndim + 1, 0, ndim + 2) + tuple(range(1, ndim + 1)))
    target = result.reshape(products.shape)      # (N, G, F/G, *out), a view of result
    if bias is None:
        target[...] = products
    else:
        xp.add(products, bias.reshape(groups, -1, *(1,) * ndim), out=target)
    return result


def _conv_data_grad(xp, out_columns, weight, data_shape, groups, geometry, out_spatial,
                    layout):
    """Gradient of the convolution with respect to ``data``: GEMM, then col2im.

    ``out_columns`` is the output gradient laid out by ``_out_columns``.
    """
    kernel, stride, dilate, pad = geometry
    ndim = len(kernel)
    batch, channels = data_shape[:2]
    weight = _weight_rows(xp, weight, groups).swapaxes(1, 2)
    # col2im is done with these columns before the weight gradient makes its own
    columns = _scratch(xp, "columns", out_columns.shape[:2] + (weight.shape[1],
                                                               out_columns.shape[-1]),
                       out_columns.dtype)
    xp.matmul(weight, out_columns, out=columns)
    # (B, G, *kernel, C/G, M), seen as (B, G, C/G, *kernel, M)
    columns = columns.reshape(columns.shape[:2] + tuple(kernel) + (channels // groups,)
                              + columns.shape[-1:])
    columns = xp.moveaxis(columns, 2 + ndim, 2)
    padded = _padded(data_shape[2:], geometry)
    canvas = _zeroed_canvas(xp, (batch, groups, channels // groups) + padded,
                            columns.dtype, layout)
    if layout == "flat":
        # one contiguous add of a whole span per kernel tap
        _add_flat_windows(canvas.reshape(canvas.shape[:3] + (-1,)), columns, kernel,
                          dilate, padded)
    else:
        windows = _windows_of(xp, columns, layout, out_spatial)
        # view it as (N, G, C/G, *out, *kernel), the layout of _windows, without copying
        kernel_axes = tuple(range(3, 3 + ndim))
        order = (0, 1, 2) + tuple(t + ndim for t in kernel_axes) + kernel_axes
        _add_windows(canvas, windows.transpose(order), stride, dilate)
    grad = _crop(canvas.reshape((batch, channels) + padded), pad, data_shape[2:])
    return grad.copy()          # a fresh (N, C, *spatial) array: the canvas is scratch


def _zeroed_canvas(xp, shape, dtype, layout):
    """The col2im canvas ``(N, G, C/G, *padded)``, all zeros, in scratch memory that
    "batch_last" orders ``(G, C/G, *padded, N)`` like its columns."""
    if layout == "batch_last":
        canvas = _batch_last_scratch(xp, "canvas", shape, dtype)
    else:
        canvas = _scratch(xp, "canvas", shape, dtype)
    canvas[...] = 0
    return canvas


def _conv_weight_grad(xp, data, out_columns, weight_shape, groups, geometry,
                      out_spatial, layout):
    """Gradient with respect to ``weight``: out_grad @ columns^T, one GEMM per group
    and per sample (or one for the whole batch with "batch_last"), then summed.

    Computed as ``(columns @ out_grad^T)^T``: the same numbers, but OpenBLAS is about
    twice as fast when the short side (F/G filters) is the result's columns, not rows.
    """
    columns = _columns(xp, data, groups, geometry, out_spatial, layout)
    grad = xp.matmul(columns, out_columns.swapaxes(2, 3)).sum(axis=0)
    # (G, *kernel, C/G, F/G) -> (G, F/G, C/G, *kernel): the weight's own order
    grad = grad.reshape((groups,) + tuple(weight_shape[2:]) + (weight_shape[1], -1))
    return xp.moveaxis(grad, (-1, -2), (1, 2)).reshape(weight_shape)


def _weight_rows(xp, weight, groups):
    """``(F, C/G, *kernel)`` -> ``(G, F/G, prod(kernel) * C/G)``: each filter as one
    row, ordered like the columns' rows (kernel tap, then channel)."""
    rows = xp.moveaxis(weight, 1, -1)
    return rows.reshape(groups, weight.shape[0] // groups, -1)


def _bias_grad(xp, out_grad):
    """The bias is added at every sample and position, so its gradient sums them.

    As matrix-vector products with ones: 0.07 ms for LeNet's first layer, where
    ``sum`` takes 0.14 ms.
    """
    batch, filters = out_grad.shape[:2]
    ones = xp.ones(math.prod(out_grad.shape[2:]), dtype=out_grad.dtype)
    return xp.matmul(out_grad.reshape(batch, filters, -1), ones).sum(axis=0)


def _add_bias(out, bias):
    if bias is None:
        return out
    return out + bias.reshape((1, -1) + (1,) * (out.ndim - 2))
