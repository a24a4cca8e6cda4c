"""Learning-rate schedules (``keras.optimizers.schedules``)."""

from __future__ import annotations

from typing import Any, Mapping

from kcore.losses.serialization import deserialize_keras_object, serialize_keras_object
from kcore.optimizers.schedules.learning_rate_schedule import (
    CosineDecay,
    ExponentialDecay,
    LearningRateSchedule,
    PiecewiseConstantDecay,
)

ALL_OBJECTS_DICT: dict[str, type] = {
    cls.__name__: cls for cls in (LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, CosineDecay)
}


def serialize(learning_rate_schedule: LearningRateSchedule) -> dict:
    """The Keras config dict of a schedule."""
    return serialize_keras_object(learning_rate_schedule)


def deserialize(config: dict | str, custom_objects: Mapping[str, Any] | None = None) -> LearningRateSchedule:
    """A schedule from its Keras config dict."""
    return deserialize_keras_object(config, ALL_OBJECTS_DICT, custom_objects, kind="learning rate schedule")


__all__ = ["LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay", "CosineDecay",
           "serialize", "deserialize"]
