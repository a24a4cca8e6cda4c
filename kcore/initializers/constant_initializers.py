"""Deterministic initializers: ``Zeros``, ``Ones``, ``Constant``, ``Identity``."""

from __future__ import annotations

from typing import Any

import numpy as np

from kcore.dtypes import standardize_dtype
from kcore.initializers._serialization import deserialize_value, serialize_value
from kcore.initializers.initializer import Initializer, standardize_shape


class Zeros(Initializer):
    """Tensors filled with 0."""

    def __call__(self, shape: tuple, dtype: str | None = None) -> Any:
        from kcore import ops

        return ops.zeros(standardize_shape(shape, "Zeros"), dtype=standardize_dtype(dtype))


class Ones(Initializer):
    """Tensors filled with 1."""

    def __call__(self, shape: tuple, dtype: str | None = None) -> Any:
        from kcore import ops

        return ops.ones(standardize_shape(shape, "Ones"), dtype=standardize_dtype(dtype))


class Constant(Initializer):
    """Tensors filled with ``value`` (a scalar, or an array broadcastable to the shape).

    Args:
        value: the fill value.
    """

    def __init__(self, value: Any = 0.0) -> None:
        self.value = value

    def __call__(self, shape: tuple, dtype: str | None = None) -> Any:
        from kcore import ops

        shape = standardize_shape(shape, "Constant")
        dtype = standardize_dtype(dtype)
        value = self.value
        if not ops.is_tensor(value):  # via NumPy: float64 values are rounded once, by the cast
            value = ops.convert_to_tensor(np.asarray(value))
        value = ops.cast(value, dtype)
        if tuple(ops.shape(value)) == shape:
            return value
        try:
            return ops.broadcast_to(value, shape)
        except Exception as exc:  # framework-specific broadcast errors
            raise ValueError(
                f"Constant: value of shape {tuple(ops.shape(value))} cannot be broadcast "
                f"to the requested shape {shape}"
            ) from exc

    def get_config(self) -> dict:
        return {"value": serialize_value(self.value)}

    @classmethod
    def from_config(cls, config: dict) -> "Constant":
        return cls(deserialize_value(config.get("value", 0.0)))


class Identity(Initializer):
    """The 2D identity matrix (``eye``) times ``gain``.

    Args:
        gain: multiplicative factor applied to the identity matrix.
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: tuple, dtype: str | None = None) -> Any:
        from kcore import ops

        shape = standardize_shape(shape, "Identity")
        if len(shape) != 2:
            raise ValueError(
                "Identity initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        dtype = standardize_dtype(dtype)
        eye = ops.eye(shape[0], shape[1], dtype=dtype)
        if self.gain == 1.0:
            return eye
        return ops.cast(ops.multiply(eye, self.gain), dtype)

    def get_config(self) -> dict:
        # Keras 3 writes an empty config; "gain" is kept only when it is not the default,
        # so a non-default gain survives a round trip.
        return {} if self.gain == 1.0 else {"gain": self.gain}
