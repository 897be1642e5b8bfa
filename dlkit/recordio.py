"""``mx.recordio``: MXNet's RecordIO files, one binary record after another.

A ``.rec`` file is a list of records. Each record is a header of two little-endian
uint32 words, then its bytes, zero-padded to a multiple of 4::

    +------------+----------------------+------------------+---------+
    | 0xced7230a | cflag << 29 | length | length bytes     | 0 to 3  |
    |   (magic)  |      (lrecord)       | (the payload)    | zeros   |
    +------------+----------------------+------------------+---------+

The magic number lets a reader find the start of a record anywhere in a file (that is
how MXNet splits a file between workers). So that it never appears inside a payload,
the writer cuts a payload wherever the magic number sits at a 4-byte-aligned offset
and drops those 4 bytes; the pieces are stored as consecutive records with ``cflag``
1 (first), 2 (middle) and 3 (last); 0 means "whole record". The reader glues the
pieces back together with the magic number between them.

``MXIndexedRecordIO`` adds an ``.idx`` text file, one ``key<TAB>offset`` line per
record, for random access (``read_idx``). ``pack``/``unpack`` put an ``IRHeader``
(flag, label, id, id2: 24 bytes, struct format ``IfQQ``) in front of a payload;
``pack_img``/``unpack_img`` add image encoding (Pillow here, OpenCV in MXNet).
The files are byte-compatible with MXNet 1.9.1's in both directions.
"""
import io
import numbers
import os
import struct
from collections import namedtuple

import numpy as np

from .base import MXNetError

__all__ = ["MXRecordIO", "MXIndexedRecordIO", "IRHeader", "pack", "unpack",
           "pack_img", "unpack_img"]

MAGIC = 0xCED7230A
_MAGIC_BYTES = struct.pack("<I", MAGIC)
_LENGTH_BITS = 29            # lrecord: 3 bits of cflag, then 29 bits of length
_LENGTH_MASK = (1 << _LENGTH_BITS) - 1


def _padded(length):
    """``length`` rounded up to a multiple of 4 (every record starts 4-aligned)."""
    return (length + 3) // 4 * 4


