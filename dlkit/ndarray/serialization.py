"""MXNet's binary NDArray file format (being written: see issue 2)."""
from ..base import MXNetError


def save(fname, data):
    raise MXNetError("nd.save is not implemented yet")


def load(fname):
    raise MXNetError("nd.load is not implemented yet")


def load_frombuffer(buf):
    raise MXNetError("nd.load_frombuffer is not implemented yet")
