"""``_cvcopyMakeBorder``: pad an HWC image with a border, as OpenCV's
``copyMakeBorder`` (``mx.image.copyMakeBorder``).

Every output pixel reads one input pixel, or the fill value. Which one is decided per
row and per column by OpenCV's border rule (``type``); for a row ``p`` above or below
an image of ``n`` rows (``abcdefgh`` is one row of pixels)::

    0 BORDER_CONSTANT     iiiiii|abcdefgh|iiiiiii     fill with values/value
    1 BORDER_REPLICATE    aaaaaa|abcdefgh|hhhhhhh     nearest edge pixel
    2 BORDER_REFLECT      fedcba|abcdefgh|hgfedcb     mirror, edge pixel repeated
    3 BORDER_WRAP         cdefgh|abcdefgh|abcdefg     tile the image
    4 BORDER_REFLECT_101  gfedcb|abcdefgh|gfedcba     mirror about the edge pixel

``type + 16`` (OpenCV's ``BORDER_ISOLATED`` flag) means the same here: the input is
never a view into a larger image. Borders wider than the image repeat the rule.

So the op is a gather with a row index and a column index (-1 for the fill value);
its gradient adds each head gradient back onto the pixel it was read from.
"""
from ..base import MXNetError
from .attrs import Float, FloatTuple, Int
from .registry import Example, Op, register_op, shape_error

_BORDER_TYPES = {0: "BORDER_CONSTANT", 1: "BORDER_REPLICATE", 2: "BORDER_REFLECT",
                 3: "BORDER_WRAP", 4: "BORDER_REFLECT_101"}
_ISOLATED = 16
# the types OpenCV's copyMakeBorder handles through MXNet (float16: "imresize doesn't
# support fp16"; int8, int64 crash MXNet 1.9.1)
_DTYPES = ("uint8", "int32", "float32", "float64")


def _source_index(position, size, border_type):
    """The input row (or column) that output ``position`` reads: ``position`` is
    counted in input coordinates (negative above the image); -1 means the fill
    value."""
    if 0 <= position < size:
        return position
    if border_type == 0:
        return -1
    if border_type == 1:
        return min(max(position, 0), size - 1)
    if border_type == 3:
        return position % size
    if size == 1:
        return 0
    # reflections are periodic: REFLECT repeats every 2n pixels, REFLECT_101 every
    # 2(n - 1), as its edge pixel is not repeated
    if border_type == 2:
        period = 2 * size
        position %= period
        return position if position < size else period - 1 - position
    period = 2 * size - 2
    position %= period
    return position if position < size else period - position


def _index(xp, before, size, after, border_type):
    """The input index of every output row (or column), -1 for the fill value."""
    positions = range(-before, size + after)
    return xp.asarray([_source_index(p, size, border_type) for p in positions],
                      dtype=xp.int64)


def _fill_values(channels, value, values):
    """One fill value per channel: ``values`` if given (OpenCV's 4-value Scalar;
    channels past the given values get 0), else ``value`` for every channel."""
    if not values:
        return [value] * channels
    scalar = list(values[:4]) + [0.0] * (4 - len(values[:4]))
    if channels > 4:
        return [scalar[0]] * channels
    return scalar[:channels]


