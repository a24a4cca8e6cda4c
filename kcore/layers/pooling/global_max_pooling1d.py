"""GlobalMaxPooling1D: maximum over the spatial axes of temporal (1D) data."""

from __future__ import annotations

from kcore import ops
from kcore.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Maximum over all spatial axes; output ``(batch, channels)`` (spatial axes kept as 1 with ``keepdims``)."""

    def __init__(self, data_format=None, keepdims: bool = False, **kwargs) -> None:
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)

    def call(self, inputs):
        return ops.max(inputs, axis=self._axes, keepdims=self.keepdims)
