"""Initializer sampling on the host with NumPy, for integer seeds.

Weights are created once, eagerly: sampling them with NumPy and converting
once is much faster than a backend's eager random op (jax compiles one per
shape: building VGG19 that way spends seconds compiling). SeedGenerator
seeds still go through ``kcore.random`` so they advance like Keras'.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import numpy as np

from kcore import ops, random


#: Elements drawn from one random stream; larger arrays draw each chunk from its own stream, in threads.
CHUNK = 1 << 22


def _rng(seed: int, chunk: int = 0) -> np.random.Generator:
    """Chunk ``chunk`` of ``seed``'s values comes from PCG64(seed) jumped ``chunk`` times: independent streams,
    the same values whatever the number of threads."""
    bit_generator = np.random.PCG64(int(seed) & 0xFFFFFFFFFFFFFFFF)
    return np.random.Generator(bit_generator.jumped(chunk) if chunk else bit_generator)


def _sample(shape: tuple, seed: int, fill: Callable[[np.random.Generator, np.ndarray], None]) -> np.ndarray:
    """A float32 array of ``shape`` filled chunk by chunk by ``fill(rng, flat_chunk)``.

    NumPy releases the GIL while it fills arrays, so the chunks of a large
    weight (VGG19's first Dense kernel has 102M values) fill in parallel.
    """
    size = math.prod(shape)
    out = np.empty(size, np.float32)
    chunks = max(1, -(-size // CHUNK))
    if chunks == 1:
        fill(_rng(seed), out)
        return out.reshape(shape)

    def fill_chunk(i: int) -> None:
        fill(_rng(seed, i), out[i * CHUNK:(i + 1) * CHUNK])

    with ThreadPoolExecutor(max_workers=min(chunks, os.cpu_count() or 1)) as pool:
        list(pool.map(fill_chunk, range(chunks)))
    return out.reshape(shape)


def _tensor(arr: np.ndarray, dtype: str):
    return ops.convert_to_tensor(arr, dtype=dtype)


def _is_int_seed(seed: Any) -> bool:
    return isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)


def normal(shape: tuple, mean: float = 0.0, stddev: float = 1.0, dtype: str = "float32", seed: Any = None):
    if not _is_int_seed(seed):
        return random.normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)

    def fill(rng: np.random.Generator, out: np.ndarray) -> None:
        rng.standard_normal(out=out, dtype=np.float32)
        out *= np.float32(stddev)
        out += np.float32(mean)

    return _tensor(_sample(shape, seed, fill), dtype)


def uniform(shape: tuple, minval: float, maxval: float, dtype: str, seed: Any):
    if not _is_int_seed(seed):
        return random.uniform(shape, minval=minval, maxval=maxval, dtype=dtype, seed=seed)

    def fill(rng: np.random.Generator, out: np.ndarray) -> None:
        rng.random(out=out, dtype=np.float32)
        out *= np.float32(maxval - minval)
        out += np.float32(minval)

    return _tensor(_sample(shape, seed, fill), dtype)


def truncated_normal(shape: tuple, mean: float, stddev: float, dtype: str, seed: Any):
    """Normal values, redrawing those more than two standard deviations out."""
    if not _is_int_seed(seed):
        return random.truncated_normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)

    def fill(rng: np.random.Generator, out: np.ndarray) -> None:
        rng.standard_normal(out=out, dtype=np.float32)
        outside = np.abs(out) > 2.0
        while outside.any():
            out[outside] = rng.standard_normal(int(outside.sum()), dtype=np.float32)
            outside = np.abs(out) > 2.0
        out *= np.float32(stddev)
        out += np.float32(mean)

    return _tensor(_sample(shape, seed, fill), dtype)
