"""Multiply: elementwise product of a list of tensors."""

from __future__ import annotations

from kcore import ops
from kcore.layers.merging.base_merge import Merge


class Multiply(Merge):
    """Multiplies a list of tensors; masked positions count as 1, and are 0 in the output when all inputs are masked."""

    def _merge_function(self, inputs, masks):
        if masks is None or all(m is None for m in masks):
            out = inputs[0]
            for x in inputs[1:]:
                out = ops.multiply(out, x)
            return out
        all_masked = all(m is not None for m in masks)
        out, out_mask = None, None
        for x, m in zip(inputs, masks):
            if m is not None:
                m = ops.logical_or(ops.expand_dims(m, -1), ops.zeros_like(x, dtype="bool"))
                x = ops.where(m, x, ops.ones_like(x))
                if all_masked:
                    out_mask = m if out_mask is None else ops.logical_or(out_mask, m)
            out = x if out is None else ops.multiply(out, x)
        if all_masked:
            out = ops.where(out_mask, out, ops.zeros_like(out))
        return out


def multiply(inputs: list, **kwargs):
    """Functional form of :class:`Multiply`: ``Multiply(**kwargs)(inputs)``."""
    return Multiply(**kwargs)(inputs)
