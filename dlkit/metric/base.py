"""The metric base class, the registry, composite and custom metrics.

``mx.metric``: evaluation metrics that accumulate over batches.

A metric is a running average. Each ``update(labels, preds)`` (lists of NDArrays, one
per output) adds to ``sum_metric`` and ``num_inst``; ``get()`` returns
``(name, sum_metric / num_inst)``::

    metric = mx.metric.create("acc")
    for batch in train_iter:            reset()        -> both counters 0
        ...                             update(...)    -> local and global grow
        metric.update(labels, preds)    reset_local()  -> local counters 0, global kept
    name, value = metric.get()          get_global()   -> average since the last reset()

The *global* counters let a callback such as ``Speedometer`` report and ``reset_local``
every few batches while ``fit`` still reports the whole epoch through ``get_global``.
Metrics compute on NumPy copies (``asnumpy()``), as MXNet's Python metrics do.
"""
import numpy

from ..ndarray import NDArray

__all__ = ["EvalMetric", "CompositeEvalMetric", "CustomMetric", "np", "create",
           "register", "alias", "check_label_shapes"]

_REGISTRY = {}


def register(klass, name=None):
    """Register a metric class under ``name`` (default: its lower-cased class name)."""
    _REGISTRY[(name or klass.__name__).lower()] = klass
    return klass


def alias(*aliases):
    """Class decorator: register the class under more names (``@alias('acc')``)."""
    def decorate(klass):
        for name in aliases:
            register(klass, name)
        return klass
    return decorate


def create(metric, *args, **kwargs):
    """A metric from a registered name, a callable ``feval(label, pred)``, a metric
    instance (returned as is) or a list of any of these (a ``CompositeEvalMetric``).

    Differs from MXNet: an unknown name raises ``ValueError`` listing the registered
    names (MXNet raises ``AssertionError``).

    Example
    -------
    >>> mx.metric.create(["acc", "ce"]).get()
    (['accuracy', 'cross-entropy'], [nan, nan])
    """
    if callable(metric) and not isinstance(metric, EvalMetric):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, EvalMetric):
        return metric
    if isinstance(metric, list):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    if not isinstance(metric, str):
        raise ValueError(f"metric must be a name, a callable, an EvalMetric or a list, "
                         f"got {type(metric).__name__}")
    klass = _REGISTRY.get(metric.lower())
    if klass is None:
        raise ValueError(f"{metric} is not registered. Please register with "
                         "metric.register first; registered metrics are "
                         f"{sorted(_REGISTRY)}")
    return klass(*args, **kwargs)


def check_label_shapes(labels, preds, wrap=False, shape=False):
    """Raise ``ValueError`` unless labels and preds have the same count (or shape);
    with ``wrap``, single NDArrays become one-element lists."""
    if shape:
        label_shape, pred_shape = labels.shape, preds.shape
    else:
        label_shape, pred_shape = len(labels), len(preds)
    if label_shape != pred_shape:
        raise ValueError(f"Shape of labels {label_shape} does not match shape of "
                         f"predictions {pred_shape}")
    if wrap:
        labels = [labels] if isinstance(labels, NDArray) else labels
        preds = [preds] if isinstance(preds, NDArray) else preds
    return labels, preds


def _host(array):
    """A NumPy copy of an NDArray (NumPy input passes through)."""
    return array.asnumpy() if isinstance(array, NDArray) else numpy.asarray(array)


