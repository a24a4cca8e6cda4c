"""``History``: records epoch results; ``fit`` returns it."""

from __future__ import annotations

from typing import Any

from kcore.callbacks.callback import Callback, Logs


class History(Callback):
    """Records the logs of every epoch (``keras.callbacks.History``).

    Attributes:
        history: metric name -> list of per-epoch values.
        epoch: the epoch indices seen in the last ``fit``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[Any]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: Logs = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self._model is not None:  # no state sync needed just to set an attribute
            self._model.history = self
