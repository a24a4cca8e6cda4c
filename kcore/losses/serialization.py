"""Keras-format serialization of losses, metrics, optimizers and schedules.

Objects serialize to the dictionaries Keras 3 writes::

    {"module": "keras.losses", "class_name": "Huber",
     "config": {...}, "registered_name": None}

and plain functions to ``{"module": "builtins", "class_name": "function",
"config": "<name>", "registered_name": "function"}``. A built-in class declares
the Keras module it is exported from with a ``_keras_module`` class attribute
(in its own ``__dict__``, so user subclasses are written as custom objects).
"""

from __future__ import annotations

import inspect
import types
from typing import Any, Mapping

_FUNCTION = "function"


def serialize_keras_object(obj: Any) -> Any:
    """The Keras config dictionary of ``obj`` (plain values pass through)."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict) and not hasattr(obj, "get_config"):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return {"module": "builtins", "class_name": _FUNCTION, "config": obj.__name__,
                "registered_name": _FUNCTION}
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize {obj!r}: it has no get_config() method")
    cls = type(obj)
    builtin_module = cls.__dict__.get("_keras_module")
    if builtin_module is not None:
        module, registered = builtin_module, cls.__dict__.get("_keras_registered_name")
    else:
        module = cls.__module__
        registered = getattr(cls, "_registered_name", None) or cls.__name__
    return {"module": module, "class_name": cls.__name__, "config": obj.get_config(),
            "registered_name": registered}


def _lookup(name: str, module_objects: Mapping[str, Any], custom_objects: Mapping[str, Any] | None):
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    return module_objects.get(name)


def deserialize_keras_object(config: Any, module_objects: Mapping[str, Any],
                             custom_objects: Mapping[str, Any] | None = None,
                             kind: str = "object", instantiate_strings: bool = True) -> Any:
    """Rebuild an object from a Keras config dict, a name, or pass an object through.

    Args:
        config: ``None``, a name (``"mse"``, ``"Huber"``), a Keras config
            dict (new or legacy ``{"class_name", "config"}`` form), or an
            already-built object/function.
        module_objects: names -> classes/functions known to this family.
        custom_objects: user names -> classes/functions, searched first.
        kind: what is being rebuilt (used in error messages).
        instantiate_strings: a string naming a class returns an instance.
    """
    if config is None:
        return None
    if isinstance(config, str):
        obj = _lookup(config, module_objects, custom_objects)
        if obj is None:
            raise ValueError(
                f"Unknown {kind} {config!r}. Known names: {', '.join(sorted(module_objects))}"
            )
        if instantiate_strings and inspect.isclass(obj):
            return obj()
        return obj
    if not isinstance(config, Mapping):
        return config
    if "class_name" not in config:
        raise ValueError(f"Cannot deserialize {kind}: config {config!r} has no 'class_name'")
    class_name = config["class_name"]
    inner = config.get("config", {})
    if class_name == _FUNCTION:
        name = inner if isinstance(inner, str) else config.get("registered_name")
        fn = _lookup(name, module_objects, custom_objects)
        if fn is None:
            raise ValueError(f"Unknown {kind} function {name!r}")
        return fn
    cls = _lookup(class_name, module_objects, custom_objects)
    registered = config.get("registered_name")
    if cls is None and registered:
        cls = _lookup(registered, module_objects, custom_objects)
    if cls is None:
        raise ValueError(
            f"Unknown {kind} class {class_name!r}. Pass it in custom_objects, or use one of: "
            f"{', '.join(sorted(k for k, v in module_objects.items() if inspect.isclass(v)))}"
        )
    inner = dict(inner) if isinstance(inner, Mapping) else {}
    if hasattr(cls, "from_config"):
        return cls.from_config(inner)
    return cls(**inner)

