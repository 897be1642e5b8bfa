"""``gluon.Trainer``: apply an ``mx.optimizer`` to a set of Parameters.

One training step::

    with autograd.record():
        loss = loss_fn(net(X), y)
    loss.backward()            # fills every parameter's .grad (and marks it fresh)
    trainer.step(batch_size)   # 1. allreduce: sum gradients over contexts
                               # 2. update: optimizer.update(weight, grad / batch_size)

With parameters on several contexts (``split_and_load``) each context holds a copy of
every weight; the gradients are summed over the copies, the optimizer updates the first
copy once (so step counts such as Adam's are per step, not per context), and the other
copies receive the result.

Differs from MXNet: there is no KVStore between the trainer and the optimizer; summing
over contexts is done here (what MXNet's 'device' KVStore computes), and ``kvstore``,
``compression_params`` and ``update_on_kvstore`` are accepted but do not change the
result.
"""
from .. import optimizer as opt
from ..base import MXNetError
from ..fileio import write_atomically
from .parameter import Parameter
from .parameter_dict import ParameterDict

__all__ = ["Trainer"]


class Trainer:
    """Updates Parameters with an optimizer (MXNet's ``gluon.Trainer``).

    Parameters
    ----------
    params : ParameterDict, dict or list of Parameter
        A dict is taken in sorted-name order (the optimizer's index order, as MXNet).
    optimizer : str or Optimizer
        ``'sgd'``, ``'adam'`` ... or an Optimizer instance.
    optimizer_params : dict
        Arguments for the optimizer: ``{'learning_rate': 0.1, 'wd': 1e-4}``.

    Example
    -------
    >>> trainer = mx.gluon.Trainer(net.collect_params(), 'sgd',
    ...                            {'learning_rate': 0.1})  # doctest: +SKIP
    """

    def __init__(self, params, optimizer, optimizer_params=None, kvstore="device",
                 compression_params=None, update_on_kvstore=None):
        if isinstance(params, (dict, ParameterDict)):
            params = [params[key] for key in sorted(params.keys())]
        if not isinstance(params, (list, tuple)):
            raise ValueError("First argument must be a list or dict of Parameters, got "
                             f"{type(params)}.")
        self._params = []
        self._param2idx = {}
        for index, param in enumerate(params):
            if not isinstance(param, Parameter):
                raise ValueError("First argument must be a list or dict of Parameters, "
                                 f"got list of {type(param)}.")
            self._param2idx[param.name] = index
            self._params.append(param)
        self._kvstore_params = {"kvstore": kvstore,
                                "update_on_kvstore": update_on_kvstore}
        self._compression_params = compression_params
        self._init_optimizer(optimizer, optimizer_params or {})
        self._scale = self._optimizer.rescale_grad
        self._contexts = None

    def _init_optimizer(self, optimizer, optimizer_params):
        param_dict = dict(enumerate(self._params))
        if isinstance(optimizer, opt.Optimizer):
            if optimizer_params:
                raise MXNetError("optimizer_params must be None if optimizer is an "
                                 "instance of Optimizer instead of str")
            self._optimizer = optimizer
            self._optimizer.param_dict = param_dict
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict,
                                         **optimizer_params)
        self._updater = opt.get_updater(self._optimizer)

    def _check_contexts(self):
        contexts = None
        for param in self._params:
            param_contexts = param.list_ctx()
            if contexts is not None and contexts != param_contexts:
                raise MXNetError(
                    "All Parameters must be initialized on the same set of contexts, "
                    f"but Parameter {param.name} is initialized on {param_contexts} "
                    f"while previous Parameters are initialized on {contexts}.")
            contexts = param_contexts
        return contexts

    @property
    def learning_rate(self):
        """The optimizer's current learning rate."""
        return self._optimizer.learning_rate

    @property
    def optimizer(self):
        return self._optimizer

    def set_learning_rate(self, lr):
        """Change the learning rate, e.g.
        ``trainer.set_learning_rate(trainer.learning_rate * 0.1)``."""
        self._optimizer.set_learning_rate(lr)

    def step(self, batch_size, ignore_stale_grad=False):
        """One update: gradients are scaled by ``1/batch_size`` (the loss is a sum over
        the batch), summed over contexts, then applied by the optimizer."""
        self._optimizer.rescale_grad = self._scale / batch_size
        self._allreduce_grads()
        self._update(ignore_stale_grad)

    def allreduce_grads(self):
        """Sum each parameter's gradients over its contexts (for use with
        ``update``, e.g. to clip the gradients in between)."""
        self._allreduce_grads()

    def update(self, batch_size, ignore_stale_grad=False):
        """Apply the optimizer after ``allreduce_grads`` (``step`` does both)."""
        self._optimizer.rescale_grad = self._scale / batch_size
        self._update(ignore_stale_grad)

    def _allreduce_grads(self):
        self._contexts = self._check_contexts()
        for param in self._params:
            if param.grad_req == "null":
                continue
            grads = param.list_grad()
            if len(grads) == 1:
                continue
            total = grads[0].copyto(grads[0].context)
            for grad in grads[1:]:
                total += grad.as_in_context(total.context)
            for grad in grads:
                grad[:] = total.as_in_context(grad.context)

    def _update(self, ignore_stale_grad=False):
        for index, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            if not ignore_stale_grad:
                for data in param.list_data():
                    if not data._fresh_grad:
                        raise MXNetError(
                            f"Gradient of Parameter `{param.name}` on context "
                            f"{data.context} has not been updated by backward since "
                            "last `step`. This could mean a bug in your model that "
                            "made it only use a subset of the Parameters (Blocks) for "
                            "this iteration. If you are intentionally only using a "
                            "subset, call step with ignore_stale_grad=True to suppress "
                            "this warning and skip updating of Parameters with stale "
                            "gradient")
            copies = param.list_data()
            if ignore_stale_grad and not copies[0]._fresh_grad:
                continue
            self._updater(index, param.list_grad()[0], copies[0])
            for data in copies:
                data._fresh_grad = False
            for data in copies[1:]:
                data[:] = copies[0].as_in_context(data.context)

    def save_states(self, fname):
        """Write the optimizer states (and the optimizer) to a file."""
        write_atomically(fname, self._updater.get_states(dump_optimizer=True))

    def load_states(self, fname):
        """Read states written by ``save_states``."""
        with open(fname, "rb") as handle:
            self._updater.set_states(handle.read())
        self._optimizer = self._updater.optimizer
        self._optimizer.param_dict = dict(enumerate(self._params))
