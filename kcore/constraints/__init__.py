"""Weight constraints (``keras.constraints``) with get/serialize/deserialize."""

from __future__ import annotations

import inspect
from typing import Any, Callable, Mapping

from kcore.constraints.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm
from kcore.initializers._serialization import deserialize_object, serialize_object

# Keras exports snake-case aliases that are the classes themselves.
max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

ALL_OBJECTS_DICT: dict[str, type] = {
    "Constraint": Constraint, "MaxNorm": MaxNorm, "MinMaxNorm": MinMaxNorm, "NonNeg": NonNeg,
    "UnitNorm": UnitNorm, "constraint": Constraint, "max_norm": MaxNorm, "min_max_norm": MinMaxNorm,
    "non_neg": NonNeg, "unit_norm": UnitNorm,
}

_MODULE = "keras.constraints"


def serialize(constraint: Constraint | None) -> dict | None:
    """The Keras config dict of a constraint."""
    return serialize_object(constraint, _MODULE, ALL_OBJECTS_DICT)


def deserialize(config: dict | str, custom_objects: Mapping[str, Any] | None = None) -> Constraint:
    """A constraint from :func:`serialize`'s output or a name."""
    return deserialize_object(config, ALL_OBJECTS_DICT, "constraint", custom_objects)


def get(identifier: Any) -> Callable | None:
    """A constraint from ``None``, a name (``"non_neg"``), a config dict, a class, an instance or a callable."""
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
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")


__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "max_norm", "min_max_norm",
           "non_neg", "unit_norm", "get", "serialize", "deserialize", "ALL_OBJECTS_DICT"]
