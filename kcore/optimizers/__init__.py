"""Optimizers with Keras 3 names, arguments, configs, variables and numerics (``keras.optimizers``)."""

from __future__ import annotations

from typing import Any, Mapping

from kcore.losses.serialization import deserialize_keras_object, serialize_keras_object
from kcore.optimizers import schedules
from kcore.optimizers.adagrad import Adagrad
from kcore.optimizers.adam import Adam
from kcore.optimizers.adamw import AdamW
from kcore.optimizers.optimizer import Optimizer
from kcore.optimizers.rmsprop import RMSprop
from kcore.optimizers.sgd import SGD

# As Keras: names are matched case-insensitively ("rmsprop", "RMSprop", "adam").
ALL_OBJECTS_DICT: dict[str, type] = {
    cls.__name__.lower(): cls for cls in (Optimizer, SGD, RMSprop, Adam, AdamW, Adagrad)
}


def serialize(optimizer: Optimizer) -> dict:
    """The Keras config dict of an optimizer."""
    return serialize_keras_object(optimizer)


def deserialize(config: dict, custom_objects: Mapping[str, Any] | None = None) -> Optimizer:
    """An optimizer from its Keras config dict (class names are case-insensitive)."""
    if isinstance(config, dict) and isinstance(config.get("class_name"), str):
        lowered = config["class_name"].lower()
        if lowered in ALL_OBJECTS_DICT and not (custom_objects and config["class_name"] in custom_objects):
            config = {**config, "class_name": lowered}
    if isinstance(config, dict) and isinstance(config.get("config"), dict):
        config = {**config, "config": dict(config["config"])}
        cls = (custom_objects or {}).get(config["class_name"]) or ALL_OBJECTS_DICT.get(config["class_name"])
        if cls is not None and hasattr(cls, "from_config"):
            return cls.from_config(config["config"], custom_objects=custom_objects)
    return deserialize_keras_object(config, ALL_OBJECTS_DICT, custom_objects, kind="optimizer")


def get(identifier: Any) -> Optimizer | None:
    """An optimizer from a name (``"rmsprop"``), a config dict, or an ``Optimizer`` instance."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = deserialize({"class_name": identifier, "config": {}})
    else:
        obj = identifier
    if isinstance(obj, Optimizer):
        return obj
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")


__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "schedules", "get", "serialize",
           "deserialize"]
