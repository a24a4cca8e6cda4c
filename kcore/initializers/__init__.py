"""Weight initializers (``keras.initializers``): classes, snake-case aliases, get/serialize/deserialize."""

from __future__ import annotations

import inspect
from typing import Any, Callable, Mapping

from kcore.initializers._serialization import deserialize_object, serialize_object
from kcore.initializers.constant_initializers import Constant, Identity, Ones, Zeros
from kcore.initializers.initializer import Initializer
from kcore.initializers.random_initializers import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomInitializer,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    compute_fans,
)

# Keras exports every class under a snake-case alias too (the alias *is* the class).
IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal
constant = Constant
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
identity = Identity
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
ones = Ones
orthogonal = Orthogonal
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
zeros = Zeros

_CLASSES = (Initializer, Constant, Identity, Ones, Zeros, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
            LecunNormal, LecunUniform, Orthogonal, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling)

ALL_OBJECTS_DICT: dict[str, type] = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({
    "IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal,
    "initializer": Initializer, "constant": Constant, "identity": Identity, "ones": Ones, "zeros": Zeros,
    "glorot_normal": GlorotNormal, "glorot_uniform": GlorotUniform, "he_normal": HeNormal,
    "he_uniform": HeUniform, "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform,
    "orthogonal": Orthogonal, "random_normal": RandomNormal, "random_uniform": RandomUniform,
    "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    # short aliases Keras accepts by name
    "normal": RandomNormal, "uniform": RandomUniform, "one": Ones, "zero": Zeros,
})

_MODULE = "keras.initializers"


def serialize(initializer: Initializer | None) -> dict | None:
    """The Keras config dict of an initializer (``{"module", "class_name", "config", "registered_name"}``)."""
    return serialize_object(initializer, _MODULE, ALL_OBJECTS_DICT)


def deserialize(config: dict | str, custom_objects: Mapping[str, Any] | None = None) -> Initializer:
    """An initializer from :func:`serialize`'s output or a name."""
    return deserialize_object(config, ALL_OBJECTS_DICT, "initializer", custom_objects)


def get(identifier: Any) -> Callable | None:
    """An initializer from ``None``, a name (``"glorot_uniform"``), a config dict,
    a class, an instance or callable ``(shape, dtype=None)``, or a fixed tensor/array.

    A fixed tensor or array becomes an initializer returning it cast to the
    requested dtype; the requested shape must equal the array's shape.
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier not in ALL_OBJECTS_DICT:
            raise ValueError(
                f"Could not interpret initializer identifier: {identifier!r}. "
                f"Known names: {', '.join(sorted(ALL_OBJECTS_DICT))}"
            )
        return ALL_OBJECTS_DICT[identifier]()
    if isinstance(identifier, Mapping):
        obj = deserialize(identifier)
    elif inspect.isclass(identifier):
        obj = identifier()
    elif callable(identifier):
        return identifier
    elif _is_array_like(identifier):
        return _fixed_value_initializer(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")


def _is_array_like(x: Any) -> bool:
    import numpy as np

    from kcore import backend

    return isinstance(x, (np.ndarray, np.generic)) or backend.current().is_tensor(x)


def _fixed_value_initializer(value: Any) -> Callable:
    from kcore import ops
    from kcore.dtypes import standardize_dtype

    expected = tuple(int(d) for d in value.shape)

    def initialize_fn(shape, dtype=None):
        if tuple(shape) != expected:
            raise ValueError(
                f"Expected `shape` to be {expected} for a tensor used as initializer. Received shape={tuple(shape)}"
            )
        return ops.cast(ops.convert_to_tensor(value), standardize_dtype(dtype))

    return initialize_fn


__all__ = [
    "Initializer", "RandomInitializer", "Constant", "Identity", "IdentityInitializer", "Ones", "Zeros",
    "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform", "Orthogonal",
    "OrthogonalInitializer", "RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling",
    "constant", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "identity", "lecun_normal",
    "lecun_uniform", "ones", "orthogonal", "random_normal", "random_uniform", "truncated_normal",
    "variance_scaling", "zeros", "compute_fans", "get", "serialize", "deserialize", "ALL_OBJECTS_DICT",
]
