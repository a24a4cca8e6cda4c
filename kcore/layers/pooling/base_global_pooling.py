"""BaseGlobalPooling: reduce all spatial axes (max or mean), shared by the global pooling layers."""

from __future__ import annotations

from kcore.layers.convolutional.conv_utils import data_format_arg
from kcore.layers.input_spec import InputSpec
from kcore.layers.layer import Layer
from kcore.layers.pooling.base_pooling import pooled_dtype


class BaseGlobalPooling(Layer):
    """Reduce the ``pool_dimensions`` spatial axes; ``keepdims=True`` keeps them with size 1."""

    averages = False

    def __init__(self, pool_dimensions: int, data_format=None, keepdims: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pool_dimensions = pool_dimensions
        self.data_format = data_format_arg(self, data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        first = 1 if self.data_format == "channels_last" else 2
        self._axes = tuple(range(first, first + pool_dimensions))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        n = len(input_shape) - 2
        batch, channels = input_shape[0], input_shape[-1 if self.data_format == "channels_last" else 1]
        if not self.keepdims:
            return (batch, channels)
        if self.data_format == "channels_last":
            return (batch,) + (1,) * n + (channels,)
        return (batch, channels) + (1,) * n

    def _output_dtype(self, input_dtype: str) -> str:
        return pooled_dtype(self, input_dtype, self.averages)

    def get_build_config(self) -> None:
        """None, as Keras writes for this weightless layer (it is built at construction there)."""
        return None

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config
