"""Maximum: elementwise maximum of a list of tensors."""

from __future__ import annotations

from kcore import ops
from kcore.layers.merging.base_merge import Merge, fold_with_masks


class Maximum(Merge):
    """Elementwise maximum; masked positions of an input never win over unmasked ones."""

    def _merge_function(self, inputs, masks):
        return fold_with_masks(ops.maximum, inputs, masks)


def maximum(inputs: list, **kwargs):
    """Functional form of :class:`Maximum`: ``Maximum(**kwargs)(inputs)``."""
    return Maximum(**kwargs)(inputs)
