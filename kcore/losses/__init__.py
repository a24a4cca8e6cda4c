"""Losses with Keras 3 names, arguments, configs and numerics (``keras.losses``)."""

from __future__ import annotations

import inspect
from typing import Any, Callable, Mapping

from kcore.losses.functions import (
    binary_crossentropy,
    categorical_crossentropy,
    huber,
    kl_divergence,
    mean_absolute_error,
    mean_squared_error,
    sparse_categorical_crossentropy,
)
from kcore.losses.loss import Loss, reduce_weighted_values, squeeze_or_expand_to_same_rank
from kcore.losses.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    Huber,
    KLDivergence,
    LossFunctionWrapper,
    MeanAbsoluteError,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
)
from kcore.losses.serialization import deserialize_keras_object, serialize_keras_object

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
kld = KLD = kl_divergence
bce = BCE = binary_crossentropy

ALL_OBJECTS = (
    Loss, LossFunctionWrapper, MeanSquaredError, MeanAbsoluteError, Huber, KLDivergence,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
    mean_squared_error, mean_absolute_error, huber, kl_divergence, binary_crossentropy,
    categorical_crossentropy, sparse_categorical_crossentropy,
)
ALL_OBJECTS_DICT: dict[str, Any] = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "kld": kl_divergence, "KLD": kl_divergence,
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
})


def serialize(loss: Loss | Callable) -> dict:
    """The Keras config dict of a ``Loss`` instance or a loss function."""
    return serialize_keras_object(loss)


def deserialize(name: str | dict, custom_objects: Mapping[str, Any] | None = None) -> Loss | Callable:
    """A ``Loss`` or loss function from a config dict or a name."""
    return deserialize_keras_object(name, ALL_OBJECTS_DICT, custom_objects, kind="loss")


def get(identifier: Any) -> Loss | Callable | None:
    """A loss from a name (function or class name), a config dict, a class, or a callable."""
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
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")


__all__ = [
    "Loss", "LossFunctionWrapper", "MeanSquaredError", "MeanAbsoluteError", "Huber", "KLDivergence",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "mean_squared_error", "mean_absolute_error", "huber", "kl_divergence", "binary_crossentropy",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "mse", "MSE", "mae", "MAE",
    "kld", "KLD", "bce", "BCE", "get", "serialize", "deserialize", "reduce_weighted_values",
    "squeeze_or_expand_to_same_rank",
]
