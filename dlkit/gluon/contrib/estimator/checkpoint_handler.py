"""``CheckpointHandler``: save (and resume from) the model while the Estimator trains.

Files written in ``model_dir``, for ``model_prefix='model'``::

    model-symbol.json               after the first batch, if the net is hybridized
    model-epoch{E}batch{B}.params   net.save_parameters
    model-epoch{E}batch{B}.states   trainer.save_states
    model-best.params / .states     with save_best, whenever ``monitor`` improves

E counts finished epochs and B counts batches over the whole run (it is not reset at
each epoch), as MXNet 1.9.1 numbers them: the checkpoint saved at the end of the first
epoch of 3 batches is ``model-epoch0batch3`` (B already counts that epoch's batches),
one saved by ``batch_period=2`` in that epoch is ``model-epoch0batch1``. Only the
newest ``max_checkpoints`` numbered checkpoints are kept.
"""
import os
import warnings

import numpy as np

from ....metric import EvalMetric
from .events import BatchEnd, EpochEnd, TrainBegin
from .utils import _comparison

__all__ = ["CheckpointHandler"]


class CheckpointHandler(TrainBegin, BatchEnd, EpochEnd):
    """Saves parameters and trainer states every ``epoch_period`` epochs and/or every
    ``batch_period`` batches.

    Parameters
    ----------
    model_dir : str
        Folder for the files (created if missing).
    model_prefix : str, default 'model'
    monitor : EvalMetric
        A metric of ``estimator.train_metrics``/``val_metrics``; needed by save_best.
    verbose : int, default 0
        1 logs every save.
    save_best : bool, default False
        Also keep ``<prefix>-best`` for the best value of ``monitor``.
    mode : {'auto', 'min', 'max'}
        How ``monitor`` improves ('auto' always means 'max' in MXNet 1.9.1).
    epoch_period, batch_period : int or None
    max_checkpoints : int, default 5
    resume_from_checkpoint : bool, default False
        At train begin, load the newest checkpoint in ``model_dir`` and train only the
        remaining epochs (or batches).

    Differs from MXNet: the warning for a monitor that was never updated is formatted
    (MXNet 1.9.1 shows the message and the name as a tuple).

    Example
    -------
    >>> est.fit(train_data, epochs=2, event_handlers=[
    ...     CheckpointHandler('checkpoints', max_checkpoints=2)])   # doctest: +SKIP
    """

    def __init__(self, model_dir, model_prefix="model", monitor=None, verbose=0,
                 save_best=False, mode="auto", epoch_period=1, batch_period=None,
                 max_checkpoints=5, resume_from_checkpoint=False):
        self.monitor = monitor
        self.verbose = verbose
        os.makedirs(model_dir, exist_ok=True)
        self.model_dir = model_dir
        self.model_prefix = model_prefix
        self.save_best = save_best
        if self.save_best and not isinstance(self.monitor, EvalMetric):
            raise ValueError("To save best model only, please provide one of the "
                             "metric objects from estimator.train_metrics and "
                             "estimator.val_metrics as monitor.")
        self.epoch_period = epoch_period
        self.batch_period = batch_period
        self.current_batch = 0
        self.current_epoch = 0
        self.max_checkpoints = max_checkpoints
        self.resume_from_checkpoint = resume_from_checkpoint
        self.saved_checkpoints = []
        if self.save_best:
            self.monitor_op = _comparison("ModelCheckpoint", mode, monitor)
            self.best = self._worst()

    def _worst(self):
        return np.inf if self.monitor_op is np.less else -np.inf

    # ---- events ----
    def train_begin(self, estimator, *args, **kwargs):
        self.current_epoch = 0
        self.current_batch = 0
        if self.save_best:
            self.best = self._worst()
        if self.resume_from_checkpoint:
            self._check_periods_for_resume(estimator)
            self._resume_from_checkpoint(estimator)

    def batch_end(self, estimator, *args, **kwargs):
        if self.current_batch == 0:
            self._save_symbol(estimator)
        if self.batch_period and (self.current_batch + 1) % self.batch_period == 0:
            self._save_checkpoint(estimator)
        self.current_batch += 1

    def epoch_end(self, estimator, *args, **kwargs):
        if self.epoch_period and (self.current_epoch + 1) % self.epoch_period == 0:
            self._save_checkpoint(estimator)
        self.current_epoch += 1

    # ---- saving ----
    def _save_checkpoint(self, estimator):
        epoch, batch = self.current_epoch, self.current_batch
        if self.resume_from_checkpoint:
            # continue the numbering of the checkpoint training resumed from
            epoch = self.current_epoch + self.trained_epoch + 1
            batch = self.current_batch + self.trained_batch
            if not estimator.max_epoch:
                batch += 1
        prefix = f"{self.model_prefix}-epoch{epoch}batch{batch}"
        self._save_params_and_trainer(estimator, prefix)
        if self.verbose > 0:
            estimator.logger.info("[Epoch %d] CheckpointHandler: trained total %d "
                                  "batches, saving model at %s with prefix: %s",
                                  self.current_epoch, self.current_batch + 1,
                                  self.model_dir, prefix)
        if self.save_best:
            self._save_if_best(estimator)

    def _save_if_best(self, estimator):
        name, value = self.monitor.get()
        if np.isnan(value):
            warnings.warn(RuntimeWarning(
                f"Skipping save best because {name} is not updated, make sure you pass "
                "one of the metric objects estimator.train_metrics and "
                "estimator.val_metrics as monitor"))
        elif self.monitor_op(value, self.best):
            prefix = self.model_prefix + "-best"
            self._save_params_and_trainer(estimator, prefix)
            self.best = value
            if self.verbose > 0:
                # MXNet 1.9.1 updates best before logging, so both numbers are new
                estimator.logger.info("[Epoch %d] CheckpointHandler: %s improved from "
                                      "%0.5f to %0.5f, updating best model at %s with "
                                      "prefix: %s", self.current_epoch, name,
                                      self.best, value, self.model_dir, prefix)
        elif self.verbose > 0:
            # MXNet 1.9.1 prints the batch count as the "epoch" here
            estimator.logger.info("[Epoch %d] CheckpointHandler: %s did not improve "
                                  "from %0.5f, skipping updating best model",
                                  self.current_batch, name, self.best)

    def _save_symbol(self, estimator):
        symbol_file = os.path.join(self.model_dir, self.model_prefix + "-symbol.json")
        graph = getattr(estimator.net, "_cached_graph", None)
        if graph is not None:
            graph.output.save(symbol_file)
        else:
            estimator.logger.info(
                "Model architecture(symbol file) is not saved, please use HybridBlock "
                "to construct your model, and call net.hybridize() before passing to "
                "Estimator in order to save model architecture as %s.", symbol_file)

    def _save_params_and_trainer(self, estimator, file_prefix):
        path = os.path.join(self.model_dir, file_prefix)
        estimator.net.save_parameters(path + ".params")
        estimator.trainer.save_states(path + ".states")
        if "best" in file_prefix:
            return
        self.saved_checkpoints.append(file_prefix)
        if len(self.saved_checkpoints) > self.max_checkpoints:
            oldest = self.saved_checkpoints.pop(0)
            for name in os.listdir(self.model_dir):
                if name.startswith(oldest):
                    os.remove(os.path.join(self.model_dir, name))

    # ---- resuming ----
    def _check_periods_for_resume(self, estimator):
        """Resuming needs checkpoints counted like the training (epochs or batches)."""
        message = ("To use resume from checkpoint, you must only specify the same type "
                   "of period you used for training.For example, if you are training "
                   "based on number of epochs,you must save only based on epochs, and "
                   "set batch_period to None.")
        if estimator.max_batch:
            assert self.batch_period, message
            assert not self.epoch_period, message
        if estimator.max_epoch:
            assert self.epoch_period, message
            assert not self.batch_period, message

    def _resume_from_checkpoint(self, estimator):
        """Find the newest ``<prefix>-epoch{E}batch{B}``, load it, shorten the run."""
        prefix = self.model_prefix + "-epoch"
        self.trained_epoch = self._find_max_iteration(prefix, "epoch", "batch")
        self.trained_batch = self._find_max_iteration(
            prefix + str(self.trained_epoch), "batch", ".params")
        # MXNet 1.9.1 does not add the checkpoints found here to saved_checkpoints, so
        # they never count toward max_checkpoints
        if self.trained_epoch == -1:
            if estimator.max_batch:
                remaining = f"{estimator.max_batch} batches"
            else:
                remaining = f"{estimator.max_epoch} epochs"
            estimator.logger.info("CheckpointHandler: No checkpoint found, training "
                                  "from scratch for " + remaining)
            return
        message = (f"CheckpointHandler: Checkpoint resumed from epoch "
                   f"{self.trained_epoch} batch {self.trained_batch}, continue to "
                   "train for ")
        if estimator.max_epoch:
            if self.trained_epoch >= estimator.max_epoch - 1:
                raise ValueError(
                    "Found checkpoint with maximum number of epoch "
                    f"{estimator.max_epoch} reached, please specify "
                    "resume_from_checkpoint=False (default value) if you wan to train "
                    "from scratch.")
            estimator.max_epoch = estimator.max_epoch - self.trained_epoch - 1
            message += f"{estimator.max_epoch} epochs "
        if estimator.max_batch:
            if self.trained_batch >= estimator.max_batch - 1:
                raise ValueError(
                    "Found checkpoint with maximum number of batch "
                    f"{self.trained_batch} reached, please specify"
                    "resume_from_checkpoint=False (default value) if you wan to train "
                    "from scratch.")
            estimator.max_batch = estimator.max_batch - self.trained_batch - 1
            message += f"{estimator.max_batch} batches "
        self._load_checkpoint(estimator)
        estimator.logger.warning(message)

    def _load_checkpoint(self, estimator):
        name = f"{self.model_prefix}-epoch{self.trained_epoch}batch{self.trained_batch}"
        param_file = os.path.join(self.model_dir, name + ".params")
        trainer_file = os.path.join(self.model_dir, name + ".states")
        assert os.path.exists(param_file), \
            f"Failed to load checkpoint, {param_file} does not exist"
        assert os.path.exists(trainer_file), \
            f"Failed to load checkpoint, {trainer_file} does not exist"
        estimator.net.load_parameters(param_file, ctx=estimator.context)
        estimator.trainer.load_states(trainer_file)

    def _find_max_iteration(self, prefix, start, end):
        """The largest number between ``start`` and ``end`` in the names of the
        ``.params`` files that begin with ``prefix`` (-1 when there is none)."""
        largest = -1
        for name in os.listdir(self.model_dir):
            if not (name.startswith(prefix) and ".params" in name):
                continue
            try:
                number = int(name[name.find(start) + len(start):name.find(end)])
            except ValueError:
                raise ValueError(
                    "Error parsing checkpoint file, please check your checkpoints have "
                    "the format: {model_name}-epoch{epoch_number}batch{batch_number}"
                    ".params, there should also be a .states file for each .params "
                    "file ") from None
            largest = max(largest, number)
        return largest
