"""Sliding windows: the machinery convolution and pooling share.

A convolution or pooling layer looks at the input through windows::

    data (N, C, H, W) --pad--> canvas --strided view--> windows (N, C, OH, OW, KH, KW)

The strided view (``as_strided``) costs nothing: every window is another way of reading
the same memory. The backward passes add gradients back where each window was read, one
vectorised add per kernel position ("col2im"). The attribute checks (``kernel``,
``stride``, ``dilate``, ``pad``, ``layout``) are shared here too.

With stride 1 there is a faster view, the "flat" windows: flatten the spatial axes and
every kernel tap reads ONE contiguous run of cells (see ``_flat_windows``).

The view only needs strides, so it works on any memory order. Data copied to
``(C, H, W, N)`` memory and seen as ``(N, C, H, W)`` (``xp.moveaxis``, no copy) gives
windows whose rows are runs of ``OW * N`` contiguous cells, not ``OW``: the
"batch_last" layout. Convolution's im2col (``_columns``, ``_out_columns``) copies the
windows into columns in one of these layouts; im2col.py's ``_column_layout`` says which.
"""
import itertools
import math
import threading

from .registry import shape_error


_SCRATCH = threading.local()      # one set of buffers per thread: ops may run in many


def _scratch(xp, purpose, shape, dtype):
    """A reusable array for a large temporary that never leaves the function asking.

    A fresh multi-megabyte array every step lets the C allocator hand its memory back
    to the OS, and taking it back costs a page fault per 4 KiB: up to 3,500 per LeNet
    step, a quarter of its time. So each ``purpose`` keeps one flat buffer, grown to
    the largest size asked for (the memory stays held: about 11 MB for LeNet), and
    returns a view of it. The caller must be done with the view before asking for the
    same purpose again. CuPy's memory pool already reuses device memory, so other
    array modules just get a new array.
    """
    if xp.__name__ != "numpy":
        return xp.empty(shape, dtype=dtype)
    if not hasattr(_SCRATCH, "buffers"):
        _SCRATCH.buffers = {}
        _keep_freed_memory(xp)
    buffers = _SCRATCH.buffers
    size, key = math.prod(shape), (purpose, xp.dtype(dtype).str)
    if key not in buffers or buffers[key].size < size:
        buffers[key] = xp.empty(size, dtype=dtype)
    return buffers[key][:size].reshape(shape)


def _keep_freed_memory(xp):
    """Teach glibc's malloc to keep freed arrays of up to 16 MB for reuse.

    The scratch buffers cover temporaries, but every step also frees arrays that left
    their op (activations and gradients: five of 3 MB per LeNet step). glibc returns
    a freed block above its "mmap threshold" to the OS, and also gives back free heap
    beyond its "trim threshold"; both thresholds rise to a block's size (trim: twice
    that) when such a block is freed. Freeing one untouched 16 MB array sets them once
    and for all, instead of by chance: without it LeNet's step took ~4,000 page faults
    (~5 ms) or none, depending on the order its buffers happened to grow in. Other
    allocators ignore this; the array is never written, so it costs no memory.
    """
    xp.empty(16 * 2**20, dtype=xp.uint8)        # allocated and freed at once


def _pad(xp, data, before, after, fill):
    """``data`` in a canvas of ``fill``: ``before``/``after`` cells per spatial axis."""
    if not any(before) and not any(after):
        return data
    ndim = len(before)
    spatial = data.shape[-ndim:]
    shape = data.shape[:-ndim] + tuple(b + n + a
                                       for b, n, a in zip(before, spatial, after))
    canvas = xp.full(shape, fill, dtype=data.dtype)
    canvas[(Ellipsis,) + tuple(slice(b, b + n) for b, n in zip(before, spatial))] = data
    return canvas


def _crop(canvas, before, spatial):
    """The inverse of ``_pad``: the ``spatial``-sized block starting at ``before``."""
    return canvas[(Ellipsis,) + tuple(slice(b, b + n) for b, n in zip(before, spatial))]


