"""``LearningRateScheduler``: sets the learning rate at the start of every epoch."""

from __future__ import annotations

import inspect
import numbers
from typing import Any, Callable

import numpy as np

from kcore.callbacks._logs import to_float
from kcore.callbacks.callback import Callback, Logs
from kcore.utils.progbar import print_msg


def _optimizers(model: Any) -> list[tuple[str, Any]]:
    """``(label, optimizer)`` pairs: the model's optimizer, or each of a multi-optimizer's."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise ValueError(
            "The model has no optimizer; compile the model before using a learning-rate callback."
        )
    inner = getattr(optimizer, "optimizers", None)
    if isinstance(inner, (list, tuple)):
        return [(str(getattr(o, "name", i)), o) for i, o in enumerate(inner)]
    return [("", optimizer)]


def current_learning_rate(optimizer: Any) -> float:
    """The optimizer's learning rate as a Python float."""
    if not hasattr(optimizer, "learning_rate"):
        raise ValueError('Optimizer must have a "learning_rate" attribute.')
    return to_float(optimizer.learning_rate)


def _takes_two_args(fn: Callable) -> bool:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return True
    positional = [p for p in sig.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if any(p.kind == p.VAR_POSITIONAL for p in sig.parameters.values()):
        return True
    return len(positional) >= 2


def add_learning_rates_to_logs(model: Any, logs: Logs) -> None:
    """Writes ``learning_rate`` (or ``learning_rate_<name>`` per optimizer) into ``logs``."""
    if logs is None:
        return
    for label, opt in _optimizers(model):
        logs[f"learning_rate_{label}" if label else "learning_rate"] = current_learning_rate(opt)


class LearningRateScheduler(Callback):
    """Sets ``model.optimizer.learning_rate = schedule(epoch, lr)`` at each epoch start
    (``keras.callbacks.LearningRateScheduler``).

    Args:
        schedule: ``schedule(epoch, lr) -> new_lr`` (0-based epoch, current rate as a
            float); a one-argument ``schedule(epoch)`` is accepted too.
        verbose: 1 prints the new rate each epoch.
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0) -> None:
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose
        self._two_args = _takes_two_args(schedule)

    def _update(self, optimizer: Any, epoch: int) -> float:
        lr = current_learning_rate(optimizer)
        new_lr = self.schedule(epoch, lr) if self._two_args else self.schedule(epoch)
        if isinstance(new_lr, bool) or not isinstance(new_lr, (numbers.Real, np.floating)):
            raise ValueError(
                f"LearningRateScheduler: the output of the `schedule` function should be a float. "
                f"Got: {new_lr!r} (of type {type(new_lr).__name__}) at epoch {epoch}"
            )
        new_lr = float(new_lr)
        optimizer.learning_rate = new_lr
        return new_lr

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        for label, opt in _optimizers(self.model):
            new_lr = self._update(opt, epoch)
            if self.verbose > 0:
                which = f"{label} " if label else ""
                print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting {which}learning rate to {new_lr}.")

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        add_learning_rates_to_logs(self.model, logs)
