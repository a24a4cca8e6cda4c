"""Probabilistic metrics: running means of the crossentropy and KL-divergence losses."""

from __future__ import annotations

from typing import Any

from kcore import ops
from kcore.losses import functions as F
from kcore.losses.loss import apply_mask, get_mask
from kcore.metrics.reduction_metrics import Mean, MeanMetricWrapper


class KLDivergence(MeanMetricWrapper):
    """Running mean of ``kl_divergence(y_true, y_pred)``."""

    _keras_module = "keras.metrics"

    def __init__(self, name: str = "kl_divergence", dtype: Any = None) -> None:
        super().__init__(F.kl_divergence, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class BinaryCrossentropy(MeanMetricWrapper):
    """Running mean of ``binary_crossentropy(y_true, y_pred)``."""

    _keras_module = "keras.metrics"

    def __init__(self, name: str = "binary_crossentropy", dtype: Any = None, from_logits: bool = False,
                 label_smoothing: float = 0) -> None:
        super().__init__(F.binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


class CategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of ``categorical_crossentropy(y_true, y_pred)``."""

    _keras_module = "keras.metrics"

    def __init__(self, name: str = "categorical_crossentropy", dtype: Any = None, from_logits: bool = False,
                 label_smoothing: float = 0, axis: int = -1) -> None:
        super().__init__(F.categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of ``sparse_categorical_crossentropy(y_true, y_pred)``.

    Entries equal to ``ignore_class`` are left out of the mean, weighted or not
    (Keras 3.15 leaves them out only when a ``sample_weight`` is given).
    """

    _keras_module = "keras.metrics"

    def __init__(self, name: str = "sparse_categorical_crossentropy", dtype: Any = None,
                 from_logits: bool = False, ignore_class: int | None = None, axis: int = -1) -> None:
        super().__init__(F.sparse_categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        in_mask = get_mask(y_pred)
        values, mask = F.sparse_categorical_crossentropy_with_mask(
            y_true, y_pred, from_logits=self.from_logits, ignore_class=self.ignore_class, axis=self.axis)
        if in_mask is not None:
            mask = in_mask if mask is None else ops.logical_and(in_mask, mask)
        sample_weight = apply_mask(sample_weight, mask, dtype=self.dtype, reduction="sum")
        Mean.update_state(self, values, sample_weight=sample_weight)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "ignore_class": self.ignore_class, "axis": self.axis}
