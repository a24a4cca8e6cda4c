"""BasePooling: max or average pooling over sliding windows, shared by the 1D/2D/3D pooling layers."""

from __future__ import annotations

from kcore import ops
from kcore.layers.convolutional.conv_utils import (autocast_dtype, check_output_spatial, conv_output_length,
                                                   data_format_arg, describe, join_shape, padding_arg, spatial_tuple,
                                                   split_shape)
from kcore.layers.input_spec import InputSpec
from kcore.layers.layer import Layer


def pooled_dtype(layer: Layer, input_dtype: str, averages: bool) -> str:
    """Output dtype of a pooling layer: averages and floats take the compute dtype, max keeps integer dtypes."""
    return layer.compute_dtype if averages else autocast_dtype(layer, input_dtype)


class BasePooling(Layer):
    """Pool ``pool_size`` windows moved by ``strides`` (default ``pool_size``) with ``pool_mode`` "max" or "average"."""

    def __init__(self, pool_size, strides, pool_dimensions: int, pool_mode: str = "max", padding: str = "valid",
                 data_format=None, name: str | None = None, **kwargs) -> None:
        super().__init__(name=name, **kwargs)
        if pool_mode not in ("max", "average"):
            raise ValueError(f"{describe(self)}: `pool_mode` must be 'max' or 'average', received {pool_mode!r}")
        self.pool_dimensions = pool_dimensions
        self.pool_size = spatial_tuple(self, "pool_size", pool_size, pool_dimensions)
        self.strides = spatial_tuple(self, "strides", pool_size if strides is None else strides, pool_dimensions)
        self.pool_mode = pool_mode
        self._padding = padding_arg(self, padding)
        self.padding = padding
        self.data_format = data_format_arg(self, data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self._op = ops.max_pool if pool_mode == "max" else ops.average_pool

    def call(self, inputs):
        return self._op(inputs, self.pool_size, self.strides, self._padding, self.data_format)

    def compute_output_shape(self, input_shape):
        batch, spatial, channels = split_shape(input_shape, self.data_format)
        out = tuple(conv_output_length(d, k, s, self._padding)
                    for d, k, s in zip(spatial, self.pool_size, self.strides))
        check_output_spatial(self, input_shape, out, f"pool_size={self.pool_size} with padding={self.padding!r}")
        return join_shape(batch, out, channels, self.data_format)

    def _output_dtype(self, input_dtype: str) -> str:
        return pooled_dtype(self, input_dtype, self.pool_mode == "average")

    def get_build_config(self) -> None:
        """None, as Keras writes for this weightless layer (it is built at construction there)."""
        return None

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        })
        return config
