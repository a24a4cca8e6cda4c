"""Subtract: ``inputs[0] - inputs[1]``."""

from __future__ import annotations

from kcore import ops
from kcore.layers.merging.base_merge import Merge


class Subtract(Merge):
    """Subtracts the second of exactly two tensors from the first."""

    def compute_output_shape(self, input_shape):
        shapes = self._as_shape_list(input_shape)
        if len(shapes) != 2:
            raise ValueError(
                f"{self._describe()} should be called on exactly 2 inputs. Received {len(shapes)} inputs "
                f"with shapes {shapes}"
            )
        return super().compute_output_shape(shapes)

    def _merge_function(self, inputs, masks):
        if len(inputs) != 2:
            raise ValueError(f"{self._describe()} should be called on exactly 2 inputs. Received {len(inputs)} inputs.")
        return ops.subtract(inputs[0], inputs[1])


def subtract(inputs: list, **kwargs):
    """Functional form of :class:`Subtract`: ``Subtract(**kwargs)(inputs)``."""
    return Subtract(**kwargs)(inputs)
