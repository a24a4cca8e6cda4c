"""Permute: reorder the non-batch axes."""

from __future__ import annotations

from kcore import ops
from kcore.layers.convolutional.conv_utils import autocast_dtype, describe
from kcore.layers.input_spec import InputSpec
from kcore.layers.layer import Layer


class Permute(Layer):
    """Permute the non-batch axes: ``dims`` is a permutation of ``1..n`` (``(2, 1)`` swaps the two axes)."""

    def __init__(self, dims, **kwargs) -> None:
        super().__init__(**kwargs)
        dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                f"{describe(self)}: `dims` must be a permutation of the axes 1..{len(dims)} (the batch axis 0 "
                f"never moves), received dims={dims}"
            )
        self.dims = dims
        self._axes = (0, *dims)
        self.input_spec = InputSpec(ndim=len(dims) + 1)

    def call(self, inputs):
        return ops.transpose(inputs, self._axes)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[a] for a in self._axes)

    def _output_dtype(self, input_dtype: str) -> str:
        return autocast_dtype(self, input_dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config["dims"] = self.dims
        return config
