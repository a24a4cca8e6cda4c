"""Conversion of log values (tensors, arrays, numbers) to Python floats."""

from __future__ import annotations

from typing import Any

import numpy as np


def to_float(value: Any) -> float:
    """A Python float from a number, a scalar array/tensor or a kcore ``Variable``."""
    try:
        return float(value)
    except (TypeError, ValueError):
        pass
    if hasattr(value, "numpy"):
        value = value.numpy()
    return float(np.asarray(value))


def _to_python(value: Any) -> Any:
    if isinstance(value, float) or isinstance(value, str) or value is None:
        return value
    shape = getattr(value, "shape", None)
    if shape is not None and len(shape) > 0:
        return value.numpy() if hasattr(value, "numpy") else np.asarray(value)
    try:
        return to_float(value)
    except (TypeError, ValueError):
        return value


def pythonify_logs(logs: dict[str, Any] | None) -> dict[str, Any]:
    """Sorted, flattened copy of ``logs`` with scalar values as Python floats.

    Nested dicts are merged into the top level; non-scalar arrays are kept (as NumPy).
    """
    result: dict[str, Any] = {}
    if not logs:
        return result
    for key in sorted(logs):
        value = logs[key]
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
        else:
            result[key] = _to_python(value)
    return result
