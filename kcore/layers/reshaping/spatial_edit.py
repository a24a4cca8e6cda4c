"""SpatialEdit: the base of ZeroPadding1D/2D/3D and Cropping1D/2D/3D (grow or shrink each spatial axis)."""

from __future__ import annotations

from kcore import ops
from kcore.layers.convolutional.conv_utils import (autocast_dtype, data_format_arg, describe, join_shape,
                                                   spatial_pairs, split_shape)
from kcore.layers.input_spec import InputSpec
from kcore.layers.layer import Layer


class SpatialEdit(Layer):
    """Add (``grow``) or remove ``(before, after)`` entries on each of ``rank`` spatial axes."""

    grow = True

    def __init__(self, rank: int, arg: str, amounts, data_format, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rank = rank
        self._arg = arg
        self.data_format = data_format_arg(self, data_format)
        self._pairs = spatial_pairs(self, arg, amounts, rank)
        setattr(self, arg, self._pairs[0] if rank == 1 else self._pairs)
        self.input_spec = InputSpec(ndim=rank + 2)
        first = 1 if self.data_format == "channels_last" else 2
        self._spatial_axes = tuple(range(first, first + rank))

    def call(self, inputs):
        if self.grow:
            pads = [(0, 0)] * (self.rank + 2)
            for axis, pair in zip(self._spatial_axes, self._pairs):
                pads[axis] = pair
            return ops.pad(inputs, pads)
        self._check_sizes(ops.shape(inputs))
        key = [slice(None)] * (self.rank + 2)
        for axis, (before, after) in zip(self._spatial_axes, self._pairs):
            key[axis] = slice(before, -after if after else None)
        return ops.getitem(inputs, tuple(key))

    def _check_sizes(self, input_shape) -> None:
        for axis, pair in zip(self._spatial_axes, self._pairs):
            size = input_shape[axis]
            if isinstance(size, int) and sum(pair) >= size:
                raise ValueError(
                    f"{describe(self)}: cropping {self._pairs[0] if self.rank == 1 else self._pairs} must leave at "
                    f"least one entry on each spatial axis, but received an input of shape {tuple(input_shape)}"
                )

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if not self.grow:
            self._check_sizes(input_shape)
        sign = 1 if self.grow else -1
        batch, spatial, channels = split_shape(input_shape, self.data_format)
        out = tuple(None if d is None else d + sign * sum(p) for d, p in zip(spatial, self._pairs))
        return join_shape(batch, out, channels, self.data_format)

    def _output_dtype(self, input_dtype: str) -> str:
        return autocast_dtype(self, input_dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config[self._arg] = getattr(self, self._arg)
        if self.rank > 1 or self.grow:
            config["data_format"] = self.data_format
        return config
