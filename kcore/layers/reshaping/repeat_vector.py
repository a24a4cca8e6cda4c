"""RepeatVector: repeat a ``(batch, features)`` input ``n`` times along a new axis."""

from __future__ import annotations

from kcore import ops
from kcore.layers.convolutional.conv_utils import autocast_dtype, describe
from kcore.layers.input_spec import InputSpec
from kcore.layers.layer import Layer


class RepeatVector(Layer):
    """``(batch, features)`` to ``(batch, n, features)``."""

    def __init__(self, n: int, **kwargs) -> None:
        super().__init__(**kwargs)
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"{describe(self)}: `n` must be an integer, received n={n!r} of type {type(n).__name__}")
        if n <= 0:
            raise ValueError(f"{describe(self)}: `n` must be a positive integer, received n={n}")
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def _output_dtype(self, input_dtype: str) -> str:
        return autocast_dtype(self, input_dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config["n"] = self.n
        return config
