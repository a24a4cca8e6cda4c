"""kcore.saving: Keras 3 compatible ``.keras`` files, ``.weights.h5`` weights and object configs.

``model.save("m.keras")`` writes the Keras 3 format (Keras loads it, on any
backend) and :func:`load_model` reads files written by Keras 3. Every invalid
or hostile file raises :class:`KerasFileError` (a ``ValueError``); Lambda
bytecode and modules named by a file are refused unless ``safe_mode=False``.
"""

from kcore.saving.api import clone_model, load_model, load_weights, model_from_json, save_model, save_weights
from kcore.saving.errors import ConfigError, KerasFileError, UnsafeDeserializationError, WeightsMismatchError
from kcore.saving.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from kcore.saving.serialization import deserialize_keras_object, serialize_keras_object

__all__ = [
    "save_model", "load_model", "save_weights", "load_weights", "model_from_json", "clone_model",
    "register_keras_serializable", "get_registered_object", "get_registered_name", "get_custom_objects",
    "serialize_keras_object", "deserialize_keras_object", "custom_object_scope", "CustomObjectScope",
    "KerasFileError", "ConfigError", "UnsafeDeserializationError", "WeightsMismatchError",
]
