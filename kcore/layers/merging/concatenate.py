"""Concatenate: joins a list of tensors along one axis."""

from __future__ import annotations

from kcore import ops
from kcore.layers.merging.base_merge import Merge


class Concatenate(Merge):
    """Concatenates a list of tensors of equal rank along ``axis``.

    All other axes must match (unknown sizes match anything).
    """

    def __init__(self, axis: int = -1, **kwargs) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self._reshape_required = False

    def build(self, input_shape) -> None:
        self.compute_output_shape(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        shapes = self._as_shape_list(input_shape)
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            raise ValueError(
                f"{self._describe()} requires inputs of the same rank. Received: input_shape={shapes}"
            )
        rank = ranks.pop()
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"{self._describe()}: axis={self.axis} is out of bounds for inputs of rank {rank}. "
                f"Received: input_shape={shapes}"
            )
        axis = self.axis % rank
        out = []
        for d in range(rank):
            dims = [s[d] for s in shapes]
            if d == axis:
                out.append(None if None in dims else sum(dims))
                continue
            if len({x for x in dims if x is not None}) > 1:
                raise ValueError(
                    f"{self._describe()} requires inputs with matching shapes except for the concatenation "
                    f"axis {self.axis}, but dimension {d} differs. Received: input_shape={shapes}"
                )
            out.append(dims[0])
        return tuple(out)

    def call(self, inputs, mask=None):
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        """Concatenate the masks (unmasked inputs count as all-True), reduced over the last axis."""
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)) or not isinstance(inputs, (list, tuple)) or len(mask) != len(inputs):
            raise ValueError(
                f"{self._describe()}: `mask` should be a list with one entry per input; received mask={mask}"
            )
        if all(m is None for m in mask):
            return None
        full = []
        for x, m in zip(inputs, mask):
            if m is None:
                full.append(ops.ones_like(x, dtype="bool"))
            elif len(ops.shape(m)) < len(ops.shape(x)):
                full.append(ops.logical_or(ops.expand_dims(m, -1), ops.zeros_like(x, dtype="bool")))
            else:
                full.append(ops.cast(m, "bool"))
        return ops.any(ops.concatenate(full, axis=self.axis), axis=-1)

    def get_config(self) -> dict:
        config = super().get_config()
        config["axis"] = self.axis
        return config


def concatenate(inputs: list, axis: int = -1, **kwargs):
    """Functional form of :class:`Concatenate`: ``Concatenate(axis=axis, **kwargs)(inputs)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)
