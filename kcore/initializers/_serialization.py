"""Keras-format serialization of small config objects (initializers, regularizers, constraints).

Shared by ``kcore.initializers``, ``kcore.regularizers``, ``kcore.constraints``
and ``kcore.activations``. A built-in object serializes as::

    {"module": "keras.initializers", "class_name": "GlorotUniform",
     "config": {...}, "registered_name": None}

exactly as ``keras.saving.serialize_keras_object`` writes it, so configs are
interchangeable with Keras 3 files. A user subclass gets its Python module and
``registered_name`` set to its class name, as Keras does for unregistered classes.
"""

from __future__ import annotations

import inspect
from typing import Any, Mapping

import numpy as np


def serialize_object(obj: Any, module: str, builtins: Mapping[str, Any]) -> dict | None:
    """The Keras serialization dict of ``obj`` (``None`` stays ``None``)."""
    if obj is None:
        return None
    cls = type(obj)
    name = cls.__name__
    if not hasattr(obj, "get_config"):
        raise ValueError(
            f"Cannot serialize {obj!r} for {module}: it has no get_config() method. "
            "Subclass the kcore base class and implement get_config()."
        )
    config = obj.get_config()
    if builtins.get(name) is cls:
        return {"module": module, "class_name": name, "config": config, "registered_name": None}
    owner = cls.__module__
    return {
        "module": None if owner == "__main__" else owner,
        "class_name": name,
        "config": config,
        "registered_name": name,
    }


def deserialize_object(config: Any, objects: Mapping[str, Any], kind: str,
                       custom_objects: Mapping[str, Any] | None = None) -> Any:
    """Rebuild an object from a serialization dict or a bare class name.

    ``objects`` maps the built-in names (class names and snake-case aliases);
    ``custom_objects`` adds user classes by name. ``kind`` ("initializer"...)
    names the family in error messages.
    """
    if config is None:
        return None
    custom_objects = dict(custom_objects or {})
    if isinstance(config, str):
        class_name, inner = config, {}
    elif isinstance(config, Mapping):
        if "class_name" not in config:
            raise ValueError(
                f"Cannot deserialize {kind}: expected a dict with a 'class_name' key, received {config!r}"
            )
        class_name = config["class_name"]
        inner = config.get("config") or {}
        registered = config.get("registered_name")
        if registered and registered in custom_objects:
            class_name = registered
    else:
        raise ValueError(f"Cannot deserialize {kind} from {config!r}: expected a dict or a string.")
    cls = custom_objects.get(class_name) or objects.get(class_name)
    if cls is None:
        raise ValueError(
            f"Could not interpret {kind} identifier: unknown class_name {class_name!r}. "
            f"Built-in names are {', '.join(sorted(n for n in objects if n[0].isupper()))}; "
            "pass other classes with custom_objects={name: class}."
        )
    if not inspect.isclass(cls):
        return cls
    if hasattr(cls, "from_config"):
        return cls.from_config(inner)
    return cls(**inner)


def serialize_value(value: Any) -> Any:
    """A JSON-friendly form of a config value (NumPy arrays as Keras' ``__numpy__`` dict)."""
    if isinstance(value, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": value.tolist(), "dtype": value.dtype.name}}
    if isinstance(value, np.generic):
        return value.item()
    return value


def deserialize_value(value: Any) -> Any:
    """Inverse of :func:`serialize_value`."""
    if isinstance(value, Mapping) and value.get("class_name") == "__numpy__":
        inner = value["config"]
        return np.asarray(inner["value"], dtype=inner.get("dtype"))
    return value

