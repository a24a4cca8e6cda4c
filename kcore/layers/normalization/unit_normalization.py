"""UnitNormalization: scales each sample to unit L2 norm over ``axis``."""

from __future__ import annotations

from kcore import ops
from kcore.layers.layer import Layer

_EPSILON = 1e-12


class UnitNormalization(Layer):
    """``x / ||x||_2`` over ``axis`` (an int or a list of ints); the inverse norm is capped at ``1e12``."""

    def __init__(self, axis=-1, **kwargs) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                f"UnitNormalization layer '{self.name}': `axis` should be an int or a list/tuple of ints. "
                f"Received: axis={axis!r}"
            )
        self._reduce = self.axis if isinstance(self.axis, int) else tuple(self.axis)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        # rsqrt(max(s, eps**2)) == min(rsqrt(s), 1 / eps), without an intermediate inf for zero vectors
        square_sum = ops.sum(ops.square(inputs), axis=self._reduce, keepdims=True)
        return ops.multiply(inputs, ops.rsqrt(ops.maximum(square_sum, _EPSILON * _EPSILON)))

    def compute_output_shape(self, input_shape):
        rank = len(input_shape)
        for a in [self.axis] if isinstance(self.axis, int) else self.axis:
            if not -rank <= a < rank:
                raise ValueError(
                    f"UnitNormalization layer '{self.name}': axis {self.axis} is out of bounds for input shape "
                    f"{tuple(input_shape)}."
                )
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config["axis"] = self.axis
        return config
