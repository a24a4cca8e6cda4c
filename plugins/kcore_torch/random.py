"""Stateless random ops for the torch backend.

Each call builds a ``torch.Generator`` seeded from kcore's ``(2,)`` int32 seed
tensor, so the same seed always gives the same numbers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from kcore_torch.core import DEVICE, Tensor, to_torch_dtype
from kcore_torch.numpy import t

_SQRT2 = math.sqrt(2.0)
_CDF_MINUS_2 = 0.5 * math.erfc(2.0 / _SQRT2)  # P(Z < -2) for a standard normal


def generator(seed: Any) -> torch.Generator:
    """A generator on the compute device seeded from a ``(2,)`` seed (reads it on the host)."""
    if isinstance(seed, Tensor):
        values = seed.tolist()
    elif isinstance(seed, int):
        values = [0, seed]
    else:
        values = np.asarray(seed).reshape(-1).tolist()
    if isinstance(values, int) or len(values) != 2:
        raise ValueError(f"random ops expect a seed of shape (2,), got {seed!r}")
    a, b = values
    g = torch.Generator(device=DEVICE)
    g.manual_seed(_mix(int(a), int(b)))
    return g


def _mix(a: int, b: int) -> int:
    """Both seed words folded into the 32 bits torch's CPU generator uses (splitmix64)."""
    z = (((a & 0xFFFFFFFF) << 32) | (b & 0xFFFFFFFF)) + 0x9E3779B97F4A7C15
    z &= 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    z ^= z >> 31
    return (z ^ (z >> 32)) & 0xFFFFFFFF


def _float_dtype(op: str, dtype: Any) -> torch.dtype:
    tdt = to_torch_dtype(dtype or "float32")
    if not tdt.is_floating_point:
        raise ValueError(f"{op}: dtype must be a float type, got {dtype!r}")
    return tdt


def _shape(shape: Any) -> tuple:
    return (int(shape),) if isinstance(shape, int) else tuple(int(d) for d in shape)


class Random:
    """Random number generation from explicit seeds."""

    def random_normal(self, shape, mean: float = 0.0, stddev: float = 1.0, dtype: str = "float32", seed=None):
        tdt = _float_dtype("random_normal", dtype)
        out = torch.randn(_shape(shape), generator=generator(seed), dtype=tdt, device=DEVICE)
        return out * stddev + mean

    def random_uniform(self, shape, minval: float = 0.0, maxval: float = 1.0, dtype: str = "float32", seed=None):
        tdt = _float_dtype("random_uniform", dtype)
        out = torch.rand(_shape(shape), generator=generator(seed), dtype=tdt, device=DEVICE)
        return out * (maxval - minval) + minval

    def random_randint(self, shape, minval: int, maxval: int, dtype: str = "int32", seed=None):
        tdt = to_torch_dtype(dtype or "int32")
        return torch.randint(int(minval), int(maxval), _shape(shape), generator=generator(seed), dtype=tdt, device=DEVICE)

    def random_truncated_normal(self, shape, mean: float = 0.0, stddev: float = 1.0, dtype: str = "float32", seed=None):
        """Normal values within two stddevs of the mean.

        Sampled by inverting the normal CDF on ``(P(Z<-2), P(Z<2))``: the same
        distribution as redrawing out-of-range values, without a data-dependent
        loop (no host sync).
        """
        tdt = _float_dtype("random_truncated_normal", dtype)
        u = torch.rand(_shape(shape), generator=generator(seed), dtype=torch.float32, device=DEVICE)
        u = u * (1.0 - 2.0 * _CDF_MINUS_2) + _CDF_MINUS_2
        z = torch.clamp(_SQRT2 * torch.erfinv(2.0 * u - 1.0), -2.0, 2.0)
        return (z * stddev + mean).to(tdt)

    def random_dropout(self, x, rate: float, noise_shape=None, seed=None):
        x = t(x)
        if noise_shape is None:
            shape = tuple(x.shape)
        else:
            shape = tuple(x.shape[i] if d is None else int(d) for i, d in enumerate(noise_shape))
        noise_dtype = x.dtype if x.is_floating_point() else torch.float32
        keep = torch.rand(shape, generator=generator(seed), dtype=noise_dtype, device=x.device) >= rate
        return torch.where(keep, x / (1.0 - rate), torch.zeros((), dtype=x.dtype, device=x.device))

    def random_shuffle(self, x, axis: int = 0, seed=None):
        x = t(x)
        perm = torch.randperm(x.shape[axis], generator=generator(seed), device=x.device)
        return torch.index_select(x, axis, perm)
