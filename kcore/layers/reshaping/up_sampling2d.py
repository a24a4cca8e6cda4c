"""UpSampling2D: enlarge images by integer factors ("nearest" or "bilinear" interpolation)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from kcore import ops
from kcore.layers.convolutional.conv_utils import (autocast_dtype, data_format_arg, describe, join_shape,
                                                   spatial_tuple, split_shape)
from kcore.layers.input_spec import InputSpec
from kcore.layers.layer import Layer

INTERPOLATIONS = ("nearest", "bilinear")


@lru_cache(maxsize=64)
def linear_taps(length: int, factor: int) -> tuple:
    """Source indices ``(lo, hi)`` and weight of ``hi`` for each of the ``length * factor`` outputs.

    Half-pixel centres, edges clamped: the sampling of ``tf.image.resize``,
    ``jax.image.resize`` and ``torch``'s ``align_corners=False``.
    """
    pos = (np.arange(length * factor) + 0.5) / factor - 0.5
    base = np.floor(pos)
    weight = (pos - base).astype("float32")
    lo = np.clip(base, 0, length - 1).astype("int32")
    hi = np.clip(base + 1, 0, length - 1).astype("int32")
    return lo, hi, weight


def linear_upsample(x, axis: int, factor: int):
    """Linear interpolation of ``x`` along ``axis`` to ``factor`` times its length."""
    shape = ops.shape(x)
    lo, hi, weight = linear_taps(int(shape[axis]), factor)
    bshape = [1] * len(shape)
    bshape[axis] = weight.shape[0]
    w = ops.convert_to_tensor(weight.reshape(bshape), dtype=ops.dtype(x))
    a, b = ops.take(x, lo, axis=axis), ops.take(x, hi, axis=axis)
    return ops.add(a, ops.multiply(ops.subtract(b, a), w))


class UpSampling2D(Layer):
    """Repeat rows ``size[0]`` and columns ``size[1]`` times ("nearest"), or interpolate bilinearly."""

    def __init__(self, size=(2, 2), data_format=None, interpolation: str = "nearest", **kwargs) -> None:
        super().__init__(**kwargs)
        self.data_format = data_format_arg(self, data_format)
        self.size = spatial_tuple(self, "size", size, 2)
        interp = interpolation.lower() if isinstance(interpolation, str) else interpolation
        if interp not in INTERPOLATIONS:
            raise ValueError(
                f"{describe(self)}: `interpolation` must be one of {INTERPOLATIONS}, "
                f"received interpolation={interpolation!r}"
            )
        self.interpolation = interp
        self.input_spec = InputSpec(ndim=4)
        self._axes = (1, 2) if self.data_format == "channels_last" else (2, 3)

    def call(self, inputs):
        x = inputs
        if self.interpolation == "nearest":
            for axis, factor in zip(self._axes, self.size):
                if factor > 1:
                    x = ops.repeat(x, factor, axis=axis)
            return x
        if not ops.dtype(x).startswith(("float", "bfloat")):
            x = ops.cast(x, self.compute_dtype)
        for axis, factor in zip(self._axes, self.size):
            if factor > 1:
                x = linear_upsample(x, axis, factor)
        return x

    def compute_output_shape(self, input_shape):
        batch, spatial, channels = split_shape(tuple(input_shape), self.data_format)
        out = tuple(None if d is None else d * f for d, f in zip(spatial, self.size))
        return join_shape(batch, out, channels, self.data_format)

    def _output_dtype(self, input_dtype: str) -> str:
        return self.compute_dtype if self.interpolation == "bilinear" else autocast_dtype(self, input_dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format, "interpolation": self.interpolation})
        return config
