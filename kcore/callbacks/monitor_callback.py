"""``MonitorCallback``: shared logic of callbacks that watch one metric."""

from __future__ import annotations

import operator
import warnings
from typing import Any, Callable

from kcore.callbacks.callback import Callback

# Metric names whose direction is known when the model's metric objects do not say.
_MAXIMIZED = ("accuracy", "acc", "auc", "precision", "recall", "f1_score", "fbeta_score",
              "r2_score", "iou", "mean_iou", "one_hot_iou", "one_hot_mean_iou",
              "binary_iou", "true_positives", "true_negatives", "specificity_at_sensitivity",
              "sensitivity_at_specificity", "precision_at_recall", "recall_at_precision")
_MINIMIZED_SUFFIXES = ("loss", "error", "crossentropy", "hinge", "divergence", "logcosh",
                       "false_positives", "false_negatives")
_MINIMIZED = ("mse", "mae", "mape", "msle", "kld", "poisson", "cosine_similarity_loss")


def _direction_from_name(name: str) -> str | None:
    if name in _MAXIMIZED or name.endswith("accuracy"):
        return "up"
    if name in _MINIMIZED or name.endswith(_MINIMIZED_SUFFIXES):
        return "down"
    return None


def _iter_metrics(metrics: Any):
    for m in metrics or ():
        inner = getattr(m, "metrics", None)
        if isinstance(inner, (list, tuple)) and inner is not metrics:
            yield from _iter_metrics(inner)
        yield m


class MonitorCallback(Callback):
    """Base for callbacks that track improvements of ``logs[monitor]``.

    Args:
        monitor: the log key to watch (``"val_loss"``).
        mode: ``"min"``, ``"max"`` or ``"auto"``: inferred from the metric (``loss`` is
            minimized; otherwise the model's metric object's ``_direction`` ``"up"`` /
            ``"down"``, else well-known metric names).
        baseline: initial best value (``None``: the first value seen).
        min_delta: smallest change that counts as an improvement.
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline: float | None = None,
                 min_delta: float = 0) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"{type(self).__name__}: mode {mode!r} is unknown, falling back to 'auto'.", stacklevel=3
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op: Callable[[Any, Any], bool] | None = None

    def _infer_direction(self) -> str | None:
        name = self.monitor[4:] if self.monitor.startswith("val_") else self.monitor
        if name == "loss":
            return "down"
        for m in _iter_metrics(getattr(self._model, "metrics", None)):
            if getattr(m, "name", None) == name and getattr(m, "_direction", None) in ("up", "down"):
                return m._direction
        return _direction_from_name(name)

    def _set_monitor_op(self) -> None:
        if self.mode == "min":
            direction = "down"
        elif self.mode == "max":
            direction = "up"
        else:
            direction = self._infer_direction()
            if direction is None:
                raise ValueError(
                    f"{type(self).__name__} received monitor={self.monitor!r}, but cannot tell "
                    "whether that metric should be maximized or minimized. Pass mode='max' to "
                    "monitor the highest value or mode='min' to monitor the lowest."
                )
        if direction == "down":
            self.monitor_op = operator.lt
            self.min_delta = -abs(self.min_delta)
        else:
            self.monitor_op = operator.gt
            self.min_delta = abs(self.min_delta)

    def _is_improvement(self, monitor_value: Any, reference_value: Any) -> bool:
        if reference_value is None:
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))
