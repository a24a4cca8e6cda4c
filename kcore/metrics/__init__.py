"""Metrics with Keras 3 names, arguments, configs and numerics (``keras.metrics``)."""

from __future__ import annotations

import inspect
from typing import Any, Callable, Mapping

from kcore.graph.naming import to_snake_case
from kcore.losses.functions import (
    binary_crossentropy,
    categorical_crossentropy,
    huber,
    kl_divergence,
    mean_absolute_error,
    mean_squared_error,
    sparse_categorical_crossentropy,
)
from kcore.losses.serialization import deserialize_keras_object, serialize_keras_object
from kcore.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from kcore.metrics.confusion_metrics import AUC, Precision, Recall
from kcore.metrics.metric import Metric
from kcore.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    SparseCategoricalCrossentropy,
)
from kcore.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from kcore.metrics.regression_metrics import MeanAbsoluteError, MeanSquaredError

CLASSES = (
    Metric, Mean, Sum, MeanMetricWrapper, MeanSquaredError, MeanAbsoluteError, AUC, Precision, Recall,
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy, KLDivergence, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
)
FUNCTIONS = (
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
    top_k_categorical_accuracy, sparse_top_k_categorical_accuracy, mean_squared_error,
    mean_absolute_error, binary_crossentropy, categorical_crossentropy,
    sparse_categorical_crossentropy, kl_divergence, huber,
)
FUNCTIONS_DICT: dict[str, Callable] = {fn.__name__: fn for fn in FUNCTIONS}

# As Keras: class names and their snake_case forms name classes (``"accuracy"`` -> ``Accuracy()``).
ALL_OBJECTS_DICT: dict[str, Any] = {cls.__name__: cls for cls in CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in CLASSES})
ALL_OBJECTS_DICT.update({
    "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
})

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error


def serialize(metric: Metric | Callable) -> dict:
    """The Keras config dict of a ``Metric`` instance or a metric function."""
    return serialize_keras_object(metric)


def deserialize(config: str | dict, custom_objects: Mapping[str, Any] | None = None) -> Metric | Callable:
    """A ``Metric`` (or metric function) from a config dict or a name."""
    objects = {**FUNCTIONS_DICT, **ALL_OBJECTS_DICT}
    return deserialize_keras_object(config, objects, custom_objects, kind="metric")


def get(identifier: Any) -> Metric | Callable | None:
    """A metric from a class name (``"AUC"``, ``"auc"``, ``"mse"``), a config dict, a class or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


__all__ = [c.__name__ for c in CLASSES] + [f.__name__ for f in FUNCTIONS] + [
    "mse", "MSE", "mae", "MAE", "get", "serialize", "deserialize",
]
