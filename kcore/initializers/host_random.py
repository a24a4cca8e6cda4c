"""Initializer sampling on the host with NumPy, for integer seeds.

Weights are created once, eagerly: sampling them with NumPy and converting
once is much faster than a backend's eager random op (jax compiles one per
shape: building VGG19 that way spends seconds compiling). SeedGenerator
seeds still go through ``kcore.random`` so they advance like Keras'.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kcore import ops, random


def _rng(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(int(seed) & 0xFFFFFFFFFFFFFFFF))


def _tensor(arr: np.ndarray, dtype: str):
    return ops.convert_to_tensor(arr, dtype=dtype)


def _is_int_seed(seed: Any) -> bool:
    return isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)


def normal(shape: tuple, mean: float = 0.0, stddev: float = 1.0, dtype: str = "float32", seed: Any = None):
    if not _is_int_seed(seed):
        return random.normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)
    arr = _rng(seed).standard_normal(shape, dtype=np.float32)
    arr *= np.float32(stddev)
    arr += np.float32(mean)
    return _tensor(arr, dtype)


def uniform(shape: tuple, minval: float, maxval: float, dtype: str, seed: Any):
    if not _is_int_seed(seed):
        return random.uniform(shape, minval=minval, maxval=maxval, dtype=dtype, seed=seed)
    arr = _rng(seed).random(shape, dtype=np.float32)
    arr *= np.float32(maxval - minval)
    arr += np.float32(minval)
    return _tensor(arr, dtype)


def truncated_normal(shape: tuple, mean: float, stddev: float, dtype: str, seed: Any):
    """Normal values, redrawing those more than two standard deviations out."""
    if not _is_int_seed(seed):
        return random.truncated_normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)
    rng = _rng(seed)
    arr = rng.standard_normal(shape, dtype=np.float32)
    outside = np.abs(arr) > 2.0
    while outside.any():
        arr[outside] = rng.standard_normal(int(outside.sum()), dtype=np.float32)
        outside = np.abs(arr) > 2.0
    arr *= np.float32(stddev)
    arr += np.float32(mean)
    return _tensor(arr, dtype)