def _windows(xp, canvas, kernel, stride, dilate, out_spatial):
    """Every window as a view of shape ``(*lead, *out_spatial, *kernel)``: no copy.

    Moving one output position moves ``stride`` cells in the canvas and moving one
    kernel tap moves ``dilate`` cells, so both are just strides over the same memory.
    """
    ndim = len(kernel)
    steps = canvas.strides[-ndim:]
    strides = (canvas.strides[:-ndim] + tuple(t * s for t, s in zip(steps, stride))
               + tuple(t * d for t, d in zip(steps, dilate)))
    shape = canvas.shape[:-ndim] + tuple(out_spatial) + tuple(kernel)
    return xp.lib.stride_tricks.as_strided(canvas, shape=shape, strides=strides)


def _taps(kernel, stride, dilate, out_spatial):
    """For each kernel tap: its index and the canvas slices it reads across all windows.

    Working one tap at a time turns a per-window loop into KH*KW vectorised operations
    (NumPy is slow at reducing many tiny strided axes, and cannot scatter-add through a
    view whose windows overlap).
    """
    for tap in itertools.product(*(range(k) for k in kernel)):
        yield tap, tuple(slice(t * d, t * d + s * (o - 1) + 1, s)
                         for t, d, s, o in zip(tap, dilate, stride, out_spatial))


def _add_windows(canvas, windows, stride, dilate):
    """Add ``windows`` (shaped like ``_windows``' view) back into ``canvas`` ("col2im").

    Overlapping windows accumulate: every tap adds all windows' values at once.
    """
    ndim = len(stride)
    kernel, out_spatial = windows.shape[-ndim:], windows.shape[-2 * ndim:-ndim]
    for tap, target in _taps(kernel, stride, dilate, out_spatial):
        canvas[(Ellipsis,) + target] += windows[(Ellipsis,) + tap]
    return canvas


def _flat_rows(spatial):
    """How many flat cells one step along each spatial axis moves (row-major order)."""
    return tuple(math.prod(spatial[axis + 1:]) for axis in range(len(spatial)))


def _flat_span(spatial, out_spatial):
    """Flat cells from the first output position to the last one, both included."""
    return sum((o - 1) * r for o, r in zip(out_spatial, _flat_rows(spatial))) + 1


def _flat_windows(xp, canvas, kernel, dilate, out_spatial):
    """Stride-1 windows as a view ``(*lead, *kernel, span)`` of the flattened canvas.

    Output position ``o`` starts its window at flat cell ``sum(o_i * row_i)``, and tap
    ``t`` reads ``sum(t_i * dilate_i * row_i)`` cells further on. So for one tap, all
    windows of a sample read ONE contiguous run of ``span`` cells. Copying runs of
    ``span`` cells is several times faster than copying the ``(*out, *kernel)`` view,
    whose innermost runs are only one output row long. The price: the run also covers
    the positions between output rows (``o_i >= out_i``), junk columns the caller drops
    with ``_flat_positions`` (a few percent to ~50% more GEMM work for small images).
    """
    ndim = len(kernel)
    canvas = xp.ascontiguousarray(canvas)
    rows = _flat_rows(canvas.shape[-ndim:])
    span = _flat_span(canvas.shape[-ndim:], out_spatial)
    flat = canvas.reshape(canvas.shape[:-ndim] + (-1,))
    step = flat.itemsize
    strides = (flat.strides[:-1] + tuple(d * r * step for d, r in zip(dilate, rows))
               + (step,))
    shape = flat.shape[:-1] + tuple(kernel) + (span,)
    return xp.lib.stride_tricks.as_strided(flat, shape=shape, strides=strides)


def _flat_positions(xp, flat, spatial, out_spatial):
    """The real output positions of a ``(..., span)`` array as a ``(..., *out)`` view.

    ``spatial`` is the canvas shape the flat runs were cut from; the view skips the junk
    columns between output rows. Reading it crops a result, writing it places values.
    """
    step = flat.strides[-1]
    strides = flat.strides[:-1] + tuple(r * step for r in _flat_rows(spatial))
    shape = flat.shape[:-1] + tuple(out_spatial)
    return xp.lib.stride_tricks.as_strided(flat, shape=shape, strides=strides)


