"""NumPy helpers for labels and vectors: ``to_categorical``, ``normalize``."""

from __future__ import annotations

from typing import Any

import numpy as np


def _to_numpy(x: Any) -> np.ndarray:
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "numpy") and not isinstance(x, (list, tuple)):
        return np.asarray(x.numpy())
    return np.asarray(x)


def to_categorical(x: Any, num_classes: int | None = None) -> np.ndarray:
    """One-hot encodes integer class labels (``keras.utils.to_categorical``).

    Args:
        x: integer labels of any shape; a trailing axis of size 1 (e.g. ``(N, 1)``)
            is dropped, so ``(N, 1)`` gives ``(N, num_classes)``.
        num_classes: number of classes; defaults to ``max(x) + 1``.

    Returns:
        A float64 NumPy array of shape ``x.shape + (num_classes,)`` (what Keras returns for
        NumPy labels on the jax/torch/tensorflow backends).

    Raises:
        ValueError: a label is negative or not below ``num_classes``.
    """
    labels = np.array(_to_numpy(x), dtype="int64")
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    flat = labels.reshape(-1)
    if not num_classes:
        if flat.size == 0:
            raise ValueError(
                "to_categorical: cannot infer num_classes from empty labels; pass num_classes="
            )
        num_classes = int(flat.max()) + 1
    num_classes = int(num_classes)
    if flat.size and (flat.min() < 0 or flat.max() >= num_classes):
        raise ValueError(
            f"to_categorical: labels must lie in [0, {num_classes}) for num_classes={num_classes}; "
            f"received values from {flat.min()} to {flat.max()}"
        )
    out = np.zeros((flat.shape[0], num_classes))
    out[np.arange(flat.shape[0]), flat] = 1
    return out.reshape(tuple(shape) + (num_classes,))


def normalize(x: Any, axis: int = -1, order: int = 2) -> np.ndarray:
    """Divides ``x`` by its ``order``-norm along ``axis`` (``keras.utils.normalize``).

    Zero-norm slices are left unchanged. Float inputs keep their dtype; integer
    inputs give float64.
    """
    arr = _to_numpy(x)
    norm = np.atleast_1d(np.linalg.norm(arr, order, axis))
    norm[norm == 0] = 1
    return arr / np.expand_dims(norm, axis)
