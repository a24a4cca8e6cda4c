"""UpSampling3D: enlarge volumes by repeating each voxel along the three spatial axes."""

from __future__ import annotations

from kcore import ops
from kcore.layers.convolutional.conv_utils import (autocast_dtype, data_format_arg, join_shape, spatial_tuple,
                                                   split_shape)
from kcore.layers.input_spec import InputSpec
from kcore.layers.layer import Layer


class UpSampling3D(Layer):
    """Repeat the three spatial axes ``size[0]``, ``size[1]`` and ``size[2]`` times."""

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data_format = data_format_arg(self, data_format)
        self.size = spatial_tuple(self, "size", size, 3)
        self.input_spec = InputSpec(ndim=5)
        self._axes = (1, 2, 3) if self.data_format == "channels_last" else (2, 3, 4)

    def call(self, inputs):
        x = inputs
        for axis, factor in zip(self._axes, self.size):
            if factor > 1:
                x = ops.repeat(x, factor, axis=axis)
        return x

    def compute_output_shape(self, input_shape):
        batch, spatial, channels = split_shape(tuple(input_shape), self.data_format)
        out = tuple(None if d is None else d * f for d, f in zip(spatial, self.size))
        return join_shape(batch, out, channels, self.data_format)

    def _output_dtype(self, input_dtype: str) -> str:
        return autocast_dtype(self, input_dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format})
        return config
