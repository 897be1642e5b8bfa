"""``mx.registry``: name -> class tables, so objects can be made from a string.

``mx.init.create('xavier')``, ``mx.metric.create('acc')`` and
``mx.contrib.text.embedding.create('glove')`` all work the same way: a table per base
class maps lower-cased names to subclasses, a *register* function fills it and a
*create* function looks a name up and calls the class::

    register = get_register_func(Initializer, "initializer")
    create = get_create_func(Initializer, "initializer")

    @register                      table[Initializer]["xavier"] = Xavier
    class Xavier(Initializer): ...
    create("xavier", magnitude=2)  -> Xavier(magnitude=2)

``create`` also takes an instance (returned as is), a dict of keyword arguments
(``{"initializer": "xavier", "magnitude": 2}``) or the JSON text
``'["xavier", {"magnitude": 2}]'`` that ``Initializer.dumps()`` writes.

The tables of ``mx.init.Initializer`` and ``mx.metric.EvalMetric`` are the ones
``mx.init.register`` and ``mx.metric.register`` fill, so both routes see the same
classes.
"""
import json
import warnings

__all__ = ["get_registry", "get_register_func", "get_alias_func", "get_create_func"]

_REGISTRY = {}   # base class -> {lower-cased name: subclass}


def _table(base_class):
    """The table of ``base_class``, made on first use (shared with mx.init and
    mx.metric for their base classes)."""
    if base_class not in _REGISTRY:
        from .initializer import Initializer, _REGISTRY as initializers
        from .metric.base import EvalMetric, _REGISTRY as metrics
        if base_class is Initializer:
            _REGISTRY[base_class] = initializers
        elif base_class is EvalMetric:
            _REGISTRY[base_class] = metrics
        else:
            _REGISTRY[base_class] = {}
    return _REGISTRY[base_class]


def get_registry(base_class):
    """A copy of the ``{name: class}`` table of ``base_class``."""
    return dict(_table(base_class))


def get_register_func(base_class, nickname):
    """A function ``register(klass, name=None)`` that files subclasses of
    ``base_class`` under ``name`` (default: the class name), lower-cased.

    ``nickname`` names the kind of object in messages (``"initializer"``). Registering
    a name twice replaces the first class, with a ``UserWarning``.

    Differs from MXNet: registering a class that is not a subclass raises ``TypeError``
    (MXNet: ``AssertionError``).
    """
    table = _table(base_class)

    def register(klass, name=None):
        if not (isinstance(klass, type) and issubclass(klass, base_class)):
            raise TypeError(f"Can only register subclass of {base_class.__name__}, "
                            f"got {klass!r}")
        name = (name or klass.__name__).lower()
        if name in table:
            old = table[name]
            warnings.warn(f"New {nickname} {klass.__module__}.{klass.__name__} "
                          f"registered with name {name} is overriding existing "
                          f"{nickname} {old.__module__}.{old.__name__}",
                          UserWarning, stacklevel=2)
        table[name] = klass
        return klass

    register.__doc__ = f"Register {nickname} to the {nickname} factory"
    return register


def get_alias_func(base_class, nickname):
    """A class decorator factory ``alias(*names)`` registering a class under more
    names (``@alias('zeros')``)."""
    register = get_register_func(base_class, nickname)

    def alias(*aliases):
        def decorate(klass):
            for name in aliases:
                register(klass, name)
            return klass
        return decorate

    return alias


def get_create_func(base_class, nickname):
    """A function ``create(name_or_instance, *args, **kwargs)`` for ``base_class``.

    The first argument (or the keyword named ``nickname``) is an instance (returned
    unchanged), a registered name, a dict of keyword arguments, or JSON text:
    ``'["name", {kwargs}]'`` or ``'{"nickname": "name", ...}'``.

    Differs from MXNet: mistakes raise ``ValueError``/``TypeError`` naming the
    registered names (MXNet: ``AssertionError``).
    """
    table = _table(base_class)

    def create(*args, **kwargs):
        if args:
            name, args = args[0], args[1:]
        elif nickname in kwargs:
            name = kwargs.pop(nickname)
        else:
            raise TypeError(f"create: give the {nickname} name as the first argument "
                            f"or as {nickname}=...")
        if isinstance(name, base_class):
            if args or kwargs:
                raise ValueError(f"{nickname} is already an instance. Additional "
                                 "arguments are invalid")
            return name
        if isinstance(name, dict):
            return create(**name)
        if not isinstance(name, str):
            raise TypeError(f"{nickname} must be of string type, got "
                            f"{type(name).__name__}")
        if name.startswith("["):      # JSON: parsed as data, never evaluated
            name, json_kwargs = json.loads(name)
            return create(name, *args, **json_kwargs, **kwargs)
        if name.startswith("{"):
            return create(**json.loads(name))
        klass = table.get(name.lower())
        if klass is None:
            raise ValueError(f"{name.lower()} is not registered. Please register with "
                             f"{nickname}.register first; registered: {sorted(table)}")
        return klass(*args, **kwargs)

    create.__doc__ = (f"Create a {nickname} instance from a name, a dict, JSON text "
                      f"or a {base_class.__name__} instance (returned as is).")
    return create
