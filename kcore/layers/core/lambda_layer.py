"""Lambda: wraps a Python function as a layer (serialized as bytecode: refused in safe mode)."""

from __future__ import annotations

import base64
import inspect
import marshal
import types

from kcore.layers.layer import Layer


class Lambda(Layer):
    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs) -> None:
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Lambda layer '{self.name}': `function` must be callable, received {function!r}")
        self.function = function
        self._output_shape = output_shape
        self.mask = mask
        self.arguments = arguments or {}
        self.supports_masking = mask is not None

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        params = inspect.signature(self.function).parameters
        if "mask" in params:
            kwargs["mask"] = mask
        if "training" in params:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self) -> dict:
        config = super().get_config()
        fn = self.function
        if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
            code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
            config["function"] = {"class_name": "__lambda__", "config": {"code": code, "defaults": fn.__defaults__, "closure": None}}
        else:
            from kcore.saving.serialization import serialize_keras_object

            config["function"] = serialize_keras_object(fn)
        config["arguments"] = self.arguments
        config["output_shape"] = self._output_shape
        config["mask"] = None
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None, safe_mode=None):
        from kcore.saving.serialization import deserialize_function

        config = dict(config)
        config["function"] = deserialize_function(config["function"], custom_objects=custom_objects, safe_mode=safe_mode)
        config.pop("output_shape", None) if config.get("output_shape") is None else None
        return super().from_config(config)
