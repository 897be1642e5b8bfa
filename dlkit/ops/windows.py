"""Sliding windows: the machinery convolution and pooling share.

A convolution or pooling layer looks at the input through windows::

    data (N, C, H, W) --pad--> canvas --strided view--> windows (N, C, OH, OW, KH, KW)

The strided view (``as_strided``) costs nothing: every window is another way of reading
the same memory. The backward passes add gradients back where each window was read, one
vectorised add per kernel position ("col2im"). The attribute checks (``kernel``,
``stride``, ``dilate``, ``pad``, ``layout``) are shared here too.
"""
import itertools

from .registry import shape_error


def _pad(xp, data, before, after, fill):
    """``data`` inside a canvas of ``fill``: ``before``/``after`` cells per spatial axis."""
    if not any(before) and not any(after):
        return data
    ndim = len(before)
    spatial = data.shape[-ndim:]
    shape = data.shape[:-ndim] + tuple(b + n + a for b, n, a in zip(before, spatial, after))
    canvas = xp.full(shape, fill, dtype=data.dtype)
    canvas[(Ellipsis,) + tuple(slice(b, b + n) for b, n in zip(before, spatial))] = data
    return canvas


def _crop(canvas, before, spatial):
    """The inverse of ``_pad``: the ``spatial``-sized block starting at ``before``."""
    return canvas[(Ellipsis,) + tuple(slice(b, b + n) for b, n in zip(before, spatial))]


def _windows(xp, canvas, kernel, stride, dilate, out_spatial):
    """Every window as a view of shape ``(*lead, *out_spatial, *kernel)``: no copy.

    Moving one output position moves ``stride`` cells in the canvas and moving one kernel
    tap moves ``dilate`` cells, so both are just strides over the same memory.
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


def _reduce_windows(windows, combine, ndim):
    """Combine the taps of every window with the ufunc ``combine`` (``maximum``, ``add``)."""
    taps = list(itertools.product(*(range(k) for k in windows.shape[-ndim:])))
    result = windows[(Ellipsis,) + taps[0]].copy()
    for tap in taps[1:]:
        combine(result, windows[(Ellipsis,) + tap], out=result)
    return result


def _full(value, ndim, fill):
    """MXNet's empty tuple ``()`` means ``fill`` along every spatial axis."""
    return tuple(value) if value else (fill,) * ndim


def _geometry(op, kernel, stride, dilate, pad):
    """Check the window attributes and return ``(kernel, stride, dilate, pad)`` in full."""
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
        raise shape_error(op, f"data has shape {data}, but a {ndim}-D {what} needs "
                              f"{ndim + 2}-D data (batch, channel, {ndim} spatial axes)")
