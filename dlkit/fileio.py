"""Writing files so that a crash never destroys the previous version.

Every file dlkit writes for a learner to keep (``.params``, ``-symbol.json``, optimizer
``.states``, downloads) goes through ``write_atomically``::

    write bytes to  .NAME.<random>.tmp   (same folder, so the rename stays on one disk)
    flush + fsync                         (the bytes are on disk before the name is)
    os.replace(tmp, NAME)                 (atomic: readers see the old or the new file)

If anything fails before the rename, the temporary file is removed and ``NAME`` is
untouched. MXNet 1.9.1 writes in place, so an interrupted save there can leave a
truncated checkpoint; dlkit's files are byte-identical, only the way they are written
differs.
"""
import os
import uuid

__all__ = ["write_atomically"]


def write_atomically(fname, blob):
    """Write ``blob`` (bytes or str) to ``fname``, replacing it atomically.

    Parameters
    ----------
    fname : str or path-like
        The file to create or replace.
    blob : bytes or str
        The whole content; a str is encoded as UTF-8.

    Example
    -------
    >>> from dlkit.fileio import write_atomically
    >>> write_atomically('notes.txt', 'hello')
    """
    fname = os.fspath(fname)
    if isinstance(blob, str):
        blob = blob.encode("utf-8")
    folder = os.path.dirname(os.path.abspath(fname))
    temporary = os.path.join(
        folder, f".{os.path.basename(fname)}.{uuid.uuid4().hex}.tmp"
    )
    # O_EXCL: never reuse a file someone else made; 0o666: the umask decides, as open()
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, fname)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
