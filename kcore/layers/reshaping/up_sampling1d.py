"""UpSampling1D: repeat each step ``size`` times."""

from __future__ import annotations

from kcore import ops
from kcore.layers.convolutional.conv_utils import autocast_dtype, describe
from kcore.layers.input_spec import InputSpec
from kcore.layers.layer import Layer


class UpSampling1D(Layer):
    """``(batch, steps, features)`` to ``(batch, steps * size, features)``, each step repeated ``size`` times."""

    def __init__(self, size: int = 2, **kwargs) -> None:
        super().__init__(**kwargs)
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(
                f"{describe(self)}: `size` must be an integer, received size={size!r} of type {type(size).__name__}"
            )
        if size <= 0:
            raise ValueError(f"{describe(self)}: `size` must be a positive integer, received size={size}")
        self.size = size
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return ops.repeat(inputs, self.size, axis=1)

    def compute_output_shape(self, input_shape):
        steps = None if input_shape[1] is None else input_shape[1] * self.size
        return (input_shape[0], steps, input_shape[2])

    def _output_dtype(self, input_dtype: str) -> str:
        return autocast_dtype(self, input_dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config["size"] = self.size
        return config
