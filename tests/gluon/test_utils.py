"""gluon.utils: splitting, clipping, checksums, offline download."""
import hashlib

import numpy as np
import pytest

import dlkit as mx
from dlkit import gluon, nd


def test_split_data_even_and_uneven():
    data = nd.arange(10).reshape((5, 2))
    with pytest.raises(ValueError, match="even_split=False"):
        gluon.utils.split_data(data, 2)
    assert [p.shape for p in gluon.utils.split_data(data, 2, 1)] == [(5, 1), (5, 1)]


def test_clip_global_norm_scales_to_max_norm():
    arrays = [nd.ones((2, 2)), nd.ones(3) * 2]
    norm = gluon.utils.clip_global_norm(arrays, 1.0)
    assert norm == pytest.approx(4.0)
    total = sum(float((a ** 2).sum().asscalar()) for a in arrays)
    assert np.sqrt(total) == pytest.approx(1.0, rel=1e-5)


def test_check_sha1_and_download_uses_existing_file(tmp_path):
    path = tmp_path / "file.bin"
    path.write_bytes(b"dlkit")
    digest = hashlib.sha1(b"dlkit").hexdigest()
    assert gluon.utils.check_sha1(str(path), digest)
    assert gluon.utils.download("http://example.invalid/file.bin", str(path),
                                sha1_hash=digest) == str(path)


def test_download_without_network_says_where_to_put_the_file(tmp_path):
    with pytest.raises(mx.MXNetError, match="copy the file"):
        gluon.utils.download("http://example.invalid/x.bin", str(tmp_path / "x.bin"),
                             retries=1)
