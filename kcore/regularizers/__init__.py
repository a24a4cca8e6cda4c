"""Weight regularizers (``keras.regularizers``) with get/serialize/deserialize."""

from __future__ import annotations

import inspect
from typing import Any, Callable, Mapping

from kcore.initializers._serialization import deserialize_object, serialize_object
from kcore.regularizers.regularizers import L1, L1L2, L2, OrthogonalRegularizer, Regularizer

# Keras exports snake-case aliases that are the classes themselves.
l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

ALL_OBJECTS_DICT: dict[str, type] = {
    "Regularizer": Regularizer, "L1": L1, "L2": L2, "L1L2": L1L2, "OrthogonalRegularizer": OrthogonalRegularizer,
    "regularizer": Regularizer, "l1": L1, "l2": L2, "l1l2": L1L2, "l1_l2": L1L2,
    "orthogonal_regularizer": OrthogonalRegularizer,
}

_MODULE = "keras.regularizers"


def serialize(regularizer: Regularizer | None) -> dict | None:
    """The Keras config dict of a regularizer."""
    return serialize_object(regularizer, _MODULE, ALL_OBJECTS_DICT)


def deserialize(config: dict | str, custom_objects: Mapping[str, Any] | None = None) -> Regularizer:
    """A regularizer from :func:`serialize`'s output or a name."""
    return deserialize_object(config, ALL_OBJECTS_DICT, "regularizer", custom_objects)


def get(identifier: Any) -> Callable | None:
    """A regularizer from ``None``, a name (``"l2"``), a config dict, a class, an instance or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, Mapping):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
    else:
        obj = identifier
    if inspect.isclass(obj):
        obj = obj()
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")


__all__ = ["Regularizer", "L1", "L2", "L1L2", "OrthogonalRegularizer", "l1", "l2", "l1_l2",
           "orthogonal_regularizer", "get", "serialize", "deserialize", "ALL_OBJECTS_DICT"]
