"""Minimum: elementwise minimum of a list of tensors."""

from __future__ import annotations

from kcore import ops
from kcore.layers.merging.base_merge import Merge, fold_with_masks


class Minimum(Merge):
    """Elementwise minimum; masked positions of an input never win over unmasked ones."""

    def _merge_function(self, inputs, masks):
        return fold_with_masks(ops.minimum, inputs, masks)


def minimum(inputs: list, **kwargs):
    """Functional form of :class:`Minimum`: ``Minimum(**kwargs)(inputs)``."""
    return Minimum(**kwargs)(inputs)
