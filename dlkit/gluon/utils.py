"""``gluon.utils``: splitting batches over contexts, gradient clipping, downloads.

``split_and_load(X, [mx.cpu(0), mx.cpu(1)])`` cuts a batch into one slice per context,
the first step of data-parallel training::

    X (8, ...) -> [X[0:4] on cpu(0), X[4:8] on cpu(1)] -> net(slice) on each -> backward
    -> trainer.step sums the gradients over the contexts
"""
import hashlib
import os
import warnings

import numpy as np

from .. import ndarray
from ..base import MXNetError
from ..fileio import write_atomically

__all__ = ["split_data", "split_and_load", "clip_global_norm", "check_sha1", "download"]


def split_data(data, num_slice, batch_axis=0, even_split=True):
    """Split ``data`` into ``num_slice`` slices along ``batch_axis``.

    With ``even_split=False`` the first slices get one extra row each when the size does
    not divide evenly.

    Example
    -------
    >>> [s.shape for s in mx.gluon.utils.split_data(mx.nd.zeros((4, 2)), 2)]
    [(2, 2), (2, 2)]
    """
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError(
            f"data with shape {data.shape} cannot be evenly split into {num_slice} "
            f"slices along axis {batch_axis}. Use a batch size that's multiple of "
            f"{num_slice} or set even_split=False to allow uneven partitioning of "
            "data.")
    each, extras = divmod(size, num_slice)
    sizes = [each + 1] * extras + [each] * (num_slice - extras)
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    if batch_axis == 0:
        return [data[int(bounds[i]):int(bounds[i + 1])] for i in range(num_slice)]
    return [ndarray.slice_axis(data, axis=batch_axis, begin=int(bounds[i]),
                               end=int(bounds[i + 1])) for i in range(num_slice)]


def split_and_load(data, ctx_list, batch_axis=0, even_split=True):
    """Split ``data`` into one slice per context and copy each slice there."""
    if not isinstance(data, ndarray.NDArray):
        data = ndarray.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    slices = split_data(data, len(ctx_list), batch_axis, even_split)
    return [piece.as_in_context(ctx) for piece, ctx in zip(slices, ctx_list)]


def clip_global_norm(arrays, max_norm, check_isfinite=True):
    """Rescale ``arrays`` in place so that their joint L2 norm is at most ``max_norm``.

    Returns the norm before clipping (a float, or an NDArray if not
    ``check_isfinite``).
    """
    if not arrays:
        raise MXNetError("clip_global_norm: arrays must not be empty")
    ctx = arrays[0].context
    squares = [ndarray.sum(ndarray.square(array)).as_in_context(ctx)
               for array in arrays]
    total = squares[0]
    for square in squares[1:]:
        total = total + square
    total_norm = ndarray.sqrt(total)
    if check_isfinite and not np.isfinite(total_norm.asscalar()):
        warnings.warn(UserWarning("nan or inf is detected. Clipping results will be "
                                  "undefined."), stacklevel=2)
    # the 1e-8 keeps a zero norm from dividing by zero; scale never exceeds 1
    scale = ndarray.minimum(max_norm / (total_norm + 1e-8), 1.0)
    for array in arrays:
        array *= scale.as_in_context(array.context)
    return total_norm.asscalar() if check_isfinite else total_norm


def check_sha1(filename, sha1_hash):
    """True if the file's SHA-1 hex digest equals ``sha1_hash``."""
    sha1 = hashlib.sha1()
    with open(filename, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha1.update(chunk)
    return sha1.hexdigest() == sha1_hash


def download(url, path=None, overwrite=False, sha1_hash=None, retries=5,
             verify_ssl=True):
    """Download ``url`` to ``path`` (a file or a folder); returns the file name.

    An existing file is kept unless ``overwrite`` (or its SHA-1 does not match).
    Without network access this raises an ``MXNetError`` that says where to put the
    file by hand.
    """
    from urllib.error import URLError
    from urllib.request import urlopen
    if path is None:
        fname = url.split("/")[-1]
    elif os.path.isdir(path):
        fname = os.path.join(path, url.split("/")[-1])
    else:
        fname = path
    if os.path.exists(fname) and not overwrite and (
            sha1_hash is None or check_sha1(fname, sha1_hash)):
        return fname
    folder = os.path.dirname(os.path.abspath(os.path.expanduser(fname)))
    os.makedirs(folder, exist_ok=True)
    last_error = None
    for _ in range(max(1, retries)):
        try:
            with urlopen(url, timeout=30) as response:
                content = response.read()
            break
        except (URLError, OSError, ValueError) as error:
            last_error = error
    else:
        raise MXNetError(f"download: could not fetch {url} ({last_error}). If this "
                         f"machine is offline, copy the file to {fname} yourself; "
                         "existing files are used without downloading.")
    write_atomically(fname, content)
    if sha1_hash and not check_sha1(fname, sha1_hash):
        raise MXNetError(f"File {fname} is downloaded but the content hash does not "
                         "match. The repo may be outdated or download may be "
                         "incomplete. If the \"repo_url\" is overridden, consider "
                         "switching to the default repo.")
    return fname