@register_op
class CopyMakeBorder(Op):
    """Pad an HWC image with ``top``, ``bot`` rows and ``left``, ``right`` columns
    filled by the OpenCV border rule ``type`` (see the module docstring).

    ``values`` gives the fill value of each channel (up to 4, RGB[A] or gray);
    when it is empty, ``value`` (deprecated in MXNet) fills every channel. Integer
    images get the fill value rounded half to even and clipped to the dtype's range
    (OpenCV's ``saturate_cast``). The gradient sums the head gradient of every
    output pixel onto the input pixel it copies; fill pixels get none.

    Differs from MXNet: MXNet registers no gradient (backward is an error), reads
    garbage for channels past a too-short ``values`` (dlkit: 0), and names the input
    ``data`` in Symbol graphs while ``nd`` calls it ``src``, so
    ``mx.sym.copyMakeBorder`` cannot be called there; dlkit calls it ``src`` in both.
    """
    name = "_cvcopyMakeBorder"
    examples = [Example(shapes=[(3, 4, 3)], attrs={"top": 1, "bot": 2, "left": 3,
                                                   "right": 1,
                                                   "values": (0.5, 1.0, 2.0)}),
                Example(shapes=[(2, 3, 1)], attrs={"top": 4, "bot": 1, "left": 2,
                                                   "right": 5, "type": 2}),
                Example(shapes=[(3, 2, 2)], attrs={"top": 5, "bot": 3, "left": 1,
                                                   "right": 4, "type": 4}),
                Example(shapes=[(3, 2, 2)], attrs={"top": 2, "bot": 4, "left": 3,
                                                   "right": 3, "type": 3}),
                Example(shapes=[(2, 2, 3)], attrs={"top": 1, "bot": 0, "left": 2,
                                                   "right": 1, "type": 17})]

    def _check(self, top, bot, left, right, border_type):
        if min(top, bot, left, right) < 0:
            raise shape_error(self, f"top, bot, left and right must be >= 0, got "
                                    f"top={top}, bot={bot}, left={left}, "
                                    f"right={right}")
        if border_type & ~_ISOLATED not in _BORDER_TYPES:
            known = ", ".join(f"{k} {v}" for k, v in _BORDER_TYPES.items())
            raise MXNetError(f"operator {self.name}: unknown border type={border_type};"
                             f" use {known} (+ 16 for BORDER_ISOLATED)")

    def infer_shape(self, in_shapes, *, top, bot, left, right, type, value, values):
        self._check(top, bot, left, right, type)
        data = in_shapes[0]
        if data is None:
            return list(in_shapes), [None]
        if len(data) != 3:
            raise shape_error(self, f"src must be an image (height, width, channels), "
                                    f"got shape {tuple(data)}")
        height, width, channels = data
        if channels is not None and channels > 4 and len(set(values[:4])) > 1:
            raise shape_error(self, f"src has {channels} channels: OpenCV fills more "
                                    f"than 4 channels only with one value, got "
                                    f"values={values}")
        out_height = None if height is None else height + top + bot
        out_width = None if width is None else width + left + right
        return list(in_shapes), [(out_height, out_width, channels)]

    def _check_dtype(self, dtype):
        name = getattr(dtype, "name", dtype)
        if name is not None and str(name) not in _DTYPES:
            raise MXNetError(f"operator {self.name}: src must be one of "
                             f"{', '.join(_DTYPES)} (OpenCV's types), got {name}; "
                             "convert it with astype first")

    def infer_type(self, in_types, **attrs):
        self._check_dtype(in_types[0])
        return list(in_types), [in_types[0]]

    def forward(self, xp, src, *, top: Int, bot: Int, left: Int, right: Int,
                type: Int = 0, value: Float = 0.0, values: FloatTuple = ()):
        self._check_dtype(src.dtype)
        height, width, channels = src.shape
        rows = _index(xp, top, height, bot, type & ~_ISOLATED)
        columns = _index(xp, left, width, right, type & ~_ISOLATED)
        out = src[xp.maximum(rows, 0)][:, xp.maximum(columns, 0)]
        fill = xp.asarray(_fill_values(channels, value, values), dtype=xp.float64)
        if src.dtype.kind in "iu":
            limits = xp.iinfo(src.dtype)
            fill = xp.clip(xp.rint(fill), limits.min, limits.max)
        outside = (rows[:, None] < 0) | (columns[None, :] < 0)
        return xp.where(outside[:, :, None], fill.astype(src.dtype), out)

    def backward(self, xp, inputs, outputs, out_grads, *, top, bot, left, right,
                 type, value, values):
        height, width, _ = inputs[0].shape
        rows = _index(xp, top, height, bot, type & ~_ISOLATED)
        columns = _index(xp, left, width, right, type & ~_ISOLATED)
        dtype = out_grads[0].dtype
        # 0/1 matrices: which input row (column) each output row (column) copies
        row_map = (rows[:, None] == xp.arange(height)[None, :]).astype(dtype)
        column_map = (columns[:, None] == xp.arange(width)[None, :]).astype(dtype)
        grad = xp.einsum("oh,opc,pw->hwc", row_map, out_grads[0], column_map)
        return [grad.astype(inputs[0].dtype)]
