"""Regression metrics: running means of the regression loss functions."""

from __future__ import annotations

from typing import Any

from kcore.losses.functions import mean_absolute_error, mean_squared_error
from kcore.metrics.reduction_metrics import MeanMetricWrapper


class MeanSquaredError(MeanMetricWrapper):
    """Running mean of ``mean((y_true - y_pred) ** 2, axis=-1)``."""

    _keras_module = "keras.metrics"

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean of ``mean(|y_true - y_pred|, axis=-1)``."""

    _keras_module = "keras.metrics"

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(fn=mean_absolute_error, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}
