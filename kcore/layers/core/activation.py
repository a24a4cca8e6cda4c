"""Activation: applies an activation function."""

from __future__ import annotations

from kcore import activations
from kcore.layers.layer import Layer


class Activation(Layer):
    def __init__(self, activation, **kwargs) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
