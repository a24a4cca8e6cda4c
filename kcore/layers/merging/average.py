"""Average: elementwise mean of a list of tensors."""

from __future__ import annotations

from kcore import ops
from kcore.layers.merging.base_merge import Merge


class Average(Merge):
    """Averages a list of tensors of broadcast-compatible shapes."""

    def _merge_function(self, inputs, masks):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return ops.divide(out, len(inputs))

    def _output_dtype_for(self, dtypes):
        dt = super()._output_dtype_for(dtypes)
        return dt if dt.startswith(("float", "bfloat")) else self.compute_dtype


def average(inputs: list, **kwargs):
    """Functional form of :class:`Average`: ``Average(**kwargs)(inputs)``."""
    return Average(**kwargs)(inputs)
