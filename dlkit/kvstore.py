"""``mx.kv``: the key-value store that sums gradients across devices.

In data-parallel training every device computes a gradient for the same weight. The
KVStore adds them up and, when it owns the optimizer, updates the weight itself::

    kv.init(key, weight)                  store a copy of the weight
    kv.push(key, [grad_gpu0, grad_gpu1])  sum the gradients;
                                          with an optimizer: stored weight is updated,
                                          without: the sum replaces the stored value
    kv.pull(key, out=[w_gpu0, w_gpu1])    copy the stored value to every device

dlkit has the single-machine stores (``'local'``, ``'device'``: the same thing here,
since dlkit sums on the device of the stored value). Distributed stores are not part of
dlkit.

``KVStoreBase`` is the interface every store implements (``broadcast``, ``pushpull``,
``set_optimizer`` ...). A subclass registered with ``KVStoreBase.register`` is made by
``create`` from its lower-cased class name: that is how ``'teststore'`` (``TestStore``,
a store that only sums) and third-party stores (Horovod, BytePS) plug in.
``KVStoreServer`` is the server side of a distributed store; with no servers here, its
``run`` raises.
"""
import warnings

from .base import MXNetError
from .fileio import write_atomically
from .ndarray import NDArray
from .optimizer import get_updater

__all__ = ["KVStore", "KVStoreBase", "KVStoreServer", "TestStore", "create"]

LOCAL_TYPES = ("local", "device", "local_update_cpu", "local_allreduce_cpu",
               "local_allreduce_device", "nccl")


def create(name="local"):
    """A key-value store: ``'local'`` or ``'device'``, or the lower-cased name of a
    store registered with ``KVStoreBase.register`` (``'teststore'``).

    Example
    -------
    >>> kv = mx.kv.create("local")
    """
    if not isinstance(name, str):
        raise TypeError("name must be a string")
    name = name.lower()
    if name in KVStoreBase.kv_registry:
        return KVStoreBase.kv_registry[name]()
    if name not in LOCAL_TYPES:
        raise MXNetError(f"KVStore type {name!r} is not supported by dlkit: it runs on "
                         f"one machine and supports {list(LOCAL_TYPES)} ('dist_*', "
                         "horovod and byteps stores need a cluster)")
    return KVStore(name)


def _as_list(keys, values):
    """Pair one key with its value(s), or many keys with one value (list) each."""
    if isinstance(keys, (list, tuple)):
        if values is not None and len(keys) != len(values):
            raise MXNetError(f"KVStore: {len(keys)} keys but {len(values)} values; "
                             "give one value (or list of values) per key")
        return list(zip(keys, values if values is not None else [None] * len(keys)))
    return [(keys, values)]