def _add_flat_windows(flat_canvas, columns, kernel, dilate, spatial):
    """col2im for ``_flat_windows``: add ``columns`` ``(*lead, *kernel, span)`` back
    into ``flat_canvas`` ``(*lead, cells)``, one contiguous slice per kernel tap."""
    rows = _flat_rows(spatial)
    span = columns.shape[-1]
    for tap in itertools.product(*(range(k) for k in kernel)):
        start = sum(t * d * r for t, d, r in zip(tap, dilate, rows))
        tap_columns = columns[(Ellipsis,) + tap + (slice(None),)]
        flat_canvas[..., start:start + span] += tap_columns
    return flat_canvas


def _padded(spatial, geometry):
    """The spatial shape after padding ``pad`` cells on both sides."""
    return tuple(n + 2 * p for n, p in zip(spatial, geometry[3]))


def _batch_last_scratch(xp, purpose, shape, dtype):
    """A scratch array seen as ``shape`` ``(N, ...)`` whose memory is ``(..., N)``."""
    buffer = _scratch(xp, purpose, tuple(shape[1:]) + tuple(shape[:1]), dtype)
    return xp.moveaxis(buffer, -1, 0)


def _columns(xp, data, groups, geometry, out_spatial, layout):
    """im2col: ``(B, G, prod(kernel) * C/G, M)``, one column per window.

    "strided" and "flat" keep the samples apart (``B = N``): a sample's windows make
    one matrix of ``M = prod(out)`` columns, or with "flat" ``M = span`` columns, which
    include junk ones between output rows (``_flat_windows``). "batch_last" puts the
    whole batch in one matrix (``B = 1``, ``M = prod(out) * N``, ordered ``(*out, N)``).
    ``_out_columns`` lays out the output gradient the same way.

    The rows run over kernel taps, then channels, so that all rows of one tap form one
    contiguous block: col2im adds a tap's block at a time, and reads it in one piece
    (0.8 ms instead of 1.2 for LeNet's second layer). The weight is ordered to match.
    """
    kernel, pad = geometry[0], geometry[3]
    ndim = len(kernel)
    batch, channels = data.shape[:2]
    canvas = _pad(xp, data, pad, pad, 0)
    if layout == "batch_last":
        # one pass moves the data to (C, *spatial, N) memory, seen as (N, C, *spatial)
        moved = _batch_last_scratch(xp, "batch_last", canvas.shape, canvas.dtype)
        moved[...] = canvas
        canvas = moved
    canvas = canvas.reshape((batch, groups, channels // groups) + canvas.shape[2:])
    windows = _windows_in_column_order(xp, canvas, geometry, out_spatial, layout)
    columns = _scratch(xp, "columns", windows.shape, windows.dtype)
    columns[...] = windows                  # the one copy: im2col
    positions = math.prod(windows.shape[3 + ndim:])
    return columns.reshape(windows.shape[:2] + (-1, positions))


def _windows_in_column_order(xp, canvas, geometry, out_spatial, layout):
    """The windows of a ``(N, G, C/G, *spatial)`` canvas as a view ordered
    ``(B, G, *kernel, C/G, *positions)``: ``_columns`` without the copy."""
    kernel, stride, dilate, _ = geometry
    ndim = len(kernel)
    if layout == "flat":
        windows = _flat_windows(xp, canvas, kernel, dilate, out_spatial)
        # (N, G, *kernel, C/G, span): the copy reads whole spans of cells
        return windows.transpose((0, 1) + tuple(range(3, 3 + ndim)) + (2, 3 + ndim))
    windows = _windows(xp, canvas, kernel, stride, dilate, out_spatial)
    out_axes = tuple(range(3, 3 + ndim))
    kernel_axes = tuple(range(3 + ndim, 3 + 2 * ndim))
    if layout == "batch_last":
        # (1, G, *kernel, C/G, *out, N): the copy reads runs of OW * N cells
        return windows.transpose((1,) + kernel_axes + (2,) + out_axes + (0,))[None]
    # (N, G, *kernel, C/G, *out): the copy reads runs of one output row
    return windows.transpose((0, 1) + kernel_axes + (2,) + out_axes)


def _out_columns(xp, out_grad, groups, geometry, data_spatial, layout):
    """``(N, F, *out)`` -> ``(B, G, F/G, M)``, the column layout of ``_columns``."""
    batch, filters = out_grad.shape[:2]
    out_spatial = out_grad.shape[2:]
    if layout == "strided":
        columns = out_grad                  # a sample's columns are its feature maps
    elif layout == "flat":
        padded = _padded(data_spatial, geometry)
        span = _flat_span(padded, out_spatial)
        columns = _scratch(xp, "out_columns", (batch, filters, span), out_grad.dtype)
        columns.fill(0)     # the junk columns stay zero: they add nothing to a gradient
        _flat_positions(xp, columns, padded, out_spatial)[...] = out_grad
    else:
        columns = _scratch(xp, "out_columns", (1, filters) + out_spatial + (batch,),
                           out_grad.dtype)
        columns[0] = xp.moveaxis(out_grad, 0, -1)
    return columns.reshape(columns.shape[0], groups, filters // groups, -1)


def _windows_of(xp, columns, layout, out_spatial):
    """View ``(B, ..., M)`` "strided" or "batch_last" columns as ``(N, ..., *out)``,
    one entry per sample and output position: no copy."""
    out_spatial = tuple(out_spatial)
    if layout == "batch_last":
        # (1, ..., prod(out) * N) -> (..., *out, N) -> (N, ..., *out)
        shaped = columns[0].reshape(columns.shape[1:-1] + out_spatial + (-1,))
        return xp.moveaxis(shaped, -1, 0)
    return columns.reshape(columns.shape[:-1] + out_spatial)


def _reduce_windows(windows, combine, ndim):
    """Combine every window's taps with the ufunc ``combine`` (``maximum``, ``add``)."""
    taps = list(itertools.product(*(range(k) for k in windows.shape[-ndim:])))
    if len(taps) == 1:
        return windows[(Ellipsis,) + taps[0]].copy()
    # the first combine allocates the result: no separate copy of the first tap
    result = combine(windows[(Ellipsis,) + taps[0]], windows[(Ellipsis,) + taps[1]])
    for tap in taps[2:]:
        combine(result, windows[(Ellipsis,) + tap], out=result)
    return result


def _full(value, ndim, fill):
    """MXNet's empty tuple ``()`` means ``fill`` along every spatial axis."""
    return tuple(value) if value else (fill,) * ndim


def _geometry(op, kernel, stride, dilate, pad):
    """Check the window attributes; return ``(kernel, stride, dilate, pad)`` in full."""
    ndim = len(kernel)
    if not 1 <= ndim <= 3:
        raise shape_error(op, f"kernel={kernel} must have 1, 2 or 3 entries "
                              "(width), (height, width) or (depth, height, width)")
    full = (kernel, _full(stride, ndim, 1), _full(dilate, ndim, 1), _full(pad, ndim, 0))
    for attr_name, value, low in zip(("kernel", "stride", "dilate", "pad"), full,
                                     (1, 1, 1, 0)):
        if len(value) != ndim or min(value) < low:
            raise shape_error(op, f"{attr_name}={value} must have {ndim} entries (like "
                                  f"kernel={kernel}), each at least {low}")
    return full


def _check_layout(op, layout, ndim):
    default = {1: "NCW", 2: "NCHW", 3: "NCDHW"}[ndim]
    if layout not in (None, default):
        raise shape_error(op, f"layout={layout!r} is not supported; dlkit computes in "
                              f"channel-first layout {default!r} (transpose the data)")


def _check_data(op, data, ndim, what="kernel"):
    if data is not None and len(data) != ndim + 2:
        raise shape_error(
            op,
            f"data has shape {data}, but a {ndim}-D {what} needs "
            f"{ndim + 2}-D data (batch, channel, {ndim} spatial axes)",
        )
