"""``Callback``: the base class of training/evaluation/prediction hooks."""

from __future__ import annotations

from typing import Any

Logs = dict[str, Any] | None


class Callback:
    """Base class for callbacks (``keras.callbacks.Callback``).

    Subclasses override any of the ``on_*`` hooks. ``self.model`` is the model being
    trained (set through ``set_model``) and ``self.params`` the run parameters
    (``{"verbose": ..., "epochs": ..., "steps": ...}``, set through ``set_params``).
    Batch hooks receive the batch index within the epoch; epoch hooks the 0-based
    epoch index; ``logs`` holds Python floats keyed by metric name.

    ``on_train_batch_begin`` / ``on_train_batch_end`` forward to
    ``on_batch_begin`` / ``on_batch_end`` unless overridden.
    """

    def __init__(self) -> None:
        self.params: dict[str, Any] | None = None
        self._model: Any = None

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self._model = model

    @property
    def model(self) -> Any:
        """The model; a model exposing ``_sync_state()`` is synced before it is handed out
        (trainers that keep state outside the variables between steps)."""
        sync = getattr(self._model, "_sync_state", None)
        if sync is not None:
            sync()
        return self._model

    # Generic batch hooks (training batches forward here).
    def on_batch_begin(self, batch: int, logs: Logs = None) -> None:
        """Called at the start of a training batch (alias of ``on_train_batch_begin``)."""

    def on_batch_end(self, batch: int, logs: Logs = None) -> None:
        """Called at the end of a training batch (alias of ``on_train_batch_end``)."""

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        """Called at the start of an epoch (training only)."""

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        """Called at the end of an epoch; ``logs`` has the training and ``val_`` results."""

    def on_train_batch_begin(self, batch: int, logs: Logs = None) -> None:
        """Called at the start of a training batch in ``fit``."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: Logs = None) -> None:
        """Called at the end of a training batch in ``fit``; ``logs`` has the running metrics."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: Logs = None) -> None:
        """Called at the start of a batch in ``evaluate`` (and validation in ``fit``)."""

    def on_test_batch_end(self, batch: int, logs: Logs = None) -> None:
        """Called at the end of a batch in ``evaluate`` (and validation in ``fit``)."""

    def on_predict_batch_begin(self, batch: int, logs: Logs = None) -> None:
        """Called at the start of a batch in ``predict``."""

    def on_predict_batch_end(self, batch: int, logs: Logs = None) -> None:
        """Called at the end of a batch in ``predict``; ``logs["outputs"]`` holds the batch outputs."""

    def on_train_begin(self, logs: Logs = None) -> None:
        """Called at the start of ``fit``."""

    def on_train_end(self, logs: Logs = None) -> None:
        """Called at the end of ``fit``."""

    def on_test_begin(self, logs: Logs = None) -> None:
        """Called at the start of ``evaluate`` (and of validation in ``fit``)."""

    def on_test_end(self, logs: Logs = None) -> None:
        """Called at the end of ``evaluate`` (and of validation in ``fit``)."""

    def on_predict_begin(self, logs: Logs = None) -> None:
        """Called at the start of ``predict``."""

    def on_predict_end(self, logs: Logs = None) -> None:
        """Called at the end of ``predict``."""


HOOK_NAMES: tuple[str, ...] = tuple(
    name for name in vars(Callback) if name.startswith("on_") and callable(vars(Callback)[name])
)
