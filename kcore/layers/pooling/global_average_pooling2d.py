"""GlobalAveragePooling2D: mean over the spatial axes of spatial (2D) data."""

from __future__ import annotations

from kcore import ops
from kcore.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Mean over all spatial axes; output ``(batch, channels)`` (spatial axes kept as 1 with ``keepdims``)."""

    averages = True

    def __init__(self, data_format=None, keepdims: bool = False, **kwargs) -> None:
        super().__init__(pool_dimensions=2, data_format=data_format, keepdims=keepdims, **kwargs)

    def call(self, inputs):
        return ops.mean(inputs, axis=self._axes, keepdims=self.keepdims)
