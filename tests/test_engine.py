"""mx.engine: bulk sizes are kept and returned as in MXNet, and change nothing."""
import pytest

import dlkit as mx
from dlkit.base import MXNetError


@pytest.fixture(autouse=True)
def restore_bulk_size():
    previous = mx.engine.set_bulk_size(0)
    yield
    mx.engine.set_bulk_size(previous)


def test_set_bulk_size_returns_the_previous_size():
    assert mx.engine.set_bulk_size(30) == 0
    assert mx.engine.set_bulk_size(5) == 30
    assert mx.engine.set_bulk_size(0) == 5


def test_bulk_scope_sets_and_restores_the_size():
    mx.engine.set_bulk_size(15)
    with mx.engine.bulk(7) as scope:
        assert scope is not None
        assert mx.engine.set_bulk_size(7) == 7
        x = mx.nd.zeros((1,))
        for _ in range(10):
            x += 1
    assert x.asscalar() == 10          # ops ran at once, as always in dlkit
    assert mx.engine.set_bulk_size(15) == 15


def test_bulk_scope_restores_after_an_error():
    with pytest.raises(KeyError):
        with mx.engine.bulk(9):
            raise KeyError("inside")
    assert mx.engine.set_bulk_size(0) == 0


def test_bad_sizes_raise():
    with pytest.raises(MXNetError, match=">= 0"):
        mx.engine.set_bulk_size(-1)
    with pytest.raises(TypeError):
        mx.engine.set_bulk_size("a")
