"""Merge: base class of the layers that combine a list of tensors elementwise."""

from __future__ import annotations

from typing import Any, Sequence

from kcore import ops
from kcore.dtypes import FLOAT_TYPES, result_type
from kcore.graph.keras_tensor import KerasTensor
from kcore.layers.layer import Layer

Shape = tuple


class Merge(Layer):
    """Combines a list of tensors with ``_merge_function``.

    Inputs broadcast against each other NumPy-style on their non-batch axes;
    an input of lower rank gets new axes inserted after the batch axis. Shapes
    are checked when the layer is built and at every symbolic call, so an
    incompatible functional graph fails where it is constructed.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self._reshape_required = False

    # ----------------------------------------------------------- hooks
    def _merge_function(self, inputs: list, masks: list | None):
        """Combine ``inputs`` (already of equal rank); ``masks`` lists each input's mask or is None."""
        raise NotImplementedError(f"{type(self).__name__} does not implement _merge_function()")

    def _describe(self) -> str:
        return f"{type(self).__name__} layer '{self.name}'"

    # ----------------------------------------------------------- shapes
    def _as_shape_list(self, input_shape: Any) -> list[Shape]:
        """Validate that ``input_shape`` is a non-empty list of shapes and return it as tuples."""
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not all(
            isinstance(s, (list, tuple)) for s in input_shape
        ):
            raise ValueError(
                f"{self._describe()} should be called on a list of at least one input tensor. "
                f"Received: input_shape={input_shape}"
            )
        return [tuple(s) for s in input_shape]

    def _check_batch(self, shapes: Sequence[Shape]):
        batch = {s[0] for s in shapes if s} - {None}
        if len(batch) > 1:
            raise ValueError(
                f"{self._describe()} cannot merge tensors with different batch sizes. "
                f"Received tensors with shapes {list(shapes)}"
            )
        return batch.pop() if batch else None

    def _broadcast(self, s1: Shape, s2: Shape, shapes: Sequence[Shape]) -> Shape:
        """Broadcast two non-batch shapes; None dimensions stay None (as Keras reports them)."""
        if len(s1) < len(s2):
            s1, s2 = s2, s1
        if not s2:
            return s1
        out = list(s1[: len(s1) - len(s2)])
        for i, j in zip(s1[len(s1) - len(s2):], s2):
            if i is None or j is None:
                out.append(None)
            elif i == 1:
                out.append(j)
            elif j == 1 or i == j:
                out.append(i)
            else:
                raise ValueError(
                    f"{self._describe()}: inputs have incompatible shapes "
                    f"{' and '.join(str(s) for s in shapes)}; dimension {i} cannot be broadcast with {j}."
                )
        return tuple(out)

    def compute_output_shape(self, input_shape) -> Shape:
        shapes = self._as_shape_list(input_shape)
        batch = self._check_batch(shapes)
        out = shapes[0][1:]
        for i in range(1, len(shapes)):
            out = self._broadcast(out, shapes[i][1:], shapes[: i + 1])
        return (batch,) + tuple(out)

    def _output_dtype_for(self, dtypes: list[str]) -> str:
        dt = result_type(*dtypes)
        return self.compute_dtype if dt in FLOAT_TYPES and self.autocast else dt

    def compute_output_spec(self, inputs, mask=None, **kwargs) -> KerasTensor:
        shape = self.compute_output_shape(self._input_shapes(inputs))
        return KerasTensor(shape, dtype=self._output_dtype_for([x.dtype for x in inputs]))

    def _input_shapes(self, inputs) -> list[Shape]:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"{self._describe()} should be called on a list of input tensors. "
                f"Received: inputs of shape {tuple(getattr(inputs, 'shape', ()))} (not a list)"
            )
        return [tuple(x.shape) for x in inputs]

    def build(self, input_shape) -> None:
        shapes = self._as_shape_list(input_shape)
        self.compute_output_shape(shapes)
        self._reshape_required = len({len(s) for s in shapes}) > 1
        self.built = True

    # ------------------------------------------------------------ call
    def call(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"{self._describe()} should be called on a list of input tensors. "
                f"Received a single tensor of shape {ops.shape(inputs)}"
            )
        inputs = list(inputs)
        masks = list(mask) if isinstance(mask, (list, tuple)) else None
        if self._reshape_required:
            ranks = [len(ops.shape(x)) for x in inputs]
            top = max(ranks)
            for k, r in enumerate(ranks):
                for _ in range(top - r):
                    inputs[k] = ops.expand_dims(inputs[k], 1)
            masks = None  # masks no longer line up with the expanded inputs
        return self._merge_function(inputs, masks)

    def compute_mask(self, inputs, mask=None):
        """The OR of the input masks when every input has one, else None."""
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)) or not isinstance(inputs, (list, tuple)) or len(mask) != len(inputs):
            raise ValueError(
                f"{self._describe()}: `mask` should be a list with one entry per input "
                f"({len(inputs) if isinstance(inputs, (list, tuple)) else 1} inputs); received mask={mask}"
            )
        if any(m is None for m in mask):
            return None
        out = mask[0]
        for m in mask[1:]:
            out = ops.logical_or(out, m)
        return out


def fold_with_masks(op_fn, inputs: list, masks: list | None):
    """Fold ``op_fn`` over ``inputs``, letting each position take only values from inputs that are unmasked there.

    Where an input is masked, the running result is kept; where the running
    result is masked (and the new input is not), the new input wins. Used by
    ``Maximum`` and ``Minimum``, which have no identity element.
    """
    if masks is None or all(m is None for m in masks):
        out = inputs[0]
        for x in inputs[1:]:
            out = op_fn(out, x)
        return out
    out, out_mask = None, None
    for x, m in zip(inputs, masks):
        if m is not None:
            m = ops.logical_or(ops.expand_dims(m, -1), ops.zeros_like(x, dtype="bool"))
        if out is None:
            out, out_mask = x, m
            continue
        if m is not None:
            x = ops.where(m, x, out)
        if out_mask is not None:
            out = ops.where(out_mask, out, x)
        out_mask = ops.logical_or(out_mask, m) if (m is not None and out_mask is not None) else None
        out = op_fn(out, x)
    return out
