"""Weight penalties (``keras.regularizers``): ``L1``, ``L2``, ``L1L2``, ``OrthogonalRegularizer``.

Calling a regularizer on a weight returns a scalar tensor of the weight's
dtype, added to the model's loss.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from kcore import ops


def _validate_factor(value: Any, name: str, owner: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or math.isinf(value) or math.isnan(value) or value < 0:
        raise ValueError(f"{owner}: invalid value for argument {name}: expected a non-negative float. "
                         f"Received: {name}={value!r}")
    return float(value)


def _float32(value: float) -> float:
    """``value`` rounded to float32, as Keras stores some factors in float32 tensors."""
    return float(np.float32(value))


class Regularizer:
    """Base class of regularizers: ``__call__(x)`` returns a scalar penalty."""

    def __call__(self, x: Any) -> Any:
        return 0.0

    def get_config(self) -> dict:
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config()")

    @classmethod
    def from_config(cls, config: dict) -> "Regularizer":
        return cls(**config)

    def __repr__(self) -> str:
        try:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        except NotImplementedError:
            args = ""
        return f"{type(self).__name__}({args})"


def _tensor(x: Any) -> Any:
    from kcore.graph.keras_tensor import KerasTensor

    return x if isinstance(x, KerasTensor) else ops.convert_to_tensor(x)


def _dtype(x: Any) -> str:
    from kcore.dtypes import standardize_dtype

    return standardize_dtype(x.dtype)


class L1L2(Regularizer):
    """``l1 * sum(abs(x)) + l2 * sum(square(x))``.

    Args:
        l1: L1 factor (``None`` means 0).
        l2: L2 factor (``None`` means 0).
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _validate_factor(0.0 if l1 is None else l1, "l1", "L1L2")
        self.l2 = _validate_factor(0.0 if l2 is None else l2, "l2", "L1L2")

    def __call__(self, x: Any) -> Any:
        x = _tensor(x)
        dtype = _dtype(x)
        penalty = ops.zeros((), dtype=dtype)
        if self.l1:
            penalty = ops.add(penalty, ops.multiply(ops.cast(self.l1, dtype), ops.sum(ops.abs(x))))
        if self.l2:
            penalty = ops.add(penalty, ops.multiply(ops.cast(self.l2, dtype), ops.sum(ops.square(x))))
        return penalty

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(abs(x))``.

    Args:
        l1: the factor (``None`` means the default 0.01).
    """

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = _float32(_validate_factor(0.01 if l1 is None else l1, "l1", "L1"))

    def __call__(self, x: Any) -> Any:
        x = _tensor(x)
        return ops.multiply(ops.cast(self.l1, _dtype(x)), ops.sum(ops.abs(x)))

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(square(x))``.

    Args:
        l2: the factor (``None`` means the default 0.01).
    """

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = _validate_factor(0.01 if l2 is None else l2, "l2", "L2")

    def __call__(self, x: Any) -> Any:
        x = _tensor(x)
        return ops.multiply(ops.cast(self.l2, _dtype(x)), ops.sum(ops.square(x)))

    def get_config(self) -> dict:
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalises non-orthogonal rows (or columns) of a 2D weight.

    The penalty is ``factor * 0.5 * sum(|P - diag(P)|) / num_pairs`` where ``P``
    holds the dot products of the L2-normalised rows (``mode="rows"``) or
    columns (``mode="columns"``).

    Args:
        factor: the regularization factor.
        mode: ``"rows"`` or ``"columns"``.
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows") -> None:
        self.factor = _float32(_validate_factor(factor, "factor", "OrthogonalRegularizer"))
        if mode not in ("rows", "columns"):
            raise ValueError(f'OrthogonalRegularizer: invalid mode {mode!r}; expected "rows" or "columns"')
        self.mode = mode

    def __call__(self, x: Any) -> Any:
        from kcore.backend import epsilon

        x = _tensor(x)
        shape = tuple(x.shape)
        if len(shape) != 2:
            raise ValueError(f"OrthogonalRegularizer: inputs must have rank 2. Received: inputs.shape={shape}")
        axis = 1 if self.mode == "rows" else 0
        dtype = _dtype(x)
        x = ops.multiply(x, ops.rsqrt(ops.maximum(ops.sum(ops.square(x), axis=axis, keepdims=True), epsilon())))
        if self.mode == "rows":
            product, size = ops.matmul(x, ops.transpose(x)), shape[0]
        else:
            product, size = ops.matmul(ops.transpose(x), x), shape[1]
        off_diagonal = ops.multiply(product, ops.subtract(1.0, ops.eye(size, dtype=dtype)))
        num_pairs = size * (size - 1.0) / 2.0
        return ops.divide(ops.multiply(self.factor * 0.5, ops.sum(ops.abs(off_diagonal))), num_pairs)

    def get_config(self) -> dict:
        return {"factor": self.factor, "mode": self.mode}
