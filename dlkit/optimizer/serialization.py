"""Saving optimizer states without pickle: a NumPy ``.npz`` archive plus JSON.

MXNet's ``Updater.get_states`` pickles a dict of states, and unpickling a file can run
arbitrary code. dlkit writes instead::

    archive.npz
      __meta__  -> uint8 bytes of a JSON document: the states' structure
      a0, a1 .. -> the arrays (loaded with allow_pickle=False)

The JSON mirrors each state: ``null``, ``{"array": "a3"}`` or ``{"tuple": [...]}``;
dictionary keys keep their int/str type as ``["int", 3]`` / ``["str", "fc_weight"]``.
With ``dump_optimizer`` it also holds the optimizer's class name and its plain settings
(numbers, strings and dicts of them), and those of its learning-rate scheduler.
"""
import io
import json

import numpy as np

from .. import lr_scheduler as _lr_scheduler
from ..base import MXNetError
from ..ndarray import NDArray, array

FORMAT = "dlkit-optimizer-states-1"


def dumps(states, optimizer=None):
    """Serialise ``{index: state}`` (and optionally the optimizer) to bytes."""
    arrays = {}
    encoded = [[_encode_key(k), _encode_state(v, arrays)] for k, v in states.items()]
    meta = {"format": FORMAT, "states": encoded}
    if optimizer is not None:
        meta["optimizer"] = _encode_object(optimizer)
    meta_bytes = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, __meta__=meta_bytes, **arrays)
    return buffer.getvalue()


def loads(data, optimizer_classes):
    """Undo ``dumps``: ``{"states": {...}}`` plus ``"optimizer"`` when it was dumped
    (rebuilt from ``optimizer_classes``, the registry name -> class)."""
    try:
        archive = np.load(io.BytesIO(data), allow_pickle=False)
        meta = json.loads(bytes(archive["__meta__"]).decode("utf-8"))
    except (ValueError, KeyError, OSError) as error:
        raise MXNetError("set_states: these bytes are not dlkit optimizer states "
                         "(MXNet's pickled states cannot be loaded): "
                         f"{error}") from None
    if meta.get("format") != FORMAT:
        raise MXNetError(f"set_states: unknown state format {meta.get('format')!r}")
    result = {"states": {_decode_key(k): _decode_state(v, archive)
                         for k, v in meta["states"]}}
    if "optimizer" in meta:
        result["optimizer"] = _decode_optimizer(meta["optimizer"], optimizer_classes)
    return result


def _encode_key(key):
    if isinstance(key, (int, np.integer)):
        return ["int", int(key)]
    return ["str", str(key)]


def _decode_key(pair):
    kind, value = pair
    return int(value) if kind == "int" else value


def _encode_state(state, arrays):
    if state is None:
        return None
    if isinstance(state, NDArray):
        name = f"a{len(arrays)}"
        arrays[name] = state.asnumpy()
        return {"array": name}
    if isinstance(state, (tuple, list)):
        return {"tuple": [_encode_state(s, arrays) for s in state]}
    raise MXNetError(f"get_states: cannot save a state of type {type(state).__name__}")


def _decode_state(value, archive):
    if value is None:
        return None
    if "array" in value:
        host = archive[value["array"]]
        return array(host, dtype=host.dtype)
    return tuple(_decode_state(v, archive) for v in value["tuple"])


def _plain(value):
    """``value`` as JSON-able data, or raise TypeError when it is not plain data."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return {"list": [_plain(v) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[_encode_key(k), _plain(v)] for k, v in value.items()]}
    raise TypeError(type(value).__name__)


def _unplain(value):
    if isinstance(value, dict):
        if "list" in value:
            return [_unplain(v) for v in value["list"]]
        return {_decode_key(k): _unplain(v) for k, v in value["dict"]}
    return value


def _encode_object(obj):
    """Class name and plain attributes; the scheduler is encoded the same way."""
    settings = {}
    for key, value in vars(obj).items():
        if key in ("param_dict", "sym_info", "lr_scheduler"):
            continue
        try:
            settings[key] = _plain(value)
        except TypeError:
            continue  # not plain data (an NDArray cache ...): rebuilt on first use
    encoded = {"class": type(obj).__name__.lower(), "settings": settings}
    scheduler = getattr(obj, "lr_scheduler", None)
    if scheduler is not None:
        encoded["lr_scheduler"] = _encode_object(scheduler)
    return encoded


def _decode_object(encoded, registry):
    klass = registry.get(encoded["class"])
    if klass is None:
        raise MXNetError(f"set_states: unknown class {encoded['class']!r} in the "
                         "saved states")
    obj = klass.__new__(klass)
    obj.__dict__.update({k: _unplain(v) for k, v in encoded["settings"].items()})
    return obj


def _decode_optimizer(encoded, optimizer_classes):
    optimizer = _decode_object(encoded, optimizer_classes)
    optimizer.param_dict = {}  # Gluon's Trainer sets its Parameters again
    optimizer.sym_info = ()
    optimizer.lr_scheduler = None
    if "lr_scheduler" in encoded:
        schedulers = {name.lower(): getattr(_lr_scheduler, name)
                      for name in _lr_scheduler.__all__}
        optimizer.lr_scheduler = _decode_object(encoded["lr_scheduler"], schedulers)
    return optimizer
