"""``EarlyStopping``: stops training when a metric stops improving."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from kcore.callbacks.callback import Logs
from kcore.callbacks.monitor_callback import MonitorCallback
from kcore.utils.progbar import print_msg


class EarlyStopping(MonitorCallback):
    """Stops ``fit`` when ``monitor`` has not improved for ``patience`` epochs
    (``keras.callbacks.EarlyStopping``).

    Args:
        monitor: the log key to watch.
        min_delta: smallest absolute change that counts as an improvement.
        patience: epochs without improvement before stopping.
        verbose: 1 prints a line when stopping / restoring.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        baseline: the value to beat; training stops after ``patience`` epochs
            without beating it.
        restore_best_weights: at the end of training, set the weights from the best
            epoch (via ``model.get_weights()`` / ``model.set_weights()``).
        start_from_epoch: epochs of warm-up that are not monitored.

    The model stops through ``model.stop_training = True``.
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: float | None = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights: list[np.ndarray] | None = None
        self.best_epoch = 0

    def on_train_begin(self, logs: Logs = None) -> None:
        # Reusable across fit() calls.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def _snapshot(self) -> list[np.ndarray]:
        # Copies: a backend may hand out views of buffers that later steps update in place.
        return [np.array(w, copy=True) for w in self.model.get_weights()]

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self._snapshot()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self._snapshot()
            # Patience restarts only when the baseline is beaten too.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: Logs = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs: Logs) -> Any:
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs)}",
                stacklevel=2,
            )
        return value
