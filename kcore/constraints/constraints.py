"""Weight constraints (``keras.constraints``): projections applied to a weight after each update."""

from __future__ import annotations

from typing import Any

from kcore import ops


class Constraint:
    """Base class of constraints: ``__call__(w)`` returns the projected weight (default: ``w``)."""

    def __call__(self, w: Any) -> Any:
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Constraint":
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


def _norms(w: Any, axis: Any) -> Any:
    return ops.sqrt(ops.sum(ops.square(w), axis=_axis(axis), keepdims=True))


def _rescale(w: Any, norms: Any, desired: Any) -> Any:
    from kcore.backend import epsilon

    return ops.multiply(w, ops.divide(desired, ops.add(norms, epsilon())))


class MaxNorm(Constraint):
    """Rescales the weights so that their norm along ``axis`` is at most ``max_value``.

    Args:
        max_value: the largest allowed norm.
        axis: axis or axes the norms are taken over (``0`` for a Dense kernel's
            input vectors, ``[0, 1, 2]`` for a Conv2D kernel's filters).
    """

    def __init__(self, max_value: float = 2, axis: Any = 0) -> None:
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        return _rescale(w, norms, ops.clip(norms, 0, self.max_value))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Replaces negative weights by 0."""

    def __call__(self, w: Any) -> Any:
        return ops.maximum(ops.convert_to_tensor(w), 0)


class UnitNorm(Constraint):
    """Rescales the weights to unit norm along ``axis``.

    Args:
        axis: axis or axes the norms are taken over.
    """

    def __init__(self, axis: Any = 0) -> None:
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        from kcore.backend import epsilon

        w = ops.convert_to_tensor(w)
        return ops.divide(w, ops.add(_norms(w, self.axis), epsilon()))

    def get_config(self) -> dict:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves the norm along ``axis`` towards ``[min_value, max_value]``.

    The new norm is ``rate * clip(norm, min_value, max_value) + (1 - rate) * norm``:
    ``rate=1`` enforces the bounds strictly, smaller rates move towards them gradually.

    Args:
        min_value: the smallest allowed norm.
        max_value: the largest allowed norm.
        rate: how far to move towards the interval on each application.
        axis: axis or axes the norms are taken over.
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Any = 0) -> None:
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.add(ops.multiply(self.rate, ops.clip(norms, self.min_value, self.max_value)),
                          ops.multiply(1 - self.rate, norms))
        return _rescale(w, norms, desired)

    def get_config(self) -> dict:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}
