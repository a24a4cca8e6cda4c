"""Accuracy metrics: functions giving per-sample 0/1 matches, and their running means."""

from __future__ import annotations

from typing import Any

from kcore import backend as _backend
from kcore import ops
from kcore.losses.loss import squeeze_or_expand_to_same_rank
from kcore.metrics.reduction_metrics import MeanMetricWrapper
from kcore.ops.dispatch import dtype_of, shape_of


def _matches(y_true, y_pred):
    return ops.cast(ops.equal(y_true, y_pred), _backend.floatx())


def accuracy(y_true, y_pred):
    """1.0 where ``y_true == y_pred`` exactly."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=dtype_of(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _matches(y_true, y_pred)


def binary_accuracy(y_true, y_pred, threshold: float = 0.5):
    """1.0 where ``(y_pred > threshold) == y_true``."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = ops.cast(ops.greater(y_pred, ops.cast(threshold, dtype_of(y_pred))), dtype_of(y_true))
    return _matches(y_true, y_pred)


def categorical_accuracy(y_true, y_pred):
    """1.0 where the arg-max of one-hot ``y_true`` equals the arg-max of ``y_pred``."""
    y_true = ops.argmax(y_true, axis=-1)
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, dtype_of(y_pred))
    true_shape = shape_of(y_true)
    reshape_matches = len(true_shape) == len(shape_of(y_pred))
    if reshape_matches:
        y_true = ops.squeeze(y_true, -1)
    y_pred = ops.cast(ops.argmax(y_pred, axis=-1), dtype_of(y_true))
    matches = _matches(y_true, y_pred)
    return ops.reshape(matches, true_shape) if reshape_matches else matches


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label ``y_true`` equals the arg-max of ``y_pred``."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=dtype_of(y_pred))
    true_shape = shape_of(y_true)
    reshape_matches = len(true_shape) == len(shape_of(y_pred)) and true_shape[-1] == 1
    if reshape_matches:
        y_true = ops.squeeze(y_true, -1)
    y_pred = ops.cast(ops.argmax(y_pred, axis=-1), dtype_of(y_true))
    matches = _matches(y_true, y_pred)
    if reshape_matches:
        matches = ops.reshape(matches, true_shape)
    if len(shape_of(matches)) > 1 and shape_of(matches)[-1] == 1:
        matches = ops.squeeze(matches, -1)
    return matches


def in_top_k(targets, predictions, k: int):
    """Whether ``predictions[i, targets[i]]`` is among the ``k`` largest of row ``i`` (ties count in)."""
    at_label = ops.take_along_axis(predictions, ops.expand_dims(ops.cast(targets, "int32"), -1), axis=-1)
    at_label = ops.where(ops.isnan(at_label), ops.full((), float("-inf"), dtype_of(at_label)), at_label)
    n_greater = ops.sum(ops.cast(ops.greater(predictions, at_label), "int32"), axis=-1)
    return ops.less(n_greater, k)


def _flatten_for_top_k(y_true, y_pred):
    true_shape = shape_of(y_true)
    if len(shape_of(y_pred)) > 2:
        y_pred = ops.reshape(y_pred, (-1, shape_of(y_pred)[-1]))
    reshape_matches = len(true_shape) > 1
    if reshape_matches:
        y_true = ops.reshape(y_true, (-1,))
    return y_true, y_pred, true_shape, reshape_matches


def top_k_categorical_accuracy(y_true, y_pred, k: int = 5):
    """1.0 where the one-hot target class is among the ``k`` highest predictions."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.argmax(ops.convert_to_tensor(y_true, dtype=dtype_of(y_pred)), axis=-1)
    y_true, y_pred, true_shape, reshape_matches = _flatten_for_top_k(y_true, y_pred)
    matches = ops.cast(in_top_k(y_true, y_pred, k), _backend.floatx())
    return ops.reshape(matches, true_shape) if reshape_matches else matches


def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5, from_sorted_ids: bool = False):
    """1.0 where the integer target is among the ``k`` highest predictions.

    With ``from_sorted_ids=True``, ``y_pred`` holds class ids sorted by score.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=dtype_of(y_pred) if from_sorted_ids else "int32")
    y_true, y_pred, true_shape, reshape_matches = _flatten_for_top_k(y_true, y_pred)
    if from_sorted_ids:
        top = ops.getitem(y_pred, (slice(None), slice(None, k)))
        matches = ops.any(ops.equal(ops.expand_dims(y_true, 1), top), axis=1)
    else:
        matches = in_top_k(y_true, y_pred, k)
    matches = ops.cast(matches, _backend.floatx())
    return ops.reshape(matches, true_shape) if reshape_matches else matches


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly."""

    _keras_module = "keras.metrics"

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(fn=accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches binary labels."""

    _keras_module = "keras.metrics"

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5) -> None:
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max prediction matches one-hot labels."""

    _keras_module = "keras.metrics"

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max prediction matches integer labels."""

    _keras_module = "keras.metrics"

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is in the top ``k`` predictions."""

    _keras_module = "keras.metrics"

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target is in the top ``k`` predictions."""

    _keras_module = "keras.metrics"

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype: Any = None,
                 from_sorted_ids: bool = False) -> None:
        super().__init__(fn=sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self) -> dict:
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