def _encode_record(buf):
    """The bytes MXNet's writer puts in a file for one record (see module docstring)."""
    if len(buf) >= 1 << _LENGTH_BITS:
        raise MXNetError(f"MXRecordIO: a record holds less than 2**29 bytes, got "
                         f"{len(buf)}")
    pieces = []
    start = 0
    for offset in range(0, len(buf) // 4 * 4, 4):
        if buf[offset:offset + 4] == _MAGIC_BYTES:
            pieces.append(buf[start:offset])
            start = offset + 4
    pieces.append(buf[start:])
    parts = []
    for number, piece in enumerate(pieces):
        if len(pieces) == 1:
            cflag = 0
        elif number == 0:
            cflag = 1
        elif number == len(pieces) - 1:
            cflag = 3
        else:
            cflag = 2
        lrecord = cflag << _LENGTH_BITS | len(piece)
        parts.append(_MAGIC_BYTES + struct.pack("<I", lrecord) + piece)
    # only the last piece is padded: the cuts sit at 4-aligned offsets, so every
    # earlier piece already has a length that is a multiple of 4
    padding = _padded(len(buf)) - len(buf)
    return b"".join(parts) + b"\0" * padding


def _read_record(stream, uri):
    """The next record of an open binary file, or None at the end of the file."""
    pieces = []
    while True:
        header = stream.read(8)
        if not header and not pieces:
            return None
        if len(header) != 8:
            raise MXNetError(f"MXRecordIO: {uri} ends inside a record header; the "
                             "file is truncated or not a RecordIO file")
        magic, lrecord = struct.unpack("<II", header)
        if magic != MAGIC:
            raise MXNetError(f"MXRecordIO: invalid RecordIO file {uri}: expected the "
                             f"magic number 0x{MAGIC:08x} at byte {stream.tell() - 8}, "
                             f"found 0x{magic:08x} (a wrong offset in the .idx file?)")
        cflag, length = lrecord >> _LENGTH_BITS, lrecord & _LENGTH_MASK
        payload = stream.read(_padded(length))
        if len(payload) != _padded(length):
            raise MXNetError(f"MXRecordIO: {uri} ends inside a record of {length} "
                             "bytes; the file is truncated")
        pieces.append(payload[:length])
        if cflag in (0, 3):
            return _MAGIC_BYTES.join(pieces)


class MXRecordIO:
    """Read or write a RecordIO (``.rec``) file one record at a time.

    Parameters
    ----------
    uri : str
        Path to the file.
    flag : str
        ``'w'`` to write (the file is truncated) or ``'r'`` to read.

    The object is picklable: its state is the path and flags, and unpickling opens the
    file again (a reader starts from the first record; a writer truncates the file,
    as in MXNet). Pickling closes the original, as MXNet does. Reading or writing in
    another process than the one that opened the file raises ``RuntimeError``.

    Example
    -------
    >>> record = mx.recordio.MXRecordIO('tmp.rec', 'w')
    >>> record.write(b'record_0')
    >>> record.close()
    >>> mx.recordio.MXRecordIO('tmp.rec', 'r').read()
    b'record_0'
    """

    def __init__(self, uri, flag):
        self.uri = os.fspath(uri)
        self.flag = flag
        self.pid = None
        self.is_open = False
        self.writable = None
        self._file = None
        self.open()

    def open(self):
        """Open the file (``flag`` says how)."""
        if self.flag == "w":
            self._file = open(self.uri, "wb")
            self.writable = True
        elif self.flag == "r":
            if not os.path.isfile(self.uri):
                raise MXNetError(f"MXRecordIO: cannot open {self.uri!r} for reading: "
                                 "no such file")
            self._file = open(self.uri, "rb")
            self.writable = False
        else:
            raise ValueError(f"Invalid flag {self.flag}")
        self.pid = os.getpid()
        self.is_open = True

    def __del__(self):
        self.close()

    def __getstate__(self):
        """Path and flags only (an open file cannot be pickled); closes the file."""
        is_open = self.is_open
        self.close()
        state = dict(self.__dict__)
        state["is_open"] = is_open
        del state["_file"]
        return state

    def __setstate__(self, state):
        was_open = state["is_open"]
        self.__dict__ = state
        self._file = None
        self.is_open = False
        if was_open:
            self.open()

    def _check_pid(self, allow_reset=False):
        """Forbid sharing one open file between processes (they would share its
        position); ``allow_reset`` reopens it in this process instead."""
        if self.pid == os.getpid():
            return
        if allow_reset:
            self.reset()
        elif not self.is_open:
            raise RuntimeError(f"MXRecordIO: {self.uri} is closed; call open() or "
                               "reset() first")
        else:
            raise RuntimeError("Forbidden operation in multiple processes")

    def close(self):
        """Close the file (a no-op when it is closed)."""
        if not getattr(self, "is_open", False):
            return
        self._file.close()
        self._file = None
        self.is_open = False
        self.pid = None

    def reset(self):
        """Close and reopen: a reader starts again at the first record; a writer
        truncates the file."""
        self.close()
        self.open()

    def write(self, buf):
        """Append one record; ``buf`` must be ``bytes`` (as in MXNet)."""
        assert self.writable, f"MXRecordIO: {self.uri} was opened with flag 'r'"
        self._check_pid(allow_reset=False)
        if not isinstance(buf, bytes):
            raise TypeError(f"MXRecordIO.write: buf must be bytes, got "
                            f"{type(buf).__name__}; encode a str with .encode() or "
                            "convert an array with .tobytes()")
        self._file.write(_encode_record(buf))

    def read(self):
        """The next record as ``bytes``, or None at the end of the file."""
        assert not self.writable, f"MXRecordIO: {self.uri} was opened with flag 'w'"
        self._check_pid(allow_reset=False)
        return _read_record(self._file, self.uri)


class MXIndexedRecordIO(MXRecordIO):
    """A RecordIO file plus an index file for random access by key.

    The index file has one line ``key<TAB>offset`` per record, the offset being the
    byte position of the record in the ``.rec`` file.

    Parameters
    ----------
    idx_path : str
        Path to the index file.
    uri : str
        Path to the record file.
    flag : str
        ``'w'`` or ``'r'``.
    key_type : type
        How keys are parsed from the index file (``int`` by default).

    Differs from MXNet: after ``read`` has reached the end of the file, MXNet's
    ``read_idx``/``seek`` keep returning None (its reader never clears its end flag);
    dlkit's seek works.

    Example
    -------
    >>> record = mx.recordio.MXIndexedRecordIO('tmp.idx', 'tmp.rec', 'w')
    >>> for i in range(3):
    ...     record.write_idx(i, b'record_%d' % i)
    >>> record.close()
    >>> mx.recordio.MXIndexedRecordIO('tmp.idx', 'tmp.rec', 'r').read_idx(2)
    b'record_2'
    """

    def __init__(self, idx_path, uri, flag, key_type=int):
        self.idx_path = os.fspath(idx_path)
        self.idx = {}
        self.keys = []
        self.key_type = key_type
        self.fidx = None
        super().__init__(uri, flag)

    def open(self):
        """Open both files; a reader loads the whole index."""
        super().open()
        self.idx = {}
        self.keys = []
        self.fidx = open(self.idx_path, self.flag)
        if not self.writable:
            for line in iter(self.fidx.readline, ""):
                fields = line.strip().split("\t")
                if len(fields) < 2:
                    raise ValueError(f"MXIndexedRecordIO: line {line!r} of "
                                     f"{self.idx_path} is not 'key<TAB>offset'")
                key = self.key_type(fields[0])
                self.idx[key] = int(fields[1])
                self.keys.append(key)

    def close(self):
        """Close both files."""
        if not getattr(self, "is_open", False):
            return
        super().close()
        if self.fidx is not None:
            self.fidx.close()

    def __getstate__(self):
        state = super().__getstate__()
        state["fidx"] = None
        return state

    def seek(self, idx):
        """Move the reader to the record with key ``idx`` (KeyError if unknown)."""
        assert not self.writable, f"MXIndexedRecordIO: {self.uri} is open for writing"
        self._check_pid(allow_reset=True)
        self._file.seek(self.idx[idx])

    def tell(self):
        """The writer's position: where the next record will start."""
        assert self.writable, f"MXIndexedRecordIO: {self.uri} was opened for reading"
        return self._file.tell()

    def read_idx(self, idx):
        """The record with key ``idx``."""
        self.seek(idx)
        return self.read()

    def write_idx(self, idx, buf):
        """Write ``buf`` as a record and add ``idx`` (converted by ``key_type``) to
        the index."""
        key = self.key_type(idx)
        position = self.tell()
        self.write(buf)
        self.fidx.write(f"{key}\t{position}\n")
        self.idx[key] = position
        self.keys.append(key)


IRHeader = namedtuple("HEADER", ["flag", "label", "id", "id2"])
IRHeader.__doc__ = """The header ``pack`` puts before an image record.

flag : int
    0 for one float ``label``; otherwise the number of labels, which are then stored
    as float32 right after the header (and ``label`` in the header is 0).
label : float or array of float
    The label(s).
id, id2 : int
    Record ids (uint64); ``id2`` is usually 0.
"""
_IR_FORMAT = "IfQQ"
_IR_SIZE = struct.calcsize(_IR_FORMAT)


def pack(header, s):
    """Put an ``IRHeader`` in front of the bytes ``s``.

    A numeric label goes into the header (``flag`` forced to 0). An array label is
    stored as float32 after the header with ``flag`` = its size; an empty one is
    stored as label 0.

    Example
    -------
    >>> packed = mx.recordio.pack(mx.recordio.IRHeader(0, [1, 2], 7, 0), b'payload')
    >>> mx.recordio.unpack(packed)[0].flag
    2
    """
    header = IRHeader(*header)
    if isinstance(header.label, numbers.Number):
        header = header._replace(flag=0)
    else:
        label = np.asarray(header.label, dtype=np.float32)
        header = header._replace(flag=label.size, label=0)
        s = label.tobytes() + s
    return struct.pack(_IR_FORMAT, *header) + s


def unpack(s):
    """Split packed bytes into ``(IRHeader, payload)``; a multi-label header gets its
    labels back as a float32 array."""
    if len(s) < _IR_SIZE:
        raise MXNetError(f"recordio.unpack: a packed record starts with a {_IR_SIZE}-"
                         f"byte IRHeader, got only {len(s)} bytes")
    header = IRHeader(*struct.unpack(_IR_FORMAT, s[:_IR_SIZE]))
    s = s[_IR_SIZE:]
    if header.flag > 0:
        if len(s) < header.flag * 4:
            raise MXNetError(f"recordio.unpack: the header announces {header.flag} "
                             f"float32 labels but only {len(s)} bytes follow")
        header = header._replace(label=np.frombuffer(s, np.float32, header.flag))
        s = s[header.flag * 4:]
    return header, s


def _pillow():
    """``PIL.Image``, imported on first use so that dlkit needs only NumPy."""
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError("mx.recordio image functions need Pillow to encode and "
                          "decode images: pip install Pillow") from error
    return Image


def _encode_image(pixels, img_fmt, quality):
    """Encode an (H, W) gray, (H, W, 3) RGB or (H, W, 4) RGBA uint8 array."""
    Image = _pillow()
    extension = img_fmt.lower()
    options = {}
    if extension in (".jpg", ".jpeg"):
        image_format = "JPEG"
        options["quality"] = quality
        if pixels.ndim == 3 and pixels.shape[2] == 4:
            pixels = pixels[:, :, :3]          # JPEG has no alpha (OpenCV drops it too)
    elif extension == ".png":
        image_format = "PNG"
        options["compress_level"] = min(max(quality, 0), 9)   # OpenCV clamps to 0..9
    else:
        image_format = Image.registered_extensions().get(extension)
        if image_format is None:
            raise MXNetError(f"pack_img: no encoder for img_fmt={img_fmt!r}; use an "
                             "extension with its dot, such as '.jpg' or '.png'")
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(buffer, format=image_format,
                                                       **options)
    return buffer.getvalue()


def _gray(image, rgb):
    """uint8 gray ``(H, W)`` from uint8 ``rgb`` with the arithmetic of the decoder
    MXNet's OpenCV uses for this file format (Pillow's own conversion is 1 level off
    for about half the pixels)."""
    red, green, blue = (rgb[:, :, channel].astype(np.int64) for channel in range(3))
    if image.format == "PNG":
        # libpng's rgb_to_gray: 0.299 and 0.587 in 1/32768 steps, truncated
        gray = (9797 * red + 19234 * green + 3737 * blue) >> 15
    else:
        # OpenCV's BGR2GRAY: the same weights in 1/16384 steps, rounded
        gray = (4899 * red + 9617 * green + 1868 * blue + 8192) >> 14
    return gray.astype(np.uint8)


def decode_image(buf, flag):
    """Decode image bytes to a uint8 array in RGB order, or None if they are not an
    image Pillow can read.

    ``flag`` > 0: (H, W, 3) colour; 0: (H, W) gray; < 0: as stored (gray (H, W), RGB
    or, with transparency, RGBA (H, W, 4)). Gray from a JPEG is libjpeg's luma
    channel, as OpenCV reads it; gray from colour pixels is ``_gray``'s.
    """
    Image = _pillow()
    try:
        image = Image.open(io.BytesIO(buf))
        if flag == 0 and image.format == "JPEG":
            image.draft("L", image.size)       # let libjpeg output luma directly
        image.load()
    except (OSError, ValueError, SyntaxError):
        return None
    if flag == 0 and image.mode != "L":
        return _gray(image, np.asarray(image.convert("RGB")))
    if flag > 0:
        mode = "RGB"
    elif flag == 0:
        mode = "L"
    elif image.mode in ("L", "1", "I;16", "I"):
        mode = "L"
    elif image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        mode = "RGBA"
    else:
        mode = "RGB"
    return np.asarray(image.convert(mode))


def pack_img(header, img, quality=95, img_fmt=".jpg"):
    """Encode an image and ``pack`` it with ``header``.

    Parameters
    ----------
    header : IRHeader
        The header (label, id).
    img : numpy.ndarray
        uint8 image in OpenCV's layout, as in MXNet: (H, W) gray, (H, W, 3) **BGR**
        or (H, W, 4) BGRA.
    quality : int
        JPEG quality (1..100), or PNG compression level (clamped to 0..9).
    img_fmt : str
        ``'.jpg'``, ``'.png'`` or another extension Pillow can write.

    Differs from MXNet: images are encoded by Pillow, not OpenCV, so the bytes of a
    JPEG differ (the pixels it decodes to are close, not equal); PNG is lossless in
    both. Pillow is imported on first use (``pip install Pillow``).

    Example
    -------
    >>> image = np.zeros((4, 4, 3), dtype=np.uint8)
    >>> packed = mx.recordio.pack_img((0, 1.0, 0, 0), image, img_fmt='.png')
    """
    pixels = np.asarray(img.asnumpy() if hasattr(img, "asnumpy") else img)
    if pixels.dtype != np.uint8 or pixels.ndim not in (2, 3) or (
            pixels.ndim == 3 and pixels.shape[2] not in (1, 3, 4)):
        raise MXNetError(f"pack_img: img must be a uint8 array (H, W), (H, W, 3) BGR "
                         f"or (H, W, 4) BGRA, got {pixels.dtype} {pixels.shape}")
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    elif pixels.ndim == 3:
        pixels = _swap_red_blue(pixels)
    return pack(header, _encode_image(pixels, img_fmt, quality))


def unpack_img(s, iscolor=-1):
    """``unpack`` then decode the image: ``(IRHeader, numpy uint8 image)``.

    ``iscolor`` follows OpenCV's ``imdecode`` flag: -1 as stored, 0 gray (H, W),
    1 colour (H, W, 3). Colour images come back in **BGR** order (BGRA with
    transparency), as MXNet's OpenCV gives them; ``img[:, :, ::-1]`` is RGB. Bytes
    that are not an image give None, as in MXNet.

    Differs from MXNet: decoded with Pillow (``pip install Pillow``) instead of
    OpenCV; PNG pixels are identical, JPEG pixels may differ by a few levels.
    """
    header, payload = unpack(s)
    pixels = decode_image(payload, iscolor)
    if pixels is not None and pixels.ndim == 3:
        pixels = _swap_red_blue(pixels)
    return header, pixels


def _swap_red_blue(pixels):
    """RGB(A) <-> BGR(A): reverse the first three channels, keep alpha."""
    swapped = pixels.copy()
    swapped[:, :, :3] = pixels[:, :, 2::-1]
    return swapped
