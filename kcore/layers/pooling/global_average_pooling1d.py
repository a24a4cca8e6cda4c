"""GlobalAveragePooling1D: mean over the steps of temporal (1D) data, honouring a mask."""

from __future__ import annotations

from kcore import ops
from kcore.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Mean over the steps axis; with a ``(batch, steps)`` mask, only unmasked steps are averaged."""

    averages = True

    def __init__(self, data_format=None, keepdims: bool = False, **kwargs) -> None:
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        axis = self._axes[0]
        if mask is None:
            return ops.mean(inputs, axis=axis, keepdims=self.keepdims)
        mask = ops.expand_dims(ops.cast(mask, "bool"), 2 if self.data_format == "channels_last" else 1)
        total = ops.sum(ops.where(mask, inputs, 0), axis=axis, keepdims=self.keepdims)
        count = ops.sum(ops.cast(mask, ops.dtype(total)), axis=axis, keepdims=self.keepdims)
        return ops.divide(total, count)

    def compute_mask(self, inputs, mask=None):
        return None
