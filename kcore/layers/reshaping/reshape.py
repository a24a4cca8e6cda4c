"""Reshape: give the non-batch axes a new shape (one entry may be -1)."""

from __future__ import annotations

import math

from kcore import ops
from kcore.layers.convolutional.conv_utils import autocast_dtype, describe
from kcore.layers.layer import Layer
from kcore.layers.reshaping.flatten import reshape_batch


class Reshape(Layer):
    """Reshape each sample to ``target_shape`` (the batch axis is kept); one entry may be ``-1``."""

    def __init__(self, target_shape, **kwargs) -> None:
        super().__init__(**kwargs)
        try:
            target_shape = tuple(int(d) for d in target_shape)
        except TypeError:
            raise ValueError(
                f"{describe(self)}: `target_shape` must be a tuple of ints, received target_shape={target_shape!r}"
            ) from None
        if any(d < -1 for d in target_shape) or target_shape.count(-1) > 1:
            raise ValueError(
                f"{describe(self)}: `target_shape` entries must be non-negative ints with at most one -1, "
                f"received target_shape={target_shape}"
            )
        self.target_shape = target_shape

    def _resolve(self, sample_shape) -> tuple:
        """``target_shape`` with ``-1`` resolved from ``sample_shape`` (``None`` when it has unknown dims)."""
        target = self.target_shape
        if None in sample_shape:
            return tuple(None if d == -1 else d for d in target)
        size = math.prod(sample_shape)
        known = math.prod(d for d in target if d != -1)
        if -1 not in target:
            if size != known:
                raise ValueError(
                    f"{describe(self)}: cannot reshape samples of shape {tuple(sample_shape)} ({size} values) to "
                    f"target_shape={target} ({known} values)"
                )
            return target
        if known == 0 or size % known:
            raise ValueError(
                f"{describe(self)}: cannot reshape samples of shape {tuple(sample_shape)} ({size} values) to "
                f"target_shape={target}: {size} is not divisible by {known}"
            )
        return tuple(size // known if d == -1 else d for d in target)

    def call(self, inputs):
        dims = tuple(d if isinstance(d, int) else None for d in ops.shape(inputs)[1:])
        tail = tuple(-1 if d is None else d for d in self._resolve(dims))
        return reshape_batch(inputs, tail)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self._resolve(tuple(input_shape[1:])))

    def _output_dtype(self, input_dtype: str) -> str:
        return autocast_dtype(self, input_dtype)

    def get_build_config(self) -> None:
        """None, as Keras writes for this weightless layer (it is built at construction there)."""
        return None

    def get_config(self) -> dict:
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config
