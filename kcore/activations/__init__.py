"""Activation functions (``keras.activations``) with get/serialize/deserialize.

Built-in activations serialize to their plain name (``"relu"``), as Keras
writes them in layer configs; ``swish`` is ``silu`` and ``hard_swish`` is
``hard_silu``, so they serialize as those names.
"""

from __future__ import annotations

import types
from typing import Any, Callable, Mapping

from kcore.activations.activations import (
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    swish,
    tanh,
    tanh_shrink,
    threshold,
)

_FUNCTIONS = (celu, elu, exponential, gelu, glu, hard_shrink, hard_sigmoid, hard_silu, hard_tanh, leaky_relu,
              linear, log_sigmoid, log_softmax, mish, relu, relu6, selu, sigmoid, silu, soft_shrink, softmax,
              softplus, softsign, sparse_plus, sparse_sigmoid, sparsemax, squareplus, tanh, tanh_shrink, threshold)

ALL_OBJECTS_DICT: dict[str, Callable] = {fn.__name__: fn for fn in _FUNCTIONS}
ALL_OBJECTS_DICT.update({"swish": swish, "hard_swish": hard_swish})

_BUILTIN_IDS = {id(fn) for fn in _FUNCTIONS}


def serialize(activation: Callable | None) -> str | dict | None:
    """The config of an activation: its name for built-ins, a Keras dict otherwise."""
    if activation is None:
        return None
    if id(activation) in _BUILTIN_IDS:
        return activation.__name__
    if isinstance(activation, types.FunctionType):
        if activation.__name__ == "<lambda>":
            raise ValueError(
                "Cannot serialize a lambda activation: give it a name with `def`, "
                "and pass it to deserialize with custom_objects={name: fn}."
            )
        return {"module": "builtins", "class_name": "function", "config": activation.__name__,
                "registered_name": "function"}
    if hasattr(activation, "get_config"):
        from kcore.initializers._serialization import serialize_object

        return serialize_object(activation, "keras.activations", {})
    raise ValueError(
        f"Unknown activation {activation!r} cannot be serialized: use a built-in name, a named "
        "function, or an object with get_config()."
    )


def deserialize(config: str | dict, custom_objects: Mapping[str, Any] | None = None) -> Callable:
    """An activation from a name or :func:`serialize`'s output."""
    custom_objects = dict(custom_objects or {})
    if isinstance(config, str):
        fn = custom_objects.get(config) or ALL_OBJECTS_DICT.get(config)
        if fn is None:
            raise ValueError(f"Could not interpret activation function identifier: {config!r}")
        return fn
    if isinstance(config, Mapping) and config.get("class_name") == "function":
        return deserialize(config.get("config"), custom_objects)
    from kcore.initializers._serialization import deserialize_object

    return deserialize_object(config, ALL_OBJECTS_DICT, "activation function", custom_objects)


def get(identifier: Any) -> Callable:
    """An activation from ``None`` (``linear``), a name, a config dict or a callable."""
    if identifier is None:
        return linear
    if isinstance(identifier, (str, Mapping)):
        obj = deserialize(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")


__all__ = [*ALL_OBJECTS_DICT, "get", "serialize", "deserialize", "ALL_OBJECTS_DICT"]
