"""Stateless random ops of the numpy backend.

Every op builds a fresh ``np.random.Generator`` from its ``(2,)`` int32 seed
through a ``SeedSequence``, so the same seed always gives the same numbers.
"""

from __future__ import annotations

from typing import Any

import autograd.numpy as anp
import numpy as np
from autograd.tracer import getval

from kcore.dtypes import standardize_dtype
from kcore_numpy.core import np_dtype
from kcore_numpy.numpy import dt_, p_take, t_

_NATIVE_FLOATS = (np.dtype("float32"), np.dtype("float64"))


def generator(seed: Any) -> np.random.Generator:
    """A NumPy generator fully determined by ``seed`` (an int or an int tensor)."""
    words = np.asarray(getval(seed)).astype(np.int64).reshape(-1) & 0xFFFFFFFF
    return np.random.default_rng(np.random.SeedSequence([int(w) for w in words]))


def _float_dtype(dtype: str | None) -> tuple[np.dtype, np.dtype]:
    """(target dtype, dtype to draw in): float16/bfloat16 are drawn as float32."""
    target = np_dtype(standardize_dtype(dtype))
    draw = target if target in _NATIVE_FLOATS else np.dtype("float32")
    return target, draw


def _scalar(v: Any) -> Any:
    return np.asarray(getval(v)) if not isinstance(v, (int, float)) else v


class Random:
    """Normal, uniform, integer, truncated-normal draws; dropout and shuffle."""

    def random_normal(self, shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
        target, draw = _float_dtype(dtype)
        z = generator(seed).standard_normal(tuple(shape), dtype=draw)
        return (z * _scalar(stddev) + _scalar(mean)).astype(target, copy=False)

    def random_uniform(self, shape, minval=0.0, maxval=1.0, dtype="float32", seed=None):
        target, draw = _float_dtype(dtype)
        u = generator(seed).random(tuple(shape), dtype=draw)
        lo, hi = _scalar(minval), _scalar(maxval)
        return (u * (hi - lo) + lo).astype(target, copy=False)

    def random_randint(self, shape, minval, maxval, dtype="int32", seed=None):
        target = np_dtype(standardize_dtype(dtype))
        draw = target if target.kind in "iu" else np.dtype("int64")
        values = generator(seed).integers(int(getval(minval)), int(getval(maxval)), size=tuple(shape), dtype=draw)
        return values.astype(target, copy=False)

    def random_truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
        target, draw = _float_dtype(dtype)
        rng = generator(seed)
        z = rng.standard_normal(tuple(shape), dtype=draw)
        outside = np.abs(z) > 2
        while outside.any():
            z[outside] = rng.standard_normal(int(outside.sum()), dtype=draw)
            outside = np.abs(z) > 2
        return (z * _scalar(stddev) + _scalar(mean)).astype(target, copy=False)

    def random_dropout(self, x, rate, noise_shape=None, seed=None):
        x = t_(x)
        rate = float(getval(rate))
        shape = np.shape(getval(x)) if noise_shape is None else tuple(
            np.shape(getval(x))[i] if d is None else d for i, d in enumerate(noise_shape)
        )
        if rate >= 1.0:
            return np.zeros(np.shape(getval(x)), dt_(x))
        keep = generator(seed).random(shape) >= rate
        scale = (keep / (1.0 - rate)).astype(dt_(x))
        return anp.multiply(x, scale)

    def random_shuffle(self, x, axis=0, seed=None):
        x = t_(x)
        ndim = len(np.shape(getval(x)))
        axis = axis % ndim
        perm = generator(seed).permutation(np.shape(getval(x))[axis])
        if type(x) is np.ndarray:
            return np.take(x, perm, axis=axis)
        return p_take(x, perm, axis)

