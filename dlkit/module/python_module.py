"""PythonModule: a module whose computation is written in Python, not as a Symbol.

It has no parameters and no optimizer (those calls do nothing), so it fits at the
end of a ``SequentialModule`` as a hand-written loss::

    SequentialModule:  Module(FC ...) --scores--> PythonLossModule(grad_func)
                                     <--d scores-- grad_func(scores, labels)

A subclass defines ``_compute_output_shapes`` (called by ``bind``), ``forward``,
``get_outputs``, ``backward`` and ``get_input_grads``; ``PythonLossModule`` is the
ready-made one.
"""
import logging

from ..initializer import Uniform
from ..ndarray.ndarray import NDArray, array
from .base_module import BaseModule

__all__ = ["PythonModule", "PythonLossModule"]


class PythonModule(BaseModule):
    """Base class of modules computed in Python (no parameters).

    Parameters
    ----------
    data_names : list of str
    label_names : list of str or None
    output_names : list of str
    logger : logging.Logger

    Differs from MXNet: ``bind``, ``init_params`` and ``init_optimizer`` set
    ``binded``/``params_initialized``/``optimizer_initialized`` (MXNet leaves them
    False, so its ``score`` and ``predict`` refuse a bound PythonModule), and
    ``label_names`` exists as on ``Module``.
    """

    def __init__(self, data_names, label_names, output_names, logger=logging):
        super().__init__(logger=logger)
        if isinstance(data_names, tuple):
            data_names = list(data_names)
        if isinstance(label_names, tuple):
            label_names = list(label_names)
        self._data_names = data_names
        self._label_names = label_names
        self._output_names = output_names
        self._data_shapes = None
        self._label_shapes = None
        self._output_shapes = None

    @property
    def data_names(self):
        return self._data_names

    @property
    def label_names(self):
        return self._label_names or []

    @property
    def output_names(self):
        return self._output_names

    @property
    def data_shapes(self):
        return self._data_shapes

    @property
    def label_shapes(self):
        return self._label_shapes

    @property
    def output_shapes(self):
        return self._output_shapes

    # ---- no parameters, no optimizer ----
    def get_params(self):
        """``({}, {})``: a Python module has no parameters."""
        return {}, {}

    def init_params(self, initializer=Uniform(0.01), arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        """Nothing to initialize (marks the module initialized)."""
        self.params_initialized = True

    def init_optimizer(self, kvstore="local", optimizer="sgd",
                       optimizer_params=(("learning_rate", 0.01),), force_init=False):
        """Nothing to optimize (marks the optimizer initialized)."""
        self.optimizer_initialized = True

    def update(self):
        """Nothing to update."""

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """Evaluate ``eval_metric`` on the outputs (skipped when bound without
        labels)."""
        if self._label_shapes is None:
            return  # no labels: not a loss or prediction module, nothing to score
        if pre_sliced:
            raise RuntimeError("PythonModule does not support presliced labels")
        eval_metric.update(labels, self.get_outputs())

    # ---- bind ----
    def bind(self, data_shapes, label_shapes=None, for_training=True,
             inputs_need_grad=False, force_rebind=False, shared_module=None,
             grad_req="write"):
        """Record the shapes and compute the output shapes."""
        if self.binded and not force_rebind:
            self.logger.warning("Already bound, ignoring bind()")
            return
        if grad_req != "write":
            raise AssertionError("Python module only support write gradient")
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        given = [desc[0] for desc in data_shapes]
        if given != self._data_names:
            raise AssertionError(f"PythonModule.bind: data_shapes name {given}, the "
                                 f"module's data_names are {self._data_names}")
        self._data_shapes = data_shapes
        self._label_shapes = label_shapes
        if label_shapes is not None:
            given = [desc[0] for desc in label_shapes]
            if self._label_names is None or given != self._label_names:
                raise AssertionError(f"PythonModule.bind: label_shapes name {given}, "
                                     f"the module's label_names are "
                                     f"{self._label_names}")
        self._output_shapes = self._compute_output_shapes()
        self.binded = True

    def _compute_output_shapes(self):
        """``[(name, shape)]`` of the outputs, from ``self._data_shapes``."""
        raise NotImplementedError()


class PythonLossModule(PythonModule):
    """A loss written in Python: the output is the input scores unchanged, and the
    gradient sent back is ``grad_func(scores, labels)``.

    Parameters
    ----------
    name : str
        The output is named ``<name>_output``.
    data_names, label_names : one name each
    grad_func : callable
        ``grad_func(scores, labels) -> gradient`` (an NDArray or array-like).

    Example
    -------
    >>> def grad(scores, labels):
    ...     return scores - mx.nd.one_hot(labels, scores.shape[1])
    >>> seq = mx.mod.SequentialModule()
    >>> seq.add(mx.mod.Module(net, label_names=None))
    >>> seq.add(mx.mod.PythonLossModule(grad_func=grad), take_labels=True,
    ...         auto_wiring=True)
    """

    def __init__(self, name="pyloss", data_names=("data",),
                 label_names=("softmax_label",), logger=logging, grad_func=None):
        super().__init__(data_names, label_names, [name + "_output"], logger=logger)
        self._name = name
        if len(data_names) != 1 or len(label_names) != 1:
            raise AssertionError("PythonLossModule takes exactly one data and one "
                                 "label name")
        self._scores = None
        self._labels = None
        self._scores_grad = None
        if grad_func is not None and not callable(grad_func):
            raise AssertionError("PythonLossModule: grad_func must be callable")
        self._grad_func = grad_func

    def _compute_output_shapes(self):
        return [(self._name + "_output", self._data_shapes[0][1])]

    def forward(self, data_batch, is_train=None):
        """Keep the scores (and, in training, the labels)."""
        self._scores = data_batch.data[0]
        if is_train is None:
            is_train = self.for_training
        if is_train:
            self._labels = data_batch.label[0]

    def get_outputs(self, merge_multi_context=True):
        if merge_multi_context is not True:
            raise AssertionError("PythonLossModule: merge_multi_context must be True")
        return [self._scores]

    def backward(self, out_grads=None):
        """Compute the scores' gradient with ``grad_func``."""
        if out_grads is not None:
            raise AssertionError("For a loss module, out_grads should be None")
        if not self.for_training:
            raise AssertionError("PythonLossModule.backward: bind with "
                                 "for_training=True")
        self._backward_impl()

    def _backward_impl(self):
        """``grad_func(scores, labels)``; override it instead of passing
        ``grad_func``."""
        if self._grad_func is None:
            raise NotImplementedError()
        grad = self._grad_func(self._scores, self._labels)
        if not isinstance(grad, NDArray):
            grad = array(grad)
        self._scores_grad = grad

    def get_input_grads(self, merge_multi_context=True):
        if merge_multi_context is not True:
            raise AssertionError("PythonLossModule: merge_multi_context must be True")
        return [self._scores_grad]

    def install_monitor(self, mon):
        raise NotImplementedError()