class EvalMetric:
    """Base class: a named running average with local and global counters.

    Parameters
    ----------
    name : str
        Name shown by ``get()``.
    output_names, label_names : list of str or None
        Which outputs/labels ``update_dict`` picks (None: all, in order).
    """

    def __init__(self, name, output_names=None, label_names=None, **kwargs):
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop("has_global_stats", False)
        self._kwargs = kwargs
        self.reset()

    def __str__(self):
        return f"EvalMetric: {dict(self.get_name_value())}"

    def get_config(self):
        """The constructor arguments, so ``create(**config)`` rebuilds the metric."""
        config = dict(self._kwargs)
        config.update({"metric": self.__class__.__name__, "name": self.name,
                       "output_names": self.output_names,
                       "label_names": self.label_names})
        return config

    def update_dict(self, label, pred):
        """``update`` from dicts name -> NDArray, picking ``label_names`` and
        ``output_names`` (all values, in order, when those are None)."""
        preds = list(pred.values())
        if self.output_names is not None:
            preds = [pred[name] for name in self.output_names]
        labels = list(label.values())
        if self.label_names is not None:
            labels = [label[name] for name in self.label_names]
        self.update(labels, preds)

    def update(self, labels, preds):
        """Add one batch: ``labels`` and ``preds`` are lists of NDArrays."""
        raise NotImplementedError()

    def reset(self):
        """Zero the local and the global counters."""
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self):
        """Zero the local counters only (the global average goes on)."""
        self.num_inst = 0
        self.sum_metric = 0.0

    def _add(self, value, count):
        """Add ``value`` over ``count`` instances to both the local and global sums."""
        self.sum_metric += value
        self.global_sum_metric += value
        self.num_inst += count
        self.global_num_inst += count

    def get(self):
        """``(name, value)``; the value is NaN before any update."""
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self.sum_metric / self.num_inst)

    def get_global(self):
        """``(name, value)`` averaged since the last ``reset()``."""
        if not self._has_global_stats:
            return self.get()
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self.global_sum_metric / self.global_num_inst)

    def get_name_value(self):
        """``[(name, value), ...]``: one pair per value (composites give several)."""
        return _pairs(self.get())

    def get_global_name_value(self):
        """Like ``get_name_value`` for the global average."""
        return _pairs(self.get_global())


def _pairs(name_value):
    name, value = name_value
    if not isinstance(name, list):
        name, value = [name], [value]
    return list(zip(name, value))


@register
@alias("composite")
class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; ``get()`` returns lists of names and values."""

    def __init__(self, metrics=None, name="composite", output_names=None,
                 label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.metrics = [create(m) for m in (metrics or [])]

    def add(self, metric):
        """Add a child metric (anything ``create`` accepts)."""
        self.metrics.append(create(metric))

    def get_metric(self, index):
        """The child at ``index``.

        Differs from MXNet: a bad index raises ``ValueError`` (MXNet returns it).
        """
        if not 0 <= index < len(self.metrics):
            raise ValueError(f"Metric index {index} is out of range 0 and "
                             f"{len(self.metrics)}")
        return self.metrics[index]

    def update_dict(self, labels, preds):
        if self.label_names is not None:
            labels = {name: labels[name] for name in self.label_names}
        if self.output_names is not None:
            preds = {name: preds[name] for name in self.output_names}
        for metric in self.metrics:
            metric.update_dict(labels, preds)

    def update(self, labels, preds):
        for metric in self.metrics:
            metric.update(labels, preds)

    def reset(self):
        for metric in getattr(self, "metrics", []):
            metric.reset()

    def reset_local(self):
        for metric in self.metrics:
            metric.reset_local()

    def get(self):
        return self._collect(lambda metric: metric.get())

    def get_global(self):
        return self._collect(lambda metric: metric.get_global())

    def _collect(self, getter):
        names, values = [], []
        for metric in self.metrics:
            name, value = getter(metric)
            names.extend(name if isinstance(name, list) else [name])
            values.extend(value if isinstance(value, list) else [value])
        return (names, values)

    def get_config(self):
        config = super().get_config()
        config["metrics"] = [metric.get_config() for metric in self.metrics]
        return config


@register
class CustomMetric(EvalMetric):
    """A metric from ``feval(label, pred) -> value`` or ``-> (sum, count)`` on NumPy
    arrays; the name defaults to the function's (``custom(<lambda>)`` for lambdas)."""

    def __init__(self, feval, name=None, allow_extra_outputs=False, output_names=None,
                 label_names=None):
        if name is None:
            name = feval.__name__
            if "<" in name:
                name = f"custom({name})"
        super().__init__(name, feval=feval, allow_extra_outputs=allow_extra_outputs,
                         output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels, preds):
        if not self._allow_extra_outputs:
            labels, preds = check_label_shapes(labels, preds, True)
        for pred, label in zip(preds, labels):
            result = self._feval(_host(label), _host(pred))
            if isinstance(result, tuple):
                self._add(result[0], result[1])
            else:
                self._add(result, 1)

    def get_config(self):
        raise NotImplementedError("CustomMetric cannot be serialized")


def np(numpy_feval, name=None, allow_extra_outputs=False):
    """A ``CustomMetric`` from a NumPy function ``feval(label, pred)``.

    Example
    -------
    >>> def mean_error(label, pred):
    ...     return abs(label - pred).mean()
    >>> metric = mx.metric.np(mean_error)
    """
    def feval(label, pred):
        return numpy_feval(label, pred)
    feval.__name__ = numpy_feval.__name__
    return CustomMetric(feval, name, allow_extra_outputs)