def _values(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


class KVStoreBase:
    """The interface of a key-value store; ``create`` makes registered subclasses.

    Every method raises ``NotImplementedError`` here: a store overrides those it
    supports and answers ``is_capable`` for the optional ones (``OPTIMIZER``: whether
    it can run the optimizer itself).

    Example
    -------
    >>> @mx.kv.KVStoreBase.register
    ... class MyStore(mx.kv.KVStoreBase):
    ...     pass
    >>> type(mx.kv.create("mystore")).__name__
    'MyStore'
    """
    OPTIMIZER = "optimizer"
    kv_registry = {}   # lower-cased class name -> class

    def broadcast(self, key, value, out, priority=0):
        """Send ``value`` to every worker, into ``out``."""
        raise NotImplementedError()

    def pushpull(self, key, value, out=None, priority=0):
        """Sum ``value`` over devices and workers; write the sum into ``out`` (into
        ``value`` when ``out`` is None)."""
        raise NotImplementedError()

    def set_optimizer(self, optimizer):
        """Let the store update the weights with ``optimizer``."""
        raise NotImplementedError()

    def is_capable(self, capability):
        """Whether the store supports ``capability`` (``KVStoreBase.OPTIMIZER``)."""
        raise NotImplementedError()

    def save_optimizer_states(self, fname, dump_optimizer=False):
        """Write the optimizer states to ``fname``."""
        raise NotImplementedError()

    def load_optimizer_states(self, fname):
        """Read optimizer states from ``fname``."""
        raise NotImplementedError()

    @property
    def type(self):
        """The store's type name."""
        raise NotImplementedError()

    @property
    def rank(self):
        """This worker's rank."""
        raise NotImplementedError()

    @property
    def num_workers(self):
        """How many workers there are."""
        raise NotImplementedError()

    @staticmethod
    def register(klass):
        """Register a store class (a decorator) under its lower-cased class name."""
        if not isinstance(klass, type):
            raise TypeError(f"KVStoreBase.register takes a class, got {klass!r}")
        name = klass.__name__.lower()
        if name in KVStoreBase.kv_registry:
            old = KVStoreBase.kv_registry[name]
            warnings.warn(f"WARNING: New kvstore {klass.__module__}.{klass.__name__} "
                          f"is overriding existing kvstore {old.__module__}."
                          f"{old.__name__}")
        KVStoreBase.kv_registry[name] = klass
        return klass


@KVStoreBase.register
class TestStore(KVStoreBase):
    """A store for tests: no stored values, ``pushpull`` just sums the given arrays
    (``create('teststore')``); it cannot run an optimizer."""

    def broadcast(self, key, value, out, priority=0):
        """Copy ``value`` into each array of ``out`` (a list)."""
        for target in out:
            target[:] = value

    def pushpull(self, key, value, out=None, priority=0):
        """Sum ``value`` (one array or a list, one per device) into ``out``, or into
        every array of ``value`` when ``out`` is None."""
        if isinstance(value, NDArray):
            if out is not None:
                for target in _values(out):
                    target[:] = value
            return
        ctx = value[0].context
        total = value[0].copy()
        for other in value[1:]:
            total += other.as_in_context(ctx)
        for target in _values(value if out is None else out):
            target[:] = total

    @staticmethod
    def is_capable(capability):
        """``'optimizer'``: False (the only capability there is)."""
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return False
        raise ValueError(f"Unknown capability: {capability}")

    @property
    def type(self):
        return "teststore"

    @property
    def rank(self):
        return 0

    @property
    def num_workers(self):
        return 1


class KVStoreServer:
    """The server side of a distributed store (MXNet runs it in server processes).

    dlkit has only single-machine stores, so there is nothing to serve: ``run``
    raises ``MXNetError``.
    """

    def __init__(self, kvstore):
        self.kvstore = kvstore
        self.init_logginig = False   # (sic) MXNet's attribute name

    def run(self):
        """Serve pushes and pulls from workers: not possible without servers."""
        raise MXNetError("KVStoreServer.run: dlkit has no distributed key-value "
                         "store, so there are no server processes to run; use "
                         "mx.kv.create('local') or 'device' in one process")


class KVStore(KVStoreBase):
    """A single-machine key-value store (``rank`` 0 of ``num_workers`` 1).

    Keys are ints or strs (not both in one store, as in MXNet).
    """

    def __init__(self, kv_type="local"):
        self._type = kv_type
        self._store = {}
        self._key_type = None
        self._updater = None

    @property
    def type(self):
        """The store type given to ``create``."""
        return self._type

    @property
    def rank(self):
        """This worker's rank: always 0 on one machine."""
        return 0

    @property
    def num_workers(self):
        """Number of workers: always 1 on one machine."""
        return 1

    def _check_key(self, key):
        key_type = str if isinstance(key, str) else int
        if not isinstance(key, (str, int)):
            raise MXNetError("KVStore: keys must be int or str, got "
                             f"{type(key).__name__}")
        if self._key_type is not None and key_type is not self._key_type:
            raise MXNetError("KVStore: Mixed key types are not allowed; use only int "
                             "keys or only str keys in one store")
        self._key_type = key_type

    def _stored(self, key):
        if key not in self._store:
            raise MXNetError(f"KVStore: key {key!r} has not been inited; call "
                             "kv.init(key, value) first")
        return self._store[key]

    def init(self, key, value):
        """Store a copy of ``value`` under ``key`` (or of each value under each key)."""
        for one_key, one_value in _as_list(key, value):
            self._check_key(one_key)
            if one_key in self._store:
                raise MXNetError(f"KVStore: duplicate init of key {one_key!r}. Please "
                                 "double check if you called kv.init or kv.broadcast "
                                 "with this key multiple times")
            first = _values(one_value)[0]
            self._store[one_key] = first.copy()

    def push(self, key, value, priority=0):
        """Sum the value(s) of each key; apply the optimizer if set, else replace."""
        for one_key, one_value in _as_list(key, value):
            stored = self._stored(one_key)
            merged = self._sum(one_key, _values(one_value), stored)
            if self._updater is not None:
                self._updater(one_key, merged, stored)
            else:
                stored[:] = merged

    def _sum(self, key, values, stored):
        total = stored.context.xp.zeros_like(stored._data)
        for value in values:
            if value.shape != stored.shape:
                raise MXNetError(f"KVStore.push: key {key!r} holds shape "
                                 f"{stored.shape} but a pushed value has shape "
                                 f"{value.shape}")
            total += value.as_in_context(stored.context)._data
        return NDArray(total, stored.context)

    def pull(self, key, out=None, priority=0, ignore_sparse=True):
        """Copy the stored value of each key into ``out`` (one array or a list)."""
        if out is None:
            raise MXNetError("KVStore.pull: give out= (the array(s) to copy into)")
        for one_key, one_out in _as_list(key, out):
            stored = self._stored(one_key)
            for target in _values(one_out):
                if target.shape != stored.shape:
                    raise MXNetError(f"KVStore.pull: key {one_key!r} holds shape "
                                     f"{stored.shape} but out has shape {target.shape}")
                stored.copyto(target)

    def pushpull(self, key, value, out=None, priority=0):
        """``push`` then ``pull`` (into ``value`` itself when ``out`` is None)."""
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority)

    def broadcast(self, key, value, out, priority=0):
        """``init`` with ``value`` then ``pull`` into ``out``."""
        self.init(key, value)
        self.pull(key, out, priority)

    def row_sparse_pull(self, key, out=None, priority=0, row_ids=None):
        """dlkit arrays are dense: the same as ``pull``."""
        self.pull(key, out, priority)

    def set_optimizer(self, optimizer):
        """Let the store update weights on ``push`` (``update_on_kvstore``)."""
        self._set_updater(get_updater(optimizer))

    def _set_updater(self, updater):
        """Use ``updater(key, merged_grad, stored_weight)`` on every push."""
        self._updater = updater

    def set_gradient_compression(self, compression_params):
        """Not available: gradient compression only pays off across machines."""
        raise MXNetError("KVStore.set_gradient_compression: gradient compression is "
                         f"not supported by dlkit's {self._type!r} store (it is meant "
                         "for distributed stores); remove the compression_params "
                         "argument")

    def is_capable(self, capability):
        """Whether the store supports ``capability`` (``'optimizer'``: yes)."""
        return capability.lower() == "optimizer"

    def save_optimizer_states(self, fname, dump_optimizer=False):
        """Write the optimizer states (dlkit's pickle-free format) to ``fname``."""
        if self._updater is None:
            raise MXNetError("KVStore.save_optimizer_states: no optimizer is set; call "
                             "set_optimizer first")
        write_atomically(fname, self._updater.get_states(dump_optimizer))

    def load_optimizer_states(self, fname):
        """Read optimizer states written by ``save_optimizer_states``."""
        if self._updater is None:
            raise MXNetError("KVStore.load_optimizer_states: no optimizer is set; call "
                             "set_optimizer first")
        with open(fname, "rb") as handle:
            self._updater.set_states(handle.read())

    def _barrier(self):
        """Wait for all workers: nothing to wait for on one machine."""

    barrier = _barrier

    def _send_command_to_servers(self, head, body):
        raise MXNetError("KVStore: there are no servers in a single-machine store")
