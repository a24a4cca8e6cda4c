"""``Sum``, ``Mean`` and ``MeanMetricWrapper`` (the mean of a per-sample function)."""

from __future__ import annotations

from typing import Any, Callable

from kcore import ops
from kcore.losses.loss import divide_no_nan
from kcore.losses.loss import apply_mask, get_mask, squeeze_or_expand_to_same_rank
from kcore.losses.serialization import deserialize_keras_object, serialize_keras_object
from kcore.metrics.metric import Metric
from kcore.ops.dispatch import shape_of


def reduce_to_samplewise_values(values, sample_weight, reduce_fn: Callable, dtype: str):
    """Per-sample ``values`` (axes past the first reduced with ``reduce_fn``) times weights.

    Returns ``(values, sample_weight)`` with ``sample_weight`` reduced to one
    weight per sample (``None`` when not given).
    """
    mask = get_mask(values)
    values = ops.cast(values, dtype)
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=dtype)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, dtype=dtype, reduction="sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim = len(shape_of(sample_weight))
        values_ndim = len(shape_of(values))
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values_ndim)))
        sample_weight = ops.broadcast_to(sample_weight, shape_of(values))
        values = ops.multiply(values, sample_weight)
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    values_ndim = len(shape_of(values))
    if values_ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values_ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of all values seen."""

    _keras_module = "keras.metrics"

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")

    def update_state(self, values, sample_weight=None) -> None:
        values, _ = reduce_to_samplewise_values(values, sample_weight, ops.sum, self.dtype)
        self.total.assign_add(ops.sum(values))

    def reset_state(self) -> None:
        self.total.assign(ops.zeros((), dtype=self.total.dtype))

    def result(self):
        return ops.cast(self.total, self.dtype)


class Mean(Metric):
    """The (weighted) mean of all values seen: ``total / count``."""

    _keras_module = "keras.metrics"

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None) -> None:
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, ops.mean, self.dtype)
        self.total.assign_add(ops.sum(values))
        if sample_weight is not None:
            num_samples = ops.sum(sample_weight)
        else:
            shape = shape_of(values)
            num_samples = float(shape[0]) if len(shape) >= 1 else 1.0
        self.count.assign_add(ops.cast(num_samples, self.dtype))

    def reset_state(self) -> None:
        self.total.assign(ops.zeros((), dtype=self.total.dtype))
        self.count.assign(ops.zeros((), dtype=self.count.dtype))

    def result(self):
        return divide_no_nan(self.total, ops.cast(self.count, self.dtype))


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over all samples seen."""

    _keras_module = "keras.metrics"

    def __init__(self, fn: Callable, name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        mask = get_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        sample_weight = apply_mask(sample_weight, mask, dtype=self.dtype, reduction="sum")
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict:
        config = super().get_config()
        config["fn"] = serialize_keras_object(self._fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config: dict) -> "MeanMetricWrapper":
        config = dict(config)
        if isinstance(config.get("fn"), (dict, str)):
            from kcore.metrics import FUNCTIONS_DICT

            config["fn"] = deserialize_keras_object(config["fn"], FUNCTIONS_DICT, kind="metric function",
                                                    instantiate_strings=False)
        return cls(**config)
